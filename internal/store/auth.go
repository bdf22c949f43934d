package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/crypt"
	"ctip/internal/i18n"
)

var _ auth.Store = (*DB)(nil)

// ---------- units ----------

const unitCols = `id, code, name, kind, parent_id, path, commune_code, active, version, created_at, updated_at`

func scanUnit(sc interface{ Scan(...any) error }) (*auth.Unit, error) {
	u := &auth.Unit{}
	err := sc.Scan(&u.ID, &u.Code, &u.Name, &u.Kind, &u.ParentID, &u.Path, ns{&u.CommuneCode}, &u.Active, &u.Version, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	u.Depth = strings.Count(u.Path, "/") - 2
	return u, nil
}

// CreateUnit inserts a unit.
func (db *DB) CreateUnit(ctx context.Context, u *auth.Unit, ev ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO units (`+unitCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			u.ID, u.Code, u.Name, u.Kind, u.ParentID, u.Path, nullStr(u.CommuneCode), u.Active, u.Version, u.CreatedAt, u.UpdatedAt)
		if err != nil {
			return mapErr(err, "create unit")
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// UpdateUnit writes a unit (version-checked) and, when its path changed,
// rewrites the paths of its whole subtree.
func (db *DB) UpdateUnit(ctx context.Context, u *auth.Unit, oldVersion int, oldPath string, ev ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE units SET code = $1, name = $2, kind = $3, parent_id = $4, path = $5,
			commune_code = $6, active = $7, version = $8, updated_at = $9 WHERE id = $10 AND version = $11`,
			u.Code, u.Name, u.Kind, u.ParentID, u.Path, nullStr(u.CommuneCode), u.Active, u.Version, u.UpdatedAt, u.ID, oldVersion)
		if err != nil {
			return mapErr(err, "update unit")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale()
		}
		if u.Path != oldPath {
			_, err := tx.ExecContext(ctx, `UPDATE units SET path = $1 || SUBSTR(path, $2) WHERE `+likePrefix("path", "$3")+` AND id <> $4`,
				u.Path, len(oldPath)+1, oldPath, u.ID)
			if err != nil {
				return mapErr(err, "move subtree")
			}
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// GetUnit reads a unit by ID.
func (db *DB) GetUnit(ctx context.Context, id ctip.ID) (*auth.Unit, error) {
	u, err := scanUnit(db.r.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units WHERE id = $1`, id))
	return u, mapErr(err, "get unit")
}

// GetUnitByCode reads a unit by code.
func (db *DB) GetUnitByCode(ctx context.Context, code string) (*auth.Unit, error) {
	u, err := scanUnit(db.r.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units WHERE code = $1`, code))
	return u, mapErr(err, "get unit")
}

// ListUnits returns every unit in tree order (parents before children,
// siblings by name).
func (db *DB) ListUnits(ctx context.Context) ([]*auth.Unit, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+unitCols+` FROM units`)
	if err != nil {
		return nil, mapErr(err, "list units")
	}
	defer rows.Close()
	var all []*auth.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, mapErr(err, "scan unit")
		}
		all = append(all, u)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err, "list units")
	}
	return treeOrder(all), nil
}

// treeOrder sorts units depth-first with siblings in Vietnamese name order.
func treeOrder(all []*auth.Unit) []*auth.Unit {
	children := map[ctip.ID][]*auth.Unit{}
	var roots []*auth.Unit
	for _, u := range all {
		if u.ParentID.Valid {
			children[u.ParentID.ID] = append(children[u.ParentID.ID], u)
		} else {
			roots = append(roots, u)
		}
	}
	byName := func(a, b *auth.Unit) int { return strings.Compare(i18n.Fold(a.Name)+a.Code, i18n.Fold(b.Name)+b.Code) }
	out := make([]*auth.Unit, 0, len(all))
	var walk func([]*auth.Unit)
	walk = func(us []*auth.Unit) {
		slices.SortFunc(us, byName)
		for _, u := range us {
			out = append(out, u)
			walk(children[u.ID])
		}
	}
	walk(roots)
	return out
}

// CountUnits counts units.
func (db *DB) CountUnits(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM units`).Scan(&n)
	return n, mapErr(err, "count units")
}

// ---------- users ----------

const userCols = `u.id, u.username, u.display_name, u.unit_id, u.password_hash, u.must_change_password, u.totp_secret,
	u.totp_enabled, u.totp_required, u.totp_exempt, u.totp_last_step, u.disabled, u.password_changed_at, u.last_login_at,
	u.version, u.created_at, u.updated_at`

func (db *DB) scanUser(sc interface{ Scan(...any) error }, withUnit bool) (*auth.User, error) {
	u := &auth.User{}
	var secret []byte
	dest := []any{&u.ID, &u.Username, &u.DisplayName, &u.UnitID, &u.PasswordHash, &u.MustChangePassword, &secret,
		&u.TOTPEnabled, &u.TOTPRequired, &u.TOTPExempt, &u.TOTPLastStep, &u.Disabled, nt{&u.PasswordChangedAt}, nt{&u.LastLoginAt},
		&u.Version, &u.CreatedAt, &u.UpdatedAt}
	var un auth.Unit
	if withUnit {
		dest = append(dest, &un.ID, &un.Code, &un.Name, &un.Kind, &un.ParentID, &un.Path, ns{&un.CommuneCode}, &un.Active, &un.Version, &un.CreatedAt, &un.UpdatedAt)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if withUnit {
		un.Depth = strings.Count(un.Path, "/") - 2
		u.Unit = &un
	}
	if len(secret) > 0 {
		s, err := db.keys.OpenString(secret, crypt.AD("users", "totp_secret", u.ID.String()))
		if err != nil {
			return nil, err
		}
		u.TOTPSecret = s
	}
	return u, nil
}

func (db *DB) loadRoles(ctx context.Context, q querier, users ...*auth.User) error {
	if len(users) == 0 {
		return nil
	}
	var a args
	ids := make([]any, len(users))
	byID := map[ctip.ID]*auth.User{}
	for i, u := range users {
		ids[i] = u.ID
		byID[u.ID] = u
		u.Roles = nil
	}
	rows, err := q.QueryContext(ctx, `SELECT user_id, role FROM user_roles WHERE user_id IN `+a.in(ids...), a.v...)
	if err != nil {
		return mapErr(err, "roles")
	}
	defer rows.Close()
	for rows.Next() {
		var id ctip.ID
		var role string
		if err := rows.Scan(&id, &role); err != nil {
			return mapErr(err, "roles")
		}
		byID[id].Roles = append(byID[id].Roles, role)
	}
	for _, u := range users {
		slices.SortFunc(u.Roles, func(a, b string) int { return slices.Index(auth.Roles, a) - slices.Index(auth.Roles, b) })
	}
	return mapErr(rows.Err(), "roles")
}

func (db *DB) writeRoles(ctx context.Context, tx *sql.Tx, u *auth.User) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1`, u.ID); err != nil {
		return mapErr(err, "roles")
	}
	for _, r := range u.Roles {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, u.ID, r); err != nil {
			return mapErr(err, "roles")
		}
	}
	return nil
}

func (db *DB) sealTOTP(u *auth.User) []byte {
	return db.keys.SealString(u.TOTPSecret, crypt.AD("users", "totp_secret", u.ID.String()))
}

// CreateUser inserts a user and their roles.
func (db *DB) CreateUser(ctx context.Context, u *auth.User, ev ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, search_key, unit_id, password_hash,
			must_change_password, totp_secret, totp_enabled, totp_required, totp_exempt, totp_last_step, disabled,
			password_changed_at, last_login_at, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			u.ID, u.Username, u.DisplayName, i18n.Fold(u.Username+" "+u.DisplayName), u.UnitID, u.PasswordHash,
			u.MustChangePassword, db.sealTOTP(u), u.TOTPEnabled, u.TOTPRequired, u.TOTPExempt, u.TOTPLastStep, u.Disabled,
			nullTime(u.PasswordChangedAt), nullTime(u.LastLoginAt), u.Version, u.CreatedAt, u.UpdatedAt)
		if err != nil {
			return mapErr(err, "create user")
		}
		if err := db.writeRoles(ctx, tx, u); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// UpdateUser writes a user (version-checked), their roles, and ends their
// sessions as asked.
func (db *DB) UpdateUser(ctx context.Context, u *auth.User, oldVersion int, revoke auth.Revoke, ev ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = $1, search_key = $2, unit_id = $3, password_hash = $4,
			must_change_password = $5, totp_secret = $6, totp_enabled = $7, totp_required = $8, totp_exempt = $9,
			totp_last_step = $10, disabled = $11, password_changed_at = $12, last_login_at = $13, version = $14, updated_at = $15
			WHERE id = $16 AND version = $17`,
			u.DisplayName, i18n.Fold(u.Username+" "+u.DisplayName), u.UnitID, u.PasswordHash, u.MustChangePassword,
			db.sealTOTP(u), u.TOTPEnabled, u.TOTPRequired, u.TOTPExempt, u.TOTPLastStep, u.Disabled,
			nullTime(u.PasswordChangedAt), nullTime(u.LastLoginAt), u.Version, u.UpdatedAt, u.ID, oldVersion)
		if err != nil {
			return mapErr(err, "update user")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale()
		}
		if err := db.writeRoles(ctx, tx, u); err != nil {
			return err
		}
		if revoke.All {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id <> $3`,
				u.UpdatedAt, u.ID, revoke.Except)
			if err != nil {
				return mapErr(err, "revoke sessions")
			}
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

func (db *DB) getUser(ctx context.Context, cond string, arg any) (*auth.User, error) {
	u, err := db.scanUser(db.r.QueryRowContext(ctx, `SELECT `+userCols+`, `+prefixed("n.", unitCols)+`
		FROM users u JOIN units n ON n.id = u.unit_id WHERE `+cond, arg), true)
	if err != nil {
		return nil, mapErr(err, "get user")
	}
	return u, db.loadRoles(ctx, db.r, u)
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// GetUser reads a user with their unit and roles.
func (db *DB) GetUser(ctx context.Context, id ctip.ID) (*auth.User, error) {
	return db.getUser(ctx, "u.id = $1", id)
}

// GetUserByUsername reads a user by username.
func (db *DB) GetUserByUsername(ctx context.Context, username string) (*auth.User, error) {
	return db.getUser(ctx, "u.username = $1", username)
}

// ListUsers returns a filtered page of users ordered by username.
func (db *DB) ListUsers(ctx context.Context, f auth.UserFilter, p ctip.PageRequest) (ctip.Page[*auth.User], error) {
	var a args
	var conds []string
	if q := i18n.Fold(f.Query); q != "" {
		conds = append(conds, "u.search_key LIKE "+a.add("%"+strings.NewReplacer("%", "", "_", "").Replace(q)+"%"))
	}
	if f.UnitID.Valid {
		conds = append(conds, "u.unit_id = "+a.add(f.UnitID.ID))
	}
	if f.Role != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = "+a.add(f.Role)+")")
	}
	if f.Disabled != nil {
		conds = append(conds, "u.disabled = "+a.add(*f.Disabled))
	}
	w := where(conds)
	page := ctip.Page[*auth.User]{Limit: p.Limit, Offset: p.Offset}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u`+w, a.v...).Scan(&page.Total); err != nil {
		return page, mapErr(err, "count users")
	}
	order := "u.username"
	switch p.Sort {
	case "unit":
		order = "n.name"
	case "last_login":
		order = "u.last_login_at"
	case "created":
		order = "u.created_at"
	}
	if p.Desc {
		order += " DESC"
	}
	q := `SELECT ` + userCols + `, ` + prefixed("n.", unitCols) + ` FROM users u JOIN units n ON n.id = u.unit_id` + w +
		` ORDER BY ` + order + `, u.username LIMIT ` + a.add(p.Limit) + ` OFFSET ` + a.add(p.Offset)
	rows, err := db.r.QueryContext(ctx, q, a.v...)
	if err != nil {
		return page, mapErr(err, "list users")
	}
	defer rows.Close()
	for rows.Next() {
		u, err := db.scanUser(rows, true)
		if err != nil {
			return page, mapErr(err, "scan user")
		}
		page.Items = append(page.Items, u)
	}
	if err := rows.Err(); err != nil {
		return page, mapErr(err, "list users")
	}
	return page, db.loadRoles(ctx, db.r, page.Items...)
}

// CountUsers counts accounts.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, mapErr(err, "count users")
}

// ActiveUsersInUnit counts enabled accounts of a unit.
func (db *DB) ActiveUsersInUnit(ctx context.Context, unitID ctip.ID) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE unit_id = $1 AND disabled = FALSE`, unitID).Scan(&n)
	return n, mapErr(err, "count users")
}

// ---------- sessions ----------

const sessionCols = `s.id, s.token_hash, s.user_id, s.stage, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent, s.revoked_at`

func scanSession(sc interface{ Scan(...any) error }, extra ...any) (*auth.Session, error) {
	s := &auth.Session{}
	dest := append([]any{&s.ID, &s.TokenHash, &s.UserID, &s.Stage, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.IP, &s.UserAgent, nt{&s.RevokedAt}}, extra...)
	return s, sc.Scan(dest...)
}

// CreateSession inserts a session and records the login on the user.
func (db *DB) CreateSession(ctx context.Context, s *auth.Session, u *auth.User, ev ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, token_hash, user_id, stage, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			s.ID, s.TokenHash, s.UserID, s.Stage, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.IP, s.UserAgent)
		if err != nil {
			return mapErr(err, "create session")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, s.CreatedAt, u.ID); err != nil {
			return mapErr(err, "last login")
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// GetSessionByHash finds a session by the hash of its token.
func (db *DB) GetSessionByHash(ctx context.Context, hash string) (*auth.Session, error) {
	s, err := scanSession(db.r.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions s WHERE s.token_hash = $1`, hash))
	return s, mapErr(err, "get session")
}

// GetSession reads a session by ID.
func (db *DB) GetSession(ctx context.Context, id ctip.ID) (*auth.Session, error) {
	s, err := scanSession(db.r.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions s WHERE s.id = $1`, id))
	return s, mapErr(err, "get session")
}

// AdvanceSession rotates a session's token and moves it to a new stage. The
// old hash must still match (two tabs racing cannot both advance).
func (db *DB) AdvanceSession(ctx context.Context, id ctip.ID, oldHash, newHash, stage string, ev *ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET token_hash = $1, stage = $2 WHERE id = $3 AND token_hash = $4 AND revoked_at IS NULL`,
			newHash, stage, id, oldHash)
		if err != nil {
			return mapErr(err, "advance session")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.Errorf(ctip.Unauthenticated, "auth.session_expired")
		}
		if ev != nil {
			return db.appendAudit(ctx, tx, *ev)
		}
		return nil
	})
}

// TouchSession records use of a session (at most once a minute per session).
func (db *DB) TouchSession(ctx context.Context, id ctip.ID, at time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, at, id)
	return mapErr(err, "touch session")
}

// RevokeSession ends a session.
func (db *DB) RevokeSession(ctx context.Context, id ctip.ID, at time.Time, ev ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at, id); err != nil {
			return mapErr(err, "revoke session")
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// ListSessions lists sessions not revoked and seen after activeSince, newest first.
func (db *DB) ListSessions(ctx context.Context, f auth.AccessFilter, activeSince time.Time, p ctip.PageRequest) (ctip.Page[*auth.Session], error) {
	var a args
	var conds []string
	if f.State == auth.StateEnded {
		conds = append(conds, "(s.revoked_at IS NOT NULL OR s.last_seen_at < "+a.add(activeSince)+" OR s.expires_at <= "+a.add(db.clock.Now())+")")
	} else {
		conds = append(conds, "s.revoked_at IS NULL", "s.last_seen_at >= "+a.add(activeSince), "s.expires_at > "+a.add(db.clock.Now()))
	}
	conds = append(conds, accessConds(&a, f, "s")...)
	w := where(conds)
	page := ctip.Page[*auth.Session]{Limit: p.Limit, Offset: p.Offset}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id`+w, a.v...).Scan(&page.Total); err != nil {
		return page, mapErr(err, "count sessions")
	}
	dir := " DESC"
	if p.Sort != "" && !p.Desc {
		dir = " ASC"
	}
	order := "s.last_seen_at" + dir
	if p.Sort == auth.SortCreated {
		order = "s.created_at" + dir
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+sessionCols+`, u.username FROM sessions s JOIN users u ON u.id = s.user_id`+w+
		` ORDER BY `+order+`, s.id`+dir+` LIMIT `+a.add(p.Limit)+` OFFSET `+a.add(p.Offset), a.v...)
	if err != nil {
		return page, mapErr(err, "list sessions")
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		s, err := scanSession(rows, &name)
		if err != nil {
			return page, mapErr(err, "scan session")
		}
		s.Username = name
		page.Items = append(page.Items, s)
	}
	return page, mapErr(rows.Err(), "list sessions")
}

// accessConds are the user and unit conditions of the session and token
// lists (t: the table alias; u: the joined users).
func accessConds(a *args, f auth.AccessFilter, t string) []string {
	var conds []string
	if f.UserID.Valid {
		conds = append(conds, t+".user_id = "+a.add(f.UserID.ID))
	}
	if f.Username != "" {
		conds = append(conds, "u.username = "+a.add(strings.ToLower(strings.TrimSpace(f.Username))))
	}
	if f.UnitID.Valid {
		conds = append(conds, "u.unit_id = "+a.add(f.UnitID.ID))
	}
	return conds
}

// DeleteExpiredSessions removes sessions that ended before a time.
func (db *DB) DeleteExpiredSessions(ctx context.Context, before time.Time) (int, error) {
	res, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1 OR last_seen_at < $1`, before)
	if err != nil {
		return 0, mapErr(err, "delete sessions")
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ---------- API tokens ----------

const tokenCols = `t.id, t.user_id, t.name, t.token_hash, t.created_at, t.last_used_at, t.revoked_at`

func scanToken(sc interface{ Scan(...any) error }, extra ...any) (*auth.Token, error) {
	t := &auth.Token{}
	dest := append([]any{&t.ID, &t.UserID, &t.Name, &t.TokenHash, &t.CreatedAt, nt{&t.LastUsedAt}, nt{&t.RevokedAt}}, extra...)
	return t, sc.Scan(dest...)
}

// CreateToken inserts an API token.
func (db *DB) CreateToken(ctx context.Context, t *auth.Token, ev ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
			t.ID, t.UserID, t.Name, t.TokenHash, t.CreatedAt)
		if err != nil {
			return mapErr(err, "create token")
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// GetTokenByHash finds a token by the hash of its secret.
func (db *DB) GetTokenByHash(ctx context.Context, hash string) (*auth.Token, error) {
	t, err := scanToken(db.r.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens t WHERE t.token_hash = $1`, hash))
	return t, mapErr(err, "get token")
}

// GetToken reads a token by ID.
func (db *DB) GetToken(ctx context.Context, id ctip.ID) (*auth.Token, error) {
	t, err := scanToken(db.r.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens t WHERE t.id = $1`, id))
	return t, mapErr(err, "get token")
}

// TouchToken records use of a token.
func (db *DB) TouchToken(ctx context.Context, id ctip.ID, at time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at, id)
	return mapErr(err, "touch token")
}

// RevokeToken ends a token.
func (db *DB) RevokeToken(ctx context.Context, id ctip.ID, at time.Time, ev ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at, id); err != nil {
			return mapErr(err, "revoke token")
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// ListTokens lists a user's (or every) token, newest first, revoked ones included.
func (db *DB) ListTokens(ctx context.Context, f auth.AccessFilter, p ctip.PageRequest) (ctip.Page[*auth.Token], error) {
	var a args
	conds := accessConds(&a, f, "t")
	switch f.State {
	case auth.StateActive:
		conds = append(conds, "t.revoked_at IS NULL")
	case auth.StateRevoked:
		conds = append(conds, "t.revoked_at IS NOT NULL")
	}
	w := where(conds)
	page := ctip.Page[*auth.Token]{Limit: p.Limit, Offset: p.Offset}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens t JOIN users u ON u.id = t.user_id`+w, a.v...).Scan(&page.Total); err != nil {
		return page, mapErr(err, "count tokens")
	}
	dir := " DESC"
	if p.Sort != "" && !p.Desc {
		dir = " ASC"
	}
	order := "t.created_at" + dir
	if p.Sort == auth.SortLastUsed {
		// Never used last, in both directions and on both engines.
		order = "(t.last_used_at IS NULL), t.last_used_at" + dir
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+tokenCols+`, u.username FROM api_tokens t JOIN users u ON u.id = t.user_id`+w+
		` ORDER BY `+order+`, t.id`+dir+` LIMIT `+a.add(p.Limit)+` OFFSET `+a.add(p.Offset), a.v...)
	if err != nil {
		return page, mapErr(err, "list tokens")
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		t, err := scanToken(rows, &name)
		if err != nil {
			return page, mapErr(err, "scan token")
		}
		t.Username = name
		page.Items = append(page.Items, t)
	}
	return page, mapErr(rows.Err(), "list tokens")
}

// ---------- throttling ----------

// GetThrottle reads the failure state of a key.
func (db *DB) GetThrottle(ctx context.Context, key string) (auth.Throttle, error) {
	var th auth.Throttle
	err := db.r.QueryRowContext(ctx, `SELECT failures, window_start, locked_until FROM login_throttle WHERE key = $1`, key).
		Scan(&th.Failures, &th.WindowStart, nt{&th.LockedUntil})
	if err == sql.ErrNoRows {
		return auth.Throttle{}, nil
	}
	return th, mapErr(err, "throttle")
}

// RecordFailure counts a failure for a key; reaching the limit within the
// window locks the key. Atomic across instances: one upsert.
func (db *DB) RecordFailure(ctx context.Context, key string, now time.Time, window time.Duration, limit int, lockFor time.Duration) (auth.Throttle, error) {
	var th auth.Throttle
	err := db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 1, $2)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END,
				window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END
			RETURNING failures, window_start, locked_until`, key, now, now.Add(-window)).
			Scan(&th.Failures, &th.WindowStart, nt{&th.LockedUntil})
		if err != nil {
			return mapErr(err, "throttle")
		}
		if th.Failures >= limit {
			th.LockedUntil = now.Add(lockFor)
			_, err := tx.ExecContext(ctx, `UPDATE login_throttle SET locked_until = $1, failures = 0, window_start = $2 WHERE key = $3`, th.LockedUntil, now, key)
			return mapErr(err, "throttle lock")
		}
		return nil
	})
	return th, err
}

// ClearThrottle forgets the failures of a key.
func (db *DB) ClearThrottle(ctx context.Context, key string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, key)
	return mapErr(err, "throttle clear")
}

// DeleteOldThrottles removes stale throttle rows.
func (db *DB) DeleteOldThrottles(ctx context.Context, before time.Time) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM login_throttle WHERE window_start < $1 AND (locked_until IS NULL OR locked_until < $1)`, before)
	return mapErr(err, "throttle cleanup")
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctip"
	"ctip/internal/crypt"
	"ctip/internal/match"
	"ctip/internal/person"
)

var _ person.Store = (*DB)(nil)

// sealJSON encrypts a value as JSON (nil when the value is empty).
func (db *DB) sealJSON(table, col string, id ctip.ID, v any, empty bool) []byte {
	if empty {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return db.keys.Seal(b, crypt.AD(table, col, id.String()))
}

func (db *DB) openJSON(table, col string, id ctip.ID, b []byte, v any) error {
	if len(b) == 0 {
		return nil
	}
	pt, err := db.keys.Open(b, crypt.AD(table, col, id.String()))
	if err != nil {
		return err
	}
	return json.Unmarshal(pt, v)
}

// blind returns the stored form of a search key: a keyed HMAC, truncated
// to 128 bits (enough to make collisions negligible; candidates are
// verified on the decrypted values anyway).
func (db *DB) blind(k match.Key) string {
	h := db.keys.BlindIndex(match.Domain(k.Kind), k.Value)
	if len(h) > 22 {
		h = h[:22]
	}
	return h
}

// searchKeys are the keys of a person's identity.
func searchKeys(id person.Identity) []match.Key {
	names := append([]string{id.FullName}, id.Aliases...)
	keys := append(match.NameKeys(names...), match.PairKeys(names...)...)
	for _, d := range id.Documents {
		if n := match.NormaliseID(d.Number); n != "" {
			keys = append(keys, match.Key{Kind: match.KindID, Value: n})
		}
	}
	for _, p := range id.Phones {
		if n := match.NormalisePhone(p); n != "" {
			keys = append(keys, match.Key{Kind: match.KindPhone, Value: n})
		}
	}
	return keys
}

func (db *DB) writeSearch(ctx context.Context, tx *sql.Tx, p *person.Person, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM person_search WHERE person_id = $1`, p.ID); err != nil {
			return mapErr(err, "person search")
		}
	}
	seen := map[string]bool{}
	for _, k := range searchKeys(p.Identity) {
		h := db.blind(k)
		if seen[h+k.Kind] {
			continue
		}
		seen[h+k.Kind] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO person_search (person_id, kind, hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, p.ID, k.Kind, h); err != nil {
			return mapErr(err, "person search")
		}
	}
	return nil
}

type addresses struct {
	Permanent person.Address `json:"permanent"`
	Current   person.Address `json:"current"`
}

// personArgs are the identity columns of a person, sealed.
func (db *DB) personArgs(p *person.Person) []any {
	const t = "persons"
	id := p.Identity
	dob := ""
	if !id.DateOfBirth.IsZero() {
		dob = id.DateOfBirth.String()
	}
	return []any{
		db.seal(t, "full_name", p.ID, id.FullName),
		db.sealJSON(t, "aliases", p.ID, id.Aliases, len(id.Aliases) == 0),
		db.seal(t, "date_of_birth", p.ID, dob),
		db.sealJSON(t, "documents", p.ID, id.Documents, len(id.Documents) == 0),
		db.sealJSON(t, "phones", p.ID, id.Phones, len(id.Phones) == 0),
		db.sealJSON(t, "accounts", p.ID, id.Accounts, len(id.Accounts) == 0),
		db.sealJSON(t, "addresses", p.ID, addresses{id.Permanent, id.Current}, id.Permanent.IsZero() && id.Current.IsZero()),
		db.seal(t, "occupation", p.ID, id.Occupation),
		db.keys.Seal(id.Photo, crypt.AD(t, "photo", p.ID.String())),
		db.seal(t, "notes", p.ID, id.Notes),
	}
}

// createPerson inserts a person with roles, team and search keys in tx.
func (db *DB) createPerson(ctx context.Context, tx *sql.Tx, p *person.Person, roles []person.RoleLink, team []person.TeamUnit) error {
	if p.Protected && p.Pseudonym == "" {
		n, err := nextNumber(ctx, tx, person.PseudonymScope, ctip.DateOf(p.CreatedAt).Year)
		if err != nil {
			return err
		}
		p.Pseudonym = person.FormatPseudonym(ctip.DateOf(p.CreatedAt).Year, n)
	}
	args := append([]any{p.ID, p.OwnerUnitID, p.Protected, nullStr(p.Pseudonym)}, db.personArgs(p)...)
	args = append(args, string(p.Sex), p.BirthYear, p.BirthPrecision, nullStr(p.EthnicCode), nullStr(p.Nationality), p.Watch,
		db.seal("persons", "watch_reason", p.ID, p.WatchReason), p.WatchUntil, p.RetainUntil, p.Version, p.CreatedBy, p.CreatedAt, p.UpdatedAt)
	_, err := tx.ExecContext(ctx, `INSERT INTO persons (id, owner_unit_id, protected, pseudonym, full_name, aliases, date_of_birth,
		documents, phones, accounts, addresses, occupation, photo, notes, sex, birth_year, birth_precision, ethnic_code, nationality,
		watch, watch_reason, watch_until, retain_until, version, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)`, args...)
	if err != nil {
		return mapErr(err, "create person")
	}
	for _, r := range roles {
		if err := db.insertRole(ctx, tx, r); err != nil {
			return err
		}
	}
	for _, tu := range team {
		if err := db.insertTeam(ctx, tx, p.ID, tu, p.CreatedAt); err != nil {
			return err
		}
	}
	return db.writeSearch(ctx, tx, p, false)
}

func (db *DB) insertRole(ctx context.Context, tx *sql.Tx, r person.RoleLink) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO person_roles (id, person_id, role, record_type, record_id, unit_id, note, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, r.PersonID, r.Role, r.RecordType, r.RecordID, r.UnitID,
		db.seal("person_roles", "note", r.ID, r.Note), r.CreatedAt)
	return mapErr(err, "person role")
}

func (db *DB) insertTeam(ctx context.Context, tx *sql.Tx, personID ctip.ID, t person.TeamUnit, at time.Time) error {
	if t.UnitID.IsZero() {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO person_team (person_id, unit_id, reason, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (person_id, unit_id, reason) DO NOTHING`, personID, t.UnitID, t.Reason, at)
	return mapErr(err, "person team")
}

// CreatePerson inserts a person, their first roles and team, and the audit event.
func (db *DB) CreatePerson(ctx context.Context, p *person.Person, roles []person.RoleLink, team []person.TeamUnit, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.createPerson(ctx, tx, p, roles, team); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// UpdatePerson writes a person (version-checked) and refreshes the search keys.
func (db *DB) UpdatePerson(ctx context.Context, p *person.Person, oldVersion int, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		args := db.personArgs(p)
		args = append(args, string(p.Sex), p.BirthYear, p.BirthPrecision, nullStr(p.EthnicCode), nullStr(p.Nationality), p.Watch,
			db.seal("persons", "watch_reason", p.ID, p.WatchReason), p.WatchUntil, p.Version, p.UpdatedAt, p.ID, oldVersion)
		res, err := tx.ExecContext(ctx, `UPDATE persons SET full_name = $1, aliases = $2, date_of_birth = $3, documents = $4, phones = $5,
			accounts = $6, addresses = $7, occupation = $8, photo = $9, notes = $10, sex = $11, birth_year = $12, birth_precision = $13,
			ethnic_code = $14, nationality = $15, watch = $16, watch_reason = $17, watch_until = $18, version = $19, updated_at = $20
			WHERE id = $21 AND version = $22`, args...)
		if err != nil {
			return mapErr(err, "update person")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale()
		}
		if err := db.writeSearch(ctx, tx, p, true); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

const personCols = `p.id, p.owner_unit_id, p.protected, p.pseudonym, p.full_name, p.aliases, p.date_of_birth, p.documents, p.phones,
	p.accounts, p.addresses, p.occupation, p.photo, p.notes, p.sex, p.birth_year, p.birth_precision, p.ethnic_code, p.nationality,
	p.watch, p.watch_reason, p.watch_until, p.retain_until, p.version, p.created_by, p.created_at, p.updated_at, u.path, u.name,
	p.merged_into, p.merged_at`

func (db *DB) scanPerson(sc interface{ Scan(...any) error }) (*person.Person, error) {
	p := &person.Person{}
	var name, aliases, dob, docs, phones, accounts, addrs, occ, photo, notes, watchReason []byte
	var sex string
	err := sc.Scan(&p.ID, &p.OwnerUnitID, &p.Protected, ns{&p.Pseudonym}, &name, &aliases, &dob, &docs, &phones, &accounts, &addrs, &occ,
		&photo, &notes, &sex, &p.BirthYear, &p.BirthPrecision, ns{&p.EthnicCode}, ns{&p.Nationality}, &p.Watch, &watchReason, &p.WatchUntil,
		&p.RetainUntil, &p.Version, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt, &p.OwnerUnitPath, &p.OwnerUnitName,
		&p.MergedInto, nt{&p.MergedAt})
	if err != nil {
		return nil, err
	}
	p.Sex = person.Sex(sex)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	const t = "persons"
	id := &p.Identity
	if id.FullName, err = db.open(t, "full_name", p.ID, name); err != nil {
		return nil, err
	}
	var d string
	if d, err = db.open(t, "date_of_birth", p.ID, dob); err != nil {
		return nil, err
	}
	if d != "" {
		id.DateOfBirth, _ = ctip.ParseDate(d)
	}
	var a addresses
	for _, x := range []struct {
		col string
		b   []byte
		v   any
	}{{"aliases", aliases, &id.Aliases}, {"documents", docs, &id.Documents}, {"phones", phones, &id.Phones},
		{"accounts", accounts, &id.Accounts}, {"addresses", addrs, &a}} {
		if err := db.openJSON(t, x.col, p.ID, x.b, x.v); err != nil {
			return nil, err
		}
	}
	id.Permanent, id.Current = a.Permanent, a.Current
	if id.Occupation, err = db.open(t, "occupation", p.ID, occ); err != nil {
		return nil, err
	}
	if id.Notes, err = db.open(t, "notes", p.ID, notes); err != nil {
		return nil, err
	}
	if id.Photo, err = db.keys.Open(photo, crypt.AD(t, "photo", p.ID.String())); err != nil {
		return nil, err
	}
	if p.WatchReason, err = db.open(t, "watch_reason", p.ID, watchReason); err != nil {
		return nil, err
	}
	return p, nil
}

// GetPerson reads a person with roles, priors, wanted notices, consents and team.
func (db *DB) GetPerson(ctx context.Context, id ctip.ID) (*person.Person, error) {
	ps, err := db.loadPersons(ctx, []ctip.ID{id}, true)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, ctip.ErrNotFound()
	}
	return ps[0], nil
}

// loadPersons reads persons by ID in a few queries (roles and team always;
// priors, wanted and consents when full).
func (db *DB) loadPersons(ctx context.Context, ids []ctip.ID, full bool) ([]*person.Person, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var a args
	vs := make([]any, len(ids))
	for i, id := range ids {
		vs[i] = id
	}
	in := a.in(vs...)
	rows, err := db.r.QueryContext(ctx, `SELECT `+personCols+` FROM persons p JOIN units u ON u.id = p.owner_unit_id WHERE p.id IN `+in, a.v...)
	if err != nil {
		return nil, mapErr(err, "persons")
	}
	byID := map[ctip.ID]*person.Person{}
	var out []*person.Person
	for rows.Next() {
		p, err := db.scanPerson(rows)
		if err != nil {
			rows.Close()
			return nil, mapErr(err, "persons")
		}
		byID[p.ID] = p
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err, "persons")
	}
	if len(out) == 0 {
		return nil, nil
	}
	if err := db.eachRow(ctx, `SELECT person_id, unit_id, reason FROM person_team WHERE person_id IN `+in, a.v, func(sc *sql.Rows) error {
		var pid ctip.ID
		var t person.TeamUnit
		if err := sc.Scan(&pid, &t.UnitID, &t.Reason); err != nil {
			return err
		}
		if p := byID[pid]; p != nil {
			p.Team = append(p.Team, t)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := db.eachRow(ctx, `SELECT id, person_id, role, record_type, record_id, unit_id, note, created_at FROM person_roles
		WHERE person_id IN `+in+` ORDER BY created_at, id`, a.v, func(sc *sql.Rows) error {
		var r person.RoleLink
		var note []byte
		if err := sc.Scan(&r.ID, &r.PersonID, &r.Role, &r.RecordType, &r.RecordID, &r.UnitID, &note, &r.CreatedAt); err != nil {
			return err
		}
		var err error
		if r.Note, err = db.open("person_roles", "note", r.ID, note); err != nil {
			return err
		}
		if p := byID[r.PersonID]; p != nil {
			p.Roles = append(p.Roles, r)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := db.eachRow(ctx, `SELECT person_id, closed_on FROM victims WHERE person_id IN `+in, a.v, func(sc *sql.Rows) error {
		var pid ctip.ID
		var closed ctip.Date
		if err := sc.Scan(&pid, &closed); err != nil {
			return err
		}
		if p := byID[pid]; p != nil {
			p.IsVictim = true
			p.VictimOpen = p.VictimOpen || closed.IsZero()
		}
		return nil
	}); err != nil {
		return nil, err
	}
	// The officers of the cases a victim is linked to are on the team.
	casesOf := map[ctip.ID][]*person.Person{}
	var caseIDs []ctip.ID
	for _, p := range out {
		for _, r := range p.Roles {
			if r.RecordType != "case" || r.Role != person.RoleVictim && r.Role != person.RoleBeingIdentified {
				continue
			}
			if cid, err := ctip.ParseID(r.RecordID); err == nil {
				if casesOf[cid] == nil {
					caseIDs = append(caseIDs, cid)
				}
				casesOf[cid] = append(casesOf[cid], p)
			}
		}
	}
	if len(caseIDs) > 0 {
		officers, err := db.CaseOfficerIDs(ctx, caseIDs)
		if err != nil {
			return nil, err
		}
		for cid, users := range officers {
			for _, p := range casesOf[cid] {
				p.CaseOfficers = append(p.CaseOfficers, users...)
			}
		}
	}
	// Wanted notices: the lists show them too.
	if err := db.eachRow(ctx, `SELECT id, person_id, decision_number, issuing_body, issued_on, lifted_on, created_at FROM person_wanted
		WHERE person_id IN `+in+` ORDER BY issued_on, id`, a.v, func(sc *sql.Rows) error {
		var w person.Wanted
		if err := sc.Scan(&w.ID, &w.PersonID, &w.DecisionNumber, &w.IssuingBody, &w.IssuedOn, &w.LiftedOn, &w.CreatedAt); err != nil {
			return err
		}
		if p := byID[w.PersonID]; p != nil {
			p.Wanted = append(p.Wanted, w)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if !full {
		return out, nil
	}
	if err := db.eachRow(ctx, `SELECT id, person_id, kind, offence, decision, body, decided_on, created_at FROM person_priors
		WHERE person_id IN `+in+` ORDER BY decided_on, id`, a.v, func(sc *sql.Rows) error {
		var r person.Prior
		var dec []byte
		if err := sc.Scan(&r.ID, &r.PersonID, &r.Kind, &r.Offence, &dec, &r.Body, &r.DecidedOn, &r.CreatedAt); err != nil {
			return err
		}
		var err error
		if r.Decision, err = db.open("person_priors", "decision", r.ID, dec); err != nil {
			return err
		}
		if p := byID[r.PersonID]; p != nil {
			p.Priors = append(p.Priors, r)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := db.eachRow(ctx, `SELECT id, person_id, purpose, recipient, given_on, withdrawn_on, recorded_by, created_at FROM person_consents
		WHERE person_id IN `+in+` ORDER BY given_on, id`, a.v, func(sc *sql.Rows) error {
		var c person.Consent
		if err := sc.Scan(&c.ID, &c.PersonID, &c.Purpose, &c.Recipient, &c.GivenOn, &c.WithdrawnOn, &c.RecordedBy, &c.CreatedAt); err != nil {
			return err
		}
		if p := byID[c.PersonID]; p != nil {
			p.Consents = append(p.Consents, c)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

func (db *DB) eachRow(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return mapErr(err, "query")
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return mapErr(err, "scan")
		}
	}
	return mapErr(rows.Err(), "rows")
}

// SearchPersons finds candidates through the blind indexes: an exact
// document-number or phone key, or every name token within one edit (the
// rarest token drives, the others filter with EXISTS).
func (db *DB) SearchPersons(ctx context.Context, q person.SearchQuery) ([]*person.Person, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = person.SearchLimit
	}
	var a args
	var query string
	switch {
	case q.IDNumber != "" || q.Phone != "":
		var hs []any
		if q.IDNumber != "" {
			hs = append(hs, db.blind(match.Key{Kind: match.KindID, Value: q.IDNumber}))
		}
		if q.Phone != "" {
			hs = append(hs, db.blind(match.Key{Kind: match.KindPhone, Value: q.Phone}))
		}
		query = `SELECT DISTINCT person_id FROM person_search WHERE hash IN ` + a.in(hs...) + ` LIMIT ` + a.add(limit)
	case len(q.Tokens) > 1:
		// The two most selective tokens as a pair: a dozen exact lookups.
		var hs []any
		for _, k := range match.QueryPairKeys(q.Tokens[0], q.Tokens[1]) {
			hs = append(hs, db.blind(k))
		}
		query = `SELECT DISTINCT person_id FROM person_search WHERE hash IN ` + a.in(hs...) + ` LIMIT ` + a.add(limit)
	case len(q.Tokens) > 0:
		hashes := func(tok string) []any {
			var hs []any
			for _, k := range match.QueryKeys(tok) {
				hs = append(hs, db.blind(k))
			}
			return hs
		}
		var b strings.Builder
		b.WriteString(`SELECT DISTINCT s0.person_id FROM person_search s0 WHERE s0.hash IN `)
		b.WriteString(a.in(hashes(q.Tokens[0])...))
		for i, tok := range q.Tokens[1:] {
			alias := "s" + string(rune('1'+i))
			b.WriteString(` AND EXISTS (SELECT 1 FROM person_search ` + alias + ` WHERE ` + alias + `.hash IN ` + a.in(hashes(tok)...) +
				` AND ` + alias + `.person_id = s0.person_id)`)
		}
		b.WriteString(` LIMIT ` + a.add(limit))
		query = b.String()
	default:
		return nil, nil
	}
	var ids []ctip.ID
	if err := db.eachRow(ctx, query, a.v, func(sc *sql.Rows) error {
		var id ctip.ID
		if err := sc.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}); err != nil {
		return nil, err
	}
	return db.loadPersons(ctx, ids, false)
}

// personScopeAs turns a scope into SQL over persons p: the team condition as a correlated EXISTS (walking persons
// in an index order, probing each), or as IN (byIn: SQLite then reads the
// unit's persons through persons_owner and person_team_unit, a "multi-index
// OR", which is what counting a unit's list needs).
func personScopeAs(a *args, s ctip.Scope, byIn bool) string {
	if s.All {
		return "TRUE"
	}
	var ors []string
	if len(s.UnitIDs) > 0 {
		vs := make([]any, len(s.UnitIDs))
		for i, u := range s.UnitIDs {
			vs[i] = u
		}
		in := a.in(vs...)
		team := "EXISTS (SELECT 1 FROM person_team t WHERE t.person_id = p.id AND t.unit_id IN " + in + ")"
		if byIn {
			team = "p.id IN (SELECT t.person_id FROM person_team t WHERE t.unit_id IN " + in + ")"
		}
		ors = append(ors, "p.owner_unit_id IN "+in, team)
	}
	for _, sp := range s.SubtreePaths {
		ors = append(ors, likePrefix("u.path", a.add(sp)))
	}
	if len(ors) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// ListPersons lists persons in scope, filtered, newest first (or by last
// change). The filters go through indexes: person_roles (role, person_id),
// person_wanted (lifted_on, person_id), persons (watch, …) and (owner_unit_id,
// created_at); the orders through persons (created_at) and (updated_at).
func (db *DB) ListPersons(ctx context.Context, f person.ListFilter, scope ctip.Scope, protectedToo bool, pr ctip.PageRequest) (ctip.Page[*person.Person], error) {
	build := func(a *args, byIn bool) string {
		conds := []string{personScopeAs(a, scope, byIn), "p.merged_into IS NULL"}
		if !protectedToo {
			conds = append(conds, "p.protected = FALSE")
		}
		if f.Role != "" {
			// EXISTS, not IN: a common role matches a large part of the
			// registry, and the page walks persons in date order probing each.
			conds = append(conds, "EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = "+a.add(f.Role)+")")
		}
		if f.Wanted {
			// IN: active wanted notices are few; the list starts from them.
			conds = append(conds, "p.id IN (SELECT w.person_id FROM person_wanted w WHERE w.lifted_on IS NULL)")
		}
		if f.Watch {
			if byIn {
				conds = append(conds, "p.watch = TRUE") // counting: through persons_watch
			} else {
				// The page walks the date index: an expression keeps SQLite
				// from reading every watched person through persons_watch
				// and sorting them.
				conds = append(conds, "(CASE WHEN p.watch THEN 1 ELSE 0 END) = 1")
			}
		}
		if f.UnitID.Valid {
			conds = append(conds, "p.owner_unit_id = "+a.add(f.UnitID.ID))
		}
		return where(conds)
	}
	var a, ca args
	w, cw := build(&a, false), build(&ca, true)
	page := ctip.Page[*person.Person]{Limit: pr.Limit, Offset: pr.Offset}
	// Counted up to the cap (see person.ListCountCap).
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM persons p JOIN units u ON u.id = p.owner_unit_id`+cw+
		` LIMIT `+strconv.Itoa(person.ListCountCap+1)+`) c`, ca.v...).Scan(&n); err != nil {
		return page, mapErr(err, "count persons")
	}
	page.Total, page.Capped = min(n, person.ListCountCap), n > person.ListCountCap
	if page.Total == 0 {
		return page, nil
	}
	col := "p.created_at"
	if pr.Sort == person.SortUpdated {
		col = "p.updated_at"
	}
	dir := " DESC"
	if pr.Sort != "" && !pr.Desc {
		dir = " ASC"
	}
	// LIMIT and OFFSET as literals (integers): SQLite plans for a small page
	// (walking the date index) only when it sees the limit.
	q := `SELECT p.id FROM persons p JOIN units u ON u.id = p.owner_unit_id` + w + ` ORDER BY ` + col + dir + `, p.id` + dir +
		` LIMIT ` + strconv.Itoa(pr.Limit) + ` OFFSET ` + strconv.Itoa(pr.Offset)
	var ids []ctip.ID
	if err := db.eachRow(ctx, q, a.v, func(sc *sql.Rows) error {
		var id ctip.ID
		if err := sc.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}); err != nil {
		return page, err
	}
	ps, err := db.loadPersons(ctx, ids, false)
	if err != nil {
		return page, err
	}
	// Keep the list order.
	pos := map[ctip.ID]int{}
	for i, id := range ids {
		pos[id] = i
	}
	page.Items = make([]*person.Person, len(ps))
	for _, p := range ps {
		page.Items[pos[p.ID]] = p
	}
	return page, nil
}

// protectIfNeeded protects a person that takes a protected role. As on a
// reception (ReceivePerson), the units that had the record shared with them
// (the police units that recorded a suspect, a witness…) join the team as
// investigating units: protection must not cut the investigating bodies off
// a police record (CPC; LEGAL.md §1) — they read it under the pseudonym and
// reveal the identity with a reason, audited.
func (db *DB) protectIfNeeded(ctx context.Context, tx *sql.Tx, personID ctip.ID, role string, at time.Time) error {
	protected := false
	for _, r := range person.ProtectedRoles {
		protected = protected || r == role
	}
	if !protected {
		return nil
	}
	var cur bool
	var pseudo string
	if err := tx.QueryRowContext(ctx, `SELECT protected, COALESCE(pseudonym, '') FROM persons WHERE id = $1`, personID).Scan(&cur, &pseudo); err != nil {
		return mapErr(err, "person")
	}
	if cur && pseudo != "" {
		return nil
	}
	year := ctip.DateOf(at).Year
	n, err := nextNumber(ctx, tx, person.PseudonymScope, year)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE persons SET protected = TRUE, pseudonym = $1, version = version + 1 WHERE id = $2`, person.FormatPseudonym(year, n), personID); err != nil {
		return mapErr(err, "protect person")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO person_team (person_id, unit_id, reason, created_at)
		SELECT person_id, unit_id, $1, $2 FROM person_team WHERE person_id = $3 AND reason = $4
		ON CONFLICT (person_id, unit_id, reason) DO NOTHING`, person.TeamInvestigating, at, personID, person.TeamShare)
	return mapErr(err, "person team")
}

// AddRole records a role; a protected role protects the person.
func (db *DB) AddRole(ctx context.Context, r person.RoleLink, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.insertRole(ctx, tx, r); err != nil {
			return err
		}
		if err := db.protectIfNeeded(ctx, tx, r.PersonID, r.Role, r.CreatedAt); err != nil {
			return err
		}
		if err := db.insertTeam(ctx, tx, r.PersonID, person.TeamUnit{UnitID: r.UnitID, Reason: person.TeamShare}, r.CreatedAt); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// AddPrior records a prior record.
func (db *DB) AddPrior(ctx context.Context, pr person.Prior, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO person_priors (id, person_id, kind, offence, decision, body, decided_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, pr.ID, pr.PersonID, pr.Kind, pr.Offence,
			db.seal("person_priors", "decision", pr.ID, pr.Decision), pr.Body, pr.DecidedOn, pr.CreatedAt)
		if err != nil {
			return mapErr(err, "prior")
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// AddWanted records a wanted notice.
func (db *DB) AddWanted(ctx context.Context, w person.Wanted, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO person_wanted (id, person_id, decision_number, issuing_body, issued_on, lifted_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, w.ID, w.PersonID, w.DecisionNumber, w.IssuingBody, w.IssuedOn, w.LiftedOn, w.CreatedAt)
		if err != nil {
			return mapErr(err, "wanted")
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// LiftWanted records the lifting of a wanted notice.
func (db *DB) LiftWanted(ctx context.Context, personID, id ctip.ID, on ctip.Date, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE person_wanted SET lifted_on = $1 WHERE id = $2 AND person_id = $3 AND lifted_on IS NULL`, on, id, personID)
		if err != nil {
			return mapErr(err, "lift wanted")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrNotFound()
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// AddConsent records a consent.
func (db *DB) AddConsent(ctx context.Context, c person.Consent, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO person_consents (id, person_id, purpose, recipient, given_on, withdrawn_on, recorded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ID, c.PersonID, c.Purpose, c.Recipient, c.GivenOn, c.WithdrawnOn, c.RecordedBy, c.CreatedAt)
		if err != nil {
			return mapErr(err, "consent")
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// WithdrawConsent records a withdrawal.
func (db *DB) WithdrawConsent(ctx context.Context, personID, id ctip.ID, on ctip.Date, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE person_consents SET withdrawn_on = $1 WHERE id = $2 AND person_id = $3 AND withdrawn_on IS NULL`, on, id, personID)
		if err != nil {
			return mapErr(err, "withdraw consent")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrNotFound()
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// AddTeam adds a unit to a person's team.
func (db *DB) AddTeam(ctx context.Context, personID ctip.ID, t person.TeamUnit, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.insertTeam(ctx, tx, personID, t, au.At); err != nil {
			return err
		}
		au.ID = ctip.NewID()
		au.Action, au.RecordType, au.RecordID = "person.team", "person", personID.String()
		au.Fields = []string{"team:" + t.Reason}
		return db.appendAudit(ctx, tx, au)
	})
}

// AddLink links a person to a record with a role; the linking unit joins
// the team (investigating) and the role is recorded.
func (db *DB) AddLink(ctx context.Context, l person.Link, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		added, err := db.addLink(ctx, tx, l)
		if err != nil {
			return err
		}
		if !added {
			return ctip.Errorf(ctip.Conflict, "person.already_linked")
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// addLink writes a link in tx: the link row, the role in the record (unless
// the person already holds it there), protection for a protected role, and
// the record's unit on the team. It reports false when the link existed.
func (db *DB) addLink(ctx context.Context, tx *sql.Tx, l person.Link) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO person_links (person_id, record_type, record_id, role, unit_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, l.PersonID, l.RecordType, l.RecordID, l.Role, l.UnitID, l.CreatedAt)
	if err != nil {
		return false, mapErr(err, "person link")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	var held int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM person_roles WHERE person_id = $1 AND role = $2 AND record_type = $3 AND record_id = $4`,
		l.PersonID, l.Role, l.RecordType, l.RecordID).Scan(&held); err != nil {
		return false, mapErr(err, "person role")
	}
	if held == 0 {
		if err := db.insertRole(ctx, tx, person.RoleLink{ID: ctip.NewID(), PersonID: l.PersonID, Role: l.Role, RecordType: l.RecordType,
			RecordID: l.RecordID, UnitID: l.UnitID, CreatedAt: l.CreatedAt}); err != nil {
			return false, err
		}
	}
	if err := db.protectIfNeeded(ctx, tx, l.PersonID, l.Role, l.CreatedAt); err != nil {
		return false, err
	}
	if !l.NoTeam {
		if err := db.insertTeam(ctx, tx, l.PersonID, person.TeamUnit{UnitID: l.UnitID, Reason: person.TeamInvestigating}, l.CreatedAt); err != nil {
			return false, err
		}
	}
	return true, nil
}

// writeRecordLink creates the person of a record link (if new) and writes
// the link in tx, and fills the pseudonym the record keeps of a protected
// person.
func (db *DB) writeRecordLink(ctx context.Context, tx *sql.Tx, rl *person.RecordLink) error {
	if rl.New != nil {
		if err := db.createPerson(ctx, tx, rl.New, rl.Roles, rl.Team); err != nil {
			return err
		}
	}
	if _, err := db.addLink(ctx, tx, rl.Link); err != nil {
		return err
	}
	if rl.Protected && rl.Name == "" {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(pseudonym, '') FROM persons WHERE id = $1`, rl.Link.PersonID).Scan(&rl.Name); err != nil {
			return mapErr(err, "person")
		}
	}
	return nil
}

// CreateLinkedPerson inserts a person and links them to a record, with the
// audit event, in one transaction.
func (db *DB) CreateLinkedPerson(ctx context.Context, p *person.Person, team []person.TeamUnit, l person.Link, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.createPerson(ctx, tx, p, nil, team); err != nil {
			return err
		}
		if _, err := db.addLink(ctx, tx, l); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// LinksOf lists the persons linked to a record.
func (db *DB) LinksOf(ctx context.Context, recordType, recordID string) ([]person.Link, error) {
	var out []person.Link
	err := db.eachRow(ctx, `SELECT person_id, record_type, record_id, role, unit_id, created_at FROM person_links
		WHERE record_type = $1 AND record_id = $2 ORDER BY created_at`, []any{recordType, recordID}, func(sc *sql.Rows) error {
		var l person.Link
		if err := sc.Scan(&l.PersonID, &l.RecordType, &l.RecordID, &l.Role, &l.UnitID, &l.CreatedAt); err != nil {
			return err
		}
		out = append(out, l)
		return nil
	})
	return out, err
}

// OpenReveal records a reveal (its reason encrypted) and its audit event.
func (db *DB) OpenReveal(ctx context.Context, r person.Reveal, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO identity_reveals (id, person_id, user_id, kind, reason, at, until)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.ID, r.PersonID, r.UserID, r.Kind, db.seal("identity_reveals", "reason", r.ID, r.Reason), r.At, r.Until)
		if err != nil {
			return mapErr(err, "reveal")
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// ActiveReveal returns the user's open reveal of a person, or nil.
func (db *DB) ActiveReveal(ctx context.Context, personID, userID ctip.ID, now time.Time) (*person.Reveal, error) {
	r := &person.Reveal{}
	err := db.r.QueryRowContext(ctx, `SELECT id, person_id, user_id, kind, at, until FROM identity_reveals
		WHERE person_id = $1 AND user_id = $2 AND until > $3 ORDER BY until DESC LIMIT 1`, personID, userID, now.UTC()).
		Scan(&r.ID, &r.PersonID, &r.UserID, &r.Kind, &r.At, &r.Until)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err, "reveal")
	}
	r.At, r.Until = r.At.UTC(), r.Until.UTC()
	return r, nil
}

// personChildTables are deleted with a person (children first).
var personChildTables = []string{
	"DELETE FROM victim_support WHERE victim_id IN (SELECT id FROM victims WHERE person_id IN (%s))",
	"DELETE FROM victim_followups WHERE victim_id IN (SELECT id FROM victims WHERE person_id IN (%s))",
	"DELETE FROM victim_protection WHERE victim_id IN (SELECT id FROM victims WHERE person_id IN (%s))",
	"DELETE FROM victim_events WHERE victim_id IN (SELECT id FROM victims WHERE person_id IN (%s))",
	"UPDATE victims SET accompanies_id = NULL WHERE accompanies_id IN (SELECT id FROM victims WHERE person_id IN (%s))",
	"DELETE FROM victims WHERE person_id IN (%s)",
	"DELETE FROM person_search WHERE person_id IN (%s)",
	"DELETE FROM person_team WHERE person_id IN (%s)",
	"DELETE FROM person_roles WHERE person_id IN (%s)",
	"DELETE FROM person_priors WHERE person_id IN (%s)",
	"DELETE FROM person_wanted WHERE person_id IN (%s)",
	"DELETE FROM person_consents WHERE person_id IN (%s)",
	"DELETE FROM person_links WHERE person_id IN (%s)",
	"DELETE FROM identity_reveals WHERE person_id IN (%s)",
	"DELETE FROM identity_reveals WHERE person_id IN (SELECT id FROM persons WHERE merged_into IN (%s))",
	"DELETE FROM persons WHERE merged_into IN (%s)", // the tombstones of records merged into it
	"DELETE FROM persons WHERE id IN (%s)",
}

// PurgeExpired deletes persons whose retention date has passed (domain rows
// only, never audit rows) and appends one audit entry for the purge, in one
// transaction. Audit events that name a purged person keep their IDs: the
// chain is untouched.
func (db *DB) PurgeExpired(ctx context.Context, today ctip.Date, au func(n int) ctip.AuditEvent) (int, error) {
	total := 0
	for {
		n := 0
		err := db.tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM persons WHERE retain_until IS NOT NULL AND retain_until < $1
				AND NOT EXISTS (SELECT 1 FROM victims v WHERE v.person_id = persons.id AND v.closed_on IS NULL) LIMIT 500`, today)
			if err != nil {
				return mapErr(err, "purge")
			}
			var ids []any
			for rows.Next() {
				var id ctip.ID
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return mapErr(err, "purge")
				}
				ids = append(ids, id)
			}
			rows.Close()
			if len(ids) == 0 {
				return nil
			}
			var a args
			in := a.in(ids...)
			in = in[1 : len(in)-1]
			// Cases keep their copy of the name or pseudonym: their link to the
			// person (or to a record merged into it) is cleared and the day of
			// the purge kept, so the case page says so and the start-up backfill
			// (rows with no person and no purge day) does not re-create them.
			day := "$" + strconv.Itoa(len(ids)+1)
			for _, t := range []string{"case_accused", "case_parties"} {
				q := `UPDATE ` + t + ` SET person_id = NULL, person_purged_on = ` + day + ` WHERE person_id IN (` + in +
					`) OR person_id IN (SELECT id FROM persons WHERE merged_into IN (` + in + `))`
				if _, err := tx.ExecContext(ctx, q, append(slices.Clone(a.v), today)...); err != nil {
					return mapErr(err, "purge")
				}
			}
			for _, q := range personChildTables {
				if _, err := tx.ExecContext(ctx, strings.Replace(q, "%s", in, 1), a.v...); err != nil {
					return mapErr(err, "purge")
				}
			}
			n = len(ids)
			return db.appendAudit(ctx, tx, au(n))
		})
		if err != nil {
			return total, err
		}
		total += n
		if n == 0 {
			return total, nil
		}
	}
}

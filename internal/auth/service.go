package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ctip"
)

// Settings tune sessions and throttling.
type Settings struct {
	SessionIdle     time.Duration // a session unused this long ends (default 30 min)
	SessionAbsolute time.Duration // a session ends this long after login whatever its use (default 12 h)
	UserFailLimit   int           // failures per account within FailWindow before a lock (default 5)
	IPFailLimit     int           // failures per client address within FailWindow before a lock (default 20)
	FailWindow      time.Duration // default 15 min
	LockFor         time.Duration // default 15 min
}

// DefaultSettings returns the defaults above.
func DefaultSettings() Settings {
	return Settings{SessionIdle: 30 * time.Minute, SessionAbsolute: 12 * time.Hour,
		UserFailLimit: 5, IPFailLimit: 20, FailWindow: 15 * time.Minute, LockFor: 15 * time.Minute}
}

// Service implements accounts, units, sessions and tokens. Every method that
// changes something checks the actor's permission and writes an audit event
// in the same transaction.
type Service struct {
	Store    Store
	Clock    ctip.Clock
	Settings Settings
	Issuer   string // TOTP issuer shown in authenticator apps
}

// New returns a service with default settings.
func New(st Store, clock ctip.Clock) *Service {
	return &Service{Store: st, Clock: clock, Settings: DefaultSettings(), Issuer: "ctip"}
}

func (s *Service) now() time.Time { return s.Clock.Now() }

// HashToken is the stored form of a session or API token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func newSecret(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// ---------- Units ----------

var unitCodeRe = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_.-]{0,31}$`)

// UnitInput is the editable part of a unit.
type UnitInput struct {
	Code        string
	Name        string
	Kind        string
	ParentCode  string // by code (CLI) …
	ParentID    ctip.NullID
	CommuneCode string
}

func (in *UnitInput) normalize() {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Kind = strings.TrimSpace(in.Kind)
	in.ParentCode = strings.ToUpper(strings.TrimSpace(in.ParentCode))
	in.CommuneCode = strings.TrimSpace(in.CommuneCode)
}

func (s *Service) validateUnit(in UnitInput) ctip.Problems {
	var p ctip.Problems
	if in.Code == "" {
		p.Add("code", "error.required")
	} else if !unitCodeRe.MatchString(in.Code) {
		p.Add("code", "auth.unit_code_format")
	}
	if in.Name == "" {
		p.Add("name", "error.required")
	} else if utf8.RuneCountInString(in.Name) > 200 {
		p.Add("name", "error.too_long", 200)
	}
	if !slices.Contains(ctip.UnitKinds, in.Kind) {
		p.Add("kind", "auth.unit_kind_unknown")
	}
	if in.CommuneCode != "" && !regexp.MustCompile(`^\d{5}$`).MatchString(in.CommuneCode) {
		p.Add("commune_code", "error.commune_code")
	}
	return p
}

func (s *Service) resolveParent(ctx context.Context, in *UnitInput, p *ctip.Problems) *Unit {
	var parent *Unit
	var err error
	switch {
	case in.ParentCode != "":
		parent, err = s.Store.GetUnitByCode(ctx, in.ParentCode)
	case in.ParentID.Valid:
		parent, err = s.Store.GetUnit(ctx, in.ParentID.ID)
	default:
		return nil
	}
	if err != nil || parent == nil {
		p.Add("parent", "auth.unit_parent_unknown")
		return nil
	}
	if !parent.Active {
		p.Add("parent", "auth.unit_parent_inactive")
	}
	return parent
}

func (s *Service) requireAdmin(ctx context.Context, perm ctip.Permission) (*ctip.Actor, error) {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	if !a.System && !a.Can(perm) {
		return nil, ctip.ErrForbidden()
	}
	return a, nil
}

// CreateUnit adds a unit under a parent (or a root unit).
func (s *Service) CreateUnit(ctx context.Context, in UnitInput) (*Unit, error) {
	a, err := s.requireAdmin(ctx, ctip.PermAdminUnits)
	if err != nil {
		return nil, err
	}
	in.normalize()
	p := s.validateUnit(in)
	parent := s.resolveParent(ctx, &in, &p)
	if len(p) == 0 {
		if _, err := s.Store.GetUnitByCode(ctx, in.Code); err == nil {
			p.Add("code", "auth.unit_code_taken")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	u := &Unit{ID: ctip.NewID(), Code: in.Code, Name: in.Name, Kind: in.Kind, CommuneCode: in.CommuneCode,
		Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	u.Path = "/" + u.ID.String() + "/"
	if parent != nil {
		u.ParentID = ctip.Some(parent.ID)
		u.Path = parent.Path + u.ID.String() + "/"
	}
	ev := ctip.NewAuditEvent(a, now, "unit.create", "unit", u.ID)
	ev.Fields = []string{"code", "name", "kind", "parent"}
	if err := s.Store.CreateUnit(ctx, u, ev); err != nil {
		if ctip.IsKind(err, ctip.Conflict) {
			var pr ctip.Problems
			pr.Add("code", "auth.unit_code_taken")
			return nil, pr.Err()
		}
		return nil, err
	}
	u.Depth = strings.Count(u.Path, "/") - 2
	return u, nil
}

// UpdateUnit renames, recodes, re-kinds or moves a unit (version-checked).
// Moving re-parents the whole subtree; a unit cannot move under itself.
func (s *Service) UpdateUnit(ctx context.Context, id ctip.ID, version int, in UnitInput) (*Unit, error) {
	a, err := s.requireAdmin(ctx, ctip.PermAdminUnits)
	if err != nil {
		return nil, err
	}
	u, err := s.Store.GetUnit(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.Version != version {
		return nil, ctip.ErrStale()
	}
	in.normalize()
	p := s.validateUnit(in)
	parent := s.resolveParent(ctx, &in, &p)
	if parent != nil && strings.HasPrefix(parent.Path, u.Path) {
		p.Add("parent", "auth.unit_move_into_self")
	}
	if in.Code != u.Code && len(p) == 0 {
		if _, err := s.Store.GetUnitByCode(ctx, in.Code); err == nil {
			p.Add("code", "auth.unit_code_taken")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var changed []string
	if in.Code != u.Code {
		changed = append(changed, "code")
	}
	if in.Name != u.Name {
		changed = append(changed, "name")
	}
	if in.Kind != u.Kind {
		changed = append(changed, "kind")
	}
	if in.CommuneCode != u.CommuneCode {
		changed = append(changed, "commune_code")
	}
	oldPath := u.Path
	newParent := ctip.NullID{}
	newPath := "/" + u.ID.String() + "/"
	if parent != nil {
		newParent = ctip.Some(parent.ID)
		newPath = parent.Path + u.ID.String() + "/"
	}
	if newParent != u.ParentID {
		changed = append(changed, "parent")
	}
	if len(changed) == 0 {
		return u, nil
	}
	u.Code, u.Name, u.Kind, u.CommuneCode, u.ParentID, u.Path = in.Code, in.Name, in.Kind, in.CommuneCode, newParent, newPath
	u.UpdatedAt = s.now()
	u.Version++
	ev := ctip.NewAuditEvent(a, u.UpdatedAt, "unit.update", "unit", u.ID)
	ev.Fields = changed
	if err := s.Store.UpdateUnit(ctx, u, version, oldPath, ev); err != nil {
		return nil, err
	}
	return u, nil
}

// SetUnitActive deactivates or reactivates a unit. A unit with active users
// or active child units cannot be deactivated.
func (s *Service) SetUnitActive(ctx context.Context, id ctip.ID, version int, active bool) (*Unit, error) {
	a, err := s.requireAdmin(ctx, ctip.PermAdminUnits)
	if err != nil {
		return nil, err
	}
	u, err := s.Store.GetUnit(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.Version != version {
		return nil, ctip.ErrStale()
	}
	if u.Active == active {
		return u, nil
	}
	if !active {
		n, err := s.Store.ActiveUsersInUnit(ctx, id)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, ctip.Errorf(ctip.Conflict, "auth.unit_has_users", n)
		}
		all, err := s.Store.ListUnits(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			if c.ParentID.Valid && c.ParentID.ID == id && c.Active {
				return nil, ctip.Errorf(ctip.Conflict, "auth.unit_has_children")
			}
		}
	} else if u.ParentID.Valid {
		parent, err := s.Store.GetUnit(ctx, u.ParentID.ID)
		if err == nil && !parent.Active {
			return nil, ctip.Errorf(ctip.Conflict, "auth.unit_parent_inactive")
		}
	}
	u.Active = active
	u.UpdatedAt = s.now()
	u.Version++
	action := "unit.deactivate"
	if active {
		action = "unit.activate"
	}
	ev := ctip.NewAuditEvent(a, u.UpdatedAt, action, "unit", u.ID)
	ev.Fields = []string{"active"}
	if err := s.Store.UpdateUnit(ctx, u, version, u.Path, ev); err != nil {
		return nil, err
	}
	return u, nil
}

// Units lists the whole tree in depth-first order. Any signed-in user may
// read it (unit names are not personal data, and forms need them).
func (s *Service) Units(ctx context.Context) ([]*Unit, error) {
	if ctip.ActorFrom(ctx) == nil {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	return s.Store.ListUnits(ctx)
}

// Unit returns one unit.
func (s *Service) Unit(ctx context.Context, id ctip.ID) (*Unit, error) {
	if ctip.ActorFrom(ctx) == nil {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	return s.Store.GetUnit(ctx, id)
}

// UnitByCode returns one unit by its code.
func (s *Service) UnitByCode(ctx context.Context, code string) (*Unit, error) {
	if ctip.ActorFrom(ctx) == nil {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	return s.Store.GetUnitByCode(ctx, strings.ToUpper(strings.TrimSpace(code)))
}

// ---------- Users ----------

var usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)

// UserInput is the editable part of a user.
type UserInput struct {
	Username    string
	DisplayName string
	UnitCode    string // by code (CLI) …
	UnitID      ctip.NullID
	Roles       []string
	Password    string // optional: when empty a one-time password is generated
	// Temporary makes a given password one-time (it must be changed at first login).
	Temporary bool
	// DemoAccount exempts the account from mandatory TOTP. Only the system
	// actor (the `ctip demo` loader) may set it; it is refused otherwise.
	DemoAccount bool
}

func (s *Service) validateUser(ctx context.Context, in *UserInput, creating bool) (*Unit, ctip.Problems) {
	var p ctip.Problems
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.DisplayName = strings.Join(strings.Fields(in.DisplayName), " ")
	if creating {
		if in.Username == "" {
			p.Add("username", "error.required")
		} else if !usernameRe.MatchString(in.Username) {
			p.Add("username", "auth.username_format")
		}
	}
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	if utf8.RuneCountInString(in.DisplayName) > 120 {
		p.Add("display_name", "error.too_long", 120)
	}
	var unit *Unit
	var err error
	switch {
	case in.UnitCode != "":
		unit, err = s.Store.GetUnitByCode(ctx, strings.ToUpper(strings.TrimSpace(in.UnitCode)))
	case in.UnitID.Valid:
		unit, err = s.Store.GetUnit(ctx, in.UnitID.ID)
	default:
		p.Add("unit", "error.required")
	}
	if (in.UnitCode != "" || in.UnitID.Valid) && (err != nil || unit == nil) {
		p.Add("unit", "auth.unit_unknown")
	} else if unit != nil && !unit.Active {
		p.Add("unit", "auth.unit_inactive")
	}
	roles := []string{}
	for _, r := range in.Roles {
		r = strings.TrimSpace(r)
		if r == "" || slices.Contains(roles, r) {
			continue
		}
		if !ValidRole(r) {
			p.Add("roles", "auth.role_unknown", r)
			continue
		}
		roles = append(roles, r)
	}
	if len(roles) == 0 && !p.Has("roles") {
		p.Add("roles", "auth.role_required")
	}
	slices.SortFunc(roles, func(a, b string) int { return slices.Index(Roles, a) - slices.Index(Roles, b) })
	in.Roles = roles
	if in.Password != "" {
		if k := CheckPasswordPolicy(in.Password, in.Username); k != "" {
			p.Add("password", k, MinPasswordLength)
		}
	}
	return unit, p
}

// CreateUser adds an account. When no password is given, a one-time password
// is generated and returned (shown once); it must be changed at first login.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (*User, string, error) {
	a, err := s.requireAdmin(ctx, ctip.PermAdminUsers)
	if err != nil {
		return nil, "", err
	}
	unit, p := s.validateUser(ctx, &in, true)
	if len(p) == 0 {
		if _, err := s.Store.GetUserByUsername(ctx, in.Username); err == nil {
			p.Add("username", "auth.username_taken")
		}
	}
	if in.DemoAccount && !a.System {
		p.Add("roles", "error.forbidden")
	}
	if err := p.Err(); err != nil {
		return nil, "", err
	}
	oneTime := ""
	password := in.Password
	mustChange := in.Temporary
	if password == "" {
		oneTime = GeneratePassword()
		password = oneTime
		mustChange = true
	}
	now := s.now()
	u := &User{ID: ctip.NewID(), Username: in.Username, DisplayName: in.DisplayName, UnitID: unit.ID, Roles: in.Roles,
		PasswordHash: HashPassword(password), MustChangePassword: mustChange, TOTPExempt: in.DemoAccount, Version: 1,
		PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
	ev := ctip.NewAuditEvent(a, now, "user.create", "user", u.ID)
	ev.Fields = []string{"username", "display_name", "unit", "roles", "password"}
	if err := s.Store.CreateUser(ctx, u, ev); err != nil {
		if ctip.IsKind(err, ctip.Conflict) {
			var pr ctip.Problems
			pr.Add("username", "auth.username_taken")
			return nil, "", pr.Err()
		}
		return nil, "", err
	}
	u.Unit = unit
	return u, oneTime, nil
}

// UpdateUser changes a user's name, unit and roles. A change of unit or
// roles ends the user's sessions (privileges are re-read at next login).
func (s *Service) UpdateUser(ctx context.Context, id ctip.ID, version int, in UserInput) (*User, error) {
	a, err := s.requireAdmin(ctx, ctip.PermAdminUsers)
	if err != nil {
		return nil, err
	}
	u, err := s.Store.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.Version != version {
		return nil, ctip.ErrStale()
	}
	in.Username = u.Username
	in.Password = ""
	unit, p := s.validateUser(ctx, &in, false)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if u.ID == a.UserID && slices.Contains(u.Roles, RoleAdmin) && !slices.Contains(in.Roles, RoleAdmin) {
		return nil, ctip.Errorf(ctip.Conflict, "auth.cannot_drop_own_admin")
	}
	var changed []string
	if in.DisplayName != u.DisplayName {
		changed = append(changed, "display_name")
	}
	privilege := false
	if unit.ID != u.UnitID {
		changed = append(changed, "unit")
		privilege = true
	}
	if !slices.Equal(in.Roles, u.Roles) {
		changed = append(changed, "roles")
		privilege = true
	}
	if len(changed) == 0 {
		return u, nil
	}
	u.DisplayName, u.UnitID, u.Roles = in.DisplayName, unit.ID, in.Roles
	u.UpdatedAt = s.now()
	u.Version++
	ev := ctip.NewAuditEvent(a, u.UpdatedAt, "user.update", "user", u.ID)
	ev.Fields = changed
	if err := s.Store.UpdateUser(ctx, u, version, Revoke{All: privilege}, ev); err != nil {
		return nil, err
	}
	u.Unit = unit
	return u, nil
}

// SetUserDisabled disables (ending every session; tokens stop working) or
// re-enables an account. Administrators cannot disable themselves.
func (s *Service) SetUserDisabled(ctx context.Context, id ctip.ID, version int, disabled bool) (*User, error) {
	a, err := s.requireAdmin(ctx, ctip.PermAdminUsers)
	if err != nil {
		return nil, err
	}
	u, err := s.Store.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if version >= 0 && u.Version != version {
		return nil, ctip.ErrStale()
	}
	if u.ID == a.UserID && disabled {
		return nil, ctip.Errorf(ctip.Conflict, "auth.cannot_disable_self")
	}
	if u.Disabled == disabled {
		return u, nil
	}
	old := u.Version
	u.Disabled = disabled
	u.UpdatedAt = s.now()
	u.Version++
	action := "user.disable"
	if !disabled {
		action = "user.enable"
	}
	ev := ctip.NewAuditEvent(a, u.UpdatedAt, action, "user", u.ID)
	ev.Fields = []string{"disabled"}
	return u, s.Store.UpdateUser(ctx, u, old, Revoke{All: disabled}, ev)
}

// ResetPassword sets a new password for a user (a generated one-time
// password when password is empty, returned to be shown once) and ends the
// user's sessions.
func (s *Service) ResetPassword(ctx context.Context, id ctip.ID, password string, temporary bool) (string, error) {
	a, err := s.requireAdmin(ctx, ctip.PermAdminUsers)
	if err != nil {
		return "", err
	}
	u, err := s.Store.GetUser(ctx, id)
	if err != nil {
		return "", err
	}
	oneTime := ""
	if password == "" {
		oneTime = GeneratePassword()
		password = oneTime
		temporary = true
	} else if k := CheckPasswordPolicy(password, u.Username); k != "" {
		var p ctip.Problems
		p.Add("password", k, MinPasswordLength)
		return "", p.Err()
	}
	old := u.Version
	u.PasswordHash = HashPassword(password)
	u.MustChangePassword = temporary
	u.PasswordChangedAt = s.now()
	u.UpdatedAt = u.PasswordChangedAt
	u.Version++
	ev := ctip.NewAuditEvent(a, u.UpdatedAt, "user.reset_password", "user", u.ID)
	ev.Fields = []string{"password"}
	if err := s.Store.UpdateUser(ctx, u, old, Revoke{All: true}, ev); err != nil {
		return "", err
	}
	if err := s.Store.ClearThrottle(ctx, "user:"+u.ID.String()); err != nil {
		return "", err
	}
	return oneTime, nil
}

// SetTOTPRequired forces (or stops forcing) a second factor for a user.
// When reset is true the user's enrolled authenticator is also removed (lost
// phone), so they enrol again at next login.
func (s *Service) SetTOTPRequired(ctx context.Context, id ctip.ID, version int, required, reset bool) (*User, error) {
	a, err := s.requireAdmin(ctx, ctip.PermAdminUsers)
	if err != nil {
		return nil, err
	}
	u, err := s.Store.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.Version != version {
		return nil, ctip.ErrStale()
	}
	fields := []string{"totp_required"}
	u.TOTPRequired = required
	if reset {
		u.TOTPEnabled, u.TOTPSecret, u.TOTPLastStep = false, "", 0
		fields = append(fields, "totp_secret")
	}
	u.UpdatedAt = s.now()
	u.Version++
	ev := ctip.NewAuditEvent(a, u.UpdatedAt, "user.totp_policy", "user", u.ID)
	ev.Fields = fields
	return u, s.Store.UpdateUser(ctx, u, version, Revoke{All: reset}, ev)
}

// Users lists accounts for administrators.
func (s *Service) Users(ctx context.Context, f UserFilter, p ctip.PageRequest) (ctip.Page[*User], error) {
	if _, err := s.requireAdmin(ctx, ctip.PermAdminUsers); err != nil {
		return ctip.Page[*User]{}, err
	}
	return s.Store.ListUsers(ctx, f, p.Normalize())
}

// User returns one account: administrators may read any, others only themselves.
func (s *Service) User(ctx context.Context, id ctip.ID) (*User, error) {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	if !a.System && !a.Can(ctip.PermAdminUsers) && a.UserID != id {
		return nil, ctip.ErrNotFound()
	}
	return s.Store.GetUser(ctx, id)
}

// UserByUsername returns one account by name (administrators and the system).
func (s *Service) UserByUsername(ctx context.Context, username string) (*User, error) {
	if _, err := s.requireAdmin(ctx, ctip.PermAdminUsers); err != nil {
		return nil, err
	}
	return s.Store.GetUserByUsername(ctx, strings.ToLower(strings.TrimSpace(username)))
}

// Colleagues lists the active users of a unit who hold one of the roles
// (e.g. officers a leader may assign an item to). Any user of the unit, or a
// leader above it, may read it.
func (s *Service) Colleagues(ctx context.Context, unitID ctip.ID, roles ...string) ([]*User, error) {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	unit, err := s.Store.GetUnit(ctx, unitID)
	if err != nil {
		return nil, err
	}
	if !a.System && a.UnitID != unitID && !(a.Can(ctip.PermLeaderSubtree) && strings.HasPrefix(unit.Path, a.UnitPath)) {
		return nil, ctip.ErrNotFound()
	}
	f := false
	page, err := s.Store.ListUsers(ctx, UserFilter{UnitID: ctip.Some(unitID), Disabled: &f}, ctip.PageRequest{Limit: 1000})
	if err != nil {
		return nil, err
	}
	var out []*User
	for _, u := range page.Items {
		for _, r := range roles {
			if slices.Contains(u.Roles, r) {
				out = append(out, u)
				break
			}
		}
	}
	return out, nil
}

// HasUsers reports whether any account exists (first-start bootstrap).
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	n, err := s.Store.CountUsers(ctx)
	return n > 0, err
}

// Bootstrap creates, when the database has no user, a root unit and the
// administrator "admin" with a one-time password that is returned to be
// printed once. It returns "" when users already exist — also when another
// instance starting at the same moment created them first (the unique
// username decides the race).
func (s *Service) Bootstrap(ctx context.Context) (string, error) {
	has, err := s.HasUsers(ctx)
	if err != nil || has {
		return "", err
	}
	sys := ctip.WithActor(ctx, ctip.SystemActor("bootstrap"))
	root, err := s.Store.GetUnitByCode(ctx, "ROOT")
	if err != nil {
		root, err = s.CreateUnit(sys, UnitInput{Code: "ROOT", Name: "Đơn vị quản trị hệ thống", Kind: ctip.UnitOther})
		if err != nil {
			// Another instance may have created it a moment ago.
			if root, err = s.Store.GetUnitByCode(ctx, "ROOT"); err != nil {
				return "", err
			}
		}
	}
	_, pw, err := s.CreateUser(sys, UserInput{Username: "admin", DisplayName: "Quản trị viên", UnitID: ctip.Some(root.ID), Roles: []string{RoleAdmin}})
	var ce *ctip.Error
	if errors.As(err, &ce) && ce.Kind == ctip.Invalid && len(ce.Fields) == 1 && ce.Fields[0].Key == "auth.username_taken" {
		return "", nil // the other instance won
	}
	return pw, err
}

package auth

import (
	"bytes"
	"context"
	"image/png"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"ctip"
)

// Client describes where a login comes from.
type Client struct {
	IP        string
	UserAgent string
	RequestID string
}

// LoginResult is a new session: its secret token (for the cookie, never
// stored) and the stage it starts in.
type LoginResult struct {
	Token   string
	Session *Session
	User    *User
}

func (s *Service) failureEvent(c Client, action, username string, userID ctip.NullID) ctip.AuditEvent {
	ev := ctip.AuditEvent{ID: ctip.NewID(), At: s.now(), Action: action, RecordType: "user", ActorID: userID,
		ActorName: username, IP: c.IP, RequestID: c.RequestID}
	if userID.Valid {
		ev.RecordID = userID.ID.String()
	}
	return ev
}

func (s *Service) checkLocked(ctx context.Context, keys ...string) error {
	now := s.now()
	for _, k := range keys {
		th, err := s.Store.GetThrottle(ctx, k)
		if err != nil {
			return err
		}
		if th.LockedUntil.After(now) {
			mins := int(th.LockedUntil.Sub(now).Minutes()) + 1
			return ctip.Errorf(ctip.TooMany, "auth.locked", mins)
		}
	}
	return nil
}

func (s *Service) recordFailure(ctx context.Context, keys ...string) {
	now := s.now()
	for _, k := range keys {
		limit := s.Settings.UserFailLimit
		if strings.HasPrefix(k, "ip:") {
			limit = s.Settings.IPFailLimit
		}
		s.Store.RecordFailure(ctx, k, now, s.Settings.FailWindow, limit, s.Settings.LockFor)
	}
}

// Login checks a username and password. Failures are throttled per account
// and per client address and audited; the answer never says whether the
// username exists.
func (s *Service) Login(ctx context.Context, username, password string, c Client) (*LoginResult, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	ipKey := "ip:" + c.IP
	if err := s.checkLocked(ctx, ipKey); err != nil {
		return nil, err
	}
	if username == "" || password == "" || utf8.RuneCountInString(password) > MaxPasswordLength || len(username) > 64 {
		return nil, ctip.Errorf(ctip.Unauthenticated, "auth.login_failed")
	}
	u, err := s.Store.GetUserByUsername(ctx, username)
	if err != nil && !ctip.IsKind(err, ctip.NotFound) {
		return nil, err
	}
	if u == nil {
		VerifyPassword(dummyHash, password) // equalise timing
		s.recordFailure(ctx, ipKey)
		s.Store.AppendAudit(ctx, s.failureEvent(c, "auth.login_failed", "(unknown)", ctip.NullID{}))
		return nil, ctip.Errorf(ctip.Unauthenticated, "auth.login_failed")
	}
	userKey := "user:" + u.ID.String()
	if err := s.checkLocked(ctx, userKey); err != nil {
		s.Store.AppendAudit(ctx, s.failureEvent(c, "auth.login_locked", u.Username, ctip.Some(u.ID)))
		return nil, err
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil || !ok || u.Disabled {
		s.recordFailure(ctx, ipKey, userKey)
		s.Store.AppendAudit(ctx, s.failureEvent(c, "auth.login_failed", u.Username, ctip.Some(u.ID)))
		return nil, ctip.Errorf(ctip.Unauthenticated, "auth.login_failed")
	}
	s.Store.ClearThrottle(ctx, userKey)
	now := s.now()
	token := newSecret("")
	sess := &Session{ID: ctip.NewID(), TokenHash: HashToken(token), UserID: u.ID, Stage: nextStage(u, ""),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.Settings.SessionAbsolute),
		IP: c.IP, UserAgent: truncate(c.UserAgent, 200)}
	ev := ctip.AuditEvent{ID: ctip.NewID(), At: now, Action: "auth.login", RecordType: "session", RecordID: sess.ID.String(),
		ActorID: ctip.Some(u.ID), ActorName: u.Username, UnitID: ctip.Some(u.UnitID), IP: c.IP, RequestID: c.RequestID}
	if sess.Stage != StageFull {
		ev.Reason = "stage:" + sess.Stage
	}
	u.LastLoginAt = now
	if err := s.Store.CreateSession(ctx, sess, u, ev); err != nil {
		return nil, err
	}
	return &LoginResult{Token: token, Session: sess, User: u}, nil
}

// nextStage returns the stage after `done`: second factor, then the
// one-time password change, then TOTP enrolment, then full.
func nextStage(u *User, done string) string {
	order := []string{StageMFA, StagePassword, StageEnrol, StageFull}
	owed := map[string]bool{
		StageMFA:      u.TOTPEnabled,
		StagePassword: u.MustChangePassword,
		StageEnrol:    u.NeedsTOTP() && !u.TOTPEnabled,
		StageFull:     true,
	}
	start := 0
	for i, st := range order {
		if st == done {
			start = i + 1
		}
	}
	for _, st := range order[start:] {
		if owed[st] {
			return st
		}
	}
	return StageFull
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Authenticated is a resolved session or token: the actor plus the session
// (nil for tokens).
type Authenticated struct {
	Actor   *ctip.Actor
	Session *Session
	User    *User
}

// ActorFor builds the actor of a user.
func ActorFor(u *User, unit *Unit) *ctip.Actor {
	a := &ctip.Actor{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, UnitID: u.UnitID,
		Roles: u.Roles, Perms: PermissionsOf(u.Roles)}
	if unit != nil {
		a.UnitPath, a.UnitKind, a.UnitName = unit.Path, unit.Kind, unit.Name
	}
	return a
}

// Authenticate resolves a session cookie. Idle and absolute timeouts,
// revocation and disabled accounts all end the session.
func (s *Service) Authenticate(ctx context.Context, token string) (*Authenticated, error) {
	if token == "" || len(token) > 100 {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	sess, err := s.Store.GetSessionByHash(ctx, HashToken(token))
	if err != nil {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	now := s.now()
	if !sess.RevokedAt.IsZero() || now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > s.Settings.SessionIdle {
		return nil, ctip.Errorf(ctip.Unauthenticated, "auth.session_expired")
	}
	u, err := s.Store.GetUser(ctx, sess.UserID)
	if err != nil || u.Disabled {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if err := s.Store.TouchSession(ctx, sess.ID, now); err != nil {
			return nil, err
		}
		sess.LastSeenAt = now
	}
	a := ActorFor(u, u.Unit)
	a.SessionID = sess.ID
	return &Authenticated{Actor: a, Session: sess, User: u}, nil
}

// AuthenticateToken resolves an API bearer token.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (*Authenticated, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 100 {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	t, err := s.Store.GetTokenByHash(ctx, HashToken(token))
	if err != nil || !t.RevokedAt.IsZero() {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	u, err := s.Store.GetUser(ctx, t.UserID)
	if err != nil || u.Disabled || u.MustChangePassword {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	now := s.now()
	if now.Sub(t.LastUsedAt) > time.Minute {
		if err := s.Store.TouchToken(ctx, t.ID, now); err != nil {
			return nil, err
		}
	}
	a := ActorFor(u, u.Unit)
	a.SessionID = t.ID
	a.ViaToken = true
	return &Authenticated{Actor: a, User: u}, nil
}

// advance moves a session to the next stage with a fresh token (the token
// rotates whenever the session gains privileges).
func (s *Service) advance(ctx context.Context, au *Authenticated, done string, ev *ctip.AuditEvent) (string, string, error) {
	u, err := s.Store.GetUser(ctx, au.User.ID)
	if err != nil {
		return "", "", err
	}
	stage := nextStage(u, done)
	token := newSecret("")
	if err := s.Store.AdvanceSession(ctx, au.Session.ID, au.Session.TokenHash, HashToken(token), stage, ev); err != nil {
		return "", "", err
	}
	return token, stage, nil
}

// VerifyTOTP completes the second factor of a session in the mfa stage.
// It returns the new session token and stage.
func (s *Service) VerifyTOTP(ctx context.Context, au *Authenticated, code string, c Client) (string, string, error) {
	if au.Session == nil || au.Session.Stage != StageMFA {
		return "", "", ctip.Errorf(ctip.Conflict, "auth.wrong_stage")
	}
	u := au.User
	userKey := "user:" + u.ID.String()
	if err := s.checkLocked(ctx, userKey, "ip:"+c.IP); err != nil {
		return "", "", err
	}
	step, ok := s.checkCode(u.TOTPSecret, code, u.TOTPLastStep)
	if !ok {
		s.recordFailure(ctx, userKey, "ip:"+c.IP)
		s.Store.AppendAudit(ctx, s.failureEvent(c, "auth.totp_failed", u.Username, ctip.Some(u.ID)))
		var p ctip.Problems
		p.Add("code", "auth.totp_invalid")
		return "", "", p.Err()
	}
	old := u.Version
	u.TOTPLastStep = step
	u.Version++
	u.UpdatedAt = s.now()
	ev := ctip.NewAuditEvent(au.Actor, u.UpdatedAt, "auth.totp_verified", "session", au.Session.ID)
	ev.IP, ev.RequestID = c.IP, c.RequestID
	if err := s.Store.UpdateUser(ctx, u, old, Revoke{}, ev); err != nil {
		return "", "", err
	}
	s.Store.ClearThrottle(ctx, userKey)
	return s.advance(ctx, au, StageMFA, nil)
}

// checkCode validates a 6-digit code within ±1 step and refuses a step at or
// before the last one used (no replay).
func (s *Service) checkCode(secret, code string, lastStep int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if secret == "" || len(code) != 6 {
		return 0, false
	}
	now := s.now()
	opts := totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	for _, d := range []int64{0, -1, 1} {
		t := now.Add(time.Duration(d*30) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, opts)
		if err != nil {
			return 0, false
		}
		step := t.Unix() / 30
		if want == code && step > lastStep {
			return step, true
		}
	}
	return 0, false
}

// ChangePassword sets a user's own new password (the one-time password at
// first login, or a voluntary change). Other sessions of the user end.
func (s *Service) ChangePassword(ctx context.Context, au *Authenticated, current, next, confirm string, c Client) (string, string, error) {
	u, err := s.Store.GetUser(ctx, au.User.ID)
	if err != nil {
		return "", "", err
	}
	var p ctip.Problems
	if ok, _ := VerifyPassword(u.PasswordHash, current); !ok {
		p.Add("current", "auth.password_wrong")
	}
	if next != confirm {
		p.Add("confirm", "auth.password_mismatch")
	}
	if k := CheckPasswordPolicy(next, u.Username); k != "" {
		p.Add("password", k, MinPasswordLength)
	} else if next == current {
		p.Add("password", "auth.password_same")
	}
	if len(p) > 0 {
		if p.Has("current") {
			s.recordFailure(ctx, "user:"+u.ID.String(), "ip:"+c.IP)
		}
		return "", "", p.Err()
	}
	old := u.Version
	u.PasswordHash = HashPassword(next)
	u.MustChangePassword = false
	u.PasswordChangedAt = s.now()
	u.UpdatedAt = u.PasswordChangedAt
	u.Version++
	ev := ctip.NewAuditEvent(au.Actor, u.UpdatedAt, "user.change_password", "user", u.ID)
	ev.Fields = []string{"password"}
	ev.IP, ev.RequestID = c.IP, c.RequestID
	// The user's other sessions end; this one continues with a new token.
	keep := ctip.NilID
	if au.Session != nil {
		keep = au.Session.ID
	}
	if err := s.Store.UpdateUser(ctx, u, old, Revoke{All: true, Except: keep}, ev); err != nil {
		return "", "", err
	}
	if au.Session == nil {
		return "", "", nil
	}
	done := StagePassword
	if au.Session.Stage == StageFull {
		done = StageFull
	}
	return s.advance(ctx, au, done, nil)
}

// TOTPEnrolment is a secret being enrolled: shown as a QR code and as text.
type TOTPEnrolment struct {
	Secret string
	URL    string
	PNG    []byte
}

// BeginTOTP generates a new secret for the user to scan. Nothing is stored
// until ConfirmTOTP proves the authenticator works.
func (s *Service) BeginTOTP(ctx context.Context, au *Authenticated) (*TOTPEnrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.Issuer, AccountName: au.User.Username, Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, ctip.Wrap(err, "totp generate")
	}
	return EnrolmentFor(key.Secret(), s.Issuer, au.User.Username)
}

// EnrolmentFor rebuilds the QR code of a secret (the enrolment page posts the
// secret back so that no half-enrolled state is stored).
func EnrolmentFor(secret, issuer, account string) (*TOTPEnrolment, error) {
	key, err := otp.NewKeyFromURL("otpauth://totp/" + issuer + ":" + account + "?secret=" + secret + "&issuer=" + issuer + "&period=30&digits=6&algorithm=SHA1")
	if err != nil {
		return nil, ctip.Wrap(err, "totp key")
	}
	img, err := key.Image(220, 220)
	if err != nil {
		return nil, ctip.Wrap(err, "totp image")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, ctip.Wrap(err, "totp png")
	}
	return &TOTPEnrolment{Secret: secret, URL: key.URL(), PNG: buf.Bytes()}, nil
}

// ConfirmTOTP stores the secret once a code from it verifies.
func (s *Service) ConfirmTOTP(ctx context.Context, au *Authenticated, secret, code string, c Client) (string, string, error) {
	step, ok := s.checkCode(secret, code, 0)
	if !ok || len(secret) < 16 || len(secret) > 64 {
		s.recordFailure(ctx, "user:"+au.User.ID.String())
		var p ctip.Problems
		p.Add("code", "auth.totp_invalid")
		return "", "", p.Err()
	}
	u, err := s.Store.GetUser(ctx, au.User.ID)
	if err != nil {
		return "", "", err
	}
	old := u.Version
	u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep = secret, true, step
	u.UpdatedAt = s.now()
	u.Version++
	ev := ctip.NewAuditEvent(au.Actor, u.UpdatedAt, "user.totp_enrol", "user", u.ID)
	ev.Fields = []string{"totp_secret"}
	ev.IP, ev.RequestID = c.IP, c.RequestID
	if err := s.Store.UpdateUser(ctx, u, old, Revoke{}, ev); err != nil {
		return "", "", err
	}
	if au.Session == nil {
		return "", "", nil
	}
	done := StageEnrol
	if au.Session.Stage == StageFull {
		done = StageFull
	}
	return s.advance(ctx, au, done, nil)
}

// Logout ends the current session.
func (s *Service) Logout(ctx context.Context, au *Authenticated, c Client) error {
	if au == nil || au.Session == nil {
		return nil
	}
	ev := ctip.NewAuditEvent(au.Actor, s.now(), "auth.logout", "session", au.Session.ID)
	ev.IP, ev.RequestID = c.IP, c.RequestID
	return s.Store.RevokeSession(ctx, au.Session.ID, s.now(), ev)
}

// AccessFilter narrows the lists of sessions and API tokens (the
// administrators' pages): a user (by ID or user name), a unit, a state.
type AccessFilter struct {
	UserID   ctip.NullID
	Username string
	UnitID   ctip.NullID
	// State: sessions "active" (default: neither revoked, expired nor idle)
	// or "ended"; tokens "" (all), "active" or "revoked".
	State string
}

// Access list states and sorts.
const (
	StateActive  = "active"
	StateEnded   = "ended"
	StateRevoked = "revoked"

	SortLastUsed = "last_used" // sessions: last seen; tokens: last used
	SortCreated  = "created"
)

func checkAccessList(f AccessFilter, p ctip.PageRequest, states ...string) error {
	var pr ctip.Problems
	if f.State != "" && !slices.Contains(states, f.State) {
		pr.Add("state", "error.choice")
	}
	if p.Sort != "" && p.Sort != SortLastUsed && p.Sort != SortCreated {
		pr.Add("sort", "error.choice")
	}
	if len(f.Username) > 100 {
		pr.Add("user", "error.too_long", 100)
	}
	return pr.Err()
}

// Sessions lists active sessions: one's own, or (administrators) anyone's
// or everyone's when userID is not valid.
func (s *Service) Sessions(ctx context.Context, userID ctip.NullID, p ctip.PageRequest) (ctip.Page[*Session], error) {
	return s.SessionList(ctx, AccessFilter{UserID: userID}, p)
}

// SessionList lists sessions by filter: one's own, or (administrators)
// anyone's; by last activity (default, latest first) or start.
func (s *Service) SessionList(ctx context.Context, f AccessFilter, p ctip.PageRequest) (ctip.Page[*Session], error) {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return ctip.Page[*Session]{}, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	if !a.Can(ctip.PermAdminUsers) && (!f.UserID.Valid || f.UserID.ID != a.UserID) {
		return ctip.Page[*Session]{}, ctip.ErrForbidden()
	}
	if err := checkAccessList(f, p, StateActive, StateEnded); err != nil {
		return ctip.Page[*Session]{}, err
	}
	return s.Store.ListSessions(ctx, f, s.now().Add(-s.Settings.SessionIdle), p.Normalize())
}

// RevokeSession ends a session: one's own, or any (administrators).
func (s *Service) RevokeSession(ctx context.Context, id ctip.ID) error {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	sess, err := s.Store.GetSession(ctx, id)
	if err != nil {
		return err
	}
	if sess.UserID != a.UserID && !a.Can(ctip.PermAdminUsers) {
		return ctip.ErrNotFound()
	}
	ev := ctip.NewAuditEvent(a, s.now(), "session.revoke", "session", id)
	return s.Store.RevokeSession(ctx, id, s.now(), ev)
}

// TokenPrefix starts every API token, so that leaked tokens are recognisable.
const TokenPrefix = "ctip_"

// CreateToken makes an API token for a user (one's own; administrators for
// anyone). The secret is returned once and never stored.
func (s *Service) CreateToken(ctx context.Context, userID ctip.ID, name string) (*Token, string, error) {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return nil, "", ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	if !a.System && a.UserID != userID && !a.Can(ctip.PermAdminUsers) {
		return nil, "", ctip.ErrForbidden()
	}
	if a.ViaToken {
		return nil, "", ctip.ErrForbidden() // a token cannot mint tokens
	}
	u, err := s.Store.GetUser(ctx, userID)
	if err != nil {
		return nil, "", err
	}
	if u.Disabled {
		return nil, "", ctip.Errorf(ctip.Conflict, "auth.user_disabled")
	}
	name = strings.Join(strings.Fields(name), " ")
	var p ctip.Problems
	if name == "" {
		name = "api"
	}
	if utf8.RuneCountInString(name) > 80 {
		p.Add("name", "error.too_long", 80)
	}
	if err := p.Err(); err != nil {
		return nil, "", err
	}
	secret := newSecret(TokenPrefix)
	now := s.now()
	t := &Token{ID: ctip.NewID(), UserID: u.ID, Name: name, TokenHash: HashToken(secret), CreatedAt: now}
	ev := ctip.NewAuditEvent(a, now, "token.create", "api_token", t.ID)
	ev.Fields = []string{"user", "name"}
	if err := s.Store.CreateToken(ctx, t, ev); err != nil {
		return nil, "", err
	}
	t.Username = u.Username
	return t, secret, nil
}

// Tokens lists tokens: one's own, or (administrators) anyone's.
func (s *Service) Tokens(ctx context.Context, userID ctip.NullID, p ctip.PageRequest) (ctip.Page[*Token], error) {
	return s.TokenList(ctx, AccessFilter{UserID: userID}, p)
}

// TokenList lists tokens by filter: one's own, or (administrators) anyone's;
// by creation (default, newest first) or last use.
func (s *Service) TokenList(ctx context.Context, f AccessFilter, p ctip.PageRequest) (ctip.Page[*Token], error) {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return ctip.Page[*Token]{}, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	if !a.System && !a.Can(ctip.PermAdminUsers) && (!f.UserID.Valid || f.UserID.ID != a.UserID) {
		return ctip.Page[*Token]{}, ctip.ErrForbidden()
	}
	if err := checkAccessList(f, p, StateActive, StateRevoked); err != nil {
		return ctip.Page[*Token]{}, err
	}
	return s.Store.ListTokens(ctx, f, p.Normalize())
}

// RevokeToken ends a token: one's own, or any (administrators, the system).
func (s *Service) RevokeToken(ctx context.Context, id ctip.ID) error {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	t, err := s.Store.GetToken(ctx, id)
	if err != nil {
		return err
	}
	if !a.System && t.UserID != a.UserID && !a.Can(ctip.PermAdminUsers) {
		return ctip.ErrNotFound()
	}
	if !t.RevokedAt.IsZero() {
		return nil
	}
	ev := ctip.NewAuditEvent(a, s.now(), "token.revoke", "api_token", id)
	return s.Store.RevokeToken(ctx, id, s.now(), ev)
}

// Cleanup deletes long-expired sessions and old throttle rows (a background job).
func (s *Service) Cleanup(ctx context.Context) error {
	cut := s.now().Add(-7 * 24 * time.Hour)
	if _, err := s.Store.DeleteExpiredSessions(ctx, cut); err != nil {
		return err
	}
	return s.Store.DeleteOldThrottles(ctx, s.now().Add(-24*time.Hour))
}

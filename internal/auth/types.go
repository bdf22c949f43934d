// Package auth holds the agency tree (units), users and their roles, the
// permission catalogue, passwords (argon2id), TOTP, login throttling,
// server-side sessions and API tokens.
package auth

import (
	"context"
	"log/slog"
	"time"

	"ctip"
)

// Unit is a node of the agency tree: the steering committee, provincial
// police and its departments, commune police, border guard command and posts,
// procuracy, court, health department, legal aid, women's union, others.
type Unit struct {
	ID          ctip.ID
	Code        string
	Name        string
	Kind        string
	ParentID    ctip.NullID
	Path        string // "/<root id>/…/<own id>/"
	CommuneCode string // for commune police: the commune it serves
	Active      bool
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Depth       int // computed from Path
}

// User is an account. Its password hash and TOTP secret never leave the
// auth package and the store.
type User struct {
	ID                 ctip.ID
	Username           string
	DisplayName        string
	UnitID             ctip.ID
	Roles              []string
	PasswordHash       string
	MustChangePassword bool
	TOTPSecret         string // plaintext in memory; encrypted at rest
	TOTPEnabled        bool
	TOTPRequired       bool // forced by an administrator
	TOTPExempt         bool // demo accounts only (set by `ctip demo`)
	TOTPLastStep       int64
	Disabled           bool
	PasswordChangedAt  time.Time
	LastLoginAt        time.Time
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time

	Unit *Unit // filled by some reads
}

// LogValue keeps the username and name out of logs.
func (u *User) LogValue() slog.Value { return slog.StringValue(u.ID.String()) }

// NeedsTOTP reports whether the user must have a second factor.
func (u *User) NeedsTOTP() bool {
	return !u.TOTPExempt && (u.TOTPRequired || NeedsTOTP(u.Roles))
}

// Session stages: a session is created at password login and advances
// through the steps the account still owes before it is "full".
const (
	StageMFA      = "mfa"      // password accepted, TOTP code owed
	StagePassword = "password" // one-time password must be changed
	StageEnrol    = "enrol"    // TOTP must be enrolled
	StageFull     = "full"
)

// Session is a browser session; only the SHA-256 of its token is stored.
type Session struct {
	ID         ctip.ID
	TokenHash  string
	UserID     ctip.ID
	Stage      string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute timeout
	IP         string
	UserAgent  string
	RevokedAt  time.Time

	Username string // filled by lists
}

// Token is an API bearer token; only the SHA-256 of its secret is stored.
type Token struct {
	ID         ctip.ID
	UserID     ctip.ID
	Name       string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time

	Username string // filled by lists
}

// UserFilter selects users for the admin list.
type UserFilter struct {
	Query    string // username or display name contains (folded)
	UnitID   ctip.NullID
	Role     string
	Disabled *bool
}

// Revoke says which of a user's sessions an update ends: none, all, or all
// but one (the session that changed its own password).
type Revoke struct {
	All    bool
	Except ctip.ID
}

// Throttle is the failure state of one key ("user:<id>" or "ip:<addr>").
type Throttle struct {
	Failures    int
	WindowStart time.Time
	LockedUntil time.Time
}

// Store is what the auth service needs from storage.
type Store interface {
	CreateUnit(ctx context.Context, u *Unit, ev ctip.AuditEvent) error
	UpdateUnit(ctx context.Context, u *Unit, oldVersion int, oldPath string, ev ctip.AuditEvent) error
	GetUnit(ctx context.Context, id ctip.ID) (*Unit, error)
	GetUnitByCode(ctx context.Context, code string) (*Unit, error)
	ListUnits(ctx context.Context) ([]*Unit, error)
	CountUnits(ctx context.Context) (int, error)

	CreateUser(ctx context.Context, u *User, ev ctip.AuditEvent) error
	UpdateUser(ctx context.Context, u *User, oldVersion int, revoke Revoke, ev ctip.AuditEvent) error
	GetUser(ctx context.Context, id ctip.ID) (*User, error)
	GetUserByUsername(ctx context.Context, username string) (*User, error)
	ListUsers(ctx context.Context, f UserFilter, p ctip.PageRequest) (ctip.Page[*User], error)
	CountUsers(ctx context.Context) (int, error)
	ActiveUsersInUnit(ctx context.Context, unitID ctip.ID) (int, error)

	CreateSession(ctx context.Context, s *Session, u *User, ev ctip.AuditEvent) error
	GetSessionByHash(ctx context.Context, hash string) (*Session, error)
	AdvanceSession(ctx context.Context, id ctip.ID, oldHash, newHash, stage string, ev *ctip.AuditEvent) error
	TouchSession(ctx context.Context, id ctip.ID, at time.Time) error
	RevokeSession(ctx context.Context, id ctip.ID, at time.Time, ev ctip.AuditEvent) error
	GetSession(ctx context.Context, id ctip.ID) (*Session, error)
	ListSessions(ctx context.Context, f AccessFilter, activeSince time.Time, p ctip.PageRequest) (ctip.Page[*Session], error)
	DeleteExpiredSessions(ctx context.Context, before time.Time) (int, error)

	CreateToken(ctx context.Context, t *Token, ev ctip.AuditEvent) error
	GetTokenByHash(ctx context.Context, hash string) (*Token, error)
	GetToken(ctx context.Context, id ctip.ID) (*Token, error)
	TouchToken(ctx context.Context, id ctip.ID, at time.Time) error
	RevokeToken(ctx context.Context, id ctip.ID, at time.Time, ev ctip.AuditEvent) error
	ListTokens(ctx context.Context, f AccessFilter, p ctip.PageRequest) (ctip.Page[*Token], error)

	GetThrottle(ctx context.Context, key string) (Throttle, error)
	RecordFailure(ctx context.Context, key string, now time.Time, window time.Duration, limit int, lockFor time.Duration) (Throttle, error)
	ClearThrottle(ctx context.Context, key string) error
	DeleteOldThrottles(ctx context.Context, before time.Time) error

	AppendAudit(ctx context.Context, evs ...ctip.AuditEvent) error
}

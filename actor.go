package ctip

import (
	"context"
	"log/slog"
	"slices"
	"strings"
)

// Permission names one thing a user may do. Roles map to permissions in the
// catalogue kept as data in internal/auth; services check permissions, never
// role names.
type Permission string

// Unit kinds (the agency tree). The codes are stored and exchanged as-is.
const (
	UnitCommittee     = "committee"      // Ban chỉ đạo (steering committee)
	UnitPolice        = "police"         // provincial police and its departments
	UnitCommunePolice = "commune_police" // Công an cấp xã
	UnitBorderGuard   = "border_guard"   // Bộ đội Biên phòng: command and posts
	UnitProcuracy     = "procuracy"      // Viện kiểm sát
	UnitCourt         = "court"          // Tòa án
	UnitHealth        = "health"         // Sở Y tế: victim support since 2025 (Law 86/2025 amending Law 53/2024 Arts 27–28)
	UnitLegalAid      = "legal_aid"      // Trung tâm trợ giúp pháp lý
	UnitWomensUnion   = "womens_union"   // Hội Liên hiệp Phụ nữ
	UnitOther         = "other"
)

// UnitKinds lists the unit kinds in display order.
var UnitKinds = []string{UnitCommittee, UnitPolice, UnitCommunePolice, UnitBorderGuard, UnitProcuracy, UnitCourt, UnitHealth, UnitLegalAid, UnitWomensUnion, UnitOther}

// Actor is who is acting: a signed-in user (browser or API token) or the
// system itself (background jobs, CLI bootstrap).
type Actor struct {
	UserID      ID
	Username    string
	DisplayName string
	UnitID      ID
	UnitPath    string // materialised path of the actor's unit: "/<id>/<id>/"
	UnitKind    string
	UnitName    string
	Roles       []string
	Perms       map[Permission]bool
	SessionID   ID // the session or token in use (zero for system actors)
	ViaToken    bool
	System      bool
	IP          string
	RequestID   string
}

// Can reports whether the actor holds permission p.
func (a *Actor) Can(p Permission) bool {
	if a == nil {
		return false
	}
	return a.Perms[p]
}

// HasRole reports whether the actor holds a role.
func (a *Actor) HasRole(role string) bool {
	return a != nil && slices.Contains(a.Roles, role)
}

// LogValue keeps personal data out of logs: only the user ID is logged.
func (a *Actor) LogValue() slog.Value {
	if a == nil {
		return slog.StringValue("anonymous")
	}
	if a.System {
		return slog.StringValue("system")
	}
	return slog.StringValue(a.UserID.String())
}

// Scope says which records a list or count may include. It is built by a
// service from the actor (see VisibleScope) and turned into SQL by the store.
type Scope struct {
	All          bool     // province-wide (procuracy oversight)
	UnitIDs      []ID     // records owned by, or shared with, these units
	SubtreePaths []string // records owned by a unit under one of these paths (leaders)
}

// VisibleScope returns the record scope of an actor for a record family:
// its own unit; the unit's subtree for a leader (leaders read their subtree);
// and everything for a holder of the oversight permission (the procuracy's
// supervision of intake and cases, CPC Arts 159–160). Shares are added by the
// store by unit ID.
func VisibleScope(a *Actor, oversight Permission) Scope {
	if a == nil {
		return Scope{}
	}
	if a.System || (oversight != "" && a.Can(oversight)) {
		return Scope{All: true}
	}
	s := Scope{UnitIDs: []ID{a.UnitID}}
	if a.Can(PermLeaderSubtree) && a.UnitPath != "" {
		s.SubtreePaths = []string{a.UnitPath}
	}
	return s
}

// Sees reports whether a record owned by a unit at ownerPath, and shared with
// sharedUnits, falls in the scope.
func (s Scope) Sees(ownerID ID, ownerPath string, sharedUnits []ID) bool {
	if s.All {
		return true
	}
	for _, u := range s.UnitIDs {
		if u == ownerID || slices.Contains(sharedUnits, u) {
			return true
		}
	}
	for _, p := range s.SubtreePaths {
		if strings.HasPrefix(ownerPath, p) {
			return true
		}
	}
	return false
}

type ctxKey int

const (
	actorKey ctxKey = iota
	requestIDKey
	localeKey
)

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// ActorFrom returns the actor in ctx, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey).(*Actor)
	return a
}

// SystemActor is the actor of background jobs and bootstrap commands.
func SystemActor(what string) *Actor {
	return &Actor{System: true, Username: "system:" + what, Perms: map[Permission]bool{}}
}

// WithRequestID returns a context carrying the request ID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestIDFrom returns the request ID in ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// WithLocale returns a context carrying the user's language ("vi" or "en").
func WithLocale(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, localeKey, lang)
}

// LocaleFrom returns the language in ctx ("vi" by default).
func LocaleFrom(ctx context.Context) string {
	if s, _ := ctx.Value(localeKey).(string); s != "" {
		return s
	}
	return "vi"
}

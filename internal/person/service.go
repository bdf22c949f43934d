package person

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"ctip"
	"ctip/internal/filetype"
	"ctip/internal/match"
)

// Notifier tells the owning unit's leaders about a break-the-glass view
// (internal/notify).
type Notifier interface {
	BreakGlass(ctx context.Context, ownerUnit ctip.ID, personID ctip.ID, pseudonym string) error
}

// Records checks that the actor may see a record a person is linked to
// (an intake item, a case) and returns the unit handling it (its
// investigators join the person's team): NotFound otherwise.
type Records interface {
	CheckRecord(ctx context.Context, recordType, recordID string) (unit ctip.ID, err error)
}

// LinkTypes are the records persons can be linked to.
var LinkTypes = []string{"intake_item", "case"}

// Service is the person registry. Every method takes the actor from the
// context, checks permission and scope, validates, and writes the change
// with its audit event in one transaction.
type Service struct {
	Store     Store
	Places    Places
	Clock     ctip.Clock
	Notify    Notifier
	Records   Records
	Retention Retention
	// RevealWindow is how long a team member's reveal lasts (default 15 min).
	RevealWindow time.Duration
	// BreakGlassWindow is how long a break-the-glass view lasts (default 10 min).
	BreakGlassWindow time.Duration
	// Config keeps the settings (settings.go); the values in force are
	// loaded by LoadSettings and replaced by SaveSettings.
	Config   SettingsStore
	settings atomic.Pointer[Settings]
}

func (s *Service) now() time.Time   { return s.Clock.Now() }
func (s *Service) today() ctip.Date { return ctip.DateOf(s.now()) }

func (s *Service) revealWindow() time.Duration {
	return time.Duration(s.Settings().RevealMinutes) * time.Minute
}

func (s *Service) glassWindow() time.Duration {
	return time.Duration(s.Settings().GlassMinutes) * time.Minute
}

func (s *Service) retention() Retention { return s.Settings().Retention }

// ActorOf returns the actor of a context, or Unauthenticated.
func ActorOf(ctx context.Context) (*ctip.Actor, error) {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	return a, nil
}

// Scope is the person-record scope of an actor: the owning unit, the units
// that linked the person (shares and team), the leader's subtree, and
// province-wide for case oversight (procuracy supervision).
func Scope(a *ctip.Actor) ctip.Scope { return ctip.VisibleScope(a, ctip.PermCaseOversight) }

func teamUnits(p *Person, reasons ...string) []ctip.ID {
	var out []ctip.ID
	for _, t := range p.Team {
		if len(reasons) == 0 || slices.Contains(reasons, t.Reason) {
			out = append(out, t.UnitID)
		}
	}
	return out
}

// OnTeam reports whether the actor is on the person's team: their unit is
// the receiving or supporting unit of a victim file or an investigating
// unit, or they are an officer assigned to a case the victim is linked to
// (only the case's officers, not its whole unit: issue 4 §3).
func OnTeam(a *ctip.Actor, p *Person) bool {
	if a == nil || a.System {
		return a != nil
	}
	return p.OwnerUnitID == a.UnitID || slices.Contains(teamUnits(p, TeamReceiving, TeamSupporting, TeamInvestigating), a.UnitID) ||
		slices.Contains(p.CaseOfficers, a.UserID)
}

// CanRead reports whether the actor may open the person's record.
func CanRead(a *ctip.Actor, p *Person) bool {
	if !a.Can(ctip.PermPersonRead) && !a.System {
		return false
	}
	return Scope(a).Sees(p.OwnerUnitID, p.OwnerUnitPath, teamUnits(p))
}

// CanWrite reports whether the actor may change the record.
func CanWrite(a *ctip.Actor, p *Person) bool {
	if a.System {
		return true
	}
	if reporterOnly(p) {
		// A reporter's record changes only in the hands of who may see them
		// (adding a role such as relative would otherwise open it to the team).
		return a.Can(ctip.PermPersonWrite) && canSeeReporterPerson(a, p)
	}
	if p.Protected {
		// A victim's record is written by the victim's team; a victim who is
		// also a police record (a suspect, a recruiter… received as a victim
		// on that record) is also written by the police units on the team:
		// priors, wanted notices, roles and links to cases stay police work
		// (CPC), and identity corrections still need a reveal.
		return a.Can(ctip.PermVictimWrite) && OnTeam(a, p) || a.Can(ctip.PermPersonWrite) && OnTeam(a, p) && (!p.IsVictim || PoliceRecord(p))
	}
	return a.Can(ctip.PermPersonWrite) && CanRead(a, p)
}

// PoliceRecord reports whether the person holds a police-record role
// (suspect, accused … broker) in some record.
func PoliceRecord(p *Person) bool {
	for _, r := range p.Roles {
		if slices.Contains(PoliceRecordRoles, r.Role) {
			return true
		}
	}
	return false
}

// CanReveal reports whether the actor may reveal a protected identity with
// a reason: the victim-identity permission and a place on the team.
//
// A person protected only as a reporter follows the intake rule instead:
// the leaders (reporter.view) of the receiving unit or above.
func CanReveal(a *ctip.Actor, p *Person) bool {
	if reporterOnly(p) {
		return canSeeReporterPerson(a, p)
	}
	return a.Can(ctip.PermVictimIdentity) && OnTeam(a, p)
}

// CanBreakGlass reports whether the actor may break the glass: a leader
// outside the team (DHIS2-style: reason, short window, audit, owner notified).
// Nobody breaks the glass on a reporter: the intake rule admits no one else.
func CanBreakGlass(a *ctip.Actor, p *Person) bool {
	return a.Can(ctip.PermBreakGlass) && !CanReveal(a, p) && !reporterOnly(p)
}

// View is what a reader is shown of a person.
type View struct {
	Person       *Person
	ShowIdentity bool // identity fields are filled
	Masked       bool // a protected person shown under the pseudonym
	RevealUntil  time.Time
	RevealKind   string
	CanReveal    bool
	CanGlass     bool
	CanWrite     bool
	CanExport    bool
	AgeBand      string
}

// Label is how the person is named on screen: the name when the identity
// is shown, the pseudonym otherwise.
func (v *View) Label() string {
	if v.ShowIdentity {
		if v.Person.Identity.FullName != "" {
			return v.Person.Identity.FullName
		}
		if len(v.Person.Identity.Aliases) > 0 {
			return v.Person.Identity.Aliases[0]
		}
	}
	return v.Person.Pseudonym
}

// mask removes every identity field.
func mask(p *Person) {
	p.Identity = Identity{}
	p.WatchReason = ""
	for i := range p.Roles {
		p.Roles[i].Note = ""
	}
	for i := range p.Priors {
		p.Priors[i].Decision = ""
	}
}

// load reads a person and checks scope; out of scope answers NotFound and
// the attempt is audited.
func (s *Service) load(ctx context.Context, a *ctip.Actor, id ctip.ID, action string) (*Person, error) {
	p, err := s.Store.GetPerson(ctx, id)
	if err != nil {
		if ctip.IsKind(err, ctip.NotFound) {
			s.denied(ctx, a, id, action)
		}
		return nil, err
	}
	if p.MergedInto.Valid {
		// A tombstone (merge.go): lead to the survivor, if the actor may see it.
		if _, err := s.load(ctx, a, p.MergedInto.ID, action); err != nil {
			return nil, err
		}
		return nil, &MergedError{Into: p.MergedInto.ID}
	}
	if !CanRead(a, p) {
		// A leader who broke the glass (from the victim file) may open the
		// person page for the length of the window.
		if p.Protected && a.Can(ctip.PermBreakGlass) {
			if r, err := s.Store.ActiveReveal(ctx, p.ID, a.UserID, s.now()); err == nil && r != nil && r.Kind == RevealBreakGlass {
				return p, nil
			}
		}
		s.denied(ctx, a, id, action)
		return nil, ctip.ErrNotFound()
	}
	return p, nil
}

func (s *Service) denied(ctx context.Context, a *ctip.Actor, id ctip.ID, action string) {
	ev := ctip.NewAuditEvent(a, s.now(), "person."+action+"_denied", "person", id)
	s.Store.AppendAudit(ctx, ev)
}

// view builds the view of a loaded person for the actor.
func (s *Service) view(ctx context.Context, a *ctip.Actor, p *Person) (*View, error) {
	v := &View{Person: p, AgeBand: AgeBand(p.BirthYear, s.today()), CanWrite: CanWrite(a, p), CanExport: a.Can(ctip.PermPersonExport)}
	if !p.Protected {
		v.ShowIdentity = true
		return v, nil
	}
	v.CanReveal, v.CanGlass = CanReveal(a, p), CanBreakGlass(a, p)
	if a.System {
		v.ShowIdentity = true
		return v, nil
	}
	r, err := s.Store.ActiveReveal(ctx, p.ID, a.UserID, s.now())
	if err != nil {
		return nil, err
	}
	if r != nil && (r.Kind == RevealBreakGlass || CanReveal(a, p)) {
		v.ShowIdentity, v.RevealUntil, v.RevealKind = true, r.Until, r.Kind
		return v, nil
	}
	v.Masked = true
	mask(p)
	return v, nil
}

// Get returns a person for the actor, and audits the view (every view of a
// person page, suspects included).
func (s *Service) Get(ctx context.Context, id ctip.ID) (*View, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.load(ctx, a, id, "view")
	if err != nil {
		return nil, err
	}
	v, err := s.view(ctx, a, p)
	if err != nil {
		return nil, err
	}
	ev := ctip.NewAuditEvent(a, s.now(), "person.view", "person", id)
	if v.ShowIdentity {
		ev.Fields = []string{"identity"}
	}
	if err := s.Store.AppendAudit(ctx, ev); err != nil {
		return nil, err // no audit, no view
	}
	return v, nil
}

// Create records a person.
func (s *Service) Create(ctx context.Context, in Input) (*View, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermPersonWrite) && !a.Can(ctip.PermVictimWrite) && !a.System {
		return nil, ctip.ErrForbidden()
	}
	p, roles, team, err := s.build(a, in)
	if err != nil {
		return nil, err
	}
	if !in.ConfirmNew {
		dups, err := s.DuplicatesOf(ctx, p)
		if err != nil {
			return nil, err
		}
		if len(dups) > 0 {
			return nil, &DuplicateError{Candidates: dups}
		}
	}
	au := ctip.NewAuditEvent(a, p.CreatedAt, "person.create", "person", p.ID)
	au.Fields = filledFields(p)
	if err := s.Store.CreatePerson(ctx, p, roles, team, au); err != nil {
		return nil, err
	}
	return &View{Person: p, ShowIdentity: true, CanWrite: true, AgeBand: AgeBand(p.BirthYear, s.today())}, nil
}

// Build validates input into a new person, its first role and its team,
// without writing (the victim service writes it with the victim file).
func (s *Service) Build(ctx context.Context, in Input) (*Person, []RoleLink, []TeamUnit, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	return s.build(a, in)
}

func (s *Service) build(a *ctip.Actor, in Input) (*Person, []RoleLink, []TeamUnit, error) {
	today := s.today()
	id, pr := Validate(&in, s.Places, today)
	if err := pr.Err(); err != nil {
		return nil, nil, nil, err
	}
	receiving := in.RecordType == "victim" && a.Can(ctip.PermVictimReceive) // a reception (internal/victim)
	if in.Role != "" && slices.Contains(ProtectedRoles, in.Role) && in.Role != RoleReporter && !a.Can(ctip.PermVictimWrite) && !receiving && !a.System {
		// Victims and persons being identified are received through a victim file.
		return nil, nil, nil, ctip.Errorf(ctip.Forbidden, "person.victim_via_reception")
	}
	now := s.now()
	p := &Person{ID: ctip.NewID(), OwnerUnitID: a.UnitID, Identity: id, Sex: Sex(in.Sex), BirthYear: in.BirthYear,
		EthnicCode: in.EthnicCode, Nationality: in.Nationality, Version: 1, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	switch {
	case !id.DateOfBirth.IsZero():
		p.BirthPrecision = BirthExact
	case in.EstimatedAge != 0 && in.DateOfBirth == "":
		p.BirthPrecision = BirthEstimated
	case in.BirthYear != 0:
		p.BirthPrecision = BirthYearOnly
	}
	if !in.ProtectedOwner.IsZero() {
		p.OwnerUnitID = in.ProtectedOwner
	}
	p.Protected = in.Protect || slices.Contains(ProtectedRoles, in.Role)
	var roles []RoleLink
	if in.Role != "" {
		roles = append(roles, RoleLink{ID: ctip.NewID(), PersonID: p.ID, Role: in.Role, RecordType: in.RecordType, RecordID: in.RecordID, UnitID: p.OwnerUnitID, CreatedAt: now})
	}
	team := []TeamUnit{{UnitID: p.OwnerUnitID, Reason: TeamReceiving}}
	if !p.Protected {
		team[0].Reason = TeamShare
	}
	p.RetainUntil = s.retention().RetainUntil([]string{in.Role}, today, slices.Contains([]string{RoleVictim, RoleBeingIdentified}, in.Role))
	return p, roles, team, nil
}

// filledFields names the identity fields that hold a value (for the audit
// trail: names of fields, never values).
func filledFields(p *Person) []string {
	var f []string
	id := p.Identity
	for _, x := range []struct {
		name string
		set  bool
	}{{"full_name", id.FullName != ""}, {"aliases", len(id.Aliases) > 0}, {"date_of_birth", !id.DateOfBirth.IsZero()},
		{"documents", len(id.Documents) > 0}, {"phones", len(id.Phones) > 0}, {"accounts", len(id.Accounts) > 0},
		{"permanent_address", !id.Permanent.IsZero()}, {"current_address", !id.Current.IsZero()}, {"occupation", id.Occupation != ""},
		{"photo", len(id.Photo) > 0}, {"notes", id.Notes != ""}} {
		if x.set {
			f = append(f, x.name)
		}
	}
	return f
}

// Update corrects a person's data (data-subject right to correction; Decree
// 13/2023 Art. 9(4)). For a protected person the corrector must see the
// identity (an active reveal).
func (s *Service) Update(ctx context.Context, id ctip.ID, version int, in Input) (*View, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.load(ctx, a, id, "update")
	if err != nil {
		return nil, err
	}
	if !CanWrite(a, p) {
		return nil, ctip.ErrForbidden()
	}
	v, err := s.view(ctx, a, p)
	if err != nil {
		return nil, err
	}
	if !v.ShowIdentity {
		return nil, ctip.Errorf(ctip.Forbidden, "person.reveal_first")
	}
	if p.Version != version {
		return nil, ctip.ErrStale()
	}
	photo := p.Identity.Photo
	ident, pr := Validate(&in, s.Places, s.today())
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if ident.Photo == nil {
		ident.Photo = photo
	}
	before := filledFields(p)
	old := p.Identity
	p.Identity = ident
	p.Sex, p.BirthYear, p.EthnicCode, p.Nationality = Sex(in.Sex), in.BirthYear, in.EthnicCode, in.Nationality
	if !ident.DateOfBirth.IsZero() {
		p.BirthPrecision = BirthExact
	}
	p.Version++
	p.UpdatedAt = s.now()
	au := ctip.NewAuditEvent(a, p.UpdatedAt, "person.correct", "person", p.ID)
	au.Fields = changedFields(old, ident, before)
	au.Reason = clean(in.Reason)
	if err := s.Store.UpdatePerson(ctx, p, version, au); err != nil {
		return nil, err
	}
	return s.view(ctx, a, p)
}

func changedFields(a, b Identity, _ []string) []string {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	var ma, mb map[string]json.RawMessage
	json.Unmarshal(ja, &ma)
	json.Unmarshal(jb, &mb)
	var out []string
	for k, v := range mb {
		if string(ma[k]) != string(v) {
			out = append(out, k)
		}
	}
	for k := range ma {
		if _, ok := mb[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Reveal opens a time-limited view of a protected identity for a team
// member who typed a reason, audited. Anyone else gets NotFound (the record's
// existence stays hidden), and the attempt is audited.
func (s *Service) Reveal(ctx context.Context, id ctip.ID, reason string) (*View, error) {
	return s.reveal(ctx, id, reason, RevealTeam)
}

// BreakGlass opens a short view for a leader outside the team: reason,
// window, audit and a notification to the owning unit's leaders.
func (s *Service) BreakGlass(ctx context.Context, id ctip.ID, reason string) (*View, error) {
	return s.reveal(ctx, id, reason, RevealBreakGlass)
}

func (s *Service) reveal(ctx context.Context, id ctip.ID, reason, kind string) (*View, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.Store.GetPerson(ctx, id)
	allowed := err == nil && p.Protected && !p.MergedInto.Valid && (kind == RevealTeam && CanReveal(a, p) || kind == RevealBreakGlass && CanBreakGlass(a, p))
	if !allowed {
		if err != nil && !ctip.IsKind(err, ctip.NotFound) {
			return nil, err
		}
		s.denied(ctx, a, id, kind)
		return nil, ctip.ErrNotFound()
	}
	reason = clean(reason)
	var pr ctip.Problems
	if reason == "" {
		pr.Add("reason", "person.reason_required")
	} else if len([]rune(reason)) < MinReasonLen {
		pr.Add("reason", "person.reason_short", MinReasonLen)
	}
	tooLong(&pr, "reason", reason, MaxText)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	win := s.revealWindow()
	if kind == RevealBreakGlass {
		win = s.glassWindow()
	}
	r := Reveal{ID: ctip.NewID(), PersonID: p.ID, UserID: a.UserID, Kind: kind, Reason: reason, At: now, Until: now.Add(win)}
	au := ctip.NewAuditEvent(a, now, "person."+kind, "person", p.ID)
	au.Fields = []string{"identity"}
	au.Reason = reason
	if err := s.Store.OpenReveal(ctx, r, au); err != nil {
		return nil, err
	}
	if kind == RevealBreakGlass && s.Notify != nil {
		if err := s.Notify.BreakGlass(ctx, p.OwnerUnitID, p.ID, p.Pseudonym); err != nil {
			return nil, err
		}
	}
	return &View{Person: p, ShowIdentity: true, RevealUntil: r.Until, RevealKind: kind, AgeBand: AgeBand(p.BirthYear, s.today()),
		CanWrite: CanWrite(a, p), CanExport: a.Can(ctip.PermPersonExport)}, nil
}

// Hit is one search result as the searcher may see it.
type Hit struct {
	ID        ctip.ID
	Label     string // name, or pseudonym for a protected person
	Protected bool
	Sex       Sex
	AgeBand   string
	Roles     []string
	Score     int
	Link      string
}

// SearchLimit bounds the candidates a search considers.
const SearchLimit = 200

// Search finds persons by name (diacritic-insensitive, one typo per token),
// identity-document number or phone (exact), through blind indexes.
//
// Protected persons (victims, persons being identified, relatives,
// reporters) are returned only to users who may reveal them (victim-identity
// permission and on the team), and then under the pseudonym; everyone else
// gets no hint: the same queries and the same decryption run on both paths
// and the protected hits are dropped at the end, and no count is given
// beyond the visible list.
func (s *Service) Search(ctx context.Context, q string) ([]Hit, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermPersonRead) {
		return nil, ctip.ErrForbidden()
	}
	q = clean(q)
	var pr ctip.Problems
	if len([]rune(q)) < 2 {
		pr.Add("q", "person.query_short")
	}
	tooLong(&pr, "q", q, MaxName)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	sq := SearchQuery{Limit: SearchLimit}
	digits := match.NormaliseID(q)
	switch {
	case isDigits(strings.TrimPrefix(strings.NewReplacer(" ", "", ".", "", "-", "").Replace(q), "+")) && len(digits) >= 8:
		// A number: a document number or a phone.
		sq.IDNumber, sq.Phone = digits, match.NormalisePhone(q)
	case len(digits) >= 6 && isAlnum(digits) && strings.IndexFunc(digits, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0 && !strings.Contains(q, " "):
		sq.IDNumber = digits // a passport or foreign ID number
	default:
		sq.Tokens = match.Order(match.Tokens(q))
		if len(sq.Tokens) == 0 {
			pr.Add("q", "person.query_short")
			return nil, pr.Err()
		}
	}
	cands, err := s.Store.SearchPersons(ctx, sq)
	if err != nil {
		return nil, err
	}
	var hits []Hit
	for _, p := range cands {
		score := 0
		if len(sq.Tokens) > 0 {
			// Verify and rank on the decrypted names (the index gave candidates).
			if score = match.Score(sq.Tokens, append([]string{p.Identity.FullName}, p.Identity.Aliases...)...); score < 0 {
				continue
			}
		}
		visible := CanRead(a, p)
		if p.Protected {
			visible = visible && CanReveal(a, p)
		}
		if !visible {
			continue
		}
		h := Hit{ID: p.ID, Protected: p.Protected, Sex: p.Sex, AgeBand: AgeBand(p.BirthYear, s.today()), Score: score, Link: "/persons/" + p.ID.String()}
		if p.Protected {
			h.Label = p.Pseudonym
		} else {
			h.Label = p.Identity.FullName
			if h.Label == "" && len(p.Identity.Aliases) > 0 {
				h.Label = p.Identity.Aliases[0]
			}
		}
		for _, r := range p.Roles {
			if !slices.Contains(h.Roles, r.Role) {
				h.Roles = append(h.Roles, r.Role)
			}
		}
		hits = append(hits, h)
	}
	slices.SortStableFunc(hits, func(x, y Hit) int { return x.Score - y.Score })
	if len(hits) > 50 {
		hits = hits[:50]
	}
	ev := ctip.NewAuditEvent(a, s.now(), "person.search", "person", ctip.NilID)
	ev.Fields = []string{"results:" + itoa(len(hits))}
	if err := s.Store.AppendAudit(ctx, ev); err != nil {
		return nil, err
	}
	return hits, nil
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// List returns the non-protected persons in the actor's scope (protected
// persons are reached through victim files and search), filtered and sorted
// by creation (default, newest first) or last change.
func (s *Service) List(ctx context.Context, f ListFilter, p ctip.PageRequest) (ctip.Page[*Person], error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return ctip.Page[*Person]{}, err
	}
	if !a.Can(ctip.PermPersonRead) {
		return ctip.Page[*Person]{}, ctip.ErrForbidden()
	}
	var pr ctip.Problems
	if f.Role != "" && !slices.Contains(ListRoles(), f.Role) {
		pr.Add("role", "error.choice")
	}
	if p.Sort != "" && p.Sort != SortCreated && p.Sort != SortUpdated {
		pr.Add("sort", "error.choice")
	}
	if err := pr.Err(); err != nil {
		return ctip.Page[*Person]{}, err
	}
	return s.Store.ListPersons(ctx, f, Scope(a), false, p.Normalize())
}

// RoleInput adds a role, a prior record or a wanted notice.
type RoleInput struct {
	Role       string
	RecordType string
	RecordID   string
	Note       string
}

// AddRole records a role of the person. Adding a protected role protects
// the person from then on (a pseudonym is allocated by the store).
func (s *Service) AddRole(ctx context.Context, id ctip.ID, in RoleInput) error {
	a, p, err := s.writable(ctx, id)
	if err != nil {
		return err
	}
	var pr ctip.Problems
	in.Role, in.Note = clean(in.Role), clean(in.Note)
	if !slices.Contains(Roles, in.Role) {
		pr.Add("role", "error.choice")
	}
	if in.Role == RoleVictim || in.Role == RoleBeingIdentified {
		pr.Add("role", "person.victim_via_reception")
	}
	tooLong(&pr, "note", in.Note, MaxText)
	if err := pr.Err(); err != nil {
		return err
	}
	now := s.now()
	r := RoleLink{ID: ctip.NewID(), PersonID: p.ID, Role: in.Role, RecordType: clean(in.RecordType), RecordID: clean(in.RecordID), UnitID: a.UnitID, Note: in.Note, CreatedAt: now}
	au := ctip.NewAuditEvent(a, now, "person.role", "person", p.ID)
	au.Fields = []string{"role:" + in.Role}
	return s.Store.AddRole(ctx, r, au)
}

func (s *Service) writable(ctx context.Context, id ctip.ID) (*ctip.Actor, *Person, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.load(ctx, a, id, "update")
	if err != nil {
		return nil, nil, err
	}
	if !CanWrite(a, p) {
		return nil, nil, ctip.ErrForbidden()
	}
	return a, p, nil
}

// AddPrior records a prior record (tiền án, tiền sự).
func (s *Service) AddPrior(ctx context.Context, id ctip.ID, pr Prior) error {
	a, p, err := s.writable(ctx, id)
	if err != nil {
		return err
	}
	var probs ctip.Problems
	pr.Kind, pr.Offence, pr.Decision, pr.Body = clean(pr.Kind), clean(pr.Offence), clean(pr.Decision), clean(pr.Body)
	if pr.Kind != PriorConviction && pr.Kind != PriorAdmin {
		probs.Add("prior_kind", "error.choice")
	}
	if pr.Offence == "" {
		probs.Add("offence", "error.required")
	}
	if pr.DecidedOn.IsZero() {
		probs.Add("decided_on", "error.required")
	} else if pr.DecidedOn.After(s.today()) {
		probs.Add("decided_on", "error.future")
	}
	tooLong(&probs, "offence", pr.Offence, MaxName)
	tooLong(&probs, "decision", pr.Decision, MaxName)
	tooLong(&probs, "body", pr.Body, MaxName)
	if err := probs.Err(); err != nil {
		return err
	}
	pr.ID, pr.PersonID, pr.CreatedAt = ctip.NewID(), p.ID, s.now()
	au := ctip.NewAuditEvent(a, pr.CreatedAt, "person.prior", "person", p.ID)
	au.Fields = []string{"prior:" + pr.Kind}
	return s.Store.AddPrior(ctx, pr, au)
}

// AddWanted records a wanted notice (quyết định truy nã).
func (s *Service) AddWanted(ctx context.Context, id ctip.ID, w Wanted) error {
	a, p, err := s.writable(ctx, id)
	if err != nil {
		return err
	}
	var probs ctip.Problems
	w.DecisionNumber, w.IssuingBody = clean(w.DecisionNumber), clean(w.IssuingBody)
	if w.DecisionNumber == "" {
		probs.Add("decision_number", "error.required")
	}
	if w.IssuingBody == "" {
		probs.Add("issuing_body", "error.required")
	}
	if w.IssuedOn.IsZero() {
		probs.Add("issued_on", "error.required")
	} else if w.IssuedOn.After(s.today()) {
		probs.Add("issued_on", "error.future")
	}
	tooLong(&probs, "decision_number", w.DecisionNumber, MaxName)
	tooLong(&probs, "issuing_body", w.IssuingBody, MaxName)
	if err := probs.Err(); err != nil {
		return err
	}
	w.ID, w.PersonID, w.CreatedAt, w.LiftedOn = ctip.NewID(), p.ID, s.now(), ctip.Date{}
	au := ctip.NewAuditEvent(a, w.CreatedAt, "person.wanted", "person", p.ID)
	return s.Store.AddWanted(ctx, w, au)
}

// LiftWanted records that a wanted notice was lifted (đình nã).
func (s *Service) LiftWanted(ctx context.Context, id, wantedID ctip.ID, on ctip.Date) error {
	a, p, err := s.writable(ctx, id)
	if err != nil {
		return err
	}
	if on.IsZero() || on.After(s.today()) {
		var probs ctip.Problems
		probs.Add("lifted_on", "error.date")
		return probs.Err()
	}
	au := ctip.NewAuditEvent(a, s.now(), "person.wanted_lift", "person", p.ID)
	return s.Store.LiftWanted(ctx, p.ID, wantedID, on, au)
}

// SetWatch sets or clears the watch-list flag, with a reason and an expiry,
// for later matching against residence and exit/entry records.
func (s *Service) SetWatch(ctx context.Context, id ctip.ID, version int, on bool, reason string, until ctip.Date) error {
	a, p, err := s.writable(ctx, id)
	if err != nil {
		return err
	}
	if p.Version != version {
		return ctip.ErrStale()
	}
	var probs ctip.Problems
	reason = clean(reason)
	if on {
		if reason == "" {
			probs.Add("watch_reason", "error.required")
		}
		if until.IsZero() {
			probs.Add("watch_until", "error.required")
		} else if !until.After(s.today()) {
			probs.Add("watch_until", "person.watch_past")
		} else if until.After(s.today().AddDays(3 * 366)) {
			probs.Add("watch_until", "person.watch_too_long", 3)
		}
		tooLong(&probs, "watch_reason", reason, MaxText)
	}
	if err := probs.Err(); err != nil {
		return err
	}
	p.Watch, p.WatchReason, p.WatchUntil = on, reason, until
	if !on {
		p.WatchReason, p.WatchUntil = "", ctip.Date{}
	}
	p.Version++
	p.UpdatedAt = s.now()
	au := ctip.NewAuditEvent(a, p.UpdatedAt, "person.watch", "person", p.ID)
	au.Fields = []string{"watch"}
	return s.Store.UpdatePerson(ctx, p, version, au)
}

// AddConsent records a consent (Decree 13/2023 Art. 11: specific,
// informed); WithdrawConsent its withdrawal (Art. 12).
func (s *Service) AddConsent(ctx context.Context, id ctip.ID, purpose, recipient string, given ctip.Date) (ctip.ID, error) {
	a, p, err := s.writable(ctx, id)
	if err != nil {
		return ctip.NilID, err
	}
	var probs ctip.Problems
	purpose, recipient = clean(purpose), clean(recipient)
	if !slices.Contains(ConsentPurposes, purpose) {
		probs.Add("purpose", "error.choice")
	}
	if (purpose == ConsentSharing || purpose == ConsentReferral) && recipient == "" {
		probs.Add("recipient", "person.recipient_required")
	}
	if given.IsZero() {
		given = s.today()
	} else if given.After(s.today()) {
		probs.Add("given_on", "error.future")
	}
	tooLong(&probs, "recipient", recipient, MaxName)
	if err := probs.Err(); err != nil {
		return ctip.NilID, err
	}
	c := Consent{ID: ctip.NewID(), PersonID: p.ID, Purpose: purpose, Recipient: recipient, GivenOn: given, RecordedBy: a.UserID, CreatedAt: s.now()}
	au := ctip.NewAuditEvent(a, c.CreatedAt, "person.consent", "person", p.ID)
	au.Fields = []string{"consent:" + purpose}
	return c.ID, s.Store.AddConsent(ctx, c, au)
}

// WithdrawConsent records the withdrawal of a consent.
func (s *Service) WithdrawConsent(ctx context.Context, id, consentID ctip.ID) error {
	a, p, err := s.writable(ctx, id)
	if err != nil {
		return err
	}
	au := ctip.NewAuditEvent(a, s.now(), "person.consent_withdraw", "person", p.ID)
	au.Fields = []string{"consent:" + consentID.String()}
	return s.Store.WithdrawConsent(ctx, p.ID, consentID, s.today(), au)
}

// Photo types accepted (sniffed).
var photoTypes = []string{filetype.JPEG, filetype.PNG, filetype.WebP}

// MaxPhoto is the largest photo accepted.
const MaxPhoto = 2 << 20

// SetPhoto stores a person's photo (encrypted like every identity field).
// For a protected person the identity must be on screen (a reveal).
func (s *Service) SetPhoto(ctx context.Context, id ctip.ID, content []byte) error {
	a, p, err := s.writable(ctx, id)
	if err != nil {
		return err
	}
	v, err := s.view(ctx, a, p)
	if err != nil {
		return err
	}
	if !v.ShowIdentity {
		return ctip.Errorf(ctip.Forbidden, "person.reveal_first")
	}
	var pr ctip.Problems
	switch ct := filetype.Detect(content, ""); {
	case len(content) == 0:
		pr.Add("photo", "error.required")
	case len(content) > MaxPhoto:
		pr.Add("photo", "person.photo_too_large")
	case !slices.Contains(photoTypes, ct):
		pr.Add("photo", "person.photo_type")
	}
	if err := pr.Err(); err != nil {
		return err
	}
	version := p.Version
	p.Identity.Photo = content
	p.Version++
	p.UpdatedAt = s.now()
	au := ctip.NewAuditEvent(a, p.UpdatedAt, "person.photo", "person", p.ID)
	au.Fields = []string{"photo"}
	return s.Store.UpdatePerson(ctx, p, version, au)
}

// Photo returns a person's photo to a reader who may see the identity, and
// audits the view.
func (s *Service) Photo(ctx context.Context, id ctip.ID) ([]byte, string, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, "", err
	}
	p, err := s.load(ctx, a, id, "photo")
	if err != nil {
		return nil, "", err
	}
	v, err := s.view(ctx, a, p)
	if err != nil {
		return nil, "", err
	}
	if !v.ShowIdentity || len(p.Identity.Photo) == 0 {
		return nil, "", ctip.ErrNotFound()
	}
	ev := ctip.NewAuditEvent(a, s.now(), "person.photo_view", "person", id)
	ev.Fields = []string{"photo"}
	if err := s.Store.AppendAudit(ctx, ev); err != nil {
		return nil, "", err
	}
	return p.Identity.Photo, filetype.Detect(p.Identity.Photo, ""), nil
}

// Export is one person's data for the person themselves (data-subject
// access, Decree 13/2023 Art. 9(3), Law 91/2025). It needs the export
// permission, the identity view, and a reason; it is audited and the file
// names who exported it and when.
type Export struct {
	ExportedBy string    `json:"exported_by"`
	ExportedAt time.Time `json:"exported_at"`
	Reason     string    `json:"reason"`
	Person     any       `json:"person"`
}

// ExportPerson returns one person's data as JSON.
func (s *Service) ExportPerson(ctx context.Context, id ctip.ID, reason string) ([]byte, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.load(ctx, a, id, "export")
	if err != nil {
		return nil, err
	}
	v, err := s.view(ctx, a, p)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermPersonExport) || !v.ShowIdentity {
		s.denied(ctx, a, id, "export")
		return nil, ctip.ErrNotFound()
	}
	reason = clean(reason)
	if len([]rune(reason)) < MinReasonLen {
		var pr ctip.Problems
		pr.Add("reason", "person.reason_short", MinReasonLen)
		return nil, pr.Err()
	}
	now := s.now()
	au := ctip.NewAuditEvent(a, now, "person.export", "person", p.ID)
	au.Reason, au.Fields = reason, []string{"identity"}
	if err := s.Store.AppendAudit(ctx, au); err != nil {
		return nil, err
	}
	type roleOut struct {
		Role, RecordType, RecordID, HTCDS string
		Since                             time.Time
	}
	out := map[string]any{"id": p.ID, "pseudonym": p.Pseudonym, "identity": p.Identity, "sex": p.Sex, "gender_htcds": p.Sex.HTCDS(),
		"birth_year": p.BirthYear, "ethnic_code": p.EthnicCode, "nationality": p.Nationality, "watch": p.Watch,
		"watch_until": p.WatchUntil, "priors": p.Priors, "wanted": p.Wanted, "consents": p.Consents, "retain_until": p.RetainUntil}
	var roles []roleOut
	for _, r := range p.Roles {
		roles = append(roles, roleOut{r.Role, r.RecordType, r.RecordID, HTCDSRole(r.Role), r.CreatedAt})
	}
	out["roles"] = roles
	return json.MarshalIndent(Export{ExportedBy: a.Username, ExportedAt: now, Reason: reason, Person: out}, "", "  ")
}

// Link links a person to a record (an intake item, a case) with a role; the
// linking unit joins the person's team as an investigating unit.
func (s *Service) Link(ctx context.Context, personID ctip.ID, recordType, recordID, role string) error {
	a, err := ActorOf(ctx)
	if err != nil {
		return err
	}
	p, err := s.load(ctx, a, personID, "link")
	if err != nil {
		return err
	}
	if !CanWrite(a, p) {
		return ctip.ErrForbidden()
	}
	var pr ctip.Problems
	linkRole(&pr, role, p, a)
	if !slices.Contains(LinkTypes, recordType) {
		pr.Add("record", "error.choice")
	} else if _, err := ctip.ParseID(recordID); err != nil {
		pr.Add("record", "error.choice")
	}
	if err := pr.Err(); err != nil {
		return err
	}
	if s.Records == nil {
		return ctip.ErrNotFound()
	}
	unit, err := s.Records.CheckRecord(ctx, recordType, recordID)
	if err != nil {
		return err // the record is not visible to the actor: NotFound
	}
	now := s.now()
	au := ctip.NewAuditEvent(a, now, "person.link", "person", p.ID)
	au.Fields = []string{recordType + ":" + recordID, "role:" + role}
	return s.Store.AddLink(ctx, Link{PersonID: p.ID, RecordType: recordType, RecordID: recordID, Role: role, UnitID: unit, CreatedAt: now}, au)
}

// LinkedTo lists the persons linked to a record, as the actor may see them
// (protected persons under their pseudonym).
func (s *Service) LinkedTo(ctx context.Context, recordType, recordID string) ([]Hit, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	links, err := s.Store.LinksOf(ctx, recordType, recordID)
	if err != nil {
		return nil, err
	}
	var out []Hit
	for _, l := range links {
		p, err := s.Store.GetPerson(ctx, l.PersonID)
		if err != nil {
			continue
		}
		h := Hit{ID: p.ID, Protected: p.Protected, Sex: p.Sex, AgeBand: AgeBand(p.BirthYear, s.today()), Roles: []string{l.Role}, Link: "/persons/" + p.ID.String()}
		if p.Protected || !CanRead(a, p) {
			h.Label = p.Pseudonym
			if h.Label == "" {
				h.Label = "—"
			}
		} else {
			h.Label = p.Identity.FullName
		}
		out = append(out, h)
	}
	return out, nil
}

// RetainAfterClose returns the retention date of a protected person whose
// victim file closes on a day.
func (s *Service) RetainAfterClose(notVictim bool, on ctip.Date) ctip.Date {
	r := s.retention()
	years := r.ProtectedYears
	if notVictim {
		years = r.NotVictimYears
	}
	return ctip.NewDate(on.Year+years, on.Month, on.Day)
}

// Purge deletes the persons whose retention period has ended (with their
// victim files), and leaves one audit entry; the audit trail is never
// touched, so its chain stays whole.
func (s *Service) Purge(ctx context.Context) (int, error) {
	a := ctip.ActorFrom(ctx)
	if a == nil || !a.System {
		return 0, ctip.ErrForbidden()
	}
	now := s.now()
	return s.Store.PurgeExpired(ctx, s.today(), func(n int) ctip.AuditEvent {
		ev := ctip.NewAuditEvent(a, now, "person.purge", "person", ctip.NilID)
		ev.Fields = []string{"count:" + itoa(n)}
		ev.Reason = "retention period ended"
		return ev
	})
}

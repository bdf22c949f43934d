package victim

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"ctip"
	"ctip/internal/person"
)

// Service handles victim files. Every method takes the actor from the
// context, checks permission and team, validates, applies the rules and
// writes the change with its timeline entry and audit event in one
// transaction.
type Service struct {
	Store   Store
	Persons *person.Service
	People  person.Store
	Places  interface {
		CommuneProvince(code string) (string, bool)
		ProvinceExists(code string) bool
		CountryExists(code string) bool
	}
	Clock ctip.Clock
	// Notify tells the owning unit when a case is linked to one of its
	// victim files (the case's officers join the team).
	Notify interface {
		CaseLinked(ctx context.Context, ownerUnit, fileID ctip.ID, pseudonym string) error
		// Received tells a health department's victim-support officers that
		// a person was received by another unit and handed over to them.
		Received(ctx context.Context, healthUnit, fileID ctip.ID, pseudonym string) error
	}
}

func (s *Service) now() time.Time   { return s.Clock.Now() }
func (s *Service) today() ctip.Date { return ctip.DateOf(s.now()) }

func clean(v string) string { return strings.TrimSpace(strings.ReplaceAll(v, "\x00", "")) }

// ReceiveInput is a reception (tiếp nhận): the person and how they came.
type ReceiveInput struct {
	Person            person.Input
	ReceivedAt        time.Time
	Channel           string
	ReceptionBody     string
	ReceptionCommune  string
	ReceptionCountry  string
	FoundAbroad       bool
	StatelessResident bool
	AccompaniesID     ctip.NullID
	// Accompanies is the pseudonym of the victim an under-18 accompanies
	// (the web form; the API gives AccompaniesID).
	Accompanies string
	// PersonID receives a person already in the registry (a suspect, a
	// witness, a reporter… "one record per real person") instead of the
	// identity fields of Person; PersonVersion is the version the user read.
	PersonID      ctip.NullID
	PersonVersion int
}

// LogValue keeps the person's identity out of logs.
func (ReceiveInput) LogValue() slog.Value { return slog.StringValue("[protected input]") }

// LogValue keeps free text out of logs.
func (SupportInput) LogValue() slog.Value { return slog.StringValue("[support input]") }

// LogValue keeps free text out of logs.
func (FollowUpInput) LogValue() slog.Value { return slog.StringValue("[follow-up input]") }

// LogValue keeps the relative's identity out of logs.
func (ProtectionInput) LogValue() slog.Value { return slog.StringValue("[protection input]") }

// View is what a reader is shown of a victim file.
type View struct {
	File         *File
	Person       *person.View
	Class        Class
	ClassRule    ClassRule
	Support      []Support
	FollowUps    []FollowUp
	Protection   []Protection
	Events       []Event
	Verification string
	Essential    EssentialClock
	AgeBand      string
	Child        bool
	OnTeam       bool // notes and findings are shown to the team
	CanWrite     bool
	CanReveal    bool
	CanGlass     bool
	Allowed      []Status
	// Others are the person's other victim files (a person trafficked again
	// is received again: earlier files are closed), latest reception first.
	Others []*File
}

// Label is the pseudonym, or the name while an identity view is open.
func (v *View) Label() string { return v.Person.Label() }

func (s *Service) actor(ctx context.Context, perm ctip.Permission) (*ctip.Actor, error) {
	a, err := person.ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(perm) && !a.System {
		return nil, ctip.ErrForbidden()
	}
	return a, nil
}

// Receive records a reception: a new person (protected, under a pseudonym),
// or an existing registry person (in.PersonID), with the status "being
// identified", and the 2025 flow's first step.
//
// Who records it (victim.receive): the victim-support officers, and the
// police and border-guard officers who rescue or receive the person (Law
// 53/2024 Art. 27(1)–(2) as amended by Law 86/2025; Art. 30(2) at border
// gates). The receiving unit is the first on the person's team; a reception
// made outside the provincial health department hands the person over to it
// (Art. 27(3)–(4)): the department joins the team as the supporting unit and
// its victim-support officers are notified.
func (s *Service) Receive(ctx context.Context, in ReceiveInput) (*View, error) {
	a, err := s.actor(ctx, ctip.PermVictimReceive)
	if err != nil {
		return nil, err
	}
	var existing *person.Person
	if in.PersonID.Valid {
		if existing, err = s.existingPerson(ctx, a, in.PersonID.ID, in.PersonVersion); err != nil {
			return nil, err
		}
	}
	var pr ctip.Problems
	in.Channel, in.ReceptionBody = clean(in.Channel), clean(in.ReceptionBody)
	in.ReceptionCommune, in.ReceptionCountry = clean(in.ReceptionCommune), strings.ToUpper(clean(in.ReceptionCountry))
	if in.Channel == "" {
		pr.Add("channel", "error.required")
	} else if !slices.Contains(Channels, in.Channel) {
		pr.Add("channel", "error.choice")
	}
	if in.ReceptionBody == "" {
		pr.Add("reception_body", "error.required")
	}
	if len([]rune(in.ReceptionBody)) > 200 {
		pr.Add("reception_body", "error.too_long", 200)
	}
	now := s.now()
	switch {
	case in.ReceivedAt.IsZero():
		in.ReceivedAt = now
	case in.ReceivedAt.After(now.Add(5 * time.Minute)):
		pr.Add("received_at", "error.future")
	case in.ReceivedAt.Before(time.Date(2025, 7, 1, 0, 0, 0, 0, ctip.Vietnam)):
		// Law 53/2024 applies from 1 Jul 2025; older files are migrated, not received here.
		pr.Add("received_at", "victim.received_before_law")
	}
	if in.ReceptionCommune != "" {
		if _, ok := s.Places.CommuneProvince(in.ReceptionCommune); !ok {
			pr.Add("reception_commune", "error.commune_code")
		}
	}
	if in.ReceptionCountry != "" && !s.Places.CountryExists(in.ReceptionCountry) {
		pr.Add("reception_country", "person.country_code")
	}
	var p *person.Person
	var roles []person.RoleLink
	var team []person.TeamUnit
	if existing != nil {
		p = existing
	} else {
		in.Person.Role = person.RoleBeingIdentified
		in.Person.RecordType = "victim"
		var perr error
		p, roles, team, perr = s.Persons.Build(ctx, in.Person)
		if perr != nil {
			var ce *ctip.Error
			if e, ok := perr.(*ctip.Error); ok && e.Kind == ctip.Invalid {
				ce = e
				pr = append(pr, ce.Fields...)
			} else {
				return nil, perr
			}
		}
	}
	var principal *File
	if ps := strings.ToUpper(clean(in.Accompanies)); ps != "" && !in.AccompaniesID.Valid {
		if f, err := s.Store.FileByPseudonym(ctx, ps); err == nil {
			in.AccompaniesID = ctip.Some(f.ID)
		} else {
			pr.Add("accompanies", "victim.principal_unknown")
		}
	}
	if in.AccompaniesID.Valid {
		principal, err = s.Store.GetFile(ctx, in.AccompaniesID.ID)
		var pp *person.Person
		if err == nil {
			pp, err = s.People.GetPerson(ctx, principal.PersonID)
		}
		if err != nil || !person.OnTeam(a, pp) {
			// Only the principal's team may attach a child to the file; others
			// learn nothing about whether the pseudonym exists.
			if !pr.Has("accompanies") {
				pr.Add("accompanies", "victim.principal_unknown")
			}
		} else if p != nil && !IsChild(p.BirthYear, s.today()) {
			// Only under-18s accompany a victim (Law 53/2024 Chapter V).
			pr.Add("accompanies", "victim.accompanying_adult")
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if existing == nil && !in.Person.ConfirmNew {
		// The person may already be in the registry (a suspect record, an
		// earlier reception): show the candidates the officer may see.
		dups, err := s.Persons.DuplicatesOf(ctx, p)
		if err != nil {
			return nil, err
		}
		if len(dups) > 0 {
			return nil, &person.DuplicateError{Candidates: dups}
		}
	}
	f := &File{ID: ctip.NewID(), PersonID: p.ID, OwnerUnitID: a.UnitID, Status: BeingIdentified, FoundAbroad: in.FoundAbroad,
		StatelessResident: in.StatelessResident, AccompaniesID: in.AccompaniesID, ReceivedAt: in.ReceivedAt.UTC(), Channel: in.Channel,
		ReceptionBody: in.ReceptionBody, ReceptionCommune: in.ReceptionCommune, ReceptionCountry: in.ReceptionCountry,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if a.UnitKind == ctip.UnitHealth {
		// Received by the provincial health department itself: the 3-day clock starts now.
		f.HealthReceivedAt = f.ReceivedAt
		f.VerificationDue = VerificationDue(f.ReceivedAt)
	}
	_ = principal
	var health []ctip.ID
	if a.UnitKind != ctip.UnitHealth {
		// Handed over to the provincial health department (Art. 27(3)–(4)).
		if health, err = s.Store.HealthUnits(ctx); err != nil {
			return nil, err
		}
	}
	ev := Event{ID: ctip.NewID(), VictimID: f.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName, Action: "receive", Detail: in.Channel}
	au := ctip.NewAuditEvent(a, now, "victim.receive", "victim", f.ID)
	au.Fields = []string{"person:" + p.ID.String()}
	if existing != nil {
		au.Fields = append(au.Fields, "existing_person")
		role := person.RoleLink{ID: ctip.NewID(), PersonID: p.ID, Role: person.RoleBeingIdentified, RecordType: "victim", RecordID: f.ID.String(),
			UnitID: a.UnitID, CreatedAt: now}
		team = []person.TeamUnit{{UnitID: a.UnitID, Reason: person.TeamReceiving}}
		for _, t := range p.Team {
			// The units that shared the record (the police units that recorded
			// a suspect, a witness…) keep their access to it: as investigating
			// units they read the record under the pseudonym and reveal the
			// identity with a reason, audited, like the case's investigators.
			if t.Reason == person.TeamShare && t.UnitID != a.UnitID {
				team = append(team, person.TeamUnit{UnitID: t.UnitID, Reason: person.TeamInvestigating})
			}
		}
		for _, h := range health {
			team = append(team, person.TeamUnit{UnitID: h, Reason: person.TeamSupporting})
		}
		if err := s.Store.ReceivePerson(ctx, p.ID, in.PersonVersion, role, team, f, ev, au); err != nil {
			return nil, err
		}
	} else {
		roles[0].RecordID = f.ID.String()
		for _, h := range health {
			team = append(team, person.TeamUnit{UnitID: h, Reason: person.TeamSupporting})
		}
		if err := s.Store.CreateFile(ctx, p, roles, team, f, ev, au); err != nil {
			return nil, err
		}
	}
	if s.Notify != nil {
		for _, h := range health {
			if err := s.Notify.Received(ctx, h, f.ID, f.Pseudonym); err != nil {
				return nil, err
			}
		}
	}
	return s.Get(ctx, f.ID)
}

// existingPerson loads the registry person a reception names, for an actor
// who may see them: in scope, and for a protected person only on their team
// with the identity permission (the rule of search and duplicates). Anyone
// else gets NotFound, audited, whether the record exists or not. A person
// with an open victim file is refused, naming the file to whoever may read
// it (at most one open file per person); a person whose files are all closed
// (trafficked again) is received again on a new file.
func (s *Service) existingPerson(ctx context.Context, a *ctip.Actor, id ctip.ID, version int) (*person.Person, error) {
	p, err := s.People.GetPerson(ctx, id)
	if err != nil && !ctip.IsKind(err, ctip.NotFound) {
		return nil, err
	}
	if err != nil || p.MergedInto.Valid || !person.CanRead(a, p) || p.Protected && !person.CanReveal(a, p) {
		au := ctip.NewAuditEvent(a, s.now(), "victim.receive_denied", "person", id)
		if err := s.Store.AppendAudit(ctx, au); err != nil {
			return nil, err
		}
		return nil, ctip.ErrNotFound()
	}
	f, err := s.Store.OpenFileOfPerson(ctx, p.ID)
	switch {
	case err == nil:
		key := "victim.file_open"
		if !a.Can(ctip.PermVictimRead) {
			return nil, ctip.Errorf(ctip.Conflict, key+"_unnamed")
		}
		return nil, ctip.Errorf(ctip.Conflict, key, f.Pseudonym)
	case !ctip.IsKind(err, ctip.NotFound):
		return nil, err
	}
	if version <= 0 {
		var pr ctip.Problems
		pr.Add("person_version", "error.required")
		return nil, pr.Err()
	}
	if p.Version != version {
		return nil, ctip.ErrStale()
	}
	return p, nil
}

// FilesOf lists a person's victim files for the person page, latest
// reception first: reception, status, receiving unit and closure only (no
// content; each file is read on its own page, audited). Nothing for an actor
// without the victim-read permission.
func (s *Service) FilesOf(ctx context.Context, personID ctip.ID) ([]*File, error) {
	a, err := person.ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermVictimRead) && !a.System {
		return nil, nil
	}
	all, err := s.Store.FilesOfPerson(ctx, personID)
	if err != nil {
		return nil, err
	}
	out := make([]*File, 0, len(all))
	for _, o := range all {
		out = append(out, summary(o))
	}
	return out, nil
}

// summary keeps what a list of a person's files names.
func summary(o *File) *File {
	return &File{ID: o.ID, PersonID: o.PersonID, Pseudonym: o.Pseudonym, Status: o.Status, ReceivedAt: o.ReceivedAt,
		OwnerUnitName: o.OwnerUnitName, ClosedOn: o.ClosedOn, CloseReason: o.CloseReason}
}

// load reads a file, its person and checks the victim-read permission.
func (s *Service) load(ctx context.Context, a *ctip.Actor, id ctip.ID) (*File, *person.Person, error) {
	f, err := s.Store.GetFile(ctx, id)
	if err != nil {
		if ctip.IsKind(err, ctip.NotFound) {
			ev := ctip.NewAuditEvent(a, s.now(), "victim.view_denied", "victim", id)
			s.Store.AppendAudit(ctx, ev)
		}
		return nil, nil, err
	}
	p, err := s.People.GetPerson(ctx, f.PersonID)
	if err != nil {
		return nil, nil, err
	}
	return f, p, nil
}

// Get returns a victim file under its pseudonym (the identity only while the
// actor has an open reveal), and audits the view.
func (s *Service) Get(ctx context.Context, id ctip.ID) (*View, error) {
	a, err := s.actor(ctx, ctip.PermVictimRead)
	if err != nil {
		return nil, err
	}
	f, p, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	v, err := s.build(ctx, a, f, p)
	if err != nil {
		return nil, err
	}
	au := ctip.NewAuditEvent(a, s.now(), "victim.view", "victim", id)
	if v.Person.ShowIdentity {
		au.Fields = []string{"identity"}
	}
	if err := s.Store.AppendAudit(ctx, au); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Service) build(ctx context.Context, a *ctip.Actor, f *File, p *person.Person) (*View, error) {
	today := s.today()
	pv := &person.View{Person: p, AgeBand: person.AgeBand(p.BirthYear, today)}
	onTeam := person.OnTeam(a, p)
	pv.CanReveal, pv.CanGlass = person.CanReveal(a, p), person.CanBreakGlass(a, p)
	r, err := s.People.ActiveReveal(ctx, p.ID, a.UserID, s.now())
	if err != nil {
		return nil, err
	}
	if a.System || r != nil && (r.Kind == person.RevealBreakGlass || pv.CanReveal) {
		pv.ShowIdentity = true
		if r != nil {
			pv.RevealUntil, pv.RevealKind = r.Until, r.Kind
		}
	} else {
		pv.Masked = true
		p.Identity = person.Identity{}
		p.WatchReason = ""
	}
	v := &View{File: f, Person: pv, AgeBand: pv.AgeBand, Child: IsChild(p.BirthYear, today), OnTeam: onTeam,
		CanWrite: onTeam && a.Can(ctip.PermVictimWrite) && f.ClosedOn.IsZero(), CanReveal: pv.CanReveal, CanGlass: pv.CanGlass,
		Verification: VerificationState(f, today), Essential: EssentialClockOf(f, today), Allowed: transitions[f.Status]}
	v.Class = s.classOf(ctx, f)
	v.ClassRule = ClassRules[v.Class]
	if v.Support, err = s.Store.ListSupport(ctx, f.ID); err != nil {
		return nil, err
	}
	if v.FollowUps, err = s.Store.ListFollowUps(ctx, f.ID); err != nil {
		return nil, err
	}
	if v.Protection, err = s.Store.ListProtection(ctx, f.ID); err != nil {
		return nil, err
	}
	if v.Events, err = s.Store.FileEvents(ctx, f.ID); err != nil {
		return nil, err
	}
	all, err := s.Store.FilesOfPerson(ctx, f.PersonID)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.ID != f.ID {
			// The list names the files only (reception, status, closure):
			// their contents are read on their own pages, audited.
			v.Others = append(v.Others, summary(o))
		}
	}
	if !onTeam && !pv.ShowIdentity {
		// Free text may name people: only the team reads it.
		f.Documents, f.Guardian, f.Exploitation.Transit = "", "", ""
		for i := range v.Support {
			v.Support[i].Note = ""
		}
		for i := range v.FollowUps {
			v.FollowUps[i].Findings = ""
		}
		for i := range v.Protection {
			v.Protection[i].Relative, v.Protection[i].Assessment = "", ""
		}
	}
	return v, nil
}

func (s *Service) classOf(ctx context.Context, f *File) Class {
	var principal *Class
	if f.AccompaniesID.Valid {
		if pf, err := s.Store.GetFile(ctx, f.AccompaniesID.ID); err == nil {
			c := ClassOf(pf.Status, pf.Nationality, pf.StatelessResident, pf.FoundAbroad, nil)
			principal = &c
		}
	}
	return ClassOf(f.Status, f.Nationality, f.StatelessResident, f.FoundAbroad, principal)
}

// writable loads a file the actor may change: victim-write permission, on
// the team, file open. Outsiders get NotFound for files they cannot see.
func (s *Service) writable(ctx context.Context, id ctip.ID) (*ctip.Actor, *File, *person.Person, error) {
	a, err := s.actor(ctx, ctip.PermVictimRead)
	if err != nil {
		return nil, nil, nil, err
	}
	f, p, err := s.load(ctx, a, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if !a.Can(ctip.PermVictimWrite) || !person.OnTeam(a, p) {
		return nil, nil, nil, ctip.ErrForbidden()
	}
	if !f.ClosedOn.IsZero() {
		return nil, nil, nil, ctip.Errorf(ctip.Conflict, "victim.closed")
	}
	return a, f, p, nil
}

func (s *Service) event(a *ctip.Actor, f *File, action, detail string) (Event, ctip.AuditEvent) {
	now := s.now()
	ev := Event{ID: ctip.NewID(), VictimID: f.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName, Action: action, Detail: detail}
	au := ctip.NewAuditEvent(a, now, "victim."+action, "victim", f.ID)
	return ev, au
}

// Reveal opens a time-limited view of the victim's identity (team members
// with the victim-identity permission, after typing a reason). Anyone else
// gets NotFound.
func (s *Service) Reveal(ctx context.Context, id ctip.ID, reason string) (*View, error) {
	return s.reveal(ctx, id, reason, false)
}

// BreakGlass is the leaders' emergency view from outside the team.
func (s *Service) BreakGlass(ctx context.Context, id ctip.ID, reason string) (*View, error) {
	return s.reveal(ctx, id, reason, true)
}

func (s *Service) reveal(ctx context.Context, id ctip.ID, reason string, glass bool) (*View, error) {
	a, err := person.ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	f, err := s.Store.GetFile(ctx, id)
	if err != nil {
		if ctip.IsKind(err, ctip.NotFound) {
			ev := ctip.NewAuditEvent(a, s.now(), "victim.reveal_denied", "victim", id)
			s.Store.AppendAudit(ctx, ev)
		}
		return nil, err
	}
	if glass {
		_, err = s.Persons.BreakGlass(ctx, f.PersonID, reason)
	} else {
		_, err = s.Persons.Reveal(ctx, f.PersonID, reason)
	}
	if err != nil {
		return nil, err
	}
	p, err := s.People.GetPerson(ctx, f.PersonID)
	if err != nil {
		return nil, err
	}
	return s.build(ctx, a, f, p)
}

// LinkCase links a victim file to a criminal case (role "victim"): the
// officers assigned to the case (its điều tra viên, not its whole unit) join
// the team and may then reveal the identity with a reason.
//
// Linking must not be a back door to the identity (issue 4 §3), so only
// someone who may already see it links: a team member with the identity
// permission, or a leader who could break the glass — then the owning unit's
// leaders get the same notification as for a break-the-glass view. The
// actor must see the case, and give a reason (kept in the audit trail).
func (s *Service) LinkCase(ctx context.Context, id ctip.ID, caseID ctip.ID, reason string) error {
	a, err := s.actor(ctx, ctip.PermVictimRead)
	if err != nil {
		return err
	}
	f, p, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	team, glass := person.CanReveal(a, p), person.CanBreakGlass(a, p)
	if !team && !glass && !a.System {
		ev := ctip.NewAuditEvent(a, s.now(), "victim.link_case_denied", "victim", f.ID)
		s.Store.AppendAudit(ctx, ev)
		return ctip.Errorf(ctip.Forbidden, "victim.link_case_not_team")
	}
	var pr ctip.Problems
	if caseID.IsZero() {
		pr.Add("reference", "error.required")
	}
	reason = clean(reason)
	if reason == "" {
		pr.Add("reason", "person.reason_required")
	} else if len([]rune(reason)) < person.MinReasonLen {
		pr.Add("reason", "person.reason_short", person.MinReasonLen)
	} else if len([]rune(reason)) > person.MaxText {
		pr.Add("reason", "error.too_long", person.MaxText)
	}
	if err := pr.Err(); err != nil {
		return err
	}
	if s.Persons.Records == nil {
		return ctip.ErrNotFound()
	}
	unit, err := s.Persons.Records.CheckRecord(ctx, "case", caseID.String())
	if err != nil {
		return err
	}
	now := s.now()
	role := person.RoleVictim
	if f.Status == BeingIdentified {
		role = person.RoleBeingIdentified
	}
	au := ctip.NewAuditEvent(a, now, "victim.link_case", "victim", f.ID)
	au.Fields = []string{"case:" + caseID.String()}
	if glass && !team {
		au.Fields = append(au.Fields, "break_glass")
	}
	au.Reason = reason
	if err := s.People.AddLink(ctx, person.Link{PersonID: p.ID, RecordType: "case", RecordID: caseID.String(), Role: role, UnitID: unit,
		CreatedAt: now, NoTeam: true}, au); err != nil {
		return err
	}
	switch {
	case glass && !team && s.Persons.Notify != nil:
		return s.Persons.Notify.BreakGlass(ctx, p.OwnerUnitID, p.ID, p.Pseudonym)
	case a.UnitID != f.OwnerUnitID && s.Notify != nil:
		return s.Notify.CaseLinked(ctx, f.OwnerUnitID, f.ID, f.Pseudonym)
	}
	return nil
}

// FlowInput records the steps of the 2025 flow: commune People's Committee
// notified, provincial health department received (starts the 3-day clock),
// initial verification done with provincial police.
type FlowInput struct {
	CommuneNotifiedAt time.Time
	HealthReceivedAt  time.Time
	VerifiedOn        ctip.Date
	PoliceUnitID      ctip.NullID
}

// Flow records the reception flow (Law 53/2024 Art. 27 as amended by Law 86/2025).
func (s *Service) Flow(ctx context.Context, id ctip.ID, version int, in FlowInput) (*View, error) {
	a, f, _, err := s.writable(ctx, id)
	if err != nil {
		return nil, err
	}
	if f.Version != version {
		return nil, ctip.ErrStale()
	}
	var pr ctip.Problems
	now := s.now()
	for _, t := range []struct {
		field string
		v     time.Time
	}{{"commune_notified_at", in.CommuneNotifiedAt}, {"health_received_at", in.HealthReceivedAt}} {
		if !t.v.IsZero() && (t.v.After(now.Add(5*time.Minute)) || t.v.Before(f.ReceivedAt.Add(-time.Minute))) {
			pr.Add(t.field, "victim.flow_time")
		}
	}
	if !in.CommuneNotifiedAt.IsZero() && !in.HealthReceivedAt.IsZero() && in.HealthReceivedAt.Before(in.CommuneNotifiedAt) {
		pr.Add("health_received_at", "victim.flow_order")
	}
	health := in.HealthReceivedAt
	if health.IsZero() {
		health = f.HealthReceivedAt
	}
	if !in.VerifiedOn.IsZero() {
		if health.IsZero() {
			pr.Add("verified_on", "victim.verify_before_health")
		} else if in.VerifiedOn.Before(ctip.DateOf(health)) || in.VerifiedOn.After(s.today()) {
			pr.Add("verified_on", "error.date_range")
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	var steps []string
	if !in.CommuneNotifiedAt.IsZero() {
		f.CommuneNotifiedAt = in.CommuneNotifiedAt.UTC()
		steps = append(steps, "commune")
	}
	if !in.HealthReceivedAt.IsZero() {
		f.HealthReceivedAt = in.HealthReceivedAt.UTC()
		f.VerificationDue = VerificationDue(in.HealthReceivedAt)
		steps = append(steps, "health")
	}
	if !in.VerifiedOn.IsZero() {
		f.VerifiedOn = in.VerifiedOn
		steps = append(steps, "verified")
	}
	if in.PoliceUnitID.Valid {
		f.PoliceUnitID = in.PoliceUnitID
	}
	f.Version++
	f.UpdatedAt = now
	ev, au := s.event(a, f, "flow", strings.Join(steps, ","))
	au.Fields = steps
	if err := s.Store.UpdateFile(ctx, f, version, ev, au); err != nil {
		return nil, err
	}
	if in.PoliceUnitID.Valid {
		// The provincial police verifying with the health department joins the team.
		if err := s.People.AddTeam(ctx, f.PersonID, person.TeamUnit{UnitID: in.PoliceUnitID.ID, Reason: person.TeamInvestigating}, au); err != nil {
			return nil, err
		}
	}
	return s.Get(ctx, id)
}

// IdentifyInput is an identification decision.
type IdentifyInput struct {
	Status         Status
	DecidedOn      ctip.Date
	DecidingBody   string
	DecisionNumber string
	Grounds        []string
	Documents      string
}

// Identify records the identification decision: being_identified → victim
// or not_victim, with the deciding body, the grounds of Art. 32(1), the
// documents and the date.
func (s *Service) Identify(ctx context.Context, id ctip.ID, version int, in IdentifyInput) (*View, error) {
	a, f, _, err := s.writable(ctx, id)
	if err != nil {
		return nil, err
	}
	if f.Version != version {
		return nil, ctip.ErrStale()
	}
	if !CanTransition(f.Status, in.Status) {
		if !slices.Contains(Statuses, in.Status) {
			var pr ctip.Problems
			pr.Add("status", "error.choice")
			return nil, pr.Err()
		}
		return nil, ctip.Errorf(ctip.Conflict, "victim.transition_refused")
	}
	var pr ctip.Problems
	in.DecidingBody, in.DecisionNumber, in.Documents = clean(in.DecidingBody), clean(in.DecisionNumber), clean(in.Documents)
	if in.DecidedOn.IsZero() {
		pr.Add("decided_on", "error.required")
	} else if in.DecidedOn.After(s.today()) {
		pr.Add("decided_on", "error.future")
	} else if in.DecidedOn.Before(ctip.DateOf(f.ReceivedAt)) {
		pr.Add("decided_on", "victim.decided_before_reception")
	}
	if !slices.Contains(DecidingBodies, in.DecidingBody) {
		pr.Add("deciding_body", "error.choice")
	}
	if in.Status == Victim && len(in.Grounds) == 0 {
		// Art. 32(1): identification rests on at least one ground.
		pr.Add("grounds", "victim.grounds_required")
	}
	for _, g := range in.Grounds {
		if !slices.Contains(Grounds, g) {
			pr.Add("grounds", "error.choice")
			break
		}
	}
	if len([]rune(in.DecisionNumber)) > 100 {
		pr.Add("decision_number", "error.too_long", 100)
	}
	if len([]rune(in.Documents)) > 2000 {
		pr.Add("documents", "error.too_long", 2000)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	from := f.Status
	f.Status, f.DecidedOn, f.DecidingBody, f.DecisionNumber, f.Grounds, f.Documents = in.Status, in.DecidedOn, in.DecidingBody, in.DecisionNumber, in.Grounds, in.Documents
	f.Version++
	f.UpdatedAt = s.now()
	ev, au := s.event(a, f, "identify", string(from)+">"+string(in.Status))
	au.Fields = []string{"status", "grounds"}
	if err := s.Store.UpdateFile(ctx, f, version, ev, au); err != nil {
		return nil, err
	}
	role := person.RoleVictim
	if in.Status == NotVictim {
		return s.Get(ctx, id)
	}
	rl := person.RoleLink{ID: ctip.NewID(), PersonID: f.PersonID, Role: role, RecordType: "victim", RecordID: f.ID.String(), UnitID: a.UnitID, CreatedAt: f.UpdatedAt}
	rau := ctip.NewAuditEvent(a, f.UpdatedAt, "person.role", "person", f.PersonID)
	rau.Fields = []string{"role:" + role}
	if err := s.People.AddRole(ctx, rl, rau); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// SetExploitation records the exploitation profile (HTCDS picklists).
func (s *Service) SetExploitation(ctx context.Context, id ctip.ID, version int, in Exploitation) (*View, error) {
	a, f, _, err := s.writable(ctx, id)
	if err != nil {
		return nil, err
	}
	if f.Version != version {
		return nil, ctip.ErrStale()
	}
	var pr ctip.Problems
	check := func(field string, vs, allowed []string) {
		for _, v := range vs {
			if !slices.Contains(allowed, v) {
				pr.Add(field, "error.choice")
				return
			}
		}
	}
	check("types", in.Types, ExploitationTypes)
	check("sex_types", in.SexTypes, SexExploitationTypes)
	check("control", in.Control, ControlMeans)
	check("recruitment", in.Recruitment, RecruitmentMethods)
	check("platforms", in.Platforms, person.Platforms)
	if in.RecruiterRelation != "" && !slices.Contains(RecruiterRelations, in.RecruiterRelation) {
		pr.Add("recruiter_relation", "error.choice")
	}
	if len(in.SexTypes) > 0 && !slices.Contains(in.Types, "SexualExploitation") {
		pr.Add("sex_types", "victim.sex_types_need_type")
	}
	if in.AgeWhenTrafficked < 0 || in.AgeWhenTrafficked > 100 {
		pr.Add("age_when_trafficked", "person.age_range")
	} else if f.BirthYear != 0 && in.AgeWhenTrafficked > s.today().Year-f.BirthYear+1 {
		pr.Add("age_when_trafficked", "victim.age_after_today")
	}
	if in.OriginCommune = clean(in.OriginCommune); in.OriginCommune != "" {
		if _, ok := s.Places.CommuneProvince(in.OriginCommune); !ok {
			pr.Add("origin_commune", "error.commune_code")
		}
	}
	if in.DestinationProvince = clean(in.DestinationProvince); in.DestinationProvince != "" && !s.Places.ProvinceExists(in.DestinationProvince) {
		pr.Add("destination_province", "error.province_code")
	}
	if in.DestinationCountry = strings.ToUpper(clean(in.DestinationCountry)); in.DestinationCountry != "" && !s.Places.CountryExists(in.DestinationCountry) {
		pr.Add("destination_country", "person.country_code")
	}
	if !in.DepartedOn.IsZero() && !in.ArrivedOn.IsZero() && in.ArrivedOn.Before(in.DepartedOn) {
		pr.Add("arrived_on", "error.date_range")
	}
	for _, d := range []struct {
		f string
		v ctip.Date
	}{{"departed_on", in.DepartedOn}, {"arrived_on", in.ArrivedOn}} {
		if d.v.After(s.today()) {
			pr.Add(d.f, "error.future")
		}
	}
	in.Transit = clean(in.Transit)
	if len([]rune(in.Transit)) > 500 {
		pr.Add("transit", "error.too_long", 500)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	f.Exploitation = in
	f.Version++
	f.UpdatedAt = s.now()
	ev, au := s.event(a, f, "exploitation", strings.Join(in.Types, ";"))
	au.Fields = []string{"exploitation"}
	if err := s.Store.UpdateFile(ctx, f, version, ev, au); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// ChildInput records the child's guardian and schooling.
type ChildInput struct {
	Guardian  string
	Schooling string
}

// Schooling values.
var SchoolingValues = []string{"", "in_school", "out_of_school", "returned", "vocational", "preschool"}

// SetChild records guardian and schooling for an under-18.
func (s *Service) SetChild(ctx context.Context, id ctip.ID, version int, in ChildInput) (*View, error) {
	a, f, p, err := s.writable(ctx, id)
	if err != nil {
		return nil, err
	}
	if f.Version != version {
		return nil, ctip.ErrStale()
	}
	var pr ctip.Problems
	if !IsChild(p.BirthYear, s.today()) {
		pr.Add("guardian", "victim.not_child")
	}
	in.Guardian = clean(in.Guardian)
	if len([]rune(in.Guardian)) > 300 {
		pr.Add("guardian", "error.too_long", 300)
	}
	if !slices.Contains(SchoolingValues, in.Schooling) {
		pr.Add("schooling", "error.choice")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	f.Guardian, f.Schooling = in.Guardian, in.Schooling
	f.Version++
	f.UpdatedAt = s.now()
	ev, au := s.event(a, f, "child", in.Schooling)
	au.Fields = []string{"guardian", "schooling"}
	if err := s.Store.UpdateFile(ctx, f, version, ev, au); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// SupportInput is one support service.
type SupportInput struct {
	Regime     string
	Provider   string
	ProvidedOn ctip.Date
	Amount     int64
	Status     string
	ReferralTo string
	Consent    bool // the person consented to the referral / sharing
	Note       string
	Extension  string // decision number allowing essential needs beyond 120 days
}

// AddSupport records a support service. A regime that the beneficiary class
// does not allow is refused, naming the rule (Law 53/2024 Art. 37); essential
// needs beyond 120 days need an extension decision (Decree 162/2025 Art. 17);
// a referral (legal aid centre, shelter) needs the person's consent (Law
// 53/2024 Art. 3: no disclosure without consent).
func (s *Service) AddSupport(ctx context.Context, id ctip.ID, in SupportInput) (*Support, error) {
	a, f, p, err := s.writable(ctx, id)
	if err != nil {
		return nil, err
	}
	var pr ctip.Problems
	in.Provider, in.ReferralTo, in.Note, in.Status = clean(in.Provider), clean(in.ReferralTo), clean(in.Note), clean(in.Status)
	r := Regime(clean(in.Regime))
	if r == "loans" {
		r = Loan // the and LEGAL.md's wording ("initial hardship allowance and loans"): an input alias only
	}
	class := s.classOf(ctx, f)
	if !slices.Contains(Regimes, r) {
		pr.Add("regime", "error.choice")
	} else if ok, rule := Allowed(class, r); !ok {
		// The regime by its name (the catalogue's label), not its letter.
		pr.Add("regime", "victim.regime_not_allowed", ctip.Label("regime."+string(r)), rule.Basis)
	}
	if in.Provider == "" {
		pr.Add("provider", "error.required")
	}
	if in.Status == "" {
		in.Status = SupportDelivered
	}
	if !slices.Contains(SupportStatuses, in.Status) {
		pr.Add("status", "error.choice")
	}
	today := s.today()
	if in.ProvidedOn.IsZero() {
		pr.Add("provided_on", "error.required")
	} else if in.ProvidedOn.Before(ctip.DateOf(f.ReceivedAt)) {
		pr.Add("provided_on", "victim.support_before_reception")
	} else if in.Status == SupportDelivered && in.ProvidedOn.After(today) {
		pr.Add("provided_on", "error.future")
	}
	if in.Amount < 0 || in.Amount > 1_000_000_000 {
		pr.Add("amount", "victim.amount_range")
	} else if in.Amount > 0 && !r.Paid() {
		pr.Add("amount", "victim.amount_not_paid")
	}
	if r == LegalAid && in.ReferralTo == "" {
		in.ReferralTo = "legal_aid_centre"
	}
	if in.ReferralTo != "" && !in.Consent {
		pr.Add("consent", "victim.consent_required")
	}
	if in.Consent && in.ReferralTo == "" {
		// A consent is to a specific use: the referral to a named recipient
		// (Decree 13/2023 and Law 91/2025: consent must be specific and
		// informed of the recipient). Without one there is nothing to record
		// it against, so it is refused rather than silently dropped.
		pr.Add("referral_to", "victim.consent_without_referral")
	}
	for _, v := range []struct {
		f string
		s string
		n int
	}{{"provider", in.Provider, 200}, {"referral_to", in.ReferralTo, 200}, {"note", in.Note, 2000}, {"extension", in.Extension, 100}} {
		if len([]rune(v.s)) > v.n {
			pr.Add(v.f, "error.too_long", v.n)
		}
	}
	ext := clean(in.Extension)
	if r == EssentialNeeds && !in.ProvidedOn.IsZero() {
		start := f.EssentialStart
		if start.IsZero() || in.ProvidedOn.Before(start) {
			start = in.ProvidedOn
		}
		if start.DaysUntil(in.ProvidedOn) >= EssentialDays && f.EssentialExt == "" && ext == "" {
			pr.Add("provided_on", "victim.essential_limit", EssentialDays, start.AddDays(EssentialDays-1).Format())
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	sup := Support{ID: ctip.NewID(), VictimID: f.ID, Regime: r, Provider: in.Provider, ProvidedOn: in.ProvidedOn, Amount: in.Amount,
		Status: in.Status, ReferralTo: in.ReferralTo, Note: in.Note, CreatedBy: a.UserID, CreatedAt: now}
	if in.ReferralTo != "" {
		cid, err := s.Persons.AddConsent(ctx, p.ID, person.ConsentReferral, in.ReferralTo, today)
		if err != nil {
			return nil, err
		}
		sup.ConsentID = ctip.Some(cid)
	}
	if r == EssentialNeeds && (f.EssentialStart.IsZero() || in.ProvidedOn.Before(f.EssentialStart) || ext != "") {
		if f.EssentialStart.IsZero() || in.ProvidedOn.Before(f.EssentialStart) {
			f.EssentialStart = in.ProvidedOn
		}
		if ext != "" {
			f.EssentialExt = ext
		}
		f.Version++
		f.UpdatedAt = now
		ev, au := s.event(a, f, "essential_clock", f.EssentialStart.String())
		if err := s.Store.UpdateFile(ctx, f, f.Version-1, ev, au); err != nil {
			return nil, err
		}
	}
	ev, au := s.event(a, f, "support", string(r))
	au.Fields = []string{"support:" + string(r)}
	if err := s.Store.AddSupport(ctx, sup, ev, au); err != nil {
		return nil, err
	}
	return &sup, nil
}

// FollowUpInput is a reintegration visit, planned or done.
type FollowUpInput struct {
	PlannedOn ctip.Date
	DoneOn    ctip.Date
	Findings  string
}

// AddFollowUp records a reintegration follow-up visit.
func (s *Service) AddFollowUp(ctx context.Context, id ctip.ID, in FollowUpInput) (*FollowUp, error) {
	a, f, _, err := s.writable(ctx, id)
	if err != nil {
		return nil, err
	}
	var pr ctip.Problems
	in.Findings = clean(in.Findings)
	if in.PlannedOn.IsZero() {
		pr.Add("planned_on", "error.required")
	} else if in.PlannedOn.Before(ctip.DateOf(f.ReceivedAt)) {
		pr.Add("planned_on", "victim.support_before_reception")
	}
	if !in.DoneOn.IsZero() {
		if in.DoneOn.After(s.today()) {
			pr.Add("done_on", "error.future")
		} else if in.DoneOn.Before(ctip.DateOf(f.ReceivedAt)) {
			pr.Add("done_on", "victim.support_before_reception")
		}
		if in.Findings == "" {
			pr.Add("findings", "victim.findings_required")
		}
	}
	if len([]rune(in.Findings)) > 2000 {
		pr.Add("findings", "error.too_long", 2000)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	fu := FollowUp{ID: ctip.NewID(), VictimID: f.ID, PlannedOn: in.PlannedOn, DoneOn: in.DoneOn, Findings: in.Findings, CreatedBy: a.UserID, CreatedAt: s.now()}
	ev, au := s.event(a, f, "followup", in.PlannedOn.String())
	if err := s.Store.AddFollowUp(ctx, fu, ev, au); err != nil {
		return nil, err
	}
	return &fu, nil
}

// CompleteFollowUp records that a planned visit took place, with its findings.
func (s *Service) CompleteFollowUp(ctx context.Context, id, followUpID ctip.ID, done ctip.Date, findings string) (*FollowUp, error) {
	a, f, _, err := s.writable(ctx, id)
	if err != nil {
		return nil, err
	}
	fus, err := s.Store.ListFollowUps(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	var fu *FollowUp
	for i := range fus {
		if fus[i].ID == followUpID {
			fu = &fus[i]
		}
	}
	if fu == nil {
		return nil, ctip.ErrNotFound()
	}
	if !fu.DoneOn.IsZero() {
		return nil, ctip.Errorf(ctip.Conflict, "victim.followup_done")
	}
	var pr ctip.Problems
	findings = clean(findings)
	switch {
	case done.IsZero():
		pr.Add("done_on", "error.required")
	case done.After(s.today()):
		pr.Add("done_on", "error.future")
	case done.Before(ctip.DateOf(f.ReceivedAt)):
		pr.Add("done_on", "victim.support_before_reception")
	}
	if findings == "" {
		pr.Add("findings", "victim.findings_required")
	} else if len([]rune(findings)) > 2000 {
		pr.Add("findings", "error.too_long", 2000)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	fu.DoneOn, fu.Findings = done, findings
	ev, au := s.event(a, f, "followup_done", done.String())
	if err := s.Store.CompleteFollowUp(ctx, *fu, ev, au); err != nil {
		return nil, err
	}
	return fu, nil
}

// ProtectionInput is a protection measure or a rescue event.
type ProtectionInput struct {
	Kind         string // "protection" or "rescue"
	ProtectedWho string
	Relative     string
	Measure      string
	Force        string
	Risk         string
	Assessment   string
	From, To     ctip.Date
}

// AddProtection records a protection measure (for the victim or relatives,
// Law 53/2024 Art. 22 and Decree 162) with its risk assessment, or a rescue
// event (Art. 26).
func (s *Service) AddProtection(ctx context.Context, id ctip.ID, in ProtectionInput) (*Protection, error) {
	a, f, _, err := s.writable(ctx, id)
	if err != nil {
		return nil, err
	}
	var pr ctip.Problems
	in.Relative, in.Force, in.Assessment = clean(in.Relative), clean(in.Force), clean(in.Assessment)
	if in.Kind != "protection" && in.Kind != "rescue" {
		pr.Add("kind", "error.choice")
	}
	if in.Kind == "rescue" {
		in.ProtectedWho, in.Measure = "victim", "rescue"
		if in.Risk == "" {
			in.Risk = "high"
		}
	} else {
		if in.ProtectedWho != "victim" && in.ProtectedWho != "relative" {
			pr.Add("protected_who", "error.choice")
		}
		if in.ProtectedWho == "relative" && in.Relative == "" {
			pr.Add("relative", "error.required")
		}
		if !slices.Contains(Measures, in.Measure) {
			pr.Add("measure", "error.choice")
		}
		if in.Assessment == "" {
			pr.Add("assessment", "victim.assessment_required")
		}
	}
	if !slices.Contains(RiskLevels, in.Risk) {
		pr.Add("risk", "error.choice")
	}
	if in.Force == "" {
		pr.Add("force", "error.required")
	}
	if in.From.IsZero() {
		pr.Add("from", "error.required")
	} else if in.Kind == "rescue" && in.From.After(s.today()) {
		pr.Add("from", "error.future")
	}
	if !in.To.IsZero() && !in.From.IsZero() && in.To.Before(in.From) {
		pr.Add("to", "error.date_range")
	}
	for _, v := range []struct {
		f, s string
		n    int
	}{{"relative", in.Relative, 300}, {"force", in.Force, 200}, {"assessment", in.Assessment, 2000}} {
		if len([]rune(v.s)) > v.n {
			pr.Add(v.f, "error.too_long", v.n)
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	m := Protection{ID: ctip.NewID(), VictimID: f.ID, Kind: in.Kind, ProtectedWho: in.ProtectedWho, Relative: in.Relative, Measure: in.Measure,
		Force: in.Force, Risk: in.Risk, Assessment: in.Assessment, From: in.From, To: in.To, CreatedBy: a.UserID, CreatedAt: s.now()}
	ev, au := s.event(a, f, in.Kind, in.Measure)
	if err := s.Store.AddProtection(ctx, m, ev, au); err != nil {
		return nil, err
	}
	return &m, nil
}

// Close ends the file (reintegration finished) with a reason.
func (s *Service) Close(ctx context.Context, id ctip.ID, version int, reason string, on ctip.Date) (*View, error) {
	a, f, p, err := s.writable(ctx, id)
	if err != nil {
		return nil, err
	}
	if f.Version != version {
		return nil, ctip.ErrStale()
	}
	var pr ctip.Problems
	if !slices.Contains(CloseReasons, reason) {
		pr.Add("close_reason", "error.choice")
	}
	if on.IsZero() {
		on = s.today()
	} else if on.After(s.today()) || on.Before(ctip.DateOf(f.ReceivedAt)) {
		pr.Add("closed_on", "error.date_range")
	}
	if f.Status == BeingIdentified && reason != "transferred" && reason != "deceased" && reason != "refused_support" {
		pr.Add("close_reason", "victim.close_before_identification")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	f.ClosedOn, f.CloseReason = on, reason
	// Retention runs from closure (Decree 13/2023 Art. 9(8)); a person found
	// not to be a victim is kept for a shorter time.
	f.RetainUntil = s.Persons.RetainAfterClose(f.Status == NotVictim, on)
	// A person received again: the person's retention is the latest of
	// their files' (an earlier file of a recognised victim is not purged
	// with a later file that found the person not to be a victim).
	all, err := s.Store.FilesOfPerson(ctx, f.PersonID)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.ID != f.ID && !o.ClosedOn.IsZero() {
			if r := s.Persons.RetainAfterClose(o.Status == NotVictim, o.ClosedOn); r.After(f.RetainUntil) {
				f.RetainUntil = r
			}
		}
	}
	if person.PoliceRecord(p) {
		// A victim who is also a suspect, accused… (received on their
		// existing record): the police record is not purged automatically.
		f.RetainUntil = ctip.Date{}
	}
	f.Version++
	f.UpdatedAt = s.now()
	ev, au := s.event(a, f, "close", reason)
	if err := s.Store.UpdateFile(ctx, f, version, ev, au); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Survey stores a needs-assessment answer, with the person's consent, as an
// anonymous row (unit, month, sex, age band, needs): nothing links it back.
func (s *Service) Survey(ctx context.Context, id ctip.ID, consent bool, needs []string) error {
	a, f, p, err := s.writable(ctx, id)
	if err != nil {
		return err
	}
	var pr ctip.Problems
	if !consent {
		pr.Add("consent", "victim.consent_required")
	}
	if len(needs) == 0 {
		pr.Add("needs", "error.required")
	}
	for _, n := range needs {
		if !slices.Contains(Needs, n) {
			pr.Add("needs", "error.choice")
			break
		}
	}
	if err := pr.Err(); err != nil {
		return err
	}
	now := s.now()
	if _, err := s.Persons.AddConsent(ctx, p.ID, person.ConsentSurvey, "", s.today()); err != nil {
		return err
	}
	n := NeedsAnswer{ID: ctip.NewID(), UnitID: a.UnitID, Month: s.today().String()[:7], Sex: p.Sex, AgeBand: person.AgeBand(p.BirthYear, s.today()), Needs: needs, CreatedAt: now}
	ev, au := s.event(a, f, "survey", "")
	return s.Store.AddNeeds(ctx, n, ev, au)
}

// NeedsView is the anonymous aggregate of survey answers. Counts below
// SmallCell are suppressed (shown as "< 5"), and so is the total.
type NeedsView struct {
	From, To   string
	Total      int
	TotalSmall bool
	Cells      []NeedsCell
}

// NeedsCell is one need with its count (or suppressed).
type NeedsCell struct {
	Need  string
	Count int
	Small bool
}

// Needs returns the aggregate view for a period ("YYYY-MM" months, inclusive).
func (s *Service) Needs(ctx context.Context, from, to string) (*NeedsView, error) {
	a, err := person.ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermStatsRead) && !a.Can(ctip.PermVictimRead) {
		return nil, ctip.ErrForbidden()
	}
	var pr ctip.Problems
	if from == "" {
		from = s.today().AddDays(-365).String()[:7]
	}
	if to == "" {
		to = s.today().String()[:7]
	}
	for _, m := range []struct{ f, v string }{{"from", from}, {"to", to}} {
		if _, err := time.Parse("2006-01", m.v); err != nil {
			pr.Add(m.f, "error.date")
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	total, cells, err := s.Store.NeedsAggregate(ctx, from, to)
	if err != nil {
		return nil, err
	}
	v := &NeedsView{From: from, To: to, Total: total, TotalSmall: total < SmallCell}
	if v.TotalSmall {
		v.Total = 0
	}
	for _, c := range cells {
		nc := NeedsCell{Need: c.Need, Count: c.Count, Small: c.Count < SmallCell}
		if nc.Small {
			nc.Count = 0
		}
		v.Cells = append(v.Cells, nc)
	}
	return v, nil
}

// List returns victim files under pseudonyms (no identity on lists).
func (s *Service) List(ctx context.Context, f Filter, p ctip.PageRequest) (ctip.Page[*File], error) {
	a, err := s.actor(ctx, ctip.PermVictimRead)
	if err != nil {
		return ctip.Page[*File]{}, err
	}
	var pr ctip.Problems
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		pr.Add("status", "error.choice")
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		pr.Add("to", "error.date_range")
	}
	if f.Class != "" && !slices.Contains(Classes, f.Class) {
		pr.Add("class", "error.choice")
	}
	if f.Clock != "" && f.Clock != ClockDue && f.Clock != ClockOverdue {
		pr.Add("clock", "error.choice")
	}
	if p.Sort != "" && p.Sort != SortReceived && p.Sort != SortPseudonym && p.Sort != SortStatus {
		pr.Add("sort", "error.choice")
	}
	if err := pr.Err(); err != nil {
		return ctip.Page[*File]{}, err
	}
	f.Today = s.today()
	if f.Mine {
		f.UnitID = a.UnitID
	}
	return s.Store.ListFiles(ctx, f, p.Normalize())
}

// IdentityRow is one line of an identity export.
type IdentityRow struct {
	Pseudonym, FullName, DateOfBirth, IDNumbers, Phones, Status, Sex string
}

// ExportIdentities exports the identities of the files of the actor's unit
// (team), for a reason; it needs the export and identity permissions, is
// audited per file, and the caller writes the user and time into the file.
func (s *Service) ExportIdentities(ctx context.Context, reason string) ([]IdentityRow, error) {
	a, err := person.ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermPersonExport) || !a.Can(ctip.PermVictimIdentity) {
		return nil, ctip.ErrForbidden()
	}
	reason = clean(reason)
	if len([]rune(reason)) < person.MinReasonLen {
		var pr ctip.Problems
		pr.Add("reason", "person.reason_short", person.MinReasonLen)
		return nil, pr.Err()
	}
	page, err := s.Store.ListFiles(ctx, Filter{UnitID: a.UnitID}, ctip.PageRequest{Limit: 100000})
	if err != nil {
		return nil, err
	}
	now := s.now()
	var rows []IdentityRow
	var evs []ctip.AuditEvent
	for _, f := range page.Items {
		p, err := s.People.GetPerson(ctx, f.PersonID)
		if err != nil || !person.CanReveal(a, p) {
			continue
		}
		var ids, phones []string
		for _, d := range p.Identity.Documents {
			ids = append(ids, d.Number)
		}
		phones = p.Identity.Phones
		rows = append(rows, IdentityRow{Pseudonym: p.Pseudonym, FullName: p.Identity.FullName, DateOfBirth: p.Identity.DateOfBirth.String(),
			IDNumbers: strings.Join(ids, ";"), Phones: strings.Join(phones, ";"), Status: string(f.Status), Sex: p.Sex.HTCDS()})
		ev := ctip.NewAuditEvent(a, now, "victim.export_identity", "victim", f.ID)
		ev.Reason, ev.Fields = reason, []string{"identity"}
		evs = append(evs, ev)
	}
	ev := ctip.NewAuditEvent(a, now, "victim.export", "victim", ctip.NilID)
	ev.Reason, ev.Fields = reason, []string{"rows:" + strings.Repeat("", 0) + itoa(len(rows))}
	evs = append(evs, ev)
	if err := s.Store.AppendAudit(ctx, evs...); err != nil {
		return nil, err
	}
	return rows, nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

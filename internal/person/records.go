package person

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"ctip"
)

// Linking persons to the records of other modules (intake items, cases):
// the registry checks the person and the actor and prepares the link; the
// record's module writes it in the same transaction as its own change, so
// that nothing is written when either side refuses.

// RecordLink is a person to link to a record, prepared by the registry.
type RecordLink struct {
	// New is a person created from the record's details (nil when an
	// existing person is linked), with its first roles and team.
	New   *Person
	Roles []RoleLink
	Team  []TeamUnit
	// Link is the link to write (person_links, the role, the record's
	// handling unit on the team).
	Link Link
	// What the record may keep of the person: the name, or the pseudonym
	// for a protected person (never a protected identity). For a new
	// protected person the pseudonym is allocated when written: Name is ""
	// and Protected is true.
	Name      string
	Protected bool
	Sex       Sex
	BirthYear int
	IDNumber  string
}

// reporterOnly reports whether a person is protected only as a reporter
// (not as a victim, a person being identified or a relative): the intake
// rule then holds in the registry too, and the identity is for the leaders
// (reporter.view) of the receiving unit or above, and nobody else, whatever
// their other rights (CPC Art. 484-486: protection of reporters).
func reporterOnly(p *Person) bool {
	if !p.Protected || p.IsVictim {
		return false
	}
	reporter := false
	for _, r := range p.Roles {
		switch r.Role {
		case RoleReporter:
			reporter = true
		case RoleVictim, RoleBeingIdentified, RoleRelative:
			return false
		}
	}
	return reporter
}

// canSeeReporterPerson applies the intake reporter rule to a reporter's
// registry record (owned by the receiving unit).
func canSeeReporterPerson(a *ctip.Actor, p *Person) bool {
	return a.Can(ctip.PermReporterView) && a.UnitPath != "" && strings.HasPrefix(p.OwnerUnitPath, a.UnitPath)
}

// visibleForLink reports whether the actor may pick the person for a link:
// as in Search, a person within scope, and a protected person only for one
// who may reveal them.
func visibleForLink(a *ctip.Actor, p *Person) bool {
	if !CanRead(a, p) {
		return false
	}
	return !p.Protected || CanReveal(a, p)
}

// recordRoles are the roles a record module may ask for.
var recordRoles = []string{RoleSuspect, RoleAccused, RoleDefendant, RoleWitness, RoleVictim, RoleOrganiser, RoleRecruiter,
	RoleTransporter, RoleHarbourer, RoleBuyer, RoleBroker, RoleWanted, RoleConvicted, RoleRelative}

// PickForRecord checks that the actor may link an existing person to a
// record in a role, and prepares the link. The record's module has checked
// the record itself (the actor may write it) and gives its handling unit.
// A person who does not exist or whom the actor may not see answers the
// same problem on field (no hint of existence), and the attempt is audited.
func (s *Service) PickForRecord(ctx context.Context, field string, personID ctip.ID, recordType, recordID, role string, unit ctip.ID) (*RecordLink, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(recordRoles, role) || !slices.Contains(LinkTypes, recordType) {
		return nil, ctip.Errorf(ctip.Invalid, "error.choice")
	}
	var pr ctip.Problems
	p, err := s.Store.GetPerson(ctx, personID)
	if err == nil && p.MergedInto.Valid {
		// A merged record: the link goes to the record it was merged into.
		p, err = s.Store.GetPerson(ctx, p.MergedInto.ID)
	}
	if err != nil && !ctip.IsKind(err, ctip.NotFound) {
		return nil, err
	}
	if err != nil || !visibleForLink(a, p) || !a.Can(ctip.PermPersonRead) {
		s.denied(ctx, a, personID, "link")
		pr.Add(field, "person.pick_unknown")
		return nil, pr.Err()
	}
	now := s.now()
	// A victim linked to a case gains the case's assigned officers on the
	// team (Person.CaseOfficers), not the case's whole unit (as link-case).
	noTeam := recordType == "case" && (role == RoleVictim || role == RoleBeingIdentified)
	rl := &RecordLink{Link: Link{PersonID: p.ID, RecordType: recordType, RecordID: recordID, Role: role, UnitID: unit, CreatedAt: now, NoTeam: noTeam},
		Protected: p.Protected || slices.Contains(ProtectedRoles, role), Sex: p.Sex, BirthYear: p.BirthYear}
	rl.fill(p)
	return rl, nil
}

// fill sets what the record keeps of the person.
func (rl *RecordLink) fill(p *Person) {
	if rl.Protected {
		rl.Name = p.Pseudonym // "" until allocated for a person who becomes protected: the store fills it
		return
	}
	rl.Name = p.Identity.FullName
	if rl.Name == "" && len(p.Identity.Aliases) > 0 {
		rl.Name = p.Identity.Aliases[0]
	}
	for _, d := range p.Identity.Documents {
		if d.Kind == DocCitizenID || rl.IDNumber == "" {
			rl.IDNumber = d.Number
			if d.Kind == DocCitizenID {
				break
			}
		}
	}
}

// NewForRecord validates the details entered on a record into a new
// registry person, linked to the record in a role. The person is owned by
// the record's handling unit. A victim comes out protected (pseudonym,
// identity encrypted and revealed only to the team: Law 53/2024 Art. 3),
// whoever enters them; its team is the handling unit, whose investigators
// reveal with a reason like for any victim. Field names of problems are
// those of the record's form (name, sex, birth_year, id_number).
func (s *Service) NewForRecord(ctx context.Context, in Input, recordType, recordID, role string, unit ctip.ID) (*RecordLink, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermPersonWrite) && !a.Can(ctip.PermVictimWrite) && !a.System {
		return nil, ctip.ErrForbidden()
	}
	if !slices.Contains(recordRoles, role) || !slices.Contains(LinkTypes, recordType) {
		return nil, ctip.Errorf(ctip.Invalid, "error.choice")
	}
	in.Role, in.RecordType, in.RecordID = "", "", ""
	in.Protect = in.Protect || slices.Contains(ProtectedRoles, role)
	p, _, _, err := s.build(a, in)
	if err != nil {
		return nil, renameFields(err, map[string]string{"full_name": "name", "documents": "id_number"})
	}
	now := p.CreatedAt
	p.OwnerUnitID = unit
	team := []TeamUnit{{UnitID: unit, Reason: TeamReceiving}}
	if !p.Protected {
		team[0].Reason = TeamShare
	}
	p.RetainUntil = s.retention().RetainUntil([]string{role}, s.today(), false)
	if !in.ConfirmNew {
		// Like Create: a record that looks like an existing one is refused
		// with the candidates the actor may see; the user picks one or
		// confirms that the person is new.
		dups, err := s.DuplicatesOf(ctx, p)
		if err != nil {
			return nil, err
		}
		if len(dups) > 0 {
			return nil, &DuplicateError{Candidates: dups}
		}
	}
	rl := &RecordLink{New: p, Team: team, Protected: p.Protected, Sex: p.Sex, BirthYear: p.BirthYear,
		Link: Link{PersonID: p.ID, RecordType: recordType, RecordID: recordID, Role: role, UnitID: unit, CreatedAt: now,
			NoTeam: recordType == "case" && (role == RoleVictim || role == RoleBeingIdentified)}}
	rl.fill(p)
	return rl, nil
}

// renameFields renames the fields of a validation error.
func renameFields(err error, names map[string]string) error {
	ce, ok := err.(*ctip.Error)
	if !ok || ce.Kind != ctip.Invalid {
		return err
	}
	var pr ctip.Problems
	for _, f := range ce.Fields {
		name := f.Field
		if n, ok := names[name]; ok {
			name = n
		}
		pr.Add(name, f.Key, f.Args...)
	}
	if len(pr) == 0 {
		return err
	}
	return pr.Err()
}

// CreateLinked records a new person and links them to a record (an intake
// item, a case) in one transaction: the "create and link" of the record's
// page. The record must be visible to the actor; nothing is written when
// the person or the link is refused.
func (s *Service) CreateLinked(ctx context.Context, in Input, recordType, recordID, role string) (*View, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermPersonWrite) && !a.System {
		return nil, ctip.ErrForbidden()
	}
	var pr ctip.Problems
	linkRole(&pr, role, nil, a)
	if !slices.Contains(LinkTypes, recordType) {
		pr.Add("record", "error.choice")
	} else if _, err := ctip.ParseID(recordID); err != nil {
		pr.Add("record", "error.choice")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if s.Records == nil {
		return nil, ctip.ErrNotFound()
	}
	unit, err := s.Records.CheckRecord(ctx, recordType, recordID)
	if err != nil {
		return nil, err
	}
	in.Role, in.RecordType, in.RecordID = "", "", ""
	p, _, team, err := s.build(a, in)
	if err != nil {
		return nil, err
	}
	p.RetainUntil = s.retention().RetainUntil([]string{role}, s.today(), false)
	if !in.ConfirmNew {
		dups, err := s.DuplicatesOf(ctx, p)
		if err != nil {
			return nil, err
		}
		if len(dups) > 0 {
			return nil, &DuplicateError{Candidates: dups}
		}
	}
	l := Link{PersonID: p.ID, RecordType: recordType, RecordID: recordID, Role: role, UnitID: unit, CreatedAt: p.CreatedAt}
	au := ctip.NewAuditEvent(a, p.CreatedAt, "person.create", "person", p.ID)
	au.Fields = append(filledFields(p), recordType+":"+recordID, "role:"+role)
	if err := s.Store.CreateLinkedPerson(ctx, p, team, l, au); err != nil {
		return nil, err
	}
	return &View{Person: p, ShowIdentity: true, CanWrite: true, AgeBand: AgeBand(p.BirthYear, s.today())}, nil
}

// linkRole checks the role of a link made from the registry's pages:
// victims come through a victim file (its team links the file), and
// reporters through the intake item (the reporter-protection rule).
func linkRole(pr *ctip.Problems, role string, p *Person, a *ctip.Actor) {
	switch {
	case !slices.Contains(Roles, role):
		pr.Add("role", "error.choice")
	case role == RoleReporter:
		pr.Add("role", "person.reporter_via_intake")
	case (role == RoleVictim || role == RoleBeingIdentified) && !(p != nil && p.IsVictim && a.Can(ctip.PermVictimWrite)):
		// Victims are received through a victim file; its team links the
		// file to the case (whose investigators then join the team).
		pr.Add("role", "person.victim_via_reception")
	}
}

// ReporterInput is the identity of an intake item's reporter, as the
// intake service gives it to an entitled user.
type ReporterInput struct {
	Name     string
	Phone    string
	IDNumber string
	Address  string
}

// LogValue keeps the reporter out of logs.
func (ReporterInput) LogValue() slog.Value { return slog.StringValue("[protected input]") }

// LinkReporter records an intake item's reporter in the registry as a new
// protected person (pseudonym; identity encrypted), owned by the receiving
// unit and linked to the item as its reporter. The caller (the intake
// service) has checked that the actor may see the reporter. No unit joins
// the team: the identity stays with the leaders above the receiving unit
// (reporterOnly), so the registry reveals nothing the item does not.
func (s *Service) LinkReporter(ctx context.Context, itemID ctip.ID, receivingUnit ctip.ID, in ReporterInput) (*Person, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	links, err := s.Store.LinksOf(ctx, "intake_item", itemID.String())
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		if l.Role == RoleReporter {
			return nil, ctip.Errorf(ctip.Conflict, "person.reporter_linked")
		}
	}
	pin := Input{FullName: in.Name, Protect: true}
	if d, ok := DocumentOf(in.IDNumber); ok && d.Kind == DocCitizenID {
		pin.IDNumber = d.Number
	} else if ok {
		pin.Documents = []Document{d}
	}
	if in.Phone != "" {
		pin.Phone = in.Phone
	}
	if in.Address != "" {
		pin.Current = Address{Line: in.Address}
	}
	id, pr := Validate(&pin, s.Places, s.today())
	if err := pr.Err(); err != nil {
		// The item's own checks differ a little (e.g. the citizen-ID
		// digits): keep what validates, and say which field did not.
		return nil, renameFields(err, map[string]string{"full_name": "reporter.name", "id_number": "reporter.id_number",
			"phones": "reporter.phone", "documents": "reporter.id_number"})
	}
	now := s.now()
	p := &Person{ID: ctip.NewID(), OwnerUnitID: receivingUnit, Protected: true, Identity: id, Sex: Unknown, BirthYear: pin.BirthYear,
		Version: 1, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	if pin.BirthYear != 0 {
		p.BirthPrecision = BirthYearOnly
	}
	p.RetainUntil = s.retention().RetainUntil([]string{RoleReporter}, s.today(), false)
	l := Link{PersonID: p.ID, RecordType: "intake_item", RecordID: itemID.String(), Role: RoleReporter, UnitID: receivingUnit, CreatedAt: now}
	au := ctip.NewAuditEvent(a, now, "person.create", "person", p.ID)
	au.Fields = append(filledFields(p), "intake_item:"+itemID.String(), "role:"+RoleReporter)
	team := []TeamUnit{{UnitID: receivingUnit, Reason: TeamReceiving}}
	if err := s.Store.CreateLinkedPerson(ctx, p, team, l, au); err != nil {
		return nil, err
	}
	return p, nil
}

// DocumentOf reads a bare ID number as kept by older records (a case's
// accused, an intake item's reporter) as the document it is: a 12-digit
// citizen ID (căn cước), a 9-digit old identity card (CMND), a passport
// (one letter and 7-8 digits), or another document. ok is false for "".
func DocumentOf(n string) (d Document, ok bool) {
	n = strings.ToUpper(strings.NewReplacer(" ", "", ".", "", "-", "").Replace(clean(n)))
	switch {
	case n == "":
		return Document{}, false
	case len(n) == 12 && isDigits(n):
		return Document{Kind: DocCitizenID, Number: n}, true
	case len(n) == 9 && isDigits(n):
		return Document{Kind: DocCMND, Number: n}, true
	case len(n) >= 8 && len(n) <= 9 && n[0] >= 'A' && n[0] <= 'Z' && isDigits(n[1:]):
		return Document{Kind: DocPassport, Number: n}, true
	}
	return Document{Kind: DocOther, Number: n}, true
}

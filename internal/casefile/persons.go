package casefile

import (
	"context"
	"slices"

	"ctip"
	"ctip/internal/person"
)

// Registry is the person registry (internal/person) as cases use it: it
// checks a picked person, or builds a new one from the details entered, and
// prepares the link that the case's write stores with the case.
type Registry interface {
	PickForRecord(ctx context.Context, field string, personID ctip.ID, recordType, recordID, role string, unit ctip.ID) (*person.RecordLink, error)
	NewForRecord(ctx context.Context, in person.Input, recordType, recordID, role string, unit ctip.ID) (*person.RecordLink, error)
}

// accusedRole is the registry role of an accused in a case at a stage: an
// accused (bị can) until the court decides to bring the case to trial, a
// defendant (bị cáo) from then on (CPC Art. 61(1)).
func accusedRole(st Stage) string {
	switch st {
	case TrialScheduled, Judged, Appeal, Final:
		return person.RoleDefendant
	}
	return person.RoleAccused
}

func sexOf(s person.Sex) string {
	if s == person.Male || s == person.Female {
		return string(s)
	}
	return ""
}

// registryPerson resolves the person of a new accused or party: the picked
// registry person (it must exist and be visible to the actor), or a new
// registry person made from the details entered. It returns what the case
// keeps and the link to write with the case; problems go to p.
// taken lists the registry persons already in that role in the case.
func (s *Service) registryPerson(ctx context.Context, p *ctip.Problems, c *Case, in PersonInput, role string, taken []ctip.ID) (Person, *person.RecordLink, error) {
	if s.Registry == nil {
		if in.PersonID.Valid {
			p.Add("person_id", "person.pick_unknown")
		}
		return s.person(p, in), nil, nil
	}
	if in.PersonID.Valid {
		if slices.Contains(taken, in.PersonID.ID) {
			p.Add("person_id", "case.person_twice")
			return Person{}, nil, nil
		}
		rl, err := s.Registry.PickForRecord(ctx, "person_id", in.PersonID.ID, "case", c.ID.String(), role, c.UnitID)
		if err != nil {
			return Person{}, nil, mergeInto(p, err)
		}
		return Person{Name: rl.Name, Sex: sexOf(rl.Sex), BirthYear: rl.BirthYear, IDNumber: rl.IDNumber, PersonID: in.PersonID}, rl, nil
	}
	x := s.person(p, in)
	if len(*p) > 0 {
		return x, nil, nil // the registry would repeat the same problems
	}
	rl, err := s.Registry.NewForRecord(ctx, registryInput(x), "case", c.ID.String(), role, c.UnitID)
	if err != nil {
		return x, nil, mergeInto(p, err)
	}
	x.PersonID = ctip.Some(rl.Link.PersonID)
	if rl.Protected {
		x.IDNumber = "" // the case keeps the pseudonym (filled when written), never a victim's identity
	}
	return x, rl, nil
}

// registryInput is a case's person as registry input, the ID number as the
// document it is (person.DocumentOf).
func registryInput(x Person) person.Input {
	in := person.Input{FullName: x.Name, Sex: x.Sex, BirthYear: x.BirthYear, ConfirmNew: x.ConfirmNew}
	if d, ok := person.DocumentOf(x.IDNumber); ok && d.Kind == person.DocCitizenID {
		in.IDNumber = d.Number
	} else if ok {
		in.Documents = []person.Document{d}
	}
	return in
}

// mergeInto adds the field problems of a validation error to p and returns
// nil, or returns any other error.
func mergeInto(p *ctip.Problems, err error) error {
	var ce *ctip.Error
	if e, ok := err.(*ctip.Error); ok {
		ce = e
	}
	if ce == nil || ce.Kind != ctip.Invalid || len(ce.Fields) == 0 {
		return err
	}
	for _, f := range ce.Fields {
		p.Add(f.Field, f.Key, f.Args...)
	}
	return nil
}

// BackfillPersons gives every accused and party recorded before the person
// registry a registry person made from the case's copy (name, sex, year of
// birth, ID number) and links it to the case in the matching role, so that
// the person's page lists the case. Victims become protected persons
// (pseudonym; identity encrypted, for the case's team only: Law 53/2024
// Art. 3), and their case row then keeps the pseudonym instead of the name.
// It runs as the system at start-up; each row is one transaction guarded by
// "person_id IS NULL", so it is idempotent and safe when several instances
// start together. A row whose details the registry refuses is linked with
// what validates (the name), and one with no usable name is left as it is.
// It returns the number of rows linked.
func (s *Service) BackfillPersons(ctx context.Context) (int, error) {
	a := ctip.ActorFrom(ctx)
	if a == nil || !a.System || s.Registry == nil {
		return 0, ctip.ErrForbidden()
	}
	linked := 0
	skipped := map[ctip.ID]bool{}
	for {
		phs, err := s.Store.Placeholders(ctx, 200+len(skipped))
		if err != nil {
			return linked, err
		}
		progress := false
		for _, ph := range phs {
			if skipped[ph.RowID] {
				continue
			}
			ok, err := s.backfillOne(ctx, a, ph)
			if err != nil {
				return linked, err
			}
			if ok {
				linked++
				progress = true
			} else {
				skipped[ph.RowID] = true
			}
		}
		if !progress {
			return linked, nil
		}
	}
}

func (s *Service) backfillOne(ctx context.Context, a *ctip.Actor, ph Placeholder) (bool, error) {
	role := accusedRole(ph.Stage)
	if ph.Table == "case_parties" {
		role = ph.Role
	}
	// Records from before the registry are linked as they are (no duplicate
	// check: duplicates are merged on the person pages afterwards).
	ph.Person.ConfirmNew = true
	rl, err := s.Registry.NewForRecord(ctx, registryInput(ph.Person), "case", ph.CaseID.String(), role, ph.UnitID)
	if ctip.IsKind(err, ctip.Invalid) {
		// Keep what validates: the name alone (the row keeps the rest).
		ph.KeepIDNumber = ph.Person.IDNumber != ""
		rl, err = s.Registry.NewForRecord(ctx, person.Input{FullName: ph.Person.Name, Sex: ph.Person.Sex, ConfirmNew: true}, "case", ph.CaseID.String(), role, ph.UnitID)
		if ctip.IsKind(err, ctip.Invalid) {
			return false, nil
		}
	}
	if err != nil {
		return false, err
	}
	rl.New.CreatedBy = ph.CreatedBy
	rl.New.CreatedAt, rl.New.UpdatedAt, rl.Link.CreatedAt = ph.CreatedAt, ph.CreatedAt, ph.CreatedAt
	au := ctip.NewAuditEvent(a, s.now(), "case.person_backfill", "case", ph.CaseID)
	au.Fields = []string{ph.Table + ":" + ph.RowID.String(), "person:" + rl.Link.PersonID.String(), "role:" + role}
	return s.Store.LinkPlaceholder(ctx, ph, rl, au)
}

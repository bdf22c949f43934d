package casefile_test

import (
	"bytes"
	"context"
	"testing"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/geo"
	"ctip/internal/legal"
	"ctip/internal/person"
)

type ethnicPlaces struct{ *geo.Places }

func (p ethnicPlaces) EthnicExists(code string) bool {
	for _, e := range p.Ethnics {
		if e.Code == code {
			return true
		}
	}
	return false
}

// withRegistry wires the person registry into the case service (as cmd/ctip).
func (f *fx) withRegistry() *person.Service {
	ps := &person.Service{Store: f.db, Places: ethnicPlaces{places}, Clock: f.clock}
	f.svc.Registry = ps
	return ps
}

func (f *fx) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func accusedIn(name string, personID ctip.NullID) casefile.AccusedInput {
	return casefile.AccusedInput{Person: casefile.PersonInput{Name: name, Sex: "male", BirthYear: 1988, IDNumber: "011088001234", PersonID: personID},
		Charges: []legal.Charge{{Article: "150", Clause: "2"}}, DocumentNumber: "02/QĐ-KTBC", DocumentDate: d("2026-02-03"), Signer: "Thượng tá"}
}

// An accused and a party entered on the case become registry persons linked
// to the case in their role; a victim becomes a protected person whose
// identity the case row does not keep.
func TestCasePersonsAreRegistryPersons(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		ps := f.withRegistry()
		c := f.newCase("2026-02-02")
		v, err := f.svc.AddAccused(f.as("dtv1"), c.ID, c.Version, accusedIn("Vàng A Dế", ctip.NullID{}))
		if err != nil {
			t.Fatal(err)
		}
		x := v.Accused[0]
		if !x.Person.PersonID.Valid || x.Person.Name != "Vàng A Dế" {
			t.Fatalf("accused: %+v", x.Person)
		}
		pv, err := ps.Get(f.as("dtv2"), x.Person.PersonID.ID)
		if err != nil || !pv.ShowIdentity || pv.Person.Identity.FullName != "Vàng A Dế" || pv.Person.OwnerUnitID != f.units["PC02"].ID {
			t.Fatalf("registry person: %+v %v", pv, err)
		}
		if len(pv.Person.Roles) != 1 || pv.Person.Roles[0].Role != person.RoleAccused || pv.Person.Roles[0].RecordType != "case" || pv.Person.Roles[0].RecordID != c.ID.String() {
			t.Errorf("roles: %+v", pv.Person.Roles)
		}
		if len(pv.Person.Identity.Documents) != 1 || pv.Person.Identity.Documents[0].Number != "011088001234" {
			t.Errorf("documents: %+v", pv.Person.Identity.Documents)
		}
		linked, err := ps.LinkedTo(f.as("dtv2"), "case", c.ID.String())
		if err != nil || len(linked) != 1 || linked[0].ID != x.Person.PersonID.ID {
			t.Errorf("linked to the case: %+v %v", linked, err)
		}

		// A witness with an old identity card: the registry keeps it as such.
		w, err := f.svc.AddParty(f.as("dtv1"), c.ID, v.Case.Version, casefile.PartyInput{Role: casefile.RoleWitness,
			Person: casefile.PersonInput{Name: "Mùa A Sử", Sex: "male", IDNumber: "040123456"}})
		if err != nil {
			t.Fatal(err)
		}
		wp, err := ps.Get(f.as("dtv1"), w.Parties[0].Person.PersonID.ID)
		if err != nil || len(wp.Person.Identity.Documents) != 1 || wp.Person.Identity.Documents[0] != (person.Document{Kind: person.DocCMND, Number: "040123456"}) ||
			wp.Person.Roles[0].Role != person.RoleWitness {
			t.Errorf("witness: %+v %v", wp, err)
		}
		v = w
		// A victim: protected, the case keeps the pseudonym only.
		v, err = f.svc.AddParty(f.as("dtv1"), c.ID, v.Case.Version, casefile.PartyInput{Role: casefile.RoleVictim,
			Person: casefile.PersonInput{Name: "Lò Thị Xuân Mai", Sex: "female", BirthYear: 2004, IDNumber: "011304012345"}})
		if err != nil {
			t.Fatal(err)
		}
		var pt *casefile.Party
		for _, x := range v.Parties {
			if x.Role == casefile.RoleVictim {
				pt = x
			}
		}
		vp, err := ps.Get(f.as("truongcat"), pt.Person.PersonID.ID) // a leader above: in scope, not on the team
		if err != nil {
			t.Fatal(err)
		}
		if !vp.Person.Protected || vp.ShowIdentity || vp.Person.Pseudonym == "" || pt.Person.Name != vp.Person.Pseudonym || pt.Person.IDNumber != "" {
			t.Fatalf("victim party: case keeps %+v; registry %+v", pt.Person, vp.Person)
		}
		// The victim's team: the case's unit as owner (it recorded the identity), no unit joined through the link.
		if n := f.count(`SELECT COUNT(*) FROM person_team WHERE person_id = $1 AND reason = 'investigating'`, vp.Person.ID); n != 0 {
			t.Errorf("the link put %d units on the victim's team", n)
		}
		// The investigators (the case's unit, victim.identity) reveal with a reason, like any victim.
		rv, err := ps.Reveal(f.as("dtv2"), pt.Person.PersonID.ID, "Lấy lời khai bị hại trong vụ án")
		if err != nil || rv.Person.Identity.FullName != "Lò Thị Xuân Mai" {
			t.Fatalf("reveal by the case's investigator: %+v %v", rv, err)
		}
		// The raw rows hold neither the name nor the ID number in clear.
		for _, q := range []struct {
			q  string
			id ctip.ID
		}{{`SELECT name FROM case_parties WHERE id = $1`, pt.ID}, {`SELECT id_number FROM case_parties WHERE id = $1`, pt.ID},
			{`SELECT full_name FROM persons WHERE id = $1`, vp.Person.ID}, {`SELECT documents FROM persons WHERE id = $1`, vp.Person.ID}} {
			var b []byte
			if err := f.db.QueryRow(context.Background(), q.q, q.id).Scan(&b); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte("Xuân Mai")) || bytes.Contains(b, []byte("011304012345")) {
				t.Errorf("%s: in clear", q.q)
			}
		}
		var sealed []byte
		if err := f.db.QueryRow(context.Background(), `SELECT name FROM case_parties WHERE id = $1`, pt.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte(vp.Person.Pseudonym)) {
			t.Errorf("the case row's name is not sealed")
		}
	})
}

// A picked person must exist and be visible to the actor; nothing is
// written otherwise, and a person cannot be charged twice in one case.
func TestCasePickedPersonIsChecked(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		ps := f.withRegistry()
		c := f.newCase("2026-02-02")
		// A suspect of the commune police: outside PC02's scope.
		other, err := ps.Create(f.as("dtvxa"), person.Input{FullName: "Giàng A Páo", Sex: "male", BirthYear: 1985, Role: person.RoleRecruiter})
		if err != nil {
			t.Fatal(err)
		}
		mine, err := ps.Create(f.as("dtv2"), person.Input{FullName: "Sùng A Chứ", Sex: "male", BirthYear: 1979, IDNumber: "011079004321"})
		if err != nil {
			t.Fatal(err)
		}
		persons := f.count(`SELECT COUNT(*) FROM persons`)
		for _, pid := range []ctip.ID{other.Person.ID, ctip.NewID()} {
			_, err := f.svc.AddAccused(f.as("dtv1"), c.ID, c.Version, accusedIn("", ctip.Some(pid)))
			var ce *ctip.Error
			if !ctip.IsKind(err, ctip.Invalid) || !errorsAs(err, &ce) || len(ce.Fields) != 1 || ce.Fields[0].Field != "person_id" || ce.Fields[0].Key != "person.pick_unknown" {
				t.Fatalf("unseen person %s: %v", pid, err)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM case_accused WHERE case_id = $1`, c.ID); n != 0 {
			t.Errorf("%d accused written", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM person_links`); n != 0 || f.count(`SELECT COUNT(*) FROM persons`) != persons {
			t.Errorf("registry written: %d links", n)
		}
		// A visible person: the entered details are ignored, the registry's kept.
		v, err := f.svc.AddAccused(f.as("dtv1"), c.ID, c.Version, accusedIn("Tên gõ sai", ctip.Some(mine.Person.ID)))
		if err != nil {
			t.Fatal(err)
		}
		x := v.Accused[0]
		if x.Person.Name != "Sùng A Chứ" || x.Person.BirthYear != 1979 || x.Person.IDNumber != "011079004321" || x.Person.PersonID.ID != mine.Person.ID {
			t.Errorf("picked: %+v", x.Person)
		}
		if n := f.count(`SELECT COUNT(*) FROM person_links WHERE person_id = $1 AND record_type = 'case' AND record_id = $2 AND role = 'accused'`, mine.Person.ID, c.ID.String()); n != 1 {
			t.Errorf("%d links", n)
		}
		_, err = f.svc.AddAccused(f.as("dtv1"), c.ID, v.Case.Version, accusedIn("", ctip.Some(mine.Person.ID)))
		if !ctip.IsKind(err, ctip.Invalid) || !bytes.Contains([]byte(err.Error()), []byte("case.person_twice")) {
			t.Errorf("charged twice: %v", err)
		}
	})
}

// Rows recorded before the registry get a registry person at start-up:
// idempotent, victims protected (the row then keeps the pseudonym), the
// role by stage.
func TestBackfillCasePersons(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		c := f.newCase("2026-02-02")
		// Recorded without the registry (as before issue 4).
		v, err := f.svc.AddAccused(f.as("dtv1"), c.ID, c.Version, accusedIn("Vàng A Dế", ctip.NullID{}))
		if err != nil {
			t.Fatal(err)
		}
		v, err = f.svc.AddParty(f.as("dtv1"), c.ID, v.Case.Version, casefile.PartyInput{Role: casefile.RoleVictim,
			Person: casefile.PersonInput{Name: "Lò Thị Xuân Mai", Sex: "female", BirthYear: 2004, IDNumber: "011304012345"}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.AddParty(f.as("dtv1"), c.ID, v.Case.Version, casefile.PartyInput{Role: casefile.RoleWitness,
			Person: casefile.PersonInput{Name: "Mùa A Sử", Sex: "male", IDNumber: "999088001234"}}) // a citizen ID the registry refuses (no such province): kept on the row
		if err != nil {
			t.Fatal(err)
		}
		if n := f.count(`SELECT COUNT(*) FROM case_parties WHERE person_id IS NULL`) + f.count(`SELECT COUNT(*) FROM case_accused WHERE person_id IS NULL`); n != 3 {
			t.Fatalf("%d placeholders", n)
		}
		ps := f.withRegistry()
		sys := ctip.WithActor(context.Background(), ctip.SystemActor("test"))
		if _, err := f.svc.BackfillPersons(f.as("dtv1")); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("a user runs the backfill: %v", err)
		}
		n, err := f.svc.BackfillPersons(sys)
		if err != nil || n != 3 {
			t.Fatalf("backfill: %d %v", n, err)
		}
		if n, err := f.svc.BackfillPersons(sys); err != nil || n != 0 {
			t.Fatalf("second run: %d %v", n, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM persons`); n != 3 {
			t.Errorf("%d persons", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM person_links WHERE record_type = 'case' AND record_id = $1`, c.ID.String()); n != 3 {
			t.Errorf("%d links", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'case.person_backfill'`); n != 3 {
			t.Errorf("%d audit entries", n)
		}
		view, err := f.svc.Get(f.as("dtv1"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		acc := view.Accused[0]
		ap, err := ps.Get(f.as("dtv1"), acc.Person.PersonID.ID)
		if err != nil || ap.Person.Protected || ap.Person.Identity.FullName != "Vàng A Dế" || ap.Person.BirthYear != 1988 || ap.Person.Roles[0].Role != person.RoleAccused ||
			len(ap.Person.Identity.Documents) != 1 || acc.Person.Name != "Vàng A Dế" {
			t.Errorf("accused: %+v %+v %v", acc.Person, ap, err)
		}
		for _, pt := range view.Parties {
			pp, err := ps.Get(ctip.WithActor(context.Background(), ctip.SystemActor("test")), pt.Person.PersonID.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch pt.Role {
			case casefile.RoleVictim:
				if !pp.Person.Protected || pt.Person.Name != pp.Person.Pseudonym || pt.Person.IDNumber != "" ||
					pp.Person.Identity.FullName != "Lò Thị Xuân Mai" || pp.Person.Identity.Documents[0].Number != "011304012345" {
					t.Errorf("victim: row %+v, registry %+v", pt.Person, pp.Person)
				}
			case casefile.RoleWitness:
				if pp.Person.Protected || pt.Person.Name != "Mùa A Sử" || pt.Person.IDNumber != "999088001234" || pp.Person.Identity.FullName != "Mùa A Sử" ||
					len(pp.Person.Identity.Documents) != 0 || pp.Person.Roles[0].Role != person.RoleWitness {
					t.Errorf("witness: row %+v, registry %+v", pt.Person, pp.Person)
				}
			}
		}
	})
}

func errorsAs(err error, target **ctip.Error) bool {
	e, ok := err.(*ctip.Error)
	if ok {
		*target = e
	}
	return ok
}

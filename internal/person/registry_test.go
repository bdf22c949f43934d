package person_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/dbtest"
	"ctip/internal/geo"
	"ctip/internal/person"
	"ctip/internal/store"
	"ctip/internal/victim"
)

func TestMain(m *testing.M) {
	auth.ArgonMemory, auth.ArgonTime = 1024, 1
	dbtest.Main(m)
}

type places struct{ *geo.Places }

func (p places) EthnicExists(code string) bool {
	for _, e := range p.Ethnics {
		if e.Code == code {
			return true
		}
	}
	return false
}

var pl = places{geo.MustLoad()}

type fx struct {
	db      *store.DB
	persons *person.Service
	victims *victim.Service
	clock   *ctip.FixedClock
	users   map[string]*ctip.Actor
}

func (f *fx) as(name string) context.Context {
	return ctip.WithActor(context.Background(), f.users[name])
}

func setup(t *testing.T, db *store.DB) *fx {
	t.Helper()
	clock := &ctip.FixedClock{T: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	f := &fx{db: db, clock: clock, users: map[string]*ctip.Actor{}}
	f.persons = &person.Service{Store: db, Places: pl, Clock: clock, Config: db}
	f.victims = &victim.Service{Store: db, Persons: f.persons, People: db, Places: pl, Clock: clock}
	as := auth.New(db, clock)
	sys := ctip.WithActor(context.Background(), ctip.SystemActor("test"))
	units := map[string]*auth.Unit{}
	for _, u := range []auth.UnitInput{
		{Code: "CAT", Name: "Công an tỉnh", Kind: ctip.UnitPolice},
		{Code: "PC02", Name: "Phòng Cảnh sát hình sự", Kind: ctip.UnitPolice, ParentCode: "CAT"},
		{Code: "PC01", Name: "Phòng An ninh", Kind: ctip.UnitPolice, ParentCode: "CAT"},
		{Code: "SYT", Name: "Sở Y tế", Kind: ctip.UnitHealth},
	} {
		unit, err := as.CreateUnit(sys, u)
		if err != nil {
			t.Fatal(err)
		}
		units[u.Code] = unit
	}
	for _, u := range []struct {
		name, unit string
		roles      []string
	}{
		{"yte", "SYT", []string{auth.RoleVictimSupport}},
		{"dtv", "PC02", []string{auth.RoleInvestigator}},
		{"dtvkhac", "PC01", []string{auth.RoleInvestigator}},
		{"truongpc02", "PC02", []string{auth.RoleLeader}},
		{"truongcat", "CAT", []string{auth.RoleLeader}},
		{"admin", "CAT", []string{auth.RoleAdmin}},
	} {
		usr, _, err := as.CreateUser(sys, auth.UserInput{Username: u.name, UnitCode: u.unit, Roles: u.roles, Password: "Một mật khẩu đủ dài 2026", DemoAccount: true})
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.name] = auth.ActorFor(usr, units[u.unit])
	}
	return f
}

func dupIDs(err error) []ctip.ID {
	var de *person.DuplicateError
	if !errors.As(err, &de) {
		return nil
	}
	var out []ctip.ID
	for _, c := range de.Candidates {
		out = append(out, c.ID)
	}
	return out
}

// TestDuplicateDetection: a new record with the same citizen ID, the same
// phone, or the same folded name and year of birth as a visible record is
// refused with the candidates unless confirmed; a protected victim is a
// candidate only for her team, and nobody else gets a hint.
func TestDuplicateDetection(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		dtv := f.as("dtv")
		s, err := f.persons.Create(dtv, person.Input{FullName: "Vàng A Sình", Sex: "male", BirthYear: 1985, IDNumber: "011085012345", Phone: "0912 111 222", Role: person.RoleSuspect})
		if err != nil {
			t.Fatal(err)
		}
		for name, in := range map[string]person.Input{
			"same id number":     {FullName: "Người khác hẳn", IDNumber: "011 085 012 345"},
			"same phone (+84)":   {FullName: "Người khác hẳn", Phone: "+84 912 111 222"},
			"same folded name":   {FullName: "vang a sinh", BirthYear: 1985},
			"name order, alias":  {FullName: "X", Aliases: []string{"Sình Vàng A"}, BirthYear: 1985},
			"passport as number": {FullName: "Người khác hẳn", Documents: []person.Document{{Kind: person.DocOther, Number: "011085012345"}}},
		} {
			_, err := f.persons.Create(dtv, in)
			if ids := dupIDs(err); !ctip.IsKind(err, ctip.Conflict) || !slices.Equal(ids, []ctip.ID{s.Person.ID}) {
				t.Errorf("%s: %v, candidates %v", name, err, ids)
			}
		}
		// Not duplicates: same name, another year; a one-letter typo in the name; no year.
		for name, in := range map[string]person.Input{
			"other year": {FullName: "Vàng A Sình", BirthYear: 1986},
			"no year":    {FullName: "Vàng A Sình"},
			"typo":       {FullName: "Vàng A Xình", BirthYear: 1985},
		} {
			v, err := f.persons.Create(dtv, in)
			if err != nil || v == nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		// Confirmed: recorded anyway.
		if _, err := f.persons.Create(dtv, person.Input{FullName: "Vàng A Sình", BirthYear: 1985, ConfirmNew: true}); err != nil {
			t.Fatal(err)
		}
		// Out of scope (another unit's investigator sees nothing of PC02's suspect): no candidate, created.
		if _, err := f.persons.Create(f.as("dtvkhac"), person.Input{FullName: "Người khác", IDNumber: "011085012345"}); err != nil {
			t.Fatalf("out-of-scope candidate must not refuse: %v", err)
		}

		// A protected victim received by the health department.
		vv, err := f.victims.Receive(f.as("yte"), victim.ReceiveInput{Channel: victim.MissionReturn, ReceptionBody: "Sở Y tế",
			ReceivedAt: f.clock.Now().Add(-time.Hour), FoundAbroad: true,
			Person: person.Input{FullName: "Lò Thị Xuân Mai", Sex: "female", DateOfBirth: "2001-05-04", IDNumber: "011301012345", Phone: "0987 654 321"}})
		if err != nil {
			t.Fatal(err)
		}
		// An investigator who may not see her identity: no hint, the record is created.
		if _, err := f.persons.Create(dtv, person.Input{FullName: "Lò Thị Xuân Mai", BirthYear: 2001, Phone: "0987654321"}); err != nil {
			t.Fatalf("a hidden victim leaked as a duplicate: %v", err)
		}
		// Her team (the receiving unit) is shown her pseudonym, at reception too.
		_, err = f.victims.Receive(f.as("yte"), victim.ReceiveInput{Channel: victim.MissionReturn, ReceptionBody: "Sở Y tế",
			ReceivedAt: f.clock.Now().Add(-time.Hour), FoundAbroad: true,
			Person: person.Input{FullName: "Lo Thi Xuan Mai", Sex: "female", BirthYear: 2001}})
		var de *person.DuplicateError
		if !errors.As(err, &de) || len(de.Candidates) != 1 || de.Candidates[0].ID != vv.File.PersonID ||
			de.Candidates[0].Label != vv.File.Pseudonym || !slices.Equal(de.Candidates[0].Reasons, []string{person.DupNameBirth}) {
			t.Fatalf("reception duplicate: %v %+v", err, de)
		}
		if strings.Contains(de.Candidates[0].Label, "Mai") {
			t.Fatal("candidate label is the name of a protected person")
		}
	})
}

// TestMerge: a leader merges two records of one person; the survivor gains
// the other's roles, names, documents, phones, priors and wanted notices;
// the merged record is a tombstone that leads to the survivor; protection
// is kept; versions are checked; nothing else may merge.
func TestMerge(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		dtv := f.as("dtv")
		a, err := f.persons.Create(dtv, person.Input{FullName: "Vàng A Sình", Sex: "male", BirthYear: 1985, IDNumber: "011085012345", Role: person.RoleSuspect})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.persons.Create(dtv, person.Input{FullName: "Sình Lùn", Aliases: []string{"A Sình"}, Sex: "male", Phone: "0912 111 222",
			Documents: []person.Document{{Kind: person.DocPassport, Number: "C1234567", Country: "VN"}}, Role: person.RoleRecruiter, ConfirmNew: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.persons.AddRole(dtv, b.Person.ID, person.RoleInput{Role: person.RoleSuspect}); err != nil {
			t.Fatal(err)
		}
		if err := f.persons.AddPrior(dtv, b.Person.ID, person.Prior{Kind: person.PriorConviction, Offence: "Điều 150", DecidedOn: ctip.NewDate(2015, 1, 2)}); err != nil {
			t.Fatal(err)
		}
		if err := f.persons.AddWanted(dtv, b.Person.ID, person.Wanted{DecisionNumber: "01/QĐ-TN", IssuingBody: "CQĐT", IssuedOn: ctip.NewDate(2025, 1, 2)}); err != nil {
			t.Fatal(err)
		}
		bv, _ := f.persons.Get(dtv, b.Person.ID)
		av, _ := f.persons.Get(dtv, a.Person.ID)
		// Only the merge permission.
		for _, who := range []string{"dtv", "admin", "yte"} {
			if _, err := f.persons.Merge(f.as(who), a.Person.ID, b.Person.ID, av.Person.Version, bv.Person.Version, "Cùng một người theo CCCD"); !ctip.IsKind(err, ctip.Forbidden) {
				t.Errorf("%s merged: %v", who, err)
			}
		}
		lead := f.as("truongpc02")
		if _, err := f.persons.Merge(lead, a.Person.ID, a.Person.ID, 1, 1, "Cùng một người theo CCCD"); !ctip.IsKind(err, ctip.Invalid) {
			t.Errorf("self merge: %v", err)
		}
		if _, err := f.persons.Merge(lead, a.Person.ID, b.Person.ID, av.Person.Version, bv.Person.Version, "ngắn"); !ctip.IsKind(err, ctip.Invalid) {
			t.Errorf("short reason: %v", err)
		}
		if _, err := f.persons.Merge(lead, a.Person.ID, b.Person.ID, av.Person.Version, bv.Person.Version-1, "Cùng một người theo CCCD"); !ctip.IsKind(err, ctip.Conflict) {
			t.Errorf("stale version: %v", err)
		}
		pre, err := f.persons.PreviewMerge(lead, a.Person.ID, b.Person.ID)
		if err != nil || !slices.Contains(pre.Result.Identity.Aliases, "Sình Lùn") || len(pre.Result.Identity.Documents) != 2 {
			t.Fatalf("preview: %v %+v", err, pre)
		}
		v, err := f.persons.Merge(lead, a.Person.ID, b.Person.ID, av.Person.Version, bv.Person.Version, "Cùng một người theo CCCD")
		if err != nil {
			t.Fatal(err)
		}
		p := v.Person
		if p.Identity.FullName != "Vàng A Sình" || !slices.Contains(p.Identity.Aliases, "Sình Lùn") || slices.Contains(p.Identity.Aliases, "A Sình") == false ||
			len(p.Identity.Documents) != 2 || len(p.Identity.Phones) != 1 || len(p.Priors) != 1 || len(p.Wanted) != 1 || p.BirthYear != 1985 {
			t.Fatalf("survivor: %+v", p)
		}
		var roles []string
		for _, r := range p.Roles {
			roles = append(roles, r.Role)
		}
		if !slices.Contains(roles, person.RoleSuspect) || !slices.Contains(roles, person.RoleRecruiter) || len(roles) != 2 {
			t.Fatalf("roles %v", roles)
		}
		// The tombstone leads to the survivor; its identity is gone; search finds one record.
		_, err = f.persons.Get(dtv, b.Person.ID)
		var me *person.MergedError
		if !errors.As(err, &me) || me.Into != a.Person.ID {
			t.Fatalf("tombstone read: %v", err)
		}
		raw, err := db.GetPerson(context.Background(), b.Person.ID)
		if err != nil || raw.Identity.FullName != "" || len(raw.Roles) != 0 || !raw.MergedInto.Valid {
			t.Fatalf("tombstone row: %v %+v", err, raw)
		}
		hits, err := f.persons.Search(dtv, "0912111222")
		if err != nil || len(hits) != 1 || hits[0].ID != a.Person.ID {
			t.Fatalf("search after merge: %v %+v", err, hits)
		}
		// The tombstone cannot be merged again; an outsider learns nothing from it.
		if _, err := f.persons.Merge(lead, a.Person.ID, b.Person.ID, p.Version, 2, "Cùng một người theo CCCD"); !ctip.IsKind(err, ctip.Conflict) {
			t.Errorf("merge of a tombstone: %v", err)
		}
		if _, err := f.persons.Get(f.as("dtvkhac"), b.Person.ID); !ctip.IsKind(err, ctip.NotFound) || errors.As(err, &me) {
			t.Errorf("outsider read of a tombstone: %v", err)
		}
	})
}

// TestMergeKeepsProtection: merging a victim's record into a suspect record
// makes the survivor protected under the victim's pseudonym, and the leader
// must have the identities on screen (break the glass) to merge.
func TestMergeKeepsProtection(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		dtv := f.as("dtv")
		s, err := f.persons.Create(dtv, person.Input{FullName: "Lò Thị Xuân Mai", Sex: "female", BirthYear: 2001, Role: person.RoleWitness})
		if err != nil {
			t.Fatal(err)
		}
		vv, err := f.victims.Receive(f.as("yte"), victim.ReceiveInput{Channel: victim.MissionReturn, ReceptionBody: "Sở Y tế",
			ReceivedAt: f.clock.Now().Add(-time.Hour), FoundAbroad: true,
			Person: person.Input{FullName: "Lò Thị Xuân Mai", Sex: "female", DateOfBirth: "2001-05-04", IDNumber: "011301012345", ConfirmNew: true}})
		if err != nil {
			t.Fatal(err)
		}
		lead := f.as("truongcat")
		sv, err := f.persons.Get(lead, s.Person.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.persons.Merge(lead, s.Person.ID, vv.File.PersonID, sv.Person.Version, 1, "Cùng một người: nạn nhân trùng"); !ctip.IsKind(err, ctip.NotFound) && !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("merge without the victim's identity on screen: %v", err)
		}
		if _, err := f.persons.BreakGlass(lead, vv.File.PersonID, "Gộp hồ sơ trùng của cùng một người"); err != nil {
			t.Fatal(err)
		}
		mv, err := f.persons.Get(lead, vv.File.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.persons.Merge(lead, s.Person.ID, vv.File.PersonID, sv.Person.Version, mv.Person.Version, "Cùng một người: nạn nhân trùng")
		if err != nil {
			t.Fatal(err)
		}
		raw, err := db.GetPerson(context.Background(), s.Person.ID)
		if err != nil || !raw.Protected || raw.Pseudonym != vv.File.Pseudonym || !raw.IsVictim || len(raw.Identity.Documents) != 1 {
			t.Fatalf("survivor after merging a victim: %v protected=%v pseudonym=%q victim=%v", err, raw.Protected, raw.Pseudonym, raw.IsVictim)
		}
		_ = v
		// The victim file follows the person; the investigator who recorded the witness no longer sees the identity.
		fv, err := f.victims.Get(f.as("yte"), vv.File.ID)
		if err != nil || fv.File.PersonID != s.Person.ID {
			t.Fatalf("victim file after merge: %v", err)
		}
		dv, err := f.persons.Get(dtv, s.Person.ID)
		if err != nil || !dv.Masked || dv.Person.Identity.FullName != "" {
			t.Fatalf("investigator view of the now protected survivor: %v masked=%v", err, dv != nil && dv.Masked)
		}
	})
}

// TestSettings: only an administrator changes the registry settings, within
// bounds, version-checked, audited; the new windows apply at once.
func TestSettings(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		if err := f.persons.LoadSettings(context.Background()); err != nil {
			t.Fatal(err)
		}
		cur := f.persons.Settings()
		if cur != person.DefaultSettings() {
			t.Fatalf("defaults %+v", cur)
		}
		nw := cur
		nw.RevealMinutes, nw.Retention.NotVictimYears = 20, 3
		if err := f.persons.SaveSettings(f.as("truongcat"), cur.Stamp(), nw); !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("leader saved settings: %v", err)
		}
		bad := nw
		bad.RevealMinutes, bad.GlassMinutes, bad.Retention.NotVictimYears = 0, 31, 11
		err := f.persons.SaveSettings(f.as("admin"), cur.Stamp(), bad)
		var ce *ctip.Error
		if !errors.As(err, &ce) || len(ce.Fields) != 3 {
			t.Fatalf("bad settings: %v", err)
		}
		if err := f.persons.SaveSettings(f.as("admin"), cur.Stamp(), nw); err != nil {
			t.Fatal(err)
		}
		if err := f.persons.SaveSettings(f.as("admin"), cur.Stamp(), nw); !ctip.IsKind(err, ctip.Conflict) {
			t.Fatalf("stale settings form: %v", err)
		}
		// A fresh service reads them back.
		g := &person.Service{Store: db, Places: pl, Clock: f.clock, Config: db}
		if err := g.LoadSettings(context.Background()); err != nil || g.Settings() != nw {
			t.Fatalf("reloaded %+v, %v", g.Settings(), err)
		}
		// The reveal window in force is the new one.
		vv, err := f.victims.Receive(f.as("yte"), victim.ReceiveInput{Channel: victim.MissionReturn, ReceptionBody: "Sở Y tế",
			ReceivedAt: f.clock.Now().Add(-time.Hour), FoundAbroad: true, Person: person.Input{FullName: "Lò Thị Xuân Mai", Sex: "female", BirthYear: 2001}})
		if err != nil {
			t.Fatal(err)
		}
		rv, err := f.persons.Reveal(f.as("yte"), vv.File.PersonID, "Đối chiếu hồ sơ hỗ trợ")
		if err != nil || rv.RevealUntil.Sub(f.clock.Now()) != 20*time.Minute {
			t.Fatalf("reveal window: %v %v", err, rv)
		}
		found := false
		if _, _, err := db.WalkAudit(context.Background(), func(e ctip.AuditEvent) error {
			found = found || e.Action == "settings.persons" && slices.Contains(e.Fields, "persons.reveal_minutes:15->20")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !found {
			t.Fatal("settings change not audited with old and new values")
		}
	})
}

// TestPurgeTakesTombstones: when a surviving record's retention period ends,
// the purge deletes it with the tombstones of the records merged into it
// (no dangling reference on either engine), and leaves other records alone.
func TestPurgeTakesTombstones(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		dtv := f.as("dtv")
		a, err := f.persons.Create(dtv, person.Input{FullName: "Lầu A Chá", BirthYear: 1990, Role: person.RoleWitness})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.persons.Create(dtv, person.Input{FullName: "Chá Lầu", Phone: "0911 222 333", Role: person.RoleWitness, ConfirmNew: true})
		if err != nil {
			t.Fatal(err)
		}
		keep, err := f.persons.Create(dtv, person.Input{FullName: "Người ở lại", Role: person.RoleSuspect})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.persons.Merge(f.as("truongpc02"), a.Person.ID, b.Person.ID, 1, 1, "Cùng một người làm chứng"); err != nil {
			t.Fatal(err)
		}
		f.clock.T = f.clock.T.AddDate(6, 0, 0) // past the 5 years of a witness
		n, err := f.persons.Purge(ctip.WithActor(context.Background(), ctip.SystemActor("persons.purge")))
		if err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		for _, id := range []ctip.ID{a.Person.ID, b.Person.ID} {
			if _, err := db.GetPerson(context.Background(), id); !ctip.IsKind(err, ctip.NotFound) {
				t.Errorf("%s survived the purge: %v", id, err)
			}
		}
		if _, err := db.GetPerson(context.Background(), keep.Person.ID); err != nil {
			t.Errorf("a police record was purged: %v", err)
		}
	})
}

// Two records of a person who was received twice (one file closed, one
// open) merge: the survivor holds both files, one open. Two open files do
// not merge (at most one open file per person).
func TestMergeVictimFiles(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		recv := func(name string) *victim.View {
			v, err := f.victims.Receive(f.as("yte"), victim.ReceiveInput{Channel: victim.MissionReturn, ReceptionBody: "Sở Y tế",
				ReceivedAt: f.clock.Now().Add(-time.Hour), FoundAbroad: true,
				Person: person.Input{FullName: name, Sex: "female", BirthYear: 2001, ConfirmNew: true}})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		a, b := recv("Lò Thị Xuân Mai"), recv("Lò Thị Xuân Mại")
		lead := f.as("truongcat")
		versions := func() (int, int) {
			var vs [2]int
			for i, id := range []ctip.ID{a.File.PersonID, b.File.PersonID} {
				if _, err := f.persons.BreakGlass(lead, id, "Gộp hồ sơ trùng của cùng một người"); err != nil {
					t.Fatal(err)
				}
				pv, err := f.persons.Get(lead, id)
				if err != nil {
					t.Fatal(err)
				}
				vs[i] = pv.Person.Version
			}
			return vs[0], vs[1]
		}
		va, vb := versions()
		if _, err := f.persons.Merge(lead, a.File.PersonID, b.File.PersonID, va, vb, "Cùng một người: nạn nhân trùng"); !ctip.IsKind(err, ctip.Conflict) || !strings.Contains(err.Error(), "person.merge_two_files") {
			t.Fatalf("merge of two open files: %v", err)
		}
		if _, err := f.victims.Close(f.as("yte"), a.File.ID, a.File.Version, "transferred", ctip.Date{}); err != nil {
			t.Fatal(err)
		}
		va, vb = versions()
		if _, err := f.persons.Merge(lead, a.File.PersonID, b.File.PersonID, va, vb, "Cùng một người: nạn nhân trùng"); err != nil {
			t.Fatalf("merge of a closed and an open file: %v", err)
		}
		raw, err := db.GetPerson(context.Background(), a.File.PersonID)
		if err != nil || !raw.IsVictim || !raw.VictimOpen {
			t.Fatalf("survivor: %v victim %v open %v", err, raw.IsVictim, raw.VictimOpen)
		}
		bv, err := f.victims.Get(f.as("yte"), b.File.ID)
		if err != nil || bv.File.PersonID != a.File.PersonID || len(bv.Others) != 1 || bv.Others[0].ID != a.File.ID {
			t.Fatalf("the open file lists the earlier one after the merge: %v", err)
		}
	})
}

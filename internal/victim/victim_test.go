package victim_test

import (
	"context"
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
	units   map[string]*auth.Unit
}

func (f *fx) as(name string) context.Context {
	return ctip.WithActor(context.Background(), f.users[name])
}

func setup(t *testing.T, db *store.DB) *fx {
	t.Helper()
	clock := &ctip.FixedClock{T: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	f := &fx{db: db, clock: clock, users: map[string]*ctip.Actor{}, units: map[string]*auth.Unit{}}
	f.persons = &person.Service{Store: db, Places: pl, Clock: clock}
	f.victims = &victim.Service{Store: db, Persons: f.persons, People: db, Places: pl, Clock: clock}
	as := auth.New(db, clock)
	sys := ctip.WithActor(context.Background(), ctip.SystemActor("test"))
	for _, u := range []auth.UnitInput{
		{Code: "CAT", Name: "Công an tỉnh", Kind: ctip.UnitPolice},
		{Code: "PC02", Name: "Phòng Cảnh sát hình sự", Kind: ctip.UnitPolice, ParentCode: "CAT"},
		{Code: "PC01", Name: "Phòng An ninh", Kind: ctip.UnitPolice, ParentCode: "CAT"},
		{Code: "CAX1", Name: "Công an xã Mường Nhé", Kind: ctip.UnitCommunePolice, ParentCode: "CAT", CommuneCode: "03160"},
		{Code: "SYT", Name: "Sở Y tế", Kind: ctip.UnitHealth},
	} {
		unit, err := as.CreateUnit(sys, u)
		if err != nil {
			t.Fatal(err)
		}
		f.units[u.Code] = unit
	}
	for _, u := range []struct {
		name, unit string
		roles      []string
	}{
		{"yte", "SYT", []string{auth.RoleVictimSupport}},
		{"dtv", "PC02", []string{auth.RoleInvestigator}},
		{"dtvkhac", "PC01", []string{auth.RoleInvestigator}},
		{"truongcat", "CAT", []string{auth.RoleLeader}},
		{"cax", "CAX1", []string{auth.RoleIntake}},
		{"phantich", "CAT", []string{auth.RoleAnalyst}},
	} {
		usr, _, err := as.CreateUser(sys, auth.UserInput{Username: u.name, UnitCode: u.unit, Roles: u.roles, Password: "Một mật khẩu đủ dài 2026", DemoAccount: true})
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.name] = auth.ActorFor(usr, f.units[u.unit])
	}
	return f
}

func receive(t *testing.T, f *fx, name string) *victim.View {
	t.Helper()
	v, err := f.victims.Receive(f.as("yte"), victim.ReceiveInput{Channel: victim.MissionReturn, ReceptionBody: "Sở Y tế tỉnh Điện Biên",
		ReceivedAt: f.clock.Now().Add(-2 * time.Hour), FoundAbroad: true,
		Person: person.Input{FullName: name, Sex: "female", DateOfBirth: "2001-05-04", IDNumber: "011301012345", Phone: "0987 654 321", Nationality: "VN", ConfirmNew: true}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestReceiveIdentifySupport(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		v := receive(t, f, "Lò Thị Xuân")
		if !strings.HasPrefix(v.File.Pseudonym, "NN-2026-") || !v.Person.Masked || v.Person.Person.Identity.FullName != "" {
			t.Fatalf("reception: pseudonym %q masked %v", v.File.Pseudonym, v.Person.Masked)
		}
		if v.Class != victim.ClassIdentifiedAbroad || v.Verification != "running" {
			t.Fatalf("class %s verification %s", v.Class, v.Verification)
		}
		ctx := f.as("yte")
		// Being identified abroad: regimes a–d only (Art. 37(3)).
		_, err := f.victims.AddSupport(ctx, v.File.ID, victim.SupportInput{Regime: "vocational", Provider: "Trung tâm", ProvidedOn: ctip.DateOf(f.clock.Now())})
		if !ctip.IsKind(err, ctip.Invalid) || !strings.Contains(err.Error(), "victim.regime_not_allowed") {
			t.Fatalf("vocational for being_identified_abroad: %v", err)
		}
		// The message names the regime (its label), not its letter (review finding 14).
		if ce := err.(*ctip.Error); ce.Fields[0].Args[0] != ctip.Label("regime.vocational") {
			t.Errorf("regime refusal args: %v", ce.Fields[0].Args)
		}
		v, err = f.victims.Identify(ctx, v.File.ID, v.File.Version, victim.IdentifyInput{Status: victim.Victim, DecidedOn: ctip.DateOf(f.clock.Now()),
			DecidingBody: "Police", DecisionNumber: "12/QĐ", Grounds: []string{"mission_abroad", "person_statement"}})
		if err != nil {
			t.Fatal(err)
		}
		if v.Class != victim.ClassCitizenVictim {
			t.Fatalf("class after identification: %s", v.Class)
		}
		if _, err := f.victims.Identify(ctx, v.File.ID, v.File.Version, victim.IdentifyInput{Status: victim.NotVictim, DecidedOn: ctip.DateOf(f.clock.Now()), DecidingBody: "Police"}); !ctip.IsKind(err, ctip.Conflict) {
			t.Fatalf("second decision: %v", err)
		}
		for _, r := range []string{"vocational", "medical"} {
			if _, err := f.victims.AddSupport(ctx, v.File.ID, victim.SupportInput{Regime: r, Provider: "Bệnh viện tỉnh", ProvidedOn: ctip.DateOf(f.clock.Now())}); err != nil {
				t.Fatal(r, err)
			}
		}
		// Legal aid: a referral needs consent.
		if _, err := f.victims.AddSupport(ctx, v.File.ID, victim.SupportInput{Regime: "legal_aid", Provider: "TTTGPL", ProvidedOn: ctip.DateOf(f.clock.Now())}); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("legal aid without consent: %v", err)
		}
		// "loans" (the law's plural) is read as the regime code "loan" (review finding 20).
		if x, err := f.victims.AddSupport(ctx, v.File.ID, victim.SupportInput{Regime: "loans", Provider: "Ngân hàng Chính sách xã hội", ProvidedOn: ctip.DateOf(f.clock.Now())}); err != nil || x.Regime != victim.Loan {
			t.Fatalf("loans: %v", err)
		}
		// Consent without a referral: refused, nothing to record it against
		// (review finding 19: it was silently dropped).
		_, err = f.victims.AddSupport(ctx, v.File.ID, victim.SupportInput{Regime: "medical", Provider: "Bệnh viện tỉnh", ProvidedOn: ctip.DateOf(f.clock.Now()), Consent: true})
		if ce, ok := err.(*ctip.Error); !ok || len(ce.Fields) != 1 || ce.Fields[0].Field != "referral_to" || ce.Fields[0].Key != "victim.consent_without_referral" {
			t.Fatalf("consent without a referral: %v", err)
		}
		// 120 days of essential needs.
		start := ctip.DateOf(f.clock.Now())
		if _, err := f.victims.AddSupport(ctx, v.File.ID, victim.SupportInput{Regime: "essential_needs", Provider: "Cơ sở", ProvidedOn: start, Status: "delivered"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.victims.AddSupport(ctx, v.File.ID, victim.SupportInput{Regime: "essential_needs", Provider: "Cơ sở", ProvidedOn: start.AddDays(130), Status: "planned"}); err == nil || !strings.Contains(err.Error(), "essential_limit") {
			t.Fatalf("day 131: %v", err)
		}
		// Another unit's investigator: pseudonym only, reveal → NotFound.
		other := f.as("dtvkhac")
		ov, err := f.victims.Get(other, v.File.ID)
		if err != nil || ov.Person.ShowIdentity || ov.Person.Person.Identity.FullName != "" {
			t.Fatalf("other unit view: %v", err)
		}
		if _, err := f.victims.Reveal(other, v.File.ID, "Cần xác minh danh tính"); !ctip.IsKind(err, ctip.NotFound) {
			t.Fatalf("other unit reveal: %v", err)
		}
		// The team: reason required, then the identity for 15 minutes.
		if _, err := f.victims.Reveal(ctx, v.File.ID, ""); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("reveal without reason: %v", err)
		}
		rv, err := f.victims.Reveal(ctx, v.File.ID, "Lập hồ sơ hỗ trợ ban đầu")
		if err != nil || rv.Person.Person.Identity.FullName != "Lò Thị Xuân" {
			t.Fatalf("reveal: %v", err)
		}
		f.clock.Advance(16 * time.Minute)
		gv, _ := f.victims.Get(ctx, v.File.ID)
		if gv.Person.ShowIdentity {
			t.Fatal("reveal did not expire")
		}
		// Break the glass: a leader outside the team.
		bg, err := f.victims.BreakGlass(f.as("truongcat"), v.File.ID, "Khẩn cấp: đe dọa tính mạng")
		if err != nil || !bg.Person.ShowIdentity {
			t.Fatalf("break glass: %v", err)
		}
		// Search: the team finds the victim (under the pseudonym), typo and no marks.
		for _, q := range []string{"lo thi xuan", "Xuâm", "011301012345", "+84987654321"} {
			hits, err := f.persons.Search(ctx, q)
			if err != nil || len(hits) != 1 || hits[0].Label != v.File.Pseudonym {
				t.Fatalf("team search %q: %v %+v", q, err, hits)
			}
			for _, who := range []string{"dtvkhac", "cax", "dtv"} {
				hits, err := f.persons.Search(f.as(who), q)
				if err != nil || len(hits) != 0 {
					t.Fatalf("search %q as %s: %v %+v", q, who, err, hits)
				}
			}
		}
		// Bad input: an impossible citizen ID and a future birth date.
		_, err = f.victims.Receive(ctx, victim.ReceiveInput{Channel: "self_report", ReceptionBody: "UBND xã",
			Person: person.Input{FullName: "A", IDNumber: "999123456789", DateOfBirth: "2030-01-01"}})
		if !ctip.IsKind(err, ctip.Invalid) || !strings.Contains(err.Error(), "cccd_province") || !strings.Contains(err.Error(), "dob_future") {
			t.Fatalf("bad input: %v", err)
		}
	})
}

func TestClassTable(t *testing.T) {
	victimClass := victim.ClassCitizenVictim
	cases := []struct {
		status    victim.Status
		nat       string
		stateless bool
		abroad    bool
		principal *victim.Class
		want      victim.Class
	}{
		{victim.Victim, "VN", false, false, nil, victim.ClassCitizenVictim},
		{victim.Victim, "XX", true, false, nil, victim.ClassCitizenVictim},
		{victim.Victim, "CN", false, false, nil, victim.ClassForeign},
		{victim.BeingIdentified, "VN", false, true, nil, victim.ClassIdentifiedAbroad},
		{victim.BeingIdentified, "VN", false, false, nil, victim.ClassIdentifiedInVN},
		{victim.BeingIdentified, "LA", false, false, nil, victim.ClassForeign},
		{victim.NotVictim, "VN", false, false, nil, victim.ClassNone},
		{victim.BeingIdentified, "VN", false, false, &victimClass, victim.ClassAccompanyingVictim},
	}
	for _, c := range cases {
		if got := victim.ClassOf(c.status, c.nat, c.stateless, c.abroad, c.principal); got != c.want {
			t.Errorf("%v: got %s want %s", c, got, c.want)
		}
	}
	for _, r := range victim.Regimes {
		ok, _ := victim.Allowed(victim.ClassForeign, r)
		want := r == victim.EssentialNeeds || r == victim.Medical || r == victim.Interpretation || r == victim.LegalAdvice || r == victim.LegalAid || r == victim.Psychological
		if ok != want {
			t.Errorf("foreign %s: %v", r, ok)
		}
	}
	for _, from := range victim.Statuses {
		for _, to := range victim.Statuses {
			want := from == victim.BeingIdentified && to != victim.BeingIdentified
			if victim.CanTransition(from, to) != want {
				t.Errorf("%s → %s", from, to)
			}
		}
	}
}

// TestNeedsAggregateSuppressesSmallCells: six consented answers naming
// medical care show as 6; everything rarer shows as "< 5"; nothing links an
// answer back to a victim.
func TestNeedsAggregateSuppressesSmallCells(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := f.as("yte")
		for i := 0; i < 6; i++ {
			v := receive(t, f, "Người khảo sát "+string(rune('A'+i)))
			needs := []string{"medical"}
			if i == 0 {
				needs = append(needs, "legal_aid")
			}
			if err := f.victims.Survey(ctx, v.File.ID, false, needs); !ctip.IsKind(err, ctip.Invalid) {
				t.Fatalf("survey without consent: %v", err)
			}
			if err := f.victims.Survey(ctx, v.File.ID, true, needs); err != nil {
				t.Fatal(err)
			}
		}
		nv, err := f.victims.Needs(f.as("phantich"), "", "")
		if err != nil {
			t.Fatal(err)
		}
		if nv.Total != 6 || nv.TotalSmall {
			t.Errorf("total %d small %v", nv.Total, nv.TotalSmall)
		}
		for _, c := range nv.Cells {
			switch c.Need {
			case "medical":
				if c.Count != 6 || c.Small {
					t.Errorf("medical: %+v", c)
				}
			default:
				if !c.Small || c.Count != 0 {
					t.Errorf("%s not suppressed: %+v", c.Need, c)
				}
			}
		}
		var cols int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM victim_needs WHERE needs LIKE '%medical%'`).Scan(&cols)
		if cols != 6 {
			t.Errorf("stored answers: %d", cols)
		}
		if _, err := f.victims.Needs(f.as("cax"), "", ""); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("commune police reads the needs view: %v", err)
		}
	})
}

// TestAccompanyingChild: an under-18 accompanying a victim takes the class
// from the victim (a–h once the victim is identified); an adult cannot be
// recorded as accompanying; another unit cannot attach a child to the file.
func TestAccompanyingChild(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := f.as("yte")
		mother := receive(t, f, "Mẹ Lò Thị Ơn")
		mv, err := f.victims.Identify(ctx, mother.File.ID, mother.File.Version, victim.IdentifyInput{Status: victim.Victim, DecidedOn: ctip.DateOf(f.clock.Now()),
			DecidingBody: "Police", Grounds: []string{"mission_abroad"}})
		if err != nil {
			t.Fatal(err)
		}
		in := victim.ReceiveInput{Channel: victim.MissionReturn, ReceptionBody: "Sở Y tế", FoundAbroad: true, Accompanies: mv.File.Pseudonym,
			Person: person.Input{FullName: "Con Lò Văn Bé", Sex: "male", BirthYear: 2019}}
		child, err := f.victims.Receive(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if child.Class != victim.ClassAccompanyingVictim {
			t.Fatalf("class %s", child.Class)
		}
		if _, err := f.victims.AddSupport(ctx, child.File.ID, victim.SupportInput{Regime: "schooling", Provider: "Trường", ProvidedOn: ctip.DateOf(f.clock.Now())}); err != nil {
			t.Errorf("schooling for an accompanying child: %v", err)
		}
		if _, err := f.victims.AddSupport(ctx, child.File.ID, victim.SupportInput{Regime: "loan", Provider: "Ngân hàng", ProvidedOn: ctip.DateOf(f.clock.Now())}); err == nil {
			t.Error("a loan for an accompanying child")
		}
		adult := in
		adult.Person = person.Input{FullName: "Người lớn", BirthYear: 1990}
		if _, err := f.victims.Receive(ctx, adult); err == nil || !strings.Contains(err.Error(), "accompanying_adult") {
			t.Errorf("adult accompanying: %v", err)
		}
	})
}

// TestFollowUpsUntilClosure: a planned visit is recorded as done once, with
// findings; the file closes with a reason and then refuses changes.
func TestFollowUpsUntilClosure(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := f.as("yte")
		v := receive(t, f, "Người tái hòa nhập")
		today := ctip.DateOf(f.clock.Now())
		fu, err := f.victims.AddFollowUp(ctx, v.File.ID, victim.FollowUpInput{PlannedOn: today})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.victims.CompleteFollowUp(ctx, v.File.ID, fu.ID, today, ""); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("no findings: %v", err)
		}
		if _, err := f.victims.CompleteFollowUp(ctx, v.File.ID, fu.ID, today, "Đã đi làm tại xưởng may, gia đình ổn định"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.victims.CompleteFollowUp(ctx, v.File.ID, fu.ID, today, "lần hai"); !ctip.IsKind(err, ctip.Conflict) {
			t.Fatalf("second completion: %v", err)
		}
		g, _ := f.victims.Get(ctx, v.File.ID)
		if _, err := f.victims.Close(ctx, v.File.ID, g.File.Version, "reintegrated", today); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("closing before identification: %v", err)
		}
		g, err = f.victims.Identify(ctx, v.File.ID, g.File.Version, victim.IdentifyInput{Status: victim.Victim, DecidedOn: today, DecidingBody: "Police", Grounds: []string{"person_statement"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.victims.Close(ctx, v.File.ID, g.File.Version, "reintegrated", today); err != nil {
			t.Fatal(err)
		}
		if _, err := f.victims.AddFollowUp(ctx, v.File.ID, victim.FollowUpInput{PlannedOn: today}); !ctip.IsKind(err, ctip.Conflict) {
			t.Fatalf("follow-up after closure: %v", err)
		}
	})
}

func TestEssentialClockStopsAtClosureAndExtension(t *testing.T) {
	start := ctip.NewDate(2026, 1, 1)
	today := ctip.NewDate(2026, 8, 1) // 213 days later
	open := &victim.File{EssentialStart: start}
	if c := victim.EssentialClockOf(open, today); !c.Over || c.LastDay != ctip.NewDate(2026, 4, 30) {
		t.Fatalf("open file beyond 120 days: %+v", c)
	}
	closed := &victim.File{EssentialStart: start, ClosedOn: ctip.NewDate(2026, 3, 1)}
	if c := victim.EssentialClockOf(closed, today); c.Over || c.Stopped != closed.ClosedOn || c.Used != 60 {
		t.Fatalf("closed file: %+v", c)
	}
	extended := &victim.File{EssentialStart: start, EssentialExt: "12/QĐ-SYT"}
	if c := victim.EssentialClockOf(extended, today); c.Over {
		t.Fatalf("extended beyond 120 days by a decision: %+v", c)
	}
}

// TestPseudonymOrderPastTenThousand: pseudonyms sort by (year, number), not
// as text — NN-2026-9999 before NN-2026-10000, and the year first
// (NN-2025-10000 before NN-2026-9999). The counter is set just below 10,000 in the
// store rather than receiving 10,000 people.
func TestPseudonymOrderPastTenThousand(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		for _, year := range []int{2025, 2026} {
			if _, err := db.Exec(ctx, `INSERT INTO counters (scope, year, value) VALUES ($1, $2, $3)`, person.PseudonymScope, year, 9998+2026-year); err != nil {
				t.Fatal(err)
			}
		}
		// A file of the previous year first, numbered 10000: still before
		// every file of 2026 (so not by length alone).
		f.clock.T = time.Date(2025, 12, 30, 2, 0, 0, 0, time.UTC)
		old := receive(t, f, "Lò Thị Một")
		f.clock.T = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
		var want []string
		want = append(want, old.File.Pseudonym)
		for _, name := range []string{"Lò Thị Hai", "Lò Thị Ba", "Lò Thị Bốn"} {
			want = append(want, receive(t, f, name).File.Pseudonym)
		}
		if want[0] != "NN-2025-10000" || want[1] != "NN-2026-9999" || want[2] != "NN-2026-10000" || want[3] != "NN-2026-10001" {
			t.Fatalf("pseudonyms %v", want)
		}
		for _, desc := range []bool{false, true} {
			page, err := f.victims.List(f.as("yte"), victim.Filter{}, ctip.PageRequest{Limit: 10, Sort: victim.SortPseudonym, Desc: desc})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, fl := range page.Items {
				got = append(got, fl.Pseudonym)
			}
			exp := slices.Clone(want)
			if desc {
				slices.Reverse(exp)
			}
			if !slices.Equal(got, exp) {
				t.Errorf("desc=%v: order %v, want %v", desc, got, exp)
			}
		}
	})
}

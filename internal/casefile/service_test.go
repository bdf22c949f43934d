package casefile_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/dbtest"
	"ctip/internal/geo"
	"ctip/internal/intake"
	"ctip/internal/legal"
	"ctip/internal/notify"
	"ctip/internal/store"
)

func TestMain(m *testing.M) {
	auth.ArgonMemory, auth.ArgonTime = 1024, 1
	dbtest.Main(m)
}

var places = geo.MustLoad()

type fx struct {
	t      *testing.T
	db     *store.DB
	svc    *casefile.Service
	intake *intake.Service
	cals   *casefile.Calendars
	clock  *ctip.FixedClock
	units  map[string]*auth.Unit
	users  map[string]*ctip.Actor
}

func (f *fx) as(name string) context.Context {
	return ctip.WithActor(context.Background(), f.users[name])
}

func setup(t *testing.T, db *store.DB, clock *ctip.FixedClock) *fx {
	t.Helper()
	f := &fx{t: t, db: db, clock: clock, units: map[string]*auth.Unit{}, users: map[string]*ctip.Actor{}}
	as := auth.New(db, clock)
	f.cals = &casefile.Calendars{Store: db, Clock: clock}
	f.intake = &intake.Service{Store: db, Directory: db, Places: places, Clock: clock, Policy: legal.DefaultPolicy(), Calendar: f.cals.Current}
	f.svc = &casefile.Service{Store: db, Directory: db, Intake: db, Places: places, Clock: clock, Policy: legal.DefaultPolicy(),
		Calendar: f.cals.Current, Settings: f.cals.Settings, Notify: &notify.Service{Store: db, Clock: clock}}
	f.cals.OnChange = func(ctx context.Context) error { _, err := f.svc.Recompute(ctx, db); return err }
	sys := ctip.WithActor(context.Background(), ctip.SystemActor("test"))
	for _, u := range []auth.UnitInput{
		{Code: "CAT", Name: "Công an tỉnh", Kind: ctip.UnitPolice},
		{Code: "PC02", Name: "Phòng Cảnh sát hình sự", Kind: ctip.UnitPolice, ParentCode: "CAT"},
		{Code: "CAX1", Name: "Công an xã Mường Nhé", Kind: ctip.UnitCommunePolice, ParentCode: "CAT", CommuneCode: "03160"},
		{Code: "VKS", Name: "Viện kiểm sát tỉnh", Kind: ctip.UnitProcuracy},
		{Code: "TA", Name: "Tòa án tỉnh", Kind: ctip.UnitCourt},
		{Code: "TA2", Name: "Tòa án khu vực 2", Kind: ctip.UnitCourt},
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
		{"truongcat", "CAT", []string{auth.RoleLeader}},
		{"truongpc02", "PC02", []string{auth.RoleLeader}},
		{"dtv1", "PC02", []string{auth.RoleInvestigator}},
		{"dtv2", "PC02", []string{auth.RoleInvestigator}},
		{"dtvxa", "CAX1", []string{auth.RoleInvestigator}},
		{"ksv", "VKS", []string{auth.RoleProcurator}},
		{"thamphan", "TA", []string{auth.RoleCourt}},
		{"thamphan2", "TA2", []string{auth.RoleCourt}},
		{"phantich", "CAT", []string{auth.RoleAnalyst}},
		{"quantri", "CAT", []string{auth.RoleAdmin}},
	} {
		usr, _, err := as.CreateUser(sys, auth.UserInput{Username: u.name, DisplayName: "Cán bộ " + u.name, UnitCode: u.unit, Roles: u.roles, Password: "Một mật khẩu đủ dài 2026"})
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.name] = auth.ActorFor(usr, f.units[u.unit])
	}
	return f
}

func each(t *testing.T, fn func(t *testing.T, f *fx)) {
	t.Helper()
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) {
			clock := &ctip.FixedClock{T: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Monday 2 Mar 2026, 09:00 in Vietnam
			fn(t, setup(t, dbtest.Open(t, e, dbtest.Options{Clock: clock}), clock))
		})
	}
}

func d(s string) ctip.Date {
	v, err := ctip.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func (f *fx) input(on string, charges ...legal.Charge) casefile.Input {
	if len(charges) == 0 {
		charges = []legal.Charge{{Article: "150", Clause: "2"}}
	}
	return casefile.Input{InstitutionNumber: "01/QĐ-CSHS", Signer: "Thượng tá Lường Văn Thắng", InstitutedOn: d(on), Charges: charges,
		Summary: "Đường dây đưa phụ nữ sang Trung Quốc bán", CommuneCode: "03160", ProcuracyUnitID: ctip.Some(f.units["VKS"].ID),
		OfficerIDs: []ctip.ID{f.users["dtv1"].UserID}}
}

func (f *fx) newCase(on string, charges ...legal.Charge) *casefile.Case {
	f.t.Helper()
	c, err := f.svc.Create(f.as("dtv1"), f.input(on, charges...))
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fx) do(who string, c *casefile.Case, act casefile.Action, in casefile.ActionInput) *casefile.View {
	f.t.Helper()
	v, err := f.svc.Get(f.as(who), c.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if in.DocumentNumber == "" {
		in.DocumentNumber = "QĐ-" + string(act)
	}
	if in.Signer == "" {
		in.Signer = "Người ký"
	}
	v, err = f.svc.Do(f.as(who), c.ID, v.Case.Version, act, in)
	if err != nil {
		f.t.Fatalf("%s by %s: %v", act, who, err)
	}
	*c = *v.Case
	return v
}

func key(err error) string {
	if ce, ok := err.(*ctip.Error); ok {
		if len(ce.Fields) > 0 {
			return ce.Fields[0].Field + ":" + ce.Fields[0].Key
		}
		return ce.Key
	}
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestInstituteFromIntakeLinksBothWays(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		it, err := f.intake.Create(f.as("dtv1"), intake.Input{Kind: "denunciation", Channel: "hotline", ReceivedAt: f.clock.Now().Add(-time.Hour),
			Summary: "Tố giác", CommuneCode: "03160", OffenceArticle: "150", Reporter: intake.ReporterInput{Anonymous: true}})
		if err != nil {
			t.Fatal(err)
		}
		in := f.input("2026-03-02")
		in.IntakeItemID = ctip.Some(it.ID)
		if _, err := f.svc.Create(f.as("dtv1"), in); key(err) != "intake_item_id:case.intake_not_prosecuted" {
			t.Fatalf("an undecided item: %v", err)
		}
		if _, err := f.intake.Do(f.as("dtv1"), it.ID, it.Version, intake.ActProsecute, intake.ActionInput{DocumentNumber: "01/QĐ-CSHS",
			DocumentDate: d("2026-03-02"), Signer: "Thượng tá"}); err != nil {
			t.Fatal(err)
		}
		// From another unit's investigator: not its item.
		if _, err := f.svc.Create(f.as("dtvxa"), in); key(err) != "intake_item_id:case.intake_unknown" {
			t.Errorf("another unit's item: %v", key(err))
		}
		c, err := f.svc.Create(f.as("dtv1"), in)
		if err != nil {
			t.Fatal(err)
		}
		if c.Reference != "VA-2026-000001" || c.Category != legal.VerySerious || c.Stage != casefile.Investigating {
			t.Fatalf("case %s %s %s", c.Reference, c.Category, c.Stage)
		}
		// RNT: 4 months from 2 Mar 2026 → 2 Jul 2026 (Art. 172).
		if c.CurrentDue != d("2026-07-02") {
			t.Errorf("investigation due %s", c.CurrentDue)
		}
		item, _ := f.db.GetItem(context.Background(), it.ID)
		if !item.CaseID.Valid || item.CaseID.ID != c.ID {
			t.Errorf("the item does not link to the case: %+v", item.CaseID)
		}
		evs, _ := f.db.ItemEvents(context.Background(), it.ID)
		if last := evs[len(evs)-1]; last.Action != "case_linked" || last.Detail != c.Reference {
			t.Errorf("intake timeline: %+v", last)
		}
		if _, err := f.svc.Create(f.as("dtv1"), in); key(err) != "intake_item_id:case.intake_has_case" {
			t.Errorf("a second case from the same item: %v", key(err))
		}
		v, err := f.svc.Get(f.as("dtv1"), c.ID)
		if err != nil || !v.Case.IntakeItemID.Valid || len(v.Case.Officers) != 1 || !v.Case.Officers[0].Lead {
			t.Fatalf("view %+v %v", v, err)
		}
	})
}

// TestBadInputWritesNothing: each refusal names the rule (and the article
// where one applies), and the case is unchanged.
func TestBadInputWritesNothing(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		for name, tc := range map[string]struct {
			charges []legal.Charge
			want    string
		}{
			"unknown article":           {[]legal.Charge{{Article: "999", Clause: "1"}}, "charges.0.article:legal.unknown_article"},
			"clause of another article": {[]legal.Charge{{Article: "348", Clause: "5"}}, "charges.0.clause:legal.unknown_clause"},
			"supplementary alone":       {[]legal.Charge{{Article: "153", Clause: "4"}}, "charges.0.clause:legal.clause_not_chargeable"},
			"none":                      {nil, ""},
		} {
			in := f.input("2026-03-02", tc.charges...)
			if tc.charges == nil {
				in.Charges = nil
				tc.want = "charges:legal.no_charges"
			}
			if _, err := f.svc.Create(f.as("dtv1"), in); key(err) != tc.want {
				t.Errorf("%s: %s, want %s", name, key(err), tc.want)
			}
		}
		if _, err := f.svc.Create(f.as("dtv1"), f.input("2026-03-09")); key(err) != "instituted_on:error.future" {
			t.Errorf("future: %v", key(err))
		}
		var n int
		f.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM cases`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d cases written by refused input", n)
		}

		c := f.newCase("2026-01-05", legal.Charge{Article: "348", Clause: "1"}) // NT: 3 m + 3 m + 2 m
		var audits, events int
		count := func() (int, int) {
			var a, e int
			f.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events`).Scan(&a)
			f.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM case_events`).Scan(&e)
			return a, e
		}
		audits, events = count()
		try := func(who string, act casefile.Action, in casefile.ActionInput, want string) {
			t.Helper()
			if in.DocumentNumber == "" {
				in.DocumentNumber = "x"
			}
			if in.Signer == "" {
				in.Signer = "y"
			}
			_, err := f.svc.Do(f.as(who), c.ID, c.Version, act, in)
			if got := key(err); got != want {
				t.Errorf("%s: %s, want %s", act, got, want)
			}
			if ce, ok := err.(*ctip.Error); ok && ce.Key == "case.transition_refused" && !strings.Contains(ce.Args[2].(ctip.Text).VI, "Điều") {
				t.Errorf("the refusal does not name the article: %v", ce.Args)
			}
			a, e := count()
			if want == "error.not_found" {
				audits++ // a denied read is audited
			}
			if a != audits || e != events {
				t.Errorf("%s: something was written (%d→%d audit, %d→%d events)", act, audits, a, events, e)
			}
			got, _ := f.svc.Get(f.as("dtv1"), c.ID)
			if got.Case.Version != c.Version {
				t.Errorf("%s: version moved", act)
			}
			audits, events = count()
		}
		// A decision dated before the institution.
		try("dtv1", casefile.ActExtendInvestigation, casefile.ActionInput{DocumentDate: d("2026-01-04"), Months: 3}, "document_date:case.date_before_previous")
		// An extension longer than the law allows for the category (NT: first ≤ 3 months).
		try("ksv", casefile.ActExtendInvestigation, casefile.ActionInput{DocumentDate: d("2026-03-01"), Months: 4}, "months:legal.investigation_extension_too_long")
		// Out of order: the procuracy cannot indict a case under investigation.
		try("ksv", casefile.ActIndict, casefile.ActionInput{DocumentDate: d("2026-03-01")}, "case.transition_refused")
		// Concluding without an accused.
		try("dtv1", casefile.ActConclude, casefile.ActionInput{DocumentDate: d("2026-03-01")}, "case.no_accused")
		// Suspending for an unidentified suspect before the limit ran out (Art. 229(1)(a)).
		try("dtv1", casefile.ActSuspend, casefile.ActionInput{DocumentDate: d("2026-03-01"), Ground: "suspect_unknown"}, "document_date:case.suspend_before_expiry")
		// Missing decision details.
		try("ksv", casefile.ActExtendInvestigation, casefile.ActionInput{Signer: "y", DocumentNumber: "x", Months: 1}, "document_date:error.required")
		// The court cannot act before it has the file; the procuracy not as the investigating body.
		try("thamphan", casefile.ActExtendInvestigation, casefile.ActionInput{DocumentDate: d("2026-03-01"), Months: 1}, "error.not_found")
		try("ksv", casefile.ActConclude, casefile.ActionInput{DocumentDate: d("2026-03-01")}, "error.forbidden")
		// Stale version.
		if _, err := f.svc.Do(f.as("ksv"), c.ID, c.Version-1, casefile.ActExtendInvestigation, casefile.ActionInput{DocumentNumber: "x", Signer: "y",
			DocumentDate: d("2026-03-01"), Months: 3}); key(err) != "error.stale" {
			t.Errorf("stale: %v", key(err))
		}
		// Two allowed extensions, then none (Art. 172: NT 3 m then 2 m).
		f.do("ksv", c, casefile.ActExtendInvestigation, casefile.ActionInput{DocumentDate: d("2026-03-01"), Months: 3})
		f.do("dtv1", c, casefile.ActExtendInvestigation, casefile.ActionInput{DocumentDate: d("2026-03-02"), Months: 2})
		if c.CurrentDue != d("2026-09-07") { // 5 Jan + 8 months = 5 Sep 2026, a Saturday → Monday 7 Sep
			t.Errorf("after the maximum extensions: %s", c.CurrentDue)
		}
		audits, events = count()
		try("ksv", casefile.ActExtendInvestigation, casefile.ActionInput{DocumentDate: d("2026-03-02"), Months: 1}, "case.extensions_exhausted")
	})
}

// TestWholeProcedure drives a case from institution to the final judgment
// through every kind of decision, with the return counters.
func TestWholeProcedure(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		c := f.newCase("2025-09-01")
		ctx := f.as("dtv1")
		// Accused with own charges; detention.
		v, err := f.svc.AddAccused(ctx, c.ID, c.Version, casefile.AccusedInput{Person: casefile.PersonInput{Name: "Vàng A Dế", Sex: "male", BirthYear: 1990, IDNumber: "011090001234"},
			Charges: []legal.Charge{{Article: "151", Clause: "2"}}, DocumentNumber: "02/QĐ-KTBC", DocumentDate: d("2025-09-02"), Signer: "Thượng tá"})
		if err != nil {
			t.Fatal(err)
		}
		// The accused's 151(2) is ĐBNT: the case becomes especially serious.
		if v.Case.Category != legal.EspeciallySerious || len(v.Accused) != 1 || v.Accused[0].Person.Name != "Vàng A Dế" {
			t.Fatalf("after charging: %s %+v", v.Case.Category, v.Accused)
		}
		acc := v.Accused[0]
		v, err = f.svc.AddMeasure(ctx, c.ID, v.Case.Version, casefile.MeasureInput{AccusedID: acc.ID, Type: "detention", StartOn: d("2025-09-02"),
			DocumentNumber: "03/LTG", DocumentDate: d("2025-09-02"), Signer: "Thượng tá"})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Measures) != 1 || v.Measures[0].Due != d("2025-12-30") { // 120 days, start day counted
			t.Fatalf("detention %+v", v.Measures[0])
		}
		_, err = f.svc.MeasureAction(f.as("ksv"), c.ID, v.Case.Version, v.Measures[0].ID, casefile.MeasureExtend, casefile.ActionInput{
			DocumentNumber: "01/VKS", DocumentDate: d("2025-12-20"), Signer: "KSV", Months: 5})
		if key(err) != "months:legal.detention_extension_too_long" {
			t.Errorf("a 5-month detention extension: %v", key(err))
		}
		v, err = f.svc.MeasureAction(f.as("ksv"), c.ID, v.Case.Version, v.Measures[0].ID, casefile.MeasureExtend, casefile.ActionInput{
			DocumentNumber: "01/VKS", DocumentDate: d("2025-12-20"), Signer: "KSV", Months: 4})
		if err != nil {
			t.Fatal(err)
		}
		*c = *v.Case
		f.do("ksv", c, casefile.ActExtendInvestigation, casefile.ActionInput{DocumentDate: d("2025-12-20"), Months: 4})
		v, err = f.svc.AddParty(ctx, c.ID, c.Version, casefile.PartyInput{Role: "victim", Person: casefile.PersonInput{Name: "Lò Thị Mai", Sex: "female", BirthYear: 2008},
			Rescued: true, RescuedOn: d("2025-09-01")})
		if err != nil {
			t.Fatal(err)
		}
		*c = *v.Case
		f.do("dtv1", c, casefile.ActConclude, casefile.ActionInput{DocumentDate: d("2026-02-01"), ReceivedOn: d("2026-02-03")})
		if c.Stage != casefile.Prosecution || c.CurrentDue != d("2026-03-05") { // 30 days from 3 Feb
			t.Fatalf("prosecution: %s %s", c.Stage, c.CurrentDue)
		}
		if c.Dues[legal.StageInvestigation].IsZero() {
			t.Error("the investigation limit is forgotten")
		}
		f.do("ksv", c, casefile.ActReturnProcuracy, casefile.ActionInput{DocumentDate: d("2026-02-05")})
		f.do("dtv1", c, casefile.ActConclude, casefile.ActionInput{DocumentDate: d("2026-02-06")})
		f.do("ksv", c, casefile.ActReturnProcuracy, casefile.ActionInput{DocumentDate: d("2026-02-07")})
		if c.ReturnsProcuracy != 2 || c.ClockKind != legal.StageSupplementaryInvestigation {
			t.Fatalf("returns %d clock %s", c.ReturnsProcuracy, c.ClockKind)
		}
		f.do("dtv1", c, casefile.ActConclude, casefile.ActionInput{DocumentDate: d("2026-02-08")})
		_, err = f.svc.Do(f.as("ksv"), c.ID, c.Version, casefile.ActReturnProcuracy, casefile.ActionInput{DocumentNumber: "x", Signer: "y", DocumentDate: d("2026-02-09")})
		if key(err) != "case.returns_exhausted" {
			t.Errorf("a third procuracy return: %v", key(err))
		}
		// Before the indictment the court sees nothing.
		if _, err := f.svc.Get(f.as("thamphan"), c.ID); !ctip.IsKind(err, ctip.NotFound) {
			t.Errorf("court before indictment: %v", err)
		}
		f.do("ksv", c, casefile.ActIndict, casefile.ActionInput{DocumentDate: d("2026-02-09"), CourtUnitID: ctip.Some(f.units["TA"].ID)})
		if _, err := f.svc.Get(f.as("thamphan2"), c.ID); !ctip.IsKind(err, ctip.NotFound) {
			t.Errorf("another court: %v", err)
		}
		f.do("thamphan", c, casefile.ActAccept, casefile.ActionInput{DocumentDate: d("2026-02-10")})
		if c.ClockKind != legal.StageTrialPreparation || c.CurrentDue != d("2026-05-11") { // 3 months from 10 Feb → 10 May (Sunday) → 11 May
			t.Errorf("trial preparation %s %s", c.ClockKind, c.CurrentDue)
		}
		f.do("thamphan", c, casefile.ActReturnJudge, casefile.ActionInput{DocumentDate: d("2026-02-10")})
		f.do("dtv1", c, casefile.ActConclude, casefile.ActionInput{DocumentDate: d("2026-02-10")})
		if c.Stage != casefile.Indicted {
			t.Fatalf("after a judge's return the file goes back to the court: %s", c.Stage)
		}
		f.do("thamphan", c, casefile.ActAccept, casefile.ActionInput{DocumentDate: d("2026-02-10")})
		if c.ClockKind != legal.StageTrialDecisionAfterReturn || c.CurrentDue != d("2026-02-25") {
			t.Errorf("15 days after a return: %s %s", c.ClockKind, c.CurrentDue)
		}
		f.do("thamphan", c, casefile.ActBringToTrial, casefile.ActionInput{DocumentDate: d("2026-02-10"), HearingOn: d("2026-02-20")})
		f.do("thamphan", c, casefile.ActPostponeHearing, casefile.ActionInput{DocumentDate: d("2026-02-10")})
		if c.CurrentDue != d("2026-03-12") {
			t.Errorf("hearing within 30 days: %s", c.CurrentDue)
		}
		_, err = f.svc.Do(f.as("thamphan"), c.ID, c.Version, casefile.ActJudge, casefile.ActionInput{DocumentNumber: "x", Signer: "y", DocumentDate: d("2026-02-10")})
		if key(err) != "verdicts.0.verdict:case.verdict_required" {
			t.Errorf("a judgment without verdicts: %v", key(err))
		}
		v = f.do("thamphan", c, casefile.ActJudge, casefile.ActionInput{DocumentDate: d("2026-02-10"),
			Verdicts: []casefile.VerdictInput{{AccusedID: acc.ID, Verdict: "convicted", SentenceType: "prison", SentenceMonths: 180}}})
		if v.Accused[0].Verdict != "convicted" || v.Accused[0].SentenceMonths != 180 || c.ClockKind != "" {
			t.Errorf("judgment %+v", v.Accused[0])
		}
		f.do("thamphan", c, casefile.ActAppeal, casefile.ActionInput{DocumentDate: d("2026-02-10")})
		v = f.do("thamphan", c, casefile.ActFinalize, casefile.ActionInput{DocumentDate: d("2026-02-10")})
		if c.Stage != casefile.Final || len(v.Allowed) != 0 {
			t.Errorf("final: %s %v", c.Stage, v.Allowed)
		}
		var actions []string
		for _, e := range v.Events {
			actions = append(actions, e.Action)
			if e.Action != "institute" && e.Action != "party_victim" && (e.DocumentNumber == "" || e.DocumentDate.IsZero() || e.Body == "") {
				t.Errorf("event %s lacks who/body/number/date: %+v", e.Action, e)
			}
		}
		if got := strings.Join(actions, " "); !strings.Contains(got, "institute charge measure_detention measure_extend extend_investigation party_victim conclude measure_ended_with_stage return_procuracy") {
			t.Errorf("timeline %s", got)
		}
	})
}

func TestScopeAndAudit(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		c := f.newCase("2026-03-02")
		for who, visible := range map[string]bool{"dtv1": true, "dtv2": true, "truongpc02": true, "truongcat": true, "ksv": true,
			"dtvxa": false, "thamphan": false} {
			_, err := f.svc.Get(f.as(who), c.ID)
			if (err == nil) != visible {
				t.Errorf("%s sees the case: %v", who, err)
			}
			if !visible && !ctip.IsKind(err, ctip.NotFound) {
				t.Errorf("%s: %v, want NotFound", who, err)
			}
		}
		var denied int
		f.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE action = 'case.access_denied'`).Scan(&denied)
		if denied != 2 {
			t.Errorf("%d denied reads audited, want 2", denied)
		}
		if _, err := f.svc.Get(f.as("phantich"), c.ID); !ctip.IsKind(err, ctip.NotFound) {
			t.Errorf("analyst: %v", err)
		}
		if _, err := f.svc.List(f.as("phantich"), "", casefile.Filter{}, ctip.PageRequest{}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("analyst list: %v", err)
		}
		for who, n := range map[string]int{"dtv1": 1, "dtvxa": 0, "ksv": 1, "truongcat": 1} {
			page, err := f.svc.List(f.as(who), casefile.ViewAll, casefile.Filter{}, ctip.PageRequest{})
			if err != nil || page.Total != n {
				t.Errorf("%s lists %d (%v), want %d", who, page.Total, err, n)
			}
		}
		// The commune police may not institute in the provincial unit's name, and the procuracy not at all.
		if _, err := f.svc.Create(f.as("ksv"), f.input("2026-03-02")); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("procurator creates: %v", err)
		}
		// Reference numbers per unit and year.
		c2 := f.newCase("2026-03-01")
		if c2.Reference != "VA-2026-000002" {
			t.Errorf("second reference %s", c2.Reference)
		}
		c3, err := f.svc.Create(f.as("dtvxa"), casefile.Input{InstitutionNumber: "1", Signer: "x", InstitutedOn: d("2025-12-30"),
			Charges: []legal.Charge{{Article: "150", Clause: "1"}}, Summary: "s"})
		if err != nil || c3.Reference != "VA-2025-000001" {
			t.Errorf("another unit's first case %v %v", c3, err)
		}
		// Encryption at rest: the summary is not stored in clear.
		var raw []byte
		f.db.QueryRow(context.Background(), `SELECT summary FROM cases WHERE id = $1`, c.ID).Scan(&raw)
		if strings.Contains(string(raw), "Trung Quốc") {
			t.Error("summary stored in clear")
		}
	})
}

func TestKeyCase(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		c := f.newCase("2026-03-02")
		if _, err := f.svc.Key(f.as("dtv1"), c.ID, c.Version, "propose", "Đường dây lớn"); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("investigator without case.key: %v", err)
		}
		if _, err := f.svc.Key(f.as("truongpc02"), c.ID, c.Version, "propose", ""); key(err) != "reason:error.required" {
			t.Errorf("no reason: %v", key(err))
		}
		v, err := f.svc.Key(f.as("truongpc02"), c.ID, c.Version, "propose", "Đường dây lớn, nhiều nạn nhân")
		if err != nil {
			t.Fatal(err)
		}
		if v.Case.KeyStatus() != casefile.KeyProposed {
			t.Fatalf("status %s", v.Case.KeyStatus())
		}
		v, err = f.svc.Key(f.as("ksv"), c.ID, v.Case.Version, "agree", "")
		if err != nil || v.Case.KeyStatus() != casefile.KeyAgreed {
			t.Fatalf("agreed: %v %s", err, v.Case.KeyStatus())
		}
		// A key case's clock carries the internal target: half of the limit.
		var target ctip.Date
		for _, k := range v.Clocks {
			if k.Kind == "investigation" {
				target = k.Target
			}
		}
		if target != d("2026-05-02") { // 2 Mar → 2 Jul is 122 days; half is 61 → 2 May
			t.Errorf("internal target %s", target)
		}
		page, _ := f.svc.List(f.as("ksv"), casefile.ViewKey, casefile.Filter{}, ctip.PageRequest{})
		if page.Total != 1 {
			t.Errorf("key board %d", page.Total)
		}
		if _, err := f.svc.Key(f.as("ksv"), c.ID, v.Case.Version, "withdraw", ""); key(err) != "case.key_withdraw_refused" {
			t.Errorf("withdraw by another body: %v", key(err))
		}
	})
}

func TestRemindersOnceAcrossRuns(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		c := f.newCase("2025-11-05") // RNT → 5 Mar 2026 (Thursday): 3 days left on 2 Mar
		n, err := f.svc.Remind(context.Background(), f.db)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 { // the officer and the unit's leader
			t.Fatalf("%d notifications, want 2", n)
		}
		for i := 0; i < 2; i++ { // another run, another instance: nothing new
			if n, _ := f.svc.Remind(context.Background(), f.db); n != 0 {
				t.Errorf("run %d added %d", i+2, n)
			}
		}
		ns, _ := f.db.ListNotifications(context.Background(), f.users["dtv1"].UserID, true, ctip.PageRequest{Limit: 10})
		if ns.Total != 1 || ns.Items[0].Key != "case.notify.investigation" || ns.Items[0].Args[0] != c.Reference || ns.Items[0].Args[2] != "3" {
			t.Errorf("notification %+v", ns.Items)
		}
		// An extension gives a new last day, notified again when it nears.
		f.do("ksv", c, casefile.ActExtendInvestigation, casefile.ActionInput{DocumentDate: d("2026-03-02"), Months: 4})
		if n, _ := f.svc.Remind(context.Background(), f.db); n != 0 {
			t.Errorf("after the extension: %d", n)
		}
		f.clock.T = time.Date(2026, 6, 26, 2, 0, 0, 0, time.UTC)
		if n, _ := f.svc.Remind(context.Background(), f.db); n != 2 {
			t.Errorf("near the new limit: %d", n)
		}
		// Settings change the lead time.
		if err := f.cals.SaveSettings(f.as("quantri"), casefile.Settings{ReminderDays: map[string]int{"investigation": 61}, KeyTargetPercent: 50}); key(err) != "remind.investigation:case.reminder_range" {
			t.Errorf("61 days: %v", key(err))
		}
	})
}

func TestCalendarChangeRecomputes(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		c := f.newCase("2026-03-02") // → 2 Jul 2026, a Thursday
		if c.CurrentDue != d("2026-07-02") {
			t.Fatalf("due %s", c.CurrentDue)
		}
		if err := f.cals.PutDay(f.as("dtv1"), d("2026-07-02"), legal.AnnouncedDayOff, "x"); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("an investigator edits the calendar: %v", err)
		}
		if err := f.cals.PutDay(f.as("quantri"), d("2026-07-02"), legal.AnnouncedDayOff, "Nghỉ bù"); err != nil {
			t.Fatal(err)
		}
		v, _ := f.svc.Get(f.as("dtv1"), c.ID)
		if v.Case.CurrentDue != d("2026-07-03") {
			t.Errorf("after the announced day off: %s", v.Case.CurrentDue)
		}
		days, _ := f.cals.Days(f.as("quantri"))
		if len(days) != 1 || days[0].Note != "Nghỉ bù" {
			t.Errorf("days %+v", days)
		}
		if err := f.cals.DeleteDay(f.as("quantri"), d("2026-07-02")); err != nil {
			t.Fatal(err)
		}
		v, _ = f.svc.Get(f.as("dtv1"), c.ID)
		if v.Case.CurrentDue != d("2026-07-02") {
			t.Errorf("after removing it: %s", v.Case.CurrentDue)
		}
	})
}

func TestCampaignSummary(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		f.clock.T = time.Date(2022, 10, 5, 2, 0, 0, 0, time.UTC)
		cp, err := f.svc.CreateCampaign(f.as("truongcat"), casefile.CampaignInput{Name: "Cao điểm tấn công trấn áp tội phạm mua bán người 2022",
			StartsOn: d("2022-07-01"), EndsOn: d("2022-09-30"), Targets: casefile.Tally{Cases: 4, Rings: 1, Rescued: 2}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateCampaign(f.as("dtv1"), casefile.CampaignInput{Name: "x"}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("investigator creates a campaign: %v", err)
		}
		in := f.input("2022-07-15")
		in.Ring = true
		c, err := f.svc.Create(f.as("dtv1"), in)
		if err != nil {
			t.Fatal(err)
		}
		f.newCase("2022-10-01") // outside the window
		if _, err := f.svc.AddParty(f.as("dtv1"), c.ID, c.Version, casefile.PartyInput{Role: "victim", Person: casefile.PersonInput{Name: "N"},
			Rescued: true, RescuedOn: d("2022-07-20")}); err != nil {
			t.Fatal(err)
		}
		sum, err := f.svc.CampaignSummary(f.as("phantich"), cp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Actual.Cases != 1 || sum.Actual.Rings != 1 || sum.Actual.Rescued != 1 || sum.Scope != "province" || sum.Rows[1].Percent != 25 {
			t.Errorf("summary %+v %+v", sum.Actual, sum.Rows)
		}
		page, err := f.svc.List(f.as("ksv"), casefile.ViewAll, casefile.Filter{CampaignID: ctip.Some(cp.ID)}, ctip.PageRequest{})
		if err != nil || page.Total != 1 {
			t.Errorf("campaign window filter: %d %v", page.Total, err)
		}
		b, err := f.svc.Board(f.as("ksv"), casefile.ViewAll, casefile.Filter{})
		if err != nil || b.Counts.ByStage[casefile.Investigating] != 2 || b.ByHolder[casefile.BodyInvestigating] != 2 || len(b.Units) != 1 || len(b.Officers) != 1 || b.Officers[0].Open != 2 {
			t.Errorf("board %+v %v", b, err)
		}
	})
}

// TestDecisionsInDateOrder: a decision cannot be dated before the case's
// latest stage decision — a 2nd extension of the investigation dated before
// the 1st is refused naming the rule and the earlier decision (review
// finding 12; it used to be checked against the stage's start only).
func TestDecisionsInDateOrder(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		c := f.newCase("2026-01-05", legal.Charge{Article: "348", Clause: "1"}) // NT: 3 m + 3 m + 2 m
		v, err := f.svc.Do(f.as("ksv"), c.ID, c.Version, casefile.ActExtendInvestigation,
			casefile.ActionInput{DocumentNumber: "01/VKS-GH", DocumentDate: d("2026-02-25"), Signer: "y", Months: 3})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Do(f.as("ksv"), c.ID, v.Case.Version, casefile.ActExtendInvestigation,
			casefile.ActionInput{DocumentNumber: "02/VKS-GH", DocumentDate: d("2026-02-20"), Signer: "y", Months: 2})
		ce, ok := err.(*ctip.Error)
		if key(err) != "document_date:case.date_before_last_decision" || !ok || len(ce.Fields) != 1 ||
			ce.Fields[0].Args[1] != "01/VKS-GH" || !strings.Contains(ce.Fields[0].Args[2].(ctip.Text).EN, "CPC Art. 172") {
			t.Fatalf("2nd extension dated before the 1st: %v", err)
		}
		if _, err := f.svc.Do(f.as("ksv"), c.ID, v.Case.Version, casefile.ActExtendInvestigation,
			casefile.ActionInput{DocumentNumber: "02/VKS-GH", DocumentDate: d("2026-02-25"), Signer: "y", Months: 2}); err != nil {
			t.Errorf("2nd extension on the day of the 1st: %v", err)
		}
	})
}

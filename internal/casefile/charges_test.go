package casefile_test

import (
	"context"
	"slices"
	"testing"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/legal"
)

func TestFitExtensions(t *testing.T) {
	pol, cal := legal.DefaultPolicy(), legal.NewCalendar()
	start := d("2026-01-05")
	rule := func(st legal.Stage, cat legal.Category) legal.TimeRule {
		r, err := legal.DefaultProcedure().Rule(pol, start, st, cat)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, tc := range []struct {
		name    string
		r       legal.TimeRule
		granted []legal.Period
		want    []legal.Period
		trimmed bool
	}{
		// Investigation, Art. 172: ĐBNT 3 × 4 m; ÍNT 1 × 2 m.
		{"fits", rule(legal.StageInvestigation, legal.EspeciallySerious), []legal.Period{legal.Months(4), legal.Months(2)}, []legal.Period{legal.Months(4), legal.Months(2)}, false},
		{"too many and too long", rule(legal.StageInvestigation, legal.LessSerious), []legal.Period{legal.Months(4), legal.Months(4)}, []legal.Period{legal.Months(2)}, true},
		// Detention, Art. 173: RNT 1 × 3 m; NT 1 × 2 m.
		{"detention shortened", rule(legal.StageDetention, legal.Serious), []legal.Period{legal.Months(3)}, []legal.Period{legal.Months(2)}, true},
		{"none", rule(legal.StageDetention, legal.Serious), nil, nil, false},
	} {
		got, trimmed := casefile.FitExtensions(tc.r, pol, cal, start, tc.granted)
		if !slices.Equal(got, tc.want) || trimmed != tc.trimmed {
			t.Errorf("%s: %v %v, want %v %v", tc.name, got, trimmed, tc.want, tc.trimmed)
		}
	}
}

func TestChargeDetailRoundTrip(t *testing.T) {
	in := casefile.ChargeDetail{Charges: []legal.Charge{{Article: "150", Clause: "2", Point: "c"}, {Article: "348", Clause: "1"}},
		From: legal.Serious, To: legal.EspeciallySerious, Clocks: []casefile.ClockChange{
			{Kind: "investigation", Old: d("2026-04-06"), New: d("2026-05-05"), Basis: "BLTTHS Điều 172", BasisEN: "CPC Art. 172"},
			{Kind: "detention", Old: d("2026-07-01"), New: d("2026-06-01"), Basis: "BLTTHS Điều 173", BasisEN: "CPC Art. 173", Trimmed: true}}}
	out := casefile.ParseChargeDetail(in.Format())
	if !slices.Equal(out.Charges, in.Charges) || out.From != in.From || out.To != in.To || !slices.Equal(out.Clocks, in.Clocks) {
		t.Errorf("round trip: %+v", out)
	}
}

// TestChangeCharges: supplementing the case's decision (Art. 156) and
// changing an accused's (Art. 180) recompute the category, the running
// clocks (with their basis on the timeline), trim a detention extension the
// new category no longer allows, notify the other body in the same
// transaction, and refuse bad input writing nothing.
func TestChangeCharges(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		pol, cal := legal.DefaultPolicy(), f.cals.Current()
		c := f.newCase("2026-01-05", legal.Charge{Article: "348", Clause: "1"}) // NT
		v, err := f.svc.AddAccused(f.as("dtv1"), c.ID, c.Version, casefile.AccusedInput{Person: casefile.PersonInput{Name: "Vàng A Dế"},
			Charges: []legal.Charge{{Article: "150", Clause: "1"}}, DocumentNumber: "02/QĐ-KTBC", DocumentDate: d("2026-01-06"), Signer: "Thượng tá"})
		if err != nil {
			t.Fatal(err)
		}
		acc := v.Accused[0].ID
		v, err = f.svc.AddMeasure(f.as("dtv1"), c.ID, v.Case.Version, casefile.MeasureInput{AccusedID: acc, Type: "detention", StartOn: d("2026-01-06"),
			DocumentNumber: "03/LTG", DocumentDate: d("2026-01-06"), Signer: "Thượng tá"})
		if err != nil {
			t.Fatal(err)
		}
		m := v.Measures[0].ID
		// RNT detention (the accused's 150(1)): 4 months, extended by 3 (Art. 173).
		v, err = f.svc.MeasureAction(f.as("ksv"), c.ID, v.Case.Version, m, casefile.MeasureExtend, casefile.ActionInput{DocumentNumber: "04/VKS",
			DocumentDate: d("2026-03-02"), Signer: "Kiểm sát viên", Months: 3})
		if err != nil {
			t.Fatal(err)
		}
		if v.Case.Category != legal.VerySerious {
			t.Fatalf("category with the accused's charge: %s", v.Case.Category)
		}
		ver := v.Case.Version
		events := func() int { // refused attempts to see the case are audited; nothing else is written
			var n int
			f.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM case_events`).Scan(&n)
			return n
		}
		before := events()

		// Bad input: each refusal names the field and the rule; nothing written.
		base := casefile.ChargeInput{Op: casefile.ChargeSupplement, Charges: []legal.Charge{{Article: "348", Clause: "1"}}, DocumentNumber: "05/QĐ-BSKT",
			DocumentDate: d("2026-03-02"), Signer: "Thượng tá", Reason: "Còn có hành vi phạm tội khác"}
		for name, tc := range map[string]struct {
			who  string
			edit func(in *casefile.ChargeInput)
			want string
		}{
			"already in force": {"dtv1", func(in *casefile.ChargeInput) {}, "charges.0.clause:case.charge_in_force"},
			"unchanged":        {"dtv1", func(in *casefile.ChargeInput) { in.Op = casefile.ChargeChange }, "charges:case.charges_unchanged"},
			"unknown clause":   {"dtv1", func(in *casefile.ChargeInput) { in.Charges = []legal.Charge{{Article: "150", Clause: "9"}} }, "charges.0.clause:legal.unknown_clause"},
			"no reason":        {"dtv1", func(in *casefile.ChargeInput) { in.Reason = " " }, "reason:error.required"},
			"before institution": {"dtv1", func(in *casefile.ChargeInput) { in.DocumentDate = d("2026-01-04") },
				"document_date:case.date_before_previous"},
			"unknown op":          {"dtv1", func(in *casefile.ChargeInput) { in.Op = "replace" }, "op:error.choice"},
			"court":               {"thamphan", func(in *casefile.ChargeInput) {}, "error.not_found"},
			"another unit":        {"dtvxa", func(in *casefile.ChargeInput) {}, "error.not_found"},
			"accused not in case": {"dtv1", func(in *casefile.ChargeInput) { in.AccusedID = ctip.Some(ctip.NewID()) }, "error.not_found"},
		} {
			in := base
			in.Charges = slices.Clone(base.Charges)
			tc.edit(&in)
			if _, err := f.svc.ChangeCharges(f.as(tc.who), c.ID, ver, in); key(err) != tc.want {
				t.Errorf("%s: %s, want %s", name, key(err), tc.want)
			}
		}
		if _, err := f.svc.ChangeCharges(f.as("dtv1"), c.ID, ver-1, casefile.ChargeInput{Op: casefile.ChargeSupplement,
			Charges: []legal.Charge{{Article: "150", Clause: "2"}}, DocumentNumber: "x", DocumentDate: d("2026-03-02"), Signer: "y", Reason: "z"}); key(err) != "error.stale" {
			t.Errorf("stale version: %v", key(err))
		}
		if n := events(); n != before {
			t.Errorf("%d case events written by refused input", n-before)
		}

		// The investigator supplements the case's decision with 150(3) (ĐBNT):
		// the case is especially serious and the procuracy is told.
		in := base
		in.Charges = []legal.Charge{{Article: "150", Clause: "3"}}
		v, err = f.svc.ChangeCharges(f.as("dtv1"), c.ID, ver, in)
		if err != nil {
			t.Fatal(err)
		}
		if v.Case.Category != legal.EspeciallySerious || len(v.Case.Charges) != 2 {
			t.Fatalf("after the supplement: %s %v", v.Case.Category, v.Case.Charges)
		}
		// ĐBNT and RNT both start at 4 months: the investigation limit stays (Art. 172).
		want, _ := legal.Investigation(pol, cal, legal.EspeciallySerious, d("2026-01-05"))
		if v.Case.CurrentDue != want.Due {
			t.Errorf("investigation due %s, want %s", v.Case.CurrentDue, want.Due)
		}
		last := v.Events[len(v.Events)-1]
		if last.Action != "supplement_charges" || last.Body != casefile.BodyInvestigating || last.Note != in.Reason || last.DocumentNumber != "05/QĐ-BSKT" {
			t.Errorf("timeline: %+v", last)
		}
		if det := last.ChargeDetail(); det == nil || det.From != legal.VerySerious || det.To != legal.EspeciallySerious || len(det.Charges) != 2 {
			t.Errorf("detail: %+v", det)
		}
		ns, _ := f.db.ListNotifications(context.Background(), f.users["ksv"].UserID, true, ctip.PageRequest{Limit: 10})
		if ns.Total != 1 || ns.Items[0].Key != "case.notify.charges_investigating_body" || ns.Items[0].Args[0] != c.Reference || ns.Items[0].Args[3] != "BLTTHS Điều 156" {
			t.Errorf("procuracy notifications: %+v", ns.Items)
		}

		// Back to the case's own charge: the case follows the accused (RNT).
		v, err = f.svc.ChangeCharges(f.as("dtv1"), c.ID, v.Case.Version, casefile.ChargeInput{Op: casefile.ChargeChange,
			Charges: []legal.Charge{{Article: "348", Clause: "1"}}, DocumentNumber: "06/QĐ-TĐKT", DocumentDate: d("2026-03-02"), Signer: "Thượng tá", Reason: "Không phạm tội mua bán người"})
		if err != nil {
			t.Fatal(err)
		}
		if v.Case.Category != legal.VerySerious || len(v.Case.Charges) != 1 {
			t.Fatalf("after the change: %s %v", v.Case.Category, v.Case.Charges)
		}

		// The procurator changes the accused's charge to 348(1) (NT): the
		// case becomes serious (3 months), the detention keeps only the
		// 2-month extension NT allows (Art. 173), and the investigators and
		// their leader are told.
		v, err = f.svc.ChangeCharges(f.as("ksv"), c.ID, v.Case.Version, casefile.ChargeInput{Op: casefile.ChargeChange, AccusedID: ctip.Some(acc),
			Charges: []legal.Charge{{Article: "348", Clause: "1"}}, DocumentNumber: "07/VKS", DocumentDate: d("2026-03-02"), Signer: "Viện trưởng", Reason: "Hành vi không cấu thành tội mua bán người"})
		if err != nil {
			t.Fatal(err)
		}
		if v.Case.Category != legal.Serious || v.Accused[0].Category != legal.Serious {
			t.Fatalf("after the accused's change: case %s accused %s", v.Case.Category, v.Accused[0].Category)
		}
		wantInv, _ := legal.Investigation(pol, cal, legal.Serious, d("2026-01-05"))
		wantDet, _ := legal.Detention(pol, legal.Serious, d("2026-01-06"), legal.Months(2))
		if v.Case.CurrentDue != wantInv.Due || v.Measures[0].Due != wantDet.Due || !slices.Equal(v.Measures[0].Ext, []legal.Period{legal.Months(2)}) {
			t.Errorf("clocks: investigation %s (want %s), detention %s (want %s) %v", v.Case.CurrentDue, wantInv.Due, v.Measures[0].Due, wantDet.Due, v.Measures[0].Ext)
		}
		last = v.Events[len(v.Events)-1]
		det := last.ChargeDetail()
		if last.Action != "change_charges" || !last.AccusedID.Valid || last.Body != casefile.BodyProcuracy || det.From != legal.VerySerious || det.To != legal.Serious {
			t.Fatalf("timeline: %+v %+v", last, det)
		}
		kinds := map[string]casefile.ClockChange{}
		for _, k := range det.Clocks {
			kinds[k.Kind] = k
		}
		if k := kinds["investigation"]; k.New != wantInv.Due || k.Basis != "BLTTHS Điều 172" || k.Old.IsZero() {
			t.Errorf("investigation change: %+v", k)
		}
		if k := kinds["detention"]; k.New != wantDet.Due || !k.Trimmed || k.Basis == "" {
			t.Errorf("detention change: %+v", k)
		}
		for _, who := range []string{"dtv1", "truongpc02"} {
			ns, _ := f.db.ListNotifications(context.Background(), f.users[who].UserID, true, ctip.PageRequest{Limit: 10})
			if ns.Total != 1 || ns.Items[0].Key != "case.notify.charges_procuracy" || ns.Items[0].Args[3] != "BLTTHS Điều 180" {
				t.Errorf("%s notifications: %+v", who, ns.Items)
			}
		}

		// After the conclusion the investigating body may no longer change
		// the charges; the procuracy still may (prosecution).
		cv := v.Case
		f.do("dtv1", cv, casefile.ActConclude, casefile.ActionInput{DocumentDate: d("2026-03-02")})
		if _, err := f.svc.ChangeCharges(f.as("dtv1"), c.ID, cv.Version, base); key(err) != "error.forbidden" && key(err) != "case.charges_stage" {
			t.Errorf("investigator in prosecution: %v", key(err))
		}
		sup := base
		sup.Charges = []legal.Charge{{Article: "150", Clause: "1"}}
		if _, err := f.svc.ChangeCharges(f.as("ksv"), c.ID, cv.Version, sup); err != nil {
			t.Errorf("procurator in prosecution: %v", err)
		}
	})
}

// TestChargesStageCitesInTheMessageLanguage: the refusal at a stage that
// allows no change of charges cites CPC Arts 156, 180 in each language (was
// the Vietnamese citation in the English UI too).
func TestChargesStageCitesInTheMessageLanguage(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		a := ctip.ActorFrom(f.as("ksv"))
		_, err := casefile.ChargeBody(a, &casefile.Case{Stage: casefile.TrialPreparation})
		ce, ok := err.(*ctip.Error)
		if !ok || ce.Key != "case.charges_stage" || len(ce.Args) != 1 || ce.Args[0] != (ctip.Text{VI: "BLTTHS Điều 156, 180", EN: "CPC Arts 156, 180"}) {
			t.Fatalf("charges at trial preparation: %#v", err)
		}
	})
}

package casefile_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/legal"
	"ctip/internal/notify"
)

// TestStageDetentionRules: entering prosecution or trial preparation ends
// the earlier stage's detention (marked EndedByStage) and the accused needs
// the new body's order until a measure of theirs runs (pure rules).
func TestStageDetentionRules(t *testing.T) {
	x, y := ctip.NewID(), ctip.NewID()
	accused := []*casefile.Accused{{ID: x, Status: casefile.AccusedActive}, {ID: y, Status: casefile.AccusedActive}}
	det := &casefile.Measure{ID: ctip.NewID(), AccusedID: x, Type: casefile.Detention, StartOn: d("2026-01-06")}
	bail := &casefile.Measure{ID: ctip.NewID(), AccusedID: y, Type: casefile.Bail, StartOn: d("2026-01-06")}
	ms := []*casefile.Measure{det, bail}
	// Not into a stage of its own: nothing ends (supplementary investigation, hearing).
	for _, st := range []casefile.Stage{casefile.Supplementary, casefile.Indicted, casefile.TrialScheduled} {
		if got := casefile.EndDetentionsWithStage(st, d("2026-02-10"), ms); len(got) != 0 || !det.Running() {
			t.Errorf("into %s: ended %v", st, got)
		}
	}
	got := casefile.EndDetentionsWithStage(casefile.Prosecution, d("2026-02-10"), ms)
	if len(got) != 1 || got[0] != det || det.EndedOn != d("2026-02-10") || det.EndedBy != casefile.EndedByStage || !bail.Running() {
		t.Fatalf("into prosecution: %v, detention %+v, bail %+v", got, det, bail)
	}
	c := &casefile.Case{Stage: casefile.Prosecution, StageSince: d("2026-02-10")}
	if need := casefile.DetentionOrderNeeded(c, accused, ms); !slices.Equal(need, []ctip.ID{x}) {
		t.Errorf("needed %v, want only the detained accused", need)
	}
	// Still needed in the Indicted stage? No: only in the stage whose body orders it.
	if need := casefile.DetentionOrderNeeded(&casefile.Case{Stage: casefile.Supplementary, StageSince: d("2026-02-10")}, accused, ms); len(need) != 0 {
		t.Errorf("supplementary: %v", need)
	}
	// An accused no longer active needs nothing.
	accused[0].Status = casefile.AccusedSuspended
	if need := casefile.DetentionOrderNeeded(c, accused, ms); len(need) != 0 {
		t.Errorf("suspended accused: %v", need)
	}
	accused[0].Status = casefile.AccusedActive
	// The procuracy's order (or any measure) clears the state.
	pd := &casefile.Measure{ID: ctip.NewID(), AccusedID: x, Type: casefile.ProsecutionDetention, StartOn: d("2026-02-11"), OrderEnd: d("2026-03-13")}
	ms = append(ms, pd)
	if need := casefile.DetentionOrderNeeded(c, accused, ms); len(need) != 0 {
		t.Errorf("after the order: %v", need)
	}
	// Its clock: the order's date, Art. 241, counted as the order says.
	l, ok, err := casefile.MeasureLimit(pd, legal.VerySerious, c, legal.DefaultPolicy())
	if err != nil || !ok || l.Due != d("2026-03-13") || l.Basis != "BLTTHS Điều 241" || l.BasisEN != "CPC Art. 241" {
		t.Errorf("prosecution detention limit %+v %v %v", l, ok, err)
	}
	if cnt := casefile.Counting(casefile.Clock{Kind: string(casefile.ProsecutionDetention), Due: l.Due}, pd.OrderEnd, legal.DefaultPolicy()); cnt != casefile.CountOrder {
		t.Errorf("counting %s", cnt)
	}
	// Into trial preparation: the procuracy's order ends too, the court's is needed.
	c2 := &casefile.Case{Stage: casefile.TrialPreparation, StageSince: d("2026-02-25")}
	if got := casefile.EndDetentionsWithStage(casefile.TrialPreparation, d("2026-02-25"), ms); len(got) != 1 || got[0] != pd || pd.EndedBy != casefile.EndedByStage {
		t.Errorf("into trial preparation: %v", got)
	}
	if need := casefile.DetentionOrderNeeded(c2, accused, ms); !slices.Equal(need, []ctip.ID{x}) {
		t.Errorf("trial preparation needs %v", need)
	}
	// A detention ended by a decision (not with the stage) needs nothing.
	pd.EndedBy = ""
	if need := casefile.DetentionOrderNeeded(c2, accused, ms); len(need) != 0 {
		t.Errorf("released: %v", need)
	}
	// The form's choice: until the stage's limit; no cap when the setting is off.
	cc := &casefile.Case{Stage: casefile.Prosecution, InstitutedOn: d("2026-01-05"), Category: legal.VerySerious, CurrentDue: d("2026-03-13")}
	xa := &casefile.Accused{ID: ctip.NewID(), Status: casefile.AccusedActive, Category: legal.VerySerious, Charges: []legal.Charge{{Article: "150", Clause: "1"}}}
	ch := casefile.MeasureChoiceOf(casefile.NewMeasureChoices(cc, xa, nil, legal.DefaultCatalogue(), legal.DefaultPolicy(), d("2026-02-11")), casefile.ProsecutionDetention)
	if !ch.OK || ch.MaxDue != cc.CurrentDue || ch.Basis != "BLTTHS Điều 241" {
		t.Errorf("prosecution detention choice %+v", ch)
	}
	ch = casefile.MeasureChoiceOf(casefile.NewMeasureChoices(cc, xa, nil, legal.DefaultCatalogue(), legal.Policy{StageDetentionUncapped: true}, d("2026-02-11")), casefile.ProsecutionDetention)
	if !ch.OK || !ch.MaxDue.IsZero() {
		t.Errorf("uncapped choice %+v", ch)
	}
}

// TestStageDetentionInService walks a detained accused from the
// investigation to trial preparation on both engines: each new stage ends
// the earlier detention, shows the state, refuses an order beyond the
// stage's limit naming the article, records the procuracy's and the
// court's orders with their clocks and reminds of them.
func TestStageDetentionInService(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		c := f.newCase("2026-01-05", legal.Charge{Article: "150", Clause: "1"}) // RNT
		v, err := f.svc.AddAccused(f.as("dtv1"), c.ID, c.Version, casefile.AccusedInput{Person: casefile.PersonInput{Name: "Lò Văn Páo"},
			Charges: []legal.Charge{{Article: "150", Clause: "1"}}, DocumentNumber: "02/QĐ-KTBC", DocumentDate: d("2026-01-06"), Signer: "Thượng tá"})
		if err != nil {
			t.Fatal(err)
		}
		acc := v.Accused[0].ID
		add := func(who, ty, start, end string) (*casefile.View, error) {
			t.Helper()
			cur, err := f.svc.Get(f.as(who), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			in := casefile.MeasureInput{AccusedID: acc, Type: ty, StartOn: d(start), DocumentNumber: "LTG-" + ty, DocumentDate: d(start), Signer: "Người ký"}
			if end != "" {
				in.OrderEnd = d(end)
			}
			return f.svc.AddMeasure(f.as(who), c.ID, cur.Case.Version, in)
		}
		if _, err := add("dtv1", "detention", "2026-01-06", ""); err != nil {
			t.Fatal(err)
		}
		// Not yet the procuracy's stage.
		if _, err := add("dtv1", "prosecution_detention", "2026-01-06", "2026-02-01"); key(err) != "type:case.measure_why.stage_detention_stage" {
			t.Errorf("prosecution detention in the investigation: %v", key(err))
		}
		v = f.do("dtv1", c, casefile.ActConclude, casefile.ActionInput{DocumentDate: d("2026-02-10"), ReceivedOn: d("2026-02-11")})
		if v.Case.CurrentDue != d("2026-03-13") { // RNT: 30 days from receipt (Art. 240)
			t.Fatalf("prosecution limit %s", v.Case.CurrentDue)
		}
		// The investigation's detention ended with it; the state shows, no clock runs for it.
		if m := v.Measures[0]; m.Running() || m.EndedOn != d("2026-02-10") || m.EndedBy != casefile.EndedByStage {
			t.Errorf("investigation detention after the conclusion: %+v", m)
		}
		if v.DetentionOrders[acc] != casefile.ProsecutionDetention || v.Case.DetentionOrdersNeeded != 1 {
			t.Errorf("state: %v, case count %d", v.DetentionOrders, v.Case.DetentionOrdersNeeded)
		}
		for _, k := range v.Clocks {
			if casefile.MeasureType(k.Kind).IsDetention() {
				t.Errorf("a detention clock still runs: %+v", k)
			}
		}
		if !slices.ContainsFunc(v.Events, func(e casefile.Event) bool {
			return e.Action == "measure_ended_with_stage" && e.AccusedID.Valid && e.AccusedID.ID == acc && e.Detail == "detention"
		}) {
			t.Error("no timeline entry for the detention that ended with the investigation")
		}
		// The board's list carries the state (stored on the case row).
		page, err := f.svc.List(f.as("ksv"), casefile.ViewAll, casefile.Filter{}, ctip.PageRequest{Limit: 10})
		if err != nil || len(page.Items) != 1 || page.Items[0].DetentionOrdersNeeded != 1 {
			t.Errorf("list: %v %+v", err, page)
		}
		// Only the procuracy orders now, and only its own detention.
		if _, err := add("dtv1", "prosecution_detention", "2026-02-11", "2026-03-13"); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("investigator in prosecution: %v", err)
		}
		if _, err := add("ksv", "detention", "2026-02-11", ""); key(err) != "type:case.measure_why.detention_stage" {
			t.Errorf("Art. 173 detention in prosecution: %v", key(err))
		}
		if _, err := add("ksv", "prosecution_detention", "2026-02-11", ""); key(err) != "order_end:error.required" {
			t.Errorf("no end date: %v", key(err))
		}
		_, err = add("ksv", "prosecution_detention", "2026-02-11", "2026-03-14")
		if key(err) != "order_end:"+legal.KeyStageDetentionBeyondStage {
			t.Fatalf("beyond the prosecution limit: %v", key(err))
		}
		if args := err.(*ctip.Error).Fields[0].Args; args[0].(ctip.Text).VI != "BLTTHS Điều 241" || args[1] != "13/03/2026" {
			t.Errorf("the refusal's article and day: %v", args)
		}
		if v, err = add("ksv", "prosecution_detention", "2026-02-11", "2026-03-13"); err != nil {
			t.Fatal(err)
		}
		if len(v.DetentionOrders) != 0 || v.Case.DetentionOrdersNeeded != 0 {
			t.Errorf("state after the order: %v %d", v.DetentionOrders, v.Case.DetentionOrdersNeeded)
		}
		i := slices.IndexFunc(v.Clocks, func(k casefile.ClockView) bool { return k.Kind == string(casefile.ProsecutionDetention) })
		if i < 0 || v.Clocks[i].Due != d("2026-03-13") || v.Clocks[i].Basis != "BLTTHS Điều 241" || v.Clocks[i].Holder != casefile.BodyProcuracy {
			t.Fatalf("prosecution detention clock: %+v", v.Clocks)
		}
		// Reminded like the investigation's detention: the procuracy, 5 days before.
		f.clock.T = time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)
		if _, err := f.svc.Remind(context.Background(), f.db); err != nil {
			t.Fatal(err)
		}
		ns, _ := f.db.ListNotifications(context.Background(), f.users["ksv"].UserID, true, ctip.PageRequest{Limit: 20})
		if !slices.ContainsFunc(ns.Items, func(n notify.Notification) bool {
			return n.Key == "case.notify.prosecution_detention" && n.Args[1] == "13/03/2026"
		}) {
			t.Errorf("no reminder of the prosecution detention: %+v", ns.Items)
		}
		f.clock.T = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
		// Trial preparation: the court's turn.
		f.do("ksv", c, casefile.ActIndict, casefile.ActionInput{DocumentDate: d("2026-02-20"), CourtUnitID: ctip.Some(f.units["TA"].ID)})
		if v, _ = f.svc.Get(f.as("ksv"), c.ID); len(v.DetentionOrders) != 0 || !v.Measures[1].Running() {
			t.Errorf("indicted: the procuracy's detention runs on until the court accepts: %v %+v", v.DetentionOrders, v.Measures[1])
		}
		v = f.do("thamphan", c, casefile.ActAccept, casefile.ActionInput{DocumentDate: d("2026-02-25")})
		due := v.Case.CurrentDue
		if m := v.Measures[1]; m.Type != casefile.ProsecutionDetention || m.Running() || m.EndedBy != casefile.EndedByStage {
			t.Errorf("procuracy detention after acceptance: %+v", m)
		}
		if v.DetentionOrders[acc] != casefile.TrialDetention || v.Case.DetentionOrdersNeeded != 1 {
			t.Errorf("trial state: %v %d", v.DetentionOrders, v.Case.DetentionOrdersNeeded)
		}
		if _, err := add("ksv", "trial_detention", "2026-02-25", due.String()); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("procurator in trial preparation: %v", err)
		}
		_, err = add("thamphan", "trial_detention", "2026-02-25", due.AddDays(1).String())
		if key(err) != "order_end:"+legal.KeyStageDetentionBeyondStage || err.(*ctip.Error).Fields[0].Args[0].(ctip.Text).VI != "BLTTHS Điều 278" {
			t.Errorf("beyond trial preparation: %v", err)
		}
		// The court may instead decide not to detain: "end" on the detention
		// that ended with the stage records the release and clears the state.
		pdID := v.Measures[1].ID
		release := func(who string) (*casefile.View, error) {
			cur, _ := f.svc.Get(f.as(who), c.ID)
			return f.svc.MeasureAction(f.as(who), c.ID, cur.Case.Version, pdID, casefile.MeasureEnd, casefile.ActionInput{DocumentNumber: "05/QĐ-TA",
				DocumentDate: d("2026-02-26"), Signer: "Thẩm phán"})
		}
		if _, err := release("ksv"); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("the procuracy releases in trial preparation: %v", err)
		}
		if v, err = release("thamphan"); err != nil {
			t.Fatal(err)
		}
		if len(v.DetentionOrders) != 0 || v.Case.DetentionOrdersNeeded != 0 || v.Measures[1].EndedBy != casefile.EndedByRelease ||
			v.Measures[1].EndedOn != d("2026-02-25") || !slices.ContainsFunc(v.Events, func(e casefile.Event) bool { return e.Action == "measure_release" }) {
			t.Errorf("after the release: %v %d %+v", v.DetentionOrders, v.Case.DetentionOrdersNeeded, v.Measures[1])
		}
		if _, err := release("thamphan"); key(err) != "case.measure_refused" {
			t.Errorf("a second release: %v", key(err))
		}
		// The cap is a setting (U): off, the order's date stands.
		f.svc.Policy.StageDetentionUncapped = true
		if v, err = add("thamphan", "trial_detention", "2026-02-25", due.AddDays(10).String()); err != nil {
			t.Fatal(err)
		}
		f.svc.Policy.StageDetentionUncapped = false
		if v.Case.DetentionOrdersNeeded != 0 || len(v.Measures) != 3 || v.Measures[2].Type != casefile.TrialDetention || v.Measures[2].Due != due.AddDays(10) {
			t.Errorf("trial detention: %d %+v", v.Case.DetentionOrdersNeeded, v.Measures[2])
		}
	})
}

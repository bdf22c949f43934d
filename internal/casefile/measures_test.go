package casefile_test

import (
	"testing"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/legal"
)

// TestMeasureChoices walks the choice table: each refusal with its reason,
// each offered measure with how long it would last.
func TestMeasureChoices(t *testing.T) {
	pol, cat := legal.DefaultPolicy(), legal.DefaultCatalogue()
	from := d("2026-03-02")
	c := &casefile.Case{Stage: casefile.Investigating, InstitutedOn: d("2026-02-02"), Category: legal.VerySerious, CurrentDue: d("2026-06-02")}
	x := &casefile.Accused{ID: ctip.NewID(), Status: casefile.AccusedActive, Category: legal.VerySerious, Charges: []legal.Charge{{Article: "150", Clause: "1"}}}
	running := func(ts ...casefile.MeasureType) []*casefile.Measure {
		var ms []*casefile.Measure
		for _, t := range ts {
			ms = append(ms, &casefile.Measure{ID: ctip.NewID(), AccusedID: x.ID, Type: t, StartOn: d("2026-02-03")})
		}
		return ms
	}
	reasons := func(cs []casefile.MeasureChoice) map[casefile.MeasureType]string {
		out := map[casefile.MeasureType]string{}
		for _, ch := range cs {
			out[ch.Type] = ch.Reason
			if ch.OK != (ch.Reason == "") {
				t.Errorf("%s: OK %v with reason %q", ch.Type, ch.OK, ch.Reason)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		stage casefile.Stage
		ms    []*casefile.Measure
		want  map[casefile.MeasureType]string
	}{
		{"nothing running", casefile.Investigating, nil, map[casefile.MeasureType]string{casefile.Custody: "", casefile.Detention: "", casefile.Bail: "", casefile.ResidenceBan: ""}},
		{"detained", casefile.Investigating, running(casefile.Detention), map[casefile.MeasureType]string{
			casefile.Custody: "case.measure_why.detained", casefile.Detention: "case.measure_why.running",
			casefile.Bail: "case.measure_why.held", casefile.ResidenceBan: "case.measure_why.held"}},
		{"on bail", casefile.Investigating, running(casefile.Bail), map[casefile.MeasureType]string{
			casefile.Custody: "", casefile.Detention: "case.measure_why.free_running", casefile.Bail: "case.measure_why.running", casefile.ResidenceBan: ""}},
		{"in custody", casefile.Investigating, running(casefile.Custody), map[casefile.MeasureType]string{
			casefile.Custody: "case.measure_why.running", casefile.Detention: "", casefile.Bail: "case.measure_why.held", casefile.ResidenceBan: "case.measure_why.held"}},
		{"prosecution", casefile.Prosecution, nil, map[casefile.MeasureType]string{
			casefile.Custody: "case.measure_why.custody_stage", casefile.Detention: "case.measure_why.detention_stage",
			casefile.ProsecutionDetention: "", casefile.TrialDetention: "case.measure_why.stage_detention_stage", casefile.Bail: "",
			casefile.ResidenceBan: ""}},
		{"trial preparation", casefile.TrialPreparation, nil, map[casefile.MeasureType]string{
			casefile.Detention: "case.measure_why.detention_stage", casefile.ProsecutionDetention: "case.measure_why.stage_detention_stage",
			casefile.TrialDetention: ""}},
		{"detained by the procuracy", casefile.Prosecution, running(casefile.ProsecutionDetention), map[casefile.MeasureType]string{
			casefile.ProsecutionDetention: "case.measure_why.running", casefile.Bail: "case.measure_why.held"}},
		{"investigation", casefile.Investigating, nil, map[casefile.MeasureType]string{
			casefile.ProsecutionDetention: "case.measure_why.stage_detention_stage", casefile.TrialDetention: "case.measure_why.stage_detention_stage"}},
		{"suspended", casefile.Suspended, nil, map[casefile.MeasureType]string{
			casefile.Custody: "case.measure_why.case_stage", casefile.Detention: "case.measure_why.case_stage", casefile.Bail: "case.measure_why.case_stage",
			casefile.ResidenceBan: "case.measure_why.case_stage"}},
	} {
		cc := *c
		cc.Stage = tc.stage
		got := reasons(casefile.NewMeasureChoices(&cc, x, tc.ms, cat, pol, from))
		for ty, want := range tc.want {
			if got[ty] != want {
				t.Errorf("%s: %s refused with %q, want %q", tc.name, ty, got[ty], want)
			}
		}
	}
	// What an offered measure lasts: custody 3 days (the first counted),
	// RNT detention 4 months of 30 days (Arts 118, 173), bail with the stage.
	cs := casefile.NewMeasureChoices(c, x, nil, cat, pol, from)
	if ch := casefile.MeasureChoiceOf(cs, casefile.Custody); ch.MaxDue != d("2026-03-04") {
		t.Errorf("custody until %s", ch.MaxDue)
	}
	if ch := casefile.MeasureChoiceOf(cs, casefile.Detention); ch.Base != legal.Months(4) || ch.MaxDue != from.AddDays(119) || ch.Hint != "" {
		t.Errorf("detention %+v", ch)
	}
	if ch := casefile.MeasureChoiceOf(cs, casefile.Bail); ch.MaxDue != c.CurrentDue {
		t.Errorf("bail until %s", ch.MaxDue)
	}
	// Less serious and at most 2 years' imprisonment: no detention (Art. 119).
	// No catalogue clause is that light, so a catalogue with one is made up.
	light := legal.Catalogue{Versions: []legal.CatalogueVersion{{Effective: d("2018-01-01"), Articles: []legal.Article{{Number: "999",
		Clauses: []legal.Clause{{Article: "999", Clause: "1", Bracket: legal.Bracket{MinMonths: 6, MaxMonths: 24}}}}}}}}
	y := &casefile.Accused{ID: ctip.NewID(), Status: casefile.AccusedActive, Category: legal.LessSerious, Charges: []legal.Charge{{Article: "999", Clause: "1"}}}
	if ch := casefile.MeasureChoiceOf(casefile.NewMeasureChoices(c, y, nil, light, pol, from), casefile.Detention); ch.OK || ch.Reason != "case.measure_why.detention_not_eligible" {
		t.Errorf("light charge: %+v", ch)
	}
	// A serious crime over 2 years: detention offered, with the Art. 119(2) reminder.
	y.Category, y.Charges = legal.Serious, []legal.Charge{{Article: "348", Clause: "1"}}
	if ch := casefile.MeasureChoiceOf(casefile.NewMeasureChoices(c, y, nil, cat, pol, from), casefile.Detention); !ch.OK || ch.Hint == "" {
		t.Errorf("serious charge: %+v", ch)
	}
}

// TestMeasureExtension: as many extensions as the law allows for the
// category (Art. 173), in the investigation only, before expiry; custody
// twice (Art. 118).
func TestMeasureExtension(t *testing.T) {
	pol := legal.DefaultPolicy()
	c := &casefile.Case{Stage: casefile.Investigating, Category: legal.VerySerious}
	det := &casefile.Measure{Type: casefile.Detention, StartOn: d("2026-01-06")}
	e := casefile.MeasureExtension(det, legal.VerySerious, c, pol, d("2026-03-02"))
	want, _ := legal.Detention(pol, legal.VerySerious, d("2026-01-06"), legal.Months(3))
	if !e.OK || e.Allowed != 1 || e.Done != 0 || e.Next != legal.Months(3) || e.MaxDue != want.Due {
		t.Errorf("RNT detention: %+v (want max %s)", e, want.Due)
	}
	det.Ext = []legal.Period{legal.Months(3)}
	if e := casefile.MeasureExtension(det, legal.VerySerious, c, pol, d("2026-03-02")); e.OK || e.Reason != "case.measure_why.exhausted" || e.Args[0] != 1 {
		t.Errorf("RNT detention extended once: %+v", e)
	}
	// ĐBNT: twice.
	if e := casefile.MeasureExtension(det, legal.EspeciallySerious, c, pol, d("2026-03-02")); !e.OK || e.Allowed != 2 || e.Next != legal.Months(4) {
		t.Errorf("ĐBNT detention extended once: %+v", e)
	}
	// Expired.
	det.Ext = nil
	if e := casefile.MeasureExtension(det, legal.VerySerious, c, pol, d("2026-06-01")); e.OK || e.Reason != "case.measure_why.expired" {
		t.Errorf("expired: %+v", e)
	}
	// The prosecution stage: no extension of detention (Art. 241).
	pc := *c
	pc.Stage = casefile.Prosecution
	if e := casefile.MeasureExtension(det, legal.VerySerious, &pc, pol, d("2026-03-02")); e.OK || e.Reason != "case.measure_why.extend_stage" {
		t.Errorf("prosecution: %+v", e)
	}
	// Custody: two extensions of 3 days.
	cu := &casefile.Measure{Type: casefile.Custody, StartOn: d("2026-03-01"), Ext: []legal.Period{legal.Days(3)}}
	if e := casefile.MeasureExtension(cu, "", c, pol, d("2026-03-02")); !e.OK || e.Allowed != 2 || e.Next != legal.Days(3) || e.MaxDue != d("2026-03-09") {
		t.Errorf("custody: %+v", e)
	}
	// Bail is not extended; an ended measure neither.
	if e := casefile.MeasureExtension(&casefile.Measure{Type: casefile.Bail}, "", c, pol, d("2026-03-02")); e.OK || e.Reason != "case.measure_why.not_extendable" {
		t.Errorf("bail: %+v", e)
	}
	if e := casefile.MeasureExtension(&casefile.Measure{Type: casefile.Custody, EndedOn: d("2026-03-01")}, "", c, pol, d("2026-03-02")); e.OK || e.Reason != "case.measure_why.ended" {
		t.Errorf("ended: %+v", e)
	}
}

// TestMeasureRulesInService: the service refuses what the form does not
// offer, naming the field or the rule.
func TestMeasureRulesInService(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		c := f.newCase("2026-01-05", legal.Charge{Article: "150", Clause: "1"}) // RNT
		v, err := f.svc.AddAccused(f.as("dtv1"), c.ID, c.Version, casefile.AccusedInput{Person: casefile.PersonInput{Name: "Lò Văn Páo"},
			Charges: []legal.Charge{{Article: "150", Clause: "1"}}, DocumentNumber: "02/QĐ-KTBC", DocumentDate: d("2026-01-06"), Signer: "Thượng tá"})
		if err != nil {
			t.Fatal(err)
		}
		acc := v.Accused[0].ID
		add := func(ty string) (*casefile.View, error) {
			return f.svc.AddMeasure(f.as("dtv1"), c.ID, v.Case.Version, casefile.MeasureInput{AccusedID: acc, Type: ty, StartOn: d("2026-01-06"),
				DocumentNumber: "LTG", DocumentDate: d("2026-01-06"), Signer: "Thượng tá"})
		}
		if v, err = add("detention"); err != nil {
			t.Fatal(err)
		}
		if len(v.MeasureChoices[acc]) != len(casefile.MeasureTypes) || casefile.MeasureChoiceOf(v.MeasureChoices[acc], casefile.Bail).OK {
			t.Errorf("the view's choices: %+v", v.MeasureChoices[acc])
		}
		if _, err := add("bail"); key(err) != "type:case.measure_why.held" {
			t.Errorf("bail while detained: %v", key(err))
		}
		if _, err := add("custody"); key(err) != "type:case.measure_why.detained" {
			t.Errorf("custody while detained: %v", key(err))
		}
		m := v.Measures[0].ID
		if e := v.Extensions[m]; !e.OK || e.Allowed != 1 {
			t.Errorf("the view's extension: %+v", e)
		}
		ext := func(months int) (*casefile.View, error) {
			return f.svc.MeasureAction(f.as("ksv"), c.ID, v.Case.Version, m, casefile.MeasureExtend, casefile.ActionInput{DocumentNumber: "VKS",
				DocumentDate: d("2026-03-02"), Signer: "KSV", Months: months})
		}
		if v, err = ext(3); err != nil {
			t.Fatal(err)
		}
		if _, err := ext(1); key(err) != "case.measure_why.exhausted" {
			t.Errorf("a second RNT extension: %v", key(err))
		}
		if e := v.Extensions[m]; e.OK || e.Reason != "case.measure_why.exhausted" {
			t.Errorf("the view after the extension: %+v", e)
		}
	})
}

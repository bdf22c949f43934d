package casefile

import (
	"slices"
	"testing"

	"ctip"
	"ctip/internal/legal"
)

// TestTransitionTable walks every (action, stage) pair: an action is allowed
// from exactly the stages its row lists, and leads where the procedure says.
func TestTransitionTable(t *testing.T) {
	want := map[Action]map[Stage]Stage{
		ActExtendInvestigation:    {Investigating: Investigating},
		ActExtendResumed:          {Resumed: Resumed},
		ActConclude:               {Investigating: Prosecution, Resumed: Prosecution, Supplementary: Prosecution},
		ActSuspend:                {Investigating: Suspended, Resumed: Suspended, Supplementary: Suspended, Prosecution: Suspended, TrialPreparation: Suspended},
		ActTerminate:              {Investigating: Terminated, Resumed: Terminated, Supplementary: Terminated, Suspended: Terminated, Prosecution: Terminated, TrialPreparation: Terminated},
		ActResume:                 {Suspended: Resumed, Terminated: Resumed},
		ActExtendProsecution:      {Prosecution: Prosecution},
		ActReturnProcuracy:        {Prosecution: Supplementary},
		ActIndict:                 {Prosecution: Indicted},
		ActAccept:                 {Indicted: TrialPreparation},
		ActExtendTrialPreparation: {TrialPreparation: TrialPreparation},
		ActReturnJudge:            {TrialPreparation: Supplementary},
		ActBringToTrial:           {TrialPreparation: TrialScheduled},
		ActPostponeHearing:        {TrialScheduled: TrialScheduled},
		ActReturnPanel:            {TrialScheduled: Supplementary},
		ActJudge:                  {TrialScheduled: Judged},
		ActAppeal:                 {Judged: Appeal},
		ActFinalize:               {Judged: Final, Appeal: Final},
	}
	if len(want) != len(Rules) || len(Actions) != len(Rules) {
		t.Fatalf("table has %d rows, Actions %d, test %d", len(Rules), len(Actions), len(want))
	}
	for _, act := range Actions {
		for _, st := range Stages {
			to, ok := want[act][st]
			if got := Allowed(act, st); got != ok {
				t.Errorf("Allowed(%s, %s) = %v, want %v", act, st, got, ok)
				continue
			}
			if !ok {
				continue
			}
			c := &Case{Stage: st, SuspendedFrom: Investigating}
			if got := NextStage(act, c); got != to {
				t.Errorf("NextStage(%s from %s) = %s, want %s", act, st, got, to)
			}
		}
	}
	// Nothing leaves a final judgment.
	for _, act := range Actions {
		if Allowed(act, Final) {
			t.Errorf("%s allowed from final", act)
		}
	}
}

func TestResumeAndConcludeTargets(t *testing.T) {
	for from, want := range map[Stage]Stage{Investigating: Resumed, Supplementary: Resumed, Prosecution: Prosecution, TrialPreparation: TrialPreparation} {
		c := &Case{Stage: Suspended, SuspendedFrom: from}
		if got := NextStage(ActResume, c); got != want {
			t.Errorf("resume after suspension from %s → %s, want %s", from, got, want)
		}
	}
	// After a court's return, the concluded file goes back to the court (Art. 277).
	for r, want := range map[legal.Returner]Stage{legal.ReturnedByProcuracy: Prosecution, legal.ReturnedByJudge: Indicted, legal.ReturnedByTrialPanel: Indicted} {
		c := &Case{Stage: Supplementary, LastReturner: r}
		if got := NextStage(ActConclude, c); got != want {
			t.Errorf("conclude after a %s return → %s, want %s", r, got, want)
		}
	}
}

func TestHolderAndPermissions(t *testing.T) {
	for st, b := range map[Stage]Body{Investigating: BodyInvestigating, Resumed: BodyInvestigating, Supplementary: BodyInvestigating,
		Prosecution: BodyProcuracy, Indicted: BodyProcuracy, TrialPreparation: BodyCourt, TrialScheduled: BodyCourt, Judged: BodyCourt} {
		if Holder(st) != b {
			t.Errorf("Holder(%s) = %s, want %s", st, Holder(st), b)
		}
	}
	c := &Case{Stage: Prosecution}
	if got := Rules[ActSuspend].perms(c); !slices.Equal(got, []ctip.Permission{ctip.PermCaseProcuracy}) {
		t.Errorf("suspension in prosecution needs %v", got)
	}
	if got := CitationOf(ActSuspend, c, false); got != "BLTTHS Điều 247" {
		t.Errorf("citation %q", got)
	}
	c = &Case{Stage: Suspended, SuspendedFrom: TrialPreparation}
	if got := CitationOf(ActResume, c, true); got != "CPC Art. 283" {
		t.Errorf("citation %q", got)
	}
	if BodyOfUnit(ctip.UnitCommunePolice) != BodyInvestigating || BodyOfUnit(ctip.UnitHealth) != "" {
		t.Error("BodyOfUnit")
	}
}

func d(s string) ctip.Date {
	v, err := ctip.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// TestClocksAndDues: the stage clock, measures (custody, detention with
// 30-day months, never moved; bail capped by the stage limit) and NextDue.
func TestClocksAndDues(t *testing.T) {
	p, cal := legal.DefaultPolicy(), legal.NewCalendar()
	c := &Case{ID: ctip.NewID(), Stage: Investigating, Category: legal.VerySerious, ClockKind: legal.StageInvestigation,
		ClockStart: d("2026-03-02"), ClockExt: []legal.Period{legal.Months(4)}}
	acc := &Accused{ID: ctip.NewID(), Category: legal.VerySerious, Status: AccusedActive}
	det := &Measure{ID: ctip.NewID(), AccusedID: acc.ID, Type: Detention, StartOn: d("2026-03-05")}
	bail := &Measure{ID: ctip.NewID(), AccusedID: acc.ID, Type: Bail, StartOn: d("2026-03-05")}
	ended := &Measure{ID: ctip.NewID(), AccusedID: acc.ID, Type: Custody, StartOn: d("2026-03-02"), EndedOn: d("2026-03-05")}
	clocks, err := Clocks(c, []*Accused{acc}, []*Measure{det, bail, ended}, p, cal)
	if err != nil {
		t.Fatal(err)
	}
	if len(clocks) != 3 {
		t.Fatalf("clocks %+v", clocks)
	}
	// 4 + 4 months from 2 Mar 2026 → 2 Nov 2026 (a Monday).
	if c.CurrentDue != d("2026-11-02") || c.Dues[legal.StageInvestigation] != d("2026-11-02") {
		t.Errorf("investigation due %s", c.CurrentDue)
	}
	// Detention RNT: 4 months × 30 days, start day counted: 5 Mar + 119 days = 2 Jul 2026.
	if det.Due != d("2026-07-02") {
		t.Errorf("detention due %s", det.Due)
	}
	if bail.Due != c.CurrentDue {
		t.Errorf("bail due %s, want the stage limit %s", bail.Due, c.CurrentDue)
	}
	if c.NextDue != det.Due {
		t.Errorf("next due %s", c.NextDue)
	}
	// The order's date prevails (Art. 134(1)).
	det.OrderEnd = d("2026-06-30")
	Clocks(c, []*Accused{acc}, []*Measure{det}, p, cal)
	if det.Due != d("2026-06-30") {
		t.Errorf("order end not kept: %s", det.Due)
	}
	// A category change that no longer allows the granted extensions is an error.
	c.Category = legal.LessSerious
	c.ClockExt = []legal.Period{legal.Months(4)}
	if _, err := Clocks(c, nil, nil, p, cal); err == nil {
		t.Error("a 4-month extension of a less serious case was accepted")
	}
}

func TestSupplementaryClock(t *testing.T) {
	p, cal := legal.DefaultPolicy(), legal.NewCalendar()
	c := &Case{Stage: Supplementary, ClockKind: legal.StageSupplementaryInvestigation, ClockStart: d("2026-04-10"),
		LastReturner: legal.ReturnedByProcuracy, ReturnsProcuracy: 2, Category: legal.Serious}
	l, ok, err := StageLimit(c, p, cal)
	if err != nil || !ok || l.Due != d("2026-06-10") {
		t.Fatalf("second procuracy return: %v %v %+v", ok, err, l)
	}
	c.ReturnsProcuracy = 3
	if _, _, err := StageLimit(c, p, cal); err == nil {
		t.Error("a third procuracy return computed a limit")
	}
	c = &Case{Stage: Supplementary, ClockKind: legal.StageSupplementaryInvestigation, ClockStart: d("2026-04-10"),
		LastReturner: legal.ReturnedByJudge, ReturnsJudge: 1}
	if l, _, _ := StageLimit(c, p, cal); l.Due != d("2026-05-11") { // 10 May 2026 is a Sunday
		t.Errorf("judge's return: %s", l.Due)
	}
}

func TestKeyTargetAndStatus(t *testing.T) {
	l := legal.Limit{Start: d("2026-01-01"), Due: d("2026-05-01")}
	if got := KeyTarget(l, 50); got != d("2026-03-02") {
		t.Errorf("half of 120 days: %s", got)
	}
	if got := KeyTarget(l, 100); got != l.Due {
		t.Errorf("100%%: %s", got)
	}
	c := &Case{KeyAgreed: map[Body]ctip.Date{}}
	if c.KeyStatus() != KeyNone {
		t.Error("not proposed")
	}
	c.KeyProposedBy = BodyProcuracy
	c.KeyAgreed[BodyProcuracy] = d("2026-01-01")
	if c.KeyStatus() != KeyProposed {
		t.Error("proposed")
	}
	c.KeyAgreed[BodyInvestigating] = d("2026-01-02")
	if c.KeyStatus() != KeyAgreed {
		t.Error("agreed before the court has the file")
	}
	c.CourtUnitID = ctip.Some(ctip.NewID())
	if c.KeyStatus() != KeyProposed {
		t.Error("the court joins the agreement once it has the file")
	}
	c.KeyAgreed[BodyCourt] = d("2026-01-03")
	if c.KeyStatus() != KeyAgreed {
		t.Error("agreed")
	}
}

func TestEncodings(t *testing.T) {
	ps := []legal.Period{legal.Months(4), legal.Days(15), {Months: 1, Days: 2}}
	if got := ParsePeriods(FormatPeriods(ps)); !slices.Equal(got, ps) {
		t.Errorf("periods %v", got)
	}
	cs := []legal.Charge{{Article: "150", Clause: "2", Point: "c"}, {Article: "151", Clause: "1"}}
	if got := ParseCharges(FormatCharges(cs)); !slices.Equal(got, cs) {
		t.Errorf("charges %v", got)
	}
	m := ParseReminderDays("investigation=12,bogus=3,detention=x,custody=2")
	if m["investigation"] != 12 || m["custody"] != 2 || m["detention"] != 10 || m["intake"] != 5 {
		t.Errorf("reminder days %v", m)
	}
	if ParseReminderDays(EncodeReminderDays(m))["investigation"] != 12 {
		t.Error("round trip")
	}
	for _, s := range []string{"", ",,", "m", "4x", "99999999999999999999m"} {
		ParsePeriods(s) // must not panic
	}
}

func FuzzParse(f *testing.F) {
	f.Add("4m,15d", "150.2.c;151.1", "investigation=3")
	f.Fuzz(func(t *testing.T, p, c, r string) {
		ParsePeriods(p)
		ParseCharges(c)
		ParseReminderDays(r)
	})
}

package legal

import (
	"fmt"
	"testing"

	"ctip"
)

// walk grants every allowed extension at its maximum, one at a time,
// checking each step, then checks that one more extension is refused.
func walk(t *testing.T, r TimeRule, p Policy, cal *Calendar, start ctip.Date) Limit {
	t.Helper()
	var granted []Period
	l, err := r.Limit(p, cal, start)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range r.Extensions {
		// one unit too long is refused, naming the article and the maximum
		tooLong := e.Max
		if tooLong.Days > 0 {
			tooLong.Days++
		} else {
			tooLong.Months++
		}
		_, err := r.Limit(p, cal, start, append(granted, tooLong)...)
		if !hasKey(err, KeyExtensionTooLong(r.Stage)) || argsOf(err)[0] != (ctip.Text{VI: r.Basis, EN: r.BasisEN}) || argsOf(err)[1] != i+1 ||
			argsOf(err)[2] != e.Max.Months+e.Max.Days {
			t.Fatalf("extension %d of %v: err = %v", i+1, tooLong, err)
		}
		granted = append(granted, e.Max)
		next, err := r.Limit(p, cal, start, granted...)
		if err != nil {
			t.Fatalf("extension %d: %v", i+1, err)
		}
		if next.Due.Before(l.Due) {
			t.Fatalf("extension %d moved the limit back: %s → %s", i+1, l.Due, next.Due)
		}
		l = next
	}
	_, err = r.Limit(p, cal, start, append(granted, Days(1))...)
	if !hasKey(err, KeyTooManyExtensions(r.Stage)) || argsOf(err)[0] != (ctip.Text{VI: r.Basis, EN: r.BasisEN}) || argsOf(err)[1] != len(r.Extensions) {
		t.Fatalf("extra extension: err = %v", err)
	}
	if max := r.MaxLimit(p, cal, start); max != l {
		t.Fatalf("MaxLimit = %+v, walk gave %+v", max, l)
	}
	return l
}

// TestInvestigationWalk checks LEGAL.md §1.7: ÍNT 4 m, NT 8 m, RNT 12 m,
// ĐBNT 16 m, +4 m → 20 m with the Procurator General's extension.
func TestInvestigationWalk(t *testing.T) {
	cal := NewCalendar()
	p := DefaultPolicy()
	start := d("2026-01-05")
	tests := []struct {
		cat        Category
		base       int
		steps      []int
		maxNormal  int
		maxWithPG  int
		wantDue    string
		extenders  []Authority
		wantBaseDD string
	}{
		{LessSerious, 2, []int{2}, 4, 4, "2026-05-05", []Authority{AuthProvincialProcuracy}, "2026-03-05"},
		{Serious, 3, []int{3, 2}, 8, 8, "2026-09-07", []Authority{AuthProvincialProcuracy, AuthProvincialProcuracy}, "2026-04-06"}, // 5 Sep 2026 is a Saturday; 5 Apr a Sunday
		{VerySerious, 4, []int{4, 4}, 12, 12, "2027-01-05", []Authority{AuthProvincialProcuracy, AuthProvincialProcuracy}, "2026-05-05"},
		{EspeciallySerious, 4, []int{4, 4, 4, 4}, 16, 20, "2027-09-06", []Authority{AuthProvincialProcuracy, AuthProvincialProcuracy, AuthSupremeProcuracy, AuthProcuratorGeneral}, "2026-05-05"}, // 5 Sep 2027 is a Sunday
	}
	for _, tt := range tests {
		t.Run(string(tt.cat), func(t *testing.T) {
			r, err := defaultProcedure.Rule(p, start, StageInvestigation, tt.cat)
			if err != nil {
				t.Fatal(err)
			}
			if r.Base != Months(tt.base) || len(r.Extensions) != len(tt.steps) || r.RequestLeadDays != 10 ||
				r.BasisEN != "CPC Art. 172" || r.Basis != "BLTTHS Điều 172" || r.Custodial {
				t.Fatalf("rule = %+v", r)
			}
			normal := r.Base
			for i, e := range r.Extensions {
				if e.Max != Months(tt.steps[i]) || e.By != tt.extenders[i] {
					t.Errorf("extension %d = %+v", i+1, e)
				}
				if !e.Extraordinary {
					normal = normal.Add(e.Max)
				} else if tt.cat != EspeciallySerious || e.By != AuthProcuratorGeneral {
					t.Errorf("unexpected extraordinary extension %+v", e)
				}
			}
			if normal != Months(tt.maxNormal) || r.Max() != Months(tt.maxWithPG) {
				t.Errorf("max normal %v, with PG %v; want %d / %d months", normal, r.Max(), tt.maxNormal, tt.maxWithPG)
			}
			base, _ := Investigation(p, cal, tt.cat, start)
			if base.Due != d(tt.wantBaseDD) {
				t.Errorf("base due %s, want %s", base.Due, tt.wantBaseDD)
			}
			// The ordinary extensions at their maximum end at the normal
			// maximum (ĐBNT: 16 months, before the Procurator General's).
			var ordinary []Period
			for _, e := range r.Extensions {
				if !e.Extraordinary {
					ordinary = append(ordinary, e.Max)
				}
			}
			if l, err := r.Limit(p, cal, start, ordinary...); err != nil {
				t.Errorf("ordinary extensions: %v", err)
			} else if want, _ := p.MonthLimit(cal, start, tt.maxNormal); l.Due != want {
				t.Errorf("after the ordinary extensions due %s, want %s (%d months)", l.Due, want, tt.maxNormal)
			}
			l := walk(t, r, p, cal, start)
			want, _ := p.MonthLimit(cal, start, tt.maxWithPG)
			if l.Due != d(tt.wantDue) || l.Due != want || l.Start != start {
				t.Errorf("after all extensions due %s, want %s (= %s)", l.Due, tt.wantDue, want)
			}
			if got := RequestBy(base, r.RequestLeadDays); got != base.Due.AddDays(-10) {
				t.Errorf("RequestBy = %s", got)
			}
		})
	}
}

// TestDetentionWalk checks LEGAL.md §1.5/§1.7: 3 m / 5 m / 7 m / 12 m in
// 30-day months, no roll, and the S extra 4 m (→ 16 m) only when enabled.
func TestDetentionWalk(t *testing.T) {
	start := d("2026-03-01")
	tests := []struct {
		cat       Category
		base      int
		maxMonths int
		extra     bool
		wantDue   string // start day counted (default)
	}{
		{LessSerious, 2, 3, false, "2026-05-29"},        // 90 days
		{Serious, 3, 5, false, "2026-07-28"},            // 150 days
		{VerySerious, 4, 7, false, "2026-09-26"},        // 210 days
		{EspeciallySerious, 4, 12, false, "2027-02-23"}, // 360 days
		{EspeciallySerious, 4, 16, true, "2027-06-23"},  // 480 days
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s extra=%v", tt.cat, tt.extra), func(t *testing.T) {
			p := DefaultPolicy()
			p.DetentionExtraExtension = tt.extra
			r, err := defaultProcedure.Rule(p, start, StageDetention, tt.cat)
			if err != nil {
				t.Fatal(err)
			}
			if r.Base != Months(tt.base) || r.Max() != Months(tt.maxMonths) || !r.Custodial || r.RequestLeadDays != 10 || r.BasisEN != "CPC Art. 173" {
				t.Fatalf("rule = %+v max %v", r, r.Max())
			}
			l := walk(t, r, p, nil, start)
			if l.Due != d(tt.wantDue) || l.Rolled || start.AddDays(30*tt.maxMonths-1) != l.Due {
				t.Errorf("due %s rolled=%v, want %s", l.Due, l.Rolled, tt.wantDue)
			}
			p.CustodyStartDayExcluded = true
			if l2 := r.MaxLimit(p, nil, start); l2.Due != l.Due.AddDays(1) {
				t.Errorf("start day excluded: due %s", l2.Due)
			}
			if tt.extra {
				last := r.Extensions[len(r.Extensions)-1]
				if !last.Extraordinary || last.By != AuthProcuratorGeneral || last.Marker != Secondary {
					t.Errorf("extra extension = %+v", last)
				}
			}
		})
	}
	// Detention is never rolled, even onto a holiday: 2 months from 1 Mar 2026
	// counted inclusively is 29 Apr; from 2 Mar it is 30 Apr (a holiday).
	l, err := Detention(DefaultPolicy(), LessSerious, d("2026-03-02"))
	if err != nil || l.Due != d("2026-04-30") || l.Rolled {
		t.Errorf("Detention = %+v, %v", l, err)
	}
}

func TestResumedInvestigation(t *testing.T) {
	cal := NewCalendar()
	p := DefaultPolicy()
	start := d("2026-06-10")
	tests := []struct {
		cat       Category
		base, ext int
	}{
		{LessSerious, 2, 1}, {Serious, 2, 2}, {VerySerious, 3, 2}, {EspeciallySerious, 3, 3},
	}
	for _, tt := range tests {
		r, err := defaultProcedure.Rule(p, start, StageResumedInvestigation, tt.cat)
		if err != nil {
			t.Fatal(err)
		}
		if r.Base != Months(tt.base) || len(r.Extensions) != 1 || r.Extensions[0].Max != Months(tt.ext) || r.BasisEN != "CPC Art. 174(1)" {
			t.Errorf("%s: %+v", tt.cat, r)
		}
		l := walk(t, r, p, cal, start)
		if want, _ := p.MonthLimit(cal, start, tt.base+tt.ext); l.Due != want {
			t.Errorf("%s: due %s want %s", tt.cat, l.Due, want)
		}
		if l, err := ResumedInvestigation(p, cal, tt.cat, start, Months(1)); err != nil || l.Due.Before(start) {
			t.Errorf("%s: one month extension: %v", tt.cat, err)
		}
	}
}

// TestProsecutionAndTrialWalk checks the prosecution (Art. 240) and trial
// preparation (Art. 277) maxima of LEGAL.md §1.7.
func TestProsecutionAndTrialWalk(t *testing.T) {
	cal := NewCalendar()
	p := DefaultPolicy()
	start := d("2026-03-02") // a Monday
	tests := []struct {
		stage            Stage
		cat              Category
		base, ext, max   Period
		wantBase, wantMx string
	}{
		{StageProsecution, LessSerious, Days(20), Days(10), Days(30), "2026-03-22", "2026-04-01"},
		{StageProsecution, Serious, Days(20), Days(10), Days(30), "2026-03-22", "2026-04-01"},
		{StageProsecution, VerySerious, Days(30), Days(15), Days(45), "2026-04-01", "2026-04-16"},
		{StageProsecution, EspeciallySerious, Days(30), Days(30), Days(60), "2026-04-01", "2026-05-01"}, // day limit: no roll by default
		{StageTrialPreparation, LessSerious, Days(30), Days(15), Days(45), "2026-04-01", "2026-04-16"},
		{StageTrialPreparation, Serious, Days(45), Days(15), Days(60), "2026-04-16", "2026-05-01"},
		{StageTrialPreparation, VerySerious, Months(2), Days(30), Period{2, 30}, "2026-05-04", "2026-06-01"}, // 2 May is a Saturday
		{StageTrialPreparation, EspeciallySerious, Months(3), Days(30), Period{3, 30}, "2026-06-02", "2026-07-02"},
	}
	for _, tt := range tests {
		t.Run(string(tt.stage)+"/"+string(tt.cat), func(t *testing.T) {
			r, err := defaultProcedure.Rule(p, start, tt.stage, tt.cat)
			if err != nil {
				t.Fatal(err)
			}
			if r.Base != tt.base || len(r.Extensions) != 1 || r.Extensions[0].Max != tt.ext || r.Max() != tt.max {
				t.Fatalf("rule = %+v", r)
			}
			wantBy := AuthChiefProcurator
			if tt.stage == StageTrialPreparation {
				wantBy = AuthChiefJudge
			}
			if r.Extensions[0].By != wantBy {
				t.Errorf("extension by %s", r.Extensions[0].By)
			}
			base, err := r.Limit(p, cal, start)
			if err != nil || base.Due != d(tt.wantBase) {
				t.Errorf("base %s, want %s (%v)", base.Due, tt.wantBase, err)
			}
			if l := walk(t, r, p, cal, start); l.Due != d(tt.wantMx) {
				t.Errorf("max %s, want %s", l.Due, tt.wantMx)
			}
		})
	}
	// With RollDayLimits, 1 May 2026 (holiday) → Mon 4 May.
	roll := DefaultPolicy()
	roll.RollDayLimits = true
	if l, err := Prosecution(roll, cal, EspeciallySerious, start, Days(30)); err != nil || l.Due != d("2026-05-04") || !l.Rolled {
		t.Errorf("rolled prosecution = %+v %v", l, err)
	}
	// An extension may be shorter than the maximum, in days for a month stage.
	if l, err := TrialPreparation(p, cal, VerySerious, start, Days(10)); err != nil || l.Due != d("2026-05-12") {
		t.Errorf("short extension = %+v %v", l, err)
	}
	// Fuzz finding: "1 month" where Art. 277 allows "30 days" fits on the
	// calendar (5 Jun → 5 Jul) but the month rule would move it off Sunday
	// 5 Jul; the day-based maximum (not rolled by default) caps it.
	if l, err := TrialPreparation(p, cal, VerySerious, d("2026-04-05"), Months(1)); err != nil || l.Due != d("2026-07-05") || l.Rolled {
		t.Errorf("month extension capped by the day maximum = %+v %v", l, err)
	}
	if l, err := TrialPreparation(roll, cal, VerySerious, d("2026-04-05"), Months(1)); err != nil || l.Due != d("2026-07-06") || !l.Rolled {
		t.Errorf("with RollDayLimits = %+v %v", l, err)
	}
	if _, err := TrialPreparation(p, cal, VerySerious, d("2026-05-05"), Months(1)); !hasKey(err, KeyExtensionTooLong(StageTrialPreparation)) {
		t.Errorf("1 month from 5 Jul is 31 days > 30: %v", err)
	}
	if l, err := Investigation(p, cal, Serious, start, Days(45)); err != nil || l.Due != d("2026-07-17") {
		t.Errorf("investigation extension in days = %+v %v", l, err)
	}
	if _, err := Investigation(p, cal, Serious, start, Days(92)); err != nil {
		t.Errorf("92 days = 3 months from 2 Jun: %v", err)
	}
	if _, err := Investigation(p, cal, Serious, start, Days(93)); !hasKey(err, KeyExtensionTooLong(StageInvestigation)) {
		t.Errorf("93 days > 3 months from 2 Jun: %v", err)
	}
}

// Extensions chain from the nominal end of the previous period: from a
// month-end start the result can be earlier than "start + total months".
func TestExtensionsChain(t *testing.T) {
	cal := NewCalendar()
	p := DefaultPolicy()
	// 31 Oct 2026 + 4 months = 28 Feb 2027 (Sunday → base due Mon 1 Mar);
	// the extension runs from 28 Feb: + 4 months = 28 Jun 2027 (not 30 Jun).
	base, _ := Investigation(p, cal, VerySerious, d("2026-10-31"))
	ext, err := Investigation(p, cal, VerySerious, d("2026-10-31"), Months(4))
	if base.Due != d("2027-03-01") || !base.Rolled || err != nil || ext.Due != d("2027-06-28") || ext.Rolled {
		t.Errorf("base %+v, extended %+v %v", base, ext, err)
	}
	// Trial preparation: 31 Aug + 3 months = 30 Nov, + 30 days = 30 Dec.
	if l, err := TrialPreparation(p, cal, EspeciallySerious, d("2026-08-31"), Days(30)); err != nil || l.Due != d("2026-12-30") {
		t.Errorf("trial preparation %+v %v", l, err)
	}
	// Fuzz finding: "1 month" from 30 Nov is 30 Dec — equal to 30 days, allowed.
	if l, err := TrialPreparation(p, cal, EspeciallySerious, d("2026-08-31"), Months(1)); err != nil || l.Due != d("2026-12-30") {
		t.Errorf("trial preparation, 1 month %+v %v", l, err)
	}
}

func TestSupplementaryInvestigation(t *testing.T) {
	cal := NewCalendar()
	p := DefaultPolicy()
	back := d("2026-03-02")
	tests := []struct {
		by     Returner
		prior  int
		want   string
		errKey string
	}{
		{ReturnedByProcuracy, 0, "2026-05-04", ""}, // 2 May Saturday
		{ReturnedByProcuracy, 1, "2026-05-04", ""},
		{ReturnedByProcuracy, 2, "", KeySupplementaryTooManyReturns},
		{ReturnedByJudge, 0, "2026-04-02", ""},
		{ReturnedByJudge, 1, "", KeySupplementaryTooManyReturns},
		{ReturnedByTrialPanel, 0, "2026-04-02", ""},
		{ReturnedByTrialPanel, 1, "", KeySupplementaryTooManyReturns},
		{ReturnedByTrialPanel, -1, "", KeySupplementaryTooManyReturns},
		{"police", 0, "", KeyUnknownReturner},
	}
	for _, tt := range tests {
		l, err := SupplementaryInvestigation(p, cal, tt.by, tt.prior, back)
		if tt.errKey != "" {
			if !hasKey(err, tt.errKey) {
				t.Errorf("%s prior %d: err = %v", tt.by, tt.prior, err)
			}
			if tt.errKey == KeySupplementaryTooManyReturns && argsOf(err)[0].(ctip.Text).EN != "CPC Art. 174(2)" {
				t.Errorf("args %v", argsOf(err))
			}
			continue
		}
		if err != nil || l.Due != d(tt.want) || l.BasisEN != "CPC Art. 174(2)" {
			t.Errorf("%s prior %d: %+v %v, want %s", tt.by, tt.prior, l, err, tt.want)
		}
	}
}

func TestHearingCustodyAndReturn(t *testing.T) {
	cal := NewCalendar()
	p := DefaultPolicy()
	if l, err := Hearing(p, cal, d("2026-03-02"), false); err != nil || l.Due != d("2026-03-17") || l.BasisEN != "CPC Art. 277" {
		t.Errorf("Hearing = %+v %v", l, err)
	}
	if l, err := Hearing(p, cal, d("2026-03-02"), true); err != nil || l.Due != d("2026-04-01") {
		t.Errorf("Hearing force majeure = %+v %v", l, err)
	}
	if l, err := TrialDecisionAfterReturn(p, cal, d("2026-03-02")); err != nil || l.Due != d("2026-03-17") {
		t.Errorf("TrialDecisionAfterReturn = %+v %v", l, err)
	}

	r, _ := defaultProcedure.Rule(p, d("2026-03-10"), StageCustody, "")
	if r.Max() != Days(9) || !r.Custodial || r.BasisEN != "CPC Art. 118" {
		t.Errorf("custody rule %+v", r)
	}
	walk(t, r, p, nil, d("2026-03-10"))
	tests := []struct {
		granted []Period
		want    string
	}{
		{nil, "2026-03-12"},
		{[]Period{Days(3)}, "2026-03-15"},
		{[]Period{Days(3), Days(3)}, "2026-03-18"},
		{[]Period{Days(2)}, "2026-03-14"},
	}
	for _, tt := range tests {
		if l, err := Custody(p, d("2026-03-10"), tt.granted...); err != nil || l.Due != d(tt.want) || l.Rolled {
			t.Errorf("Custody(%v) = %+v %v, want %s", tt.granted, l, err, tt.want)
		}
	}
	excl := p
	excl.CustodyStartDayExcluded = true
	if l, _ := Custody(excl, d("2026-03-10")); l.Due != d("2026-03-13") {
		t.Errorf("custody, start day excluded = %s", l.Due)
	}
	// Custody ending on 30 Apr stays there.
	if l, _ := Custody(p, d("2026-04-28")); l.Due != d("2026-04-30") || l.Rolled {
		t.Errorf("custody on a holiday = %+v", l)
	}
	if _, err := Custody(p, d("2026-03-10"), Days(4)); !hasKey(err, KeyExtensionTooLong(StageCustody)) {
		t.Errorf("4-day custody extension: %v", err)
	}
	if _, err := Custody(p, d("2026-03-10"), Days(0)); !hasKey(err, KeyExtensionNotPositive) {
		t.Errorf("0-day custody extension: %v", err)
	}
	if _, err := Custody(p, d("2026-03-10"), Period{Days: -1}); !hasKey(err, KeyExtensionNotPositive) {
		t.Errorf("negative extension: %v", err)
	}
}

func TestRuleErrors(t *testing.T) {
	p := DefaultPolicy()
	cal := NewCalendar()
	if _, err := Investigation(p, cal, "grave", d("2026-01-01")); !hasKey(err, KeyUnknownCategory) {
		t.Errorf("unknown category: %v", err)
	}
	if _, err := Investigation(p, cal, Serious, d("2017-12-31")); !hasKey(err, KeyNoRulesInForce) {
		t.Errorf("before 2018: %v", err)
	}
	if _, err := defaultProcedure.Rule(p, d("2026-01-01"), "appeal", ""); !hasKey(err, KeyUnknownStage) {
		t.Errorf("unknown stage: %v", err)
	}
	if _, err := defaultProcedure.Rule(p, d("2026-01-01"), StageSupplementaryInvestigation, ""); !hasKey(err, KeyUnknownStage) {
		t.Errorf("supplementary via Rule: %v", err)
	}
	// Category is ignored for stages that do not depend on it.
	if r, err := defaultProcedure.Rule(p, d("2026-01-01"), StageHearing, Serious); err != nil || r.Category != "" {
		t.Errorf("hearing with category: %+v %v", r, err)
	}
}

// Every stage and category has a rule in every version, citing its article.
func TestRuleCoverage(t *testing.T) {
	p := DefaultPolicy()
	for _, v := range defaultProcedure.Versions {
		for _, s := range Stages {
			if s == StageSupplementaryInvestigation {
				for _, by := range []Returner{ReturnedByProcuracy, ReturnedByJudge, ReturnedByTrialPanel} {
					if r, err := defaultProcedure.SupplementaryRule(v.Effective, by); err != nil || r.Basis == "" {
						t.Errorf("%s %s: %v", v.Effective, by, err)
					}
				}
				continue
			}
			cats := []Category{""}
			if s.byCategory() {
				cats = Categories
			}
			for _, c := range cats {
				r, err := defaultProcedure.Rule(p, v.Effective, s, c)
				if err != nil {
					t.Errorf("%s %s %s: %v", v.Effective, s, c, err)
					continue
				}
				if r.Basis == "" || r.BasisEN == "" || r.Instrument != v.Instrument || r.Marker != Verified || r.Base.IsZero() {
					t.Errorf("%s %s %s: %+v", v.Effective, s, c, r)
				}
				for _, e := range r.Extensions {
					if e.By == "" || e.Max.IsZero() {
						t.Errorf("%s %s %s: extension %+v", v.Effective, s, c, e)
					}
				}
			}
		}
	}
}

// The zero Policy behaves as DefaultPolicy.
func TestZeroPolicyIsDefault(t *testing.T) {
	cal := NewCalendar()
	start := d("2026-01-05")
	for _, s := range []Stage{StageInvestigation, StageDetention} {
		for _, c := range Categories {
			a, _ := defaultProcedure.Rule(Policy{}, start, s, c)
			b, _ := defaultProcedure.Rule(DefaultPolicy(), start, s, c)
			if fmt.Sprint(a) != fmt.Sprint(b) || a.MaxLimit(Policy{}, cal, start) != b.MaxLimit(DefaultPolicy(), cal, start) {
				t.Errorf("%s %s: zero %+v, default %+v", s, c, a, b)
			}
		}
	}
	// A setting changes who extends.
	p := DefaultPolicy()
	p.InvestigationExtenders[LessSerious] = []Authority{AuthRegionalProcuracy}
	if r, _ := defaultProcedure.Rule(p, start, StageInvestigation, LessSerious); r.Extensions[0].By != AuthRegionalProcuracy {
		t.Errorf("extender setting ignored: %+v", r.Extensions)
	}
	if r, _ := defaultProcedure.Rule(DefaultPolicy(), start, StageInvestigation, LessSerious); r.Extensions[0].By != AuthProvincialProcuracy {
		t.Error("DefaultPolicy maps must be fresh")
	}
}

// A version may change a limit: the start date picks the version.
func TestProcedureVersioning(t *testing.T) {
	pr := DefaultProcedure()
	for i, r := range pr.Versions[1].Rules {
		if r.Stage == StageProsecution && r.Category == LessSerious {
			pr.Versions[1].Rules[i].Base = Days(15) // hypothetical change
		}
	}
	p := DefaultPolicy()
	old, _ := pr.Rule(p, d("2025-06-30"), StageProsecution, LessSerious)
	cur, _ := pr.Rule(p, d("2025-07-01"), StageProsecution, LessSerious)
	if old.Base != Days(20) || cur.Base != Days(15) || old.Instrument == cur.Instrument {
		t.Errorf("old %+v new %+v", old, cur)
	}
	if r, _ := DefaultProcedure().Rule(p, d("2025-07-01"), StageProsecution, LessSerious); r.Base != Days(20) {
		t.Error("DefaultProcedure must return fresh data")
	}
}

func TestPeriodText(t *testing.T) {
	tests := []struct {
		p      Period
		en, vi string
	}{
		{Months(1), "1 month", "1 tháng"},
		{Months(2), "2 months", "2 tháng"},
		{Days(15), "15 days", "15 ngày"},
		{Period{2, 30}, "2 months 30 days", "2 tháng 30 ngày"},
		{Period{}, "0 days", "0 ngày"},
	}
	for _, tt := range tests {
		if tt.p.String() != tt.en || tt.p.Vietnamese() != tt.vi {
			t.Errorf("%#v: %q %q", tt.p, tt.p.String(), tt.p.Vietnamese())
		}
	}
}

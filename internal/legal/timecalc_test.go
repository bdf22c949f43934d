package legal

import (
	"errors"
	"strings"
	"testing"

	"ctip"
)

func TestAddMonths(t *testing.T) {
	tests := []struct {
		start string
		n     int
		want  string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2024-01-31", 1, "2024-02-29"}, // leap year
		{"2026-12-31", 2, "2027-02-28"},
		{"2026-03-01", 1, "2026-04-01"},
		{"2026-03-31", 1, "2026-04-30"},
		{"2026-08-31", 6, "2027-02-28"},
		{"2026-05-15", 12, "2027-05-15"},
		{"2026-05-15", 0, "2026-05-15"},
		{"2026-03-31", -1, "2026-02-28"},
		{"2026-01-15", -1, "2025-12-15"},
		{"2100-01-31", 1, "2100-02-28"}, // not a leap year
		{"2000-01-31", 1, "2000-02-29"}, // leap year
	}
	for _, tt := range tests {
		if got := AddMonths(d(tt.start), tt.n); got != d(tt.want) {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tt.start, tt.n, got, tt.want)
		}
	}
}

func TestAddDays(t *testing.T) {
	if got := AddDays(d("2026-03-01"), 20); got != d("2026-03-21") {
		t.Errorf("got %s", got)
	}
	if got := AddDays(d("2026-12-25"), 10); got != d("2027-01-04") {
		t.Errorf("got %s", got)
	}
	// A literal, un-normalised date is normalised first.
	if got := AddDays(ctip.Date{Year: 2026, Month: 2, Day: 30}, 1); got != d("2026-03-03") {
		t.Errorf("got %s", got)
	}
}

func TestDayAndMonthLimits(t *testing.T) {
	cal := NewCalendar()
	def := DefaultPolicy()
	roll := DefaultPolicy()
	roll.RollDayLimits = true
	tests := []struct {
		name       string
		p          Policy
		start      string
		days       int // day limit when months == 0
		months     int
		want       string
		wantRolled bool
	}{
		{"day limit on a Sunday, default: no move", def, "2026-03-01", 21, 0, "2026-03-22", false},
		{"day limit on a Sunday, RollDayLimits", roll, "2026-03-01", 21, 0, "2026-03-23", true},
		{"day limit on a working day", roll, "2026-03-01", 22, 0, "2026-03-23", false},
		{"day limit on Tết, RollDayLimits", roll, "2026-02-01", 16, 0, "2026-02-23", true},
		{"month limit on a Saturday → Monday", def, "2026-02-21", 1, 1, "2026-03-23", true},
		{"month limit on 30 Apr → Mon 4 May", def, "2026-03-30", 0, 1, "2026-05-04", true},
		{"month limit 31 Mar → 30 Apr holiday", def, "2026-03-31", 0, 1, "2026-05-04", true},
		{"month limit month-end, working day", def, "2026-01-31", 0, 1, "2026-03-02", true}, // 28 Feb 2026 is a Saturday
		{"month limit, plain", def, "2026-05-11", 0, 1, "2026-06-11", false},
		{"month limit on Tết eve 2026", def, "2026-01-16", 0, 1, "2026-02-23", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got ctip.Date
			var rolled bool
			if tt.months == 0 {
				got, rolled = tt.p.DayLimit(cal, d(tt.start), tt.days)
			} else {
				got, rolled = tt.p.MonthLimit(cal, d(tt.start), tt.months)
			}
			if got != d(tt.want) || rolled != tt.wantRolled {
				t.Errorf("got %s rolled=%v, want %s rolled=%v", got, rolled, tt.want, tt.wantRolled)
			}
		})
	}
}

func TestDaysLeft(t *testing.T) {
	l := Limit{Start: d("2026-03-01"), Due: d("2026-03-21")}
	tests := map[string]int{"2026-03-01": 20, "2026-03-20": 1, "2026-03-21": 0, "2026-03-22": -1, "2026-04-21": -31}
	for today, want := range tests {
		if got := DaysLeft(d(today), l); got != want {
			t.Errorf("DaysLeft(%s) = %d, want %d", today, got, want)
		}
	}
	far := Limit{Due: d("2500-01-01")}
	if got := DaysLeft(d("2000-01-01"), far); got != 182622 {
		t.Errorf("DaysLeft across 500 years = %d", got)
	}
}

func TestIntakeLimits(t *testing.T) {
	cal := NewCalendar()
	p := DefaultPolicy()
	received := d("2026-03-01")

	base := IntakeBase(p, cal, received)
	if base.Due != d("2026-03-21") || base.Rolled || base.Start != received ||
		base.Basis != "BLTTHS Điều 147 khoản 1" || base.BasisEN != "CPC Art. 147(1)" {
		t.Errorf("IntakeBase = %+v", base)
	}
	roll := p
	roll.RollDayLimits = true
	if got := IntakeBase(roll, cal, received); got.Due != d("2026-03-23") || !got.Rolled {
		t.Errorf("IntakeBase with roll = %+v", got)
	}
	if got := IntakeNoticeToProcuracy(p, cal, received); got.Due != d("2026-03-04") || got.BasisEN != "CPC Art. 146" {
		t.Errorf("IntakeNoticeToProcuracy = %+v", got)
	}

	tests := []struct {
		name    string
		f       func(Policy, *Calendar, ctip.Date, int) (Limit, error)
		n       int
		want    string
		basisEN string
		errKey  string
	}{
		{"body 1 month", IntakeBodyExtension, 1, "2026-04-01", "CPC Art. 147(2)", ""},
		{"body 2 months", IntakeBodyExtension, 2, "2026-05-04", "CPC Art. 147(2)", ""}, // 1 May holiday, weekend
		{"body 3 months", IntakeBodyExtension, 3, "", "", KeyIntakeExtensionTooLong},
		{"body 0 months", IntakeBodyExtension, 0, "", "", KeyExtensionNotPositive},
		{"procuracy +1", IntakeProcuracyExtension, 1, "2026-06-01", "CPC Art. 147(3)", ""},
		{"procuracy +2", IntakeProcuracyExtension, 2, "2026-07-01", "CPC Art. 147(3)", ""},
		{"procuracy +3", IntakeProcuracyExtension, 3, "", "", KeyIntakeExtensionTooLong},
		{"procuracy -1", IntakeProcuracyExtension, -1, "", "", KeyExtensionNotPositive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := tt.f(p, cal, received, tt.n)
			if tt.errKey != "" {
				var e *ctip.Error
				if !errors.As(err, &e) || e.Kind != ctip.Invalid || e.Key != tt.errKey {
					t.Fatalf("err = %v, want %s", err, tt.errKey)
				}
				if len(e.Args) == 0 || e.Args[0] == "" {
					t.Errorf("error args should name the article: %v", e.Args)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.Due != d(tt.want) || l.BasisEN != tt.basisEN || l.Start != received {
				t.Errorf("got %+v, want due %s basis %s", l, tt.want, tt.basisEN)
			}
		})
	}

	if got := IntakeResumption(p, cal, d("2026-07-31")); got.Due != d("2026-08-31") || got.BasisEN != "CPC Art. 149(1)" {
		t.Errorf("IntakeResumption = %+v", got)
	}
	if got := IntakeAfterCancelledSuspension(p, cal, d("2026-01-30")); got.Due != d("2026-03-02") || !got.Rolled || got.BasisEN != "CPC Art. 148(2)" {
		t.Errorf("IntakeAfterCancelledSuspension = %+v", got) // 28 Feb 2026 is a Saturday
	}
	ext, _ := IntakeBodyExtension(p, cal, received, 2)
	if got := RequestBy(ext, IntakeExtensionRequestLeadDays); got != d("2026-04-29") {
		t.Errorf("RequestBy = %s", got)
	}
}

func TestKeysListed(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys {
		if seen[k] {
			t.Errorf("duplicate key %s", k)
		}
		seen[k] = true
	}
	want := []string{KeyAnnouncementInvalid, KeyIntakeExtensionTooLong, KeyExtensionNotPositive,
		KeyNoRulesInForce, KeyUnknownCategory, KeyUnknownStage, KeyUnknownReturner, KeyUnknownArticle,
		KeyUnknownClause, KeyClauseNotChargeable, KeyNoCharges, KeySupplementaryTooManyReturns}
	// every stage that allows an extension in any version has its two keys
	p := DefaultPolicy()
	p.DetentionExtraExtension = true
	for _, v := range DefaultProcedure().Versions {
		for _, r := range v.Rules {
			r, _ = DefaultProcedure().Rule(p, v.Effective, r.Stage, r.Category)
			if len(r.Extensions) > 0 {
				want = append(want, KeyExtensionTooLong(r.Stage), KeyTooManyExtensions(r.Stage))
			}
		}
	}
	for _, k := range want {
		if !seen[k] {
			t.Errorf("key %s missing from Keys", k)
		}
	}
	for _, k := range Keys {
		if !strings.HasPrefix(k, "legal.") || strings.ContainsAny(k, " ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Errorf("bad key %q", k)
		}
	}
}

package legal

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"ctip"
)

// fuzzDate maps arbitrary integers to a date in 1900–2199, the range in
// which the lunar calendar (and so the holiday calendar) is meaningful.
func fuzzDate(dayOffset int32) ctip.Date {
	const span = 300 * 365
	off := int(dayOffset) % span
	if off < 0 {
		off += span
	}
	return d("1900-01-01").AddDays(off)
}

// maxDaysOff is the longest run of consecutive days off the statutory
// calendar can produce: Tết (5 days) joined to two weekends is 9 days.
const maxDaysOff = 9

func checkWorkingDay(t *testing.T, cal *Calendar, due ctip.Date, rolled bool, naive ctip.Date) {
	t.Helper()
	if due.Before(naive) {
		t.Fatalf("due %s before the naive day %s", due, naive)
	}
	if rolled {
		if cal.IsDayOff(due) || due == naive || !cal.IsDayOff(naive) {
			t.Fatalf("rolled %s → %s: bad roll", naive, due)
		}
		for x := naive; x.Before(due); x = x.AddDays(1) {
			if !cal.IsDayOff(x) {
				t.Fatalf("rolled %s → %s past working day %s", naive, due, x)
			}
		}
	} else if due != naive {
		t.Fatalf("due %s moved from %s without rolled", due, naive)
	}
	if daysBetween(naive, due) > maxDaysOff {
		t.Fatalf("due %s is %d days past %s", due, daysBetween(naive, due), naive)
	}
}

func FuzzAddMonths(f *testing.F) {
	f.Add(int32(45320), int16(1))  // 2024-01-31
	f.Add(int32(46051), int16(1))  // 2026-01-31
	f.Add(int32(46385), int16(2))  // 2026-12-31
	f.Add(int32(0), int16(-1))     // 1900-01-01
	f.Add(int32(-1), int16(1200))  // end of the range
	f.Add(int32(36524), int16(13)) // 2000-01-01
	cal := NewCalendar()
	f.Fuzz(func(t *testing.T, off int32, n16 int16) {
		start := fuzzDate(off)
		n := int(n16)
		got := AddMonths(start, n)
		// exactly n months later, on the same day or the last day of a shorter month
		if mi := (got.Year*12 + int(got.Month)) - (start.Year*12 + int(start.Month)); mi != n {
			t.Fatalf("AddMonths(%s, %d) = %s: %d months apart", start, n, got, mi)
		}
		if got.Day > start.Day || (got.Day < start.Day && got.Day != daysIn(got.Year, got.Month)) {
			t.Fatalf("AddMonths(%s, %d) = %s: wrong day", start, n, got)
		}
		if norm(got) != got {
			t.Fatalf("AddMonths(%s, %d) = %#v not normalised", start, n, got)
		}
		if n >= 0 && got.Before(start) || n < 0 && got.After(start) {
			t.Fatalf("AddMonths(%s, %d) = %s on the wrong side", start, n, got)
		}
		// month limits: never before the naive day, at most a run of days off after it
		if n >= 0 && got.Year < 2199 {
			due, rolled := DefaultPolicy().MonthLimit(cal, start, n)
			checkWorkingDay(t, cal, due, rolled, got)
		}
	})
}

func FuzzDayLimit(f *testing.F) {
	f.Add(int32(46080), uint16(20), false) // 2026-03-01 + 20
	f.Add(int32(46080), uint16(21), true)  // Sunday, rolled
	f.Add(int32(46052), uint16(16), true)  // 2026-02-01 + 16: onto Tết 2026
	f.Add(int32(100), uint16(0), true)
	f.Add(int32(-1), uint16(65535), false)
	cal := NewCalendar().WithAnnouncements([]Announcement{{Date: d("2026-09-01"), Kind: AnnouncedDayOff}})
	f.Fuzz(func(t *testing.T, off int32, days uint16, roll bool) {
		start := fuzzDate(off)
		p := DefaultPolicy()
		p.RollDayLimits = roll
		due, rolled := p.DayLimit(cal, start, int(days))
		naive := start.AddDays(int(days))
		if AddDays(start, int(days)) != naive || daysBetween(start, naive) != int(days) {
			t.Fatalf("AddDays(%s, %d) inconsistent", start, days)
		}
		if !roll {
			if rolled || due != naive {
				t.Fatalf("default policy moved %s → %s", naive, due)
			}
			return
		}
		if due.Year < 2199 {
			checkWorkingDay(t, cal, due, rolled, naive)
		}
		l := Limit{Start: start, Due: due}
		if DaysLeft(start, l) != daysBetween(start, due) || DaysLeft(due, l) != 0 || DaysLeft(due.AddDays(1), l) != -1 {
			t.Fatalf("DaysLeft inconsistent for %+v", l)
		}
	})
}

func FuzzIntakeDeadlines(f *testing.F) {
	f.Add(int32(46080)) // 2026-03-01
	f.Add(int32(46042)) // 2026-01-22
	f.Add(int32(46110)) // 2026-03-31
	f.Add(int32(45320)) // 2024-01-31
	f.Add(int32(0))
	cal := NewCalendar()
	p := DefaultPolicy()
	f.Fuzz(func(t *testing.T, off int32) {
		received := fuzzDate(off)
		if received.Year > 2198 {
			return
		}
		notice := IntakeNoticeToProcuracy(p, cal, received)
		base := IntakeBase(p, cal, received)
		body1, err1 := IntakeBodyExtension(p, cal, received, 1)
		body2, err2 := IntakeBodyExtension(p, cal, received, 2)
		proc1, err3 := IntakeProcuracyExtension(p, cal, received, 1)
		proc2, err4 := IntakeProcuracyExtension(p, cal, received, 2)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			t.Fatal(err)
		}
		chain := []Limit{notice, base, body1, body2, proc1, proc2}
		for i, l := range chain {
			if l.Start != received || !l.Due.After(received) || l.Basis == "" || l.BasisEN == "" {
				t.Fatalf("limit %d = %+v", i, l)
			}
			if i > 0 && !l.Due.After(chain[i-1].Due) {
				t.Fatalf("limit %d (%s) not after limit %d (%s)", i, l.Due, i-1, chain[i-1].Due)
			}
			if l.Rolled && cal.IsDayOff(l.Due) {
				t.Fatalf("limit %d rolled onto a day off %s", i, l.Due)
			}
			if rb := RequestBy(l, IntakeExtensionRequestLeadDays); daysBetween(rb, l.Due) != IntakeExtensionRequestLeadDays {
				t.Fatalf("RequestBy %s for %s", rb, l.Due)
			}
		}
		// at most 4 months (plus a run of days off) from receipt
		if daysBetween(AddMonths(received, 4), proc2.Due) > maxDaysOff {
			t.Fatalf("procuracy extension %s too far from %s", proc2.Due, received)
		}
		resumed := IntakeResumption(p, cal, received)
		cancelled := IntakeAfterCancelledSuspension(p, cal, received)
		if resumed.Due != body1.Due || cancelled.Due != body1.Due {
			t.Fatalf("1-month limits differ: %s %s %s", resumed.Due, cancelled.Due, body1.Due)
		}
	})
}

func FuzzStageLimits(f *testing.F) {
	f.Add(int32(46080), uint8(0), uint8(3), uint8(4), uint8(0), uint8(2), true)
	f.Add(int32(46080), uint8(8), uint8(0), uint8(3), uint8(3), uint8(2), false)
	f.Add(int32(46200), uint8(4), uint8(2), uint8(30), uint8(1), uint8(1), false)
	f.Add(int32(46200), uint8(7), uint8(3), uint8(5), uint8(3), uint8(4), true)
	cal := NewCalendar()
	f.Fuzz(func(t *testing.T, off int32, stageIdx, catIdx, length, unit, count uint8, flags bool) {
		start := fuzzDate(off)
		if start.Year < 2018 || start.Year > 2190 {
			return
		}
		stage := Stages[int(stageIdx)%len(Stages)]
		cat := Categories[int(catIdx)%len(Categories)]
		p := DefaultPolicy()
		p.RollDayLimits = flags
		p.DetentionExtraExtension = flags
		p.CustodyStartDayExcluded = !flags
		if stage == StageSupplementaryInvestigation {
			by := []Returner{ReturnedByProcuracy, ReturnedByJudge, ReturnedByTrialPanel}[int(catIdx)%3]
			l, err := SupplementaryInvestigation(p, cal, by, int(count%3), start)
			if err == nil && (l.Due.Before(start) || cal.IsDayOff(l.Due)) {
				t.Fatalf("supplementary %+v", l)
			}
			return
		}
		r, err := defaultProcedure.Rule(p, start, stage, cat)
		if err != nil {
			t.Fatal(err)
		}
		g := Days(int(length))
		if unit%2 == 1 {
			g = Months(int(length % 8))
		}
		granted := make([]Period, int(count%6))
		for i := range granted {
			granted[i] = g
		}
		l, err := r.Limit(p, cal, start, granted...)
		if err != nil {
			var e *ctip.Error
			if !errors.As(err, &e) || e.Kind != ctip.Invalid || len(e.Args) == 0 || e.Args[0] != (ctip.Text{VI: r.Basis, EN: r.BasisEN}) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		if !l.Due.After(start) || l.Start != start || l.Basis != r.Basis {
			t.Fatalf("limit %+v from %s", l, start)
		}
		max := r.MaxLimit(p, cal, start)
		if l.Due.After(max.Due) {
			t.Fatalf("%s %s: granted %v gives %s after the maximum %s", stage, cat, granted, l.Due, max.Due)
		}
		if r.Custodial {
			if l.Rolled {
				t.Fatal("custodial limits never roll")
			}
			return
		}
		naive, last := addPeriod(start, r.Base), r.Base
		for _, x := range granted {
			naive, last = addPeriod(naive, x), x
		}
		if l.Due.Before(naive) || daysBetween(naive, l.Due) > maxDaysOff {
			t.Fatalf("due %s too far from %s", l.Due, naive)
		}
		if l.Rolled && cal.IsDayOff(l.Due) {
			t.Fatalf("rolled onto a day off: %+v", l)
		}
		if !l.Rolled && l.Due == naive {
			return
		}
		if last.Days > 0 && !flags && !l.Rolled {
			t.Fatalf("day limit moved %s → %s", naive, l.Due)
		}
	})
}

func FuzzParseAnnouncements(f *testing.F) {
	f.Add([]byte("date,kind,note\n2026-09-01,day_off,National Day (adjacent day)\n2026-01-10,working_day,\n"))
	f.Add([]byte("\uFEFFdate,kind\n02/01/2026,day_off\n"))
	f.Add([]byte("date,kind,note\n2026-01-12,working_day,x\n"))
	f.Add([]byte("date,kind,note\n\"2026-09-01,day_off\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := ParseAnnouncements(bytes.NewReader(in))
		if err != nil {
			var e *ctip.Error
			if !errors.As(err, &e) || e.Kind != ctip.Invalid || e.Key != KeyAnnouncementInvalid {
				t.Fatalf("bad error %v", err)
			}
			if line, ok := e.Args[0].(int); !ok || line < 1 {
				t.Fatalf("bad line in %v", err)
			}
			return
		}
		seen := map[ctip.Date]bool{}
		for _, a := range got {
			if seen[a.Date] || a.Date.IsZero() || norm(a.Date) != a.Date {
				t.Fatalf("bad or duplicate date %v", a)
			}
			seen[a.Date] = true
			switch a.Kind {
			case AnnouncedDayOff:
			case AnnouncedWorkingDay:
				if wd := a.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
					t.Fatalf("working day on a weekday: %v", a)
				}
			default:
				t.Fatalf("bad kind %v", a)
			}
		}
		cal := NewCalendar().WithAnnouncements(got)
		for _, a := range got {
			if cal.IsDayOff(a.Date) != (a.Kind == AnnouncedDayOff) {
				t.Fatalf("announcement %v not applied", a)
			}
		}
	})
}

func FuzzSolarLunar(f *testing.F) {
	f.Add(int32(31066)) // 1985-01-21
	f.Add(int32(46068)) // 2026-02-17
	f.Add(int32(45861)) // 2025-07-25, leap month
	f.Add(int32(0))
	f.Fuzz(func(t *testing.T, off int32) {
		x := fuzzDate(off)
		if x.Before(d("1900-02-01")) {
			return
		}
		day, month, year, leap := SolarToLunar(x)
		if day < 1 || day > 30 || month < 1 || month > 12 || year < x.Year-1 || year > x.Year {
			t.Fatalf("SolarToLunar(%s) = %d/%d/%d", x, day, month, year)
		}
		back, ok := LunarToSolar(day, month, year, leap)
		if !ok || back != x {
			t.Fatalf("round trip %s → %d/%d/%d %v → %s", x, day, month, year, leap, back)
		}
		tet := LunarNewYear(x.Year)
		if (year == x.Year) != !x.Before(tet) {
			t.Fatalf("%s: lunar year %d but Tết is %s", x, year, tet)
		}
	})
}

package legal

import (
	"time"

	"ctip"
)

// Policy holds the settings for rules that LEGAL.md marks unverified (U) or
// secondary (S): the package never hard-codes them. Start from DefaultPolicy
// and change single fields; the zero Policy is not the default.
type Policy struct {
	// RollDayLimits: whether a DAY-based limit ending on a day off also moves
	// to the next working day (CPC Art. 134(1) states the roll-forward in the
	// sentence on month-based limits; commentary disagrees on whether it also
	// governs day-based ones).
	// LEGAL.md §1.6 marks this U; default false (conservative for alerting:
	// do not extend).
	RollDayLimits bool
}

// DefaultPolicy returns the documented defaults of every setting.
func DefaultPolicy() Policy {
	return Policy{
		RollDayLimits: false,
	}
}

// Limit is a computed time limit (thời hạn): Due is its last day (the limit
// ends at 24:00 of Due, Vietnam time — CPC Art. 134(1)).
type Limit struct {
	Start   ctip.Date // the day the limit counts from (not counted itself)
	Due     ctip.Date
	Rolled  bool   // Due was moved off a day off to the next working day
	Basis   string // citation shown to users, Vietnamese, e.g. "BLTTHS Điều 147 khoản 1"
	BasisEN string // the same in English, e.g. "CPC Art. 147(1)"
}

// AddDays returns the last day of a limit of n days counted from start, the
// start day itself not counted: start + n. The limit ends at 24:00 of that
// day (CPC Art. 134(1): "thời hạn sẽ hết vào lúc 24 giờ ngày cuối cùng").
func AddDays(start ctip.Date, n int) ctip.Date {
	return norm(start).AddDays(n)
}

// AddMonths returns the last day of a limit of n months counted from start:
// the same-numbered day n months later, or the last day of that month when it
// has no such day (CPC Art. 134(1): "hết vào ngày trùng của tháng sau; nếu
// tháng đó không có ngày trùng thì ... ngày cuối cùng của tháng đó"). n may be
// negative.
func AddMonths(start ctip.Date, n int) ctip.Date {
	s := norm(start)
	idx := s.Year*12 + int(s.Month) - 1 + n
	y := floorDiv(idx, 12)
	m := time.Month(idx - y*12 + 1)
	day := s.Day
	if last := daysIn(y, m); day > last {
		day = last
	}
	return ctip.Date{Year: y, Month: m, Day: day}
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// DayLimit computes a limit of days counted from start (CPC Art. 134(1)): the
// last day is start + days; it moves to the next working day only when
// p.RollDayLimits is set and it falls on a day off of cal.
func (p Policy) DayLimit(cal *Calendar, start ctip.Date, days int) (due ctip.Date, rolled bool) {
	due = AddDays(start, days)
	if p.RollDayLimits && cal.IsDayOff(due) {
		return cal.NextWorkingDay(due), true
	}
	return due, false
}

// MonthLimit computes a limit of months counted from start (CPC Art.
// 134(1)): AddMonths, then, if that day is a day off of cal, the first
// working day after it is the last day ("nếu thời hạn hết vào ngày nghỉ thì
// ngày làm việc đầu tiên tiếp theo được tính là ngày cuối cùng"). It always
// rolls, whatever the policy.
func (p Policy) MonthLimit(cal *Calendar, start ctip.Date, months int) (due ctip.Date, rolled bool) {
	due = AddMonths(start, months)
	if cal.IsDayOff(due) {
		return cal.NextWorkingDay(due), true
	}
	return due, false
}

// DaysLeft returns the number of days from today to the last day of l: 0 on
// the last day, negative when overdue.
func DaysLeft(today ctip.Date, l Limit) int {
	return daysBetween(today, l.Due)
}

// daysBetween returns the number of days from a to b (negative if b is
// earlier), exact for any years.
func daysBetween(a, b ctip.Date) int {
	return jdnOf(norm(b)) - jdnOf(norm(a))
}

// dayLimit and monthLimit build a Limit with its citation.
func (p Policy) dayLimit(cal *Calendar, start ctip.Date, days int, c cite) Limit {
	due, rolled := p.DayLimit(cal, start, days)
	return Limit{Start: norm(start), Due: due, Rolled: rolled, Basis: c.vi, BasisEN: c.en}
}

func (p Policy) monthLimit(cal *Calendar, start ctip.Date, months int, c cite) Limit {
	due, rolled := p.MonthLimit(cal, start, months)
	return Limit{Start: norm(start), Due: due, Rolled: rolled, Basis: c.vi, BasisEN: c.en}
}

// cite is a citation in both languages.
type cite struct{ vi, en string }

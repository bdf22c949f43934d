package legal

import (
	"time"

	"ctip"
)

// Policy holds the settings for rules that LEGAL.md marks unverified (U) or
// secondary (S): the package never hard-codes them. The zero Policy is the
// default (nil authority lists mean the documented defaults); DefaultPolicy
// spells the defaults out.
type Policy struct {
	// RollDayLimits: whether a DAY-based limit ending on a day off also moves
	// to the next working day (CPC Art. 134(1) states the roll-forward in the
	// sentence on month-based limits; commentary disagrees on whether it also
	// governs day-based ones).
	// LEGAL.md §1.6 marks this U; default false (conservative for alerting:
	// do not extend).
	RollDayLimits bool

	// InvestigationExtenders: who may grant each investigation extension
	// (CPC Art. 172(5)), by category, in order. The allocation after Law
	// 99/2025/QH15 is U (LEGAL.md §1.3, §8 item 1). Default: the pre-2025
	// allocation for a case investigated by a provincial-level investigating
	// body (the only local level since 1 Mar 2025), S [cpc-172c]:
	// ÍNT provincial; NT provincial, provincial; RNT provincial, provincial;
	// ĐBNT provincial, provincial, supreme procuracy, then the Procurator
	// General's extraordinary extension (V).
	InvestigationExtenders map[Category][]Authority

	// DetentionExtenders: who may grant each extension of detention for
	// investigation (CPC Art. 173), by category, in order. U for the same
	// reason. Default: the provincial procuracy for every extension, and the
	// Procurator General for the extraordinary one.
	DetentionExtenders map[Category][]Authority

	// DetentionExtraExtension: whether the Procurator General may extend the
	// detention of a suspect of an especially serious crime once more by
	// ≤ 4 months beyond the 12-month maximum (→ 16 months). LEGAL.md §1.5
	// marks it S (commentary only); default false: the verified 12-month
	// maximum is enforced until counsel confirms.
	DetentionExtraExtension bool

	// CustodyStartDayExcluded: whether the first day of custody or detention
	// is NOT counted as one of its days (the general reading for other
	// limits: a 3-day custody from 10 Mar ends on 13 Mar, a 2-month detention
	// from 1 Mar 60 days later) instead of being counted (ends 12 Mar / 59
	// days later). Art. 134(1) only says the limit ends on the date written in
	// the order; LEGAL.md does not settle the count (U). Default false: the
	// start day counts, giving the earlier, conservative day — the order's
	// date prevails anyway.
	CustodyStartDayExcluded bool

	// StageDetentionUncapped: whether a detention order of the procuracy in
	// the prosecution stage (CPC Art. 241) or of the court in trial
	// preparation (Art. 278) may run beyond that stage's time limit
	// (Arts 240, 277). LEGAL.md §1.5 marks the cap U (commentary only:
	// "detention may not exceed the prosecution / trial-preparation time
	// limits"). Default false: the cap is enforced (on) until counsel says
	// otherwise; a setting (CTIP_STAGE_DETENTION_CAP), not a constant.
	StageDetentionUncapped bool
}

// DefaultPolicy returns the documented defaults of every setting; it
// behaves exactly like the zero Policy. Each call returns fresh maps, so a
// caller may change them.
func DefaultPolicy() Policy {
	return Policy{
		RollDayLimits:           false,
		InvestigationExtenders:  defaultInvestigationExtenders(),
		DetentionExtenders:      defaultDetentionExtenders(),
		DetentionExtraExtension: false,
		CustodyStartDayExcluded: false,
		StageDetentionUncapped:  false,
	}
}

func defaultInvestigationExtenders() map[Category][]Authority {
	prov, supreme := AuthProvincialProcuracy, AuthSupremeProcuracy
	return map[Category][]Authority{
		LessSerious:       {prov},
		Serious:           {prov, prov},
		VerySerious:       {prov, prov},
		EspeciallySerious: {prov, prov, supreme, AuthProcuratorGeneral},
	}
}

func defaultDetentionExtenders() map[Category][]Authority {
	prov := AuthProvincialProcuracy
	return map[Category][]Authority{
		LessSerious:       {prov},
		Serious:           {prov},
		VerySerious:       {prov},
		EspeciallySerious: {prov, prov, AuthProcuratorGeneral},
	}
}

// Limit is a computed time limit (thời hạn): Due is its last day (the limit
// ends at 24:00 of Due, Vietnam time — CPC Art. 134(1)).
type Limit struct {
	Start   ctip.Date // the day the limit counts from (not counted itself, except custody/detention unless Policy.CustodyStartDayExcluded)
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

// text is the citation as a message argument (each language its wording).
func (c cite) text() ctip.Text { return ctip.Text{VI: c.vi, EN: c.en} }

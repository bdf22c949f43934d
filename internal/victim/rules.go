package victim

import (
	"slices"
	"time"

	"ctip"
)

// Class is the beneficiary class (đối tượng được hỗ trợ) that decides which
// support regimes are allowed (Law 53/2024 Art. 37(1)-(4); LEGAL.md §3.7).
type Class string

// The classes.
const (
	// ClassCitizenVictim — nạn nhân là công dân Việt Nam hoặc người không quốc
	// tịch thường trú tại Việt Nam: regimes a–k.
	ClassCitizenVictim Class = "citizen_victim"
	// ClassAccompanyingVictim — người dưới 18 tuổi đi cùng nạn nhân: a–h.
	ClassAccompanyingVictim Class = "accompanying_victim"
	// ClassIdentifiedAbroad — người đang trong quá trình xác định là nạn nhân là
	// công dân Việt Nam ở nước ngoài (and accompanying under-18s): a–d.
	ClassIdentifiedAbroad Class = "identified_abroad"
	// ClassIdentifiedInVN — người đang trong quá trình xác định là nạn nhân ở
	// trong nước (citizen or stateless resident; and accompanying under-18s): a–g.
	ClassIdentifiedInVN Class = "identified_in_vn"
	// ClassForeign — nạn nhân, người đang trong quá trình xác định là nạn nhân
	// là người nước ngoài bị mua bán tại Việt Nam: a, b, c, d, đ, g (case by case).
	ClassForeign Class = "foreign"
	// ClassNone — xác định không phải là nạn nhân: no support regime.
	ClassNone Class = "none"
)

// ClassRule is one row of the beneficiary table, with its legal basis.
type ClassRule struct {
	Class   Class
	Regimes []Regime
	Basis   string
}

// ClassRules is LEGAL.md §3.7 as data (Law 53/2024 Art. 37; Decree 162/2025).
var ClassRules = map[Class]ClassRule{
	ClassCitizenVictim: {ClassCitizenVictim, Regimes, "Luật 53/2024 Điều 37 khoản 2 (a–k)"},
	ClassAccompanyingVictim: {ClassAccompanyingVictim, []Regime{EssentialNeeds, Medical, Interpretation, LegalAdvice, LegalAid, Travel,
		Psychological, Schooling}, "Luật 53/2024 Điều 37 khoản 2 (a–h)"},
	ClassIdentifiedAbroad: {ClassIdentifiedAbroad, []Regime{EssentialNeeds, Medical, Interpretation, LegalAdvice}, "Luật 53/2024 Điều 37 khoản 3 (a–d)"},
	ClassIdentifiedInVN: {ClassIdentifiedInVN, []Regime{EssentialNeeds, Medical, Interpretation, LegalAdvice, LegalAid, Travel, Psychological},
		"Luật 53/2024 Điều 37 khoản 3 (a–g)"},
	ClassForeign: {ClassForeign, []Regime{EssentialNeeds, Medical, Interpretation, LegalAdvice, LegalAid, Psychological}, "Luật 53/2024 Điều 37 khoản 4 (a, b, c, d, đ, g)"},
	ClassNone:    {ClassNone, nil, "Luật 53/2024 Điều 37 (không thuộc đối tượng)"},
}

// ClassOf returns the beneficiary class from the identification status,
// nationality and where the person was found; accompanying under-18s take
// their class from the victim they accompany (principal).
func ClassOf(status Status, nationality string, statelessResident, foundAbroad bool, principal *Class) Class {
	if principal != nil {
		switch *principal {
		case ClassCitizenVictim:
			return ClassAccompanyingVictim
		case ClassIdentifiedAbroad, ClassIdentifiedInVN, ClassForeign, ClassNone:
			return *principal
		case ClassAccompanyingVictim:
			return ClassAccompanyingVictim
		}
	}
	citizen := nationality == "VN" || nationality == "" // unknown nationality: treated as a citizen until shown otherwise
	resident := citizen || statelessResident && nationality == "XX"
	switch status {
	case NotVictim:
		return ClassNone
	case Victim:
		if resident {
			return ClassCitizenVictim
		}
		return ClassForeign
	default: // being identified
		if !resident {
			return ClassForeign
		}
		if foundAbroad && citizen {
			return ClassIdentifiedAbroad
		}
		return ClassIdentifiedInVN
	}
}

// Allowed reports whether a class may receive a regime; when not, it returns
// the rule that refuses it.
func Allowed(c Class, r Regime) (bool, ClassRule) {
	rule := ClassRules[c]
	return slices.Contains(rule.Regimes, r), rule
}

// Transitions of identification: an explicit table.
var transitions = map[Status][]Status{
	BeingIdentified: {Victim, NotVictim},
	Victim:          {},
	NotVictim:       {},
}

// CanTransition reports whether an identification decision may move a file
// from one status to another.
func CanTransition(from, to Status) bool { return slices.Contains(transitions[from], to) }

// VerificationDays is the initial-verification limit: the provincial health
// department leads initial verification with provincial police no later
// than 3 days after receiving the person (Law 53/2024 Art. 27(4) as amended
// by Law 86/2025).
const VerificationDays = 3

// VerificationDue returns the last day of initial verification.
func VerificationDue(healthReceived time.Time) ctip.Date {
	return ctip.DateOf(healthReceived).AddDays(VerificationDays)
}

// EssentialDays is the limit of accommodation and essential-needs support
// (Decree 162/2025 Art. 17): 120 days; longer stays need a decision of the
// facility director or the health department.
const EssentialDays = 120

// EssentialClock is the 120-day clock of a file on a day.
type EssentialClock struct {
	Start    ctip.Date
	LastDay  ctip.Date
	Used     int
	Left     int
	Over     bool
	Extended bool
	Stopped  ctip.Date // the file was closed: the support ended that day
}

// EssentialClockOf computes the clock. It stops when the file is closed
// (the person has left the support), so a closed file is never "over".
func EssentialClockOf(f *File, today ctip.Date) EssentialClock {
	if f.EssentialStart.IsZero() {
		return EssentialClock{}
	}
	c := EssentialClock{Start: f.EssentialStart, LastDay: f.EssentialStart.AddDays(EssentialDays - 1), Extended: f.EssentialExt != ""}
	end := today
	if !f.ClosedOn.IsZero() && f.ClosedOn.Before(today) {
		end, c.Stopped = f.ClosedOn, f.ClosedOn
	}
	c.Used = f.EssentialStart.DaysUntil(end) + 1
	c.Left = end.DaysUntil(c.LastDay)
	c.Over = c.Stopped.IsZero() && c.Left < 0 && !c.Extended
	return c
}

// VerificationState is the state of the 3-day clock.
func VerificationState(f *File, today ctip.Date) string {
	switch {
	case f.VerificationDue.IsZero():
		return "not_started"
	case !f.VerifiedOn.IsZero():
		if f.VerifiedOn.After(f.VerificationDue) {
			return "done_late"
		}
		return "done"
	case today.After(f.VerificationDue):
		return "overdue"
	}
	return "running"
}

// IsChild reports whether a person born in a year is under 18 on a day
// (a child needs no "means" to be a trafficking victim: Art. 2(1)).
func IsChild(birthYear int, today ctip.Date) bool {
	return birthYear != 0 && today.Year-birthYear < 18
}

// SmallCell is the suppression threshold of the aggregate needs view:
// counts below it are shown as "< 5".
const SmallCell = 5

package legal

import (
	"ctip"
)

// Resolution of crime information (giải quyết nguồn tin về tội phạm: tố
// giác, tin báo về tội phạm, kiến nghị khởi tố), CPC Arts 146–149,
// LEGAL.md §1.1–1.2. Every limit counts from the day named by its parameter,
// that day not counted (Art. 134(1)).

// Citations of the crime-information rules.
var (
	citeIntakeNotice       = cite{"BLTTHS Điều 146", "CPC Art. 146"}
	citeIntakeBase         = cite{"BLTTHS Điều 147 khoản 1", "CPC Art. 147(1)"}
	citeIntakeBodyExt      = cite{"BLTTHS Điều 147 khoản 2", "CPC Art. 147(2)"}
	citeIntakeProcuracyExt = cite{"BLTTHS Điều 147 khoản 3", "CPC Art. 147(3)"}
	citeIntakeCancelled    = cite{"BLTTHS Điều 148 khoản 2", "CPC Art. 148(2)"}
	citeIntakeResumed      = cite{"BLTTHS Điều 149 khoản 1", "CPC Art. 149(1)"}
)

// Crime-information limits (CPC Art. 147, LEGAL.md §1.2, all V).
const (
	// IntakeBaseDays — 20 days from receipt to decide (Art. 147(1)).
	IntakeBaseDays = 20
	// IntakeNoticeDays — written notice to the procuracy within 3 days of
	// receipt (Art. 146).
	IntakeNoticeDays = 3
	// IntakeBodyMaxMonths — the investigating body may lengthen the period to
	// at most 2 months in total from receipt (Art. 147(2)).
	IntakeBodyMaxMonths = 2
	// IntakeProcuracyMaxMonths — the procuracy may extend once by at most 2
	// more months (Art. 147(3)), so at most 4 months in total.
	IntakeProcuracyMaxMonths = 2
	// IntakeExtensionRequestLeadDays — the investigating body must ask the
	// procuracy for the Art. 147(3) extension in writing at least 5 days
	// before the period expires.
	IntakeExtensionRequestLeadDays = 5
	// IntakeAfterSuspensionMonths — after a resumption (Art. 149(1)) or the
	// procuracy's cancellation of a suspension (Art. 148(2)), resolution
	// continues for at most 1 month.
	IntakeAfterSuspensionMonths = 1
)

// IntakeBase returns the 20-day limit to resolve crime information, counted
// from the day it was received (Art. 147(1)).
func IntakeBase(p Policy, cal *Calendar, received ctip.Date) Limit {
	return p.dayLimit(cal, received, IntakeBaseDays, citeIntakeBase)
}

// IntakeNoticeToProcuracy returns the limit for the investigating body's
// written notice to the procuracy: 3 days from receipt (Art. 146).
func IntakeNoticeToProcuracy(p Policy, cal *Calendar, received ctip.Date) Limit {
	return p.dayLimit(cal, received, IntakeNoticeDays, citeIntakeNotice)
}

// IntakeBodyExtension returns the limit lengthened by the head of the
// investigating body for a complex matter or one needing verification in
// several places: totalMonths (1 or 2) IN TOTAL counted from receipt
// (Art. 147(2)). Out of range → *ctip.Error Invalid with
// KeyIntakeExtensionTooLong or KeyExtensionNotPositive.
func IntakeBodyExtension(p Policy, cal *Calendar, received ctip.Date, totalMonths int) (Limit, error) {
	if err := checkMonths(totalMonths, IntakeBodyMaxMonths, KeyIntakeExtensionTooLong, citeIntakeBodyExt); err != nil {
		return Limit{}, err
	}
	return p.monthLimit(cal, received, totalMonths, citeIntakeBodyExt), nil
}

// IntakeProcuracyExtension returns the limit after the Chief Procurator's
// extension: once, by months (1 or 2) beyond the 2-month period, at most 4
// months in total (Art. 147(3)). The new last day is received + (2 + months)
// months, moved off a day off. The request must reach the procuracy at least
// IntakeExtensionRequestLeadDays days before the current limit expires (see
// RequestBy).
func IntakeProcuracyExtension(p Policy, cal *Calendar, received ctip.Date, months int) (Limit, error) {
	if err := checkMonths(months, IntakeProcuracyMaxMonths, KeyIntakeExtensionTooLong, citeIntakeProcuracyExt); err != nil {
		return Limit{}, err
	}
	return p.monthLimit(cal, received, IntakeBodyMaxMonths+months, citeIntakeProcuracyExt), nil
}

// IntakeResumption returns the limit after a decision to resume resolving
// suspended crime information (quyết định phục hồi): at most 1 month from the
// decision (Art. 149(1)).
func IntakeResumption(p Policy, cal *Calendar, resumedOn ctip.Date) Limit {
	return p.monthLimit(cal, resumedOn, IntakeAfterSuspensionMonths, citeIntakeResumed)
}

// IntakeAfterCancelledSuspension returns the limit after the procuracy
// cancels an unfounded suspension (hủy bỏ quyết định tạm đình chỉ): at most 1
// month from the day the investigating body receives the cancellation
// (Art. 148(2)).
func IntakeAfterCancelledSuspension(p Policy, cal *Calendar, receivedCancellation ctip.Date) Limit {
	return p.monthLimit(cal, receivedCancellation, IntakeAfterSuspensionMonths, citeIntakeCancelled)
}

// RequestBy returns the last day on which an extension of l may be asked for
// when the request must be made at least leadDays days before l expires
// (e.g. IntakeExtensionRequestLeadDays, or the 10 days of Arts 172–173):
// l.Due − leadDays. The rule is a minimum notice, so the day is not moved off
// a day off (moving it later would shorten the notice).
func RequestBy(l Limit, leadDays int) ctip.Date {
	return AddDays(l.Due, -leadDays)
}

// checkMonths validates an extension length of 1..max months.
func checkMonths(months, max int, tooLongKey string, c cite) error {
	if months < 1 {
		return invalid(KeyExtensionNotPositive, c.text())
	}
	if months > max {
		return invalid(tooLongKey, c.text(), max)
	}
	return nil
}

package legal

import "ctip"

// Convenience functions over DefaultProcedure: one per stage. Each selects
// the version in force on the day the limit starts, applies p's settings and
// returns a *ctip.Error Invalid for an unknown category, a date before
// 1 Jan 2018 (KeyNoRulesInForce) or an extension the law does not allow
// (see TimeRule.Limit). granted lists the extensions decided so far, in
// order, each at most the step's maximum; none gives the base limit.

// Investigation returns the investigation limit (thời hạn điều tra, CPC
// Art. 172) from the decision to initiate the case: base 2/3/4/4 months;
// extensions ÍNT 1 × 2 m, NT 3 m then 2 m, RNT 2 × 4 m, ĐBNT 3 × 4 m plus the
// Procurator General's extraordinary 4 m; totals 4/8/12/16 (20) months
// (LEGAL.md §1.3, §1.7). Requests ≥ 10 days before expiry.
func Investigation(p Policy, cal *Calendar, cat Category, initiated ctip.Date, granted ...Period) (Limit, error) {
	return stageLimit(p, cal, StageInvestigation, cat, initiated, granted)
}

// ResumedInvestigation returns the limit of a resumed investigation (phục
// hồi điều tra, CPC Art. 174(1)) from the resumption decision: 2 months (ÍNT,
// NT) or 3 months (RNT, ĐBNT), one extension of ≤ 1 m (ÍNT), 2 m (NT, RNT)
// or 3 m (ĐBNT).
func ResumedInvestigation(p Policy, cal *Calendar, cat Category, resumedOn ctip.Date, granted ...Period) (Limit, error) {
	return stageLimit(p, cal, StageResumedInvestigation, cat, resumedOn, granted)
}

// SupplementaryInvestigation returns the limit of a supplementary
// investigation (điều tra bổ sung, CPC Art. 174(2)) from the day the
// investigating body receives the file back: ≤ 2 months when the procuracy
// returned it (at most 2 returns), ≤ 1 month when the court did (the judge
// once during trial preparation, the trial panel once). priorReturns is how
// many times the same returner has already returned the file in this case;
// one return too many is KeySupplementaryTooManyReturns (args: citation,
// returner, allowed returns).
func SupplementaryInvestigation(p Policy, cal *Calendar, by Returner, priorReturns int, receivedBack ctip.Date) (Limit, error) {
	r, err := defaultProcedure.SupplementaryRule(receivedBack, by)
	if err != nil {
		return Limit{}, err
	}
	if priorReturns < 0 || priorReturns >= r.MaxReturns {
		return Limit{}, invalid(KeySupplementaryTooManyReturns, ctip.Text{VI: r.Basis, EN: r.BasisEN}, string(by), r.MaxReturns)
	}
	return p.monthLimit(cal, receivedBack, r.Period.Months, cite{r.Basis, r.BasisEN}), nil
}

// Prosecution returns the limit for the procuracy's decision on prosecution
// (quyết định việc truy tố, CPC Art. 240) from its receipt of the file and
// the investigation conclusion: 20 days (ÍNT, NT) or 30 days (RNT, ĐBNT);
// one extension by the Chief Procurator of ≤ 10 / 10 / 15 / 30 days.
func Prosecution(p Policy, cal *Calendar, cat Category, fileReceived ctip.Date, granted ...Period) (Limit, error) {
	return stageLimit(p, cal, StageProsecution, cat, fileReceived, granted)
}

// TrialPreparation returns the first-instance trial-preparation limit
// (chuẩn bị xét xử sơ thẩm, CPC Art. 277) from the acceptance of the case:
// 30 days, 45 days, 2 months or 3 months; one extension by the Chief Judge
// of ≤ 15 / 15 / 30 / 30 days.
func TrialPreparation(p Policy, cal *Calendar, cat Category, accepted ctip.Date, granted ...Period) (Limit, error) {
	return stageLimit(p, cal, StageTrialPreparation, cat, accepted, granted)
}

// TrialDecisionAfterReturn returns the 15-day limit to decide to bring the
// case to trial after the file returned for supplementary investigation
// comes back to the court (CPC Art. 277).
func TrialDecisionAfterReturn(p Policy, cal *Calendar, receivedBack ctip.Date) (Limit, error) {
	return stageLimit(p, cal, StageTrialDecisionAfterReturn, "", receivedBack, nil)
}

// Hearing returns the limit to open the hearing (mở phiên tòa, CPC Art. 277):
// 15 days from the decision to bring the case to trial, or 30 days when
// forceMajeure (force majeure or an objective obstacle).
func Hearing(p Policy, cal *Calendar, decidedOn ctip.Date, forceMajeure bool) (Limit, error) {
	var granted []Period
	if forceMajeure {
		granted = []Period{Days(15)}
	}
	return stageLimit(p, cal, StageHearing, "", decidedOn, granted)
}

// Custody returns the temporary-custody limit (tạm giữ, CPC Art. 118) from
// the day the investigating body receives the person: 3 days; up to two
// extensions of ≤ 3 days (the second only in special cases), each approved
// by the procuracy; never moved off a day off (Art. 134(1)).
func Custody(p Policy, received ctip.Date, granted ...Period) (Limit, error) {
	return stageLimit(p, nil, StageCustody, "", received, granted)
}

// Detention returns the limit of detention for investigation (tạm giam,
// CPC Art. 173): base 2/3/4/4 months; extensions ÍNT 1 × 1 m, NT 1 × 2 m,
// RNT 1 × 3 m, ĐBNT 2 × 4 m (max 3/5/7/12 months), plus the S ≤ 4-month
// extension by the Procurator General for ĐBNT when
// p.DetentionExtraExtension. A month counts as 30 days, the limit ends on the
// computed day and is never moved (Art. 134(1)); the date written in the
// detention order prevails over this computation. Requests ≥ 10 days before
// expiry.
func Detention(p Policy, cat Category, start ctip.Date, granted ...Period) (Limit, error) {
	return stageLimit(p, nil, StageDetention, cat, start, granted)
}

// StageDetentionBasis returns the citation of detention ordered in a stage
// after the investigation: the procuracy's in prosecution (CPC Art. 241),
// the court's in trial preparation (Art. 278); false for other stages.
func StageDetentionBasis(stage Stage) (vi, en string, ok bool) {
	switch stage {
	case StageProsecution:
		return "BLTTHS Điều 241", "CPC Art. 241", true
	case StageTrialPreparation:
		return "BLTTHS Điều 278", "CPC Art. 278", true
	}
	return "", "", false
}

// OrderedDetention returns the limit of a detention ordered by the procuracy
// in the prosecution stage (tạm giam để truy tố, CPC Art. 241) or by the
// court in trial preparation (tạm giam để chuẩn bị xét xử, Art. 278), from
// start to the end date written in the order (orderEnd, which prevails,
// Art. 134(1)). Unless p.StageDetentionUncapped, the order may not end
// after stageDue, the stage's time limit (Arts 240, 277; LEGAL.md §1.5, U):
// KeyStageDetentionBeyondStage. A zero stageDue (no stage limit running)
// is not checked. An unknown stage is KeyUnknownStage.
func OrderedDetention(p Policy, stage Stage, start, orderEnd, stageDue ctip.Date) (Limit, error) {
	vi, en, ok := StageDetentionBasis(stage)
	if !ok {
		return Limit{}, invalid(KeyUnknownStage, string(stage))
	}
	c := cite{vi, en}
	if orderEnd.IsZero() || orderEnd.Before(start) {
		return Limit{}, invalid(KeyStageDetentionEndBeforeStart, c.text())
	}
	if !p.StageDetentionUncapped && !stageDue.IsZero() && orderEnd.After(stageDue) {
		return Limit{}, invalid(KeyStageDetentionBeyondStage, c.text(), stageDue.Format())
	}
	return Limit{Start: start, Due: orderEnd, Basis: vi, BasisEN: en}, nil
}

func stageLimit(p Policy, cal *Calendar, stage Stage, cat Category, start ctip.Date, granted []Period) (Limit, error) {
	r, err := defaultProcedure.Rule(p, start, stage, cat)
	if err != nil {
		return Limit{}, err
	}
	return r.Limit(p, cal, start, granted...)
}

package casefile

import (
	"slices"

	"ctip"
	"ctip/internal/legal"
)

// Which preventive measures (biện pháp ngăn chặn, CPC Art. 109) an accused
// may get now, and which extensions a running measure may still have: the
// measure form offers only these, explains the others, and the service
// refuses what they refuse.
//
//   - Custody (tạm giữ, Arts 117–118) is the investigating body's, during
//     the investigation, and not for a person already detained.
//   - Detention (tạm giam, Art. 119): always possible for very and
//     especially serious crimes; for serious and less serious ones only
//     where the Penal Code provides more than 2 years' imprisonment (and a
//     ground of Art. 119(2) exists, which the form reminds of: S in
//     LEGAL.md §1.5). Not while a bail or a residence ban runs: that is
//     ended (or replaced by a new order) first.
//   - Bail and residence ban (bảo lĩnh, cấm đi khỏi nơi cư trú, Arts 121,
//     123) are alternatives to holding the person: not while custody or
//     detention runs. They last no longer than the stage's limit.
//   - One measure of each kind at a time.
//   - Extensions: custody twice by ≤ 3 days (Art. 118); detention for
//     investigation by category (Art. 173: ÍNT 1 × 1 m, NT 1 × 2 m, RNT
//     1 × 3 m, ĐBNT 2 × 4 m), during the investigation only; decided
//     before the measure expires.
//   - Detention for the investigation (Art. 173) is ordered while the
//     investigating body holds the case. In prosecution the procuracy
//     orders its own (ProsecutionDetention, Art. 241), in trial preparation
//     the court (TrialDetention, Art. 278): until the date in the order, no
//     later than the stage's limit unless Policy.StageDetentionUncapped
//     (LEGAL.md §1.5, U). The earlier stage's detention ends when the case
//     enters the stage (EndDetentionsWithStage).

// MeasureChoice says whether a new measure of a type may be applied to an
// accused now and, if so, how long it would last.
type MeasureChoice struct {
	Type MeasureType
	OK   bool
	// Reason is the catalogue key explaining a refusal, with Args.
	Reason string
	Args   []any
	// Hint is the catalogue key of a condition the law adds that ctip
	// cannot check (e.g. a ground of Art. 119(2)); "" for none.
	Hint string
	// Base is the law's first period (custody, detention); zero for the
	// measures that last with the stage.
	Base legal.Period
	// MaxDue is the last day if applied from the given day, without
	// extensions (bail, residence ban: the stage's limit; zero when no
	// stage limit runs).
	MaxDue  ctip.Date
	Basis   string
	BasisEN string
}

// ExtensionChoice says whether a running measure may be extended now.
type ExtensionChoice struct {
	OK      bool
	Reason  string
	Args    []any
	Done    int          // extensions granted
	Allowed int          // extensions the law allows (for the category)
	Next    legal.Period // the longest next extension
	Due     ctip.Date    // the current last day
	MaxDue  ctip.Date    // the last day with the next extension at its longest
	Basis   string
	BasisEN string
}

func refuse(key string, args ...any) (bool, string, []any) { return false, key, args }

// detentionEligible reports whether detention may be applied for these
// charges (Art. 119): very or especially serious, or a clause whose
// maximum imprisonment is over 2 years.
func detentionEligible(cat legal.Category, charges []legal.Charge, on ctip.Date, catalogue legal.Catalogue) bool {
	if cat.Rank() >= legal.VerySerious.Rank() {
		return true
	}
	for _, ch := range charges {
		cl, err := catalogue.Lookup(on, ch.Article, ch.Clause)
		if err == nil && (cl.Bracket.MaxMonths > 24 || cl.Bracket.Life || cl.Bracket.Death) {
			return true
		}
	}
	return false
}

// running returns the accused's running measures by type.
func runningOf(accused ctip.ID, measures []*Measure) map[MeasureType]*Measure {
	out := map[MeasureType]*Measure{}
	for _, m := range measures {
		if m.AccusedID == accused && m.Running() {
			out[m.Type] = m
		}
	}
	return out
}

// NewMeasureChoices lists, for each measure type, whether it may be applied
// to an accused of the case now (from is the first day it would run).
func NewMeasureChoices(c *Case, x *Accused, measures []*Measure, catalogue legal.Catalogue, p legal.Policy, from ctip.Date) []MeasureChoice {
	run := runningOf(x.ID, measures)
	cat := x.Category
	if cat == "" {
		cat = c.Category
	}
	on := c.OffenceOn
	if on.IsZero() {
		on = c.InstitutedOn
	}
	var out []MeasureChoice
	for _, t := range MeasureTypes {
		ch := MeasureChoice{Type: t, OK: true}
		switch t {
		case Custody:
			ch.Basis, ch.BasisEN = "BLTTHS Điều 117, 118", "CPC Arts 117, 118"
			if l, err := legal.Custody(p, from); err == nil {
				ch.Base, ch.MaxDue = legal.Days(3), l.Due
			}
		case Detention:
			ch.Basis, ch.BasisEN = "BLTTHS Điều 119, 173", "CPC Arts 119, 173"
			if r, err := legal.DefaultProcedure().Rule(p, from, legal.StageDetention, cat); err == nil {
				ch.Base = r.Base
			}
			if l, err := legal.Detention(p, cat, from); err == nil {
				ch.MaxDue = l.Due
			}
			if cat.Rank() < legal.VerySerious.Rank() {
				ch.Hint = "case.measure_hint.detention_grounds"
			}
		case ProsecutionDetention, TrialDetention:
			st := legal.StageProsecution
			if t == TrialDetention {
				st = legal.StageTrialPreparation
			}
			ch.Basis, ch.BasisEN, _ = legal.StageDetentionBasis(st)
			if !p.StageDetentionUncapped {
				ch.MaxDue = c.CurrentDue
			}
			if cat.Rank() < legal.VerySerious.Rank() {
				ch.Hint = "case.measure_hint.detention_grounds"
			}
		case Bail, ResidenceBan:
			ch.Basis, ch.BasisEN = "BLTTHS Điều 121, 123", "CPC Arts 121, 123"
			ch.MaxDue = c.CurrentDue
		}
		own, _, _ := StageDetentionType(c.Stage)
		detained := run[Detention] != nil || run[ProsecutionDetention] != nil || run[TrialDetention] != nil
		switch {
		case x.Status != AccusedActive:
			ch.OK, ch.Reason, ch.Args = refuse("case.measure_why.accused_status", string(x.Status), "BLTTHS Điều 109")
		case c.Stage.Closed() || c.Stage == Suspended:
			ch.OK, ch.Reason, ch.Args = refuse("case.measure_why.case_stage", "BLTTHS Điều 109")
		case t == Detention && Holder(c.Stage) != BodyInvestigating:
			ch.OK, ch.Reason, ch.Args = refuse("case.measure_why.detention_stage", "BLTTHS Điều 173, 241, 278")
		case (t == ProsecutionDetention || t == TrialDetention) && t != own:
			ch.OK, ch.Reason, ch.Args = refuse("case.measure_why.stage_detention_stage", ch.Basis)
		case run[t] != nil || t.IsDetention() && detained:
			ch.OK, ch.Reason, ch.Args = refuse("case.measure_why.running", ch.Basis)
		case t == Custody && Holder(c.Stage) != BodyInvestigating:
			ch.OK, ch.Reason, ch.Args = refuse("case.measure_why.custody_stage", "BLTTHS Điều 117")
		case t == Custody && detained:
			ch.OK, ch.Reason, ch.Args = refuse("case.measure_why.detained", "BLTTHS Điều 117, 119")
		case t.IsDetention() && !detentionEligible(cat, x.Charges, on, catalogue):
			ch.OK, ch.Reason, ch.Args = refuse("case.measure_why.detention_not_eligible", "BLTTHS Điều 119")
		case t.IsDetention() && (run[Bail] != nil || run[ResidenceBan] != nil):
			ch.OK, ch.Reason, ch.Args = refuse("case.measure_why.free_running", "BLTTHS Điều 119, 121, 123")
		case (t == Bail || t == ResidenceBan) && (run[Custody] != nil || detained):
			ch.OK, ch.Reason, ch.Args = refuse("case.measure_why.held", "BLTTHS Điều 121, 123")
		}
		out = append(out, ch)
	}
	return out
}

// MeasureChoiceOf returns the choice of one type (OK false for an unknown type).
func MeasureChoiceOf(choices []MeasureChoice, t MeasureType) MeasureChoice {
	i := slices.IndexFunc(choices, func(ch MeasureChoice) bool { return ch.Type == t })
	if i < 0 {
		return MeasureChoice{Type: t, Reason: "error.choice"}
	}
	return choices[i]
}

// MeasureExtension says whether a running measure may be extended, how many
// extensions the law allows for the accused's category and how far the
// next one may go. today: refuse once the measure has expired (zero: do
// not check; the service checks the decision's date instead).
func MeasureExtension(m *Measure, cat legal.Category, c *Case, p legal.Policy, today ctip.Date) ExtensionChoice {
	var e ExtensionChoice
	st := legal.StageCustody
	e.Basis, e.BasisEN = "BLTTHS Điều 118", "CPC Art. 118"
	if m.Type == Detention {
		st = legal.StageDetention
		e.Basis, e.BasisEN = "BLTTHS Điều 173", "CPC Art. 173"
		if cat == "" {
			cat = c.Category
		}
	}
	if m.Type != Custody && m.Type != Detention {
		e.OK, e.Reason, e.Args = refuse("case.measure_why.not_extendable", "BLTTHS Điều 121, 123")
		return e
	}
	if !m.Running() {
		e.OK, e.Reason, e.Args = refuse("case.measure_why.ended", e.Basis)
		return e
	}
	r, err := legal.DefaultProcedure().Rule(p, m.StartOn, st, cat)
	if err != nil {
		e.OK, e.Reason, e.Args = refuse("case.measure_why.not_extendable", e.Basis)
		return e
	}
	e.Done, e.Allowed = len(m.Ext), len(r.Extensions)
	if l, ok, err := MeasureLimit(m, cat, c, p); err == nil && ok {
		e.Due = l.Due
	}
	if e.Done < e.Allowed {
		e.Next = r.Extensions[e.Done].Max
		if l, err := r.Limit(p, nil, m.StartOn, append(slices.Clone(m.Ext), e.Next)...); err == nil {
			e.MaxDue = l.Due
		}
	}
	switch {
	case m.Type == Detention && Holder(c.Stage) != BodyInvestigating || c.Stage == Suspended || c.Stage.Closed():
		e.OK, e.Reason, e.Args = refuse("case.measure_why.extend_stage", "BLTTHS Điều 173, 241, 278")
	case e.Done >= e.Allowed:
		e.OK, e.Reason, e.Args = refuse("case.measure_why.exhausted", e.Allowed, e.Basis)
	case !today.IsZero() && !e.Due.IsZero() && today.After(e.Due):
		e.OK, e.Reason, e.Args = refuse("case.measure_why.expired", e.Due.Format(), e.Basis)
	default:
		e.OK = true
	}
	return e
}

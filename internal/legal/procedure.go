package legal

import (
	"fmt"
	"sort"

	"ctip"
)

// Procedural time limits of a criminal case by crime category (CPC Arts 118,
// 172–174, 240, 277; LEGAL.md §1.3–1.5 and the matrix of §1.7), versioned by
// effective date like the Penal Code catalogue.

// Stage is a procedural stage that runs against a time limit.
type Stage string

// The stages.
const (
	// StageInvestigation — thời hạn điều tra (CPC Art. 172), from the decision
	// to initiate the case to the end of the investigation.
	StageInvestigation Stage = "investigation"
	// StageResumedInvestigation — thời hạn phục hồi điều tra (CPC Art.
	// 174(1)), from the resumption decision.
	StageResumedInvestigation Stage = "resumed_investigation"
	// StageSupplementaryInvestigation — thời hạn điều tra bổ sung (CPC Art.
	// 174(2)), from the day the investigating body receives the file back.
	// It depends on who returned the file, not on the category: see
	// SupplementaryInvestigation.
	StageSupplementaryInvestigation Stage = "supplementary_investigation"
	// StageProsecution — thời hạn quyết định việc truy tố (CPC Art. 240), from
	// the procuracy's receipt of the file and the investigation conclusion.
	StageProsecution Stage = "prosecution"
	// StageTrialPreparation — thời hạn chuẩn bị xét xử sơ thẩm (CPC Art. 277),
	// from the court's acceptance of the case (thụ lý).
	StageTrialPreparation Stage = "trial_preparation"
	// StageTrialDecisionAfterReturn — after a file returned for supplementary
	// investigation comes back, the presiding judge decides to bring the case
	// to trial within 15 days of receiving it (CPC Art. 277).
	StageTrialDecisionAfterReturn Stage = "trial_decision_after_return"
	// StageHearing — thời hạn mở phiên tòa (CPC Art. 277): 15 days from the
	// decision to bring the case to trial, 30 days for force majeure or an
	// objective obstacle (bất khả kháng, trở ngại khách quan).
	StageHearing Stage = "hearing"
	// StageCustody — thời hạn tạm giữ (CPC Art. 118), from the investigating
	// body's receipt of the person.
	StageCustody Stage = "custody"
	// StageDetention — thời hạn tạm giam để điều tra (CPC Art. 173).
	StageDetention Stage = "detention"
)

// Stages lists every stage.
var Stages = []Stage{
	StageInvestigation, StageResumedInvestigation, StageSupplementaryInvestigation,
	StageProsecution, StageTrialPreparation, StageTrialDecisionAfterReturn,
	StageHearing, StageCustody, StageDetention,
}

// byCategory reports whether the stage's limits depend on the category.
func (s Stage) byCategory() bool {
	switch s {
	case StageInvestigation, StageResumedInvestigation, StageProsecution, StageTrialPreparation, StageDetention:
		return true
	}
	return false
}

// Authority is who may grant an extension. The values are data, shown to
// users; who extends after Law 99/2025/QH15 is U (LEGAL.md §1.3, §8 item 1)
// and comes from Policy.
type Authority string

// Authorities.
const (
	// AuthInvestigationHead — Thủ trưởng Cơ quan điều tra (head of the
	// investigating body or authorised deputy).
	AuthInvestigationHead Authority = "investigation_head"
	// AuthCustodyIssuer — người đã ra quyết định tạm giữ, every extension
	// approved (phê chuẩn) by the procuracy (CPC Art. 118).
	AuthCustodyIssuer Authority = "custody_issuer"
	// AuthProcuracy — the competent procuracy (Viện kiểm sát có thẩm quyền),
	// level not modelled.
	AuthProcuracy Authority = "procuracy"
	// AuthRegionalProcuracy — Viện kiểm sát nhân dân khu vực (from 1 Jul 2025).
	AuthRegionalProcuracy Authority = "regional_procuracy"
	// AuthProvincialProcuracy — Viện kiểm sát nhân dân cấp tỉnh.
	AuthProvincialProcuracy Authority = "provincial_procuracy"
	// AuthSupremeProcuracy — Viện kiểm sát nhân dân tối cao.
	AuthSupremeProcuracy Authority = "supreme_procuracy"
	// AuthProcuratorGeneral — Viện trưởng Viện kiểm sát nhân dân tối cao.
	AuthProcuratorGeneral Authority = "procurator_general"
	// AuthChiefProcurator — Viện trưởng Viện kiểm sát (same level).
	AuthChiefProcurator Authority = "chief_procurator"
	// AuthChiefJudge — Chánh án Tòa án (the procuracy is notified).
	AuthChiefJudge Authority = "chief_judge"
	// AuthCourt — the trial court (Tòa án).
	AuthCourt Authority = "court"
)

// Period is a length of procedural time: whole months (Art. 134(1) month
// rule) plus days. Maxima in the law use a single unit.
type Period struct {
	Months int
	Days   int
}

// Months returns a period of n months.
func Months(n int) Period { return Period{Months: n} }

// Days returns a period of n days.
func Days(n int) Period { return Period{Days: n} }

// IsZero reports whether p is empty.
func (p Period) IsZero() bool { return p == Period{} }

// Add returns p + q.
func (p Period) Add(q Period) Period { return Period{p.Months + q.Months, p.Days + q.Days} }

// String returns English text, e.g. "2 months", "15 days", "2 months 30 days".
func (p Period) String() string {
	return p.text("month", "months", "day", "days", " ")
}

// Vietnamese returns Vietnamese text, e.g. "02 tháng", "15 ngày".
func (p Period) Vietnamese() string {
	return p.text("tháng", "tháng", "ngày", "ngày", " ")
}

func (p Period) text(m1, mN, d1, dN, sep string) string {
	unit := func(n int, one, many string) string {
		if n == 1 || n == -1 {
			return fmt.Sprintf("%d %s", n, one)
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	switch {
	case p.Months != 0 && p.Days != 0:
		return unit(p.Months, m1, mN) + sep + unit(p.Days, d1, dN)
	case p.Months != 0:
		return unit(p.Months, m1, mN)
	}
	return unit(p.Days, d1, dN)
}

// Extension is one extension (gia hạn) a TimeRule allows, in order.
type Extension struct {
	Max Period    // the longest extension the law allows at this step
	By  Authority // who may grant it
	// Extraordinary marks an extension reserved for exceptional cases
	// (e.g. the Procurator General's extra extension of the investigation of
	// a very complex especially serious case, Art. 172).
	Extraordinary bool
	Marker        Confidence
}

// TimeRule is the time-limit rule of one stage (for one category, where the
// stage depends on it) in one version of the procedure code.
type TimeRule struct {
	Stage    Stage
	Category Category // "" for stages that do not depend on the category
	Base     Period
	// Extensions are the extensions allowed, in the order they may be
	// granted; len(Extensions) is how many.
	Extensions []Extension
	// RequestLeadDays: an extension must be requested at least this many
	// days before the limit expires (0 = no such rule). See RequestBy.
	RequestLeadDays int
	// Custodial: custody/detention counting (CPC Art. 134(1)): the limit ends
	// on the date written in the order, a month counts as 30 days, and it is
	// never moved off a day off.
	Custodial    bool
	Basis        string // e.g. "BLTTHS Điều 172"
	BasisEN      string // e.g. "CPC Art. 172"
	Instrument   string // the version, Vietnamese
	InstrumentEN string
	Marker       Confidence
}

// citation is the rule's basis as a message argument (each language its
// wording).
func (r TimeRule) citation() ctip.Text { return ctip.Text{VI: r.Basis, EN: r.BasisEN} }

// Max returns the longest total the rule allows: the base plus every
// extension at its maximum.
func (r TimeRule) Max() Period {
	total := r.Base
	for _, e := range r.Extensions {
		total = total.Add(e.Max)
	}
	return total
}

// Limit computes the limit from start: the base, plus the extensions granted
// so far (granted[i] is the length of extension i+1 as decided, at most
// Extensions[i].Max). Each extension runs from the nominal end of the
// previous period (before any move off a day off), so periods chain: base
// from start, extension 1 from the base's end, and so on. Only the final
// day is moved off a day off:
//
//   - custodial rules: every month counts as 30 days; the limit ends
//     total-days after start, or one day earlier when the start day counts
//     (the default, see Policy.CustodyStartDayExcluded); never moved
//     (Art. 134(1));
//   - otherwise, when the last period is whole months it is a month limit
//     (always moved off a day off, Art. 134(1)); when it has days, a day
//     limit (moved only when p.RollDayLimits);
//   - the result never ends after the limit the last extension's maximum
//     would give (this matters only for an extension given in another unit
//     than the law's, e.g. "1 month" where the law allows "30 days").
//
// Too many extensions, or one longer than allowed, is a *ctip.Error Invalid
// with KeyTooManyExtensions(stage) (args: citation, allowed count) or
// KeyExtensionTooLong(stage) (args: citation, extension number, maximum in
// the stage's unit); an empty or negative extension is
// KeyExtensionNotPositive (args: citation).
func (r TimeRule) Limit(p Policy, cal *Calendar, start ctip.Date, granted ...Period) (Limit, error) {
	start = norm(start)
	if len(granted) > len(r.Extensions) {
		return Limit{}, invalid(KeyTooManyExtensions(r.Stage), r.citation(), len(r.Extensions))
	}
	end := addPeriod(start, r.Base)
	for i, g := range granted {
		if g.Months < 0 || g.Days < 0 || g.IsZero() {
			return Limit{}, invalid(KeyExtensionNotPositive, r.citation())
		}
		if max := r.Extensions[i].Max; !r.fits(end, g, max) {
			return Limit{}, invalid(KeyExtensionTooLong(r.Stage), r.citation(), i+1, max.Months+max.Days)
		}
		end = addPeriod(end, g)
	}
	return r.limitFor(p, cal, start, granted), nil
}

// MaxLimit is Limit with every extension granted at its maximum.
func (r TimeRule) MaxLimit(p Policy, cal *Calendar, start ctip.Date) Limit {
	granted := make([]Period, len(r.Extensions))
	for i, e := range r.Extensions {
		granted[i] = e.Max
	}
	return r.limitFor(p, cal, norm(start), granted)
}

// fits reports whether extension g, running from end, is no longer than max.
func (r TimeRule) fits(end ctip.Date, g, max Period) bool {
	if r.Custodial {
		return custodialDays(g) <= custodialDays(max)
	}
	return !addPeriod(end, g).After(addPeriod(end, max))
}

// custodialDays is a period in days with 30-day months (Art. 134(1)).
func custodialDays(p Period) int { return 30*p.Months + p.Days }

// limitFor computes the limit of already validated extensions.
func (r TimeRule) limitFor(p Policy, cal *Calendar, start ctip.Date, granted []Period) Limit {
	l := Limit{Start: start, Basis: r.Basis, BasisEN: r.BasisEN}
	if r.Custodial {
		days := custodialDays(r.Base)
		for _, g := range granted {
			days += custodialDays(g)
		}
		if !p.CustodyStartDayExcluded && days > 0 {
			days--
		}
		l.Due = start.AddDays(days)
		return l
	}
	end, last := addPeriod(start, r.Base), r.Base
	prev := end
	for _, g := range granted {
		prev, end, last = end, addPeriod(end, g), g
	}
	l.Due, l.Rolled = finish(p, cal, end, last)
	if n := len(granted); n > 0 {
		max := r.Extensions[n-1].Max
		if capDue, capRolled := finish(p, cal, addPeriod(prev, max), max); l.Due.After(capDue) {
			l.Due, l.Rolled = capDue, capRolled
		}
	}
	return l
}

// finish applies the day-off rule to the nominal last day of a period: a
// period of whole months always moves to the next working day, one with
// days only when p.RollDayLimits (Art. 134(1), LEGAL.md §1.6).
func finish(p Policy, cal *Calendar, end ctip.Date, last Period) (ctip.Date, bool) {
	if (last.Days == 0 || p.RollDayLimits) && cal.IsDayOff(end) {
		return cal.NextWorkingDay(end), true
	}
	return end, false
}

// addPeriod returns start + p by the Art. 134(1) rules (months, then days),
// without the day-off rule.
func addPeriod(start ctip.Date, p Period) ctip.Date {
	return AddDays(AddMonths(start, p.Months), p.Days)
}

// ProcedureVersion is the set of time rules in force from Effective.
type ProcedureVersion struct {
	Effective     ctip.Date
	Instrument    string
	InstrumentEN  string
	Rules         []TimeRule
	Supplementary []SupplementaryRule
}

// Procedure is the versioned table of procedural time limits. DefaultProcedure
// returns the built-in data.
type Procedure struct {
	Versions []ProcedureVersion // ascending by Effective
}

// Effective dates of the procedure-code versions.
var (
	// CPC2015Effective — BLTTHS 2015 (Law 101/2015/QH13) in force 1 Jan 2018.
	CPC2015Effective = ctip.Date{Year: 2018, Month: 1, Day: 1}
	// CPC2025Effective — amended by Law 99/2025/QH15, in force 1 Jul 2025
	// (LEGAL.md §0.1): new levels of investigating bodies, procuracies and
	// courts; the time limits themselves are unchanged (V).
	CPC2025Effective = ctip.Date{Year: 2025, Month: 7, Day: 1}
)

// DefaultProcedure returns the built-in rules: CPC 2015 (from 1 Jan 2018)
// and CPC 2015 as amended by Law 99/2025/QH15 (from 1 Jul 2025) with the
// same limits (LEGAL.md §1.3–1.5, V). Who may extend and the S/U items are
// applied from the Policy by Procedure.Rule.
func DefaultProcedure() Procedure {
	return Procedure{Versions: []ProcedureVersion{
		{
			Effective:     CPC2015Effective,
			Instrument:    "BLTTHS 2015 (Luật 101/2015/QH13)",
			InstrumentEN:  "Criminal Procedure Code 2015 (Law 101/2015/QH13)",
			Rules:         cpcRules2018(),
			Supplementary: supplementaryRules2018(),
		},
		{
			Effective:     CPC2025Effective,
			Instrument:    "BLTTHS 2015, sửa đổi, bổ sung bởi Luật 99/2025/QH15",
			InstrumentEN:  "Criminal Procedure Code 2015 as amended by Law 99/2025/QH15",
			Rules:         cpcRules2018(), // time limits unchanged in 2025
			Supplementary: supplementaryRules2018(),
		},
	}}
}

var defaultProcedure = DefaultProcedure()

// VersionOn returns the version in force on the date; none before 1 Jan 2018
// (KeyNoRulesInForce).
func (pr Procedure) VersionOn(on ctip.Date) (ProcedureVersion, error) {
	on = norm(on)
	i := sort.Search(len(pr.Versions), func(i int) bool { return pr.Versions[i].Effective.After(on) })
	if i == 0 {
		return ProcedureVersion{}, invalid(KeyNoRulesInForce, on.String())
	}
	return pr.Versions[i-1], nil
}

// Rule returns the time rule of a stage, for a category where the stage
// depends on it (the category is ignored otherwise), in the version in force
// on the date, with the Policy's settings applied: who grants each
// extension (Policy.InvestigationExtenders, Policy.DetentionExtenders) and
// the S extension of detention for especially serious crimes
// (Policy.DetentionExtraExtension). Unknown stage or category:
// KeyUnknownStage / KeyUnknownCategory.
func (pr Procedure) Rule(p Policy, on ctip.Date, stage Stage, cat Category) (TimeRule, error) {
	if stage == StageSupplementaryInvestigation {
		return TimeRule{}, invalid(KeyUnknownStage, string(stage)) // see SupplementaryRule
	}
	if stage.byCategory() {
		if !cat.Valid() {
			return TimeRule{}, invalid(KeyUnknownCategory, string(cat))
		}
	} else {
		cat = ""
	}
	v, err := pr.VersionOn(on)
	if err != nil {
		return TimeRule{}, err
	}
	for _, r := range v.Rules {
		if r.Stage != stage || r.Category != cat {
			continue
		}
		r.Instrument, r.InstrumentEN = v.Instrument, v.InstrumentEN
		r.Extensions = append([]Extension(nil), r.Extensions...)
		switch stage {
		case StageInvestigation:
			by := p.InvestigationExtenders[cat]
			if by == nil {
				by = defaultInvestigationExtenders()[cat]
			}
			applyAuthorities(r.Extensions, by)
		case StageDetention:
			if cat == EspeciallySerious && p.DetentionExtraExtension {
				r.Extensions = append(r.Extensions, Extension{Max: Months(4), Extraordinary: true, Marker: Secondary})
			}
			by := p.DetentionExtenders[cat]
			if by == nil {
				by = defaultDetentionExtenders()[cat]
			}
			applyAuthorities(r.Extensions, by)
		}
		return r, nil
	}
	return TimeRule{}, invalid(KeyUnknownStage, string(stage))
}

// applyAuthorities sets who grants each extension from a settings list; the
// Procurator General's extraordinary extensions keep their authority unless
// the list names one.
func applyAuthorities(ext []Extension, by []Authority) {
	for i := range ext {
		switch {
		case i < len(by) && by[i] != "":
			ext[i].By = by[i]
		case ext[i].By == "":
			ext[i].By = AuthProcuracy
		}
	}
}

// cpcRules2018 returns the CPC 2015 time rules (LEGAL.md §1.3–1.5, all V).
func cpcRules2018() []TimeRule {
	var rules []TimeRule
	add := func(r TimeRule) { rules = append(rules, r) }
	ext := func(max Period, by Authority) Extension { return Extension{Max: max, By: by, Marker: Verified} }

	// Investigation — CPC Art. 172 (LEGAL.md §1.3): base, extensions, request
	// ≥ 10 days before expiry. The Procurator General may add one ≤ 4-month
	// extension for a very complex especially serious case (→ 20 months).
	inv := func(cat Category, base Period, exts ...Extension) {
		add(TimeRule{Stage: StageInvestigation, Category: cat, Base: base, Extensions: exts,
			RequestLeadDays: 10, Basis: "BLTTHS Điều 172", BasisEN: "CPC Art. 172", Marker: Verified})
	}
	inv(LessSerious, Months(2), ext(Months(2), ""))
	inv(Serious, Months(3), ext(Months(3), ""), ext(Months(2), ""))
	inv(VerySerious, Months(4), ext(Months(4), ""), ext(Months(4), ""))
	inv(EspeciallySerious, Months(4), ext(Months(4), ""), ext(Months(4), ""), ext(Months(4), ""),
		Extension{Max: Months(4), By: AuthProcuratorGeneral, Extraordinary: true, Marker: Verified})

	// Resumed investigation — CPC Art. 174(1) (LEGAL.md §1.3): one extension.
	res := func(cat Category, base, max Period) {
		add(TimeRule{Stage: StageResumedInvestigation, Category: cat, Base: base,
			Extensions: []Extension{ext(max, AuthProcuracy)},
			Basis:      "BLTTHS Điều 174 khoản 1", BasisEN: "CPC Art. 174(1)", Marker: Verified})
	}
	res(LessSerious, Months(2), Months(1))
	res(Serious, Months(2), Months(2))
	res(VerySerious, Months(3), Months(2))
	res(EspeciallySerious, Months(3), Months(3))

	// Prosecution — CPC Art. 240 (LEGAL.md §1.4): days; one extension by the
	// Chief Procurator.
	pros := func(cat Category, base, max Period) {
		add(TimeRule{Stage: StageProsecution, Category: cat, Base: base,
			Extensions: []Extension{ext(max, AuthChiefProcurator)},
			Basis:      "BLTTHS Điều 240", BasisEN: "CPC Art. 240", Marker: Verified})
	}
	pros(LessSerious, Days(20), Days(10))
	pros(Serious, Days(20), Days(10))
	pros(VerySerious, Days(30), Days(15))
	pros(EspeciallySerious, Days(30), Days(30))

	// Trial preparation — CPC Art. 277 (LEGAL.md §1.4): one extension by the
	// Chief Judge for a complex case; the procuracy is notified.
	prep := func(cat Category, base, max Period) {
		add(TimeRule{Stage: StageTrialPreparation, Category: cat, Base: base,
			Extensions: []Extension{ext(max, AuthChiefJudge)},
			Basis:      "BLTTHS Điều 277", BasisEN: "CPC Art. 277", Marker: Verified})
	}
	prep(LessSerious, Days(30), Days(15))
	prep(Serious, Days(45), Days(15))
	prep(VerySerious, Months(2), Days(30))
	prep(EspeciallySerious, Months(3), Days(30))

	// Decision to bring to trial after a return for supplementary
	// investigation: 15 days from receiving the file back (CPC Art. 277).
	add(TimeRule{Stage: StageTrialDecisionAfterReturn, Base: Days(15),
		Basis: "BLTTHS Điều 277", BasisEN: "CPC Art. 277", Marker: Verified})

	// Opening the hearing: 15 days from the decision to bring to trial; 30
	// days for force majeure or an objective obstacle, modelled as one
	// further ≤ 15-day step decided by the court (CPC Art. 277).
	add(TimeRule{Stage: StageHearing, Base: Days(15), Extensions: []Extension{ext(Days(15), AuthCourt)},
		Basis: "BLTTHS Điều 277", BasisEN: "CPC Art. 277", Marker: Verified})

	// Temporary custody — CPC Art. 118 (LEGAL.md §1.5): 3 days from receipt
	// of the person; extension ≤ 3 days; in special cases a 2nd ≤ 3 days
	// (max 9); each approved by the procuracy.
	add(TimeRule{Stage: StageCustody, Base: Days(3),
		Extensions: []Extension{ext(Days(3), AuthCustodyIssuer), ext(Days(3), AuthCustodyIssuer)},
		Custodial:  true, Basis: "BLTTHS Điều 118", BasisEN: "CPC Art. 118", Marker: Verified})

	// Detention for investigation — CPC Art. 173 (LEGAL.md §1.5): request ≥
	// 10 days before expiry; 30-day months, no roll (Art. 134(1)).
	det := func(cat Category, base Period, exts ...Extension) {
		add(TimeRule{Stage: StageDetention, Category: cat, Base: base, Extensions: exts,
			RequestLeadDays: 10, Custodial: true, Basis: "BLTTHS Điều 173", BasisEN: "CPC Art. 173", Marker: Verified})
	}
	det(LessSerious, Months(2), ext(Months(1), ""))
	det(Serious, Months(3), ext(Months(2), ""))
	det(VerySerious, Months(4), ext(Months(3), ""))
	det(EspeciallySerious, Months(4), ext(Months(4), ""), ext(Months(4), ""))
	return rules
}

// Returner is who returned the file for supplementary investigation (trả hồ
// sơ để điều tra bổ sung), CPC Art. 174(2).
type Returner string

// Returners.
const (
	// ReturnedByProcuracy — Viện kiểm sát trả hồ sơ: ≤ 2 months, at most 2
	// returns.
	ReturnedByProcuracy Returner = "procuracy"
	// ReturnedByJudge — Thẩm phán chủ tọa phiên tòa (during trial
	// preparation): ≤ 1 month, once.
	ReturnedByJudge Returner = "judge"
	// ReturnedByTrialPanel — Hội đồng xét xử (at the hearing): ≤ 1 month, once.
	ReturnedByTrialPanel Returner = "trial_panel"
)

// SupplementaryRule is the Art. 174(2) rule for one returner.
type SupplementaryRule struct {
	By         Returner
	Period     Period // maximum length, from the day the investigating body receives the file back
	MaxReturns int    // how many times this returner may return the file
	Basis      string
	BasisEN    string
	Marker     Confidence
}

func supplementaryRules2018() []SupplementaryRule {
	r := func(by Returner, p Period, n int) SupplementaryRule {
		return SupplementaryRule{By: by, Period: p, MaxReturns: n,
			Basis: "BLTTHS Điều 174 khoản 2", BasisEN: "CPC Art. 174(2)", Marker: Verified}
	}
	return []SupplementaryRule{
		r(ReturnedByProcuracy, Months(2), 2),
		r(ReturnedByJudge, Months(1), 1),
		r(ReturnedByTrialPanel, Months(1), 1),
	}
}

// SupplementaryRule returns the Art. 174(2) rule for a returner in the
// version in force on the date (KeyUnknownReturner for another value).
func (pr Procedure) SupplementaryRule(on ctip.Date, by Returner) (SupplementaryRule, error) {
	v, err := pr.VersionOn(on)
	if err != nil {
		return SupplementaryRule{}, err
	}
	for _, r := range v.Supplementary {
		if r.By == by {
			return r, nil
		}
	}
	return SupplementaryRule{}, invalid(KeyUnknownReturner, string(by))
}

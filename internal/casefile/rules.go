package casefile

import (
	"slices"
	"strconv"
	"strings"

	"ctip"
	"ctip/internal/legal"
)

// Action is one decision that moves a case: a row of the transition table.
type Action string

// The stage actions.
const (
	// ActExtendInvestigation — gia hạn điều tra (CPC Art. 172): the procuracy's
	// decision, recorded by it or by the investigating body that received it.
	ActExtendInvestigation Action = "extend_investigation"
	// ActExtendResumed — gia hạn điều tra sau phục hồi (CPC Art. 174(1)).
	ActExtendResumed Action = "extend_resumed"
	// ActConclude — kết thúc điều tra, bản kết luận điều tra đề nghị truy tố
	// (CPC Arts 232–233); the procuracy receives the file (Art. 240 clock).
	ActConclude Action = "conclude"
	// ActSuspend — tạm đình chỉ (CPC Art. 229; Art. 247; Art. 281).
	ActSuspend Action = "suspend"
	// ActTerminate — đình chỉ (CPC Art. 230; Art. 248; Art. 282).
	ActTerminate Action = "terminate"
	// ActResume — phục hồi (CPC Art. 235 investigation, Art. 250 procuracy, Art. 283 court).
	ActResume Action = "resume"
	// ActExtendProsecution — gia hạn quyết định việc truy tố (CPC Art. 240).
	ActExtendProsecution Action = "extend_prosecution"
	// ActReturnProcuracy — Viện kiểm sát trả hồ sơ để điều tra bổ sung (CPC
	// Arts 245, 174(2)): at most twice.
	ActReturnProcuracy Action = "return_procuracy"
	// ActIndict — quyết định truy tố bị can bằng bản cáo trạng (CPC Art. 243).
	ActIndict Action = "indict"
	// ActAccept — Tòa án thụ lý vụ án (CPC Art. 277 runs from it).
	ActAccept Action = "accept"
	// ActExtendTrialPreparation — gia hạn chuẩn bị xét xử (CPC Art. 277).
	ActExtendTrialPreparation Action = "extend_trial_preparation"
	// ActReturnJudge — Thẩm phán trả hồ sơ (CPC Arts 280, 174(2)): once.
	ActReturnJudge Action = "return_judge"
	// ActBringToTrial — quyết định đưa vụ án ra xét xử (CPC Art. 277).
	ActBringToTrial Action = "bring_to_trial"
	// ActPostponeHearing — the hearing opens within 30 days for force majeure
	// or an objective obstacle (CPC Art. 277).
	ActPostponeHearing Action = "postpone_hearing"
	// ActReturnPanel — Hội đồng xét xử trả hồ sơ (CPC Art. 174(2)): once.
	ActReturnPanel Action = "return_panel"
	// ActJudge — bản án sơ thẩm, per defendant (verdict, sentence).
	ActJudge Action = "judge"
	// ActAppeal — kháng cáo, kháng nghị (CPC Arts 331–337).
	ActAppeal Action = "appeal"
	// ActFinalize — the judgment takes legal effect (CPC Art. 343) or the
	// appellate judgment is pronounced.
	ActFinalize Action = "finalize"
)

// Rule is one row of the transition table.
type Rule struct {
	From []Stage
	To   Stage // "" keeps the stage (extensions); see NextStage for resume/conclude
	// Perms: any of them lets an actor record the decision; empty means the
	// permission of the body holding the file (Holder, PermOf).
	Perms []ctip.Permission
	// Body is whose decision it is; "" means the holder's.
	Body    Body
	Basis   string // Vietnamese citation
	BasisEN string
	Months  bool // takes a length in months (extensions)
	Days    bool // takes a length in days
}

var investigating = []Stage{Investigating, Resumed, Supplementary}

// Rules is the case's transition table. Impossible transitions (an action
// not allowed from the current stage) are refused with the rule's basis.
var Rules = map[Action]Rule{
	ActExtendInvestigation: {From: []Stage{Investigating}, Perms: []ctip.Permission{ctip.PermCaseProcuracy, ctip.PermCaseWrite}, Body: BodyProcuracy,
		Basis: "BLTTHS Điều 172", BasisEN: "CPC Art. 172", Months: true},
	ActExtendResumed: {From: []Stage{Resumed}, Perms: []ctip.Permission{ctip.PermCaseProcuracy, ctip.PermCaseWrite}, Body: BodyProcuracy,
		Basis: "BLTTHS Điều 174 khoản 1", BasisEN: "CPC Art. 174(1)", Months: true},
	ActConclude: {From: investigating, To: Prosecution, Perms: []ctip.Permission{ctip.PermCaseWrite}, Body: BodyInvestigating,
		Basis: "BLTTHS Điều 232, 233, 240", BasisEN: "CPC Arts 232, 233, 240"},
	ActSuspend: {From: []Stage{Investigating, Resumed, Supplementary, Prosecution, TrialPreparation}, To: Suspended,
		Basis: "BLTTHS Điều 229, 247, 281", BasisEN: "CPC Arts 229, 247, 281"},
	ActTerminate: {From: []Stage{Investigating, Resumed, Supplementary, Suspended, Prosecution, TrialPreparation}, To: Terminated,
		Basis: "BLTTHS Điều 230, 248, 282", BasisEN: "CPC Arts 230, 248, 282"},
	ActResume: {From: []Stage{Suspended, Terminated}, To: Resumed,
		Basis: "BLTTHS Điều 235, 250, 283", BasisEN: "CPC Arts 235, 250, 283"},
	ActExtendProsecution: {From: []Stage{Prosecution}, Perms: []ctip.Permission{ctip.PermCaseProcuracy}, Body: BodyProcuracy,
		Basis: "BLTTHS Điều 240", BasisEN: "CPC Art. 240", Days: true},
	ActReturnProcuracy: {From: []Stage{Prosecution}, To: Supplementary, Perms: []ctip.Permission{ctip.PermCaseProcuracy}, Body: BodyProcuracy,
		Basis: "BLTTHS Điều 245, Điều 174 khoản 2", BasisEN: "CPC Arts 245, 174(2)"},
	ActIndict: {From: []Stage{Prosecution}, To: Indicted, Perms: []ctip.Permission{ctip.PermCaseProcuracy}, Body: BodyProcuracy,
		Basis: "BLTTHS Điều 243", BasisEN: "CPC Art. 243"},
	ActAccept: {From: []Stage{Indicted}, To: TrialPreparation, Perms: []ctip.Permission{ctip.PermCaseCourt}, Body: BodyCourt,
		Basis: "BLTTHS Điều 277", BasisEN: "CPC Art. 277"},
	ActExtendTrialPreparation: {From: []Stage{TrialPreparation}, Perms: []ctip.Permission{ctip.PermCaseCourt}, Body: BodyCourt,
		Basis: "BLTTHS Điều 277", BasisEN: "CPC Art. 277", Days: true},
	ActReturnJudge: {From: []Stage{TrialPreparation}, To: Supplementary, Perms: []ctip.Permission{ctip.PermCaseCourt}, Body: BodyCourt,
		Basis: "BLTTHS Điều 280, Điều 174 khoản 2", BasisEN: "CPC Arts 280, 174(2)"},
	ActBringToTrial: {From: []Stage{TrialPreparation}, To: TrialScheduled, Perms: []ctip.Permission{ctip.PermCaseCourt}, Body: BodyCourt,
		Basis: "BLTTHS Điều 277", BasisEN: "CPC Art. 277"},
	ActPostponeHearing: {From: []Stage{TrialScheduled}, Perms: []ctip.Permission{ctip.PermCaseCourt}, Body: BodyCourt,
		Basis: "BLTTHS Điều 277", BasisEN: "CPC Art. 277"},
	ActReturnPanel: {From: []Stage{TrialScheduled}, To: Supplementary, Perms: []ctip.Permission{ctip.PermCaseCourt}, Body: BodyCourt,
		Basis: "BLTTHS Điều 174 khoản 2", BasisEN: "CPC Art. 174(2)"},
	ActJudge: {From: []Stage{TrialScheduled}, To: Judged, Perms: []ctip.Permission{ctip.PermCaseCourt}, Body: BodyCourt,
		Basis: "BLTTHS Điều 260", BasisEN: "CPC Art. 260"},
	ActAppeal: {From: []Stage{Judged}, To: Appeal, Perms: []ctip.Permission{ctip.PermCaseCourt}, Body: BodyCourt,
		Basis: "BLTTHS Điều 331, 333, 336", BasisEN: "CPC Arts 331, 333, 336"},
	ActFinalize: {From: []Stage{Judged, Appeal}, To: Final, Perms: []ctip.Permission{ctip.PermCaseCourt}, Body: BodyCourt,
		Basis: "BLTTHS Điều 343, 355", BasisEN: "CPC Arts 343, 355"},
}

// Actions lists the stage actions in display order.
var Actions = []Action{ActExtendInvestigation, ActExtendResumed, ActConclude, ActExtendProsecution, ActReturnProcuracy, ActIndict,
	ActAccept, ActExtendTrialPreparation, ActReturnJudge, ActBringToTrial, ActPostponeHearing, ActReturnPanel, ActJudge,
	ActAppeal, ActFinalize, ActSuspend, ActTerminate, ActResume}

// Allowed reports whether an action may start from a stage (ignoring who
// acts and the counters).
func Allowed(a Action, from Stage) bool {
	r, ok := Rules[a]
	return ok && slices.Contains(r.From, from)
}

// Actor's body and permission for an action on a case in its stage.
func (r Rule) perms(c *Case) []ctip.Permission {
	if len(r.Perms) > 0 {
		return r.Perms
	}
	return []ctip.Permission{PermOf(r.BodyOf(c))}
}

// BodyOf is whose decision the action is, on this case now.
func (r Rule) BodyOf(c *Case) Body {
	if r.Body != "" {
		return r.Body
	}
	if c.Stage == Suspended || c.Stage == Terminated {
		return Holder(c.SuspendedFrom)
	}
	return Holder(c.Stage)
}

// CitationOf narrows a multi-article citation to the holder's article
// (Art. 229 / 247 / 281 …).
func CitationOf(a Action, c *Case, english bool) string {
	r := Rules[a]
	idx := map[Body]int{BodyInvestigating: 0, BodyProcuracy: 1, BodyCourt: 2}[r.BodyOf(c)]
	var arts []string
	switch a {
	case ActSuspend:
		arts = []string{"229", "247", "281"}
	case ActTerminate:
		arts = []string{"230", "248", "282"}
	case ActResume:
		arts = []string{"235", "250", "283"}
	default:
		if english {
			return r.BasisEN
		}
		return r.Basis
	}
	if english {
		return "CPC Art. " + arts[idx]
	}
	return "BLTTHS Điều " + arts[idx]
}

// citeOf is CitationOf as a message argument: each language its wording.
func citeOf(a Action, c *Case) ctip.Text {
	return ctip.Text{VI: CitationOf(a, c, false), EN: CitationOf(a, c, true)}
}

// NextStage returns the stage after an action.
func NextStage(a Action, c *Case) Stage {
	r := Rules[a]
	switch {
	case a == ActResume:
		switch Holder(c.SuspendedFrom) {
		case BodyProcuracy:
			return Prosecution
		case BodyCourt:
			return TrialPreparation
		}
		return Resumed
	case a == ActConclude && c.Stage == Supplementary && (c.LastReturner == legal.ReturnedByJudge || c.LastReturner == legal.ReturnedByTrialPanel):
		// The file goes back to the court through the procuracy; the court
		// then decides within 15 days of receiving it (CPC Art. 277).
		return Indicted
	case r.To == "":
		return c.Stage
	}
	return r.To
}

// Grounds of suspension of the investigation (CPC Art. 229(1)): (a) the
// suspect is not identified or cannot be found; (b) a forensic conclusion of
// mental or other dangerous illness; (c) expert examination, valuation or
// foreign legal assistance still pending. A force-majeure ground after 2021
// is U (LEGAL.md §1.3) and not offered.
var SuspendGrounds = []string{"suspect_unknown", "illness", "expert_pending"}

// AfterExpiryGrounds must wait until the investigation limit has run out
// (Art. 229(1)(a), (c)); (b) may come earlier.
var AfterExpiryGrounds = []string{"suspect_unknown", "expert_pending"}

// TerminateGrounds — CPC Art. 230(1): the grounds of Art. 157 (no crime
// event, not a crime, under age, already judged, limitation expired,
// amnesty, offender dead), exemption from criminal liability (Penal Code
// Art. 29), and no proof against the accused when the limit has run out.
var TerminateGrounds = []string{"no_crime_event", "not_a_crime", "under_age", "already_judged", "limitation_expired", "amnesty",
	"offender_dead", "exempted", "not_proven"}

// Clocks computes every running time limit of a case: its stage clock and
// the deadlines of the accused's running measures. It also sets the case's
// CurrentDue, NextDue and Dues, and each measure's Due. An error means the
// stored extensions no longer fit the rules (e.g. the category changed).
func Clocks(c *Case, accused []*Accused, measures []*Measure, p legal.Policy, cal *legal.Calendar) ([]Clock, error) {
	var out []Clock
	c.CurrentDue, c.NextDue = ctip.Date{}, ctip.Date{}
	if c.Dues == nil {
		c.Dues = map[legal.Stage]ctip.Date{}
	}
	if l, ok, err := StageLimit(c, p, cal); err != nil {
		return nil, err
	} else if ok {
		c.CurrentDue = l.Due
		c.Dues[c.ClockKind] = l.Due
		out = append(out, Clock{CaseID: c.ID, Kind: string(c.ClockKind), Start: l.Start, Due: l.Due, Basis: l.Basis, BasisEN: l.BasisEN, Holder: Holder(c.Stage)})
	}
	cats := map[ctip.ID]legal.Category{}
	active := map[ctip.ID]bool{}
	for _, a := range accused {
		cats[a.ID] = a.Category
		active[a.ID] = a.Status == AccusedActive
	}
	for _, m := range measures {
		if !m.Running() || !active[m.AccusedID] || c.Stage.Closed() {
			continue
		}
		l, ok, err := MeasureLimit(m, cats[m.AccusedID], c, p)
		if err != nil {
			return nil, err
		}
		if !ok {
			m.Due = ctip.Date{}
			continue
		}
		m.Due = l.Due
		out = append(out, Clock{CaseID: c.ID, Kind: string(m.Type), AccusedID: ctip.Some(m.AccusedID), MeasureID: ctip.Some(m.ID),
			Start: l.Start, Due: l.Due, Basis: l.Basis, BasisEN: l.BasisEN, Holder: Holder(c.Stage)})
	}
	c.DetentionOrdersNeeded = len(DetentionOrderNeeded(c, accused, measures))
	for _, k := range out {
		if c.NextDue.IsZero() || k.Due.Before(c.NextDue) {
			c.NextDue = k.Due
		}
	}
	return out, nil
}

// DetentionOrderNeeded lists the accused who need a detention order of the
// body now in charge: the case is in prosecution (the procuracy, CPC Art.
// 241) or trial preparation (the court, Art. 278), the accused is active,
// their detention ended with the previous stage (EndedByStage, on or after
// the day this stage began) and no measure of theirs runs yet. Until the
// order is recorded (or another measure, e.g. bail), the case page and the
// board show the state; there is no deadline to compute.
func DetentionOrderNeeded(c *Case, accused []*Accused, measures []*Measure) []ctip.ID {
	if _, _, ok := StageDetentionType(c.Stage); !ok {
		return nil
	}
	var out []ctip.ID
	for _, x := range accused {
		if x.Status != AccusedActive {
			continue
		}
		ended, running := false, false
		for _, m := range measures {
			if m.AccusedID != x.ID {
				continue
			}
			if m.Running() {
				running = true
			} else if m.Type.IsDetention() && m.EndedBy == EndedByStage && !m.EndedOn.Before(c.StageSince) {
				ended = true
			}
		}
		if ended && !running {
			out = append(out, x.ID)
		}
	}
	return out
}

// EndDetentionsWithStage ends, on the day the case enters prosecution or
// trial preparation, the running detentions ordered for an earlier stage
// (the investigation's, Art. 173; the procuracy's, Art. 241): the body now
// in charge decides on detention itself (Arts 241, 278), so the earlier
// clock does not silently carry on. It returns the measures it ended.
func EndDetentionsWithStage(next Stage, on ctip.Date, measures []*Measure) []*Measure {
	own, _, ok := StageDetentionType(next)
	if !ok {
		return nil
	}
	var out []*Measure
	for _, m := range measures {
		if m.Running() && m.Type.IsDetention() && m.Type != own {
			m.EndedOn, m.EndedBy = on, EndedByStage
			out = append(out, m)
		}
	}
	return out
}

// StageLimit computes the running stage clock of a case (false: none runs).
func StageLimit(c *Case, p legal.Policy, cal *legal.Calendar) (legal.Limit, bool, error) {
	var l legal.Limit
	var err error
	switch c.ClockKind {
	case "":
		return legal.Limit{}, false, nil
	case legal.StageInvestigation:
		l, err = legal.Investigation(p, cal, c.Category, c.ClockStart, c.ClockExt...)
	case legal.StageResumedInvestigation:
		l, err = legal.ResumedInvestigation(p, cal, c.Category, c.ClockStart, c.ClockExt...)
	case legal.StageSupplementaryInvestigation:
		prior := c.returnsBy(c.LastReturner) - 1
		l, err = legal.SupplementaryInvestigation(p, cal, c.LastReturner, prior, c.ClockStart)
	case legal.StageProsecution:
		l, err = legal.Prosecution(p, cal, c.Category, c.ClockStart, c.ClockExt...)
	case legal.StageTrialPreparation:
		l, err = legal.TrialPreparation(p, cal, c.Category, c.ClockStart, c.ClockExt...)
	case legal.StageTrialDecisionAfterReturn:
		l, err = legal.TrialDecisionAfterReturn(p, cal, c.ClockStart)
	case legal.StageHearing:
		l, err = legal.Hearing(p, cal, c.ClockStart, len(c.ClockExt) > 0)
	default:
		return legal.Limit{}, false, ctip.Errorf(ctip.Invalid, "legal.unknown_stage", string(c.ClockKind))
	}
	return l, err == nil, err
}

// MeasureLimit computes a measure's last day: custody (Art. 118) and
// detention (Art. 173) from the law unless the order names its end date
// (which prevails, Art. 134(1)); bail and residence ban (Arts 121, 123)
// last no longer than the stage's limit.
func MeasureLimit(m *Measure, cat legal.Category, c *Case, p legal.Policy) (legal.Limit, bool, error) {
	var l legal.Limit
	var err error
	switch m.Type {
	case Custody:
		l, err = legal.Custody(p, m.StartOn, m.Ext...)
	case Detention:
		if cat == "" {
			cat = c.Category
		}
		l, err = legal.Detention(p, cat, m.StartOn, m.Ext...)
	case ProsecutionDetention, TrialDetention:
		// The date in the order (Arts 241, 278); its cap by the stage's
		// limit is checked when the order is recorded (legal.OrderedDetention).
		st := legal.StageProsecution
		if m.Type == TrialDetention {
			st = legal.StageTrialPreparation
		}
		vi, en, _ := legal.StageDetentionBasis(st)
		return legal.Limit{Start: m.StartOn, Due: m.OrderEnd, Basis: vi, BasisEN: en}, !m.OrderEnd.IsZero(), nil
	case Bail, ResidenceBan:
		l = legal.Limit{Start: m.StartOn, Due: c.CurrentDue, Basis: "BLTTHS Điều 121, 123", BasisEN: "CPC Arts 121, 123"}
		if !m.OrderEnd.IsZero() && (l.Due.IsZero() || m.OrderEnd.Before(l.Due)) {
			l.Due = m.OrderEnd
		}
		return l, !l.Due.IsZero(), nil
	default:
		return legal.Limit{}, false, nil
	}
	if err != nil {
		return legal.Limit{}, false, err
	}
	if !m.OrderEnd.IsZero() {
		l.Due = m.OrderEnd
	}
	return l, true, nil
}

func (c *Case) returnsBy(r legal.Returner) int {
	switch r {
	case legal.ReturnedByProcuracy:
		return c.ReturnsProcuracy
	case legal.ReturnedByJudge:
		return c.ReturnsJudge
	case legal.ReturnedByTrialPanel:
		return c.ReturnsPanel
	}
	return 0
}

// Category computes a case's category: the most serious over the case's
// charges and every accused's (Penal Code Art. 9; the "most serious drives"
// rule is a design assumption, U — LEGAL.md §2.2).
func Category(c *Case, accused []*Accused) legal.Category {
	cats := []legal.Category{c.Category}
	for _, a := range accused {
		if a.Status != AccusedTerminated {
			cats = append(cats, a.Category)
		}
	}
	return legal.MostSerious(cats...)
}

// How a clock's days are counted, for display (catalogue keys
// case.counting.<value>).
const (
	// CountStage: a procedural limit — the start day is not counted, a
	// month ends on the same-numbered day, moved off a day off (CPC Art. 134).
	CountStage = "stage"
	// CountCustody / CountDetention: the start day counts (Policy
	// CustodyStartDayExcluded false), detention's months are 30 days.
	CountCustody   = "custody"
	CountDetention = "detention"
	// CountCustodyExcl / CountDetentionExcl: the same with the start day
	// not counted (CustodyStartDayExcluded true).
	CountCustodyExcl   = "custody_excl"
	CountDetentionExcl = "detention_excl"
	// CountOrder: the end date written in the order prevails (Art. 134(1)).
	CountOrder = "order"
	// CountWithStage: bail and residence ban last no longer than the
	// stage's limit (Arts 121, 123).
	CountWithStage = "with_stage"
)

// Counting tells how a clock is counted (orderEnd: the end date written in
// its measure's order, if any).
func Counting(k Clock, orderEnd ctip.Date, p legal.Policy) string {
	switch t := MeasureType(k.Kind); t {
	case Custody, Detention:
		if !orderEnd.IsZero() && orderEnd == k.Due {
			return CountOrder
		}
		c := CountCustody
		if t == Detention {
			c = CountDetention
		}
		if p.CustodyStartDayExcluded {
			c += "_excl"
		}
		return c
	case ProsecutionDetention, TrialDetention:
		return CountOrder
	case Bail, ResidenceBan:
		return CountWithStage
	}
	return CountStage
}

// DeadlineState classifies a deadline for display.
type DeadlineState string

// The states.
const (
	StateOK      DeadlineState = "ok"
	StateDueSoon DeadlineState = "due_soon"
	StateOverdue DeadlineState = "overdue"
	StatePaused  DeadlineState = "paused"
	StateClosed  DeadlineState = "closed"
)

// DueLabel words a deadline for display: its state, or "today" when it
// ends today, with the days left (or overdue) as a positive number.
func DueLabel(due, today ctip.Date) (label string, days int) {
	st := StateOf(due, today)
	if st == StatePaused {
		return string(st), 0
	}
	days = today.DaysUntil(due)
	switch {
	case days == 0:
		return "today", 0
	case days < 0:
		days = -days
	}
	return string(st), days
}

// DueSoonDays is the board's "due within" window (the issue: 7 days).
const DueSoonDays = 7

// StateOf classifies a due date relative to today.
func StateOf(due ctip.Date, today ctip.Date) DeadlineState {
	switch {
	case due.IsZero():
		return StatePaused
	case due.Before(today):
		return StateOverdue
	case !due.After(today.AddDays(DueSoonDays)):
		return StateDueSoon
	}
	return StateOK
}

// Settings are the module's configurable values (stored in the settings
// table, edited on the admin calendar page).
type Settings struct {
	// ReminderDays: notify this many days before each limit, by clock kind.
	// Defaults (the issue, CPC Arts 172–173): extension requests must reach
	// the procuracy ≥ 10 days before the investigation or detention limit
	// expires; ≥ 5 days for crime-information resolution (Art. 147(3)).
	ReminderDays map[string]int
	// KeyTargetPercent: a key case's internal target is this share of the
	// running legal limit (default 50: finish within half the limit).
	KeyTargetPercent int
}

// ReminderKinds lists the clocks with a reminder setting, in display order.
var ReminderKinds = []string{
	string(legal.StageInvestigation), string(legal.StageResumedInvestigation), string(legal.StageSupplementaryInvestigation),
	string(legal.StageProsecution), string(legal.StageTrialPreparation), string(legal.StageTrialDecisionAfterReturn),
	string(legal.StageHearing), string(Custody), string(Detention), string(ProsecutionDetention), string(TrialDetention),
	string(Bail), string(ResidenceBan), "intake",
}

// DefaultSettings returns the defaults.
func DefaultSettings() Settings {
	return Settings{ReminderDays: map[string]int{
		"investigation": 10, "resumed_investigation": 10, "supplementary_investigation": 10, "detention": 10,
		"prosecution": 5, "trial_preparation": 5, "trial_decision_after_return": 3, "hearing": 3,
		"custody": 1, "prosecution_detention": 5, "trial_detention": 5, "bail": 5, "residence_ban": 5, "intake": 5,
	}, KeyTargetPercent: 50}
}

// EncodeReminderDays writes "kind=n,kind=n" (the settings value).
func EncodeReminderDays(m map[string]int) string {
	var parts []string
	for _, k := range ReminderKinds {
		if n, ok := m[k]; ok {
			parts = append(parts, k+"="+strconv.Itoa(n))
		}
	}
	return strings.Join(parts, ",")
}

// ParseReminderDays reads EncodeReminderDays' format over the defaults.
func ParseReminderDays(s string) map[string]int {
	m := DefaultSettings().ReminderDays
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(v)
		if ok && err == nil && n >= 0 && n <= 60 && slices.Contains(ReminderKinds, k) {
			m[k] = n
		}
	}
	return m
}

// KeyTarget returns a key case's internal target for a limit: start +
// percent of the limit's length in days (rounded down, at least one day).
func KeyTarget(l legal.Limit, percent int) ctip.Date {
	if l.Due.IsZero() || percent <= 0 || percent >= 100 {
		return l.Due
	}
	n := l.Start.DaysUntil(l.Due) * percent / 100
	if n < 1 {
		n = 1
	}
	return l.Start.AddDays(n)
}

// FormatPeriods encodes extensions as "4m,15d".
func FormatPeriods(ps []legal.Period) string {
	var out []string
	for _, p := range ps {
		s := ""
		if p.Months != 0 {
			s += strconv.Itoa(p.Months) + "m"
		}
		if p.Days != 0 {
			s += strconv.Itoa(p.Days) + "d"
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

// ParsePeriods reads FormatPeriods' encoding.
func ParsePeriods(s string) []legal.Period {
	var out []legal.Period
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
		var p legal.Period
		num := ""
		for _, r := range part {
			switch {
			case r >= '0' && r <= '9':
				num += string(r)
			case r == 'm':
				p.Months, _ = strconv.Atoi(num)
				num = ""
			case r == 'd':
				p.Days, _ = strconv.Atoi(num)
				num = ""
			}
		}
		out = append(out, p)
	}
	return out
}

// FormatCharges encodes charges as "150.2.c;151.1".
func FormatCharges(cs []legal.Charge) string {
	var out []string
	for _, c := range cs {
		s := c.Article + "." + c.Clause
		if c.Point != "" {
			s += "." + c.Point
		}
		out = append(out, s)
	}
	return strings.Join(out, ";")
}

// ParseCharges reads FormatCharges' encoding.
func ParseCharges(s string) []legal.Charge {
	var out []legal.Charge
	for _, part := range strings.Split(s, ";") {
		if part == "" {
			continue
		}
		f := strings.SplitN(part, ".", 3)
		ch := legal.Charge{Article: f[0]}
		if len(f) > 1 {
			ch.Clause = f[1]
		}
		if len(f) > 2 {
			ch.Point = f[2]
		}
		out = append(out, ch)
	}
	return out
}

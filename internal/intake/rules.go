package intake

import (
	"slices"
	"strings"

	"ctip"
	"ctip/internal/legal"
)

// Action names one step of the process. Every action is an explicit row of
// the table below: which statuses it may start from, what status follows,
// which permission it needs, and whether it records a decision document.
type Action string

// The actions.
const (
	ActTransfer         Action = "transfer"          // chuyển ngay to the competent investigating body (Art. 146(3))
	ActAssign           Action = "assign"            // assign (or reassign) the verifying officer
	ActVerify           Action = "verify"            // log a verification action (kiểm tra, xác minh, Art. 147(2))
	ActNotify           Action = "notify"            // written notice to the procuracy (Art. 146, 3 days)
	ActExtend           Action = "extend"            // investigating body lengthens to ≤ 2 months (Art. 147(2))
	ActProcuracyExtend  Action = "procuracy_extend"  // procuracy extends once by ≤ 2 months (Art. 147(3))
	ActProsecute        Action = "prosecute"         // decision to institute a criminal case (Art. 147(1)(a), Art. 153)
	ActNotProsecute     Action = "not_prosecute"     // decision not to institute (Art. 147(1)(b), Art. 157)
	ActSuspend          Action = "suspend"           // suspend resolution (Art. 148(1))
	ActResume           Action = "resume"            // resume resolution (Art. 149)
	ActCancelSuspension Action = "cancel_suspension" // procuracy cancels an unfounded suspension (Art. 148)
)

// Rule is one row of the transition table.
type Rule struct {
	From     []Status
	To       Status // "" keeps the current status (unless noted in apply)
	Perm     ctip.Permission
	Decision bool // records a numbered decision: document number, date and signer required
	// Basis is the legal basis as a catalogue key (cite.intake.*): each
	// language its wording ("BLTTHS Điều 147 khoản 2" / "CPC Art. 147(2)"),
	// so an English page or message never cites in Vietnamese.
	Basis ctip.Label
}

var openStates = []Status{Received, Transferred, Assigned, Verifying, Resumed}

// Rules is the transition table of crime-information resolution.
var Rules = map[Action]Rule{
	ActTransfer:         {From: openStates, To: Transferred, Perm: ctip.PermIntakeProcess, Basis: "cite.intake.transfer"},
	ActAssign:           {From: openStates, To: Assigned, Perm: ctip.PermIntakeAssign},
	ActVerify:           {From: []Status{Assigned, Verifying, Resumed}, To: Verifying, Perm: ctip.PermIntakeProcess, Basis: "cite.intake.verify"},
	ActNotify:           {From: append(slices.Clone(openStates), Suspended), Perm: ctip.PermIntakeProcess, Basis: "cite.intake.notify"},
	ActExtend:           {From: []Status{Received, Transferred, Assigned, Verifying}, Perm: ctip.PermIntakeDecide, Decision: true, Basis: "cite.intake.extend"},
	ActProcuracyExtend:  {From: []Status{Received, Transferred, Assigned, Verifying}, Perm: ctip.PermIntakeProcuracy, Decision: true, Basis: "cite.intake.procuracy_extend"},
	ActProsecute:        {From: openStates, To: Prosecuted, Perm: ctip.PermIntakeDecide, Decision: true, Basis: "cite.intake.prosecute"},
	ActNotProsecute:     {From: openStates, To: NotProsecuted, Perm: ctip.PermIntakeDecide, Decision: true, Basis: "cite.intake.not_prosecute"},
	ActSuspend:          {From: []Status{Assigned, Verifying, Resumed}, To: Suspended, Perm: ctip.PermIntakeDecide, Decision: true, Basis: "cite.intake.suspend"},
	ActResume:           {From: []Status{Suspended}, To: Resumed, Perm: ctip.PermIntakeDecide, Decision: true, Basis: "cite.intake.resume"},
	ActCancelSuspension: {From: []Status{Suspended}, To: Resumed, Perm: ctip.PermIntakeProcuracy, Decision: true, Basis: "cite.intake.cancel_suspension"},
}

// Actions lists the actions in display order.
var Actions = []Action{ActTransfer, ActAssign, ActVerify, ActNotify, ActExtend, ActProcuracyExtend, ActProsecute, ActNotProsecute, ActSuspend, ActResume, ActCancelSuspension}

// Allowed reports whether action may start from status (ignoring who acts).
func Allowed(a Action, from Status) bool {
	r, ok := Rules[a]
	return ok && slices.Contains(r.From, from)
}

// NextStatus returns the status after action from status.
func NextStatus(a Action, from Status) Status {
	r := Rules[a]
	switch {
	case r.To == "":
		return from
	case a == ActAssign && (from == Verifying || from == Resumed):
		return from // reassigning does not undo verification
	}
	return r.To
}

// ProcuracyAction reports whether an action is the procuracy's own decision.
func ProcuracyAction(a Action) bool { return Rules[a].Perm == ctip.PermIntakeProcuracy }

// Deadlines computes the limit that runs for an item (zero when suspended
// or decided) and the 3-day notice limit, with the policy and calendar.
func Deadlines(it *Item, p legal.Policy, cal *legal.Calendar) (run legal.Limit, notice legal.Limit) {
	notice = legal.IntakeNoticeToProcuracy(p, cal, it.ReceivedOn)
	if !it.Status.Open() {
		return legal.Limit{}, notice
	}
	switch it.ClockKind {
	case ClockBodyExtension:
		run, _ = legal.IntakeBodyExtension(p, cal, it.ReceivedOn, it.ClockMonths)
	case ClockProcuracyExt:
		run, _ = legal.IntakeProcuracyExtension(p, cal, it.ReceivedOn, it.ClockMonths)
	case ClockResumed:
		run = legal.IntakeResumption(p, cal, it.ClockStart)
	case ClockCancelled:
		run = legal.IntakeAfterCancelledSuspension(p, cal, it.ClockStart)
	default:
		run = legal.IntakeBase(p, cal, it.ReceivedOn)
	}
	return run, notice
}

// DeadlineState classifies an item's clock for display and filtering.
type DeadlineState string

// The deadline states.
const (
	StateOK      DeadlineState = "ok"
	StateDueSoon DeadlineState = "due_soon" // within DueSoonDays
	StateOverdue DeadlineState = "overdue"
	StatePaused  DeadlineState = "paused" // suspended
	StateClosed  DeadlineState = "closed" // decided
)

// DueSoonDays is the "due within" window of the intake views.
const DueSoonDays = 5

// StateOf classifies a deadline relative to today.
func StateOf(it *Item, today ctip.Date) DeadlineState {
	switch {
	case it.Status.Closed():
		return StateClosed
	case it.Status == Suspended:
		return StatePaused
	case it.Deadline.IsZero():
		return StateOK
	case it.Deadline.Before(today):
		return StateOverdue
	case !it.Deadline.After(today.AddDays(DueSoonDays)):
		return StateDueSoon
	}
	return StateOK
}

// CanSeeReporter applies the reporter-identity rule: the assigned officer,
// and leaders (holders of intake.reporter) of the receiving unit or a unit
// above it. Nobody else, whatever their other rights.
func CanSeeReporter(a *ctip.Actor, it *Item) bool {
	if a == nil || a.System {
		return false
	}
	if it.AssignedTo.Valid && it.AssignedTo.ID == a.UserID {
		return true
	}
	return a.Can(ctip.PermReporterView) && a.UnitPath != "" && strings.HasPrefix(it.ReceivingUnitPath, a.UnitPath)
}

// CanWrite reports whether the actor's unit handles the item: the owning
// unit itself, or a leader above it.
func CanWrite(a *ctip.Actor, it *Item) bool {
	if a == nil {
		return false
	}
	if a.UnitID == it.UnitID {
		return true
	}
	return a.Can(ctip.PermLeaderSubtree) && a.UnitPath != "" && strings.HasPrefix(it.UnitPath, a.UnitPath)
}

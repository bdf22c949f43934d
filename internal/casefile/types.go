// Package casefile handles criminal cases (vụ án hình sự) from institution
// (khởi tố, CPC Art. 153) to the final judgment: the case file and its
// accused persons (bị can) with their own charges and preventive measures,
// the procedural stages as an explicit state machine with every decision
// recorded, the statutory clocks computed by internal/legal, key cases (vụ
// án trọng điểm), the case board, deadline reminders and peak enforcement
// campaigns (cao điểm).
//
// Every rule cites its article; the legal source is shared/domain/LEGAL.md
// §1.3–1.7 and §2. Rules marked U there are Settings, not constants.
package casefile

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/intake"
	"ctip/internal/legal"
	"ctip/internal/notify"
	"ctip/internal/person"
)

// Stage is where a case stands in the criminal procedure (giai đoạn tố tụng).
type Stage string

// The stages. Rules (rules.go) says which action leads from which to which.
const (
	// Investigating — điều tra (CPC Arts 172, 163): from the decision to
	// institute the case; the investigating body holds the file.
	Investigating Stage = "investigation"
	// Suspended — tạm đình chỉ (CPC Art. 229 investigation; Art. 247
	// procuracy; Art. 281 court).
	Suspended Stage = "suspended"
	// Terminated — đình chỉ (CPC Art. 230 investigation; Art. 248 procuracy;
	// Art. 282 court).
	Terminated Stage = "terminated"
	// Resumed — phục hồi điều tra (CPC Arts 235, 174(1)).
	Resumed Stage = "resumed"
	// Supplementary — điều tra bổ sung after a return of the file (CPC Art. 174(2)).
	Supplementary Stage = "supplementary"
	// Prosecution — the procuracy decides on prosecution (truy tố, CPC Art. 240).
	Prosecution Stage = "prosecution"
	// Indicted — bản cáo trạng issued (CPC Art. 243); awaiting the court's acceptance (thụ lý).
	Indicted Stage = "indicted"
	// TrialPreparation — chuẩn bị xét xử sơ thẩm (CPC Art. 277).
	TrialPreparation Stage = "trial_preparation"
	// TrialScheduled — quyết định đưa vụ án ra xét xử made; the hearing must
	// open within 15 (30) days (CPC Art. 277).
	TrialScheduled Stage = "trial_scheduled"
	// Judged — bản án sơ thẩm pronounced (first instance).
	Judged Stage = "judged"
	// Appeal — kháng cáo, kháng nghị phúc thẩm (CPC Arts 331–337).
	Appeal Stage = "appeal"
	// Final — bản án, quyết định có hiệu lực pháp luật (CPC Art. 343).
	Final Stage = "final"
)

// Stages lists the stages in procedural order.
var Stages = []Stage{Investigating, Resumed, Supplementary, Suspended, Terminated, Prosecution, Indicted, TrialPreparation, TrialScheduled, Judged, Appeal, Final}

// Closed reports whether the case has left the procedure.
func (s Stage) Closed() bool { return s == Final || s == Terminated }

// Body is a procedure-conducting body (cơ quan tiến hành tố tụng).
type Body string

// The bodies.
const (
	// BodyInvestigating — Cơ quan điều tra (and bodies assigned to conduct
	// some investigation activities, e.g. the Border Guard).
	BodyInvestigating Body = "investigating_body"
	// BodyProcuracy — Viện kiểm sát nhân dân.
	BodyProcuracy Body = "procuracy"
	// BodyCourt — Tòa án nhân dân.
	BodyCourt Body = "court"
)

// Bodies lists the bodies.
var Bodies = []Body{BodyInvestigating, BodyProcuracy, BodyCourt}

// BodyOfUnit maps a unit kind to the body it belongs to ("" for none).
func BodyOfUnit(kind string) Body {
	switch kind {
	case ctip.UnitPolice, ctip.UnitCommunePolice, ctip.UnitBorderGuard:
		return BodyInvestigating
	case ctip.UnitProcuracy:
		return BodyProcuracy
	case ctip.UnitCourt:
		return BodyCourt
	}
	return ""
}

// Holder returns the body that holds the file in a stage (for a suspended
// or terminated case, the stage it was suspended from).
func Holder(s Stage) Body {
	switch s {
	case Prosecution, Indicted:
		return BodyProcuracy
	case TrialPreparation, TrialScheduled, Judged, Appeal, Final:
		return BodyCourt
	}
	return BodyInvestigating
}

// PermOf is the permission with which a body records its own decisions.
func PermOf(b Body) ctip.Permission {
	switch b {
	case BodyProcuracy:
		return ctip.PermCaseProcuracy
	case BodyCourt:
		return ctip.PermCaseCourt
	}
	return ctip.PermCaseWrite
}

// Person is an accused, a victim or a witness as the case keeps them: the
// registry person (PersonID, internal/person) and a copy of the name, sex,
// year of birth and ID number for the case's own pages and exports. For a
// protected person (a victim) the copy holds the pseudonym, never the
// identity. Rows written before the registry have no PersonID until the
// start-up backfill (BackfillPersons) links them; rows whose person was purged
// keep no PersonID and are not backfilled (PurgedOn). Name and IDNumber are
// encrypted at rest.
type Person struct {
	Name      string
	Sex       string // "male", "female", "" unknown
	BirthYear int    // 0 unknown
	IDNumber  string
	PersonID  ctip.NullID // the registry record
	// PurgedOn is the day the registry record was purged under the
	// retention rules (person.Service.Purge): PersonID is then empty, the
	// case keeps its copy, and the backfill leaves the row alone.
	PurgedOn ctip.Date
	// ConfirmNew (input only): the details make a new registry person even
	// if they look like an existing one (person.DuplicateError otherwise).
	ConfirmNew bool
}

// LogValue keeps names and ID numbers out of logs.
func (p Person) LogValue() slog.Value { return slog.StringValue("[person]") }

// Sexes lists the sex codes.
var Sexes = []string{"male", "female"}

// Case is a criminal case (vụ án hình sự).
type Case struct {
	ID              ctip.ID
	Reference       string  // "VA-2026-000123", per investigating unit and year
	UnitID          ctip.ID // the investigating unit (owner)
	ProcuracyUnitID ctip.NullID
	CourtUnitID     ctip.NullID
	IntakeItemID    ctip.NullID // the crime information it was instituted from
	CreatedBy       ctip.ID

	// The decision to institute the case (quyết định khởi tố vụ án hình sự, CPC Art. 154).
	InstitutionNumber string
	InstitutionSigner string
	InstitutedOn      ctip.Date
	OffenceOn         ctip.Date // when the offence was committed (selects the Penal Code version); zero = InstitutedOn
	Charges           []legal.Charge
	Category          legal.Category // the most serious over the case's and the accused's charges (U)
	Summary           string         // encrypted at rest
	ProvinceCode      string
	CommuneCode       string
	Ring              bool // đường dây: a trafficking ring broken up

	Stage         Stage
	StageSince    ctip.Date // date of the decision that opened the stage
	SuspendedFrom Stage     // for Suspended/Terminated: the stage left
	Ground        string    // suspension/termination ground

	// The running clock (zero ClockKind: none).
	ClockKind  legal.Stage
	ClockStart ctip.Date
	ClockExt   []legal.Period // extensions granted in the running clock
	ClockFlag  string         // "after_return": trial decision within 15 days (Art. 277)

	Dues       map[legal.Stage]ctip.Date // the latest limit of each stage clock
	CurrentDue ctip.Date                 // the running stage clock's last day
	NextDue    ctip.Date                 // the earliest running clock, stage or measure
	// DetentionOrdersNeeded counts the accused whose detention ended with
	// the previous stage and who have no measure from the body now in
	// charge yet (DetentionOrderNeeded): a state, not a deadline.
	DetentionOrdersNeeded int

	ReturnsProcuracy int // CPC Art. 174(2): at most 2
	ReturnsJudge     int // at most 1
	ReturnsPanel     int // at most 1
	LastReturner     legal.Returner

	// Key case (vụ án trọng điểm): each body's agreement date.
	KeyProposedBy Body
	KeyReason     string
	KeyAgreed     map[Body]ctip.Date

	Officers []Officer

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time

	// Filled by reads.
	UnitPath      string
	UnitName      string
	ProcuracyName string
	CourtName     string
	SharedWith    []ctip.ID
	AccusedCount  int
}

// LogValue logs only the ID.
func (c *Case) LogValue() slog.Value { return slog.StringValue(c.ID.String()) }

// Key statuses.
const (
	KeyNone     = ""
	KeyProposed = "proposed"
	KeyAgreed   = "agreed"
)

// KeyBodies are the bodies whose agreement makes a key case: the
// investigating body and the procuracy, and the court once it has the file
// (it cannot see the case before the indictment).
func (c *Case) KeyBodies() []Body {
	if c.CourtUnitID.Valid {
		return Bodies
	}
	return Bodies[:2]
}

// KeyStatus is "" (not a key case), "proposed" or "agreed" (every body of
// KeyBodies agreed).
func (c *Case) KeyStatus() string {
	if c.KeyProposedBy == "" {
		return KeyNone
	}
	for _, b := range c.KeyBodies() {
		if c.KeyAgreed[b].IsZero() {
			return KeyProposed
		}
	}
	return KeyAgreed
}

// Officer is an investigator assigned to the case (điều tra viên).
type Officer struct {
	UserID ctip.ID
	Name   string
	Lead   bool
}

// FormatReference formats a case number: VA-<year>-<6 digits>.
func FormatReference(year int, n int64) string { return fmt.Sprintf("VA-%d-%06d", year, n) }

// ReferenceScope is the counter scope of an investigating unit.
func ReferenceScope(unitID ctip.ID) string { return "VA/" + unitID.String() }

// AccusedStatus is an accused person's own procedural status.
type AccusedStatus string

// The accused statuses.
const (
	AccusedActive     AccusedStatus = "active"
	AccusedSuspended  AccusedStatus = "suspended"  // tạm đình chỉ đối với bị can (Arts 229(2), 247, 281)
	AccusedTerminated AccusedStatus = "terminated" // đình chỉ đối với bị can (Arts 230, 248, 282)
	AccusedJudged     AccusedStatus = "judged"
)

// Accused is an accused person (bị can; bị cáo once brought to trial),
// charged by a decision to institute proceedings against the person
// (quyết định khởi tố bị can, CPC Art. 179).
type Accused struct {
	ID           ctip.ID
	CaseID       ctip.ID
	Person       Person
	Charges      []legal.Charge
	Category     legal.Category
	ChargeNumber string
	ChargedOn    ctip.Date
	Status       AccusedStatus
	StatusGround string
	StatusOn     ctip.Date
	// First-instance judgment (per defendant).
	Verdict        string // "convicted", "acquitted"
	SentenceType   string // see SentenceTypes
	SentenceMonths int
	Version        int
	CreatedAt      time.Time
}

// LogValue logs only the ID.
func (a *Accused) LogValue() slog.Value { return slog.StringValue(a.ID.String()) }

// Verdicts and sentence types (Penal Code Art. 32: main penalties).
var (
	Verdicts      = []string{"convicted", "acquitted"}
	SentenceTypes = []string{"prison", "life", "death", "non_custodial", "probation", "fine", "warning", "expulsion"}
)

// MeasureType is a preventive measure (biện pháp ngăn chặn, CPC Art. 109).
type MeasureType string

// The measures with deadlines.
const (
	// Custody — tạm giữ (CPC Art. 118): 3 days + ≤ 3 + ≤ 3.
	Custody MeasureType = "custody"
	// Detention — tạm giam (CPC Art. 173): by category, months of 30 days.
	Detention MeasureType = "detention"
	// Bail — bảo lĩnh (CPC Art. 121): no longer than the stage's limit.
	Bail MeasureType = "bail"
	// ResidenceBan — cấm đi khỏi nơi cư trú (CPC Art. 123): no longer than the stage's limit.
	ResidenceBan MeasureType = "residence_ban"
	// ProsecutionDetention — tạm giam để truy tố: the procuracy's detention
	// order once it has the file (CPC Art. 241), until the date in the
	// order, no later than the prosecution limit (LEGAL.md §1.5, U:
	// legal.Policy.StageDetentionUncapped).
	ProsecutionDetention MeasureType = "prosecution_detention"
	// TrialDetention — tạm giam để chuẩn bị xét xử: the court's detention
	// order once it has accepted the case (CPC Art. 278), no later than the
	// trial-preparation limit (the same setting).
	TrialDetention MeasureType = "trial_detention"
)

// MeasureTypes lists the measures.
var MeasureTypes = []MeasureType{Custody, Detention, ProsecutionDetention, TrialDetention, Bail, ResidenceBan}

// DetentionTypes are the detentions: for the investigation (Art. 173) and
// the ones the procuracy and the court order in their stages (Arts 241, 278).
var DetentionTypes = []MeasureType{Detention, ProsecutionDetention, TrialDetention}

// IsDetention reports whether t is a detention of any stage.
func (t MeasureType) IsDetention() bool { return slices.Contains(DetentionTypes, t) }

// StageDetentionType returns the detention a stage's body orders (false:
// the stage has none of its own — the investigation's is Detention).
func StageDetentionType(s Stage) (MeasureType, legal.Stage, bool) {
	switch s {
	case Prosecution:
		return ProsecutionDetention, legal.StageProsecution, true
	case TrialPreparation:
		return TrialDetention, legal.StageTrialPreparation, true
	}
	return "", "", false
}

// EndedByStage marks a detention that ended because the case moved to a
// stage whose body must order detention itself (Measure.EndedBy).
const EndedByStage = "stage"

// EndedByRelease marks such a detention once the body now in charge has
// decided not to order detention (the accused is released without a new
// measure): the "order needed" state is cleared.
const EndedByRelease = "released"

// Measure is one preventive measure applied to an accused.
type Measure struct {
	ID             ctip.ID
	CaseID         ctip.ID
	AccusedID      ctip.ID
	Type           MeasureType
	StartOn        ctip.Date
	Ext            []legal.Period // extensions granted
	OrderEnd       ctip.Date      // the end date written in the order (prevails, Art. 134(1)); zero = computed
	Due            ctip.Date
	EndedOn        ctip.Date
	EndedBy        string // EndedByStage: ended with the stage, not by a decision on the measure
	DocumentNumber string
	Version        int
}

// Running reports whether the measure is in force.
func (m *Measure) Running() bool { return m.EndedOn.IsZero() }

// Party roles of persons linked to a case other than the accused.
const (
	RoleVictim  = "victim"  // bị hại / nạn nhân (the victim workflow is another issue)
	RoleWitness = "witness" // người làm chứng
)

// PartyRoles lists the roles.
var PartyRoles = []string{RoleVictim, RoleWitness}

// Party is a victim or witness linked to the case.
type Party struct {
	ID        ctip.ID
	CaseID    ctip.ID
	Role      string
	Person    Person
	Rescued   bool      // victims: rescued (giải cứu)
	RescuedOn ctip.Date // counts in campaign summaries
	CreatedAt time.Time
}

// Event is one entry of a case's timeline: every decision with who, the
// body, the document number and date, and notes.
type Event struct {
	ID             ctip.ID
	CaseID         ctip.ID
	AccusedID      ctip.NullID
	At             time.Time
	ActorID        ctip.NullID
	ActorName      string
	Action         string
	Body           Body
	FromStage      Stage
	ToStage        Stage
	DocumentNumber string
	DocumentDate   ctip.Date
	Signer         string
	Note           string // encrypted at rest
	Detail         string
}

// DetailKind names the date an event's detail records ("" for none):
// "new_deadline" (an extension of the stage or of a measure), "received"
// (the day the file was received, on a conclusion), "hearing" (the planned
// hearing, on bringing to trial), "measure_from" (a measure's start).
func (e Event) DetailKind() string {
	switch {
	case strings.HasPrefix(e.Action, "extend_"), e.Action == "measure_extend":
		return "new_deadline"
	case e.Action == "conclude":
		return "received"
	case e.Action == "bring_to_trial":
		return "hearing"
	case e.Action == "measure_"+string(Custody), e.Action == "measure_"+string(Detention), e.Action == "measure_"+string(Bail),
		e.Action == "measure_"+string(ResidenceBan), e.Action == "measure_"+string(ProsecutionDetention),
		e.Action == "measure_"+string(TrialDetention):
		return "measure_from"
	}
	return ""
}

// DetailDate is the date of DetailKind (zero when none).
func (e Event) DetailDate() ctip.Date {
	f := strings.Fields(e.Detail)
	if e.DetailKind() == "" || len(f) == 0 {
		return ctip.Date{}
	}
	d, err := ctip.ParseDate(f[len(f)-1])
	if err != nil {
		return ctip.Date{}
	}
	return d
}

// Attachment is a document attached to a case, stored encrypted.
type Attachment struct {
	ID           ctip.ID
	CaseID       ctip.ID
	Filename     string // encrypted
	ContentType  string
	Size         int64
	SHA256       string
	UploadedBy   ctip.ID
	UploaderName string
	UploadedAt   time.Time
	Content      []byte
}

// Clock is one running time limit of a case: the stage's or an accused's
// measure, materialised for the board and the reminder job.
type Clock struct {
	CaseID    ctip.ID
	Kind      string      // a legal.Stage ("investigation", …) or a measure type ("custody", "detention", "bail", "residence_ban")
	AccusedID ctip.NullID // measures
	MeasureID ctip.NullID
	Start     ctip.Date
	Due       ctip.Date
	Basis     string
	BasisEN   string
	Holder    Body
}

// Filter selects cases for lists and the board. Zero fields do not filter.
type Filter struct {
	Stages     []Stage
	Holder     Body
	Article    string
	Category   legal.Category
	Commune    string
	From, To   ctip.Date // instituted on, inclusive
	UnitID     ctip.NullID
	OfficerID  ctip.NullID
	DueBy      ctip.Date // a running clock ends on or before
	DueFrom    ctip.Date
	Key        bool // key cases (proposed or agreed)
	Open       bool // not terminated or final
	Reference  string
	CampaignID ctip.NullID
	// DetentionOrders: cases with an accused awaiting the detention order
	// of the body now in charge (CPC Arts 241, 278; Case.DetentionOrdersNeeded).
	DetentionOrders bool
}

// Counts summarise the board.
type Counts struct {
	ByStage map[Stage]int
	Overdue int
	DueSoon int
	Key     int
	Total   int
}

// BoardData is what the store counts for the board: the counts, and the
// workload of the 50 busiest investigators and investigating units.
type BoardData struct {
	Counts   Counts
	Officers []Workload
	Units    []Workload
}

// Workload rows.
type Workload struct {
	ID      ctip.ID
	Name    string
	Open    int
	Overdue int
	DueSoon int
}

// Campaign is a peak enforcement campaign (đợt cao điểm tấn công trấn áp
// tội phạm mua bán người), e.g. 1 July – 30 September 2022 in the
// provincial plan, with targets.
type Campaign struct {
	ID          ctip.ID
	Name        string
	StartsOn    ctip.Date
	EndsOn      ctip.Date
	Targets     Tally
	Description string
	CreatedBy   ctip.ID
	Version     int
	CreatedAt   time.Time
}

// Tally counts what a campaign measures.
type Tally struct {
	Intake  int `json:"intake_items"`
	Cases   int `json:"cases_instituted"`
	Accused int `json:"accused"`
	Rings   int `json:"rings_broken"`
	Rescued int `json:"victims_rescued"`
}

// Announcement is an announced day off or make-up working day (stored).
type Announcement struct {
	legal.Announcement
	Source    string // "db" or "file"
	UpdatedAt time.Time
}

// Write is one transactional change of a case: the case row, the children
// that changed, the timeline events, shares, the recomputed clocks and the
// audit event.
type Write struct {
	Case       *Case
	OldVersion int // 0: create
	Accused    []*Accused
	Measures   []*Measure
	Parties    []*Party
	Events     []Event
	Shares     []ctip.ID
	Clocks     []Clock // replace the case's clocks
	Attachment *Attachment
	// LinkIntake sets intake_items.case_id of the source item (on create).
	LinkIntake ctip.NullID
	// Notifications are sent in the same transaction (a decision the law
	// requires to reach another body).
	Notifications []notify.Notification
	// Persons are the registry persons linked (and perhaps created) with
	// the accused or parties of this write.
	Persons []*person.RecordLink
	Audit   ctip.AuditEvent
}

// DueClock is a running clock with what the reminder job needs.
type DueClock struct {
	Clock
	Reference       string
	UnitID          ctip.ID
	ProcuracyUnitID ctip.NullID
	CourtUnitID     ctip.NullID
}

// Store is what the case service needs from storage.
type Store interface {
	WriteCase(ctx context.Context, w Write) error
	GetCase(ctx context.Context, id ctip.ID) (*Case, error)
	ListCases(ctx context.Context, f Filter, scope ctip.Scope, p ctip.PageRequest) (ctip.Page[*Case], error)
	// CaseBoard counts the open cases of a scope for the board (due soon:
	// a running clock ends in [today, soon]).
	CaseBoard(ctx context.Context, f Filter, scope ctip.Scope, today, soon ctip.Date) (BoardData, error)
	CaseAccused(ctx context.Context, caseID ctip.ID) ([]*Accused, error)
	CaseMeasures(ctx context.Context, caseID ctip.ID) ([]*Measure, error)
	CaseParties(ctx context.Context, caseID ctip.ID) ([]*Party, error)
	CaseEvents(ctx context.Context, caseID ctip.ID) ([]Event, error)
	CaseClocks(ctx context.Context, caseID ctip.ID) ([]Clock, error)
	CaseAttachments(ctx context.Context, caseID ctip.ID) ([]*Attachment, error)
	CaseAttachment(ctx context.Context, caseID, id ctip.ID) (*Attachment, error)
	// DueClocks lists running clocks whose last day is in [from, to].
	DueClocks(ctx context.Context, from, to ctip.Date) ([]DueClock, error)
	// CaseOfficerIDs maps case IDs to their officers' user IDs.
	CaseOfficerIDs(ctx context.Context, caseIDs []ctip.ID) (map[ctip.ID][]ctip.ID, error)
	// OpenCaseIDs pages through the IDs of cases with a running clock.
	OpenCaseIDs(ctx context.Context, after ctip.ID, limit int) ([]ctip.ID, error)
	// SetCaseClocks rewrites a case's computed deadlines (calendar change).
	SetCaseClocks(ctx context.Context, c *Case, measures []*Measure, clocks []Clock) error

	CreateCampaign(ctx context.Context, c *Campaign, audit ctip.AuditEvent) error
	UpdateCampaign(ctx context.Context, c *Campaign, oldVersion int, audit ctip.AuditEvent) error
	GetCampaign(ctx context.Context, id ctip.ID) (*Campaign, error)
	ListCampaigns(ctx context.Context) ([]*Campaign, error)
	ListCampaignPage(ctx context.Context, f CampaignFilter, p ctip.PageRequest) (ctip.Page[*Campaign], error)
	CampaignTally(ctx context.Context, from, to ctip.Date, scope ctip.Scope) (Tally, error)

	AppendAudit(ctx context.Context, evs ...ctip.AuditEvent) error

	// Placeholders lists accused and parties recorded without a registry
	// person (before the registry existed), oldest first.
	Placeholders(ctx context.Context, limit int) ([]Placeholder, error)
	// LinkPlaceholder creates and links the registry person of a
	// placeholder and sets its person_id, in one transaction; false when
	// the row had been linked meanwhile (another instance), nothing written.
	LinkPlaceholder(ctx context.Context, ph Placeholder, rl *person.RecordLink, au ctip.AuditEvent) (bool, error)
}

// Placeholder is an accused or a party recorded before the person registry.
type Placeholder struct {
	Table     string // "case_accused" or "case_parties"
	RowID     ctip.ID
	CaseID    ctip.ID
	UnitID    ctip.ID // the case's investigating unit
	CreatedBy ctip.ID // who recorded the case
	Stage     Stage
	Role      string // parties: victim, witness; "" for an accused
	Person    Person
	CreatedAt time.Time
	// KeepIDNumber: the registry refused the ID number, so a protected
	// person's row keeps it (nothing is lost).
	KeepIDNumber bool
}

// LogValue logs only the row.
func (p Placeholder) LogValue() slog.Value { return slog.StringValue(p.Table + ":" + p.RowID.String()) }

// Directory resolves units and users (implemented by the store).
type Directory interface {
	GetUnit(ctx context.Context, id ctip.ID) (*auth.Unit, error)
	GetUser(ctx context.Context, id ctip.ID) (*auth.User, error)
}

// IntakeSource reads crime information (implemented by the store).
type IntakeSource interface {
	GetItem(ctx context.Context, id ctip.ID) (*intake.Item, error)
}

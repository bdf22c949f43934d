// Package intake handles crime information (nguồn tin về tội phạm): the
// reception, transfer, assignment, verification and resolution of
// denunciations (tố giác), crime reports (tin báo về tội phạm) and
// prosecution requests (kiến nghị khởi tố) under CPC Arts 144–149, with the
// time limits computed by internal/legal.
package intake

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"ctip"
)

// Kind of crime information (CPC Art. 144).
type Kind string

// The kinds.
const (
	// Denunciation — tố giác về tội phạm: an individual reports signs of a crime (Art. 144(1)).
	Denunciation Kind = "denunciation"
	// Report — tin báo về tội phạm: from an agency, organisation or the media (Art. 144(2)).
	Report Kind = "report"
	// Petition — kiến nghị khởi tố: a state agency asks in writing for prosecution (Art. 144(3)).
	Petition Kind = "petition"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{Denunciation, Report, Petition}

// Channel by which the information arrived (Art. 146: directly, by post, by phone or other means).
type Channel string

// The channels.
const (
	Hotline         Channel = "hotline" // incl. the national switchboard 111 (Decree 162/2025)
	WalkIn          Channel = "walk_in"
	Letter          Channel = "letter"
	Online          Channel = "online"
	Referral        Channel = "referral"         // transferred by another agency
	ForeignHandover Channel = "foreign_handover" // handed over by a foreign authority
)

// Channels lists the channels in display order.
var Channels = []Channel{Hotline, WalkIn, Letter, Online, Referral, ForeignHandover}

// Status of an item in the resolution process.
type Status string

// The statuses. See transitions.go for what may follow what.
const (
	Received      Status = "received"       // recorded in the receipt register (Art. 146(1))
	Transferred   Status = "transferred"    // sent to the competent investigating body (Art. 146(3))
	Assigned      Status = "assigned"       // an officer is assigned to verify it
	Verifying     Status = "verifying"      // checks and verification under way (Art. 147)
	Suspended     Status = "suspended"      // tạm đình chỉ việc giải quyết (Art. 148)
	Resumed       Status = "resumed"        // phục hồi giải quyết (Art. 149) or suspension cancelled
	Prosecuted    Status = "prosecuted"     // quyết định khởi tố vụ án hình sự (Art. 147(1)(a))
	NotProsecuted Status = "not_prosecuted" // quyết định không khởi tố vụ án hình sự (Art. 147(1)(b), Art. 157)
)

// Statuses lists the statuses in process order.
var Statuses = []Status{Received, Transferred, Assigned, Verifying, Suspended, Resumed, Prosecuted, NotProsecuted}

// Open reports whether the resolution clock runs in this status.
func (s Status) Open() bool {
	switch s {
	case Received, Transferred, Assigned, Verifying, Resumed:
		return true
	}
	return false
}

// Closed reports whether a decision ended resolution.
func (s Status) Closed() bool { return s == Prosecuted || s == NotProsecuted }

// SuspensionGrounds — the grounds of Art. 148(1) CPC (as amended 2021).
var SuspensionGrounds = []string{
	"expert_pending",    // (a) giám định, định giá tài sản, tương trợ tư pháp requested, results not received
	"documents_pending", // (b) documents/items of decisive importance requested, not received
	"force_majeure",     // (c) thiên tai, dịch bệnh prevent verification (added 2021)
}

// NotProsecuteGrounds — the grounds of Art. 157 CPC for not instituting a case.
// (Art. 157 is not quoted in LEGAL.md; the list follows the Code's text as
// commonly cited. Marked S.)
var NotProsecuteGrounds = []string{
	"no_crime_event",     // 1. Không có sự việc phạm tội
	"not_a_crime",        // 2. Hành vi không cấu thành tội phạm
	"under_age",          // 3. Chưa đến tuổi chịu trách nhiệm hình sự
	"already_judged",     // 4. Đã có bản án/quyết định đình chỉ có hiệu lực
	"limitation_expired", // 5. Đã hết thời hiệu truy cứu trách nhiệm hình sự
	"amnesty",            // 6. Tội phạm đã được đại xá
	"offender_dead",      // 7. Người thực hiện hành vi đã chết
}

// Offences is the reference list of Penal Code articles offered as the
// suspected offence. "other" covers information that turns out to concern
// another offence.
var Offences = []string{"150", "151", "153", "154", "347", "348", "349", "350", "other"}

// Reporter is the person or body that gave the information. Except for
// Anonymous, every field is protected: encrypted at rest, shown only to the
// receiving unit's leaders and the assigned officer, each view audited.
type Reporter struct {
	Anonymous bool
	// Held: an identity is stored (read from the database even when the
	// protected fields themselves are not loaded or are withheld).
	Held         bool
	Name         string
	Organisation string
	Phone        string
	Email        string
	IDNumber     string
	Address      string
}

// Empty reports whether no identity field is set.
func (r Reporter) Empty() bool {
	return r.Name == "" && r.Organisation == "" && r.Phone == "" && r.Email == "" && r.IDNumber == "" && r.Address == ""
}

// NotRecorded reports that no reporter was recorded: not marked anonymous
// and no identity given. Only a denunciation may be received so (see
// validate); a report or a prosecution request always names its source.
func (r Reporter) NotRecorded() bool { return !r.Anonymous && !r.Held && r.Empty() }

// LogValue keeps the reporter's identity out of logs.
func (r Reporter) LogValue() slog.Value { return slog.StringValue("[protected]") }

// Clock kinds: which limit currently runs.
const (
	ClockBase          = "base"           // 20 days (Art. 147(1))
	ClockBodyExtension = "body_extension" // ≤ 2 months in total (Art. 147(2))
	ClockProcuracyExt  = "procuracy_ext"  // + ≤ 2 months, once (Art. 147(3))
	ClockResumed       = "resumed"        // 1 month from resumption (Art. 149)
	ClockCancelled     = "cancelled"      // 1 month from the procuracy's cancellation of a suspension (Art. 148)
)

// Item is one piece of crime information.
type Item struct {
	ID              ctip.ID
	Reference       string // "TB-2026-000123", per receiving unit and year
	ReceivingUnitID ctip.ID
	UnitID          ctip.ID // the unit that now handles it
	ReceivedBy      ctip.ID
	AssignedTo      ctip.NullID
	Kind            Kind
	Channel         Channel
	ReceivedAt      time.Time
	ReceivedOn      ctip.Date // Vietnam date of ReceivedAt
	Summary         string    // encrypted at rest (may name victims)
	Persons         string    // persons mentioned, free text until the person registry; encrypted at rest
	Reporter        Reporter
	ProvinceCode    string
	CommuneCode     string
	CountryCode     string // where it happened abroad (ISO alpha-2), if not in Vietnam
	OffenceArticle  string
	Status          Status

	ClockKind   string
	ClockStart  ctip.Date
	ClockMonths int
	Deadline    ctip.Date // last day of the running limit (zero when suspended or closed)

	NoticeDue           ctip.Date // written notice to the procuracy due (Art. 146)
	ProcuracyNotifiedOn ctip.Date
	BodyExtensionMonths int
	ProcuracyExtended   bool

	DecisionGround string
	DecidedOn      ctip.Date
	DecisionNumber string
	CaseID         ctip.NullID

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time

	// Filled by reads, for display and scope checks.
	ReceivingUnitPath string
	ReceivingUnitName string
	// ReceivingUnitCode qualifies the reference: references are numbered per
	// receiving unit and year, so TB-2026-000123 exists once in each unit.
	ReceivingUnitCode string
	UnitPath          string
	UnitName          string
	AssignedName      string
	ReceivedByName    string
	SharedWith        []ctip.ID
}

// LogValue logs only the ID.
func (it *Item) LogValue() slog.Value { return slog.StringValue(it.ID.String()) }

// FormatReference formats a receipt-register number: TB-<year>-<6 digits>.
func FormatReference(year int, n int64) string { return fmt.Sprintf("TB-%d-%06d", year, n) }

// ReferenceScope is the counter scope of a receiving unit.
func ReferenceScope(unitID ctip.ID) string { return "TB/" + unitID.String() }

// Event is one entry of an item's timeline: a transition, a verification
// action, a notice, an extension, an attachment.
type Event struct {
	ID             ctip.ID
	ItemID         ctip.ID
	At             time.Time
	ActorID        ctip.NullID
	ActorName      string
	Action         string // "create", "transfer", "assign", "verify", "notify", "extend", "procuracy_extend", "prosecute", "not_prosecute", "suspend", "resume", "cancel_suspension", "update", "attach", "detach"
	FromStatus     Status
	ToStatus       Status
	DocumentNumber string
	DocumentDate   ctip.Date
	Signer         string // who decided: name and title of the signing official
	Note           string // encrypted at rest
	Detail         string // machine detail: target unit ID, months, officer ID, ground
}

// Attachment is a file attached to an item, stored encrypted.
type Attachment struct {
	ID           ctip.ID
	ItemID       ctip.ID
	Filename     string // encrypted at rest
	ContentType  string
	Size         int64
	SHA256       string
	UploadedBy   ctip.ID
	UploaderName string
	UploadedAt   time.Time
	Content      []byte // only when reading one attachment
}

// Filter selects items for lists. Zero fields do not filter.
type Filter struct {
	Statuses    []Status
	Kind        Kind
	Channel     Channel
	CommuneCode string
	Offence     string
	From, To    ctip.Date // received on, inclusive
	AssignedTo  ctip.NullID
	UnitID      ctip.NullID // owning unit
	DueBy       ctip.Date   // open items whose deadline is on or before this day
	DueFrom     ctip.Date   // open items whose deadline is on or after this day
	Reference   string
}

// Store is what the intake service needs from storage.
type Store interface {
	CreateItem(ctx context.Context, it *Item, ev Event, audit ctip.AuditEvent) error
	UpdateItem(ctx context.Context, it *Item, oldVersion int, evs []Event, share ctip.NullID, audit ctip.AuditEvent) error
	GetItem(ctx context.Context, id ctip.ID) (*Item, error)
	ListItems(ctx context.Context, f Filter, scope ctip.Scope, p ctip.PageRequest) (ctip.Page[*Item], error)
	CountByStatus(ctx context.Context, scope ctip.Scope, today ctip.Date, soon ctip.Date) (StatusCounts, error)
	ItemEvents(ctx context.Context, id ctip.ID) ([]Event, error)
	AddAttachment(ctx context.Context, a *Attachment, ev Event, audit ctip.AuditEvent) error
	ListAttachments(ctx context.Context, itemID ctip.ID) ([]*Attachment, error)
	GetAttachment(ctx context.Context, itemID, id ctip.ID) (*Attachment, error)
	DeleteAttachment(ctx context.Context, itemID, id ctip.ID, ev Event, audit ctip.AuditEvent) error
	AppendAudit(ctx context.Context, evs ...ctip.AuditEvent) error
}

// StatusCounts summarises a scope for the dashboard.
type StatusCounts struct {
	ByStatus map[Status]int
	Overdue  int
	DueSoon  int
	Total    int
}

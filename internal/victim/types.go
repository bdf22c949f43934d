// Package victim is victim protection and support under the Law on
// Prevention and Combat of Human Trafficking 2024 (Luật Phòng, chống mua bán
// người, No. 53/2024/QH15, as amended by Law 86/2025/QH15) and Decree
// 162/2025/NĐ-CP: reception (tiếp nhận), initial verification (xác minh ban
// đầu), identification (xác định nạn nhân), rescue (giải cứu), protection
// (bảo vệ), support (hỗ trợ) and reintegration (tái hòa nhập cộng đồng).
// The victim's identity lives in the person registry (internal/person),
// encrypted and shown only through an audited reveal.
package victim

import (
	"context"
	"log/slog"
	"time"

	"ctip"
	"ctip/internal/person"
)

// Status of identification (Law 53/2024 Art. 2, 32).
type Status string

// The statuses.
const (
	// BeingIdentified — người đang trong quá trình xác định là nạn nhân (Art. 2(8)).
	BeingIdentified Status = "being_identified"
	// Victim — nạn nhân, identified under Art. 32.
	Victim Status = "victim"
	// NotVictim — xác định không phải là nạn nhân.
	NotVictim Status = "not_victim"
)

// Statuses lists the statuses.
var Statuses = []Status{BeingIdentified, Victim, NotVictim}

// Reception channels: how the person came (Law 53/2024 Arts 27-30).
const (
	SelfReport      = "self_report"      // tự khai báo (Art. 27)
	Rescue          = "rescue"           // giải cứu (Art. 26)
	ForeignHandover = "foreign_handover" // tiếp nhận do phía nước ngoài trao trả tại cửa khẩu (Art. 29)
	MissionReturn   = "mission_return"   // về nước qua cơ quan đại diện Việt Nam ở nước ngoài (Art. 30)
	NGOReferral     = "ngo_referral"     // tổ chức xã hội chuyển đến
)

// Channels lists the reception channels.
var Channels = []string{SelfReport, Rescue, ForeignHandover, MissionReturn, NGOReferral}

// Identification grounds — căn cứ xác định nạn nhân (Law 53/2024 Art. 32(1)).
var Grounds = []string{
	"procedural_documents", // tài liệu, chứng cứ của cơ quan tiến hành tố tụng
	"rescuing_body",        // thông tin của cơ quan giải cứu
	"mission_abroad",       // cơ quan đại diện Việt Nam ở nước ngoài
	"domestic_body",        // cơ quan, tổ chức khác trong nước
	"foreign_body",         // tài liệu của cơ quan có thẩm quyền nước ngoài
	"person_statement",     // lời khai, tài liệu của người đó hoặc người thân
	"trafficker_statement", // lời khai của người thực hiện hành vi mua bán người
	"other_victims",        // lời khai của nạn nhân khác, người làm chứng
	"other_evidence",       // căn cứ hợp pháp khác
}

// Deciding bodies (HTCDS TraffickingStatusDecisionMakingOrg).
var DecidingBodies = []string{"Police", "CourtOrProsecution", "NonPoliceGovernmentalOrganization", "NGO", "Other"}

// Regime is a support regime — chế độ hỗ trợ (Law 53/2024 Art. 37(1)).
type Regime string

// The regimes, with the letter of Art. 37(1).
const (
	EssentialNeeds   Regime = "essential_needs"   // a) nhu cầu thiết yếu (incl. temporary accommodation)
	Medical          Regime = "medical"           // b) y tế
	Interpretation   Regime = "interpretation"    // c) phiên dịch
	LegalAdvice      Regime = "legal_advice"      // d) hỗ trợ pháp luật
	LegalAid         Regime = "legal_aid"         // đ) trợ giúp pháp lý
	Travel           Regime = "travel"            // e) chi phí đi lại
	Psychological    Regime = "psychological"     // g) tâm lý
	Schooling        Regime = "schooling"         // h) học văn hóa
	Vocational       Regime = "vocational"        // i) học nghề, tư vấn, tạo điều kiện có việc làm
	InitialAllowance Regime = "initial_allowance" // k) trợ cấp khó khăn ban đầu
	Loan             Regime = "loan"              // k) hỗ trợ vay vốn
)

// Regimes lists the regimes in the order of Art. 37(1).
var Regimes = []Regime{EssentialNeeds, Medical, Interpretation, LegalAdvice, LegalAid, Travel, Psychological, Schooling, Vocational, InitialAllowance, Loan}

// Letter returns the point of Art. 37(1).
func (r Regime) Letter() string {
	return map[Regime]string{EssentialNeeds: "a", Medical: "b", Interpretation: "c", LegalAdvice: "d", LegalAid: "đ", Travel: "e",
		Psychological: "g", Schooling: "h", Vocational: "i", InitialAllowance: "k", Loan: "k"}[r]
}

// Paid reports whether the regime pays money (an amount is recorded).
func (r Regime) Paid() bool {
	return r == EssentialNeeds || r == Travel || r == InitialAllowance || r == Loan || r == Medical
}

// Support statuses.
const (
	SupportPlanned   = "planned"
	SupportDelivered = "delivered"
	SupportCancelled = "cancelled"
)

// SupportStatuses lists them.
var SupportStatuses = []string{SupportDelivered, SupportPlanned, SupportCancelled}

// HTCDS picklists (value names are the export codes; labels in the catalogue).
var (
	ExploitationTypes = []string{"ForcedLabour", "SexualExploitation", "ChildLabour", "ForcedMarriage", "Servitude",
		"ForcedMilitaryByNonStateActors", "OrganRemoval", "ForcedBegging", "ForcedAdoption", "Surrogacy", "Other"}
	SexExploitationTypes = []string{"Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices"}
	ControlMeans         = []string{"PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage", "FalsePromises",
		"PhysicalAbuse", "SexualAbuse", "TakesEarnings", "RestrictsFinancialAccess", "RestrictsMedicalCare", "WithholdsNecessities",
		"PsychologicalAbuse", "PsychoactiveSubstance", "ExcessiveWorkingHours", "WithholdsDocuments", "RestrictsMovement", "UsesChildren", "Other"}
	RecruitmentMethods = []string{"AtAPlaceOfBusiness", "AtAnEducationalInstitution", "AtWork", "ThroughOnlineSocialNetworks",
		"ThroughAnOnlineAdvertisement", "ThroughATelevisionAdvert", "ThroughANewspaperAdvert", "ThroughFamilyOrFamilyEvents",
		"ThroughFriendsOrSocialEvents", "Other"}
	RecruiterRelations = []string{"Familial", "Acquainted", "Unaquainted"}
)

// Protection measures (Law 53/2024 Art. 22; Decree 162): for the victim and relatives.
var Measures = []string{"guard", "temporary_residence", "identity_confidentiality", "no_contact_order", "relocation", "escort", "other"}

// Risk levels of the assessment behind a protection measure.
var RiskLevels = []string{"low", "medium", "high"}

// Close reasons of a victim file (reintegration ended).
var CloseReasons = []string{"reintegrated", "moved_away", "refused_support", "not_victim", "deceased", "transferred", "other"}

// Needs surveyed (the plan's "assess the actual needs for support").
var Needs = append(regimeCodes(), "housing", "childcare", "family_reunion", "safety", "debt")

func regimeCodes() []string {
	var out []string
	for _, r := range Regimes {
		out = append(out, string(r))
	}
	return out
}

// Exploitation is the exploitation profile (HTCDS vic_ fields).
type Exploitation struct {
	Types               []string  `json:"types"`
	SexTypes            []string  `json:"sex_types"`
	Control             []string  `json:"control"`
	Recruitment         []string  `json:"recruitment"`
	Platforms           []string  `json:"platforms"`
	RecruiterRelation   string    `json:"recruiter_relation"`
	AgeWhenTrafficked   int       `json:"age_when_trafficked"`
	OriginCommune       string    `json:"origin_commune"`
	Transit             string    `json:"transit"` // encrypted: places can identify
	DestinationProvince string    `json:"destination_province"`
	DestinationCountry  string    `json:"destination_country"`
	DepartedOn          ctip.Date `json:"departed_on,omitzero"`
	ArrivedOn           ctip.Date `json:"arrived_on,omitzero"`
}

// File is a victim file (hồ sơ nạn nhân).
type File struct {
	ID                ctip.ID
	PersonID          ctip.ID
	OwnerUnitID       ctip.ID // the receiving unit
	Status            Status
	FoundAbroad       bool
	StatelessResident bool
	AccompaniesID     ctip.NullID // an accompanying under-18 of this victim file
	ReceivedAt        time.Time
	Channel           string
	ReceptionBody     string
	ReceptionCommune  string
	ReceptionCountry  string
	// 2025 flow (Art. 27 as amended by Law 86/2025): commune People's
	// Committee → provincial health department → provincial police.
	CommuneNotifiedAt time.Time
	HealthReceivedAt  time.Time
	VerificationDue   ctip.Date
	VerifiedOn        ctip.Date
	PoliceUnitID      ctip.NullID
	// Identification.
	DecidedOn      ctip.Date
	DecidingBody   string
	DecisionNumber string
	Grounds        []string
	Documents      string // encrypted: list of documents
	Exploitation   Exploitation
	Guardian       string // encrypted
	Schooling      string
	EssentialStart ctip.Date
	EssentialExt   string // decision extending accommodation beyond 120 days
	ClosedOn       ctip.Date
	CloseReason    string
	RetainUntil    ctip.Date // set on closure: written to the person's retention date
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time

	// Filled by reads.
	Pseudonym     string
	Sex           person.Sex
	BirthYear     int
	Nationality   string
	OwnerUnitName string
	OwnerUnitPath string
}

// LogValue logs only the ID.
func (f *File) LogValue() slog.Value { return slog.StringValue(f.ID.String()) }

// Support is one support service delivered.
type Support struct {
	ID         ctip.ID
	VictimID   ctip.ID
	Regime     Regime
	Provider   string
	ProvidedOn ctip.Date
	Amount     int64 // VND
	Status     string
	ReferralTo string      // legal aid centre, shelter …
	ConsentID  ctip.NullID // consent for the referral or sharing
	Note       string      // encrypted
	CreatedBy  ctip.ID
	CreatedAt  time.Time
}

// FollowUp is a reintegration visit.
type FollowUp struct {
	ID        ctip.ID
	VictimID  ctip.ID
	PlannedOn ctip.Date
	DoneOn    ctip.Date
	Findings  string // encrypted
	CreatedBy ctip.ID
	CreatedAt time.Time
}

// Protection is a protection measure for the victim or a relative, with the
// risk assessment behind it. Kind is "protection" or "rescue".
type Protection struct {
	ID           ctip.ID
	VictimID     ctip.ID
	Kind         string
	ProtectedWho string // "victim" or "relative"
	Relative     string // encrypted: who (name, relation)
	Measure      string
	Force        string
	Risk         string
	Assessment   string // encrypted
	From         ctip.Date
	To           ctip.Date
	CreatedBy    ctip.ID
	CreatedAt    time.Time
}

// Event is a timeline entry of a victim file.
type Event struct {
	ID        ctip.ID
	VictimID  ctip.ID
	At        time.Time
	ActorID   ctip.NullID
	ActorName string
	Action    string
	Detail    string // codes only, never identity
}

// NeedsAnswer is one anonymous survey answer (no victim link is stored).
type NeedsAnswer struct {
	ID        ctip.ID
	UnitID    ctip.ID
	Month     string
	Sex       person.Sex
	AgeBand   string
	Needs     []string
	CreatedAt time.Time
}

// Cell is one aggregate cell of the needs view.
type Cell struct {
	Need  string
	Count int
}

// Filter selects victim files.
type Filter struct {
	Status   Status
	From, To ctip.Date // received in [From, To] (Vietnam days)
	Mine     bool      // only the actor's unit's files
	UnitID   ctip.ID   // the files of this unit (owner or team)
	Class    Class     // beneficiary class (ClassOf, computed in the query)
	Owner    ctip.ID   // the receiving (owning) unit
	Clock    string    // ClockDue or ClockOverdue: a running clock due soon or overdue (open files)
	Today    ctip.Date // set by the service: the day the clocks are read on
}

// Clock filters of the victim list.
const (
	// ClockDue: the 3-day verification still running, or the 120-day
	// essential-needs period ending within ClockSoonDays.
	ClockDue = "due"
	// ClockOverdue: verification late, or the 120 days over without an
	// extension.
	ClockOverdue = "overdue"
	// ClockSoonDays is "due soon" for the 120-day clock.
	ClockSoonDays = 14
)

// List sorts.
const (
	SortReceived  = "received"
	SortPseudonym = "pseudonym"
	SortStatus    = "status"
)

// Classes lists the beneficiary classes in display order.
var Classes = []Class{ClassCitizenVictim, ClassAccompanyingVictim, ClassIdentifiedAbroad, ClassIdentifiedInVN, ClassForeign, ClassNone}

// Store is what the victim service needs from storage.
type Store interface {
	CreateFile(ctx context.Context, p *person.Person, roles []person.RoleLink, team []person.TeamUnit, f *File, ev Event, au ctip.AuditEvent) error
	// ReceivePerson opens a file on an existing registry person read at
	// version: the person becomes protected (a pseudonym allocated if none),
	// is kept while the file is open, takes the role and the team units.
	ReceivePerson(ctx context.Context, personID ctip.ID, version int, role person.RoleLink, team []person.TeamUnit, f *File, ev Event, au ctip.AuditEvent) error
	// HealthUnits are the provincial health departments (units of kind
	// health whose parent is not one): they receive every person received
	// elsewhere (Law 53/2024 Art. 27(3)–(4) as amended by Law 86/2025).
	HealthUnits(ctx context.Context) ([]ctip.ID, error)
	UpdateFile(ctx context.Context, f *File, oldVersion int, ev Event, au ctip.AuditEvent) error
	GetFile(ctx context.Context, id ctip.ID) (*File, error)
	OpenFileOfPerson(ctx context.Context, personID ctip.ID) (*File, error)
	FilesOfPerson(ctx context.Context, personID ctip.ID) ([]*File, error)
	FileByPseudonym(ctx context.Context, pseudonym string) (*File, error)
	ListFiles(ctx context.Context, f Filter, p ctip.PageRequest) (ctip.Page[*File], error)
	FileEvents(ctx context.Context, id ctip.ID) ([]Event, error)
	AddSupport(ctx context.Context, s Support, ev Event, au ctip.AuditEvent) error
	ListSupport(ctx context.Context, victimID ctip.ID) ([]Support, error)
	AddFollowUp(ctx context.Context, f FollowUp, ev Event, au ctip.AuditEvent) error
	CompleteFollowUp(ctx context.Context, f FollowUp, ev Event, au ctip.AuditEvent) error
	ListFollowUps(ctx context.Context, victimID ctip.ID) ([]FollowUp, error)
	AddProtection(ctx context.Context, p Protection, ev Event, au ctip.AuditEvent) error
	ListProtection(ctx context.Context, victimID ctip.ID) ([]Protection, error)
	AddNeeds(ctx context.Context, n NeedsAnswer, ev Event, au ctip.AuditEvent) error
	NeedsAggregate(ctx context.Context, from, to string) (total int, cells []Cell, err error)
	// VictimAgenda selects what the victim-support start page lists.
	VictimAgenda(ctx context.Context, q AgendaQuery) (*Agenda, error)
	AppendAudit(ctx context.Context, evs ...ctip.AuditEvent) error
}

// LogValue logs only the ID.
func (s Support) LogValue() slog.Value { return slog.StringValue(s.ID.String()) }

// LogValue logs only the ID.
func (f FollowUp) LogValue() slog.Value { return slog.StringValue(f.ID.String()) }

// LogValue logs only the ID.
func (p Protection) LogValue() slog.Value { return slog.StringValue(p.ID.String()) }

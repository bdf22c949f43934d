// Package person is the registry of persons (hồ sơ đối tượng / nhân thân):
// one record per real person, whatever roles they hold across intake items,
// cases and victim files, with identity documents, contacts, addresses,
// prior records (tiền án, tiền sự), wanted notices (truy nã) and a watch-list
// flag; and the confidentiality of identity fields: victims, persons being
// identified, their relatives and protected reporters appear under a
// pseudonym, and their identity is revealed only to the victim's team, for a
// typed reason, for a limited time, audited (Law 53/2024 Art. 3; Decree
// 13/2023 and Law 91/2025 on personal data).
package person

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"ctip"
)

// Sex is the recorded sex (HTCDS Gender: Feminine, Masculine, NonSpecifiedUnknown).
type Sex string

// The sexes.
const (
	Female  Sex = "female"
	Male    Sex = "male"
	Unknown Sex = "unknown"
)

// Sexes lists the sexes in display order.
var Sexes = []Sex{Female, Male, Unknown}

// HTCDS returns the HTCDS Gender code.
func (s Sex) HTCDS() string {
	switch s {
	case Female:
		return "Feminine"
	case Male:
		return "Masculine"
	}
	return "NonSpecifiedUnknown"
}

// Birth precision: what is known of the date of birth.
const (
	BirthExact     = "exact"     // ngày sinh đầy đủ
	BirthYearOnly  = "year"      // chỉ năm sinh
	BirthEstimated = "estimated" // tuổi ước tính
)

// Document kinds.
const (
	DocCitizenID = "cccd"       // căn cước công dân / căn cước: 12 digits
	DocCMND      = "cmnd"       // chứng minh nhân dân (old ID card): 9 digits, still on old records
	DocPassport  = "passport"   // hộ chiếu: Vietnamese one letter + 7 digits; foreign 6–9 letters/digits
	DocForeignID = "foreign_id" // giấy tờ tùy thân nước ngoài: free form
	DocOther     = "other"
)

// DocKinds lists the document kinds.
var DocKinds = []string{DocCitizenID, DocPassport, DocCMND, DocForeignID, DocOther}

// Document is an identity document.
type Document struct {
	Kind    string `json:"kind"`
	Number  string `json:"number"`
	Country string `json:"country,omitempty"` // issuing country (ISO alpha-2) for passports and foreign IDs
}

// Platforms of social-media accounts (HTCDS RecruitmentWebsitesAndApps, with Zalo added for Vietnam).
var Platforms = []string{"Zalo", "Facebook", "FacebookMessenger", "WeChat", "TikTok", "Telegram", "WhatsApp", "Viber", "Instagram", "Line", "QQ", "Twitter", "Other"}

// Account is a social-media account.
type Account struct {
	Platform string `json:"platform"`
	Handle   string `json:"handle"`
}

// Address is a Vietnamese address (commune code of the 2025 list) or a foreign one.
type Address struct {
	Line        string `json:"line,omitempty"` // street, village (thôn, bản)
	CommuneCode string `json:"commune_code,omitempty"`
	Country     string `json:"country,omitempty"` // ISO alpha-2 when abroad
}

// IsZero reports whether the address is empty.
func (a Address) IsZero() bool { return a.Line == "" && a.CommuneCode == "" && a.Country == "" }

// Identity holds every identifying field of a person. It is encrypted at
// rest, field by field, and never logged.
type Identity struct {
	FullName    string     `json:"full_name"`
	Aliases     []string   `json:"aliases,omitempty"`
	DateOfBirth ctip.Date  `json:"date_of_birth,omitzero"`
	Documents   []Document `json:"documents,omitempty"`
	Phones      []string   `json:"phones,omitempty"`
	Accounts    []Account  `json:"accounts,omitempty"`
	Permanent   Address    `json:"permanent_address,omitzero"`
	Current     Address    `json:"current_address,omitzero"`
	Occupation  string     `json:"occupation,omitempty"`
	Photo       []byte     `json:"-"`
	Notes       string     `json:"notes,omitempty"`
}

// LogValue keeps identities out of logs.
func (Identity) LogValue() slog.Value { return slog.StringValue("[protected]") }

// Roles across records. A person may hold several, in different records: a
// victim in one case and a recruiter in another.
const (
	RoleReporter        = "reporter"         // người tố giác, báo tin
	RoleVictim          = "victim"           // nạn nhân
	RoleBeingIdentified = "being_identified" // người đang trong quá trình xác định là nạn nhân
	RoleSuspect         = "suspect"          // người bị tình nghi
	RoleAccused         = "accused"          // bị can
	RoleDefendant       = "defendant"        // bị cáo
	RoleConvicted       = "convicted"        // người bị kết án
	RoleWanted          = "wanted"           // đối tượng truy nã
	RoleWitness         = "witness"          // người làm chứng
	RoleRelative        = "relative"         // người thân, người giám hộ của nạn nhân
	RoleOrganiser       = "organiser"        // kẻ tổ chức, cầm đầu
	RoleRecruiter       = "recruiter"        // kẻ tuyển mộ, môi giới ban đầu
	RoleTransporter     = "transporter"      // kẻ vận chuyển
	RoleHarbourer       = "harbourer"        // kẻ chứa chấp
	RoleBuyer           = "buyer"            // kẻ mua
	RoleBroker          = "broker"           // kẻ môi giới
)

// Roles lists the roles in display order.
var Roles = []string{RoleReporter, RoleVictim, RoleBeingIdentified, RoleSuspect, RoleAccused, RoleDefendant, RoleConvicted,
	RoleWanted, RoleWitness, RoleRelative, RoleOrganiser, RoleRecruiter, RoleTransporter, RoleHarbourer, RoleBuyer, RoleBroker}

// ProtectedRoles make a person's identity protected (pseudonym by default):
// victims, persons being identified and their relatives (Law 53/2024 Art. 3),
// and protected reporters (CPC Art. 484-486 protection of reporters).
var ProtectedRoles = []string{RoleVictim, RoleBeingIdentified, RoleRelative, RoleReporter}

// HTCDSRole maps a perpetrator role to the HTCDS per_RoleInProcess code
// ("" for roles that are not perpetrator roles).
func HTCDSRole(role string) string {
	switch role {
	case RoleRecruiter:
		return "RecruiterOrIntermediary"
	case RoleTransporter:
		return "Transporter"
	case RoleHarbourer:
		return "HarbouredIndividual"
	case RoleBuyer:
		return "BoughtIndividual"
	case RoleBroker:
		return "BrokerTravelAgent"
	case RoleOrganiser:
		return "Other"
	}
	return ""
}

// RoleLink is a role held by a person in a record.
type RoleLink struct {
	ID         ctip.ID
	PersonID   ctip.ID
	Role       string
	RecordType string // "intake_item", "case", "victim", "" for a role without a record
	RecordID   string
	UnitID     ctip.ID
	Note       string // encrypted
	CreatedAt  time.Time
}

// Prior kinds.
const (
	PriorConviction = "tien_an" // tiền án: a criminal conviction not yet expunged
	PriorAdmin      = "tien_su" // tiền sự: an administrative sanction not yet expired
)

// Prior is a prior record relevant to trafficking.
type Prior struct {
	ID        ctip.ID
	PersonID  ctip.ID
	Kind      string
	Offence   string    // Penal Code article or administrative offence
	Decision  string    // judgment or decision reference (encrypted)
	Body      string    // court or sanctioning body
	DecidedOn ctip.Date //
	CreatedAt time.Time
}

// Wanted is a wanted notice (quyết định truy nã).
type Wanted struct {
	ID             ctip.ID
	PersonID       ctip.ID
	DecisionNumber string
	IssuingBody    string
	IssuedOn       ctip.Date
	LiftedOn       ctip.Date // đình nã
	CreatedAt      time.Time
}

// Consent purposes (Decree 13/2023 Art. 11; Law 91/2025): consent is specific.
const (
	ConsentProcessing = "processing" // processing of the person's data by the programme
	ConsentSharing    = "sharing"    // sharing with a named recipient
	ConsentReferral   = "referral"   // referral to a service (legal aid centre, shelter…)
	ConsentSurvey     = "survey"     // needs-assessment survey
)

// ConsentPurposes lists the purposes.
var ConsentPurposes = []string{ConsentProcessing, ConsentSharing, ConsentReferral, ConsentSurvey}

// Consent is a consent given (and perhaps withdrawn) by the person or their
// legal representative.
type Consent struct {
	ID          ctip.ID
	PersonID    ctip.ID
	Purpose     string
	Recipient   string
	GivenOn     ctip.Date
	WithdrawnOn ctip.Date
	RecordedBy  ctip.ID
	CreatedAt   time.Time
}

// Active reports whether the consent holds on a day.
func (c Consent) Active(d ctip.Date) bool {
	return !c.GivenOn.After(d) && (c.WithdrawnOn.IsZero() || d.Before(c.WithdrawnOn))
}

// Person is one registry record.
type Person struct {
	ID             ctip.ID
	OwnerUnitID    ctip.ID
	Protected      bool
	Pseudonym      string // NN-2026-0042 for protected persons
	Identity       Identity
	Sex            Sex
	BirthYear      int
	BirthPrecision string
	EthnicCode     string
	Nationality    string
	Watch          bool
	WatchReason    string
	WatchUntil     ctip.Date
	RetainUntil    ctip.Date
	Version        int
	CreatedBy      ctip.ID
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// MergedInto is set on a tombstone: the record was merged into that
	// surviving record (merge.go), and its links lead there.
	MergedInto ctip.NullID
	MergedAt   time.Time

	// Filled by reads.
	OwnerUnitPath string
	OwnerUnitName string
	Team          []TeamUnit
	Roles         []RoleLink
	Priors        []Prior
	Wanted        []Wanted
	Consents      []Consent
	IsVictim      bool // has a victim file, open or closed
	VictimOpen    bool // has an open victim file (at most one)
	// CaseOfficers are the officers (điều tra viên) assigned to the cases
	// the person is linked to as a victim or a person being identified:
	// they are on the team through the case (read with the person, so a
	// change of officers applies at once).
	CaseOfficers []ctip.ID
}

// LogValue logs only the ID.
func (p *Person) LogValue() slog.Value { return slog.StringValue(p.ID.String()) }

// TeamUnit is a unit on a person's team or sharing the person.
type TeamUnit struct {
	UnitID ctip.ID
	Reason string // TeamReceiving, TeamSupporting, TeamInvestigating, TeamShare
}

// Team reasons.
const (
	TeamReceiving     = "receiving"
	TeamSupporting    = "supporting"
	TeamInvestigating = "investigating"
	TeamShare         = "share"
)

// FormatPseudonym formats a pseudonym: NN-<year>-<number, at least 4 digits>
// (NN = nạn nhân); lists sort them by (year, number), see store ListFiles.
func FormatPseudonym(year int, n int64) string { return fmt.Sprintf("NN-%d-%04d", year, n) }

// PseudonymScope is the counter scope of pseudonyms (province-wide, per year).
const PseudonymScope = "NN"

// Age bands shown instead of the date of birth.
func AgeBand(birthYear int, today ctip.Date) string {
	if birthYear == 0 {
		return "unknown"
	}
	age := today.Year - birthYear
	switch {
	case age < 12:
		return "0-11"
	case age < 16:
		return "12-15"
	case age < 18:
		return "16-17"
	case age < 26:
		return "18-25"
	case age < 36:
		return "26-35"
	case age < 51:
		return "36-50"
	}
	return "51+"
}

// Reveal is an open, time-limited view of a protected identity.
type Reveal struct {
	ID       ctip.ID
	PersonID ctip.ID
	UserID   ctip.ID
	Kind     string // "reveal" or "break_glass"
	Reason   string // encrypted
	At       time.Time
	Until    time.Time
}

// Reveal kinds.
const (
	RevealTeam       = "reveal"
	RevealBreakGlass = "break_glass"
)

// Link is a link of a person to another record (intake item, case).
type Link struct {
	PersonID   ctip.ID
	RecordType string
	RecordID   string
	Role       string
	UnitID     ctip.ID
	CreatedAt  time.Time
	// NoTeam: the record's unit does not join the person's team. A victim
	// linked to a case gains the case's assigned officers, not its unit
	// (see Person.CaseOfficers).
	NoTeam bool
}

// SearchQuery is a search in search keys (never in clear text).
type SearchQuery struct {
	Tokens   []string // folded name tokens, most selective first
	IDNumber string   // normalised
	Phone    string   // normalised
	Limit    int      // candidates
}

// ListFilter narrows the person list. Names are encrypted, so the list
// cannot be sorted or filtered by name (search by name instead): it sorts by
// the date the record was created (default) or last changed.
type ListFilter struct {
	Role   string      // a role the person holds in some record (not a protected role)
	Watch  bool        // on the watch list
	Wanted bool        // an active wanted notice (not lifted)
	UnitID ctip.NullID // the owning unit
}

// ListCountCap bounds the person list's count: a registry of a million
// persons is not counted on every page view; beyond the cap the list says
// "more than" and asks for a narrower filter (docs/PERFORMANCE.md).
const ListCountCap = 1000

// List sorts.
const (
	SortCreated = "created"
	SortUpdated = "updated"
)

// ListRoles are the roles the list filters by: the protected roles are left
// out (protected persons are not listed; victims are listed by pseudonym on
// the victim files' list).
func ListRoles() []string {
	var out []string
	for _, r := range Roles {
		if !slices.Contains(ProtectedRoles, r) {
			out = append(out, r)
		}
	}
	return out
}

// Candidate is a search hit before visibility filtering.
type Candidate struct {
	Person *Person
}

// Store is what the person service needs from storage.
type Store interface {
	CreatePerson(ctx context.Context, p *Person, roles []RoleLink, team []TeamUnit, au ctip.AuditEvent) error
	UpdatePerson(ctx context.Context, p *Person, oldVersion int, au ctip.AuditEvent) error
	GetPerson(ctx context.Context, id ctip.ID) (*Person, error)
	SearchPersons(ctx context.Context, q SearchQuery) ([]*Person, error)
	ListPersons(ctx context.Context, f ListFilter, scope ctip.Scope, protectedToo bool, p ctip.PageRequest) (ctip.Page[*Person], error)
	AddRole(ctx context.Context, r RoleLink, au ctip.AuditEvent) error
	AddPrior(ctx context.Context, pr Prior, au ctip.AuditEvent) error
	AddWanted(ctx context.Context, w Wanted, au ctip.AuditEvent) error
	LiftWanted(ctx context.Context, personID, id ctip.ID, on ctip.Date, au ctip.AuditEvent) error
	AddConsent(ctx context.Context, c Consent, au ctip.AuditEvent) error
	WithdrawConsent(ctx context.Context, personID, id ctip.ID, on ctip.Date, au ctip.AuditEvent) error
	AddTeam(ctx context.Context, personID ctip.ID, t TeamUnit, au ctip.AuditEvent) error
	AddLink(ctx context.Context, l Link, au ctip.AuditEvent) error
	CreateLinkedPerson(ctx context.Context, p *Person, team []TeamUnit, l Link, au ctip.AuditEvent) error
	LinksOf(ctx context.Context, recordType, recordID string) ([]Link, error)
	OpenReveal(ctx context.Context, r Reveal, au ctip.AuditEvent) error
	ActiveReveal(ctx context.Context, personID, userID ctip.ID, now time.Time) (*Reveal, error)
	PurgeExpired(ctx context.Context, today ctip.Date, au func(n int) ctip.AuditEvent) (int, error)
	AppendAudit(ctx context.Context, evs ...ctip.AuditEvent) error
	FindDuplicates(ctx context.Context, q DuplicateQuery) ([]*Person, error)
	MergePersons(ctx context.Context, m Merge, au ctip.AuditEvent) error
}

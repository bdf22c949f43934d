package person

import (
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctip"
)

// oldProvinceCodes are the province codes that open a 12-digit citizen ID
// (số định danh cá nhân): the 63 provinces of Decision 124/2004/QĐ-TTg as
// three digits, as used by the identification-number rules (Decree
// 137/2015/NĐ-CP Art. 13, Circular 07/2016/TT-BCA, now Circular 59/2021/TT-BCA
// Appendix). Numbers issued before the 2025 merger keep them, so the 2025
// province list is not the test. The exact set should be checked against the
// current circular (LEGAL.md marks province lists as needing verification).
var oldProvinceCodes = map[string]bool{}

func init() {
	for _, c := range []int{1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38,
		40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87,
		89, 91, 92, 93, 94, 95, 96} {
		oldProvinceCodes[strconv.Itoa(1000 + c)[1:]] = true
	}
}

// CitizenIDInfo is what the digits of a citizen ID say.
type CitizenIDInfo struct {
	Province string // three-digit birth-registration province code
	Century  int    // 1900, 2000, 2100 …
	Sex      Sex
	YY       int // last two digits of the year of birth
}

// ParseCitizenID checks a 12-digit citizen ID: all digits; the first three a
// province code; the fourth the century and sex (0/1 = male/female born in
// the 1900s, 2/3 in the 2000s, 4/5 in the 2100s …); the fifth and sixth the
// year of birth. It returns the problem's message key, or "".
func ParseCitizenID(s string) (CitizenIDInfo, string) {
	if len(s) != 12 {
		return CitizenIDInfo{}, "person.cccd_length"
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return CitizenIDInfo{}, "person.cccd_digits"
		}
	}
	info := CitizenIDInfo{Province: s[:3]}
	if !oldProvinceCodes[info.Province] {
		return info, "person.cccd_province"
	}
	g := int(s[3] - '0')
	info.Century = 1900 + 100*(g/2)
	if g%2 == 0 {
		info.Sex = Male
	} else {
		info.Sex = Female
	}
	info.YY, _ = strconv.Atoi(s[4:6])
	if info.Century > 2100 {
		return info, "person.cccd_century"
	}
	return info, ""
}

// BirthYearOf returns the year of birth a citizen ID encodes.
func (c CitizenIDInfo) BirthYearOf() int { return c.Century + c.YY }

// Input is the editable content of a person (create and correction).
type Input struct {
	FullName       string     `json:"full_name"`
	Aliases        []string   `json:"aliases"`
	Sex            string     `json:"sex"`
	DateOfBirth    string     `json:"date_of_birth"` // YYYY-MM-DD
	BirthYear      int        `json:"birth_year"`
	EstimatedAge   int        `json:"estimated_age"`
	EthnicCode     string     `json:"ethnic_code"`
	Nationality    string     `json:"nationality"`
	Documents      []Document `json:"documents"`
	IDNumber       string     `json:"id_number"` // shorthand: a 12-digit citizen ID, or another number
	Phones         []string   `json:"phones"`
	Phone          string     `json:"phone"` // shorthand for one phone
	Accounts       []Account  `json:"accounts"`
	Permanent      Address    `json:"permanent_address"`
	Current        Address    `json:"current_address"`
	Occupation     string     `json:"occupation"`
	Notes          string     `json:"notes"`
	Role           string     `json:"role"`            // role held on creation (optional)
	ProtectedOwner ctip.ID    `json:"-"`               // set by the victim service
	RecordType     string     `json:"-"`               // record of the role
	RecordID       string     `json:"-"`               //
	Protect        bool       `json:"protect"`         // protect even without a protected role (e.g. a witness at risk)
	Photo          []byte     `json:"-"`               //
	Reason         string     `json:"correction_note"` // why a correction was made (audited, not stored in clear)
	ConfirmNew     bool       `json:"confirm_new"`     // record it even though it looks like an existing person (dupes.go)
}

// Places validates place codes (internal/geo).
type Places interface {
	CommuneProvince(code string) (province string, ok bool)
	CountryExists(code string) bool
	EthnicExists(code string) bool
}

// Limits on text (characters).
const (
	MaxName  = 200
	MaxText  = 2000
	MaxItems = 10
)

func clean(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\x00", "")) }

func tooLong(p *ctip.Problems, field, v string, n int) {
	if len([]rune(v)) > n {
		p.Add(field, "error.too_long", n)
	}
}

// Validate checks and normalises input and returns the identity and the
// coarse (clear) attributes. Every problem is reported at once.
func Validate(in *Input, places Places, today ctip.Date) (Identity, ctip.Problems) {
	var p ctip.Problems
	id := Identity{FullName: clean(in.FullName), Occupation: clean(in.Occupation), Notes: clean(in.Notes), Photo: in.Photo}
	for _, a := range in.Aliases {
		if a = clean(a); a != "" && !slices.Contains(id.Aliases, a) {
			id.Aliases = append(id.Aliases, a)
		}
	}
	if id.FullName == "" && len(id.Aliases) == 0 {
		p.Add("full_name", "person.name_required")
	}
	tooLong(&p, "full_name", id.FullName, MaxName)
	for _, a := range id.Aliases {
		tooLong(&p, "aliases", a, MaxName)
	}
	if len(id.Aliases) > MaxItems {
		p.Add("aliases", "person.too_many", MaxItems)
	}
	tooLong(&p, "occupation", id.Occupation, MaxName)
	tooLong(&p, "notes", id.Notes, MaxText)
	in.Sex = clean(in.Sex)
	if in.Sex == "" {
		in.Sex = string(Unknown)
	}
	if !slices.Contains(Sexes, Sex(in.Sex)) {
		p.Add("sex", "error.choice")
	}
	// Date of birth: exact, year only, or an estimated age.
	if v := clean(in.DateOfBirth); v != "" {
		d, err := ctip.ParseDate(v)
		switch {
		case err != nil:
			p.Add("date_of_birth", "error.date")
		case d.After(today):
			p.Add("date_of_birth", "person.dob_future")
		case d.Year < today.Year-120:
			p.Add("date_of_birth", "person.dob_too_old")
		default:
			id.DateOfBirth = d
			in.BirthYear = d.Year
		}
	} else if in.BirthYear != 0 {
		if in.BirthYear > today.Year || in.BirthYear < today.Year-120 {
			p.Add("birth_year", "person.birth_year_range", today.Year-120, today.Year)
		}
	} else if in.EstimatedAge != 0 {
		if in.EstimatedAge < 0 || in.EstimatedAge > 120 {
			p.Add("estimated_age", "person.age_range")
		} else {
			in.BirthYear = today.Year - in.EstimatedAge
		}
	}
	in.EthnicCode = clean(in.EthnicCode)
	if in.EthnicCode != "" && !places.EthnicExists(in.EthnicCode) {
		p.Add("ethnic_code", "error.choice")
	}
	in.Nationality = strings.ToUpper(clean(in.Nationality))
	if in.Nationality != "" && in.Nationality != "XX" && !places.CountryExists(in.Nationality) {
		p.Add("nationality", "person.country_code")
	}
	// Documents, with the shorthand id_number: a Vietnamese citizen ID
	// (căn cước, 12 digits: Law 26/2023/QH15 on Identification) and nothing
	// else. Other documents go in documents[] with their kind: an old 9-digit
	// identity card (chứng minh nhân dân, still seen on old records and
	// passports, shared/domain/PREVENTION.md), a passport, a foreign ID.
	docs := in.Documents
	shorthand := clean(in.IDNumber) != ""
	if shorthand {
		docs = append([]Document{{Kind: DocCitizenID, Number: in.IDNumber}}, docs...)
	}
	if len(docs) > MaxItems {
		p.Add("documents", "person.too_many", MaxItems)
	}
	for i, d := range docs {
		d.Kind, d.Country = clean(d.Kind), strings.ToUpper(clean(d.Country))
		d.Number = strings.ToUpper(strings.NewReplacer(" ", "", ".", "", "-", "").Replace(clean(d.Number)))
		field := "documents"
		if shorthand && i == 0 {
			field = "id_number"
		}
		switch {
		case d.Number == "":
			continue
		case !slices.Contains(DocKinds, d.Kind):
			p.Add(field, "person.document_kind")
		case d.Kind == DocCitizenID:
			info, key := ParseCitizenID(d.Number)
			if key != "" && field == "id_number" && (key == "person.cccd_length" || key == "person.cccd_digits") {
				// Say what the shorthand is and where the number belongs.
				key = "person.id_number_not_cccd"
				if len(d.Number) == 9 && isDigits(d.Number) {
					key = "person.id_number_cmnd"
				}
			}
			if key != "" {
				p.Add(field, key)
				break
			}
			// Cross-check with the date of birth and the sex when known.
			if in.BirthYear != 0 && in.BirthYear != info.BirthYearOf() && (in.DateOfBirth != "" || in.BirthYear != 0 && in.EstimatedAge == 0) {
				p.Add(field, "person.cccd_birth_year", info.BirthYearOf())
			}
			if (in.Sex == string(Male) || in.Sex == string(Female)) && Sex(in.Sex) != info.Sex {
				p.Add(field, "person.cccd_sex")
			}
			if in.Nationality == "" {
				in.Nationality = "VN"
			}
		case d.Kind == DocCMND:
			if len(d.Number) != 9 || !isDigits(d.Number) {
				p.Add(field, "person.cmnd_format")
			} else if in.Nationality == "" {
				in.Nationality = "VN"
			}
		case d.Kind == DocPassport && (d.Country == "VN" || d.Country == "" && in.Nationality == "VN"):
			// Vietnamese passports: one letter and seven digits (e.g. C1234567).
			if len(d.Number) != 8 || d.Number[0] < 'A' || d.Number[0] > 'Z' || !isDigits(d.Number[1:]) {
				p.Add(field, "person.passport_vn_format")
			}
		case d.Kind == DocPassport:
			// ICAO Doc 9303: the document number field holds up to 9 characters.
			if len(d.Number) < 6 || len(d.Number) > 9 || !isAlnum(d.Number) {
				p.Add(field, "person.passport_format")
			}
		case d.Kind == DocForeignID:
			// Free form: documents of other countries follow no common format.
			tooLong(&p, field, d.Number, 30)
		case len(d.Number) < 5 || len(d.Number) > 30 || !isAlnum(d.Number):
			p.Add(field, "person.document_number")
		}
		if d.Country != "" && !places.CountryExists(d.Country) {
			p.Add(field, "person.country_code")
		}
		id.Documents = append(id.Documents, d)
	}
	phones := in.Phones
	if ph := clean(in.Phone); ph != "" {
		phones = append([]string{ph}, phones...)
	}
	for _, ph := range phones {
		ph = clean(ph)
		if ph == "" {
			continue
		}
		digits := 0
		ok := true
		for i, r := range ph {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == '+' && i == 0, r == ' ', r == '.', r == '-', r == '(', r == ')':
			default:
				ok = false
			}
		}
		if !ok || digits < 8 || digits > 15 {
			p.Add("phone", "person.phone")
		}
		id.Phones = append(id.Phones, ph)
	}
	if len(id.Phones) > MaxItems {
		p.Add("phone", "person.too_many", MaxItems)
	}
	for _, ac := range in.Accounts {
		ac.Platform, ac.Handle = clean(ac.Platform), clean(ac.Handle)
		if ac.Handle == "" {
			continue
		}
		if !slices.Contains(Platforms, ac.Platform) {
			p.Add("accounts", "error.choice")
		}
		tooLong(&p, "accounts", ac.Handle, MaxName)
		id.Accounts = append(id.Accounts, ac)
	}
	for _, f := range []struct {
		name string
		a    *Address
		src  Address
	}{{"permanent_address", &id.Permanent, in.Permanent}, {"current_address", &id.Current, in.Current}} {
		a := Address{Line: clean(f.src.Line), CommuneCode: clean(f.src.CommuneCode), Country: strings.ToUpper(clean(f.src.Country))}
		tooLong(&p, f.name, a.Line, MaxName)
		if a.CommuneCode != "" {
			if _, ok := places.CommuneProvince(a.CommuneCode); !ok {
				p.Add(f.name, "error.commune_code")
			}
		}
		if a.Country != "" && !places.CountryExists(a.Country) {
			p.Add(f.name, "person.country_code")
		}
		*f.a = a
	}
	in.Role = clean(in.Role)
	if in.Role != "" && !slices.Contains(Roles, in.Role) {
		p.Add("role", "error.choice")
	}
	if len(in.Photo) > 2<<20 {
		p.Add("photo", "person.photo_too_large")
	}
	return id, p
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isAlnum(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// Retention periods per record type (Decree 13/2023 Art. 9(8): data kept
// only as long as the purpose requires; Law 91/2025). These are programme
// settings, not statute: defaults, changed through settings.
type Retention struct {
	// Protected persons (victims, persons being identified, relatives,
	// reporters) whose file is closed, or who were found not to be victims.
	ProtectedYears int
	// Witnesses and other non-perpetrator roles.
	WitnessYears int
	// NotVictimYears: a person found not to be a victim (kept shorter).
	NotVictimYears int
}

// DefaultRetention is used when settings say nothing.
var DefaultRetention = Retention{ProtectedYears: 10, WitnessYears: 5, NotVictimYears: 2}

// PoliceRecordRoles are kept as police records (no automatic purge).
var PoliceRecordRoles = []string{RoleSuspect, RoleAccused, RoleDefendant, RoleConvicted, RoleWanted, RoleOrganiser,
	RoleRecruiter, RoleTransporter, RoleHarbourer, RoleBuyer, RoleBroker}

// RetainUntil returns the day after which a person may be purged, from the
// roles held ("" date = keep: a police record, or an open victim file).
func (r Retention) RetainUntil(roles []string, from ctip.Date, openFile bool) ctip.Date {
	if openFile {
		return ctip.Date{}
	}
	years := 0
	for _, role := range roles {
		switch {
		case slices.Contains(PoliceRecordRoles, role):
			return ctip.Date{}
		case slices.Contains(ProtectedRoles, role):
			years = max(years, r.ProtectedYears)
		default:
			years = max(years, r.WitnessYears)
		}
	}
	if years == 0 {
		years = r.WitnessYears
	}
	return ctip.NewDate(from.Year+years, from.Month, from.Day)
}

// Windows of identity views.
const (
	DefaultRevealWindow     = 15 * time.Minute
	DefaultBreakGlassWindow = 10 * time.Minute
	MinReasonLen            = 10
)

// LogValue keeps input identities out of logs.
func (Input) LogValue() slog.Value { return slog.StringValue("[protected input]") }

// LogValue keeps a reveal's reason out of logs.
func (r Reveal) LogValue() slog.Value { return slog.StringValue(r.ID.String()) }

package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"ctip"
	"ctip/internal/httpx"
	"ctip/internal/person"
)

// personRoutes are the person registry and victim endpoints.
func (s *Server) personRoutes() []httpx.Route {
	perm := func(m, p string, perm ctip.Permission, h httpx.Handler) httpx.Route {
		return httpx.Route{Method: m, Pattern: p, Access: httpx.Permitted, Perm: perm, Handler: h}
	}
	return []httpx.Route{
		perm("POST", "/api/v1/persons", ctip.PermPersonWrite, s.personCreate),
		perm("GET", "/api/v1/persons", ctip.PermPersonRead, s.personSearch),
		perm("GET", "/api/v1/persons/{id}", ctip.PermPersonRead, s.personGet),
		perm("POST", "/api/v1/persons/{id}/merge", ctip.PermPersonMerge, s.personMerge),
		perm("GET", "/api/v1/intake/{id}/persons", ctip.PermIntakeRead, s.intakePersons),
		perm("POST", "/api/v1/intake/{id}/persons", ctip.PermPersonWrite, s.intakePersonLink),
		perm("POST", "/api/v1/intake/{id}/reporter/link", ctip.PermIntakeRead, s.intakeReporterLink),
		perm("POST", "/api/v1/victims", ctip.PermVictimReceive, s.victimCreate),
		perm("GET", "/api/v1/victims/{id}", ctip.PermVictimRead, s.victimGet),
		// Open to every signed-in caller: whoever is not entitled (including
		// roles without victim.read) gets 404 from the service, audited, so
		// the answer never depends on the role or on whether the file exists
		// (issue 4 §4).
		{Method: "POST", Pattern: "/api/v1/victims/{id}/reveal", Access: httpx.Signed, Handler: s.victimReveal},
		perm("POST", "/api/v1/victims/{id}/identification", ctip.PermVictimWrite, s.victimIdentify),
		perm("GET", "/api/v1/victims/{id}/support", ctip.PermVictimRead, s.victimSupportList),
		perm("POST", "/api/v1/victims/{id}/support", ctip.PermVictimWrite, s.victimSupportAdd),
		perm("GET", "/api/v1/victims/{id}/followups", ctip.PermVictimRead, s.victimFollowUpList),
		perm("POST", "/api/v1/victims/{id}/followups", ctip.PermVictimWrite, s.victimFollowUpAdd),
	}
}

// PersonInput is the body of POST /api/v1/persons (and the person part of
// POST /api/v1/victims).
type PersonInput struct {
	FullName     string            `json:"full_name"`
	Aliases      []string          `json:"aliases"`
	Sex          string            `json:"sex"`
	DateOfBirth  string            `json:"date_of_birth"`
	BirthYear    int               `json:"birth_year"`
	EstimatedAge int               `json:"estimated_age"`
	EthnicCode   string            `json:"ethnic_code"`
	Nationality  string            `json:"nationality"`
	IDNumber     string            `json:"id_number"`
	Documents    []person.Document `json:"documents"`
	Phone        string            `json:"phone"`
	Phones       []string          `json:"phones"`
	Accounts     []person.Account  `json:"accounts"`
	Permanent    person.Address    `json:"permanent_address"`
	Current      person.Address    `json:"current_address"`
	Occupation   string            `json:"occupation"`
	Role         string            `json:"role"`
	Protect      bool              `json:"protect"`
	ConfirmNew   bool              `json:"confirm_new"` // create even though likely duplicates exist (otherwise 409)
}

func (b PersonInput) toPersonInput() person.Input {
	return person.Input{FullName: b.FullName, Aliases: b.Aliases, Sex: b.Sex, DateOfBirth: b.DateOfBirth, BirthYear: b.BirthYear,
		EstimatedAge: b.EstimatedAge, EthnicCode: b.EthnicCode, Nationality: b.Nationality, IDNumber: b.IDNumber, Documents: b.Documents,
		Phone: b.Phone, Phones: b.Phones, Accounts: b.Accounts, Permanent: b.Permanent, Current: b.Current, Occupation: b.Occupation,
		Role: b.Role, Protect: b.Protect, ConfirmNew: b.ConfirmNew}
}

// IdentityDTO is a person's identity, given only when it may be shown.
type IdentityDTO struct {
	FullName         string            `json:"full_name"`
	Aliases          []string          `json:"aliases,omitempty"`
	DateOfBirth      string            `json:"date_of_birth,omitempty"`
	Documents        []person.Document `json:"documents,omitempty"`
	Phones           []string          `json:"phones,omitempty"`
	Accounts         []person.Account  `json:"accounts,omitempty"`
	PermanentAddress *person.Address   `json:"permanent_address,omitempty"`
	CurrentAddress   *person.Address   `json:"current_address,omitempty"`
	Occupation       string            `json:"occupation,omitempty"`
}

func identityDTO(id person.Identity) *IdentityDTO {
	d := &IdentityDTO{FullName: id.FullName, Aliases: id.Aliases, DateOfBirth: id.DateOfBirth.String(), Documents: id.Documents,
		Phones: id.Phones, Accounts: id.Accounts, Occupation: id.Occupation}
	if !id.Permanent.IsZero() {
		d.PermanentAddress = &id.Permanent
	}
	if !id.Current.IsZero() {
		d.CurrentAddress = &id.Current
	}
	return d
}

// RoleDTO is a role held in a record.
type RoleDTO struct {
	Role       string    `json:"role"`
	HTCDS      string    `json:"htcds_role,omitempty"`
	RecordType string    `json:"record_type,omitempty"`
	RecordID   string    `json:"record_id,omitempty"`
	Since      time.Time `json:"since"`
}

// RegistryPersonDTO is a person as the API shows it: the identity only when the
// reader may see it (a protected person needs an open reveal).
type RegistryPersonDTO struct {
	ID          ctip.ID      `json:"id"`
	Protected   bool         `json:"protected"`
	Pseudonym   string       `json:"pseudonym,omitempty"`
	Sex         person.Sex   `json:"sex"`
	AgeBand     string       `json:"age_band"`
	EthnicCode  string       `json:"ethnic_code,omitempty"`
	Nationality string       `json:"nationality,omitempty"`
	Identity    *IdentityDTO `json:"identity,omitempty"`
	RevealUntil *time.Time   `json:"reveal_until,omitempty"`
	Roles       []RoleDTO    `json:"roles"`
	Watch       bool         `json:"watch"`
	WatchUntil  string       `json:"watch_until,omitempty"`
	Wanted      bool         `json:"wanted"`
	Version     int          `json:"version"`
}

func personDTO(v *person.View) RegistryPersonDTO {
	p := v.Person
	d := RegistryPersonDTO{ID: p.ID, Protected: p.Protected, Pseudonym: p.Pseudonym, Sex: p.Sex, AgeBand: v.AgeBand, Version: p.Version, Roles: []RoleDTO{}}
	if v.ShowIdentity {
		d.Identity = identityDTO(p.Identity)
		d.EthnicCode, d.Nationality = p.EthnicCode, p.Nationality
		d.Watch, d.WatchUntil = p.Watch, p.WatchUntil.String()
		if !v.RevealUntil.IsZero() {
			t := v.RevealUntil
			d.RevealUntil = &t
		}
	}
	for _, r := range p.Roles {
		d.Roles = append(d.Roles, RoleDTO{Role: r.Role, HTCDS: person.HTCDSRole(r.Role), RecordType: r.RecordType, RecordID: r.RecordID, Since: r.CreatedAt})
	}
	for _, w := range p.Wanted {
		d.Wanted = d.Wanted || w.LiftedOn.IsZero()
	}
	return d
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) error {
	var b PersonInput
	if err := decode(r, &b); err != nil {
		return err
	}
	v, err := s.Persons.Create(r.Context(), b.toPersonInput())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/persons/"+v.Person.ID.String())
	return writeJSON(w, http.StatusCreated, personDTO(v))
}

func (s *Server) personGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Persons.Get(r.Context(), id)
	if err != nil {
		var me *person.MergedError
		if errors.As(err, &me) {
			// A merged record: the surviving record, for a reader who may see it.
			w.Header().Set("Location", "/api/v1/persons/"+me.Into.String())
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusMovedPermanently)
			return nil
		}
		return err
	}
	return writeJSON(w, http.StatusOK, personDTO(v))
}

// MergeInput is the body of POST /api/v1/persons/{id}/merge: the record
// merged into {id}, the versions both records were read at, and a reason.
type MergeInput struct {
	Other        ctip.ID `json:"other"`
	Version      int     `json:"version"`
	OtherVersion int     `json:"other_version"`
	Reason       string  `json:"reason"`
}

func (s *Server) personMerge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b MergeInput
	if err := decode(r, &b); err != nil {
		return err
	}
	if b.Other.IsZero() {
		var pr ctip.Problems
		pr.Add("other", "error.required")
		return pr.Err()
	}
	v, err := s.Persons.Merge(r.Context(), id, b.Other, b.Version, b.OtherVersion, b.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, personDTO(v))
}

// HitDTO is a search result or a list row: the name, or the pseudonym of a
// protected person (search only: the list leaves protected persons out).
type HitDTO struct {
	ID        ctip.ID    `json:"id"`
	Label     string     `json:"label"`
	Protected bool       `json:"protected"`
	Sex       person.Sex `json:"sex"`
	AgeBand   string     `json:"age_band"`
	Roles     []string   `json:"roles"`
	// List rows only.
	Watch     bool       `json:"watch,omitempty"`
	Wanted    bool       `json:"wanted,omitempty"`
	Unit      string     `json:"owner_unit,omitempty"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// personSearch searches (q) or lists (no q) the persons of the actor's
// scope. A search gives at most 50 hits, ranked; a list is paged (limit,
// offset), filtered (role, watch, wanted, unit) and sorted by creation or
// last change (names are encrypted: no order by name). Both give a total.
func (s *Server) personSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var p ctip.Problems
	limit := queryInt(r, "limit", ctip.DefaultPageSize, &p)
	offset := queryInt(r, "offset", 0, &p)
	if limit > ctip.MaxPageSize {
		p.Add("limit", "error.max", ctip.MaxPageSize)
	}
	if limit == 0 {
		limit = ctip.DefaultPageSize
	}
	if query := strings.TrimSpace(q.Get("q")); query != "" {
		if err := p.Err(); err != nil {
			return err
		}
		hits, err := s.Persons.Search(r.Context(), query)
		if err != nil {
			return err
		}
		out := []HitDTO{}
		for _, h := range hits {
			roles := h.Roles
			if roles == nil {
				roles = []string{}
			}
			out = append(out, HitDTO{ID: h.ID, Label: h.Label, Protected: h.Protected, Sex: h.Sex, AgeBand: h.AgeBand, Roles: roles})
		}
		total := len(out)
		out = out[min(offset, total):min(offset+limit, total)]
		return writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": total, "limit": limit, "offset": offset})
	}
	f := person.ListFilter{Role: q.Get("role"), Watch: queryBool(r, "watch", &p), Wanted: queryBool(r, "wanted", &p)}
	if v := q.Get("unit"); v != "" {
		id, err := ctip.ParseID(v)
		if err != nil {
			p.Add("unit", "error.id")
		} else {
			f.UnitID = ctip.Some(id)
		}
	}
	sort, dir := q.Get("sort"), q.Get("dir")
	if dir != "" && dir != "asc" && dir != "desc" {
		p.Add("dir", "error.choice")
	}
	if err := p.Err(); err != nil {
		return err
	}
	page, err := s.Persons.List(r.Context(), f, ctip.PageRequest{Limit: limit, Offset: offset, Sort: sort, Desc: dir != "asc"})
	if err != nil {
		return err
	}
	today := ctip.DateOf(s.Clock.Now())
	out := make([]HitDTO, 0, len(page.Items))
	for _, it := range page.Items {
		d := HitDTO{ID: it.ID, Label: it.Identity.FullName, Sex: it.Sex, AgeBand: person.AgeBand(it.BirthYear, today), Roles: []string{},
			Watch: it.Watch, Unit: it.OwnerUnitName, CreatedAt: &it.CreatedAt, UpdatedAt: &it.UpdatedAt}
		if d.Label == "" && len(it.Identity.Aliases) > 0 {
			d.Label = it.Identity.Aliases[0]
		}
		for _, rl := range it.Roles {
			if !slices.Contains(d.Roles, rl.Role) {
				d.Roles = append(d.Roles, rl.Role)
			}
		}
		for _, wn := range it.Wanted {
			d.Wanted = d.Wanted || wn.LiftedOn.IsZero()
		}
		out = append(out, d)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": page.Total, "total_capped": page.Capped, "limit": page.Limit, "offset": page.Offset})
}

// hitsDTO converts hits.
func hitsDTO(hits []person.Hit) []HitDTO {
	out := []HitDTO{}
	for _, h := range hits {
		roles := h.Roles
		if roles == nil {
			roles = []string{}
		}
		out = append(out, HitDTO{ID: h.ID, Label: h.Label, Protected: h.Protected, Sex: h.Sex, AgeBand: h.AgeBand, Roles: roles})
	}
	return out
}

// intakePersons lists the registry persons linked to an intake item (a
// protected person under the pseudonym).
func (s *Server) intakePersons(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Intake.Get(r.Context(), id); err != nil {
		return err // the item must be visible
	}
	hits, err := s.Persons.LinkedTo(r.Context(), "intake_item", id.String())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": hitsDTO(hits)})
}

// IntakePersonBody is the body of POST /api/v1/intake/{id}/persons: an
// existing registry person (person_id) or a new one (person), and the role.
type IntakePersonBody struct {
	PersonID *ctip.ID     `json:"person_id"`
	Person   *PersonInput `json:"person"`
	Role     string       `json:"role"`
}

// intakePersonLink links a registry person to an intake item, or records a
// new person and links them, in one transaction.
func (s *Server) intakePersonLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b IntakePersonBody
	if err := decode(r, &b); err != nil {
		return err
	}
	var pr ctip.Problems
	switch {
	case b.PersonID == nil && b.Person == nil:
		pr.Add("person_id", "error.required")
	case b.PersonID != nil && b.Person != nil:
		pr.Add("person", "person.pick_or_new")
	}
	if b.Role == "" {
		pr.Add("role", "error.required")
	}
	if err := pr.Err(); err != nil {
		return err
	}
	var pid ctip.ID
	if b.PersonID != nil {
		if err := s.Persons.Link(r.Context(), *b.PersonID, "intake_item", id.String(), b.Role); err != nil {
			return err
		}
		pid = *b.PersonID
	} else {
		in := b.Person.toPersonInput()
		in.Role = ""
		v, err := s.Persons.CreateLinked(r.Context(), in, "intake_item", id.String(), b.Role)
		if err != nil {
			return err
		}
		pid = v.Person.ID
	}
	w.Header().Set("Location", "/api/v1/persons/"+pid.String())
	return writeJSON(w, http.StatusCreated, map[string]any{"person_id": pid, "record_type": "intake_item", "record_id": id, "role": b.Role})
}

// intakeReporterLink records the item's reporter in the registry as a
// protected person (for a user who may see the reporter; 404 otherwise).
func (s *Server) intakeReporterLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := s.Intake.LinkReporter(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"person_id": pid, "record_type": "intake_item", "record_id": id, "role": person.RoleReporter})
}

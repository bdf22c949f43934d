package api

import (
	"net/http"
	"time"

	"ctip"
	"ctip/internal/person"
	"ctip/internal/victim"
)

// ReceptionDTO is how the person came (tiếp nhận).
type ReceptionDTO struct {
	ReceivedAt        string `json:"received_at"` // RFC 3339; now when empty
	Channel           string `json:"channel"`
	Body              string `json:"body"`
	CommuneCode       string `json:"commune_code,omitempty"`
	CountryCode       string `json:"country_code,omitempty"`
	FoundAbroad       bool   `json:"found_abroad"`
	StatelessResident bool   `json:"stateless_resident,omitempty"`
}

// VictimInput is the body of POST /api/v1/victims: the person and the reception.
type VictimInput struct {
	PersonInput
	Reception     ReceptionDTO `json:"reception"`
	AccompaniesID *ctip.ID     `json:"accompanies_id"`
	// PersonID receives a person already in the registry instead of the
	// identity fields above; PersonVersion is the version read (GET
	// /api/v1/persons/{id}): a changed record answers 409.
	PersonID      *ctip.ID `json:"person_id"`
	PersonVersion int      `json:"person_version"`
}

// hasIdentity reports whether any person field was sent.
func (b PersonInput) hasIdentity() bool {
	return b.FullName != "" || len(b.Aliases) > 0 || b.Sex != "" || b.DateOfBirth != "" || b.BirthYear != 0 || b.EstimatedAge != 0 ||
		b.EthnicCode != "" || b.Nationality != "" || b.IDNumber != "" || len(b.Documents) > 0 || b.Phone != "" || len(b.Phones) > 0 ||
		len(b.Accounts) > 0 || !b.Permanent.IsZero() || !b.Current.IsZero() || b.Occupation != "" || b.Role != "" || b.Protect || b.ConfirmNew
}

// VictimDTO is a victim file as the API shows it: the pseudonym, sex and
// age band; the identity only with an open reveal.
type VictimDTO struct {
	ID               ctip.ID        `json:"id"`
	PersonID         ctip.ID        `json:"person_id"`
	Pseudonym        string         `json:"pseudonym"`
	Sex              string         `json:"sex"`
	AgeBand          string         `json:"age_band"`
	Status           victim.Status  `json:"status"`
	TraffickingHTCDS string         `json:"vic_trafficking_status"`
	Class            victim.Class   `json:"beneficiary_class"`
	AllowedRegimes   []string       `json:"allowed_regimes"`
	ClassBasis       string         `json:"class_basis"`
	Reception        ReceptionDTO   `json:"reception"`
	VerificationDue  string         `json:"verification_due,omitempty"`
	Verification     string         `json:"verification"`
	EssentialStart   string         `json:"essential_needs_start,omitempty"`
	EssentialLastDay string         `json:"essential_needs_last_day,omitempty"`
	EssentialLeft    *int           `json:"essential_needs_days_left,omitempty"`
	DecidedOn        string         `json:"decided_on,omitempty"`
	DecidingBody     string         `json:"deciding_body,omitempty"`
	Grounds          []string       `json:"grounds"`
	Exploitation     []string       `json:"exploitation_types"`
	ClosedOn         string         `json:"closed_on,omitempty"`
	CloseReason      string         `json:"close_reason,omitempty"`
	Identity         *IdentityDTO   `json:"identity,omitempty"`
	RevealUntil      *time.Time     `json:"reveal_until,omitempty"`
	Version          int            `json:"version"`
	OtherFiles       []OtherFileDTO `json:"other_files"`
}

// OtherFileDTO names another victim file of the same person (a person
// trafficked again is received on a new file).
type OtherFileDTO struct {
	ID          ctip.ID       `json:"id"`
	ReceivedAt  string        `json:"received_at"`
	Status      victim.Status `json:"status"`
	ClosedOn    string        `json:"closed_on,omitempty"`
	CloseReason string        `json:"close_reason,omitempty"`
}

func victimDTO(v *victim.View) VictimDTO {
	f := v.File
	d := VictimDTO{ID: f.ID, PersonID: f.PersonID, Pseudonym: f.Pseudonym, Sex: string(f.Sex), AgeBand: v.AgeBand, Status: f.Status,
		TraffickingHTCDS: map[victim.Status]string{victim.Victim: "ActualVictimOfTrafficking", victim.BeingIdentified: "PossibleVictimOfTrafficking",
			victim.NotVictim: "NotAVictimOfTrafficking"}[f.Status],
		Class: v.Class, ClassBasis: v.ClassRule.Basis, AllowedRegimes: []string{}, Verification: v.Verification,
		VerificationDue: f.VerificationDue.String(), DecidedOn: f.DecidedOn.String(), DecidingBody: f.DecidingBody, Grounds: f.Grounds,
		Exploitation: f.Exploitation.Types, ClosedOn: f.ClosedOn.String(), CloseReason: f.CloseReason, Version: f.Version,
		Reception: ReceptionDTO{ReceivedAt: f.ReceivedAt.Format(time.RFC3339), Channel: f.Channel, Body: f.ReceptionBody, CommuneCode: f.ReceptionCommune,
			CountryCode: f.ReceptionCountry, FoundAbroad: f.FoundAbroad, StatelessResident: f.StatelessResident}}
	if d.Grounds == nil {
		d.Grounds = []string{}
	}
	if d.Exploitation == nil {
		d.Exploitation = []string{}
	}
	d.OtherFiles = []OtherFileDTO{}
	for _, o := range v.Others {
		d.OtherFiles = append(d.OtherFiles, OtherFileDTO{ID: o.ID, ReceivedAt: o.ReceivedAt.Format(time.RFC3339), Status: o.Status,
			ClosedOn: o.ClosedOn.String(), CloseReason: o.CloseReason})
	}
	for _, r := range v.ClassRule.Regimes {
		d.AllowedRegimes = append(d.AllowedRegimes, string(r))
	}
	if !v.Essential.Start.IsZero() {
		d.EssentialStart, d.EssentialLastDay = v.Essential.Start.String(), v.Essential.LastDay.String()
		left := v.Essential.Left
		d.EssentialLeft = &left
	}
	if v.Person.ShowIdentity {
		d.Identity = identityDTO(v.Person.Person.Identity)
		if !v.Person.RevealUntil.IsZero() {
			t := v.Person.RevealUntil
			d.RevealUntil = &t
		}
	}
	return d
}

func (s *Server) victimCreate(w http.ResponseWriter, r *http.Request) error {
	var b VictimInput
	if err := decode(r, &b); err != nil {
		return err
	}
	var pr ctip.Problems
	in := victim.ReceiveInput{Person: b.toPersonInput(), Channel: b.Reception.Channel, ReceptionBody: b.Reception.Body,
		ReceptionCommune: b.Reception.CommuneCode, ReceptionCountry: b.Reception.CountryCode, FoundAbroad: b.Reception.FoundAbroad,
		StatelessResident: b.Reception.StatelessResident}
	in.Person.Role = ""
	if b.AccompaniesID != nil {
		in.AccompaniesID = ctip.Some(*b.AccompaniesID)
	}
	if b.PersonID != nil {
		if b.PersonInput.hasIdentity() {
			pr.Add("person_id", "victim.person_id_exclusive")
		}
		in.Person = person.Input{}
		in.PersonID, in.PersonVersion = ctip.Some(*b.PersonID), b.PersonVersion
	}
	if b.Reception.ReceivedAt != "" {
		t, err := time.Parse(time.RFC3339, b.Reception.ReceivedAt)
		if err != nil {
			pr.Add("reception.received_at", "error.rfc3339")
		}
		in.ReceivedAt = t
	}
	if err := pr.Err(); err != nil {
		return err
	}
	v, err := s.Victims.Receive(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/victims/"+v.File.ID.String())
	return writeJSON(w, http.StatusCreated, map[string]any{"id": v.File.ID, "pseudonym": v.File.Pseudonym, "person_id": v.File.PersonID, "victim": victimDTO(v)})
}

func (s *Server) victimGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Victims.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, victimDTO(v))
}

// RevealInput is the body of POST /api/v1/victims/{id}/reveal.
type RevealInput struct {
	Reason string `json:"reason"`
}

func (s *Server) victimReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b RevealInput
	if derr := decode(r, &b); derr != nil {
		// Entitlement first: someone not entitled gets 404 whatever the body;
		// an entitled user is told what is wrong with it.
		if _, err := s.Victims.Reveal(r.Context(), id, ""); !ctip.IsKind(err, ctip.Invalid) {
			return err
		}
		return derr
	}
	v, err := s.Victims.Reveal(r.Context(), id, b.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, victimDTO(v))
}

// IdentificationInput is the body of POST /api/v1/victims/{id}/identification.
type IdentificationInput struct {
	Status         string   `json:"status"`
	DecidedOn      string   `json:"decided_on"`
	DecidingBody   string   `json:"deciding_body"`
	DecisionNumber string   `json:"decision_number"`
	Grounds        []string `json:"grounds"`
	Documents      string   `json:"documents"`
	Version        int      `json:"version"`
}

func parseDate(p *ctip.Problems, field, v string) ctip.Date {
	if v == "" {
		return ctip.Date{}
	}
	d, err := ctip.ParseDate(v)
	if err != nil {
		p.Add(field, "error.date")
	}
	return d
}

func (s *Server) victimIdentify(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b IdentificationInput
	if err := decode(r, &b); err != nil {
		return err
	}
	var pr ctip.Problems
	in := victim.IdentifyInput{Status: victim.Status(b.Status), DecidedOn: parseDate(&pr, "decided_on", b.DecidedOn), DecidingBody: b.DecidingBody,
		DecisionNumber: b.DecisionNumber, Grounds: b.Grounds, Documents: b.Documents}
	if err := pr.Err(); err != nil {
		return err
	}
	v, err := s.Victims.Identify(r.Context(), id, b.Version, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, victimDTO(v))
}

// SupportDTO is one support service.
type SupportDTO struct {
	ID         ctip.ID `json:"id,omitempty"`
	Regime     string  `json:"regime"`
	Provider   string  `json:"provider"`
	ProvidedOn string  `json:"provided_on"`
	Amount     int64   `json:"amount"`
	Status     string  `json:"status"`
	ReferralTo string  `json:"referral_to,omitempty"`
	Consent    bool    `json:"consent"`
	Note       string  `json:"note,omitempty"`
	Extension  string  `json:"extension,omitempty"`
}

func (s *Server) victimSupportList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Victims.Get(r.Context(), id)
	if err != nil {
		return err
	}
	out := []SupportDTO{}
	for _, x := range v.Support {
		out = append(out, SupportDTO{ID: x.ID, Regime: string(x.Regime), Provider: x.Provider, ProvidedOn: x.ProvidedOn.String(), Amount: x.Amount,
			Status: x.Status, ReferralTo: x.ReferralTo, Consent: x.ConsentID.Valid, Note: x.Note})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) victimSupportAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b SupportDTO
	if err := decode(r, &b); err != nil {
		return err
	}
	var pr ctip.Problems
	in := victim.SupportInput{Regime: b.Regime, Provider: b.Provider, ProvidedOn: parseDate(&pr, "provided_on", b.ProvidedOn), Amount: b.Amount,
		Status: b.Status, ReferralTo: b.ReferralTo, Consent: b.Consent, Note: b.Note, Extension: b.Extension}
	if err := pr.Err(); err != nil {
		return err
	}
	x, err := s.Victims.AddSupport(r.Context(), id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, SupportDTO{ID: x.ID, Regime: string(x.Regime), Provider: x.Provider, ProvidedOn: x.ProvidedOn.String(),
		Amount: x.Amount, Status: x.Status, ReferralTo: x.ReferralTo, Consent: x.ConsentID.Valid, Note: x.Note})
}

// FollowUpDTO is one reintegration follow-up.
type FollowUpDTO struct {
	ID        ctip.ID `json:"id,omitempty"`
	PlannedOn string  `json:"planned_on"`
	DoneOn    string  `json:"done_on,omitempty"`
	Findings  string  `json:"findings,omitempty"`
}

func (s *Server) victimFollowUpList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Victims.Get(r.Context(), id)
	if err != nil {
		return err
	}
	out := []FollowUpDTO{}
	for _, x := range v.FollowUps {
		out = append(out, FollowUpDTO{ID: x.ID, PlannedOn: x.PlannedOn.String(), DoneOn: x.DoneOn.String(), Findings: x.Findings})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) victimFollowUpAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b FollowUpDTO
	if err := decode(r, &b); err != nil {
		return err
	}
	var pr ctip.Problems
	in := victim.FollowUpInput{PlannedOn: parseDate(&pr, "planned_on", b.PlannedOn), DoneOn: parseDate(&pr, "done_on", b.DoneOn), Findings: b.Findings}
	if err := pr.Err(); err != nil {
		return err
	}
	x, err := s.Victims.AddFollowUp(r.Context(), id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, FollowUpDTO{ID: x.ID, PlannedOn: x.PlannedOn.String(), DoneOn: x.DoneOn.String(), Findings: x.Findings})
}

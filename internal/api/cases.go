package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"time"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/httpx"
	"ctip/internal/legal"
)

// caseRoutes is the criminal-case part of the API.
func (s *Server) caseRoutes() []httpx.Route {
	perm := func(m, p string, perm ctip.Permission, h httpx.Handler) httpx.Route {
		return httpx.Route{Method: m, Pattern: p, Access: httpx.Permitted, Perm: perm, Handler: h}
	}
	routes := []httpx.Route{
		perm("POST", "/api/v1/cases", ctip.PermCaseWrite, s.caseCreate),
		perm("GET", "/api/v1/cases", ctip.PermCaseRead, s.caseList),
		perm("GET", "/api/v1/cases/board", ctip.PermCaseRead, s.caseBoard),
		perm("GET", "/api/v1/cases/{id}", ctip.PermCaseRead, s.caseGet),
		perm("POST", "/api/v1/cases/{id}/charges", ctip.PermCaseRead, s.caseCharges),
		perm("POST", "/api/v1/cases/{id}/accused", ctip.PermCaseWrite, s.caseAccused),
		perm("POST", "/api/v1/cases/{id}/accused/{acc}/{op}", ctip.PermCaseRead, s.caseAccusedOp),
		perm("POST", "/api/v1/cases/{id}/measures", ctip.PermCaseRead, s.caseMeasure),
		perm("POST", "/api/v1/cases/{id}/measures/{m}/{op}", ctip.PermCaseRead, s.caseMeasureOp),
		perm("POST", "/api/v1/cases/{id}/parties", ctip.PermCaseWrite, s.caseParty),
		perm("POST", "/api/v1/cases/{id}/key", ctip.PermCaseKey, s.caseKey),
		perm("GET", "/api/v1/cases/{id}/notes", ctip.PermCaseRead, s.caseNotes),
		perm("POST", "/api/v1/cases/{id}/notes", ctip.PermCaseRead, s.caseNote),
		perm("GET", "/api/v1/cases/{id}/documents", ctip.PermCaseRead, s.caseDocuments),
		{Method: "POST", Pattern: "/api/v1/cases/{id}/documents", Access: httpx.Permitted, Perm: ctip.PermCaseRead, Handler: s.caseAttach, MaxBody: 25 << 20},
		perm("GET", "/api/v1/cases/{id}/documents/{att}", ctip.PermCaseRead, s.caseDownload),
		{Method: "GET", Pattern: "/api/v1/campaigns", Access: httpx.Signed, Handler: s.caseCampaigns},
		{Method: "GET", Pattern: "/api/v1/campaigns/{id}", Access: httpx.Signed, Handler: s.caseCampaign},
	}
	// One endpoint per transition: POST /api/v1/cases/{id}/<action>.
	for _, act := range casefile.Actions {
		routes = append(routes, perm(http.MethodPost, "/api/v1/cases/{id}/"+string(act), ctip.PermCaseRead, s.caseAction(act)))
	}
	return routes
}

// CaseChargeDTO is a charge: article and clause (and point, a letter).
type CaseChargeDTO struct {
	Article Numeral `json:"article"`
	Clause  Numeral `json:"clause"`
	Point   string  `json:"point,omitempty"`
}

// Numeral is an article or clause number. It is written as a string
// ("150") but read from a string or a whole JSON number (150), since both
// are natural ways to write {"article": 150, "clause": 2}.
type Numeral string

// UnmarshalJSON accepts "150" or 150; anything else is a wrong type.
func (n *Numeral) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*n = Numeral(s)
		return nil
	}
	var i json.Number
	if err := json.Unmarshal(b, &i); err == nil {
		if v, err := i.Int64(); err == nil && v >= 0 {
			*n = Numeral(strconv.FormatInt(v, 10))
			return nil
		}
	}
	return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[string]()}
}

func caseCharges(in []CaseChargeDTO) []legal.Charge {
	out := make([]legal.Charge, 0, len(in))
	for _, c := range in {
		out = append(out, legal.Charge{Article: string(c.Article), Clause: string(c.Clause), Point: c.Point})
	}
	return out
}

func caseChargeDTOs(in []legal.Charge) []CaseChargeDTO {
	out := make([]CaseChargeDTO, 0, len(in))
	for _, c := range in {
		out = append(out, CaseChargeDTO{Numeral(c.Article), Numeral(c.Clause), c.Point})
	}
	return out
}

// CaseInput is the body of POST /api/v1/cases.
type CaseInput struct {
	InstitutionNumber string          `json:"institution_number"`
	Signer            string          `json:"signer"`
	InstitutedOn      string          `json:"instituted_on"`
	OffenceOn         string          `json:"offence_on"`
	Charges           []CaseChargeDTO `json:"charges"`
	Summary           string          `json:"summary"`
	CommuneCode       string          `json:"commune_code"`
	ProvinceCode      string          `json:"province_code"`
	ProcuracyUnitID   *string         `json:"procuracy_unit_id"`
	OfficerIDs        []string        `json:"officer_ids"`
	IntakeItemID      *string         `json:"intake_item_id"`
	Ring              bool            `json:"ring"`
}

// CasePersonDTO is a person as shown.
type CasePersonDTO struct {
	Name      string      `json:"name"`
	Sex       string      `json:"sex,omitempty"`
	BirthYear int         `json:"birth_year,omitempty"`
	IDNumber  string      `json:"id_number,omitempty"`
	PersonID  ctip.NullID `json:"person_id"`
	// PurgedOn (output only): the registry record was purged under the
	// retention rules that day; person_id is then null and the case keeps
	// its copy of the name (a victim's pseudonym).
	PurgedOn *ctip.Date `json:"person_purged_on,omitempty"`
	// ConfirmNew (input only): make a new registry person even though it
	// looks like an existing one (otherwise 409 with the candidates).
	ConfirmNew bool `json:"confirm_new,omitempty"`
}

// CaseMeasureDTO is a preventive measure.
type CaseMeasureDTO struct {
	ID             ctip.ID    `json:"id"`
	Type           string     `json:"type"`
	StartOn        ctip.Date  `json:"start_on"`
	Due            *ctip.Date `json:"due"`
	EndedOn        *ctip.Date `json:"ended_on"`
	DocumentNumber string     `json:"document_number"`
	// EndedWithStage: a detention that ended because the case entered
	// prosecution or trial preparation (CPC Arts 241, 278).
	EndedWithStage bool `json:"ended_with_stage,omitempty"`
}

// CaseAccusedDTO is an accused person.
type CaseAccusedDTO struct {
	ID             ctip.ID          `json:"id"`
	Person         CasePersonDTO    `json:"person"`
	Charges        []CaseChargeDTO  `json:"charges"`
	Category       string           `json:"category"`
	ChargeNumber   string           `json:"charge_number"`
	ChargedOn      ctip.Date        `json:"charged_on"`
	Status         string           `json:"status"`
	Ground         string           `json:"ground,omitempty"`
	Verdict        string           `json:"verdict,omitempty"`
	SentenceType   string           `json:"sentence_type,omitempty"`
	SentenceMonths int              `json:"sentence_months,omitempty"`
	Measures       []CaseMeasureDTO `json:"measures"`
	// DetentionOrderNeeded: the detention the body now in charge has still
	// to order ("prosecution_detention", "trial_detention"); "" for none.
	DetentionOrderNeeded string `json:"detention_order_needed,omitempty"`
}

// CaseClockDTO is a running time limit.
type CaseClockDTO struct {
	Kind      string     `json:"kind"`
	AccusedID *ctip.ID   `json:"accused_id,omitempty"`
	Start     ctip.Date  `json:"start"`
	Due       ctip.Date  `json:"due"`
	DaysLeft  int        `json:"days_left"`
	State     string     `json:"state"`
	Basis     string     `json:"basis"`
	Target    *ctip.Date `json:"internal_target,omitempty"`
}

// CaseDTO is a case as the API shows it.
type CaseDTO struct {
	ID            ctip.ID              `json:"id"`
	Reference     string               `json:"reference"`
	Stage         string               `json:"stage"`
	Holder        string               `json:"holder"`
	Category      string               `json:"category"`
	InstitutedOn  ctip.Date            `json:"instituted_on"`
	Institution   map[string]string    `json:"institution"`
	Charges       []CaseChargeDTO      `json:"charges"`
	Summary       string               `json:"summary"`
	ProvinceCode  string               `json:"province_code,omitempty"`
	CommuneCode   string               `json:"commune_code,omitempty"`
	Ring          bool                 `json:"ring"`
	Unit          Ref                  `json:"unit"`
	ProcuracyUnit *Ref                 `json:"procuracy_unit"`
	CourtUnit     *Ref                 `json:"court_unit"`
	IntakeItemID  ctip.NullID          `json:"intake_item_id"`
	Officers      []Ref                `json:"officers"`
	Deadlines     map[string]ctip.Date `json:"deadlines"`
	NextDue       *ctip.Date           `json:"next_due"`
	Returns       map[string]int       `json:"returns"`
	Key           map[string]any       `json:"key"`
	AccusedCount  int                  `json:"accused_count"`
	// DetentionOrdersNeeded: accused awaiting the detention order of the
	// body now in charge (CPC Arts 241, 278).
	DetentionOrdersNeeded int               `json:"detention_orders_needed"`
	Accused               []CaseAccusedDTO  `json:"accused,omitempty"`
	Parties               []map[string]any  `json:"parties,omitempty"`
	Clocks                []CaseClockDTO    `json:"clocks,omitempty"`
	AllowedActions        []casefile.Action `json:"allowed_actions,omitempty"`
	Events                []map[string]any  `json:"events,omitempty"`
	Version               int               `json:"version"`
	CreatedAt             time.Time         `json:"created_at"`
	UpdatedAt             time.Time         `json:"updated_at"`
	Links                 map[string]string `json:"links"`
}

func (s *Server) caseDTO(c *casefile.Case) CaseDTO {
	holder := casefile.Holder(c.Stage)
	if c.Stage == casefile.Suspended || c.Stage == casefile.Terminated {
		holder = casefile.Holder(c.SuspendedFrom)
	}
	d := CaseDTO{ID: c.ID, Reference: c.Reference, Stage: string(c.Stage), Holder: string(holder), Category: string(c.Category),
		InstitutedOn: c.InstitutedOn, Institution: map[string]string{"number": c.InstitutionNumber, "signer": c.InstitutionSigner, "date": c.InstitutedOn.String()},
		Charges: caseChargeDTOs(c.Charges), Summary: c.Summary, ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, Ring: c.Ring,
		Unit: Ref{c.UnitID, c.UnitName}, IntakeItemID: c.IntakeItemID, Officers: []Ref{}, Deadlines: map[string]ctip.Date{},
		NextDue: datePtr(c.NextDue), Returns: map[string]int{"procuracy": c.ReturnsProcuracy, "judge": c.ReturnsJudge, "trial_panel": c.ReturnsPanel},
		AccusedCount: c.AccusedCount, DetentionOrdersNeeded: c.DetentionOrdersNeeded, Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Links: map[string]string{"self": "/api/v1/cases/" + c.ID.String(), "html": "/cases/" + c.ID.String()}}
	for st, due := range c.Dues {
		d.Deadlines[string(st)] = due
	}
	if c.ProcuracyUnitID.Valid {
		d.ProcuracyUnit = &Ref{c.ProcuracyUnitID.ID, c.ProcuracyName}
	}
	if c.CourtUnitID.Valid {
		d.CourtUnit = &Ref{c.CourtUnitID.ID, c.CourtName}
	}
	for _, o := range c.Officers {
		d.Officers = append(d.Officers, Ref{o.UserID, o.Name})
	}
	agreed := map[string]ctip.Date{}
	for b, on := range c.KeyAgreed {
		agreed[string(b)] = on
	}
	d.Key = map[string]any{"status": c.KeyStatus(), "proposed_by": string(c.KeyProposedBy), "reason": c.KeyReason, "agreed": agreed}
	return d
}

func (s *Server) caseViewDTO(v *casefile.View, lang string) CaseDTO {
	d := s.caseDTO(v.Case)
	d.AllowedActions = v.Allowed
	if d.AllowedActions == nil {
		d.AllowedActions = []casefile.Action{}
	}
	d.Accused = []CaseAccusedDTO{}
	for _, x := range v.Accused {
		a := CaseAccusedDTO{ID: x.ID, Person: CasePersonDTO{Name: x.Person.Name, Sex: x.Person.Sex, BirthYear: x.Person.BirthYear, IDNumber: x.Person.IDNumber, PersonID: x.Person.PersonID, PurgedOn: datePtr(x.Person.PurgedOn)},
			Charges: caseChargeDTOs(x.Charges), Category: string(x.Category), ChargeNumber: x.ChargeNumber, ChargedOn: x.ChargedOn, Status: string(x.Status),
			Ground: x.StatusGround, Verdict: x.Verdict, SentenceType: x.SentenceType, SentenceMonths: x.SentenceMonths, Measures: []CaseMeasureDTO{}}
		for _, m := range v.Measures {
			if m.AccusedID == x.ID {
				a.Measures = append(a.Measures, CaseMeasureDTO{m.ID, string(m.Type), m.StartOn, datePtr(m.Due), datePtr(m.EndedOn), m.DocumentNumber,
					m.EndedBy == casefile.EndedByStage})
			}
		}
		a.DetentionOrderNeeded = string(v.DetentionOrders[x.ID])
		d.Accused = append(d.Accused, a)
	}
	for _, p := range v.Parties {
		d.Parties = append(d.Parties, map[string]any{"id": p.ID, "role": p.Role, "person": CasePersonDTO{Name: p.Person.Name, Sex: p.Person.Sex, BirthYear: p.Person.BirthYear, IDNumber: p.Person.IDNumber, PersonID: p.Person.PersonID, PurgedOn: datePtr(p.Person.PurgedOn)},
			"rescued": p.Rescued, "rescued_on": datePtr(p.RescuedOn)})
	}
	for _, k := range v.Clocks {
		c := CaseClockDTO{Kind: k.Kind, Start: k.Start, Due: k.Due, DaysLeft: k.DaysLeft, State: string(k.State), Basis: k.BasisEN, Target: datePtr(k.Target)}
		if lang == "vi" {
			c.Basis = k.Basis
		}
		if k.AccusedID.Valid {
			id := k.AccusedID.ID
			c.AccusedID = &id
		}
		d.Clocks = append(d.Clocks, c)
	}
	for _, e := range v.Events {
		ev := map[string]any{"at": e.At, "actor": e.ActorName, "action": e.Action, "body": string(e.Body), "from_stage": string(e.FromStage),
			"to_stage": string(e.ToStage), "document_number": e.DocumentNumber, "document_date": datePtr(e.DocumentDate), "signer": e.Signer, "detail": e.Detail}
		if e.Note != "" {
			ev["note"] = e.Note
		}
		if e.AccusedID.Valid {
			ev["accused_id"] = e.AccusedID.ID
		}
		d.Events = append(d.Events, ev)
	}
	return d
}

func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) error {
	var b CaseInput
	if err := decode(r, &b); err != nil {
		return err
	}
	var p ctip.Problems
	in := casefile.Input{InstitutionNumber: b.InstitutionNumber, Signer: b.Signer, InstitutedOn: optDate(b.InstitutedOn, "instituted_on", &p),
		OffenceOn: optDate(b.OffenceOn, "offence_on", &p), Charges: caseCharges(b.Charges), Summary: b.Summary, CommuneCode: b.CommuneCode,
		ProvinceCode: b.ProvinceCode, ProcuracyUnitID: optID(b.ProcuracyUnitID, "procuracy_unit_id", &p),
		IntakeItemID: optID(b.IntakeItemID, "intake_item_id", &p), Ring: b.Ring}
	for _, o := range b.OfficerIDs {
		id, err := ctip.ParseID(o)
		if err != nil {
			p.Add("officer_ids", "error.id")
			continue
		}
		in.OfficerIDs = append(in.OfficerIDs, id)
	}
	c, err := s.Cases.Create(r.Context(), in)
	if len(p) > 0 {
		return mergeProblems(p, err)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID.String())
	return writeJSON(w, http.StatusCreated, s.caseDTO(c))
}

func caseFilter(r *http.Request, p *ctip.Problems) casefile.Filter {
	q := r.URL.Query()
	f := casefile.Filter{Holder: casefile.Body(q.Get("holder")), Article: q.Get("article"), Category: legal.Category(q.Get("category")),
		Commune: q.Get("commune"), Reference: q.Get("ref"), From: queryDate(r, "from", p), To: queryDate(r, "to", p)}
	for _, st := range q["stage"] {
		if st != "" {
			f.Stages = append(f.Stages, casefile.Stage(st))
		}
	}
	f.DetentionOrders = q.Get("detention") == "1"
	if v := q.Get("campaign"); v != "" {
		f.CampaignID = optID(&v, "campaign", p)
	}
	return f
}

func (s *Server) caseList(w http.ResponseWriter, r *http.Request) error {
	var p ctip.Problems
	f := caseFilter(r, &p)
	limit := queryInt(r, "limit", ctip.DefaultPageSize, &p)
	offset := queryInt(r, "offset", 0, &p)
	sort := r.URL.Query().Get("sort")
	if sort != "" && !slices.Contains([]string{"instituted", "due", "reference", "stage"}, sort) {
		p.Add("sort", "error.choice")
	}
	if limit > ctip.MaxPageSize {
		p.Add("limit", "error.max", ctip.MaxPageSize)
	}
	if err := p.Err(); err != nil {
		return err
	}
	if sort == "instituted" {
		sort = ""
	}
	page, err := s.Cases.List(r.Context(), r.URL.Query().Get("view"), f, ctip.PageRequest{Limit: limit, Offset: offset, Sort: sort, Desc: r.URL.Query().Get("dir") == "desc"})
	if err != nil {
		return err
	}
	items := make([]CaseDTO, 0, len(page.Items))
	for _, c := range page.Items {
		items = append(items, s.caseDTO(c))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": page.Total, "limit": page.Limit, "offset": page.Offset})
}

func (s *Server) caseBoard(w http.ResponseWriter, r *http.Request) error {
	var p ctip.Problems
	f := caseFilter(r, &p)
	if err := p.Err(); err != nil {
		return err
	}
	b, err := s.Cases.Board(r.Context(), r.URL.Query().Get("view"), f)
	if err != nil {
		return err
	}
	byStage, byHolder := map[string]int{}, map[string]int{}
	for st, n := range b.Counts.ByStage {
		byStage[string(st)] = n
	}
	for h, n := range b.ByHolder {
		byHolder[string(h)] = n
	}
	wl := func(ws []casefile.Workload) []map[string]any {
		out := []map[string]any{}
		for _, x := range ws {
			out = append(out, map[string]any{"id": x.ID, "name": x.Name, "open": x.Open, "due_soon": x.DueSoon, "overdue": x.Overdue})
		}
		return out
	}
	return writeJSON(w, http.StatusOK, map[string]any{"total": b.Counts.Total, "by_stage": byStage, "by_holder": byHolder,
		"due_soon": b.Counts.DueSoon, "overdue": b.Counts.Overdue, "key": b.Counts.Key, "officers": wl(b.Officers), "units": wl(b.Units)})
}

func (s *Server) caseGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Cases.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.caseViewDTO(v, ctip.LocaleFrom(r.Context())))
}

// CaseActionBody is the body of every decision endpoint.
type CaseActionBody struct {
	Version        *int    `json:"version"`
	DocumentNumber string  `json:"document_number"`
	DocumentDate   string  `json:"document_date"`
	Signer         string  `json:"signer"`
	Note           string  `json:"note"`
	Months         int     `json:"months"`
	Days           int     `json:"days"`
	Ground         string  `json:"ground"`
	ReceivedOn     string  `json:"received_on"`
	CourtUnitID    *string `json:"court_unit_id"`
	HearingOn      string  `json:"hearing_on"`
	Verdicts       []struct {
		AccusedID      string `json:"accused_id"`
		Verdict        string `json:"verdict"`
		SentenceType   string `json:"sentence_type"`
		SentenceMonths int    `json:"sentence_months"`
	} `json:"verdicts"`
}

func (b *CaseActionBody) input(p *ctip.Problems) casefile.ActionInput {
	if b.Version == nil {
		p.Add("version", "error.required")
	}
	in := casefile.ActionInput{DocumentNumber: b.DocumentNumber, DocumentDate: optDate(b.DocumentDate, "document_date", p), Signer: b.Signer,
		Note: b.Note, Months: b.Months, Days: b.Days, Ground: b.Ground, ReceivedOn: optDate(b.ReceivedOn, "received_on", p),
		CourtUnitID: optID(b.CourtUnitID, "court_unit_id", p), HearingOn: optDate(b.HearingOn, "hearing_on", p)}
	for _, v := range b.Verdicts {
		id, err := ctip.ParseID(v.AccusedID)
		if err != nil {
			p.Add("verdicts", "error.id")
			continue
		}
		in.Verdicts = append(in.Verdicts, casefile.VerdictInput{AccusedID: id, Verdict: v.Verdict, SentenceType: v.SentenceType, SentenceMonths: v.SentenceMonths})
	}
	return in
}

func (s *Server) caseAction(act casefile.Action) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var b CaseActionBody
		if err := decode(r, &b); err != nil {
			return err
		}
		var p ctip.Problems
		in := b.input(&p)
		if err := p.Err(); err != nil {
			return err
		}
		v, err := s.Cases.Do(r.Context(), id, *b.Version, act, in)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, s.caseViewDTO(v, ctip.LocaleFrom(r.Context())))
	}
}

// CaseAccusedBody is the body of POST /api/v1/cases/{id}/accused.
type CaseAccusedBody struct {
	Version        *int            `json:"version"`
	Person         CasePersonDTO   `json:"person"`
	Charges        []CaseChargeDTO `json:"charges"`
	DocumentNumber string          `json:"document_number"`
	DocumentDate   string          `json:"document_date"`
	Signer         string          `json:"signer"`
}

func (s *Server) caseAccused(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b CaseAccusedBody
	if err := decode(r, &b); err != nil {
		return err
	}
	var p ctip.Problems
	if b.Version == nil {
		p.Add("version", "error.required")
	}
	in := casefile.AccusedInput{Person: casefile.PersonInput{Name: b.Person.Name, Sex: b.Person.Sex, BirthYear: b.Person.BirthYear, IDNumber: b.Person.IDNumber, PersonID: b.Person.PersonID,
		ConfirmNew: b.Person.ConfirmNew}, Charges: caseCharges(b.Charges), DocumentNumber: b.DocumentNumber, DocumentDate: optDate(b.DocumentDate, "document_date", &p), Signer: b.Signer}
	if err := p.Err(); err != nil {
		return err
	}
	v, err := s.Cases.AddAccused(r.Context(), id, *b.Version, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, s.caseViewDTO(v, ctip.LocaleFrom(r.Context())))
}

func (s *Server) caseAccusedOp(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	acc, err := pathID(r, "acc")
	if err != nil {
		return err
	}
	op := r.PathValue("op")
	if !slices.Contains(casefile.AccusedActions, op) {
		return ctip.ErrNotFound()
	}
	var b CaseActionBody
	if err := decode(r, &b); err != nil {
		return err
	}
	var p ctip.Problems
	in := b.input(&p)
	if err := p.Err(); err != nil {
		return err
	}
	v, err := s.Cases.AccusedAction(r.Context(), id, *b.Version, acc, op, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.caseViewDTO(v, ctip.LocaleFrom(r.Context())))
}

// CaseMeasureBody is the body of POST /api/v1/cases/{id}/measures.
type CaseMeasureBody struct {
	Version        *int   `json:"version"`
	AccusedID      string `json:"accused_id"`
	Type           string `json:"type"`
	StartOn        string `json:"start_on"`
	OrderEnd       string `json:"order_end"`
	DocumentNumber string `json:"document_number"`
	DocumentDate   string `json:"document_date"`
	Signer         string `json:"signer"`
}

func (s *Server) caseMeasure(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b CaseMeasureBody
	if err := decode(r, &b); err != nil {
		return err
	}
	var p ctip.Problems
	if b.Version == nil {
		p.Add("version", "error.required")
	}
	acc := optID(&b.AccusedID, "accused_id", &p)
	in := casefile.MeasureInput{AccusedID: acc.ID, Type: b.Type, StartOn: optDate(b.StartOn, "start_on", &p), OrderEnd: optDate(b.OrderEnd, "order_end", &p),
		DocumentNumber: b.DocumentNumber, DocumentDate: optDate(b.DocumentDate, "document_date", &p), Signer: b.Signer}
	if err := p.Err(); err != nil {
		return err
	}
	v, err := s.Cases.AddMeasure(r.Context(), id, *b.Version, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, s.caseViewDTO(v, ctip.LocaleFrom(r.Context())))
}

func (s *Server) caseMeasureOp(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := pathID(r, "m")
	if err != nil {
		return err
	}
	op := r.PathValue("op")
	if op != casefile.MeasureExtend && op != casefile.MeasureEnd {
		return ctip.ErrNotFound()
	}
	var b CaseActionBody
	if err := decode(r, &b); err != nil {
		return err
	}
	var p ctip.Problems
	in := b.input(&p)
	if err := p.Err(); err != nil {
		return err
	}
	v, err := s.Cases.MeasureAction(r.Context(), id, *b.Version, m, op, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.caseViewDTO(v, ctip.LocaleFrom(r.Context())))
}

// CasePartyBody is the body of POST /api/v1/cases/{id}/parties.
type CasePartyBody struct {
	Version   *int          `json:"version"`
	Role      string        `json:"role"`
	Person    CasePersonDTO `json:"person"`
	Rescued   bool          `json:"rescued"`
	RescuedOn string        `json:"rescued_on"`
}

func (s *Server) caseParty(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b CasePartyBody
	if err := decode(r, &b); err != nil {
		return err
	}
	var p ctip.Problems
	if b.Version == nil {
		p.Add("version", "error.required")
	}
	in := casefile.PartyInput{Role: b.Role, Person: casefile.PersonInput{Name: b.Person.Name, Sex: b.Person.Sex, BirthYear: b.Person.BirthYear,
		IDNumber: b.Person.IDNumber, PersonID: b.Person.PersonID, ConfirmNew: b.Person.ConfirmNew}, Rescued: b.Rescued, RescuedOn: optDate(b.RescuedOn, "rescued_on", &p)}
	if err := p.Err(); err != nil {
		return err
	}
	v, err := s.Cases.AddParty(r.Context(), id, *b.Version, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, s.caseViewDTO(v, ctip.LocaleFrom(r.Context())))
}

// CaseKeyBody is the body of POST /api/v1/cases/{id}/key.
type CaseKeyBody struct {
	Version *int   `json:"version"`
	Op      string `json:"op"`
	Reason  string `json:"reason"`
}

func (s *Server) caseKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b CaseKeyBody
	if err := decode(r, &b); err != nil {
		return err
	}
	if b.Version == nil {
		var p ctip.Problems
		p.Add("version", "error.required")
		return p.Err()
	}
	v, err := s.Cases.Key(r.Context(), id, *b.Version, b.Op, b.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.caseViewDTO(v, ctip.LocaleFrom(r.Context())))
}

// CaseNoteDTO is a note on a case's timeline.
type CaseNoteDTO struct {
	ID     ctip.ID   `json:"id"`
	At     time.Time `json:"at"`
	Author string    `json:"author"`
	Body   string    `json:"body"` // the author's body: investigating_body, procuracy, court
	Stage  string    `json:"stage"`
	Note   string    `json:"note"`
}

func caseNoteDTO(e casefile.Event) CaseNoteDTO {
	return CaseNoteDTO{ID: e.ID, At: e.At, Author: e.ActorName, Body: string(e.Body), Stage: string(e.ToStage), Note: e.Note}
}

// CaseNoteBody is the body of POST /api/v1/cases/{id}/notes.
type CaseNoteBody struct {
	Note string `json:"note"`
}

func (s *Server) caseNotes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	evs, err := s.Cases.Notes(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]CaseNoteDTO, 0, len(evs))
	for _, e := range evs {
		out = append(out, caseNoteDTO(e))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": len(out)})
}

func (s *Server) caseNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b CaseNoteBody
	if err := decode(r, &b); err != nil {
		return err
	}
	e, err := s.Cases.AddNote(r.Context(), id, b.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, caseNoteDTO(*e))
}

func caseAttDTO(a *casefile.Attachment) AttachmentDTO {
	return AttachmentDTO{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, UploadedBy: a.UploaderName, UploadedAt: a.UploadedAt}
}

func (s *Server) caseDocuments(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	as, err := s.Cases.Documents(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]AttachmentDTO, 0, len(as))
	for _, a := range as {
		out = append(out, caseAttDTO(a))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": len(out)})
}

func (s *Server) caseAttach(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	max := s.Cases.MaxAttachment
	if max <= 0 {
		max = 20 << 20
	}
	name, content, err := readUpload(r, max)
	if err != nil {
		return err
	}
	a, err := s.Cases.Attach(r.Context(), id, name, content)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+id.String()+"/documents/"+a.ID.String())
	return writeJSON(w, http.StatusCreated, caseAttDTO(a))
}

func (s *Server) caseDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	attID, err := pathID(r, "att")
	if err != nil {
		return err
	}
	a, err := s.Cases.Attachment(r.Context(), id, attID)
	if err != nil {
		return err
	}
	return httpx.Download(w, a.ContentType, a.Filename, a.Content)
}

func (s *Server) caseCampaigns(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.Cases.Campaigns(r.Context())
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, c := range cs {
		out = append(out, map[string]any{"id": c.ID, "name": c.Name, "starts_on": c.StartsOn, "ends_on": c.EndsOn, "targets": c.Targets})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": len(out)})
}

func (s *Server) caseCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sum, err := s.Cases.CampaignSummary(r.Context(), id)
	if err != nil {
		return err
	}
	c := sum.Campaign
	return writeJSON(w, http.StatusOK, map[string]any{"id": c.ID, "name": c.Name, "starts_on": c.StartsOn, "ends_on": c.EndsOn,
		"targets": c.Targets, "actual": sum.Actual, "scope": sum.Scope})
}

package api

import (
	"net/http"
	"strings"
	"time"

	"ctip"
	"ctip/internal/httpx"
	"ctip/internal/intake"
	"ctip/internal/legal"
)

// ReporterDTO is the reporter as given on create (and returned only by the
// audited reporter endpoint).
type ReporterDTO struct {
	Anonymous    bool   `json:"anonymous"`
	Name         string `json:"name,omitempty"`
	Organisation string `json:"organisation,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
	IDNumber     string `json:"id_number,omitempty"`
	Address      string `json:"address,omitempty"`
}

// IntakeInput is the body of POST /api/v1/intake and PATCH /api/v1/intake/{id}.
type IntakeInput struct {
	Kind           *string      `json:"kind"`
	Channel        *string      `json:"channel"`
	ReceivedAt     *string      `json:"received_at"`
	Summary        *string      `json:"summary"`
	Persons        *string      `json:"persons"`
	CommuneCode    *string      `json:"commune_code"`
	ProvinceCode   *string      `json:"province_code"`
	CountryCode    *string      `json:"country_code"`
	OffenceArticle *string      `json:"offence_article"`
	Reporter       *ReporterDTO `json:"reporter"`
	Version        *int         `json:"version"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// toInput converts the body; received_at must be RFC 3339.
func (b *IntakeInput) toInput(p *ctip.Problems) intake.Input {
	in := intake.Input{Kind: str(b.Kind), Channel: str(b.Channel), Summary: str(b.Summary), Persons: str(b.Persons),
		CommuneCode: str(b.CommuneCode), ProvinceCode: str(b.ProvinceCode), CountryCode: str(b.CountryCode), OffenceArticle: str(b.OffenceArticle)}
	if b.ReceivedAt != nil && *b.ReceivedAt != "" {
		t, err := time.Parse(time.RFC3339, *b.ReceivedAt)
		if err != nil {
			p.Add("received_at", "error.rfc3339")
		} else {
			in.ReceivedAt = t
		}
	}
	if r := b.Reporter; r != nil {
		in.Reporter = intake.ReporterInput{Anonymous: r.Anonymous, Name: r.Name, Organisation: r.Organisation, Phone: r.Phone,
			Email: r.Email, IDNumber: r.IDNumber, Address: r.Address}
	}
	return in
}

// Ref names a unit or user.
type Ref struct {
	ID   ctip.ID `json:"id"`
	Name string  `json:"name"`
}

// UnitRef names a unit with its code, where the code qualifies a reference
// number (references are numbered per receiving unit and year).
type UnitRef struct {
	ID   ctip.ID `json:"id"`
	Name string  `json:"name,omitempty"`
	Code string  `json:"code"`
}

// ItemDTO is an intake item as the API shows it.
type ItemDTO struct {
	ID                  ctip.ID           `json:"id"`
	Reference           string            `json:"reference"`
	Status              intake.Status     `json:"status"`
	Kind                intake.Kind       `json:"kind"`
	Channel             intake.Channel    `json:"channel"`
	ReceivedAt          string            `json:"received_at"`
	ReceivedOn          ctip.Date         `json:"received_on"`
	Deadline            *ctip.Date        `json:"deadline"`
	DeadlineBasis       string            `json:"deadline_basis,omitempty"`
	DeadlineState       string            `json:"deadline_state"`
	DaysLeft            *int              `json:"days_left"`
	NoticeDue           ctip.Date         `json:"notice_due"`
	ProcuracyNotifiedOn *ctip.Date        `json:"procuracy_notified_on"`
	Summary             string            `json:"summary"`
	Persons             string            `json:"persons,omitempty"`
	ProvinceCode        string            `json:"province_code,omitempty"`
	CommuneCode         string            `json:"commune_code,omitempty"`
	CountryCode         string            `json:"country_code,omitempty"`
	OffenceArticle      string            `json:"offence_article"`
	ReceivingUnit       UnitRef           `json:"receiving_unit"`
	Unit                Ref               `json:"unit"`
	AssignedTo          *Ref              `json:"assigned_to"`
	Reporter            map[string]bool   `json:"reporter"`
	BodyExtensionMonths int               `json:"body_extension_months"`
	ProcuracyExtended   bool              `json:"procuracy_extended"`
	Decision            *DecisionDTO      `json:"decision"`
	AllowedActions      []intake.Action   `json:"allowed_actions,omitempty"`
	Events              []EventDTO        `json:"events,omitempty"`
	Attachments         []AttachmentDTO   `json:"attachments,omitempty"`
	Version             int               `json:"version"`
	CreatedAt           time.Time         `json:"created_at"`
	UpdatedAt           time.Time         `json:"updated_at"`
	Links               map[string]string `json:"links"`
}

// DecisionDTO is a resolution decision.
type DecisionDTO struct {
	Ground string    `json:"ground,omitempty"`
	Number string    `json:"number"`
	Date   ctip.Date `json:"date"`
}

// EventDTO is one timeline entry.
type EventDTO struct {
	At             time.Time     `json:"at"`
	Actor          string        `json:"actor"`
	Action         string        `json:"action"`
	FromStatus     intake.Status `json:"from_status,omitempty"`
	ToStatus       intake.Status `json:"to_status,omitempty"`
	DocumentNumber string        `json:"document_number,omitempty"`
	DocumentDate   *ctip.Date    `json:"document_date,omitempty"`
	Signer         string        `json:"signer,omitempty"`
	Note           string        `json:"note,omitempty"`
	Detail         string        `json:"detail,omitempty"`
}

// AttachmentDTO describes a file.
type AttachmentDTO struct {
	ID          ctip.ID   `json:"id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

func datePtr(d ctip.Date) *ctip.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func (s *Server) itemDTO(it *intake.Item, lang string) ItemDTO {
	today := ctip.DateOf(s.Clock.Now())
	d := ItemDTO{ID: it.ID, Reference: it.Reference, Status: it.Status, Kind: it.Kind, Channel: it.Channel,
		ReceivedAt: it.ReceivedAt.In(ctip.Vietnam).Format(time.RFC3339), ReceivedOn: it.ReceivedOn,
		Deadline: datePtr(it.Deadline), DeadlineState: string(intake.StateOf(it, today)), NoticeDue: it.NoticeDue,
		ProcuracyNotifiedOn: datePtr(it.ProcuracyNotifiedOn), Summary: it.Summary, Persons: it.Persons,
		ProvinceCode: it.ProvinceCode, CommuneCode: it.CommuneCode, CountryCode: it.CountryCode, OffenceArticle: it.OffenceArticle,
		ReceivingUnit: UnitRef{it.ReceivingUnitID, it.ReceivingUnitName, it.ReceivingUnitCode}, Unit: Ref{it.UnitID, it.UnitName},
		Reporter: map[string]bool{"anonymous": it.Reporter.Anonymous, "recorded": !it.Reporter.NotRecorded(),
			"protected": !it.Reporter.Anonymous && !it.Reporter.NotRecorded()},
		BodyExtensionMonths: it.BodyExtensionMonths, ProcuracyExtended: it.ProcuracyExtended,
		Version: it.Version, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		Links: map[string]string{"self": "/api/v1/intake/" + it.ID.String(), "html": "/intake/" + it.ID.String()}}
	if !it.Deadline.IsZero() {
		n := today.DaysUntil(it.Deadline)
		d.DaysLeft = &n
		run, _ := intake.Deadlines(it, s.Intake.Policy, s.Intake.Calendar())
		d.DeadlineBasis = run.BasisEN
		if lang == "vi" {
			d.DeadlineBasis = run.Basis
		}
	}
	if it.AssignedTo.Valid {
		d.AssignedTo = &Ref{it.AssignedTo.ID, it.AssignedName}
	}
	if it.Status.Closed() || it.Status == intake.Suspended {
		d.Decision = &DecisionDTO{Ground: it.DecisionGround, Number: it.DecisionNumber, Date: it.DecidedOn}
	}
	return d
}

func (s *Server) viewDTO(v *intake.View, lang string) ItemDTO {
	d := s.itemDTO(v.Item, lang)
	d.AllowedActions = v.Allowed
	if d.AllowedActions == nil {
		d.AllowedActions = []intake.Action{}
	}
	for _, e := range v.Events {
		d.Events = append(d.Events, EventDTO{At: e.At, Actor: e.ActorName, Action: e.Action, FromStatus: e.FromStatus, ToStatus: e.ToStatus,
			DocumentNumber: e.DocumentNumber, DocumentDate: datePtr(e.DocumentDate), Signer: e.Signer, Note: e.Note, Detail: e.Detail})
	}
	for _, a := range v.Attachments {
		d.Attachments = append(d.Attachments, attDTO(a))
	}
	return d
}

func attDTO(a *intake.Attachment) AttachmentDTO {
	return AttachmentDTO{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, UploadedBy: a.UploaderName, UploadedAt: a.UploadedAt}
}

func (s *Server) intakeCreate(w http.ResponseWriter, r *http.Request) error {
	var body IntakeInput
	if err := decode(r, &body); err != nil {
		return err
	}
	var p ctip.Problems
	in := body.toInput(&p)
	it, err := s.Intake.Create(r.Context(), in)
	if len(p) > 0 {
		return mergeProblems(p, err)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/intake/"+it.ID.String())
	return writeJSON(w, http.StatusCreated, s.itemDTO(it, ctip.LocaleFrom(r.Context())))
}

func mergeProblems(parse ctip.Problems, err error) error {
	ce, ok := err.(*ctip.Error)
	if ok && ce.Kind == ctip.Invalid {
		for _, f := range ce.Fields {
			if !parse.Has(f.Field) {
				parse = append(parse, f)
			}
		}
	}
	return parse.Err()
}

func (s *Server) intakeList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var p ctip.Problems
	f := intake.Filter{Kind: intake.Kind(q.Get("kind")), Channel: intake.Channel(q.Get("channel")), CommuneCode: q.Get("commune"),
		Offence: q.Get("offence"), Reference: q.Get("ref"), From: queryDate(r, "from", &p), To: queryDate(r, "to", &p)}
	for _, st := range q["status"] {
		for _, one := range strings.Split(st, ",") {
			if one != "" {
				f.Statuses = append(f.Statuses, intake.Status(one))
			}
		}
	}
	limit := queryInt(r, "limit", ctip.DefaultPageSize, &p)
	offset := queryInt(r, "offset", 0, &p)
	sort := q.Get("sort")
	if sort != "" && sort != "received" && sort != "deadline" && sort != "reference" && sort != "status" {
		p.Add("sort", "error.choice")
	}
	dir := q.Get("dir")
	if dir != "" && dir != "asc" && dir != "desc" {
		p.Add("dir", "error.choice")
	}
	if limit > ctip.MaxPageSize {
		p.Add("limit", "error.max", ctip.MaxPageSize)
	}
	if err := p.Err(); err != nil {
		return err
	}
	desc := dir == "desc" || (dir == "" && sort == "")
	view := q.Get("view")
	if view == "" {
		view = intake.ViewAll
	}
	page, err := s.Intake.List(r.Context(), view, f, ctip.PageRequest{Limit: limit, Offset: offset, Sort: sort, Desc: desc})
	if err != nil {
		return err
	}
	lang := ctip.LocaleFrom(r.Context())
	items := make([]ItemDTO, 0, len(page.Items))
	for _, it := range page.Items {
		items = append(items, s.itemDTO(it, lang))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": page.Total, "limit": page.Limit, "offset": page.Offset})
}

func (s *Server) intakeGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Intake.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.viewDTO(v, ctip.LocaleFrom(r.Context())))
}

// intakePatch changes the fields present in the body; version is required.
func (s *Server) intakePatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body IntakeInput
	if err := decode(r, &body); err != nil {
		return err
	}
	var p ctip.Problems
	if body.Version == nil {
		p.Add("version", "error.required")
	}
	if body.ReceivedAt != nil {
		p.Add("received_at", "intake.received_fixed")
	}
	if err := p.Err(); err != nil {
		return err
	}
	cur, err := s.Intake.Get(r.Context(), id)
	if err != nil {
		return err
	}
	it := cur.Item
	in := intake.Input{Kind: string(it.Kind), Channel: string(it.Channel), Summary: it.Summary, Persons: it.Persons,
		CommuneCode: it.CommuneCode, ProvinceCode: it.ProvinceCode, CountryCode: it.CountryCode, OffenceArticle: it.OffenceArticle}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Kind, body.Kind)
	set(&in.Channel, body.Channel)
	set(&in.Summary, body.Summary)
	set(&in.Persons, body.Persons)
	if body.CommuneCode != nil || body.ProvinceCode != nil || body.CountryCode != nil {
		in.CommuneCode, in.ProvinceCode, in.CountryCode = str(body.CommuneCode), str(body.ProvinceCode), str(body.CountryCode)
	}
	set(&in.OffenceArticle, body.OffenceArticle)
	if rr := body.Reporter; rr != nil {
		in.Reporter = intake.ReporterInput{Anonymous: rr.Anonymous, Name: rr.Name, Organisation: rr.Organisation, Phone: rr.Phone, Email: rr.Email, IDNumber: rr.IDNumber, Address: rr.Address}
	}
	v, err := s.Intake.Update(r.Context(), id, *body.Version, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.viewDTO(v, ctip.LocaleFrom(r.Context())))
}

// ActionBody is the body of every transition endpoint.
type ActionBody struct {
	Version        *int    `json:"version"`
	TargetUnitID   *string `json:"target_unit_id"`
	OfficerID      *string `json:"officer_id"`
	Note           string  `json:"note"`
	DocumentNumber string  `json:"document_number"`
	DocumentDate   string  `json:"document_date"`
	Signer         string  `json:"signer"`
	Months         int     `json:"months"`
	RequestedOn    string  `json:"requested_on"`
	Ground         string  `json:"ground"`
}

func optID(v *string, field string, p *ctip.Problems) ctip.NullID {
	if v == nil || *v == "" {
		return ctip.NullID{}
	}
	id, err := ctip.ParseID(*v)
	if err != nil {
		p.Add(field, "error.id")
		return ctip.NullID{}
	}
	return ctip.Some(id)
}

func optDate(v, field string, p *ctip.Problems) ctip.Date {
	if v == "" {
		return ctip.Date{}
	}
	d, err := ctip.ParseDate(v)
	if err != nil {
		p.Add(field, "error.date")
	}
	return d
}

func (s *Server) intakeAction(act intake.Action) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var b ActionBody
		if err := decode(r, &b); err != nil {
			return err
		}
		var p ctip.Problems
		if b.Version == nil {
			p.Add("version", "error.required")
		}
		in := intake.ActionInput{TargetUnitID: optID(b.TargetUnitID, "target_unit_id", &p), OfficerID: optID(b.OfficerID, "officer_id", &p),
			Note: b.Note, DocumentNumber: b.DocumentNumber, DocumentDate: optDate(b.DocumentDate, "document_date", &p), Signer: b.Signer,
			Months: b.Months, RequestedOn: optDate(b.RequestedOn, "requested_on", &p), Ground: b.Ground}
		if err := p.Err(); err != nil {
			return err
		}
		v, err := s.Intake.Do(r.Context(), id, *b.Version, act, in)
		if err != nil {
			return renameFields(err)
		}
		return writeJSON(w, http.StatusOK, s.viewDTO(v, ctip.LocaleFrom(r.Context())))
	}
}

// renameFields maps service field names to the API's body names.
func renameFields(err error) error {
	ce, ok := err.(*ctip.Error)
	if !ok {
		return err
	}
	for i, f := range ce.Fields {
		switch f.Field {
		case "target_unit":
			ce.Fields[i].Field = "target_unit_id"
		case "officer":
			ce.Fields[i].Field = "officer_id"
		}
	}
	return ce
}

func (s *Server) intakeReporter(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rep, err := s.Intake.Reporter(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ReporterDTO{Anonymous: rep.Anonymous, Name: rep.Name, Organisation: rep.Organisation,
		Phone: rep.Phone, Email: rep.Email, IDNumber: rep.IDNumber, Address: rep.Address})
}

func (s *Server) intakeAttachments(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Intake.Get(r.Context(), id)
	if err != nil {
		return err
	}
	out := []AttachmentDTO{}
	for _, a := range v.Attachments {
		out = append(out, attDTO(a))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": len(out)})
}

func (s *Server) intakeAttach(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	name, content, err := readUpload(r, s.maxAttachment())
	if err != nil {
		return err
	}
	a, err := s.Intake.Attach(r.Context(), id, name, content)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, attDTO(a))
}

func (s *Server) maxAttachment() int64 {
	if s.Intake.MaxAttachment > 0 {
		return s.Intake.MaxAttachment
	}
	return 20 << 20
}

func (s *Server) intakeDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	attID, err := pathID(r, "att")
	if err != nil {
		return err
	}
	a, err := s.Intake.Attachment(r.Context(), id, attID)
	if err != nil {
		return err
	}
	return httpx.Download(w, a.ContentType, a.Filename, a.Content)
}

func (s *Server) intakeDetach(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	attID, err := pathID(r, "att")
	if err != nil {
		return err
	}
	if err := s.Intake.Detach(r.Context(), id, attID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

var _ = legal.DefaultPolicy

package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/httpx"
	"ctip/internal/intake"
	"ctip/internal/person"
)

// ---------- list ----------

type listData struct {
	View     string
	Views    []string
	Items    []*intake.Item
	Pager    Pager
	Sort     map[string]string
	Filter   url.Values
	Today    ctip.Date
	States   map[ctip.ID]intake.DeadlineState
	DaysLeft map[ctip.ID]int
	Choices  choices
	Base     string
}

// choices are the option lists of intake forms and filters.
type choices struct {
	Kinds     []intake.Kind
	Channels  []intake.Channel
	Statuses  []intake.Status
	Offences  []string
	Provinces any
	Communes  any
	Countries any
	Province  string
}

func (s *Server) choices(province string) choices {
	if province == "" {
		province = s.Province
	}
	return choices{Kinds: intake.Kinds, Channels: intake.Channels, Statuses: intake.Statuses, Offences: intake.Offences,
		Provinces: s.Places.Provinces, Communes: s.Places.CommunesOf(province), Countries: s.Places.Countries, Province: province}
}

func parseFilter(q url.Values, p *ctip.Problems) intake.Filter {
	f := intake.Filter{Kind: intake.Kind(q.Get("kind")), Channel: intake.Channel(q.Get("channel")),
		CommuneCode: strings.TrimSpace(q.Get("commune")), Offence: q.Get("offence"), Reference: strings.TrimSpace(q.Get("ref"))}
	for _, st := range q["status"] {
		if st != "" {
			f.Statuses = append(f.Statuses, intake.Status(st))
		}
	}
	for _, k := range []string{"from", "to"} {
		if v := q.Get(k); v != "" {
			d, err := ctip.ParseDate(v)
			if err != nil {
				p.Add(k, "error.date")
			} else if k == "from" {
				f.From = d
			} else {
				f.To = d
			}
		}
	}
	return f
}

func (s *Server) listItems(w http.ResponseWriter, r *http.Request, tmpl, base, defaultView string) error {
	q := r.URL.Query()
	view := q.Get("view")
	if view == "" {
		view = defaultView
	}
	var pr ctip.Problems
	f := parseFilter(q, &pr)
	preq := pageReq(q)
	if preq.Sort == "" {
		preq.Desc = true
	}
	p := s.page(r, "intake.list_title", nil)
	if base == "/oversight" {
		p.Title = s.Cat.T(p.Lang, "oversight.title")
	}
	p.Form = newForm(q)
	data := &listData{View: view, Views: intake.Views, Filter: q, Today: ctip.DateOf(s.Clock.Now()), Choices: s.choices(""), Base: base,
		States: map[ctip.ID]intake.DeadlineState{}, DaysLeft: map[ctip.ID]int{}, Sort: map[string]string{}}
	for _, col := range []string{"received", "deadline", "reference", "status"} {
		data.Sort[col] = sortLink(base, q, col)
	}
	p.Data = data
	if err := pr.Err(); err != nil {
		s.setError(p.Form, p.Lang, err)
		return s.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
	}
	page, err := s.Intake.List(r.Context(), view, f, preq)
	if err != nil {
		if s.setError(p.Form, p.Lang, err) {
			return s.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
		}
		return err
	}
	data.Items = page.Items
	for _, it := range page.Items {
		data.States[it.ID] = intake.StateOf(it, data.Today)
		if !it.Deadline.IsZero() {
			data.DaysLeft[it.ID] = data.Today.DaysUntil(it.Deadline)
		}
	}
	data.Pager = pager(q, preq, page.Total, base)
	return s.render(w, r, http.StatusOK, tmpl, p)
}

func (s *Server) intakeList(w http.ResponseWriter, r *http.Request) error {
	return s.listItems(w, r, "intake_list", "/intake", intake.ViewUnit)
}

func (s *Server) oversight(w http.ResponseWriter, r *http.Request) error {
	return s.listItems(w, r, "oversight", "/oversight", intake.ViewAll)
}

// ---------- create / edit ----------

const datetimeLocal = "2006-01-02T15:04"

// parseInput reads the intake form.
func parseInput(r *http.Request, p *ctip.Problems) intake.Input {
	in := intake.Input{Kind: r.PostFormValue("kind"), Channel: r.PostFormValue("channel"), Summary: r.PostFormValue("summary"),
		Persons: r.PostFormValue("persons"), CommuneCode: r.PostFormValue("commune_code"), ProvinceCode: r.PostFormValue("province_code"),
		CountryCode: r.PostFormValue("country_code"), OffenceArticle: r.PostFormValue("offence_article"),
		Reporter: intake.ReporterInput{Anonymous: r.PostFormValue("reporter.anonymous") != "", Name: r.PostFormValue("reporter.name"),
			Organisation: r.PostFormValue("reporter.organisation"), Phone: r.PostFormValue("reporter.phone"),
			Email: r.PostFormValue("reporter.email"), IDNumber: r.PostFormValue("reporter.id_number"), Address: r.PostFormValue("reporter.address")}}
	if v := strings.TrimSpace(r.PostFormValue("received_at")); v != "" {
		t, err := time.ParseInLocation(datetimeLocal, v, ctip.Vietnam)
		if err != nil {
			p.Add("received_at", "error.datetime")
		} else {
			in.ReceivedAt = t
		}
	}
	return in
}

// mergeProblems puts form-parsing problems in front of the service's.
func mergeProblems(parse ctip.Problems, err error) error {
	if len(parse) == 0 {
		return err
	}
	ce, ok := err.(*ctip.Error)
	if !ok || ce.Kind != ctip.Invalid {
		return parse.Err()
	}
	for _, f := range ce.Fields {
		if !parse.Has(f.Field) {
			parse = append(parse, f)
		}
	}
	return parse.Err()
}

type formData struct {
	Choices choices
	Item    *intake.Item
	Quick   bool
	Action  string
}

func (s *Server) intakeForm(w http.ResponseWriter, r *http.Request, status int, tmpl string, f *Form, it *intake.Item) error {
	p := s.page(r, "intake.new_title", nil)
	if tmpl == "intake_quick" {
		p.Title = s.Cat.T(p.Lang, "intake.quick_title")
	} else if it != nil {
		p.Title = s.Cat.T(p.Lang, "intake.edit_title", it.Reference)
	}
	p.Form = f
	p.Data = &formData{Choices: s.choices(f.Get("province_code")), Item: it, Quick: tmpl == "intake_quick"}
	return s.render(w, r, status, tmpl, p)
}

func (s *Server) nowLocal() string { return s.Clock.Now().In(ctip.Vietnam).Format(datetimeLocal) }

func (s *Server) intakeNewForm(w http.ResponseWriter, r *http.Request) error {
	f := newForm(url.Values{"received_at": {s.nowLocal()}, "province_code": {s.Province}, "kind": {"denunciation"}})
	return s.intakeForm(w, r, http.StatusOK, "intake_form", f, nil)
}

func (s *Server) intakeQuickForm(w http.ResponseWriter, r *http.Request) error {
	f := newForm(url.Values{"received_at": {s.nowLocal()}, "province_code": {s.Province}, "offence_article": {"150"}})
	return s.intakeForm(w, r, http.StatusOK, "intake_quick", f, nil)
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, tmpl string, quick bool) error {
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := parseInput(r, &pr)
	if quick {
		in.Kind, in.Channel = string(intake.Denunciation), string(intake.Hotline)
	}
	it, err := s.Intake.Create(r.Context(), in)
	if err == nil && len(pr) == 0 {
		return s.redirect(w, r, "/intake/"+it.ID.String(), "flash.intake_created")
	}
	f := newForm(r.PostForm)
	if !s.setError(f, s.lang(r), mergeProblems(pr, err)) {
		return err
	}
	return s.intakeForm(w, r, http.StatusUnprocessableEntity, tmpl, f, nil)
}

func (s *Server) intakeCreate(w http.ResponseWriter, r *http.Request) error {
	return s.create(w, r, "intake_form", false)
}

func (s *Server) intakeQuickCreate(w http.ResponseWriter, r *http.Request) error {
	return s.create(w, r, "intake_quick", true)
}

func itemValues(it *intake.Item) url.Values {
	v := url.Values{
		"kind": {string(it.Kind)}, "channel": {string(it.Channel)}, "received_at": {it.ReceivedAt.In(ctip.Vietnam).Format(datetimeLocal)},
		"summary": {it.Summary}, "persons": {it.Persons}, "province_code": {it.ProvinceCode}, "commune_code": {it.CommuneCode},
		"country_code": {it.CountryCode}, "offence_article": {it.OffenceArticle}, "version": {fmt.Sprint(it.Version)},
	}
	if it.Reporter.Anonymous {
		v.Set("reporter.anonymous", "1")
	}
	return v
}

func (s *Server) intakeEditForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Intake.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if !v.CanEdit {
		return ctip.ErrForbidden()
	}
	f := newForm(itemValues(v.Item))
	return s.intakeForm(w, r, http.StatusOK, "intake_form", f, v.Item)
}

func (s *Server) intakeUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := parseInput(r, &pr)
	in.Reporter = intake.ReporterInput{} // the edit form never carries protected reporter values
	version := formInt(r, "version")
	_, err = s.Intake.Update(r.Context(), id, version, in)
	if err == nil && len(pr) == 0 {
		return s.redirect(w, r, "/intake/"+id.String(), "flash.saved")
	}
	v, gerr := s.Intake.Get(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	f := newForm(r.PostForm)
	if !s.setError(f, s.lang(r), mergeProblems(pr, err)) {
		return err
	}
	if ctip.IsKind(err, ctip.Conflict) {
		// Stale: show the current version number so a resubmit is deliberate.
		f.Values.Set("version", fmt.Sprint(v.Item.Version))
	}
	return s.intakeForm(w, r, httpStatusFor(err), "intake_form", f, v.Item)
}

// ---------- show ----------

type showData struct {
	V        *intake.View
	Today    ctip.Date
	Actions  []intake.Action
	Units    map[string]string
	Statuses []intake.Status
	// Linked are the registry persons linked to the item (the free text
	// "persons" is kept as it was written).
	Linked []person.Hit
	// ReporterLinked: the reporter is in the registry already.
	ReporterLinked bool
}

func (s *Server) intakeShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Intake.Get(r.Context(), id)
	if err != nil {
		return err
	}
	units := map[string]string{}
	if all, err := s.Auth.Units(r.Context()); err == nil {
		for _, u := range all {
			units[u.ID.String()] = u.Name
		}
	}
	linked, err := s.Persons.LinkedTo(r.Context(), "intake_item", id.String())
	if err != nil {
		return err
	}
	data := &showData{V: v, Today: ctip.DateOf(s.Clock.Now()), Units: units, Linked: linked}
	for _, h := range linked {
		data.ReporterLinked = data.ReporterLinked || slices.Contains(h.Roles, person.RoleReporter)
	}
	p := s.page(r, "", data)
	p.Title = s.Cat.T(p.Lang, "intake.item_title", v.Item.Reference)
	return s.render(w, r, http.StatusOK, "intake_show", p)
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
	v, err := s.Intake.Get(r.Context(), id)
	if err != nil {
		return err
	}
	p := s.page(r, "intake.reporter_title", map[string]any{"Reporter": rep, "Item": v.Item})
	return s.render(w, r, http.StatusOK, "intake_reporter", p)
}

// intakeReporterLink records the item's reporter in the person registry
// (a protected person linked to the item), for a user who may see them.
func (s *Server) intakeReporterLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Intake.LinkReporter(r.Context(), id); err != nil {
		var ce *ctip.Error
		switch {
		case errors.As(err, &ce) && ce.Kind == ctip.Conflict:
			return s.redirect(w, r, "/intake/"+id.String(), "flash.reporter_already_linked")
		case errors.As(err, &ce) && ce.Kind == ctip.Invalid:
			return s.redirect(w, r, "/intake/"+id.String(), "flash.reporter_link_invalid")
		}
		return err
	}
	return s.redirect(w, r, "/intake/"+id.String(), "flash.reporter_linked")
}

// ---------- actions ----------

type actionData struct {
	V        *intake.View
	Action   intake.Action
	Rule     intake.Rule
	Units    []*auth.Unit
	Officers []*auth.User
	Grounds  []string
	Today    ctip.Date
	Confirm  bool // an irreversible decision: the form asks for an explicit confirmation
}

func (s *Server) actionPage(w http.ResponseWriter, r *http.Request, status int, v *intake.View, act intake.Action, f *Form) error {
	data := &actionData{V: v, Action: act, Rule: intake.Rules[act], Today: ctip.DateOf(s.Clock.Now()), Confirm: intakeConfirm[act]}
	switch act {
	case intake.ActTransfer:
		all, err := s.Auth.Units(r.Context())
		if err != nil {
			return err
		}
		for _, u := range all {
			if u.Active && u.ID != v.Item.UnitID && slices.Contains([]string{ctip.UnitPolice, ctip.UnitCommunePolice, ctip.UnitBorderGuard, ctip.UnitProcuracy}, u.Kind) {
				data.Units = append(data.Units, u)
			}
		}
	case intake.ActAssign:
		us, err := s.Auth.Colleagues(r.Context(), v.Item.UnitID, auth.RoleInvestigator, auth.RoleIntake, auth.RoleLeader)
		if err != nil {
			return err
		}
		data.Officers = us
	case intake.ActNotProsecute:
		data.Grounds = intake.NotProsecuteGrounds
	case intake.ActSuspend:
		data.Grounds = intake.SuspensionGrounds
	}
	p := s.page(r, "", data)
	p.Title = s.Cat.T(p.Lang, "action."+string(act)) + " · " + v.Item.Reference
	p.Form = f
	return s.render(w, r, status, "intake_action", p)
}

func (s *Server) intakeActionForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	act := intake.Action(r.PathValue("action"))
	if _, ok := intake.Rules[act]; !ok {
		return ctip.ErrNotFound()
	}
	v, err := s.Intake.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.Intake.Permitted(r.Context(), v.Item, act); err != nil {
		return err
	}
	f := newForm(url.Values{"version": {fmt.Sprint(v.Item.Version)}, "document_date": {ctip.DateOf(s.Clock.Now()).String()}})
	return s.actionPage(w, r, http.StatusOK, v, act, f)
}

func (s *Server) intakeAction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	act := intake.Action(r.PathValue("action"))
	if _, ok := intake.Rules[act]; !ok {
		return ctip.ErrNotFound()
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := intake.ActionInput{
		TargetUnitID: formID(r, "target_unit", &pr), OfficerID: formID(r, "officer", &pr), Note: r.PostFormValue("note"),
		DocumentNumber: r.PostFormValue("document_number"), DocumentDate: formDate(r, "document_date", &pr),
		Signer: r.PostFormValue("signer"), Months: formInt(r, "months"), RequestedOn: formDate(r, "requested_on", &pr),
		Ground: r.PostFormValue("ground"),
	}
	if intakeConfirm[act] {
		requireConfirm(r, &pr)
	}
	if len(pr) == 0 {
		_, err = s.Intake.Do(r.Context(), id, formInt(r, "version"), act, in)
		if err == nil {
			return s.redirect(w, r, "/intake/"+id.String(), "flash.action_done")
		}
	} else {
		err = pr.Err()
	}
	v, gerr := s.Intake.Get(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	f := newForm(r.PostForm)
	if !s.setError(f, s.lang(r), err) {
		return err
	}
	if ctip.IsKind(err, ctip.Conflict) {
		f.Values.Set("version", fmt.Sprint(v.Item.Version))
	}
	return s.actionPage(w, r, httpStatusFor(err), v, act, f)
}

// ---------- attachments ----------

func (s *Server) intakeAttach(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if httpStatusOf(err) == http.StatusRequestEntityTooLarge {
			return s.redirect(w, r, "/intake/"+id.String(), "flash.file_too_large")
		}
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.redirect(w, r, "/intake/"+id.String(), "flash.file_missing")
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, 21<<20))
	if err != nil {
		return err
	}
	if _, err := s.Intake.Attach(r.Context(), id, hdr.Filename, content); err != nil {
		if ctip.IsKind(err, ctip.Invalid) {
			return s.redirect(w, r, "/intake/"+id.String()+"#attachments", "flash.file_rejected")
		}
		return err
	}
	return s.redirect(w, r, "/intake/"+id.String()+"#attachments", "flash.file_attached")
}

func httpStatusOf(err error) int {
	if err != nil && strings.Contains(err.Error(), "too large") {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
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
	att, err := s.Intake.Attachment(r.Context(), id, attID)
	if err != nil {
		return err
	}
	return httpx.Download(w, att.ContentType, att.Filename, att.Content)
}

func (s *Server) intakeDetachForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	attID, err := pathID(r, "att")
	if err != nil {
		return err
	}
	v, err := s.Intake.Get(r.Context(), id)
	if err != nil {
		return err
	}
	for _, a := range v.Attachments {
		if a.ID == attID {
			p := s.page(r, "intake.detach_title", map[string]any{"Item": v.Item, "Att": a})
			return s.render(w, r, http.StatusOK, "intake_detach", p)
		}
	}
	return ctip.ErrNotFound()
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
	if r.PostFormValue("confirm") != "yes" {
		return s.redirect(w, r, "/intake/"+id.String()+"/attachments/"+attID.String()+"/delete", "")
	}
	if err := s.Intake.Detach(r.Context(), id, attID); err != nil {
		return err
	}
	return s.redirect(w, r, "/intake/"+id.String()+"#attachments", "flash.file_deleted")
}

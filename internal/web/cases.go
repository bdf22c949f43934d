package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/httpx"
	"ctip/internal/legal"
	"ctip/internal/person"
)

// caseRoutes is the criminal-case part of the route table.
func (s *Server) caseRoutes() []httpx.Route {
	perm := func(m, p string, perm ctip.Permission, h httpx.Handler) httpx.Route {
		return httpx.Route{Method: m, Pattern: p, Access: httpx.Permitted, Perm: perm, Handler: h}
	}
	rd, wr := ctip.PermCaseRead, ctip.PermCaseWrite
	return []httpx.Route{
		perm("GET", "/cases", rd, s.caseList),
		perm("GET", "/cases/board", rd, s.caseBoard),
		perm("GET", "/cases/key", rd, s.caseKeyBoard),
		perm("GET", "/cases/new", wr, s.caseNewForm),
		perm("POST", "/cases/new", wr, s.caseCreate),
		perm("GET", "/cases/{id}", rd, s.caseShow),
		perm("GET", "/cases/{id}/act/{action}", rd, s.caseActionForm),
		perm("POST", "/cases/{id}/act/{action}", rd, s.caseAction),
		perm("GET", "/cases/{id}/charges/{op}", rd, s.caseChargesForm),
		perm("POST", "/cases/{id}/charges/{op}", rd, s.caseCharges),
		perm("GET", "/cases/{id}/accused/new", wr, s.caseAccusedForm),
		perm("POST", "/cases/{id}/accused/new", wr, s.caseAccusedCreate),
		perm("GET", "/cases/{id}/accused/{acc}/{op}", rd, s.caseAccusedOpForm),
		perm("POST", "/cases/{id}/accused/{acc}/{op}", rd, s.caseAccusedOp),
		perm("GET", "/cases/{id}/measures/new", rd, s.caseMeasureForm),
		perm("POST", "/cases/{id}/measures/new", rd, s.caseMeasureCreate),
		perm("GET", "/cases/{id}/measures/{m}/{op}", rd, s.caseMeasureOpForm),
		perm("POST", "/cases/{id}/measures/{m}/{op}", rd, s.caseMeasureOp),
		perm("GET", "/cases/{id}/parties/new", wr, s.casePartyForm),
		perm("POST", "/cases/{id}/parties/new", wr, s.casePartyCreate),
		perm("POST", "/cases/{id}/key", ctip.PermCaseKey, s.caseKey),
		perm("POST", "/cases/{id}/notes", rd, s.caseNote),
		{Method: "POST", Pattern: "/cases/{id}/attachments", Access: httpx.Permitted, Perm: rd, Handler: s.caseAttach, MaxBody: 25 << 20},
		perm("GET", "/cases/{id}/attachments/{att}", rd, s.caseDownload),
		{Method: "GET", Pattern: "/campaigns", Access: httpx.Signed, Handler: s.campaignList},
		perm("GET", "/campaigns/new", ctip.PermCampaigns, s.campaignNewForm),
		perm("POST", "/campaigns/new", ctip.PermCampaigns, s.campaignCreate),
		{Method: "GET", Pattern: "/campaigns/{id}", Access: httpx.Signed, Handler: s.campaignShow},
		perm("GET", "/campaigns/{id}/edit", ctip.PermCampaigns, s.campaignEditForm),
		perm("POST", "/campaigns/{id}/edit", ctip.PermCampaigns, s.campaignUpdate),
		perm("GET", "/admin/calendar", ctip.PermAdminSettings, s.calendarPage),
		perm("POST", "/admin/calendar", ctip.PermAdminSettings, s.calendarPut),
		perm("POST", "/admin/calendar/delete", ctip.PermAdminSettings, s.calendarDelete),
		perm("POST", "/admin/calendar/settings", ctip.PermAdminSettings, s.calendarSettings),
	}
}

// ---------- errors ----------

// formError is setError with the form's own labels in the error summary:
// setError names each field with the shared field.<name> key, some of
// which are worded for crime information ("Loại nguồn tin"); label gives
// the key the form shows next to the field ("" or a missing key: keep).
func (s *Server) formError(f *Form, lang string, err error, label func(field string) string) bool {
	if !s.setError(f, lang, err) {
		return false
	}
	for i, m := range f.Summary {
		if key := label(m.Field); key != "" && s.Cat.Has(lang, key) {
			f.Summary[i].Message = s.Cat.T(lang, key) + ": " + f.Errors[m.Field]
		}
	}
	return true
}

// caseLabel: the case forms' labels (case.field.<name>).
func caseLabel(field string) string { return "case.field." + field }

// filterLabel: the labels of the case lists' filters.
func filterLabel(field string) string {
	if field == "from" || field == "to" {
		return "case.filter." + field
	}
	return caseLabel(field)
}

// calendarLabel: the calendar page's labels (its day form and its settings).
func calendarLabel(field string) string {
	if k, ok := strings.CutPrefix(field, "remind."); ok {
		return "case.clock." + k
	}
	if field == "key_target_percent" {
		return "calendar.key_target"
	}
	return "calendar.field." + field
}

// ---------- choices ----------

type caseChoices struct {
	Stages     []casefile.Stage
	Bodies     []casefile.Body
	Articles   []string
	Clauses    []string
	Categories []legal.Category
	Communes   any
	Campaigns  []*casefile.Campaign
	Views      []string
}

// CaseArticles are the Penal Code articles offered for charges (the
// catalogue's chargeable trafficking articles).
var caseArticles = []string{"150", "151", "153", "154", "348", "349"}

func (s *Server) caseChoices(r *http.Request) caseChoices {
	c := caseChoices{Stages: casefile.Stages, Bodies: casefile.Bodies, Articles: caseArticles, Clauses: []string{"1", "2", "3", "4", "5"},
		Categories: legal.Categories, Communes: s.Places.CommunesOf(s.Province), Views: casefile.Views}
	if s.Cases != nil {
		c.Campaigns, _ = s.Cases.Campaigns(r.Context())
	}
	return c
}

// ---------- list and boards ----------

type caseListData struct {
	View     string
	Items    []*casefile.Case
	Pager    Pager
	Sort     map[string]string
	Today    ctip.Date
	States   map[ctip.ID]casefile.DeadlineState
	Labels   map[ctip.ID]string // casefile.DueLabel
	DaysLeft map[ctip.ID]int    // days left or overdue (positive)
	Choices  caseChoices
	Base     string
	Board    *casefile.Board
	Key      bool
}

func parseCaseFilter(q url.Values, p *ctip.Problems) casefile.Filter {
	f := casefile.Filter{Holder: casefile.Body(q.Get("holder")), Article: strings.TrimSpace(q.Get("article")),
		Category: legal.Category(q.Get("category")), Commune: strings.TrimSpace(q.Get("commune")), Reference: strings.TrimSpace(q.Get("ref"))}
	for _, st := range q["stage"] {
		if st != "" {
			f.Stages = append(f.Stages, casefile.Stage(st))
		}
	}
	f.DetentionOrders = q.Get("detention") == "1"
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
	if v := q.Get("campaign"); v != "" {
		id, err := ctip.ParseID(v)
		if err != nil {
			p.Add("campaign", "error.choice")
		} else {
			f.CampaignID = ctip.Some(id)
		}
	}
	return f
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request, tmpl, base, defaultView, titleKey string, board bool) error {
	q := r.URL.Query()
	view := q.Get("view")
	if view == "" || board {
		view = defaultView // a board's own views; the lists' views are /cases?view=…
	}
	var pr ctip.Problems
	f := parseCaseFilter(q, &pr)
	preq := pageReq(q)
	if preq.Sort == "" {
		preq.Sort = "due"
	}
	p := s.page(r, titleKey, nil)
	p.Form = newForm(q)
	data := &caseListData{View: view, Today: ctip.DateOf(s.Clock.Now()), Choices: s.caseChoices(r), Base: base, Key: view == casefile.ViewKey,
		States: map[ctip.ID]casefile.DeadlineState{}, Labels: map[ctip.ID]string{}, DaysLeft: map[ctip.ID]int{}, Sort: map[string]string{}}
	for _, col := range []string{"instituted", "due", "reference", "stage"} {
		data.Sort[col] = sortLink(base, q, col)
	}
	p.Data = data
	if err := pr.Err(); err != nil {
		s.formError(p.Form, p.Lang, err, filterLabel)
		return s.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
	}
	if preq.Sort == "instituted" {
		preq.Sort = ""
	}
	if board {
		// The board counts every open case of the scope (the key board: the
		// key cases) and lists what falls due within 7 days (the key cases).
		boardView := ""
		if defaultView == casefile.ViewKey {
			boardView = casefile.ViewKey
		}
		b, err := s.Cases.Board(r.Context(), boardView, f)
		if err != nil {
			if s.formError(p.Form, p.Lang, err, filterLabel) {
				return s.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
			}
			return err
		}
		data.Board = b
		if boardView == "" {
			view = casefile.ViewDue
		}
		data.View = view
	}
	page, err := s.Cases.List(r.Context(), view, f, preq)
	if err != nil {
		if s.formError(p.Form, p.Lang, err, filterLabel) {
			return s.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
		}
		return err
	}
	data.Items = page.Items
	for _, c := range page.Items {
		if c.Stage.Closed() {
			data.States[c.ID] = casefile.StateClosed
		} else {
			data.States[c.ID] = casefile.StateOf(c.NextDue, data.Today)
		}
		if !c.NextDue.IsZero() {
			data.Labels[c.ID], data.DaysLeft[c.ID] = casefile.DueLabel(c.NextDue, data.Today)
		}
	}
	data.Pager = pager(q, preq, page.Total, base)
	return s.render(w, r, http.StatusOK, tmpl, p)
}

func (s *Server) caseList(w http.ResponseWriter, r *http.Request) error {
	return s.listCases(w, r, "case_list", "/cases", casefile.ViewAll, "case.list_title", false)
}

func (s *Server) caseBoard(w http.ResponseWriter, r *http.Request) error {
	return s.listCases(w, r, "case_list", "/cases/board", casefile.ViewAll, "case.board_title", true)
}

func (s *Server) caseKeyBoard(w http.ResponseWriter, r *http.Request) error {
	return s.listCases(w, r, "case_list", "/cases/key", casefile.ViewKey, "case.key_title", true)
}

// ---------- create ----------

type caseFormData struct {
	Choices    caseChoices
	Procuracy  []*auth.Unit
	Officers   []*auth.User
	IntakeRef  string
	ChargeRows []int
}

func (s *Server) caseFormPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	a := ctip.ActorFrom(r.Context())
	data := &caseFormData{Choices: s.caseChoices(r), ChargeRows: []int{0, 1, 2}}
	if units, err := s.Auth.Units(r.Context()); err == nil {
		for _, u := range units {
			if u.Active && u.Kind == ctip.UnitProcuracy {
				data.Procuracy = append(data.Procuracy, u)
			}
		}
	}
	data.Officers, _ = s.Auth.Colleagues(r.Context(), a.UnitID, auth.RoleInvestigator, auth.RoleLeader)
	if id := f.Get("intake_item_id"); id != "" && s.Intake != nil {
		if iid, err := ctip.ParseID(id); err == nil {
			if v, err := s.Intake.Get(r.Context(), iid); err == nil {
				data.IntakeRef = v.Item.Reference
			}
		}
	}
	p := s.page(r, "case.new_title", data)
	p.Form = f
	return s.render(w, r, status, "case_new", p)
}

func (s *Server) caseNewForm(w http.ResponseWriter, r *http.Request) error {
	v := url.Values{"instituted_on": {ctip.DateOf(s.Clock.Now()).String()}}
	a := ctip.ActorFrom(r.Context())
	v.Add("officers", a.UserID.String())
	if id := r.URL.Query().Get("intake"); id != "" && s.Intake != nil {
		iid, err := ctip.ParseID(id)
		if err != nil {
			return ctip.ErrNotFound()
		}
		iv, err := s.Intake.Get(r.Context(), iid)
		if err != nil {
			return err
		}
		it := iv.Item
		v.Set("intake_item_id", it.ID.String())
		v.Set("institution_number", it.DecisionNumber)
		if !it.DecidedOn.IsZero() {
			v.Set("instituted_on", it.DecidedOn.String())
		}
		v.Set("summary", it.Summary)
		v.Set("commune_code", it.CommuneCode)
		if slices.Contains(caseArticles, it.OffenceArticle) {
			v.Set("charges.0.article", it.OffenceArticle)
		}
		for _, e := range iv.Events {
			if e.Action == "prosecute" {
				v.Set("signer", e.Signer)
			}
		}
	}
	return s.caseFormPage(w, r, http.StatusOK, newForm(v))
}

func parseCharges(r *http.Request, prefix string) []legal.Charge {
	var out []legal.Charge
	for i := 0; i < 5; i++ {
		k := fmt.Sprintf("%s.%d.", prefix, i)
		a, c, pt := strings.TrimSpace(r.PostFormValue(k+"article")), strings.TrimSpace(r.PostFormValue(k+"clause")), strings.TrimSpace(r.PostFormValue(k+"point"))
		if a == "" && c == "" && pt == "" {
			continue
		}
		out = append(out, legal.Charge{Article: a, Clause: c, Point: pt})
	}
	return out
}

func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := casefile.Input{InstitutionNumber: r.PostFormValue("institution_number"), Signer: r.PostFormValue("signer"),
		InstitutedOn: formDate(r, "instituted_on", &pr), OffenceOn: formDate(r, "offence_on", &pr), Charges: parseCharges(r, "charges"),
		Summary: r.PostFormValue("summary"), CommuneCode: r.PostFormValue("commune_code"), ProvinceCode: s.Province,
		ProcuracyUnitID: formID(r, "procuracy_unit_id", &pr), IntakeItemID: formID(r, "intake_item_id", &pr),
		Ring: r.PostFormValue("ring") != "", LeadOfficerID: formID(r, "lead_officer", &pr)}
	for _, v := range r.PostForm["officers"] {
		if id, err := ctip.ParseID(v); err == nil {
			in.OfficerIDs = append(in.OfficerIDs, id)
		} else {
			pr.Add("officers", "error.choice")
		}
	}
	var c *casefile.Case
	var err error
	if len(pr) == 0 {
		c, err = s.Cases.Create(r.Context(), in)
		if err == nil {
			return s.redirect(w, r, "/cases/"+c.ID.String(), "flash.case_created")
		}
	}
	f := newForm(r.PostForm)
	if !s.formError(f, s.lang(r), mergeProblems(pr, err), caseLabel) {
		return err
	}
	return s.caseFormPage(w, r, httpStatusFor(mergeProblems(pr, err)), f)
}

// ---------- show ----------

type caseShowData struct {
	V       *casefile.View
	Today   ctip.Date
	Names   map[ctip.ID]string
	Units   map[string]string
	Holder  casefile.Body
	KeyBody []casefile.Body
}

func (s *Server) caseShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Cases.Get(r.Context(), id)
	if err != nil {
		return err
	}
	data := &caseShowData{V: v, Today: ctip.DateOf(s.Clock.Now()), Names: map[ctip.ID]string{}, Units: map[string]string{}, KeyBody: v.Case.KeyBodies()}
	for _, x := range v.Accused {
		data.Names[x.ID] = x.Person.Name
	}
	if all, err := s.Auth.Units(r.Context()); err == nil {
		for _, u := range all {
			data.Units[u.ID.String()] = u.Name
		}
	}
	p := s.page(r, "", data)
	p.Title = s.Cat.T(p.Lang, "case.case_title", v.Case.Reference)
	return s.render(w, r, http.StatusOK, "case_show", p)
}

// ---------- decisions ----------

// caseActionData is the decision form: a stage action, an accused's
// suspension/termination/resumption, a measure's extension or end.
type caseActionData struct {
	Confirm  bool // an irreversible decision: the form asks for an explicit confirmation
	V        *casefile.View
	Kind     string // "stage", "accused", "measure"
	Action   string
	Basis    string
	Grounds  []string
	Courts   []*auth.Unit
	Target   string // the accused's name, or the measure
	Months   bool
	Days     bool
	MaxUnits []int
	Received bool
	Today    ctip.Date
	Post     string
	Verdicts []*casefile.Accused
	Choices  caseChoices
	// ExtensionMax is the next extension's legal maximum, as text ("" for none).
	ExtensionMax string
	// SentenceTypes are the main penalties (Penal Code Art. 32).
	SentenceTypes []string
	// Extension: a measure's extension, as the law allows it now.
	Extension *casefile.ExtensionChoice
}

func (s *Server) caseActionPage(w http.ResponseWriter, r *http.Request, status int, v *casefile.View, data *caseActionData, f *Form) error {
	data.V, data.Today, data.Confirm = v, ctip.DateOf(s.Clock.Now()), caseConfirm[data.Action]
	if data.MaxUnits == nil {
		data.MaxUnits = []int{1, 2, 3, 4}
		if data.Days {
			data.MaxUnits = []int{1, 2, 3, 5, 7, 10, 15, 20, 30}
		}
	}
	if data.Kind == "stage" {
		act := casefile.Action(data.Action)
		data.Basis = casefile.CitationOf(act, v.Case, s.lang(r) == "en")
		switch act {
		case casefile.ActSuspend:
			data.Grounds = casefile.SuspendGrounds
		case casefile.ActTerminate:
			data.Grounds = casefile.TerminateGrounds
		case casefile.ActIndict:
			if all, err := s.Auth.Units(r.Context()); err == nil {
				for _, u := range all {
					if u.Active && u.Kind == ctip.UnitCourt {
						data.Courts = append(data.Courts, u)
					}
				}
			}
		case casefile.ActJudge:
			for _, x := range v.Accused {
				if x.Status == casefile.AccusedActive {
					data.Verdicts = append(data.Verdicts, x)
				}
			}
		}
		data.Months = casefile.Rules[act].Months
		data.Days = casefile.Rules[act].Days
		if data.Days {
			data.MaxUnits = []int{1, 2, 3, 5, 7, 10, 15, 20, 30}
		}
		// Offer only what the law allows for the next extension, and say so.
		if ext := v.NextExtension; (data.Months || data.Days) && !ext.IsZero() {
			if data.Months && ext.Days == 0 {
				data.MaxUnits = nil
				for n := 1; n <= ext.Months; n++ {
					data.MaxUnits = append(data.MaxUnits, n)
				}
			} else if data.Days && ext.Months == 0 {
				data.MaxUnits = slices.DeleteFunc(data.MaxUnits, func(n int) bool { return n > ext.Days })
				if !slices.Contains(data.MaxUnits, ext.Days) {
					data.MaxUnits = append(data.MaxUnits, ext.Days)
				}
			}
			data.ExtensionMax = ext.Vietnamese()
			if s.lang(r) == "en" {
				data.ExtensionMax = ext.String()
			}
		}
		data.Received = act == casefile.ActConclude || act == casefile.ActAccept || act == casefile.ActReturnProcuracy ||
			act == casefile.ActReturnJudge || act == casefile.ActReturnPanel
	}
	data.SentenceTypes = casefile.SentenceTypes
	p := s.page(r, "", data)
	p.Title = s.Cat.T(p.Lang, "case.act."+data.Action) + " · " + v.Case.Reference
	p.Form = f
	return s.render(w, r, status, "case_action", p)
}

func (s *Server) caseActionForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	act := casefile.Action(r.PathValue("action"))
	if _, ok := casefile.Rules[act]; !ok {
		return ctip.ErrNotFound()
	}
	v, err := s.Cases.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.Cases.Permitted(r.Context(), v.Case, act); err != nil {
		return err
	}
	f := newForm(url.Values{"version": {strconv.Itoa(v.Case.Version)}, "document_date": {ctip.DateOf(s.Clock.Now()).String()}})
	return s.caseActionPage(w, r, http.StatusOK, v, &caseActionData{Kind: "stage", Action: string(act), Post: "/cases/" + id.String() + "/act/" + string(act)}, f)
}

func actionInput(r *http.Request, pr *ctip.Problems) casefile.ActionInput {
	in := casefile.ActionInput{DocumentNumber: r.PostFormValue("document_number"), DocumentDate: formDate(r, "document_date", pr),
		Signer: r.PostFormValue("signer"), Note: r.PostFormValue("note"), Months: formInt(r, "months"), Days: formInt(r, "days"),
		Ground: r.PostFormValue("ground"), ReceivedOn: formDate(r, "received_on", pr), CourtUnitID: formID(r, "court_unit_id", pr),
		HearingOn: formDate(r, "hearing_on", pr)}
	for _, v := range r.PostForm["verdict_accused"] {
		id, err := ctip.ParseID(v)
		if err != nil {
			continue
		}
		k := "verdict." + v + "."
		months, _ := strconv.Atoi(r.PostFormValue(k + "months"))
		years, _ := strconv.Atoi(r.PostFormValue(k + "years"))
		in.Verdicts = append(in.Verdicts, casefile.VerdictInput{AccusedID: id, Verdict: r.PostFormValue(k + "verdict"),
			SentenceType: r.PostFormValue(k + "sentence_type"), SentenceMonths: years*12 + months})
	}
	return in
}

// caseFail re-renders a decision form with the error, or fails the request.
func (s *Server) caseFail(w http.ResponseWriter, r *http.Request, id ctip.ID, err error, data *caseActionData) error {
	v, gerr := s.Cases.Get(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	f := newForm(r.PostForm)
	label := func(field string) string {
		if field == "received_on" {
			return "case.received_on." + data.Action
		}
		return caseLabel(field)
	}
	if !s.formError(f, s.lang(r), err, label) {
		return err
	}
	if ctip.IsKind(err, ctip.Conflict) {
		f.Values.Set("version", strconv.Itoa(v.Case.Version))
	}
	return s.caseActionPage(w, r, httpStatusFor(err), v, data, f)
}

func (s *Server) caseAction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	act := casefile.Action(r.PathValue("action"))
	if _, ok := casefile.Rules[act]; !ok {
		return ctip.ErrNotFound()
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := actionInput(r, &pr)
	if caseConfirm[string(act)] {
		requireConfirm(r, &pr)
	}
	if len(pr) == 0 {
		_, err = s.Cases.Do(r.Context(), id, formInt(r, "version"), act, in)
		if err == nil {
			return s.redirect(w, r, "/cases/"+id.String(), "flash.action_done")
		}
	} else {
		err = pr.Err()
	}
	return s.caseFail(w, r, id, err, &caseActionData{Kind: "stage", Action: string(act), Post: r.URL.Path})
}

// ---------- accused ----------

type caseAccusedData struct {
	V          *casefile.View
	Choices    caseChoices
	ChargeRows []int
	Today      ctip.Date
	Party      bool
	Roles      []string
	Sexes      []string
	Measures   []casefile.MeasureType
	// Picked is the registry person chosen on the search page (person_id);
	// without one, the details entered make a new registry person.
	Picked   *person.View
	LinkKind string // the search page's link target: case_accused, case_party
	FormPath string // the form's path under the case: accused/new, parties/new
	// Duplicates are registry persons that look like the details entered:
	// pick one, or confirm that the person is new.
	Duplicates []person.Duplicate
}

func (s *Server) caseSubPage(w http.ResponseWriter, r *http.Request, status int, tmpl, titleKey string, v *casefile.View, f *Form, dups ...person.Duplicate) error {
	data := &caseAccusedData{V: v, Choices: s.caseChoices(r), ChargeRows: []int{0, 1, 2}, Today: ctip.DateOf(s.Clock.Now()),
		Roles: casefile.PartyRoles, Sexes: casefile.Sexes, Measures: casefile.MeasureTypes, LinkKind: linkCaseAccused, FormPath: "accused/new", Duplicates: dups}
	if tmpl == "case_party" {
		data.LinkKind, data.FormPath = linkCaseParty, "parties/new"
	}
	if pid, err := ctip.ParseID(f.Get("person_id")); err == nil && s.Persons != nil {
		// The chosen registry person, as the user may see them (a
		// protected person under the pseudonym). One the user may not see
		// is not shown; the service refuses it on submit.
		if pv, err := s.Persons.Get(r.Context(), pid); err == nil {
			data.Picked = pv
		} else if !ctip.IsKind(err, ctip.NotFound) {
			return err
		} else if f.Errors["person_id"] == "" {
			f.Errors["person_id"] = s.Cat.T(s.lang(r), "person.pick_unknown")
			f.Summary = append(f.Summary, FieldMsg{Field: "person_id", Message: s.Cat.T(s.lang(r), "person.pick_unknown")})
		}
	}
	p := s.page(r, "", data)
	p.Title = s.Cat.T(p.Lang, titleKey) + " · " + v.Case.Reference
	p.Form = f
	return s.render(w, r, status, tmpl, p)
}

func (s *Server) caseAccusedForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Cases.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if !v.CanWrite {
		return ctip.ErrForbidden()
	}
	f := newForm(url.Values{"version": {strconv.Itoa(v.Case.Version)}, "document_date": {ctip.DateOf(s.Clock.Now()).String()},
		"person_id": {r.URL.Query().Get("person")}})
	for i, ch := range v.Case.Charges {
		f.Values.Set(fmt.Sprintf("charges.%d.article", i), ch.Article)
		f.Values.Set(fmt.Sprintf("charges.%d.clause", i), ch.Clause)
		f.Values.Set(fmt.Sprintf("charges.%d.point", i), ch.Point)
	}
	return s.caseSubPage(w, r, http.StatusOK, "case_accused", "case.accused_new", v, f)
}

func personInput(r *http.Request) casefile.PersonInput {
	by, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("birth_year")))
	in := casefile.PersonInput{Name: r.PostFormValue("name"), Sex: r.PostFormValue("sex"), BirthYear: by, IDNumber: r.PostFormValue("id_number"),
		ConfirmNew: r.PostFormValue("confirm_new") != ""}
	if v := strings.TrimSpace(r.PostFormValue("person_id")); v != "" {
		id, err := ctip.ParseID(v)
		if err != nil {
			id = ctip.NilID // not an ID: refused like an unknown person
		}
		in.PersonID = ctip.NullID{ID: id, Valid: true}
	}
	return in
}

func (s *Server) caseAccusedCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := casefile.AccusedInput{Person: personInput(r), Charges: parseCharges(r, "charges"), DocumentNumber: r.PostFormValue("document_number"),
		DocumentDate: formDate(r, "document_date", &pr), Signer: r.PostFormValue("signer")}
	if len(pr) == 0 {
		if _, err = s.Cases.AddAccused(r.Context(), id, formInt(r, "version"), in); err == nil {
			return s.redirect(w, r, "/cases/"+id.String()+"#accused", "flash.saved")
		}
	} else {
		err = pr.Err()
	}
	return s.subFail(w, r, id, err, "case_accused", "case.accused_new")
}

func (s *Server) subFail(w http.ResponseWriter, r *http.Request, id ctip.ID, err error, tmpl, title string) error {
	v, gerr := s.Cases.Get(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	f := newForm(r.PostForm)
	if !s.formError(f, s.lang(r), err, caseLabel) {
		return err
	}
	if ctip.IsKind(err, ctip.Conflict) {
		f.Values.Set("version", strconv.Itoa(v.Case.Version))
	}
	return s.caseSubPage(w, r, httpStatusFor(err), tmpl, title, v, f, duplicatesOf(err)...)
}

func (s *Server) accusedTarget(r *http.Request) (*casefile.View, *casefile.Accused, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, "", err
	}
	accID, err := pathID(r, "acc")
	if err != nil {
		return nil, nil, "", err
	}
	op := r.PathValue("op")
	if !slices.Contains(casefile.AccusedActions, op) {
		return nil, nil, "", ctip.ErrNotFound()
	}
	v, err := s.Cases.Get(r.Context(), id)
	if err != nil {
		return nil, nil, "", err
	}
	for _, x := range v.Accused {
		if x.ID == accID {
			return v, x, op, nil
		}
	}
	return nil, nil, "", ctip.ErrNotFound()
}

func (s *Server) caseAccusedOpForm(w http.ResponseWriter, r *http.Request) error {
	v, x, op, err := s.accusedTarget(r)
	if err != nil {
		return err
	}
	if !v.CanMeasure {
		return ctip.ErrForbidden()
	}
	data := &caseActionData{Kind: "accused", Action: "accused_" + op, Target: x.Person.Name, Post: r.URL.Path}
	data.Grounds = map[string][]string{casefile.AccSuspend: casefile.SuspendGrounds, casefile.AccTerminate: casefile.TerminateGrounds}[op]
	f := newForm(url.Values{"version": {strconv.Itoa(v.Case.Version)}, "document_date": {ctip.DateOf(s.Clock.Now()).String()}})
	return s.caseActionPage(w, r, http.StatusOK, v, data, f)
}

func (s *Server) caseAccusedOp(w http.ResponseWriter, r *http.Request) error {
	v, x, op, err := s.accusedTarget(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := actionInput(r, &pr)
	if caseConfirm["accused_"+op] {
		requireConfirm(r, &pr)
	}
	if len(pr) == 0 {
		if _, err = s.Cases.AccusedAction(r.Context(), v.Case.ID, formInt(r, "version"), x.ID, op, in); err == nil {
			return s.redirect(w, r, "/cases/"+v.Case.ID.String()+"#accused", "flash.action_done")
		}
	} else {
		err = pr.Err()
	}
	data := &caseActionData{Kind: "accused", Action: "accused_" + op, Target: x.Person.Name, Post: r.URL.Path}
	data.Grounds = map[string][]string{casefile.AccSuspend: casefile.SuspendGrounds, casefile.AccTerminate: casefile.TerminateGrounds}[op]
	return s.caseFail(w, r, v.Case.ID, err, data)
}

// ---------- measures ----------

// caseMeasureData is the new-measure form: first the accused (when the
// case has several), then only the measures valid for that accused now,
// the others listed with the reason, and the accused's running measures
// with the extensions the law still allows.
type caseMeasureData struct {
	V        *casefile.View
	Active   []*casefile.Accused
	Accused  *casefile.Accused
	Choices  []casefile.MeasureChoice
	Running  []*casefile.Measure
	Category legal.Category
	Today    ctip.Date
}

func (s *Server) caseMeasurePage(w http.ResponseWriter, r *http.Request, status int, v *casefile.View, accID string, f *Form) error {
	data := &caseMeasureData{V: v, Today: ctip.DateOf(s.Clock.Now())}
	for _, x := range v.Accused {
		if x.Status == casefile.AccusedActive {
			data.Active = append(data.Active, x)
			if x.ID.String() == accID || len(v.MeasureChoices) == 1 {
				data.Accused = x
			}
		}
	}
	if x := data.Accused; x != nil {
		data.Choices, data.Category = v.MeasureChoices[x.ID], x.Category
		if data.Category == "" {
			data.Category = v.Case.Category
		}
		for _, m := range v.Measures {
			if m.AccusedID == x.ID && m.Running() {
				data.Running = append(data.Running, m)
			}
		}
		f.Values.Set("accused_id", x.ID.String())
	}
	p := s.page(r, "", data)
	p.Title = s.Cat.T(p.Lang, "case.measure_new") + " · " + v.Case.Reference
	p.Form = f
	return s.render(w, r, status, "case_measure", p)
}

func (s *Server) caseMeasureForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Cases.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if !v.CanMeasure {
		return ctip.ErrForbidden()
	}
	today := ctip.DateOf(s.Clock.Now()).String()
	f := newForm(url.Values{"version": {strconv.Itoa(v.Case.Version)}, "document_date": {today}, "start_on": {today}})
	return s.caseMeasurePage(w, r, http.StatusOK, v, r.URL.Query().Get("accused"), f)
}

func (s *Server) caseMeasureCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	acc := formID(r, "accused_id", &pr)
	in := casefile.MeasureInput{AccusedID: acc.ID, Type: r.PostFormValue("type"), StartOn: formDate(r, "start_on", &pr),
		OrderEnd: formDate(r, "order_end", &pr), DocumentNumber: r.PostFormValue("document_number"),
		DocumentDate: formDate(r, "document_date", &pr), Signer: r.PostFormValue("signer")}
	if len(pr) == 0 {
		if _, err = s.Cases.AddMeasure(r.Context(), id, formInt(r, "version"), in); err == nil {
			return s.redirect(w, r, "/cases/"+id.String()+"#accused", "flash.saved")
		}
	} else {
		err = pr.Err()
	}
	v, gerr := s.Cases.Get(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	f := newForm(r.PostForm)
	if !s.formError(f, s.lang(r), err, caseLabel) {
		return err
	}
	if ctip.IsKind(err, ctip.Conflict) {
		f.Values.Set("version", strconv.Itoa(v.Case.Version))
	}
	return s.caseMeasurePage(w, r, httpStatusFor(err), v, r.PostFormValue("accused_id"), f)
}

func (s *Server) measureTarget(r *http.Request) (*casefile.View, *casefile.Measure, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, "", err
	}
	mID, err := pathID(r, "m")
	if err != nil {
		return nil, nil, "", err
	}
	op := r.PathValue("op")
	if op != casefile.MeasureExtend && op != casefile.MeasureEnd {
		return nil, nil, "", ctip.ErrNotFound()
	}
	v, err := s.Cases.Get(r.Context(), id)
	if err != nil {
		return nil, nil, "", err
	}
	for _, m := range v.Measures {
		if m.ID == mID {
			return v, m, op, nil
		}
	}
	return nil, nil, "", ctip.ErrNotFound()
}

func (s *Server) measureData(r *http.Request, v *casefile.View, m *casefile.Measure, op string) *caseActionData {
	name := ""
	for _, x := range v.Accused {
		if x.ID == m.AccusedID {
			name = x.Person.Name
		}
	}
	data := &caseActionData{Kind: "measure", Action: "measure_" + op, Target: s.Cat.T(s.lang(r), "case.measure."+string(m.Type)) + " · " + name, Post: r.URL.Path}
	if op == casefile.MeasureEnd && !m.Running() {
		data.Action = "measure_release" // no detention ordered in the new stage (CPC Arts 241, 278)
	}
	if op == casefile.MeasureExtend {
		data.Months = m.Type == casefile.Detention
		data.Days = m.Type == casefile.Custody
		// Offer only what the law allows for the next extension, and say
		// until when it would run (MeasureExtension).
		e := v.Extensions[m.ID]
		data.Extension = &e
		data.Basis = e.Basis
		if s.lang(r) == "en" {
			data.Basis = e.BasisEN
		}
		if !e.Next.IsZero() {
			data.MaxUnits = nil
			n := e.Next.Months
			if data.Days {
				n = e.Next.Days
			}
			for i := 1; i <= n; i++ {
				data.MaxUnits = append(data.MaxUnits, i)
			}
			data.ExtensionMax = e.Next.Vietnamese()
			if s.lang(r) == "en" {
				data.ExtensionMax = e.Next.String()
			}
		}
	}
	return data
}

func (s *Server) caseMeasureOpForm(w http.ResponseWriter, r *http.Request) error {
	v, m, op, err := s.measureTarget(r)
	if err != nil {
		return err
	}
	if !v.CanMeasure && !(op == casefile.MeasureExtend && ctip.ActorFrom(r.Context()).Can(ctip.PermCaseProcuracy)) {
		return ctip.ErrForbidden()
	}
	if e, ok := v.Extensions[m.ID]; op == casefile.MeasureExtend && ok && !e.OK {
		return ctip.Errorf(ctip.Conflict, e.Reason, e.Args...)
	}
	f := newForm(url.Values{"version": {strconv.Itoa(v.Case.Version)}, "document_date": {ctip.DateOf(s.Clock.Now()).String()}})
	return s.caseActionPage(w, r, http.StatusOK, v, s.measureData(r, v, m, op), f)
}

func (s *Server) caseMeasureOp(w http.ResponseWriter, r *http.Request) error {
	v, m, op, err := s.measureTarget(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := actionInput(r, &pr)
	if len(pr) == 0 {
		if _, err = s.Cases.MeasureAction(r.Context(), v.Case.ID, formInt(r, "version"), m.ID, op, in); err == nil {
			return s.redirect(w, r, "/cases/"+v.Case.ID.String()+"#accused", "flash.action_done")
		}
	} else {
		err = pr.Err()
	}
	return s.caseFail(w, r, v.Case.ID, err, s.measureData(r, v, m, op))
}

// ---------- victims and witnesses ----------

func (s *Server) casePartyForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Cases.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if !v.CanWrite {
		return ctip.ErrForbidden()
	}
	role := r.URL.Query().Get("role")
	if !slices.Contains(casefile.PartyRoles, role) {
		role = casefile.RoleVictim
	}
	f := newForm(url.Values{"version": {strconv.Itoa(v.Case.Version)}, "role": {role}, "person_id": {r.URL.Query().Get("person")}})
	return s.caseSubPage(w, r, http.StatusOK, "case_party", "case.party_new", v, f)
}

func (s *Server) casePartyCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := casefile.PartyInput{Role: r.PostFormValue("role"), Person: personInput(r), Rescued: r.PostFormValue("rescued") != "",
		RescuedOn: formDate(r, "rescued_on", &pr)}
	if len(pr) == 0 {
		if _, err = s.Cases.AddParty(r.Context(), id, formInt(r, "version"), in); err == nil {
			return s.redirect(w, r, "/cases/"+id.String()+"#parties", "flash.saved")
		}
	} else {
		err = pr.Err()
	}
	return s.subFail(w, r, id, err, "case_party", "case.party_new")
}

// ---------- key, notes, documents ----------

func (s *Server) caseKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.Cases.Key(r.Context(), id, formInt(r, "version"), r.PostFormValue("op"), r.PostFormValue("reason"))
	switch {
	case err == nil:
		return s.redirect(w, r, "/cases/"+id.String()+"#key", "flash.action_done")
	case ctip.IsKind(err, ctip.Invalid):
		return s.redirect(w, r, "/cases/"+id.String()+"#key", "flash.key_reason")
	case ctip.IsKind(err, ctip.Conflict) && strings.Contains(err.Error(), "stale"):
		return s.redirect(w, r, "/cases/"+id.String()+"#key", "flash.case_stale")
	}
	return err
}

func (s *Server) caseNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Cases.AddNote(r.Context(), id, r.PostFormValue("note")); err != nil {
		if ctip.IsKind(err, ctip.Invalid) {
			return s.redirect(w, r, "/cases/"+id.String()+"#notes", "flash.note_empty")
		}
		return err
	}
	return s.redirect(w, r, "/cases/"+id.String()+"#timeline", "flash.saved")
}

func (s *Server) caseAttach(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	back := "/cases/" + id.String() + "#documents"
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if httpStatusOf(err) == http.StatusRequestEntityTooLarge {
			return s.redirect(w, r, back, "flash.file_too_large")
		}
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.redirect(w, r, back, "flash.file_missing")
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, 21<<20))
	if err != nil {
		return err
	}
	if _, err := s.Cases.Attach(r.Context(), id, hdr.Filename, content); err != nil {
		if ctip.IsKind(err, ctip.Invalid) {
			return s.redirect(w, r, back, "flash.file_rejected")
		}
		return err
	}
	return s.redirect(w, r, back, "flash.file_attached")
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
	att, err := s.Cases.Attachment(r.Context(), id, attID)
	if err != nil {
		return err
	}
	return httpx.Download(w, att.ContentType, att.Filename, att.Content)
}

// ---------- campaigns ----------

// campaignList lists the campaigns a page at a time: running, past or
// upcoming, by start date.
func (s *Server) campaignList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := s.page(r, "campaign.list_title", nil)
	p.Form = newForm(q)
	data := map[string]any{"Campaigns": nil, "Pager": Pager{}, "State": q.Get("state"), "Sort": sortLink("/campaigns", q, "start"),
		"Oldest": q.Get("sort") == "start" && q.Get("dir") != "desc", "Today": ctip.DateOf(s.Clock.Now())}
	p.Data = data
	var pr ctip.Problems
	checkSort(q, &pr, "start")
	preq := pageReq(q)
	err := pr.Err()
	var page ctip.Page[*casefile.Campaign]
	if err == nil {
		page, err = s.Cases.CampaignPage(r.Context(), casefile.CampaignFilter{State: q.Get("state")}, preq)
	}
	if err != nil {
		if s.setFormError(p.Form, p.Lang, err, map[string]string{"state": "campaign.state", "sort": "field.sort", "dir": "field.dir"}) {
			return s.render(w, r, http.StatusUnprocessableEntity, "campaign_list", p)
		}
		return err
	}
	data["Campaigns"] = page.Items
	data["Pager"] = pager(q, preq, page.Total, "/campaigns")
	return s.render(w, r, http.StatusOK, "campaign_list", p)
}

// campaignFormData is the campaign form: new, or an edit of a campaign.
type campaignFormData struct {
	Keys     []string
	Post     string
	Campaign *casefile.Campaign // nil: a new campaign
}

var campaignKeys = []string{"intake", "cases", "accused", "rings", "rescued"}

func (s *Server) campaignForm(w http.ResponseWriter, r *http.Request, status int, data *campaignFormData, f *Form) error {
	data.Keys = campaignKeys
	title := "campaign.new_title"
	if data.Campaign != nil {
		title = "campaign.edit_title"
	}
	p := s.page(r, title, data)
	p.Form = f
	return s.render(w, r, status, "campaign_form", p)
}

func (s *Server) campaignNewForm(w http.ResponseWriter, r *http.Request) error {
	return s.campaignForm(w, r, http.StatusOK, &campaignFormData{Post: "/campaigns/new"}, newForm(url.Values{}))
}

func campaignInput(r *http.Request, pr *ctip.Problems) casefile.CampaignInput {
	return casefile.CampaignInput{Name: r.PostFormValue("name"), StartsOn: formDate(r, "starts_on", pr), EndsOn: formDate(r, "ends_on", pr),
		Description: r.PostFormValue("description"), Targets: casefile.Tally{Intake: formInt(r, "target_intake"), Cases: formInt(r, "target_cases"),
			Accused: formInt(r, "target_accused"), Rings: formInt(r, "target_rings"), Rescued: formInt(r, "target_rescued")}}
}

// campaignLabel: the campaign form's own labels in the error summary.
func campaignLabel(field string) string {
	if k, ok := strings.CutPrefix(field, "target_"); ok {
		return "campaign.measure." + k
	}
	return "campaign.field." + field
}

func (s *Server) campaignCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := campaignInput(r, &pr)
	var err error
	if len(pr) == 0 {
		var c *casefile.Campaign
		if c, err = s.Cases.CreateCampaign(r.Context(), in); err == nil {
			return s.redirect(w, r, "/campaigns/"+c.ID.String(), "flash.saved")
		}
	}
	err = mergeProblems(pr, err)
	f := newForm(r.PostForm)
	if !s.formError(f, s.lang(r), err, campaignLabel) {
		return err
	}
	return s.campaignForm(w, r, httpStatusFor(err), &campaignFormData{Post: "/campaigns/new"}, f)
}

// campaignEditForm shows a campaign's form filled with its values and version.
func (s *Server) campaignEditForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.Cases.Campaign(r.Context(), id)
	if err != nil {
		return err
	}
	v := url.Values{"version": {strconv.Itoa(c.Version)}, "name": {c.Name}, "starts_on": {c.StartsOn.String()}, "ends_on": {c.EndsOn.String()},
		"description": {c.Description}}
	for k, n := range map[string]int{"intake": c.Targets.Intake, "cases": c.Targets.Cases, "accused": c.Targets.Accused, "rings": c.Targets.Rings,
		"rescued": c.Targets.Rescued} {
		v.Set("target_"+k, strconv.Itoa(n))
	}
	return s.campaignForm(w, r, http.StatusOK, &campaignFormData{Post: "/campaigns/" + id.String() + "/edit", Campaign: c}, newForm(v))
}

// campaignUpdate saves an edited campaign; a stale version or bad input
// re-renders the form with what was typed and the messages.
func (s *Server) campaignUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := campaignInput(r, &pr)
	if len(pr) == 0 {
		if _, err = s.Cases.UpdateCampaign(r.Context(), id, formInt(r, "version"), in); err == nil {
			return s.redirect(w, r, "/campaigns/"+id.String(), "flash.saved")
		}
	}
	err = mergeProblems(pr, err)
	c, gerr := s.Cases.Campaign(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	f := newForm(r.PostForm)
	if !s.formError(f, s.lang(r), err, campaignLabel) {
		return err
	}
	if ctip.IsKind(err, ctip.Conflict) {
		// Saving again overwrites the other change: the form says so.
		f.Values.Set("version", strconv.Itoa(c.Version))
	}
	return s.campaignForm(w, r, httpStatusFor(err), &campaignFormData{Post: r.URL.Path, Campaign: c}, f)
}

func (s *Server) campaignShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sum, err := s.Cases.CampaignSummary(r.Context(), id)
	if err != nil {
		return err
	}
	p := s.page(r, "", sum)
	p.Title = sum.Campaign.Name
	return s.render(w, r, http.StatusOK, "campaign_show", p)
}

// ---------- the calendar admin page ----------

type calendarData struct {
	Days     []casefile.Announcement
	Settings casefile.Settings
	Kinds    []string
	Holidays []holiday
	Year     int
	YearText string // the year as written (no thousands separator)
}

type holiday struct {
	Date ctip.Date
	Key  string // the statutory holiday's catalogue key; "" for an announced day (Name: its note)
	Name string
}

// holidayKeys names the statutory holidays (internal/legal names them in English).
var holidayKeys = map[string]string{legal.HolidayNewYear: "calendar.holiday.new_year", legal.HolidayTet: "calendar.holiday.tet",
	legal.HolidayHungKings: "calendar.holiday.hung_kings", legal.HolidayVictory: "calendar.holiday.victory",
	legal.HolidayLabour: "calendar.holiday.labour", legal.HolidayNational: "calendar.holiday.national", "Announced day off": "calendar.holiday.announced"}

func (s *Server) calendarRender(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	days, err := s.Calendar.Days(r.Context())
	if err != nil {
		return err
	}
	year := ctip.DateOf(s.Clock.Now()).Year
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y > 2000 && y < 2100 {
		year = y
	}
	data := &calendarData{Days: days, Settings: s.Calendar.Settings(r.Context()), Kinds: casefile.ReminderKinds, Year: year, YearText: strconv.Itoa(year)}
	cal := s.Calendar.Current()
	for d := ctip.NewDate(year, 1, 1); d.Year == year; d = d.AddDays(1) {
		if name, ok := cal.Holiday(d); ok {
			data.Holidays = append(data.Holidays, holiday{d, holidayKeys[name], name})
		}
	}
	if f == nil {
		f = newForm(url.Values{"kind": {legal.AnnouncedDayOff}})
	}
	for _, k := range data.Kinds {
		if f.Get("remind."+k) == "" {
			f.Values.Set("remind."+k, strconv.Itoa(data.Settings.ReminderDays[k]))
		}
	}
	if f.Get("key_target_percent") == "" {
		f.Values.Set("key_target_percent", strconv.Itoa(data.Settings.KeyTargetPercent))
	}
	p := s.page(r, "calendar.title", data)
	p.Form = f
	return s.render(w, r, status, "calendar", p)
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) error {
	return s.calendarRender(w, r, http.StatusOK, nil)
}

func (s *Server) calendarPut(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	d := formDate(r, "date", &pr)
	err := pr.Err()
	if err == nil {
		if err = s.Calendar.PutDay(r.Context(), d, r.PostFormValue("kind"), r.PostFormValue("note")); err == nil {
			return s.redirect(w, r, "/admin/calendar", "flash.calendar_saved")
		}
	}
	f := newForm(r.PostForm)
	if !s.formError(f, s.lang(r), err, calendarLabel) {
		return err
	}
	return s.calendarRender(w, r, httpStatusFor(err), f)
}

func (s *Server) calendarDelete(w http.ResponseWriter, r *http.Request) error {
	var pr ctip.Problems
	d := formDate(r, "date", &pr)
	if len(pr) > 0 || d.IsZero() {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	if err := s.Calendar.DeleteDay(r.Context(), d); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/calendar", "flash.calendar_saved")
}

func (s *Server) calendarSettings(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	set := casefile.Settings{ReminderDays: map[string]int{}, KeyTargetPercent: formInt(r, "key_target_percent")}
	for _, k := range casefile.ReminderKinds {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("remind." + k)))
		if err != nil {
			n = -1
		}
		set.ReminderDays[k] = n
	}
	err := s.Calendar.SaveSettings(r.Context(), set)
	if err == nil {
		return s.redirect(w, r, "/admin/calendar", "flash.calendar_saved")
	}
	f := newForm(r.PostForm)
	if !s.formError(f, s.lang(r), err, calendarLabel) {
		return err
	}
	return s.calendarRender(w, r, httpStatusFor(err), f)
}

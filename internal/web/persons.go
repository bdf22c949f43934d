package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/httpx"
	"ctip/internal/intake"
	"ctip/internal/person"
	"ctip/internal/victim"
)

// personRoutes are the pages of the person registry and victim files.
func (s *Server) personRoutes() []httpx.Route {
	perm := func(m, p string, perm ctip.Permission, h httpx.Handler) httpx.Route {
		return httpx.Route{Method: m, Pattern: p, Access: httpx.Permitted, Perm: perm, Handler: h}
	}
	return []httpx.Route{
		perm("GET", "/persons", ctip.PermPersonRead, s.personList),
		perm("GET", "/persons/new", ctip.PermPersonWrite, s.personNewForm),
		perm("POST", "/persons/new", ctip.PermPersonWrite, s.personCreate),
		perm("GET", "/persons/{id}", ctip.PermPersonRead, s.personShow),
		perm("GET", "/persons/{id}/edit", ctip.PermPersonRead, s.personEditForm),
		perm("POST", "/persons/{id}/edit", ctip.PermPersonRead, s.personUpdate),
		perm("POST", "/persons/{id}/reveal", ctip.PermPersonRead, s.personReveal),
		perm("POST", "/persons/{id}/break-glass", ctip.PermBreakGlass, s.personBreakGlass),
		perm("GET", "/persons/{id}/withdraw", ctip.PermPersonRead, s.personWithdrawForm),
		perm("POST", "/persons/{id}/act/{action}", ctip.PermPersonRead, s.personAct),
		perm("POST", "/persons/{id}/export", ctip.PermPersonExport, s.personExport),
		perm("POST", "/persons/{id}/link", ctip.PermPersonRead, s.personLink),
		{Method: "POST", Pattern: "/persons/{id}/photo", Access: httpx.Permitted, Perm: ctip.PermPersonRead, Handler: s.personPhotoUpload, MaxBody: 3 << 20},
		perm("GET", "/persons/{id}/photo", ctip.PermPersonRead, s.personPhoto),
		perm("GET", "/victims", ctip.PermVictimRead, s.victimList),
		perm("GET", "/victims/new", ctip.PermVictimReceive, s.victimNewForm),
		perm("POST", "/victims/new", ctip.PermVictimReceive, s.victimCreate),
		{Method: "GET", Pattern: "/victims/needs", Access: httpx.Signed, Handler: s.victimNeeds},
		perm("POST", "/victims/export", ctip.PermPersonExport, s.victimExport),
		perm("GET", "/victims/{id}", ctip.PermVictimRead, s.victimShow),
		// As the API: not entitled, whatever the role, is 404 (the service decides).
		{Method: "POST", Pattern: "/victims/{id}/reveal", Access: httpx.Signed, Handler: s.victimReveal},
		perm("POST", "/victims/{id}/break-glass", ctip.PermBreakGlass, s.victimBreakGlass),
		perm("GET", "/victims/{id}/close", ctip.PermVictimWrite, s.victimCloseForm),
		perm("POST", "/victims/{id}/act/{action}", ctip.PermVictimWrite, s.victimAct),
		perm("POST", "/victims/{id}/link-case", ctip.PermVictimRead, s.victimLinkCase),
	}
}

// pError fills a form from a service error, labelling fields from the
// persons and victims catalogues ("pfield.<name>").
func (s *Server) pError(f *Form, lang string, err error) bool {
	var ce *ctip.Error
	if !errors.As(err, &ce) {
		return false
	}
	switch ce.Kind {
	case ctip.Invalid:
		for _, fe := range ce.Fields {
			msg := s.Cat.T(lang, fe.Key, fe.Args...)
			if _, dup := f.Errors[fe.Field]; !dup {
				f.Errors[fe.Field] = msg
				label := "pfield." + fe.Field
				if k, ok := f.Labels[fe.Field]; ok {
					label = k
				}
				f.Summary = append(f.Summary, FieldMsg{Field: fe.Field, Message: s.Cat.T(lang, label) + ": " + msg})
			}
		}
		if len(ce.Fields) == 0 {
			f.General = s.Cat.T(lang, ce.Key, ce.Args...)
		}
		return true
	case ctip.Conflict, ctip.TooMany:
		f.General = s.Cat.T(lang, ce.Key, ce.Args...)
		return true
	}
	return false
}

// lines splits a textarea into trimmed non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// personChoices are the option lists of person forms.
type personChoices struct {
	Sexes     []person.Sex
	Roles     []string
	DocKinds  []string
	Platforms []string
	Ethnics   any
	Countries any
	Communes  any
}

func (s *Server) personChoices() personChoices {
	var roles []string
	for _, r := range person.Roles {
		// Victims come through a victim file, reporters through the intake item.
		if r != person.RoleVictim && r != person.RoleBeingIdentified && r != person.RoleReporter {
			roles = append(roles, r)
		}
	}
	// The form's id_number is the citizen ID; the second document field
	// takes any other kind (passport first: the commonest).
	var docs []string
	for _, k := range person.DocKinds {
		if k != person.DocCitizenID {
			docs = append(docs, k)
		}
	}
	return personChoices{Sexes: person.Sexes, Roles: roles, DocKinds: docs, Platforms: person.Platforms,
		Ethnics: s.Places.Ethnics, Countries: s.Places.Countries, Communes: s.Places.CommunesOf(s.Province)}
}

// parsePersonInput reads a person form.
func parsePersonInput(r *http.Request, p *ctip.Problems) person.Input {
	in := person.Input{FullName: r.PostFormValue("full_name"), Aliases: lines(r.PostFormValue("aliases")), Sex: r.PostFormValue("sex"),
		DateOfBirth: r.PostFormValue("date_of_birth"), EthnicCode: r.PostFormValue("ethnic_code"), Nationality: r.PostFormValue("nationality"),
		IDNumber: r.PostFormValue("id_number"), Phones: lines(r.PostFormValue("phones")), Occupation: r.PostFormValue("occupation"),
		Notes: r.PostFormValue("notes"), Role: r.PostFormValue("role"), Protect: r.PostFormValue("protect") != "",
		Permanent: person.Address{Line: r.PostFormValue("permanent_line"), CommuneCode: r.PostFormValue("permanent_commune"), Country: r.PostFormValue("permanent_country")},
		Current:   person.Address{Line: r.PostFormValue("current_line"), CommuneCode: r.PostFormValue("current_commune"), Country: r.PostFormValue("current_country")},
		Reason:    r.PostFormValue("correction_note")}
	for _, k := range []struct {
		name string
		dst  *int
	}{{"birth_year", &in.BirthYear}, {"estimated_age", &in.EstimatedAge}} {
		if v := strings.TrimSpace(r.PostFormValue(k.name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				p.Add(k.name, "person.number")
			}
			*k.dst = n
		}
	}
	if n := strings.TrimSpace(r.PostFormValue("passport")); n != "" {
		kind := r.PostFormValue("doc_kind")
		if kind == "" {
			kind = person.DocPassport
		}
		in.Documents = append(in.Documents, person.Document{Kind: kind, Number: n, Country: r.PostFormValue("passport_country")})
	}
	for _, l := range lines(r.PostFormValue("accounts")) {
		plat, handle, ok := strings.Cut(l, ":")
		if !ok {
			plat, handle = "Other", l
		}
		in.Accounts = append(in.Accounts, person.Account{Platform: strings.TrimSpace(plat), Handle: strings.TrimSpace(handle)})
	}
	return in
}

// personValues fills a form from a person (for correction).
func personValues(p *person.Person) url.Values {
	id := p.Identity
	v := url.Values{}
	v.Set("version", strconv.Itoa(p.Version))
	v.Set("full_name", id.FullName)
	v.Set("aliases", strings.Join(id.Aliases, "\n"))
	v.Set("sex", string(p.Sex))
	if !id.DateOfBirth.IsZero() {
		v.Set("date_of_birth", id.DateOfBirth.String())
	} else if p.BirthYear != 0 {
		v.Set("birth_year", strconv.Itoa(p.BirthYear))
	}
	v.Set("ethnic_code", p.EthnicCode)
	v.Set("nationality", p.Nationality)
	for _, d := range id.Documents {
		if d.Kind == person.DocCitizenID && v.Get("id_number") == "" {
			v.Set("id_number", d.Number)
		} else if d.Kind != person.DocCitizenID && v.Get("passport") == "" {
			v.Set("doc_kind", d.Kind)
			v.Set("passport", d.Number)
			v.Set("passport_country", d.Country)
		}
	}
	v.Set("phones", strings.Join(id.Phones, "\n"))
	var acc []string
	for _, a := range id.Accounts {
		acc = append(acc, a.Platform+": "+a.Handle)
	}
	v.Set("accounts", strings.Join(acc, "\n"))
	v.Set("permanent_line", id.Permanent.Line)
	v.Set("permanent_commune", id.Permanent.CommuneCode)
	v.Set("permanent_country", id.Permanent.Country)
	v.Set("current_line", id.Current.Line)
	v.Set("current_commune", id.Current.CommuneCode)
	v.Set("current_country", id.Current.Country)
	v.Set("occupation", id.Occupation)
	v.Set("notes", id.Notes)
	return v
}

// ---------- person list and search ----------

// Link targets of the registry search: where a chosen person goes.
const (
	linkIntake      = "intake_item"  // linked to the intake item, with a role
	linkCaseAccused = "case_accused" // picked for the case's new accused
	linkCaseParty   = "case_party"   // picked for the case's new victim or witness
)

// parseLink reads a link target "<kind>:<id>" ("" when there is none or it
// is not one).
func parseLink(v string) (kind string, id ctip.ID) {
	k, rest, _ := strings.Cut(v, ":")
	rid, err := ctip.ParseID(rest)
	if err != nil || (k != linkIntake && k != linkCaseAccused && k != linkCaseParty) {
		return "", ctip.NilID
	}
	return k, rid
}

type personListData struct {
	Link      string // "intake_item:<id>", "case_accused:<id>", "case_party:<id>": where the chosen person goes
	LinkKind  string
	LinkID    ctip.ID
	Roles     []string
	ListRoles []string
	Units     []unitOption
	Q         string
	Hits      []person.Hit
	Searched  bool
	Items     []*person.Person
	Pager     Pager
	Sort      map[string]string
	Filtered  bool
	Today     ctip.Date
	AgeBands  map[ctip.ID]string
}

// parsePersonFilter reads the person list's filters (role, watch list,
// wanted, owning unit) and checks the order asked for.
func parsePersonFilter(q url.Values, p *ctip.Problems) person.ListFilter {
	f := person.ListFilter{Role: q.Get("role"), Watch: q.Get("watch") != "", Wanted: q.Get("wanted") != ""}
	if f.Role != "" && !slices.Contains(person.ListRoles(), f.Role) {
		p.Add("role", "error.choice")
	}
	if v := q.Get("unit"); v != "" {
		id, err := ctip.ParseID(v)
		if err != nil {
			p.Add("unit", "error.choice")
		} else {
			f.UnitID = ctip.Some(id)
		}
	}
	checkSort(q, p, person.SortCreated, person.SortUpdated)
	return f
}

func (s *Server) personList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := s.page(r, "person.list_title", nil)
	p.Form = newForm(q)
	data := &personListData{Q: strings.TrimSpace(q.Get("q")), Today: ctip.DateOf(s.Clock.Now()), Roles: s.personChoices().Roles,
		ListRoles: person.ListRoles(), Sort: map[string]string{}}
	if data.LinkKind, data.LinkID = parseLink(q.Get("link")); data.LinkKind != "" {
		data.Link = data.LinkKind + ":" + data.LinkID.String()
	}
	p.Data = data
	if units, err := s.Auth.Units(r.Context()); err == nil {
		data.Units = unitOptions(units, nil)
	}
	if data.Q != "" {
		data.Searched = true
		hits, err := s.Persons.Search(r.Context(), data.Q)
		if err != nil {
			if s.pError(p.Form, p.Lang, err) {
				return s.render(w, r, http.StatusUnprocessableEntity, "person_list", p)
			}
			return err
		}
		data.Hits = hits
		return s.render(w, r, http.StatusOK, "person_list", p)
	}
	for _, col := range []string{person.SortCreated, person.SortUpdated} {
		data.Sort[col] = sortLink("/persons", q, col)
	}
	var pr ctip.Problems
	f := parsePersonFilter(q, &pr)
	data.Filtered = f != (person.ListFilter{})
	if err := pr.Err(); err != nil {
		s.pError(p.Form, p.Lang, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "person_list", p)
	}
	preq := pageReq(q)
	page, err := s.Persons.List(r.Context(), f, preq)
	if err != nil {
		if s.pError(p.Form, p.Lang, err) {
			return s.render(w, r, http.StatusUnprocessableEntity, "person_list", p)
		}
		return err
	}
	data.Items = page.Items
	data.AgeBands = map[ctip.ID]string{}
	for _, it := range page.Items {
		data.AgeBands[it.ID] = person.AgeBand(it.BirthYear, data.Today)
	}
	data.Pager = pager(q, preq, page.Total, "/persons")
	data.Pager.Capped = page.Capped
	return s.render(w, r, http.StatusOK, "person_list", p)
}

// ---------- create / correct ----------

type personFormData struct {
	View       *person.View
	Choices    personChoices
	Duplicates []person.Duplicate // likely existing records of the same person (dupes.go)
}

func (s *Server) personNewForm(w http.ResponseWriter, r *http.Request) error {
	p := s.page(r, "person.new_title", &personFormData{Choices: s.personChoices()})
	p.Form = newForm(url.Values{"nationality": {"VN"}, "sex": {"unknown"}})
	if kind, id := parseLink(r.URL.Query().Get("link")); kind == linkIntake {
		// Create and link to the intake item (from the item's page).
		p.Form.Values.Set("link", kind+":"+id.String())
		p.Form.Values.Set("role", person.RoleSuspect)
	}
	return s.render(w, r, http.StatusOK, "person_form", p)
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) error {
	var pr ctip.Problems
	in := parsePersonInput(r, &pr)
	in.ConfirmNew = r.PostFormValue("confirm_new") != ""
	data := &personFormData{Choices: s.personChoices()}
	p := s.page(r, "person.new_title", data)
	p.Form = newForm(r.PostForm)
	err := pr.Err()
	var v *person.View
	kind, rid := parseLink(r.PostFormValue("link"))
	if err == nil && kind == linkIntake {
		role := in.Role
		in.Role = ""
		if v, err = s.Persons.CreateLinked(r.Context(), in, kind, rid.String(), role); err == nil {
			return s.redirect(w, r, "/intake/"+rid.String(), "flash.person_linked")
		}
	} else if err == nil {
		v, err = s.Persons.Create(r.Context(), in)
	}
	if err != nil {
		if s.pError(p.Form, p.Lang, err) {
			if data.Duplicates = duplicatesOf(err); data.Duplicates != nil {
				return s.render(w, r, http.StatusConflict, "person_form", p)
			}
			return s.render(w, r, http.StatusUnprocessableEntity, "person_form", p)
		}
		return err
	}
	return s.redirect(w, r, "/persons/"+v.Person.ID.String(), "flash.person_created")
}

func (s *Server) personEditForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Persons.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if !v.CanWrite {
		return ctip.ErrForbidden()
	}
	if !v.ShowIdentity {
		return s.redirect(w, r, "/persons/"+id.String()+"#reveal", "flash.reveal_first")
	}
	p := s.page(r, "person.edit_title", &personFormData{View: v, Choices: s.personChoices()})
	p.Form = newForm(personValues(v.Person))
	return s.render(w, r, http.StatusOK, "person_form", p)
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var pr ctip.Problems
	in := parsePersonInput(r, &pr)
	in.Role = ""
	version := formInt(r, "version")
	p := s.page(r, "person.edit_title", &personFormData{Choices: s.personChoices()})
	p.Form = newForm(r.PostForm)
	err = pr.Err()
	if err == nil {
		_, err = s.Persons.Update(r.Context(), id, version, in)
	}
	if err != nil {
		if s.pError(p.Form, p.Lang, err) {
			v, gerr := s.Persons.Get(r.Context(), id)
			if gerr != nil {
				return gerr
			}
			p.Data.(*personFormData).View = v
			return s.render(w, r, http.StatusUnprocessableEntity, "person_form", p)
		}
		return err
	}
	return s.redirect(w, r, "/persons/"+id.String(), "flash.person_corrected")
}

// ---------- show, reveal, actions ----------

type personShowData struct {
	V        *person.View
	Files    []*victim.File // the person's victim files (victim.read)
	Choices  personChoices
	Today    ctip.Date
	Units    map[ctip.ID]string
	Minutes  int
	Purposes []string
	Ethnic   string
}

func (s *Server) showPerson(w http.ResponseWriter, r *http.Request, id ctip.ID, status int, form *Form) error {
	v, err := s.Persons.Get(r.Context(), id)
	if err != nil {
		return err
	}
	data := &personShowData{V: v, Choices: s.personChoices(), Today: ctip.DateOf(s.Clock.Now()), Purposes: person.ConsentPurposes}
	if v.Person.IsVictim && s.Victims != nil {
		if data.Files, err = s.Victims.FilesOf(r.Context(), id); err != nil {
			return err
		}
	}
	for _, e := range s.Places.Ethnics {
		if e.Code == v.Person.EthnicCode {
			data.Ethnic = e.Name
		}
	}
	if !v.RevealUntil.IsZero() {
		data.Minutes = int(v.RevealUntil.Sub(s.Clock.Now()).Minutes() + 0.5)
	}
	p := s.page(r, "", data)
	p.Title = v.Label()
	p.Form = form
	if p.Form == nil {
		p.Form = newForm(url.Values{})
	}
	return s.render(w, r, status, "person_show", p)
}

func (s *Server) personShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.showPerson(w, r, id, http.StatusOK, nil)
}

func (s *Server) personReveal(w http.ResponseWriter, r *http.Request) error {
	return s.personRevealKind(w, r, false)
}

func (s *Server) personBreakGlass(w http.ResponseWriter, r *http.Request) error {
	return s.personRevealKind(w, r, true)
}

func (s *Server) personRevealKind(w http.ResponseWriter, r *http.Request, glass bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	reason := r.PostFormValue("reason")
	if glass {
		_, err = s.Persons.BreakGlass(r.Context(), id, reason)
	} else {
		_, err = s.Persons.Reveal(r.Context(), id, reason)
	}
	if err != nil {
		f := newForm(r.PostForm)
		if s.pError(f, s.lang(r), err) {
			return s.showPerson(w, r, id, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	return s.redirect(w, r, "/persons/"+id.String(), "flash.identity_shown")
}

func (s *Server) personAct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	var pr ctip.Problems
	switch r.PathValue("action") {
	case "role":
		err = s.Persons.AddRole(ctx, id, person.RoleInput{Role: r.PostFormValue("role"), RecordType: r.PostFormValue("record_type"),
			RecordID: r.PostFormValue("record_id"), Note: r.PostFormValue("note")})
	case "prior":
		d := formDate(r, "decided_on", &pr)
		if err = pr.Err(); err == nil {
			err = s.Persons.AddPrior(ctx, id, person.Prior{Kind: r.PostFormValue("prior_kind"), Offence: r.PostFormValue("offence"),
				Decision: r.PostFormValue("decision"), Body: r.PostFormValue("body"), DecidedOn: d})
		}
	case "wanted":
		d := formDate(r, "issued_on", &pr)
		if err = pr.Err(); err == nil {
			err = s.Persons.AddWanted(ctx, id, person.Wanted{DecisionNumber: r.PostFormValue("decision_number"),
				IssuingBody: r.PostFormValue("issuing_body"), IssuedOn: d})
		}
	case "lift":
		d := formDate(r, "lifted_on", &pr)
		wid := formID(r, "wanted_id", &pr)
		if err = pr.Err(); err == nil {
			err = s.Persons.LiftWanted(ctx, id, wid.ID, d)
		}
	case "watch":
		d := formDate(r, "watch_until", &pr)
		if err = pr.Err(); err == nil {
			err = s.Persons.SetWatch(ctx, id, formInt(r, "version"), r.PostFormValue("watch") != "", r.PostFormValue("watch_reason"), d)
		}
	case "consent":
		d := formDate(r, "given_on", &pr)
		if err = pr.Err(); err == nil {
			_, err = s.Persons.AddConsent(ctx, id, r.PostFormValue("purpose"), r.PostFormValue("recipient"), d)
		}
	case "withdraw":
		if !confirmed(r) {
			return s.backToConfirm(w, r, "/persons/"+id.String()+"/withdraw", "consent_id")
		}
		cid := formID(r, "consent_id", &pr)
		if err = pr.Err(); err == nil {
			err = s.Persons.WithdrawConsent(ctx, id, cid.ID)
		}
	default:
		return ctip.ErrNotFound()
	}
	if err != nil {
		f := newForm(r.PostForm)
		f.Values.Set("section", r.PathValue("action"))
		if s.pError(f, s.lang(r), err) {
			return s.showPerson(w, r, id, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	return s.redirect(w, r, "/persons/"+id.String(), "flash.saved")
}

// personLink links a person to a record (an intake item, a case) with a
// role, then returns to the record.
func (s *Server) personLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rtype, rid, _ := strings.Cut(r.PostFormValue("record"), ":")
	err = nil
	if ref := strings.ToUpper(strings.TrimSpace(r.PostFormValue("reference"))); ref != "" {
		rtype = r.PostFormValue("record_type")
		rid, err = s.recordByReference(r, rtype, ref)
	}
	if err == nil {
		err = s.Persons.Link(r.Context(), id, rtype, rid, r.PostFormValue("role"))
	}
	if err != nil {
		f := newForm(r.PostForm)
		if s.pError(f, s.lang(r), err) {
			return s.showPerson(w, r, id, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	to := "/persons/" + id.String()
	if back := r.PostFormValue("back"); strings.HasPrefix(back, "/victims/") {
		to = back
	} else if rtype == "intake_item" {
		to = "/intake/" + rid
	} else if rtype == "case" {
		to = "/cases/" + rid
	}
	return s.redirect(w, r, to, "flash.person_linked")
}

// recordByReference finds the one intake item (TB-…) or case (VA-…) in the
// user's scope with a reference.
func (s *Server) recordByReference(r *http.Request, rtype, ref string) (string, error) {
	var ids []ctip.ID
	switch rtype {
	case "intake_item":
		page, err := s.Intake.List(r.Context(), intake.ViewAll, intake.Filter{Reference: ref}, ctip.PageRequest{Limit: 2})
		if err != nil && !ctip.IsKind(err, ctip.Forbidden) {
			return "", err
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
	case "case":
		if s.Cases != nil {
			page, err := s.Cases.List(r.Context(), casefile.ViewAll, casefile.Filter{Reference: ref}, ctip.PageRequest{Limit: 2})
			if err != nil && !ctip.IsKind(err, ctip.Forbidden) {
				return "", err
			}
			for _, c := range page.Items {
				ids = append(ids, c.ID)
			}
		}
	}
	var pr ctip.Problems
	switch len(ids) {
	case 1:
		return ids[0].String(), nil
	case 0:
		pr.Add("reference", "person.reference_unknown")
	default:
		pr.Add("reference", "person.reference_ambiguous")
	}
	return "", pr.Err()
}

// personPhotoUpload stores a person's photo.
func (s *Server) personPhotoUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var content []byte
	if f, _, ferr := r.FormFile("photo"); ferr == nil {
		content, err = io.ReadAll(io.LimitReader(f, person.MaxPhoto+1))
		f.Close()
		if err != nil {
			return err
		}
	}
	if err := s.Persons.SetPhoto(r.Context(), id, content); err != nil {
		f := newForm(url.Values{})
		if s.pError(f, s.lang(r), err) {
			return s.showPerson(w, r, id, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	return s.redirect(w, r, "/persons/"+id.String(), "flash.saved")
}

// personPhoto serves a photo (audited, never cached).
func (s *Server) personPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, ct, err := s.Persons.Photo(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(b)
	return err
}

// personExport sends one person's data (data-subject access) as JSON; the
// file names who exported it and when.
func (s *Server) personExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.Persons.ExportPerson(r.Context(), id, r.PostFormValue("reason"))
	if err != nil {
		f := newForm(r.PostForm)
		f.Values.Set("section", "export")
		if s.pError(f, s.lang(r), err) {
			return s.showPerson(w, r, id, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="person-%s-%s.json"`, id.String()[:8], s.Clock.Now().In(ctip.Vietnam).Format("20060102-1504")))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(b)
	return err
}

// ---------- victims ----------

type victimListData struct {
	Items    []*victim.File
	Pager    Pager
	Today    ctip.Date
	Statuses []victim.Status
	Classes  []victim.Class
	Units    []unitOption
	Sort     map[string]string
	Filter   url.Values
	Filtered bool
	AgeBands map[ctip.ID]string
}

// parseVictimFilter reads the victim list's filters: status, beneficiary
// class, receiving unit, period of reception, clocks, "my unit's".
func parseVictimFilter(q url.Values, p *ctip.Problems) victim.Filter {
	f := victim.Filter{Status: victim.Status(q.Get("status")), Mine: q.Get("mine") != "", Class: victim.Class(q.Get("class")), Clock: q.Get("clock")}
	if f.Status != "" && !slices.Contains(victim.Statuses, f.Status) {
		p.Add("status", "error.choice")
	}
	if f.Class != "" && !slices.Contains(victim.Classes, f.Class) {
		p.Add("class", "error.choice")
	}
	if f.Clock != "" && f.Clock != victim.ClockDue && f.Clock != victim.ClockOverdue {
		p.Add("clock", "error.choice")
	}
	if v := q.Get("unit"); v != "" {
		id, err := ctip.ParseID(v)
		if err != nil {
			p.Add("unit", "error.choice")
		} else {
			f.Owner = id
		}
	}
	for _, k := range []string{"from", "to"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			d, err := ctip.ParseDate(v)
			switch {
			case err != nil:
				p.Add(k, "error.date")
			case k == "from":
				f.From = d
			default:
				f.To = d
			}
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		p.Add("to", "error.date_range")
	}
	checkSort(q, p, victim.SortReceived, victim.SortPseudonym, victim.SortStatus)
	return f
}

func (s *Server) victimList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := s.page(r, "victim.list_title", nil)
	p.Form = newForm(q)
	// The receiving unit and the reception period, labelled as on the
	// filter form (not the person list's "managing unit" and "from").
	p.Form.Labels = map[string]string{"unit": "victim.filter.unit", "from": "victim.filter.from", "to": "victim.filter.to_error"}
	data := &victimListData{Today: ctip.DateOf(s.Clock.Now()), Statuses: victim.Statuses, Classes: victim.Classes, Filter: q,
		AgeBands: map[ctip.ID]string{}, Sort: map[string]string{}}
	p.Data = data
	if units, err := s.Auth.Units(r.Context()); err == nil {
		data.Units = unitOptions(units, nil)
	}
	for _, col := range []string{victim.SortReceived, victim.SortPseudonym, victim.SortStatus} {
		data.Sort[col] = sortLink("/victims", q, col)
	}
	var pr ctip.Problems
	f := parseVictimFilter(q, &pr)
	data.Filtered = f != (victim.Filter{})
	if err := pr.Err(); err != nil {
		s.pError(p.Form, p.Lang, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "victim_list", p)
	}
	preq := pageReq(q)
	page, err := s.Victims.List(r.Context(), f, preq)
	if err != nil {
		if s.pError(p.Form, p.Lang, err) {
			return s.render(w, r, http.StatusUnprocessableEntity, "victim_list", p)
		}
		return err
	}
	data.Items = page.Items
	for _, f := range page.Items {
		data.AgeBands[f.ID] = person.AgeBand(f.BirthYear, data.Today)
	}
	data.Pager = pager(q, preq, page.Total, "/victims")
	return s.render(w, r, http.StatusOK, "victim_list", p)
}

type victimNewData struct {
	Choices    personChoices
	Channels   []string
	Duplicates []person.Duplicate // likely existing records of the same person (dupes.go)
	Existing   *person.View       // the registry person being received (?person=, person_id)
	Handover   bool               // the actor's unit is not the health department
}

// existingPerson reads the registry person a reception names (the page
// shows the name, or the pseudonym of a protected person); the service
// decides at the reception whether the actor may receive them.
func (s *Server) existingPerson(r *http.Request, raw string) (*person.View, error) {
	id, err := ctip.ParseID(strings.TrimSpace(raw))
	if err != nil {
		return nil, ctip.ErrNotFound()
	}
	return s.Persons.Get(r.Context(), id)
}

func (s *Server) victimNewForm(w http.ResponseWriter, r *http.Request) error {
	data := &victimNewData{Choices: s.personChoices(), Channels: victim.Channels, Handover: ctip.ActorFrom(r.Context()).UnitKind != ctip.UnitHealth}
	vals := url.Values{"nationality": {"VN"}, "received_at": {s.Clock.Now().In(ctip.Vietnam).Format(datetimeLocal)}}
	if raw := r.URL.Query().Get("person"); raw != "" {
		v, err := s.existingPerson(r, raw)
		var me *person.MergedError
		if errors.As(err, &me) {
			// A merged record: receive on the surviving one (only a user who may see it gets here).
			http.Redirect(w, r, "/victims/new?person="+me.Into.String(), http.StatusSeeOther)
			return nil
		}
		if err != nil {
			return err
		}
		data.Existing = v
		vals.Set("person_id", v.Person.ID.String())
		vals.Set("person_version", strconv.Itoa(v.Person.Version))
	}
	p := s.page(r, "victim.new_title", data)
	p.Form = newForm(vals)
	return s.render(w, r, http.StatusOK, "victim_new", p)
}

func formTime(r *http.Request, name string, p *ctip.Problems) time.Time {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(datetimeLocal, v, ctip.Vietnam)
	if err != nil {
		p.Add(name, "error.datetime")
	}
	return t
}

func (s *Server) victimCreate(w http.ResponseWriter, r *http.Request) error {
	var pr ctip.Problems
	in := victim.ReceiveInput{ReceivedAt: formTime(r, "received_at", &pr), Channel: r.PostFormValue("channel"),
		ReceptionBody: r.PostFormValue("reception_body"), ReceptionCommune: r.PostFormValue("reception_commune"),
		ReceptionCountry: r.PostFormValue("reception_country"), FoundAbroad: r.PostFormValue("found_abroad") != "",
		StatelessResident: r.PostFormValue("stateless_resident") != "", Accompanies: r.PostFormValue("accompanies")}
	form := r.PostForm
	if use := r.PostFormValue("use_person"); use != "" {
		// "Receive this person" on a duplicate candidate: "<id>.<version>".
		id, ver, _ := strings.Cut(use, ".")
		form = cloneValues(r.PostForm)
		form.Set("person_id", id)
		form.Set("person_version", ver)
		form.Del("use_person")
	}
	data := &victimNewData{Choices: s.personChoices(), Channels: victim.Channels, Handover: ctip.ActorFrom(r.Context()).UnitKind != ctip.UnitHealth}
	if raw := form.Get("person_id"); raw != "" {
		ev, err := s.existingPerson(r, raw)
		if err != nil {
			return err
		}
		data.Existing = ev
		in.PersonID = ctip.Some(ev.Person.ID)
		in.PersonVersion, _ = strconv.Atoi(strings.TrimSpace(form.Get("person_version")))
	} else {
		in.Person = parsePersonInput(r, &pr)
		in.Person.Role = ""
		in.Person.ConfirmNew = r.PostFormValue("confirm_new") != ""
	}
	p := s.page(r, "victim.new_title", data)
	p.Form = newForm(form)
	err := pr.Err()
	var v *victim.View
	if err == nil {
		v, err = s.Victims.Receive(r.Context(), in)
	}
	if err != nil {
		if s.pError(p.Form, p.Lang, err) {
			if data.Duplicates = duplicatesOf(err); data.Duplicates != nil {
				return s.render(w, r, http.StatusConflict, "victim_new", p)
			}
			if ctip.IsKind(err, ctip.Conflict) {
				return s.render(w, r, http.StatusConflict, "victim_new", p)
			}
			return s.render(w, r, http.StatusUnprocessableEntity, "victim_new", p)
		}
		return err
	}
	return s.redirect(w, r, "/victims/"+v.File.ID.String(), "flash.victim_received")
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

type victimShowData struct {
	V        *victim.View
	Today    ctip.Date
	Minutes  int
	Lists    victimLists
	Section  string
	Police   any
	Regimes  []victim.Regime
	Allowed  map[victim.Regime]bool
	Closable []string
	num      func(int) string
}

// multiArg is the argument of the "multi" template (a picklist of checkboxes).
type multiArg struct {
	P    *Page
	Name string
	List []string
}

// Multi builds the argument of the "multi" template.
func (d *victimShowData) Multi(p *Page, name string, list []string) multiArg {
	return multiArg{P: p, Name: name, List: list}
}

// Money formats an amount of đồng in the page's language.
func (d *victimShowData) Money(n int64) string { return d.num(int(n)) }

type victimLists struct {
	Grounds, Bodies, Types, SexTypes, Control, Recruitment, Relations, Platforms, Measures, Risks, Needs, Schooling, SupportStatuses []string
}

func (s *Server) showVictim(w http.ResponseWriter, r *http.Request, id ctip.ID, status int, form *Form) error {
	v, err := s.Victims.Get(r.Context(), id)
	if err != nil {
		return err
	}
	data := &victimShowData{V: v, Today: ctip.DateOf(s.Clock.Now()), Regimes: victim.Regimes, Allowed: map[victim.Regime]bool{}, Closable: victim.CloseReasons,
		Lists: victimLists{Grounds: victim.Grounds, Bodies: victim.DecidingBodies, Types: victim.ExploitationTypes, SexTypes: victim.SexExploitationTypes,
			Control: victim.ControlMeans, Recruitment: victim.RecruitmentMethods, Relations: victim.RecruiterRelations, Platforms: person.Platforms,
			Measures: victim.Measures, Risks: victim.RiskLevels, Needs: victim.Needs, Schooling: victim.SchoolingValues, SupportStatuses: victim.SupportStatuses}}
	for _, rg := range v.ClassRule.Regimes {
		data.Allowed[rg] = true
	}
	if !v.Person.RevealUntil.IsZero() {
		data.Minutes = int(v.Person.RevealUntil.Sub(s.Clock.Now()).Minutes() + 0.5)
	}
	p := s.page(r, "", data)
	p.Title = v.Label()
	p.Form = form
	if p.Form == nil {
		p.Form = newForm(url.Values{})
	}
	data.Section = p.Form.Get("section")
	data.num = p.Num
	return s.render(w, r, status, "victim_show", p)
}

func (s *Server) victimShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.showVictim(w, r, id, http.StatusOK, nil)
}

func (s *Server) victimReveal(w http.ResponseWriter, r *http.Request) error {
	return s.victimRevealKind(w, r, false)
}

func (s *Server) victimBreakGlass(w http.ResponseWriter, r *http.Request) error {
	return s.victimRevealKind(w, r, true)
}

func (s *Server) victimRevealKind(w http.ResponseWriter, r *http.Request, glass bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if glass {
		_, err = s.Victims.BreakGlass(r.Context(), id, r.PostFormValue("reason"))
	} else {
		_, err = s.Victims.Reveal(r.Context(), id, r.PostFormValue("reason"))
	}
	if err != nil {
		f := newForm(r.PostForm)
		f.Values.Set("section", "reveal")
		if s.pError(f, s.lang(r), err) {
			return s.showVictim(w, r, id, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	return s.redirect(w, r, "/victims/"+id.String(), "flash.identity_shown")
}

func (s *Server) victimAct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	var pr ctip.Problems
	version := formInt(r, "version")
	action := r.PathValue("action")
	switch action {
	case "flow":
		in := victim.FlowInput{CommuneNotifiedAt: formTime(r, "commune_notified_at", &pr), HealthReceivedAt: formTime(r, "health_received_at", &pr),
			VerifiedOn: formDate(r, "verified_on", &pr)}
		if err = pr.Err(); err == nil {
			_, err = s.Victims.Flow(ctx, id, version, in)
		}
	case "identify":
		in := victim.IdentifyInput{Status: victim.Status(r.PostFormValue("status")), DecidedOn: formDate(r, "decided_on", &pr),
			DecidingBody: r.PostFormValue("deciding_body"), DecisionNumber: r.PostFormValue("decision_number"), Grounds: r.PostForm["grounds"],
			Documents: r.PostFormValue("documents")}
		if err = pr.Err(); err == nil {
			_, err = s.Victims.Identify(ctx, id, version, in)
		}
	case "exploitation":
		in := victim.Exploitation{Types: r.PostForm["types"], SexTypes: r.PostForm["sex_types"], Control: r.PostForm["control"],
			Recruitment: r.PostForm["recruitment"], Platforms: r.PostForm["platforms"], RecruiterRelation: r.PostFormValue("recruiter_relation"),
			AgeWhenTrafficked: formInt(r, "age_when_trafficked"), OriginCommune: r.PostFormValue("origin_commune"), Transit: r.PostFormValue("transit"),
			DestinationProvince: r.PostFormValue("destination_province"), DestinationCountry: r.PostFormValue("destination_country"),
			DepartedOn: formDate(r, "departed_on", &pr), ArrivedOn: formDate(r, "arrived_on", &pr)}
		if err = pr.Err(); err == nil {
			_, err = s.Victims.SetExploitation(ctx, id, version, in)
		}
	case "child":
		_, err = s.Victims.SetChild(ctx, id, version, victim.ChildInput{Guardian: r.PostFormValue("guardian"), Schooling: r.PostFormValue("schooling")})
	case "support":
		amount, aerr := strconv.ParseInt(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(r.PostFormValue("amount"), ".", ""), " ", "")), 10, 64)
		if aerr != nil && strings.TrimSpace(r.PostFormValue("amount")) != "" {
			pr.Add("amount", "person.number")
		}
		in := victim.SupportInput{Regime: r.PostFormValue("regime"), Provider: r.PostFormValue("provider"), ProvidedOn: formDate(r, "provided_on", &pr),
			Amount: amount, Status: r.PostFormValue("status"), ReferralTo: r.PostFormValue("referral_to"), Consent: r.PostFormValue("consent") != "",
			Note: r.PostFormValue("note"), Extension: r.PostFormValue("extension")}
		if err = pr.Err(); err == nil {
			_, err = s.Victims.AddSupport(ctx, id, in)
		}
	case "followup":
		in := victim.FollowUpInput{PlannedOn: formDate(r, "planned_on", &pr), DoneOn: formDate(r, "done_on", &pr), Findings: r.PostFormValue("findings")}
		if err = pr.Err(); err == nil {
			_, err = s.Victims.AddFollowUp(ctx, id, in)
		}
	case "followup_done":
		d := formDate(r, "done_on", &pr)
		fid := formID(r, "followup_id", &pr)
		if err = pr.Err(); err == nil {
			_, err = s.Victims.CompleteFollowUp(ctx, id, fid.ID, d, r.PostFormValue("findings"))
		}
	case "protection", "rescue":
		in := victim.ProtectionInput{Kind: action, ProtectedWho: r.PostFormValue("protected_who"), Relative: r.PostFormValue("relative"),
			Measure: r.PostFormValue("measure"), Force: r.PostFormValue("force"), Risk: r.PostFormValue("risk"), Assessment: r.PostFormValue("assessment"),
			From: formDate(r, "from", &pr), To: formDate(r, "to", &pr)}
		if err = pr.Err(); err == nil {
			_, err = s.Victims.AddProtection(ctx, id, in)
		}
	case "close":
		if !confirmed(r) {
			return s.backToConfirm(w, r, "/victims/"+id.String()+"/close", "close_reason", "closed_on", "version")
		}
		d := formDate(r, "closed_on", &pr)
		if err = pr.Err(); err == nil {
			_, err = s.Victims.Close(ctx, id, version, r.PostFormValue("close_reason"), d)
		}
	case "survey":
		err = s.Victims.Survey(ctx, id, r.PostFormValue("consent") != "", r.PostForm["needs"])
	default:
		return ctip.ErrNotFound()
	}
	if err != nil {
		f := newForm(r.PostForm)
		f.Values.Set("section", action)
		if s.pError(f, s.lang(r), err) {
			return s.showVictim(w, r, id, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	if action == "followup_done" {
		action = "followup"
	}
	return s.redirect(w, r, "/victims/"+id.String()+"#"+action, "flash.saved")
}

// victimLinkCase links a victim file to a case found by its number.
func (s *Server) victimLinkCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ref := strings.ToUpper(strings.TrimSpace(r.PostFormValue("reference")))
	cid := ctip.NilID
	var refErr error
	if ref != "" {
		var caseID string
		if caseID, refErr = s.recordByReference(r, "case", ref); refErr == nil {
			cid, _ = ctip.ParseID(caseID)
		}
	}
	// The service checks who may link before it looks at the number.
	err = s.Victims.LinkCase(r.Context(), id, cid, r.PostFormValue("reason"))
	if ctip.IsKind(err, ctip.Invalid) && refErr != nil {
		err = refErr
	}
	if err != nil {
		f := newForm(r.PostForm)
		f.Values.Set("section", "link")
		if s.pError(f, s.lang(r), err) {
			return s.showVictim(w, r, id, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	return s.redirect(w, r, "/victims/"+id.String(), "flash.person_linked")
}

type needsData struct {
	V *victim.NeedsView
}

func (s *Server) victimNeeds(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v, err := s.Victims.Needs(r.Context(), q.Get("from"), q.Get("to"))
	p := s.page(r, "victim.needs_title", &needsData{V: v})
	p.Form = newForm(q)
	if err != nil {
		if s.pError(p.Form, p.Lang, err) {
			p.Data = &needsData{V: &victim.NeedsView{}}
			return s.render(w, r, http.StatusUnprocessableEntity, "victim_needs", p)
		}
		return err
	}
	return s.render(w, r, http.StatusOK, "victim_needs", p)
}

// victimExport writes the identities of the unit's victim files as CSV,
// with who exported them, when and why in the first lines.
func (s *Server) victimExport(w http.ResponseWriter, r *http.Request) error {
	reason := r.PostFormValue("reason")
	rows, err := s.Victims.ExportIdentities(r.Context(), reason)
	if err != nil {
		f := newForm(r.PostForm)
		if s.pError(f, s.lang(r), err) {
			q := r.URL.Query()
			p := s.page(r, "victim.list_title", &victimListData{Today: ctip.DateOf(s.Clock.Now()), Statuses: victim.Statuses, Filter: q, AgeBands: map[ctip.ID]string{}})
			p.Form = f
			return s.render(w, r, http.StatusUnprocessableEntity, "victim_list", p)
		}
		return err
	}
	a := ctip.ActorFrom(r.Context())
	now := s.Clock.Now().In(ctip.Vietnam)
	var b strings.Builder
	b.WriteString("\ufeff")
	fmt.Fprintf(&b, "# %s;%s;%s\r\n", csvCell("exported_by="+a.Username), csvCell("exported_at="+now.Format(time.RFC3339)), csvCell("reason="+strings.TrimSpace(reason)))
	b.WriteString("pseudonym,full_name,date_of_birth,id_numbers,phones,vic_TraffickingStatus,prs_Gender\r\n")
	for _, row := range rows {
		status := map[string]string{"victim": "ActualVictimOfTrafficking", "being_identified": "PossibleVictimOfTrafficking", "not_victim": "NotAVictimOfTrafficking"}[row.Status]
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\r\n", csvCell(row.Pseudonym), csvCell(row.FullName), csvCell(row.DateOfBirth), csvCell(row.IDNumbers),
			csvCell(row.Phones), status, row.Sex)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="victims-identities-%s.csv"`, now.Format("20060102-1504")))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(b.String()))
	return err
}

// csvCell quotes a CSV cell and guards against formula injection.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		v = "'" + v
	}
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}

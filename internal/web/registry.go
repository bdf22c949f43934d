package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ctip"
	"ctip/internal/httpx"
	"ctip/internal/person"
)

// registryRoutes are the registry's upkeep pages: merging two records of
// one person (unit heads) and the registry settings (administrators).
func (s *Server) registryRoutes() []httpx.Route {
	perm := func(m, p string, perm ctip.Permission, h httpx.Handler) httpx.Route {
		return httpx.Route{Method: m, Pattern: p, Access: httpx.Permitted, Perm: perm, Handler: h}
	}
	return []httpx.Route{
		perm("GET", "/persons/{id}/merge", ctip.PermPersonMerge, s.personMergeForm),
		perm("POST", "/persons/{id}/merge", ctip.PermPersonMerge, s.personMerge),
		perm("GET", "/admin/persons", ctip.PermAdminSettings, s.personSettingsPage),
		perm("POST", "/admin/persons", ctip.PermAdminSettings, s.personSettingsSave),
	}
}

// duplicatesOf returns the candidates of a new record refused as a likely
// duplicate (nil for any other error).
func duplicatesOf(err error) []person.Duplicate {
	var de *person.DuplicateError
	if errors.As(err, &de) {
		return de.Candidates
	}
	return nil
}

// mergedRedirect sends a GET of a merged record's page to the surviving
// record's page (the service answers MergedError only to a user who may see
// the survivor; anyone else gets NotFound).
func mergedRedirect(w http.ResponseWriter, r *http.Request, err error) bool {
	var me *person.MergedError
	if !errors.As(err, &me) || r.Method != http.MethodGet {
		return false
	}
	id := r.PathValue("id")
	if id == "" || !strings.Contains(r.URL.Path, id) {
		return false
	}
	to := strings.Replace(r.URL.Path, id, me.Into.String(), 1)
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return true
}

// ---------- merge ----------

type personMergeData struct {
	ID      ctip.ID
	Preview *person.MergePreview
	Sides   []*person.View // survivor, merged
	Today   ctip.Date
	Ethnics map[string]string
}

// otherID reads the other record from a form value: an ID or a link to the
// record's page.
func otherID(v string) (ctip.ID, bool) {
	v = strings.TrimSpace(v)
	if i := strings.LastIndex(v, "/persons/"); i >= 0 {
		v = v[i+len("/persons/"):]
	}
	v, _, _ = strings.Cut(v, "/")
	id, err := ctip.ParseID(v)
	return id, err == nil
}

func (s *Server) mergeRender(w http.ResponseWriter, r *http.Request, status int, id ctip.ID, other string, f *Form) error {
	data := &personMergeData{ID: id, Today: ctip.DateOf(s.Clock.Now()), Ethnics: map[string]string{}}
	for _, e := range s.Places.Ethnics {
		data.Ethnics[e.Code] = e.Name
	}
	p := s.page(r, "merge.title", data)
	p.Form = f
	if p.Form == nil {
		p.Form = newForm(url.Values{"other": {other}})
	}
	if other != "" {
		oid, ok := otherID(other)
		var err error
		if !ok {
			err = ctip.Problems{{Field: "other", Key: "merge.other_invalid"}}.Err()
		} else {
			data.Preview, err = s.Persons.PreviewMerge(r.Context(), id, oid)
		}
		if err != nil {
			if mergedRedirect(w, r, err) {
				return nil
			}
			if !s.pError(p.Form, p.Lang, err) {
				var ce *ctip.Error
				if !errors.As(err, &ce) || ce.Kind != ctip.Forbidden {
					return err
				}
				p.Form.General = s.Cat.T(p.Lang, ce.Key, ce.Args...)
			}
			data.Preview = nil
			if status == http.StatusOK {
				status = httpx.StatusOf(err)
			}
		} else {
			p.Form.Values.Set("other", oid.String())
			data.Sides = []*person.View{data.Preview.Survivor, data.Preview.Merged}
		}
	}
	return s.render(w, r, status, "person_merge", p)
}

func (s *Server) personMergeForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Persons.Get(r.Context(), id); err != nil {
		if mergedRedirect(w, r, err) {
			return nil
		}
		return err
	}
	return s.mergeRender(w, r, http.StatusOK, id, r.URL.Query().Get("other"), nil)
}

func (s *Server) personMerge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	other := r.PostFormValue("other")
	oid, ok := otherID(other)
	if !ok {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	_, err = s.Persons.Merge(r.Context(), id, oid, formInt(r, "survivor_version"), formInt(r, "merged_version"), r.PostFormValue("reason"))
	if err == nil {
		return s.redirect(w, r, "/persons/"+id.String(), "flash.person_merged")
	}
	f := newForm(r.PostForm)
	if !s.pError(f, s.lang(r), err) {
		return err
	}
	return s.mergeRender(w, r, httpStatusFor(err), id, other, f)
}

// ---------- settings ----------

type personSettingsData struct {
	Current         person.Settings
	Bounds          map[string][2]int
	RetentionFields []string
}

var settingsFields = []string{"reveal_minutes", "break_glass_minutes", "retain_protected_years", "retain_witness_years", "retain_not_victim_years"}

func settingsValues(st person.Settings) url.Values {
	v := url.Values{"stamp": {st.Stamp()}}
	for i, n := range []int{st.RevealMinutes, st.GlassMinutes, st.Retention.ProtectedYears, st.Retention.WitnessYears, st.Retention.NotVictimYears} {
		v.Set(settingsFields[i], strconv.Itoa(n))
	}
	return v
}

func (s *Server) settingsRender(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	cur := s.Persons.Settings()
	data := &personSettingsData{Current: cur, Bounds: map[string][2]int{
		"reveal_minutes":      {person.MinRevealMinutes, person.MaxRevealMinutes},
		"break_glass_minutes": {person.MinGlassMinutes, person.MaxGlassMinutes},
		"years":               {person.MinRetainYears, person.MaxRetainYears},
	}, RetentionFields: settingsFields[2:]}
	p := s.page(r, "psettings.title", data)
	p.Form = f
	if p.Form == nil {
		p.Form = newForm(settingsValues(cur))
	}
	return s.render(w, r, status, "person_settings", p)
}

func (s *Server) personSettingsPage(w http.ResponseWriter, r *http.Request) error {
	return s.settingsRender(w, r, http.StatusOK, nil)
}

func (s *Server) personSettingsSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	num := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name)))
		if err != nil {
			return -1 // refused by the bounds, with the field named
		}
		return n
	}
	st := person.Settings{RevealMinutes: num("reveal_minutes"), GlassMinutes: num("break_glass_minutes"),
		Retention: person.Retention{ProtectedYears: num("retain_protected_years"), WitnessYears: num("retain_witness_years"), NotVictimYears: num("retain_not_victim_years")}}
	err := s.Persons.SaveSettings(r.Context(), r.PostFormValue("stamp"), st)
	if err == nil {
		return s.redirect(w, r, "/admin/persons", "flash.settings_saved")
	}
	f := newForm(r.PostForm)
	if !s.pError(f, s.lang(r), err) {
		return err
	}
	return s.settingsRender(w, r, httpStatusFor(err), f)
}

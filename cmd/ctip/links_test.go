package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/person"
)

// In the browser: the case's accused form offers the registry search; the
// person chosen there is charged; the case page and the person page link to
// each other.
func TestWebCaseAccusedFromRegistry(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		cat := h.app.cat
		fx := h.caseFixture()
		cid := fx.c.ID.String()
		c := h.login(auth.RoleInvestigator)
		sus := h.personFixture().suspect
		form := c.get("/cases/" + cid + "/accused/new")
		if !strings.Contains(form.text(), `href="/persons?link=case_accused:`+cid+`"`) {
			t.Fatalf("accused form without the registry search:\n%.3000s", form.text())
		}
		hits := c.get("/persons?link=case_accused:" + cid + "&q=" + url.QueryEscape("giang a pao"))
		pick := `/cases/` + cid + `/accused/new?person=` + sus.String()
		if !strings.Contains(hits.text(), pick) || !strings.Contains(hits.text(), cat.T("vi", "person.pick_mode")) {
			t.Fatalf("search in pick mode:\n%.3000s", hits.text())
		}
		picked := c.get(pick)
		if !strings.Contains(picked.text(), `name="person_id" value="`+sus.String()+`"`) || !strings.Contains(picked.text(), fxSuspectName) {
			t.Fatalf("form with the chosen person:\n%.3000s", picked.text())
		}
		v, _ := h.app.cases.Get(h.actorCtx(auth.RoleInvestigator), fx.c.ID)
		post := url.Values{"version": {strconv.Itoa(v.Case.Version)}, "person_id": {sus.String()}, "charges.0.article": {"150"}, "charges.0.clause": {"2"},
			"document_number": {"09/QĐ-KTBC"}, "document_date": {"2026-02-20"}, "signer": {"Thượng tá"}}
		// Someone the investigator may not see: refused on the field, nothing written.
		bad := url.Values{}
		for k, vs := range post {
			bad[k] = vs
		}
		bad.Set("person_id", ctip.NewID().String())
		if r := c.postForm("/cases/"+cid+"/accused/new", bad); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), cat.T("vi", "person.pick_unknown")) {
			t.Fatalf("unknown person: %d %.2000s", r.StatusCode, r.text())
		}
		if r := c.postForm("/cases/"+cid+"/accused/new", post); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("charge the chosen person: %d %.3000s", r.StatusCode, r.text())
		}
		page := c.get("/cases/" + cid)
		if !strings.Contains(page.text(), `<a href="/persons/`+sus.String()+`">`+fxSuspectName+`</a>`) {
			t.Errorf("case page does not link the accused to the registry:\n%.4000s", page.text())
		}
		pp := c.get("/persons/" + sus.String())
		if !strings.Contains(pp.text(), cid) {
			t.Errorf("person page does not list the case")
		}
		// Details that look like a registry person: the candidates, a pick
		// link, nothing written; confirmed as new, a new registry person.
		v, _ = h.app.cases.Get(h.actorCtx(auth.RoleInvestigator), fx.c.ID)
		witness := url.Values{"version": {strconv.Itoa(v.Case.Version)}, "role": {"witness"}, "name": {fxSuspectName}, "sex": {"male"}, "birth_year": {"1985"}}
		persons := h.countRows("persons")
		r := c.postForm("/cases/"+cid+"/parties/new", witness)
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.text(), `href="/cases/`+cid+`/parties/new?person=`+sus.String()+`"`) ||
			!strings.Contains(r.text(), `id="confirm-new"`) || h.countRows("persons") != persons {
			t.Fatalf("likely duplicate: %d %.3000s", r.StatusCode, r.text())
		}
		witness.Set("confirm_new", "1")
		if r := c.postForm("/cases/"+cid+"/parties/new", witness); r.StatusCode != http.StatusSeeOther || h.countRows("persons") != persons+1 {
			t.Fatalf("confirmed new: %d %.2000s", r.StatusCode, r.text())
		}
		// A victim entered on the party form: a protected person; the case page shows the pseudonym.
		v, _ = h.app.cases.Get(h.actorCtx(auth.RoleInvestigator), fx.c.ID)
		r = c.postForm("/cases/"+cid+"/parties/new", url.Values{"version": {strconv.Itoa(v.Case.Version)}, "role": {"victim"},
			"name": {"Hờ Thị Dua"}, "sex": {"female"}, "birth_year": {"2005"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("victim party: %d %.2000s", r.StatusCode, r.text())
		}
		page = c.get("/cases/" + cid)
		if strings.Contains(page.text(), "Hờ Thị Dua") || !strings.Contains(page.text(), ">NN-2026-") {
			t.Errorf("case page shows a victim's name or no pseudonym")
		}
		if strings.Contains(h.login(auth.RoleProcurator).get("/cases/"+cid).text(), "Hờ Thị Dua") {
			t.Errorf("the procurator sees the victim's name on the case page")
		}
	})
}

// Intake: create and link from the item's page; the reporter recorded as a
// protected person only by who may see them, and then hidden from everyone else.
func TestWebIntakeRegistryLinks(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		cat := h.app.cat
		id := h.item.ID.String()
		inv := h.login(auth.RoleInvestigator)
		if r := inv.get("/persons?link=intake_item:" + id + "&q=nobody"); !strings.Contains(r.text(), `href="/persons/new?link=intake_item:`+id+`"`) {
			t.Fatalf("no create-and-link in link mode:\n%.2000s", r.text())
		}
		form := inv.get("/persons/new?link=intake_item:" + id)
		if !strings.Contains(form.text(), `name="link" value="intake_item:`+id+`"`) {
			t.Fatalf("person form without the link")
		}
		r := inv.postForm("/persons/new", url.Values{"link": {"intake_item:" + id}, "full_name": {"Lầu A Sình"}, "sex": {"male"}, "role": {"suspect"}, "nationality": {"VN"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/intake/"+id {
			t.Fatalf("create and link: %d %s", r.StatusCode, r.text())
		}
		page := inv.get("/intake/" + id)
		if !strings.Contains(page.text(), "Lầu A Sình") {
			t.Errorf("the item page does not list the linked person")
		}
		// The role "reporter" is refused through the registry's link (and nothing written).
		persons := h.countRows("persons")
		r = inv.postForm("/persons/new", url.Values{"link": {"intake_item:" + id}, "full_name": {"Quàng Văn Thắng"}, "role": {"reporter"}})
		if r.StatusCode != http.StatusUnprocessableEntity || h.countRows("persons") != persons {
			t.Errorf("reporter through the registry: %d, persons %d → %d", r.StatusCode, persons, h.countRows("persons"))
		}
		// The investigator (not assigned) may not see the reporter, so may not record them.
		if r := inv.postForm("/intake/"+id+"/reporter/link", url.Values{}); r.StatusCode != http.StatusNotFound {
			t.Errorf("investigator links the reporter: %d", r.StatusCode)
		}
		if strings.Contains(page.text(), `id="reporter-link"`) {
			t.Errorf("the investigator is offered the reporter link")
		}
		lead := h.login(auth.RoleLeader)
		if !strings.Contains(lead.get("/intake/"+id).text(), `id="reporter-link"`) {
			t.Errorf("the leader is not offered the reporter link")
		}
		if r := lead.postForm("/intake/"+id+"/reporter/link", url.Values{}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("leader links the reporter: %d %s", r.StatusCode, r.text())
		}
		page = lead.get("/intake/" + id)
		if !strings.Contains(page.text(), cat.T("vi", "flash.reporter_linked")) || !strings.Contains(page.text(), ">NN-2026-") || strings.Contains(page.text(), `id="reporter-link"`) {
			t.Errorf("after the reporter link:\n%.3000s", page.text())
		}
		if r := lead.postForm("/intake/"+id+"/reporter/link", url.Values{}); r.StatusCode != http.StatusSeeOther ||
			!strings.Contains(lead.get("/intake/"+id).text(), cat.T("vi", "flash.reporter_already_linked")) {
			t.Errorf("second reporter link: %d", r.StatusCode)
		}
		if n := h.countRows("person_links WHERE role = 'reporter'"); n != 1 {
			t.Errorf("%d reporter links", n)
		}
		// In the registry: the leader finds and reveals the reporter; the
		// unit's investigators (victim.identity) neither find nor reveal them.
		var pid ctip.ID
		if err := h.app.db.QueryRow(t0(), `SELECT person_id FROM person_links WHERE role = 'reporter'`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		hits, err := h.app.persons.Search(h.actorCtx(auth.RoleInvestigator), "Quàng Văn Thắng")
		if err != nil || len(hits) != 0 {
			t.Errorf("the investigator finds the reporter: %+v %v", hits, err)
		}
		if _, err := h.app.persons.Reveal(h.actorCtx(auth.RoleInvestigator), pid, "Cần liên hệ người tố giác"); !ctip.IsKind(err, ctip.NotFound) {
			t.Errorf("the investigator reveals the reporter: %v", err)
		}
		hits, err = h.app.persons.Search(h.actorCtx(auth.RoleLeader), "0987654321")
		if err != nil || len(hits) != 1 || hits[0].ID != pid || hits[0].Label == "Quàng Văn Thắng" {
			t.Errorf("the leader's search: %+v %v", hits, err)
		}
		v, err := h.app.persons.Reveal(h.actorCtx(auth.RoleLeader), pid, "Xác minh lại nội dung tố giác")
		if err != nil || v.Person.Identity.FullName != "Quàng Văn Thắng" || len(v.Person.Identity.Phones) != 1 {
			t.Errorf("the leader reveals: %+v %v", v, err)
		}
	})
}

func (h *harness) countRows(from string) int {
	h.t.Helper()
	var n int
	if err := h.app.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+from).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// The API: link an existing person or record a new one on an intake item;
// refused roles and unknown persons write nothing; a case accused with an
// unknown person_id is refused on that field.
func TestAPIIntakePersonsAndCasePersonID(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		tok := h.token(auth.RoleInvestigator)
		id := h.item.ID.String()
		sus := h.personFixture().suspect
		r := h.api(tok, "POST", "/api/v1/intake/"+id+"/persons", map[string]any{"person": map[string]any{"full_name": "Lầu A Sình", "sex": "male"}, "role": "suspect"})
		var link struct {
			PersonID string `json:"person_id"`
			Role     string `json:"role"`
		}
		decodeJSON(t, r, &link)
		if r.StatusCode != 201 || link.Role != "suspect" || link.PersonID == "" {
			t.Fatalf("create and link: %d %s", r.StatusCode, r.text())
		}
		if r := h.api(tok, "POST", "/api/v1/intake/"+id+"/persons", map[string]any{"person_id": sus.String(), "role": "recruiter"}); r.StatusCode != 201 {
			t.Fatalf("link existing: %d %s", r.StatusCode, r.text())
		}
		before := h.countRows("persons") + h.countRows("person_links")
		for _, c := range []struct {
			name  string
			body  map[string]any
			code  int
			field string
		}{
			{"victim", map[string]any{"person": map[string]any{"full_name": "Ai Đó"}, "role": "victim"}, 422, "role"},
			{"reporter", map[string]any{"person_id": sus.String(), "role": "reporter"}, 422, "role"},
			{"both", map[string]any{"person_id": sus.String(), "person": map[string]any{"full_name": "Ai Đó"}, "role": "witness"}, 422, "person"},
			{"nameless", map[string]any{"person": map[string]any{"sex": "male"}, "role": "witness"}, 422, "full_name"},
			{"unknown person", map[string]any{"person_id": ctip.NewID().String(), "role": "witness"}, 404, ""},
			{"twice", map[string]any{"person_id": sus.String(), "role": "recruiter"}, 409, ""},
		} {
			r := h.api(tok, "POST", "/api/v1/intake/"+id+"/persons", c.body)
			var p problem
			decodeJSON(t, r, &p)
			if r.StatusCode != c.code || c.field != "" && !strings.Contains(strings.Join(fieldsOf(p), ","), c.field) {
				t.Errorf("%s: %d %+v", c.name, r.StatusCode, p)
			}
		}
		if after := h.countRows("persons") + h.countRows("person_links"); after != before {
			t.Errorf("refused links wrote rows: %d → %d", before, after)
		}
		r = h.api(tok, "GET", "/api/v1/intake/"+id+"/persons", nil)
		var list struct {
			Items []struct {
				ID    string   `json:"id"`
				Label string   `json:"label"`
				Roles []string `json:"roles"`
			} `json:"items"`
		}
		decodeJSON(t, r, &list)
		labels := map[string]bool{}
		for _, it := range list.Items {
			labels[it.Label] = true
		}
		if r.StatusCode != 200 || len(list.Items) != 2 || !labels["Lầu A Sình"] || !labels[fxSuspectName] {
			t.Errorf("linked persons: %d %s", r.StatusCode, r.text())
		}
		if r := h.api(h.token(auth.RoleVictimSupport), "GET", "/api/v1/intake/"+id+"/persons", nil); r.StatusCode != 403 {
			t.Errorf("victim support lists an item's persons: %d", r.StatusCode)
		}
		// The reporter through the API: the leader only.
		if r := h.api(tok, "POST", "/api/v1/intake/"+id+"/reporter/link", nil); r.StatusCode != 404 {
			t.Errorf("investigator links the reporter: %d", r.StatusCode)
		}
		if r := h.api(h.token(auth.RoleLeader), "POST", "/api/v1/intake/"+id+"/reporter/link", nil); r.StatusCode != 201 {
			t.Errorf("leader links the reporter: %d %s", r.StatusCode, r.text())
		}

		// Cases: an unknown person_id is refused on the field; a known one is linked.
		fx := h.caseFixture()
		cv, _ := h.app.cases.Get(h.actorCtx(auth.RoleInvestigator), fx.c.ID)
		accused := h.countRows("case_accused")
		body := caseBody(cv.Case.Version, map[string]any{"person": map[string]any{"person_id": ctip.NewID().String()},
			"charges": []map[string]string{{"article": "150", "clause": "2"}}})
		r = h.api(tok, "POST", "/api/v1/cases/"+fx.c.ID.String()+"/accused", body)
		var p problem
		decodeJSON(t, r, &p)
		if r.StatusCode != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "person.person_id" && p.Errors[0].Field != "person_id" || h.countRows("case_accused") != accused {
			t.Fatalf("unknown person_id: %d %+v", r.StatusCode, p)
		}
		body["person"] = map[string]any{"person_id": sus.String()}
		r = h.api(tok, "POST", "/api/v1/cases/"+fx.c.ID.String()+"/accused", body)
		var cd struct {
			Accused []struct {
				Person struct {
					Name     string  `json:"name"`
					PersonID *string `json:"person_id"`
				} `json:"person"`
			} `json:"accused"`
		}
		decodeJSON(t, r, &cd)
		if r.StatusCode != 201 || len(cd.Accused) != 2 || cd.Accused[1].Person.PersonID == nil || *cd.Accused[1].Person.PersonID != sus.String() || cd.Accused[1].Person.Name != fxSuspectName {
			t.Errorf("accused from the registry: %d %s", r.StatusCode, r.text())
		}
		pv, err := h.app.persons.Get(h.actorCtx(auth.RoleInvestigator), sus)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, rl := range pv.Person.Roles {
			found = found || rl.Role == person.RoleAccused && rl.RecordType == "case" && rl.RecordID == fx.c.ID.String()
		}
		if !found {
			t.Errorf("registry roles: %+v", pv.Person.Roles)
		}
	})
}

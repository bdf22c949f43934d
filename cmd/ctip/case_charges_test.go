package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ctip"
	"ctip/internal/auth"
)

// TestCaseChargesChange: the investigator changes an accused's charge in
// the browser (CPC Art. 180), the procurator supplements the case's
// decision through the API (Art. 156); the category and the clocks follow,
// the timeline shows them with their basis, the other body is notified, and
// bad input is refused naming the field.
func TestCaseChargesChange(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		f := h.caseFixture()
		id := f.c.ID.String()
		inv := h.login(auth.RoleInvestigator)
		form := "/cases/" + id + "/charges/change?accused=" + f.accused.String()
		for _, lang := range []string{"vi", "en"} {
			inv.lang = lang
			r := inv.get(form)
			if r.StatusCode != 200 || strings.Contains(r.text(), "⟦") {
				t.Fatalf("form [%s]: %d %s", lang, r.StatusCode, r.text())
			}
		}
		inv.lang = ""
		r := inv.get(form)
		// A change form starts from the charges in force.
		if !strings.Contains(r.text(), `<option value="150" selected>`) || !strings.Contains(r.text(), "BLTTHS Điều 180") {
			t.Errorf("change form: %s", r.text())
		}
		v := url.Values{"version": {strconv.Itoa(f.c.Version)}, "charges.0.article": {"348"}, "charges.0.clause": {"1"},
			"document_number": {"09/QĐ-TĐKTBC"}, "document_date": {"2026-03-02"}, "signer": {"Thượng tá"}}
		r = inv.postForm(form, v)
		if r.StatusCode != 422 || !strings.Contains(r.text(), "Lý do") {
			t.Fatalf("no reason: %d", r.StatusCode)
		}
		v.Set("reason", "Hành vi không cấu thành tội mua bán người")
		r = inv.postForm(form, v)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("change: %d %s", r.StatusCode, r.text())
		}
		page := inv.get("/cases/" + id).text()
		for _, want := range []string{"Thay đổi quyết định khởi tố", "Tội phạm rất nghiêm trọng → Tội phạm nghiêm trọng", "BLTTHS Điều 173",
			"khoản 1 Điều 348 BLHS"} {
			if !strings.Contains(page, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		inv.lang = "en"
		if page := inv.get("/cases/" + id).text(); strings.Contains(page, "⟦") || strings.Contains(page, "%!") || !strings.Contains(page, "Crime category") {
			t.Errorf("case page in English: %s", page)
		}
		inv.lang = ""
		ns, _ := h.app.db.ListNotifications(t0(), h.users[auth.RoleProcurator].ID, true, ctip.PageRequest{Limit: 10})
		found := false
		for _, n := range ns.Items {
			found = found || n.Key == "case.notify.charges_investigating_body"
		}
		if !found {
			t.Errorf("the procurator was not notified: %+v", ns.Items)
		}

		// The procurator supplements the case's decision through the API.
		tok := h.token(auth.RoleProcurator)
		var c struct {
			Category string `json:"category"`
			Version  int    `json:"version"`
			Charges  []map[string]string
		}
		decodeJSON(t, h.api(tok, "GET", "/api/v1/cases/"+id, nil), &c)
		body := map[string]any{"version": c.Version, "op": "supplement", "charges": []map[string]string{{"article": "150", "clause": "2"}},
			"document_number": "10/VKS", "document_date": "2026-03-02", "signer": "Viện trưởng", "reason": "Còn có tội phạm khác"}
		r = h.api(tok, "POST", "/api/v1/cases/"+id+"/charges", body)
		var p problem
		decodeJSON(t, r, &p)
		if r.StatusCode != 422 || p.Errors[0].Field != "charges.0.clause" || !strings.Contains(p.Errors[0].Message, "150") {
			t.Fatalf("a charge in force: %d %+v", r.StatusCode, p)
		}
		body["charges"] = []map[string]string{{"article": "150", "clause": "3"}}
		r = h.api(tok, "POST", "/api/v1/cases/"+id+"/charges", body)
		decodeJSON(t, r, &c)
		if r.StatusCode != 200 || c.Category != "especially_serious" || len(c.Charges) != 2 {
			t.Fatalf("supplement: %d %+v", r.StatusCode, c)
		}
		r = h.api(h.token(auth.RoleCourt), "POST", "/api/v1/cases/"+id+"/charges", body)
		if r.StatusCode != 404 {
			t.Errorf("the court before the indictment: %d", r.StatusCode)
		}
	})
}

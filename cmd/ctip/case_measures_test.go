package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/legal"
)

// TestWebMeasureChoices: the measure form offers only what the law allows
// for the accused now and says why not the rest; the extension form offers
// only the months the category allows with the last day it would give, and
// once none is left the case page and the form say so.
func TestWebMeasureChoices(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		f := h.caseFixture() // one accused (150(2), very serious), detained from 3 Feb 2026
		id := f.c.ID.String()
		inv := h.login(auth.RoleInvestigator)
		r := inv.get("/cases/" + id + "/measures/new")
		page := r.text()
		if r.StatusCode != 200 {
			t.Fatalf("form: %d", r.StatusCode)
		}
		for _, ty := range []string{"custody", "detention", "bail", "residence_ban"} {
			if strings.Contains(page, `name="type" value="`+ty+`"`) {
				t.Errorf("a detained accused is offered %s", ty)
			}
			if !strings.Contains(page, `data-type="`+ty+`"`) {
				t.Errorf("%s is not explained", ty)
			}
		}
		for _, want := range []string{"Bị can đang bị tạm giam", "Bị can đang bị tạm giữ hoặc tạm giam", "đã gia hạn 0/1 lần", "tối đa 3 tháng, đến hết ngày 31/08/2026",
			"/measures/" + f.measure.String() + "/extend", `id="no-measure"`} {
			if !strings.Contains(page, want) {
				t.Errorf("measure form lacks %q", want)
			}
		}
		// Posting a refused choice anyway: refused, naming the field and the rule.
		r = inv.postForm("/cases/"+id+"/measures/new", url.Values{"version": {strconv.Itoa(f.c.Version)}, "accused_id": {f.accused.String()},
			"type": {"bail"}, "start_on": {"2026-03-02"}, "document_number": {"LC"}, "document_date": {"2026-03-02"}, "signer": {"Thượng tá"}})
		if r.StatusCode != 422 || !strings.Contains(r.text(), "Bị can đang bị tạm giữ hoặc tạm giam") {
			t.Errorf("bail while detained: %d", r.StatusCode)
		}

		// The extension: at most 3 months for a very serious crime (Art. 173).
		proc := h.login(auth.RoleProcurator)
		ext := "/cases/" + id + "/measures/" + f.measure.String() + "/extend"
		page = proc.get(ext).text()
		want, _ := legal.Detention(legal.DefaultPolicy(), legal.VerySerious, ctip.NewDate(2026, 2, 3), legal.Months(3))
		if !strings.Contains(page, `<option value="3"`) || strings.Contains(page, `<option value="4"`) || !strings.Contains(page, want.Due.Format()) {
			t.Errorf("extension form: %s", page)
		}
		v, _ := h.app.cases.Get(ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleProcurator], h.units["VKS"])), f.c.ID)
		r = proc.postForm(ext, url.Values{"version": {strconv.Itoa(v.Case.Version)}, "months": {"3"}, "document_number": {"05/VKS"},
			"document_date": {"2026-03-02"}, "signer": {"Kiểm sát viên"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("extend: %d %s", r.StatusCode, r.text())
		}
		r = proc.get(ext)
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.text(), "Đã hết số lần gia hạn") {
			t.Errorf("a second extension form: %d", r.StatusCode)
		}
		page = inv.get("/cases/" + id).text()
		if strings.Contains(page, `href="`+ext+`"`) || !strings.Contains(page, "Đã hết số lần gia hạn") {
			t.Errorf("the case page still offers the extension")
		}

		// Two accused: the form asks which first; the second gets the free choices.
		iv := ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleInvestigator], h.units["PC02"]))
		v, _ = h.app.cases.Get(iv, f.c.ID)
		v, err := h.app.cases.AddAccused(iv, f.c.ID, v.Case.Version, casefile.AccusedInput{Person: casefile.PersonInput{Name: "Sùng A Chứ"},
			Charges: []legal.Charge{{Article: "150", Clause: "2"}}, DocumentNumber: "07/QĐ-KTBC", DocumentDate: ctip.NewDate(2026, 3, 2), Signer: "Thượng tá"})
		if err != nil {
			t.Fatal(err)
		}
		page = inv.get("/cases/" + id + "/measures/new").text()
		if !strings.Contains(page, `id="pick-accused"`) || !strings.Contains(page, "?accused="+v.Accused[1].ID.String()) {
			t.Errorf("no accused picker: %s", page)
		}
		page = inv.get("/cases/" + id + "/measures/new?accused=" + v.Accused[1].ID.String()).text()
		for _, ty := range []string{"custody", "detention", "bail", "residence_ban"} {
			if !strings.Contains(page, `name="type" value="`+ty+`"`) {
				t.Errorf("a free accused is not offered %s", ty)
			}
		}
		for _, lang := range []string{"vi", "en"} {
			inv.lang = lang
			for _, p := range []string{"/cases/" + id + "/measures/new", "/cases/" + id + "/measures/new?accused=" + f.accused.String(), "/cases/" + id} {
				if b := inv.get(p).text(); strings.Contains(b, "⟦") || strings.Contains(b, "%!") {
					t.Errorf("%s [%s]: missing key or bad verb", p, lang)
				}
			}
		}
	})
}

package main

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/intake"
	"ctip/internal/legal"
)

// caseFixture is a case handled by PC02 (supervised by VKS) with an
// accused under detention, a document, and a peak campaign.
type caseFixture struct {
	c        *casefile.Case
	accused  ctip.ID
	measure  ctip.ID
	att      ctip.ID
	campaign ctip.ID
}

var (
	caseFixturesMu sync.Mutex
	caseFixtures   = map[*harness]*caseFixture{}
)

func (h *harness) caseFixture() *caseFixture {
	caseFixturesMu.Lock()
	defer caseFixturesMu.Unlock()
	if f, ok := caseFixtures[h]; ok {
		return f
	}
	h.t.Helper()
	inv := ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleInvestigator], h.units["PC02"]))
	c, err := h.app.cases.Create(inv, casefile.Input{InstitutionNumber: "01/QĐ-CSHS", Signer: "Thượng tá Lường Văn Thắng", InstitutedOn: ctip.NewDate(2026, 2, 2),
		Charges: []legal.Charge{{Article: "150", Clause: "2"}}, Summary: "Đường dây đưa phụ nữ sang Trung Quốc", CommuneCode: "03160",
		ProcuracyUnitID: ctip.Some(h.units["VKS"].ID), OfficerIDs: []ctip.ID{h.users[auth.RoleInvestigator].ID}})
	if err != nil {
		h.t.Fatal(err)
	}
	v, err := h.app.cases.AddAccused(inv, c.ID, c.Version, casefile.AccusedInput{Person: casefile.PersonInput{Name: "Vàng A Dế", Sex: "male", BirthYear: 1990},
		Charges: []legal.Charge{{Article: "150", Clause: "2"}}, DocumentNumber: "02/QĐ-KTBC", DocumentDate: ctip.NewDate(2026, 2, 3), Signer: "Thượng tá"})
	if err != nil {
		h.t.Fatal(err)
	}
	f := &caseFixture{accused: v.Accused[0].ID}
	v, err = h.app.cases.AddMeasure(inv, c.ID, v.Case.Version, casefile.MeasureInput{AccusedID: f.accused, Type: "detention", StartOn: ctip.NewDate(2026, 2, 3),
		DocumentNumber: "03/LTG", DocumentDate: ctip.NewDate(2026, 2, 3), Signer: "Thượng tá"})
	if err != nil {
		h.t.Fatal(err)
	}
	f.measure, f.c = v.Measures[0].ID, v.Case
	att, err := h.app.cases.Attach(inv, c.ID, "ket-luan.pdf", []byte("%PDF-1.4\n% test\n"))
	if err != nil {
		h.t.Fatal(err)
	}
	f.att = att.ID
	leader := ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleLeader], h.units["PC02"]))
	cp, err := h.app.cases.CreateCampaign(leader, casefile.CampaignInput{Name: "Cao điểm 2026", StartsOn: ctip.NewDate(2026, 1, 1), EndsOn: ctip.NewDate(2026, 3, 31),
		Targets: casefile.Tally{Cases: 10, Rings: 2}})
	if err != nil {
		h.t.Fatal(err)
	}
	f.campaign = cp.ID
	caseFixtures[h] = f
	return f
}

// caseFill fills the path parameters of the case routes.
func caseFill(h *harness, pattern string) string {
	if !strings.HasPrefix(pattern, "/cases/{") && !strings.HasPrefix(pattern, "/api/v1/cases/{") && !strings.HasPrefix(pattern, "/campaigns/{") &&
		!strings.HasPrefix(pattern, "/api/v1/campaigns/{") {
		return ""
	}
	f := h.caseFixture()
	id := f.c.ID.String()
	if strings.Contains(pattern, "campaigns/{id}") {
		id = f.campaign.String()
	}
	op := "suspend"
	if strings.Contains(pattern, "/measures/") {
		op = "extend"
	}
	if strings.Contains(pattern, "/charges/") {
		op = "supplement"
	}
	r := strings.NewReplacer("{id}", id, "{action}", "extend_investigation", "{acc}", f.accused.String(), "{m}", f.measure.String(),
		"{op}", op, "{att}", f.att.String())
	return r.Replace(pattern)
}

func init() {
	prev := adminFill
	adminFill = func(h *harness, pattern string) string {
		if p := caseFill(h, pattern); p != "" {
			return p
		}
		return prev(h, pattern)
	}
	L, I, P, C, A := auth.RoleLeader, auth.RoleInvestigator, auth.RoleProcurator, auth.RoleCourt, auth.RoleAnalyst
	readers := []string{L, I, P, C}      // case.read: lists answer within each scope
	seers := []string{L, I, P}           // the fixture case: its unit, the leader above, the procuracy's oversight
	writers := []string{L, I}            // the investigating unit
	campaigns := []string{L, I, P, C, A} // aggregate results: case readers and statistics readers
	for _, r := range []string{"GET /cases", "GET /cases/board", "GET /cases/key", "GET /api/v1/cases", "GET /api/v1/cases/board"} {
		allow(r, readers...)
	}
	for _, r := range []string{"GET /cases/new", "POST /cases/new", "POST /api/v1/cases"} {
		allow(r, writers...)
	}
	allow("GET /cases/{id}", seers...)
	allow("GET /api/v1/cases/{id}", seers...)
	// Extending the investigation: the procuracy's decision, recorded by it or by the investigating body.
	allow("GET /cases/{id}/act/{action}", seers...)
	allow("POST /cases/{id}/act/{action}", seers...)
	for _, r := range []string{"GET /cases/{id}/accused/new", "POST /cases/{id}/accused/new", "GET /cases/{id}/accused/{acc}/{op}", "POST /cases/{id}/accused/{acc}/{op}",
		"GET /cases/{id}/measures/new", "POST /cases/{id}/measures/new", "GET /cases/{id}/parties/new", "POST /cases/{id}/parties/new",
		"POST /api/v1/cases/{id}/accused", "POST /api/v1/cases/{id}/accused/{acc}/{op}", "POST /api/v1/cases/{id}/measures", "POST /api/v1/cases/{id}/parties"} {
		allow(r, writers...)
	}
	// Measures are extended by the procuracy's decision too (Arts 118, 173).
	for _, r := range []string{"GET /cases/{id}/measures/{m}/{op}", "POST /cases/{id}/measures/{m}/{op}", "POST /api/v1/cases/{id}/measures/{m}/{op}"} {
		allow(r, seers...)
	}
	// Changing or supplementing the decision to institute (CPC Arts 156, 180):
	// the investigating unit, and the procuracy itself.
	for _, r := range []string{"GET /cases/{id}/charges/{op}", "POST /cases/{id}/charges/{op}", "POST /api/v1/cases/{id}/charges"} {
		allow(r, seers...)
	}
	// Key cases: the bodies' representatives; the court cannot see the case before the indictment.
	allow("POST /cases/{id}/key", L, P)
	allow("POST /api/v1/cases/{id}/key", L, P)
	allow("POST /cases/{id}/notes", seers...)
	allow("POST /cases/{id}/attachments", readers...) // a non-multipart body is refused before the case is read
	allow("GET /cases/{id}/attachments/{att}", seers...)
	for _, r := range []string{"GET /campaigns", "GET /campaigns/{id}", "GET /api/v1/campaigns", "GET /api/v1/campaigns/{id}"} {
		allow(r, campaigns...)
	}
	allow("GET /campaigns/new", L)
	allow("POST /campaigns/new", L)
	allow("GET /campaigns/{id}/edit", L)
	allow("POST /campaigns/{id}/edit", L)
	// Notes and documents through the API: read by whoever sees the case; written by its
	// unit, the procuracy and (after the indictment) the court.
	allow("GET /api/v1/cases/{id}/notes", seers...)
	allow("POST /api/v1/cases/{id}/notes", readers...) // the probe's body (a version, no note) is refused before the case is read
	allow("GET /api/v1/cases/{id}/documents", seers...)
	allow("POST /api/v1/cases/{id}/documents", readers...) // a non-multipart body is refused before the case is read
	allow("GET /api/v1/cases/{id}/documents/{att}", seers...)
	for _, r := range []string{"GET /admin/calendar", "POST /admin/calendar", "POST /admin/calendar/delete", "POST /admin/calendar/settings"} {
		allow(r, auth.RoleAdmin)
	}
	// Decisions from the fixture's stage (investigation), by who may take them.
	for _, act := range casefile.Actions {
		r := "POST /api/v1/cases/{id}/" + string(act)
		switch act {
		case casefile.ActExtendInvestigation:
			allow(r, seers...)
		case casefile.ActConclude, casefile.ActSuspend, casefile.ActTerminate:
			allow(r, writers...)
		default:
			allow(r) // out of order from the investigation stage, or the court's (which cannot see the case yet)
		}
	}
}

func caseBody(version int, extra map[string]any) map[string]any {
	b := map[string]any{"version": version, "document_number": "05/VKS", "document_date": "2026-02-25", "signer": "Kiểm sát viên"}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

func TestAPICases(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		tok := h.token(auth.RoleInvestigator)
		// Bad charges: refused, each naming the rule and the article, nothing written.
		r := h.api(tok, "POST", "/api/v1/cases", map[string]any{"institution_number": "1", "signer": "x", "instituted_on": "2026-02-02", "summary": "s",
			"charges": []map[string]string{{"article": "999", "clause": "1"}, {"article": "348", "clause": "5"}}})
		var p problem
		decodeJSON(t, r, &p)
		if r.StatusCode != 422 || len(p.Errors) != 2 || p.Errors[0].Field != "charges.0.article" || !strings.Contains(p.Errors[0].Message, "999") ||
			p.Errors[1].Field != "charges.1.clause" || !strings.Contains(p.Errors[1].Message, "348") {
			t.Fatalf("bad charges: %d %+v", r.StatusCode, p)
		}
		r = h.api(tok, "POST", "/api/v1/cases", map[string]any{"institution_number": "01/QĐ", "signer": "Thượng tá", "instituted_on": "2026-02-02",
			"summary": "Đường dây", "charges": []map[string]string{{"article": "150", "clause": "1"}}, "procuracy_unit_id": h.units["VKS"].ID.String()})
		var c struct {
			ID           string            `json:"id"`
			Reference    string            `json:"reference"`
			Category     string            `json:"category"`
			InstitutedOn string            `json:"instituted_on"`
			Charges      []map[string]any  `json:"charges"`
			Deadlines    map[string]string `json:"deadlines"`
			Version      int               `json:"version"`
		}
		decodeJSON(t, r, &c)
		if r.StatusCode != 201 || c.Reference != "VA-2026-000001" || c.Category != "very_serious" || c.InstitutedOn != "2026-02-02" ||
			c.Deadlines["investigation"] != "2026-06-02" || c.Charges[0]["article"] != "150" {
			t.Fatalf("create: %d %+v", r.StatusCode, c)
		}
		// The procurator extends the investigation once: the deadline moves by 4 months (Art. 172).
		ptok := h.token(auth.RoleProcurator)
		r = h.api(ptok, "POST", "/api/v1/cases/"+c.ID+"/extend_investigation", caseBody(c.Version, map[string]any{"months": 5}))
		decodeJSON(t, r, &p)
		if r.StatusCode != 422 || p.Errors[0].Field != "months" || !strings.Contains(p.Errors[0].Message, "BLTTHS Điều 172") || strings.Contains(p.Errors[0].Message, "CPC") {
			t.Errorf("a 5-month extension: %d %+v", r.StatusCode, p)
		}
		// In English the citation is English.
		if r := h.apiLang(ptok, "en", "POST", "/api/v1/cases/"+c.ID+"/extend_investigation", caseBody(c.Version, map[string]any{"months": 5})); !strings.Contains(r.text(), "CPC Art. 172") || strings.Contains(r.text(), "BLTTHS") {
			t.Errorf("English refusal: %s", r.text())
		}
		r = h.api(ptok, "POST", "/api/v1/cases/"+c.ID+"/extend_investigation", caseBody(c.Version, map[string]any{"months": 4}))
		decodeJSON(t, r, &c)
		if r.StatusCode != 200 || c.Deadlines["investigation"] != "2026-10-02" {
			t.Fatalf("extend: %d %+v", r.StatusCode, c)
		}
		// Out of order: the procuracy cannot indict a case under investigation.
		r = h.api(ptok, "POST", "/api/v1/cases/"+c.ID+"/indict", caseBody(c.Version, nil))
		decodeJSON(t, r, &p)
		if r.StatusCode != 409 || p.Reason != "case.transition_refused" || !strings.Contains(p.Detail, "243") {
			t.Errorf("indict during investigation: %d %+v", r.StatusCode, p)
		}
		// Lists and filters.
		r = h.api(tok, "GET", "/api/v1/cases?article=150&category=very_serious", nil)
		var page struct{ Total int }
		decodeJSON(t, r, &page)
		if page.Total != 1 {
			t.Errorf("filtered list: %s", r.text())
		}
		r = h.api(h.token(auth.RoleAnalyst), "GET", "/api/v1/cases/"+c.ID, nil)
		if r.StatusCode != 403 {
			t.Errorf("analyst reads a case: %d", r.StatusCode)
		}
	})
}

func TestWebCaseFromIntake(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		inv := h.login(auth.RoleInvestigator)
		item := h.item.ID.String()
		r := inv.postForm("/intake/"+item+"/act/prosecute", url.Values{"version": {"1"}, "document_number": {"07/QĐ-CSHS"},
			"document_date": {"2026-03-02"}, "signer": {"Thượng tá"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("prosecute: %d %s", r.StatusCode, r.text())
		}
		r = inv.get("/intake/" + item)
		if !strings.Contains(r.text(), "/cases/new?intake="+item) {
			t.Fatal("the intake page offers no case")
		}
		r = inv.get("/cases/new?intake=" + item)
		if !strings.Contains(r.text(), `value="07/QĐ-CSHS"`) {
			t.Fatalf("form not prefilled: %s", r.text())
		}
		form := url.Values{"intake_item_id": {item}, "institution_number": {"07/QĐ-CSHS"}, "instituted_on": {"2026-03-02"}, "signer": {"Thượng tá"},
			"charges.0.article": {"150"}, "charges.0.clause": {"9"}, "summary": {"Tố giác"}}
		r = inv.postForm("/cases/new", form)
		if r.StatusCode != 422 || !strings.Contains(r.text(), "Điều 150") {
			t.Fatalf("a clause the article lacks: %d", r.StatusCode)
		}
		form.Set("charges.0.clause", "1")
		r = inv.postForm("/cases/new", form)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.StatusCode, r.text())
		}
		casePath := r.Header.Get("Location")
		r = inv.get(casePath)
		for _, want := range []string{"VA-2026-000001", "BLTTHS Điều 172", "02/07/2026", "/intake/" + item} {
			if !strings.Contains(r.text(), want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		r = inv.get("/intake/" + item)
		if !strings.Contains(r.text(), casePath) {
			t.Error("the intake page does not link to the case")
		}
		it, _ := h.app.db.GetItem(t0(), h.item.ID)
		if !it.CaseID.Valid {
			t.Error("intake_items.case_id not set")
		}
		// The board shows it as due.
		h.clock.T = time.Date(2026, 6, 28, 2, 0, 0, 0, time.UTC)
		inv = h.login(auth.RoleInvestigator) // the old session has expired
		r = inv.get("/cases/board")
		if r.StatusCode != 200 || !strings.Contains(r.text(), "VA-2026-000001") {
			t.Errorf("board: %d", r.StatusCode)
		}
		_ = intake.Prosecuted
	})
}

// TestAPICaseChargesAsNumbers: {"article": 150, "clause": 2} works as well
// as strings (review finding 6); the point is a letter; other types, and
// fractions, are refused naming the field; the response writes strings.
func TestAPICaseChargesAsNumbers(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		tok := h.token(auth.RoleInvestigator)
		body := func(charges any) map[string]any {
			return map[string]any{"institution_number": "01/QĐ", "signer": "Thượng tá", "instituted_on": "2026-02-02",
				"summary": "Đường dây", "charges": charges}
		}
		r := h.api(tok, "POST", "/api/v1/cases", body([]map[string]any{{"article": 150, "clause": 2, "point": "a"}}))
		var c struct {
			Category string           `json:"category"`
			Charges  []map[string]any `json:"charges"`
		}
		decodeJSON(t, r, &c)
		if r.StatusCode != 201 || c.Category != "very_serious" || len(c.Charges) != 1 || c.Charges[0]["article"] != "150" ||
			c.Charges[0]["clause"] != "2" || c.Charges[0]["point"] != "a" {
			t.Fatalf("numeric charges: %d %s", r.StatusCode, r.text())
		}
		for _, bad := range []struct {
			charges any
			field   string
		}{
			{[]map[string]any{{"article": 150.5, "clause": 2}}, "charges.article"},
			{[]map[string]any{{"article": true, "clause": 2}}, "charges.article"},
			{[]map[string]any{{"article": 150, "clause": []int{2}}}, "charges.clause"},
			{[]map[string]any{{"article": 150, "clause": 2, "point": 1}}, "charges.point"},
			{[]map[string]any{{"article": 150, "clause": 2, "point": "z"}}, "charges.0.point"}, // no such point (review finding 11)
		} {
			r := h.api(tok, "POST", "/api/v1/cases", body(bad.charges))
			var p problem
			decodeJSON(t, r, &p)
			if r.StatusCode != 422 || len(p.Errors) != 1 || p.Errors[0].Field != bad.field {
				t.Errorf("%v: %d %+v", bad.charges, r.StatusCode, p)
			}
		}
	})
}

// TestCaseFormsCiteInTheUILanguage: the legal bases on the case forms come
// from the catalogues — Vietnamese citations in Vietnamese, English ones in
// English (review finding 15: "(BLTTHS Điều 179)" was hard-coded).
func TestCaseFormsCiteInTheUILanguage(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		cf := h.caseFixture()
		c := h.login(auth.RoleInvestigator)
		for path, cites := range map[string][2]string{
			"/cases/new": {"BLTTHS Điều 153, 154", "CPC Arts 153, 154"},
			"/cases/" + cf.c.ID.String() + "/accused/new":  {"BLTTHS Điều 179", "CPC Art. 179"},
			"/cases/" + cf.c.ID.String() + "/measures/new": {"BLTTHS Điều 109, 117–123, 173", "CPC Arts 109, 117–123, 173"},
		} {
			for i, lang := range []string{"vi", "en"} {
				c.lang = lang
				body := c.get(path).text()
				if !strings.Contains(body, cites[i]) || strings.Contains(body, cites[1-i]) {
					t.Errorf("%s [%s]: want %q, not %q", path, lang, cites[i], cites[1-i])
				}
			}
			c.lang = ""
		}
	})
}

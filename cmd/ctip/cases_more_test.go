package main

import (
	"bytes"
	"mime/multipart"
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

// apiFile posts a multipart file to the API.
func (h *harness) apiFile(token, path, name string, content []byte) *response {
	h.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", h.srv.URL+path, &buf)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return h.anon().do(req)
}

// Notes and documents through the API: the case's unit and the procuracy
// write and read them; the court (before the indictment) and analysts do
// not see them; bad input writes nothing.
func TestAPICaseNotesAndDocuments(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		f := h.caseFixture()
		base := "/api/v1/cases/" + f.c.ID.String()
		inv, proc := h.token(auth.RoleInvestigator), h.token(auth.RoleProcurator)
		var p problem
		r := h.api(inv, "POST", base+"/notes", map[string]any{"note": "  "})
		decodeJSON(t, r, &p)
		if r.StatusCode != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "note" {
			t.Fatalf("empty note: %d %+v", r.StatusCode, p)
		}
		r = h.api(inv, "POST", base+"/notes", map[string]any{"note": strings.Repeat("x", 2001)})
		if r.StatusCode != 422 {
			t.Errorf("a note too long: %d", r.StatusCode)
		}
		r = h.api(proc, "POST", base+"/notes", map[string]any{"note": "Đề nghị làm rõ lời khai của bị hại."})
		var n struct {
			ID, Author, Body, Stage, Note string
		}
		decodeJSON(t, r, &n)
		if r.StatusCode != 201 || n.Body != "procuracy" || n.Stage != "investigation" || n.Note != "Đề nghị làm rõ lời khai của bị hại." || n.ID == "" {
			t.Fatalf("note: %d %+v", r.StatusCode, n)
		}
		var notes struct {
			Items []struct{ Note, Author string }
			Total int
		}
		r = h.api(inv, "GET", base+"/notes", nil)
		decodeJSON(t, r, &notes)
		if r.StatusCode != 200 || notes.Total != 1 || notes.Items[0].Note != n.Note {
			t.Errorf("notes: %d %+v", r.StatusCode, notes)
		}
		// Documents: sniffed, encrypted, listed, downloaded (audited).
		r = h.apiFile(inv, base+"/documents", "bao-cao.exe", []byte("MZ\x90\x00 not a document"))
		decodeJSON(t, r, &p)
		if r.StatusCode != 422 || p.Errors[0].Field != "file" {
			t.Errorf("an executable: %d %+v", r.StatusCode, p)
		}
		r = h.api(inv, "POST", base+"/documents", map[string]any{"file": "x"})
		if r.StatusCode != 422 {
			t.Errorf("not multipart: %d", r.StatusCode)
		}
		pdf := []byte("%PDF-1.4\n% kết luận điều tra\n")
		r = h.apiFile(inv, base+"/documents", "ket-luan-dieu-tra.pdf", pdf)
		var doc struct {
			ID       string `json:"id"`
			Filename string `json:"filename"`
			Size     int64  `json:"size"`
		}
		decodeJSON(t, r, &doc)
		if r.StatusCode != 201 || doc.Size != int64(len(pdf)) || r.Header.Get("Location") != base+"/documents/"+doc.ID {
			t.Fatalf("upload: %d %s", r.StatusCode, r.text())
		}
		var docs struct {
			Items []struct{ ID, Filename string }
			Total int
		}
		r = h.api(proc, "GET", base+"/documents", nil)
		decodeJSON(t, r, &docs)
		if r.StatusCode != 200 || docs.Total != 2 { // the fixture's and this one
			t.Fatalf("documents: %d %s", r.StatusCode, r.text())
		}
		r = h.api(proc, "GET", base+"/documents/"+doc.ID, nil)
		if r.StatusCode != 200 || !bytes.Equal(r.body, pdf) || r.Header.Get("Content-Type") != "application/pdf" ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "ket-luan-dieu-tra.pdf") {
			t.Errorf("download: %d %q %q", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
		}
		// Outside the scope the case does not exist; analysts have no case pages.
		court := h.token(auth.RoleCourt)
		for _, path := range []string{base + "/notes", base + "/documents", base + "/documents/" + doc.ID} {
			if r := h.api(court, "GET", path, nil); r.StatusCode != 404 {
				t.Errorf("court GET %s: %d", path, r.StatusCode)
			}
			if r := h.api(h.token(auth.RoleAnalyst), "GET", path, nil); r.StatusCode != 403 {
				t.Errorf("analyst GET %s: %d", path, r.StatusCode)
			}
		}
		if r := h.api(court, "POST", base+"/notes", map[string]any{"note": "x"}); r.StatusCode != 404 {
			t.Errorf("court adds a note: %d", r.StatusCode)
		}
		if r := h.apiFile(court, base+"/documents", "a.pdf", pdf); r.StatusCode != 404 {
			t.Errorf("court uploads: %d", r.StatusCode)
		}
	})
}

// Editing a campaign: the form shows the values and the version; bad
// input keeps what was typed, with the messages labelled as the form
// labels its fields; a stale version is refused, then saved on purpose.
func TestWebCampaignEdit(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		f := h.caseFixture()
		path := "/campaigns/" + f.campaign.String()
		lead := h.login(auth.RoleLeader)
		r := lead.get(path)
		if !strings.Contains(r.text(), `href="`+path+`/edit"`) {
			t.Error("the campaign page has no edit link for a manager")
		}
		if r := h.login(auth.RoleInvestigator).get(path); strings.Contains(r.text(), path+"/edit") {
			t.Error("the edit link is shown to an investigator")
		}
		r = lead.get(path + "/edit")
		for _, want := range []string{`value="Cao điểm 2026"`, `name="version" value="1"`, `value="2026-01-01"`, `value="2026-03-31"`, `name="target_cases" value="10"`,
			`action="` + path + `/edit"`} {
			if !strings.Contains(r.text(), want) {
				t.Errorf("edit form lacks %s", want)
			}
		}
		form := url.Values{"version": {"1"}, "name": {"Cao điểm quý I/2026"}, "starts_on": {"2026-03-31"}, "ends_on": {"2026-01-01"},
			"target_cases": {"-3"}, "target_rings": {"3"}, "description": {"Theo kế hoạch của tỉnh"}}
		r = lead.postForm(path+"/edit", form)
		for _, want := range []string{"Đến hết ngày:", "Vụ án khởi tố:", `value="Cao điểm quý I/2026"`, "Theo kế hoạch của tỉnh", `name="target_cases" value="-3"`} {
			if r.StatusCode != 422 || !strings.Contains(r.text(), want) {
				t.Errorf("bad input: %d, page lacks %q", r.StatusCode, want)
			}
		}
		if strings.Contains(r.text(), "Ngày kết thúc:") || strings.Contains(r.text(), "Chỉ tiêu vụ án:") {
			t.Error("the summary uses the shared labels, not the form's")
		}
		// Someone else saves first: the second save is refused, its input kept.
		leader := ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleLeader], h.units["PC02"]))
		if _, err := h.app.cases.UpdateCampaign(leader, f.campaign, 1, casefile.CampaignInput{Name: "Cao điểm 2026", StartsOn: ctip.NewDate(2026, 1, 1),
			EndsOn: ctip.NewDate(2026, 3, 31), Targets: casefile.Tally{Cases: 12}}); err != nil {
			t.Fatal(err)
		}
		form.Set("starts_on", "2026-01-01")
		form.Set("ends_on", "2026-03-31")
		form.Set("target_cases", "15")
		r = lead.postForm(path+"/edit", form)
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.text(), `name="version" value="2"`) || !strings.Contains(r.text(), `value="Cao điểm quý I/2026"`) {
			t.Fatalf("stale: %d", r.StatusCode)
		}
		form.Set("version", "2")
		r = lead.postForm(path+"/edit", form)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
			t.Fatalf("save: %d %s", r.StatusCode, r.text())
		}
		c, err := h.app.cases.Campaign(leader, f.campaign)
		if err != nil || c.Name != "Cao điểm quý I/2026" || c.Targets.Cases != 15 || c.Targets.Rings != 3 || c.Version != 3 {
			t.Errorf("saved %+v %v", c, err)
		}
		if r := h.login(auth.RoleInvestigator).postForm(path+"/edit", form); r.StatusCode != http.StatusForbidden {
			t.Errorf("an investigator edits: %d", r.StatusCode)
		}
	})
}

// The gaps of the first pass: dates in the timeline as dd/mm/yyyy, clocks
// worded by how they count, the calendar form's own labels, and no label
// borrowed from crime information on the case pages.
func TestWebCaseWording(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		f := h.caseFixture()
		inv := ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleInvestigator], h.units["PC02"]))
		v, err := h.app.cases.Get(inv, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Custody of a second accused (the first is detained: no custody for him, Art. 119).
		v, err = h.app.cases.AddAccused(inv, f.c.ID, v.Case.Version, casefile.AccusedInput{Person: casefile.PersonInput{Name: "Giàng A Sử", Sex: "male", BirthYear: 1994},
			Charges: []legal.Charge{{Article: "150", Clause: "2"}}, DocumentNumber: "06/QĐ-KTBC", DocumentDate: ctip.NewDate(2026, 2, 27), Signer: "Thượng tá"})
		if err != nil {
			t.Fatal(err)
		}
		v, err = h.app.cases.AddMeasure(inv, f.c.ID, v.Case.Version, casefile.MeasureInput{AccusedID: v.Accused[1].ID, Type: "custody", StartOn: ctip.NewDate(2026, 2, 27),
			DocumentNumber: "04/QĐTG", DocumentDate: ctip.NewDate(2026, 2, 27), Signer: "Thượng tá"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.app.cases.Do(ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleProcurator], h.units["VKS"])), f.c.ID, v.Case.Version,
			casefile.ActExtendInvestigation, casefile.ActionInput{DocumentNumber: "05/VKS", DocumentDate: ctip.NewDate(2026, 2, 25), Signer: "KSV", Months: 4}); err != nil {
			t.Fatal(err)
		}
		for lang, wants := range map[string][]string{
			"vi": {"Hạn mới: 02/10/2026", "tính từ ngày 02/02/2026 (không tính ngày bắt đầu)", "tính từ ngày 27/02/2026 (tính cả ngày bắt đầu)",
				"tính từ ngày 03/02/2026 (tính cả ngày bắt đầu; một tháng tính 30 ngày)", "Áp dụng từ ngày 03/02/2026", "Diễn biến vụ án"},
			"en": {"New deadline: 02/10/2026", "counted from 02/02/2026 (the first day not counted)", "from 27/02/2026 (the first day counts)",
				"from 03/02/2026 (the first day counts; a month is 30 days)", "From 03/02/2026", "Case timeline"},
		} {
			c := h.login(auth.RoleInvestigator)
			c.get("/lang?to=" + lang + "&next=/")
			r := c.get("/cases/" + f.c.ID.String())
			for _, want := range wants {
				if !strings.Contains(r.text(), want) {
					t.Errorf("%s: the case page lacks %q", lang, want)
				}
			}
			for _, bad := range []string{"2026-10-02", "Số thụ lý", "⟦"} {
				if strings.Contains(r.text(), bad) {
					t.Errorf("%s: the case page shows %q", lang, bad)
				}
			}
		}
		// The calendar form names its own fields.
		admin := h.login(auth.RoleAdmin)
		r := admin.postForm("/admin/calendar", url.Values{"date": {"2026-09-02"}, "kind": {"holiday"}})
		if r.StatusCode != 422 || !strings.Contains(r.text(), "Loại ngày: ") || strings.Contains(r.text(), "Loại nguồn tin") {
			t.Errorf("calendar kind: %d", r.StatusCode)
		}
		r = admin.postForm("/admin/calendar/settings", url.Values{"remind.investigation": {"90"}, "key_target_percent": {"5"}})
		if r.StatusCode != 422 || !strings.Contains(r.text(), "Thời hạn điều tra: ") || !strings.Contains(r.text(), "Chỉ tiêu nội bộ của vụ án trọng điểm") ||
			strings.Contains(r.text(), "⟦") {
			t.Errorf("calendar settings: %d", r.StatusCode)
		}
		// A person's name on the accused form is labelled as such.
		v, _ = h.app.cases.Get(inv, f.c.ID)
		r = h.login(auth.RoleInvestigator).postForm("/cases/"+f.c.ID.String()+"/accused/new", url.Values{"version": {strconv.Itoa(v.Case.Version)}})
		if !strings.Contains(r.text(), "Họ và tên: ") {
			t.Errorf("accused form: %d", r.StatusCode)
		}
	})
}

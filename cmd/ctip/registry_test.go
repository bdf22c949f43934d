package main

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/person"
)

func init() {
	// Merging: unit heads (person.merge); settings: administrators.
	allow("GET /persons/{id}/merge", auth.RoleLeader)
	allow("POST /persons/{id}/merge", auth.RoleLeader)
	allow("POST /api/v1/persons/{id}/merge", auth.RoleLeader)
	allow("GET /admin/persons", auth.RoleAdmin)
	allow("POST /admin/persons", auth.RoleAdmin)
}

// renderOK checks a page the way TestRenderEveryPage does, in both languages.
func renderOK(t *testing.T, what string, get func(lang string) *response, status int) {
	t.Helper()
	for _, lang := range []string{"vi", "en"} {
		r := get(lang)
		body := r.text()
		if r.StatusCode != status {
			t.Errorf("%s [%s]: status %d, want %d\n%.400s", what, lang, r.StatusCode, status, body)
		}
		for _, bad := range []string{"⟦", "%!", ` style="`} {
			if i := strings.Index(body, bad); i >= 0 {
				t.Errorf("%s [%s]: %q near %q", what, lang, bad, body[max(0, i-60):min(len(body), i+60)])
			}
		}
		if !strings.Contains(body, `<html lang="`+lang+`"`) {
			t.Errorf("%s: not rendered in %s", what, lang)
		}
	}
}

func (c *client) postLang(path, lang string, v url.Values) *response {
	c.lang = lang
	defer func() { c.lang = "" }()
	return c.postForm(path, v)
}

// TestDuplicatesWeb: the person form and the reception form show the
// likely existing records the user may see, and create anyway on
// confirmation; a user who may not see a protected victim gets no hint.
func TestDuplicatesWeb(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		inv := h.login(auth.RoleInvestigator)
		form := url.Values{"full_name": {"Một người mới"}, "phones": {"+84 977 000 111"}, "sex": {"unknown"}}
		renderOK(t, "person form with duplicates", func(lang string) *response { return inv.postLang("/persons/new", lang, form) }, http.StatusConflict)
		r := inv.postForm("/persons/new", form)
		wantText(t, r, "duplicates", `id="duplicates"`, `href="/persons/`+fx.suspect.String()+`"`, fxSuspectName, h.vi("dup.reason.phone"), `name="confirm_new"`)
		form.Set("confirm_new", "1")
		if r := inv.postForm("/persons/new", form); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/persons/") {
			t.Fatalf("create anyway: %d %s", r.StatusCode, r.Header.Get("Location"))
		}

		// The victim's phone and ID number: the investigator (not on her team) gets no hint.
		form = url.Values{"full_name": {fxVictimName}, "id_number": {fxVictimID}, "phones": {fxVictimPhone}, "sex": {"female"}, "date_of_birth": {"2001-05-04"}}
		r = inv.postForm("/persons/new", form)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("a hidden victim refused the record: %d\n%.500s", r.StatusCode, r.text())
		}
		noSecret(t, "create over a hidden victim", strings.ReplaceAll(r.text(), fx.pseudonym, ""))

		// Her team, receiving her again, is shown the existing record under the pseudonym.
		vs := h.login(auth.RoleVictimSupport)
		rec := url.Values{"channel": {"self_report"}, "reception_body": {"UBND xã Mường Nhé"}, "received_at": {h.clock.Now().In(ctip.Vietnam).Add(-3600e9).Format("2006-01-02T15:04")},
			"full_name": {"Lo Thi Xuan Mai"}, "birth_year": {"2001"}, "sex": {"female"}}
		renderOK(t, "reception form with duplicates", func(lang string) *response { return vs.postLang("/victims/new", lang, rec) }, http.StatusConflict)
		r = vs.postForm("/victims/new", rec)
		wantText(t, r, "reception duplicates", `id="duplicates"`, fx.pseudonym, `href="/persons/`+fx.victimPerson.String()+`"`, h.vi("dup.reason.name_birth_year"))
		if strings.Contains(r.text(), "Xuân Mai") {
			t.Error("the duplicate list names a protected person")
		}
		rec.Set("confirm_new", "1")
		if r := vs.postForm("/victims/new", rec); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("receive anyway: %d", r.StatusCode)
		}
	})
}

// TestDuplicatesAPI: POST /api/v1/persons and /api/v1/victims answer 409
// problem+json with the visible candidate IDs unless "confirm_new": true.
func TestDuplicatesAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		tok := h.token(auth.RoleInvestigator)
		body := map[string]any{"full_name": "Người khác", "phone": "0977 000 111"}
		r := h.api(tok, "POST", "/api/v1/persons", body)
		var p struct {
			Status     int       `json:"status"`
			Code       string    `json:"code"`
			Detail     string    `json:"detail"`
			Candidates []ctip.ID `json:"candidates"`
		}
		decodeJSON(t, r, &p)
		if r.StatusCode != http.StatusConflict || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") ||
			p.Code != "duplicate" || !slices.Equal(p.Candidates, []ctip.ID{fx.suspect}) || p.Detail == "" {
			t.Fatalf("duplicate: %d %s", r.StatusCode, r.text())
		}
		body["confirm_new"] = true
		if r := h.api(tok, "POST", "/api/v1/persons", body); r.StatusCode != http.StatusCreated {
			t.Fatalf("confirm_new: %d %s", r.StatusCode, r.text())
		}
		// A hidden victim: created, no candidate, no hint.
		r = h.api(tok, "POST", "/api/v1/persons", map[string]any{"full_name": "Ai đó", "id_number": fxVictimID})
		if r.StatusCode != http.StatusCreated || strings.Contains(r.text(), fx.victimPerson.String()) {
			t.Fatalf("hidden victim: %d %s", r.StatusCode, r.text())
		}
		// The victim's team receiving her again.
		vt := h.token(auth.RoleVictimSupport)
		vb := map[string]any{"full_name": "Người nhận lại", "phone": fxVictimPhone, "reception": map[string]any{"channel": "self_report", "body": "UBND xã"}}
		r = h.api(vt, "POST", "/api/v1/victims", vb)
		decodeJSON(t, r, &p)
		if r.StatusCode != http.StatusConflict || p.Code != "duplicate" || !slices.Contains(p.Candidates, fx.victimPerson) {
			t.Fatalf("victim duplicate: %d %s", r.StatusCode, r.text())
		}
		noSecret(t, "victim duplicate problem", r.text())
		vb["confirm_new"] = true
		if r := h.api(vt, "POST", "/api/v1/victims", vb); r.StatusCode != http.StatusCreated {
			t.Fatalf("victim confirm_new: %d %s", r.StatusCode, r.text())
		}
	})
}

// TestMergeWeb: a leader compares two records, merges one into the other;
// the merged record's page and API resource lead to the survivor, audited.
func TestMergeWeb(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		other, err := h.app.persons.Create(h.actorCtx(auth.RoleInvestigator), person.Input{FullName: "Páo Lùn", Sex: "male", Phone: "0966 123 456",
			IDNumber: "011085012345", Role: person.RoleBroker, ConfirmNew: true})
		if err != nil {
			t.Fatal(err)
		}
		oid := other.Person.ID.String()
		lead := h.login(auth.RoleLeader)
		base := "/persons/" + fx.suspect.String() + "/merge"
		renderOK(t, "merge form", func(lang string) *response {
			lead.lang = lang
			defer func() { lead.lang = "" }()
			return lead.get(base)
		}, http.StatusOK)
		renderOK(t, "merge preview", func(lang string) *response {
			lead.lang = lang
			defer func() { lead.lang = "" }()
			return lead.get(base + "?other=" + url.QueryEscape(h.srv.URL+"/persons/"+oid))
		}, http.StatusOK)
		r := lead.get(base + "?other=" + oid)
		wantText(t, r, "preview", fxSuspectName, "Páo Lùn", "011085012345", `name="survivor_version"`, `name="merged_version"`, h.vi("merge.confirm"))
		// The suspect page offers the merge to the leader only.
		if !strings.Contains(lead.get("/persons/"+fx.suspect.String()).text(), `id="merge"`) ||
			strings.Contains(h.login(auth.RoleInvestigator).get("/persons/"+fx.suspect.String()).text(), `id="merge"`) {
			t.Error("merge panel shown to the wrong roles")
		}
		self := lead.get(base + "?other=" + fx.suspect.String())
		if self.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(self.text(), h.vi("person.merge_self")) {
			t.Errorf("self merge: %d", self.StatusCode)
		}
		sv, _ := h.app.persons.Get(h.actorCtx(auth.RoleLeader), fx.suspect)
		form := url.Values{"other": {oid}, "survivor_version": {strconv.Itoa(sv.Person.Version)}, "merged_version": {"1"}, "reason": {"x"}}
		if r := lead.postForm(base, form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), h.vi("person.reason_short", person.MinReasonLen)) {
			t.Fatalf("short reason: %d", r.StatusCode)
		}
		form.Set("reason", "Cùng một người: trùng số điện thoại và CCCD")
		form.Set("merged_version", "7")
		if r := lead.postForm(base, form); r.StatusCode != http.StatusConflict {
			t.Fatalf("stale merge: %d", r.StatusCode)
		}
		form.Set("merged_version", "1")
		if r := lead.postForm(base, form); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/persons/"+fx.suspect.String() {
			t.Fatalf("merge: %d %s\n%.500s", r.StatusCode, r.Header.Get("Location"), r.text())
		}
		// Old links lead to the survivor (web and API); the survivor holds both records' data.
		inv := h.login(auth.RoleInvestigator)
		if r := inv.get("/persons/" + oid); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/persons/"+fx.suspect.String() {
			t.Fatalf("tombstone page: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := h.api(h.token(auth.RoleInvestigator), "GET", "/api/v1/persons/"+oid, nil); r.StatusCode != http.StatusMovedPermanently ||
			r.Header.Get("Location") != "/api/v1/persons/"+fx.suspect.String() {
			t.Fatalf("tombstone API: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		wantText(t, inv.get("/persons/"+fx.suspect.String()), "survivor", "Páo Lùn", "0966 123 456", "011085012345", h.vi("prole.broker"))
		// Someone who may not see the survivor learns nothing from the tombstone.
		cax := h.outsider("cax-merge", "CAX", ctip.UnitCommunePolice, auth.RoleIntake)
		a, b := cax.get("/persons/"+oid), cax.get("/persons/"+ctip.NewID().String())
		if a.StatusCode != http.StatusNotFound || b.StatusCode != http.StatusNotFound {
			t.Errorf("outsider on a tombstone: %d vs %d", a.StatusCode, b.StatusCode)
		}
		// Audited.
		n, _, err := h.app.db.WalkAudit(context.Background(), func(ev ctip.AuditEvent) error {
			if ev.Action == "person.merge" && ev.RecordID == fx.suspect.String() && slices.Contains(ev.Fields, "merged:"+oid) && ev.Reason != "" {
				return errFound
			}
			return nil
		})
		_ = n
		if err != errFound {
			t.Error("merge not audited")
		}
	})
}

type found struct{}

func (found) Error() string { return "found" }

var errFound error = found{}

// TestMergeAPI: POST /api/v1/persons/{id}/merge, version-checked.
func TestMergeAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		other, err := h.app.persons.Create(h.actorCtx(auth.RoleInvestigator), person.Input{FullName: "Páo Cao", BirthYear: 1985, ConfirmNew: true})
		if err != nil {
			t.Fatal(err)
		}
		tok := h.token(auth.RoleLeader)
		sv, _ := h.app.persons.Get(h.actorCtx(auth.RoleLeader), fx.suspect)
		body := map[string]any{"other": other.Person.ID, "version": sv.Person.Version, "other_version": 9, "reason": "Trùng họ tên và năm sinh"}
		if r := h.api(tok, "POST", "/api/v1/persons/"+fx.suspect.String()+"/merge", body); r.StatusCode != http.StatusConflict || !strings.Contains(r.text(), `"stale"`) {
			t.Fatalf("stale: %d %s", r.StatusCode, r.text())
		}
		body["other_version"] = 1
		if r := h.api(h.token(auth.RoleInvestigator), "POST", "/api/v1/persons/"+fx.suspect.String()+"/merge", body); r.StatusCode != http.StatusForbidden {
			t.Fatalf("investigator merge: %d", r.StatusCode)
		}
		r := h.api(tok, "POST", "/api/v1/persons/"+fx.suspect.String()+"/merge", body)
		var d struct {
			ID       ctip.ID `json:"id"`
			Identity struct {
				Aliases []string `json:"aliases"`
			} `json:"identity"`
		}
		decodeJSON(t, r, &d)
		if r.StatusCode != http.StatusOK || d.ID != fx.suspect || !slices.Contains(d.Identity.Aliases, "Páo Cao") {
			t.Fatalf("merge: %d %s", r.StatusCode, r.text())
		}
	})
}

// TestPersonSettingsPage: only an administrator; bounds refused in
// Vietnamese with the field named; a stale form refused; saved, audited,
// in force at once.
func TestPersonSettingsPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		adm := h.login(auth.RoleAdmin)
		renderOK(t, "settings page", func(lang string) *response {
			adm.lang = lang
			defer func() { adm.lang = "" }()
			return adm.get("/admin/persons")
		}, http.StatusOK)
		r := adm.get("/admin/persons")
		wantText(t, r, "settings", `name="reveal_minutes" value="15"`, `name="break_glass_minutes" value="10"`, `name="retain_protected_years" value="10"`, h.vi("nav.person_settings"))
		stamp := person.DefaultSettings().Stamp()
		form := url.Values{"stamp": {stamp}, "reveal_minutes": {"90"}, "break_glass_minutes": {"abc"}, "retain_protected_years": {"3"},
			"retain_witness_years": {"5"}, "retain_not_victim_years": {"4"}}
		renderOK(t, "settings errors", func(lang string) *response { return adm.postLang("/admin/persons", lang, form) }, http.StatusUnprocessableEntity)
		r = adm.postForm("/admin/persons", form)
		wantText(t, r, "errors", h.vi("pfield.reveal_minutes")+": "+h.vi("settings.minutes_range", 5, 60), h.vi("settings.minutes_range", 5, 30),
			h.vi("settings.not_victim_longer"))
		if h.app.persons.Settings() != person.DefaultSettings() {
			t.Fatal("refused settings were applied")
		}
		form = url.Values{"stamp": {stamp}, "reveal_minutes": {"20"}, "break_glass_minutes": {"5"}, "retain_protected_years": {"12"},
			"retain_witness_years": {"5"}, "retain_not_victim_years": {"2"}}
		if r := adm.postForm("/admin/persons", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%.500s", r.StatusCode, r.text())
		}
		if st := h.app.persons.Settings(); st.RevealMinutes != 20 || st.GlassMinutes != 5 || st.Retention.ProtectedYears != 12 {
			t.Fatalf("in force: %+v", st)
		}
		if r := adm.postForm("/admin/persons", form); r.StatusCode != http.StatusConflict {
			t.Fatalf("stale form: %d", r.StatusCode)
		}
		if v, ok, _ := h.app.db.Setting(context.Background(), person.SettingRevealMinutes); !ok || v != "20" {
			t.Fatalf("stored %q %v", v, ok)
		}
		// A leader may not.
		if r := h.login(auth.RoleLeader).postForm("/admin/persons", form); r.StatusCode != http.StatusForbidden {
			t.Fatalf("leader: %d", r.StatusCode)
		}
		_, _, err := h.app.db.WalkAudit(context.Background(), func(ev ctip.AuditEvent) error {
			if ev.Action == "settings.persons" && slices.Contains(ev.Fields, "persons.break_glass_minutes:10->5") {
				return errFound
			}
			return nil
		})
		if err != errFound {
			t.Error("settings change not audited")
		}
	})
}

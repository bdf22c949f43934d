package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"ctip/internal/api"
	"ctip/internal/auth"
	"ctip/internal/dbtest"
	"ctip/internal/store"
)

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	routes := map[string]bool{}
	for _, rt := range (&api.Server{}).Routes() {
		key := strings.ToLower(rt.Method) + " " + rt.Pattern
		routes[key] = true
		ops, ok := doc.Paths[rt.Pattern]
		if !ok || ops[strings.ToLower(rt.Method)] == nil {
			t.Errorf("route %s %s is missing from openapi.json", rt.Method, rt.Pattern)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			if !routes[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not a route", method, path)
			}
		}
	}
}

type problem struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
	Errors []struct {
		Field, Message, Code string
	} `json:"errors"`
}

func fieldsOf(p problem) []string {
	var f []string
	for _, e := range p.Errors {
		f = append(f, e.Field)
	}
	return f
}

func (h *harness) countItems() int {
	var n int
	h.app.db.QueryRow(t0(), "SELECT COUNT(*) FROM intake_items").Scan(&n)
	return n
}

func eachEngine(t *testing.T, fn func(t *testing.T, h *harness)) {
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) { fn(t, newHarness(t, e)) })
	}
}

var dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func TestAPICreateIntake(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		tok := h.token(auth.RoleIntake)
		body := map[string]any{"kind": "denunciation", "channel": "hotline", "received_at": "2026-03-01T22:30:00+07:00",
			"summary": "Tố giác đường dây đưa người sang Lào", "commune_code": "03160", "offence_article": "150",
			"reporter": map[string]any{"name": "Lò Văn Pọm", "phone": "0912000111"}}
		r := h.api(tok, "POST", "/api/v1/intake", body)
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", r.StatusCode, r.text())
		}
		var it map[string]any
		decodeJSON(t, r, &it)
		for _, k := range []string{"id", "reference", "status", "received_at", "deadline", "version"} {
			if _, ok := it[k]; !ok {
				t.Errorf("response lacks %s", k)
			}
		}
		// Received 1 Mar 2026 22:30 in Vietnam → 20 days, start day not counted → 21 Mar.
		if it["deadline"] != "2026-03-21" || !dateRe.MatchString(it["deadline"].(string)) || it["status"] != "received" || it["reference"] != "TB-2026-000002" /* the fixture item is the unit's first */ {
			t.Errorf("created item: %v", it)
		}
		if strings.Contains(r.text(), "Lò Văn Pọm") || strings.Contains(r.text(), "0912000111") {
			t.Error("the reporter's identity is in the response")
		}
		if r.Header.Get("Location") != "/api/v1/intake/"+it["id"].(string) {
			t.Errorf("Location %q", r.Header.Get("Location"))
		}
	})
}

// The minimal body has no reporter: a denunciation is received with
// the reporter "not recorded"; a report or prosecution request is refused
// naming the rule of BLTTHS Art. 144 on reporter.organisation.
func TestAPICreateIntakeWithoutReporter(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		tok := h.token(auth.RoleIntake)
		body := func(kind string) map[string]any {
			return map[string]any{"kind": kind, "channel": "hotline", "received_at": "2026-03-01T08:30:00+07:00",
				"summary": "Tin báo thử không có người báo", "commune_code": "03160", "offence_article": "150"}
		}
		r := h.api(tok, "POST", "/api/v1/intake", body("denunciation"))
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("denunciation without reporter: status %d: %s", r.StatusCode, r.text())
		}
		var it struct {
			Reporter map[string]bool `json:"reporter"`
		}
		decodeJSON(t, r, &it)
		if it.Reporter["recorded"] || it.Reporter["anonymous"] || it.Reporter["protected"] {
			t.Errorf("reporter flags %v, want not recorded", it.Reporter)
		}
		// Read back (the identity fields are not loaded for the view): the
		// fixture's named reporter is recorded and protected, this one is not.
		var list struct {
			Items []struct {
				ID       string          `json:"id"`
				Reporter map[string]bool `json:"reporter"`
			} `json:"items"`
		}
		decodeJSON(t, h.api(tok, "GET", "/api/v1/intake?view=all", nil), &list)
		for _, x := range list.Items {
			want := x.ID == h.item.ID.String()
			if x.Reporter["recorded"] != want || x.Reporter["protected"] != want {
				t.Errorf("item %s reporter flags %v, want recorded=%v", x.ID, x.Reporter, want)
			}
		}
		if len(list.Items) != 2 {
			t.Errorf("list has %d items", len(list.Items))
		}
		before := h.countItems()
		for kind, want := range map[string]string{"report": "Điều 144", "petition": "Điều 144"} {
			r := h.api(tok, "POST", "/api/v1/intake", body(kind))
			var p problem
			decodeJSON(t, r, &p)
			if r.StatusCode != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "reporter.organisation" || !strings.Contains(p.Errors[0].Message, want) {
				t.Errorf("%s without reporter: %d %+v", kind, r.StatusCode, p)
			}
		}
		if h.countItems() != before {
			t.Error("a refused intake was written")
		}
	})
}

func TestAPIBadInputNeverCrashesNorWrites(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		tok := h.token(auth.RoleIntake)
		before := h.countItems()
		future := time.Now().Add(48 * time.Hour).Format(time.RFC3339)
		cases := []struct {
			name   string
			body   string
			status int
			fields []string
		}{
			{"malformed JSON", `{"kind": "denunciation",`, 422, []string{"body"}},
			{"not an object", `[1,2,3]`, 422, []string{"body"}},
			{"wrong type", `{"kind": 7}`, 422, []string{"kind"}},
			{"unknown field", `{"kind":"denunciation","colour":"red"}`, 422, []string{"colour"}},
			{"trailing data", `{"kind":"denunciation"} {"x":1}`, 422, []string{"body"}},
			{"empty body", ``, 422, []string{"body"}},
			{"missing required", `{}`, 422, []string{"kind", "channel", "received_at", "summary", "offence_article"}},
			{"invalid values", `{"kind":"gossip","channel":"pigeon","received_at":"yesterday","summary":"x","commune_code":"99999","offence_article":"1"}`, 422,
				[]string{"kind", "channel", "received_at", "commune_code", "offence_article"}},
			{"future receipt", `{"kind":"denunciation","channel":"hotline","received_at":"` + future + `","summary":"x","offence_article":"150","reporter":{"anonymous":true}}`, 422, []string{"received_at"}},
			{"over-long text", `{"kind":"denunciation","channel":"hotline","received_at":"2026-03-01T10:00:00+07:00","summary":"` + strings.Repeat("ư", 4001) + `","offence_article":"150","reporter":{"anonymous":true}}`, 422, []string{"summary"}},
			{"bad reporter", `{"kind":"report","channel":"letter","received_at":"2026-03-01T10:00:00+07:00","summary":"x","offence_article":"150","reporter":{"name":"A","phone":"call me","id_number":"12"}}`, 422,
				[]string{"reporter.organisation", "reporter.phone", "reporter.id_number"}},
			{"oversized body", `{"summary":"` + strings.Repeat("a", 2<<20) + `"}`, 413, nil},
		}
		for _, c := range cases {
			r := h.api(tok, "POST", "/api/v1/intake", c.body)
			if r.StatusCode != c.status {
				t.Errorf("%s: status %d, want %d: %.300s", c.name, r.StatusCode, c.status, r.text())
				continue
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: content type %q", c.name, ct)
			}
			var p problem
			decodeJSON(t, r, &p)
			if p.Code == "" || p.Detail == "" || p.Status != c.status {
				t.Errorf("%s: problem %+v", c.name, p)
			}
			got := fieldsOf(p)
			for _, f := range c.fields {
				if !slices.Contains(got, f) {
					t.Errorf("%s: errors do not name %q: %+v", c.name, f, p.Errors)
				}
			}
			for _, e := range p.Errors {
				if e.Message == "" || strings.Contains(e.Message, "⟦") {
					t.Errorf("%s: field %s has no message: %+v", c.name, e.Field, e)
				}
			}
		}
		if n := h.countItems(); n != before {
			t.Fatalf("bad input wrote %d items", n-before)
		}
	})
}

func TestAPIUnauthenticatedAndForbidden(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		for _, tok := range []string{"", "ctip_forged", "not-even-a-token"} {
			r := h.api(tok, "GET", "/api/v1/intake", nil)
			var p problem
			decodeJSON(t, r, &p)
			if r.StatusCode != 401 || p.Code != "unauthenticated" || r.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("token %q: %d %+v", tok, r.StatusCode, p)
			}
		}
		r := h.api(h.token(auth.RoleAnalyst), "GET", "/api/v1/intake", nil)
		if r.StatusCode != 403 {
			t.Errorf("analyst: %d", r.StatusCode)
		}
		r = h.api(h.token(auth.RoleIntake), "GET", "/api/v1/nowhere", nil)
		if r.StatusCode != 404 || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("unknown API path: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
	})
}

func TestAPIProcessAndOptimisticLocking(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		inv, leader := h.token(auth.RoleInvestigator), h.token(auth.RoleLeader)
		id := h.item.ID.String()
		// Assign (leader), with a stale version first.
		r := h.api(leader, "POST", "/api/v1/intake/"+id+"/assign", map[string]any{"version": 99, "officer_id": h.users[auth.RoleInvestigator].ID.String()})
		var p problem
		decodeJSON(t, r, &p)
		if r.StatusCode != 409 || p.Code != "stale" || !strings.Contains(p.Detail, "người khác") {
			t.Fatalf("stale assign: %d %+v", r.StatusCode, p)
		}
		r = h.api(leader, "POST", "/api/v1/intake/"+id+"/assign", map[string]any{"version": 1, "officer_id": h.users[auth.RoleInvestigator].ID.String()})
		if r.StatusCode != 200 {
			t.Fatalf("assign: %d %s", r.StatusCode, r.text())
		}
		var it struct {
			Status     string                `json:"status"`
			Version    int                   `json:"version"`
			Deadline   string                `json:"deadline"`
			Allowed    []string              `json:"allowed_actions"`
			AssignedTo struct{ Name string } `json:"assigned_to"`
		}
		decodeJSON(t, r, &it)
		if it.Status != "assigned" || it.Version != 2 || it.AssignedTo.Name == "" {
			t.Fatalf("after assign: %+v", it)
		}
		// A transition out of order: resume is refused with the rule named.
		r = h.api(inv, "POST", "/api/v1/intake/"+id+"/resume", map[string]any{"version": 2, "document_number": "1", "document_date": "2026-03-02", "signer": "x"})
		decodeJSON(t, r, &p)
		if r.StatusCode != 409 || p.Reason != "intake.transition_refused" {
			t.Errorf("resume from assigned: %d %+v", r.StatusCode, p)
		}
		// Named by their labels, not the codes (review finding 14).
		if !strings.Contains(p.Detail, "«Phục hồi»") || !strings.Contains(p.Detail, "«Đã phân công»") || strings.Contains(p.Detail, "resume") || strings.Contains(p.Detail, "assigned") {
			t.Errorf("refusal names codes: %q", p.Detail)
		}
		// Extension beyond what the law allows.
		r = h.api(leader, "POST", "/api/v1/intake/"+id+"/extend", map[string]any{"version": 2, "months": 3, "document_number": "5/QĐ", "document_date": "2026-03-02", "signer": "Trưởng phòng"})
		decodeJSON(t, r, &p)
		if r.StatusCode != 422 || !slices.Contains(fieldsOf(p), "months") || !strings.Contains(p.Errors[0].Message, "147") {
			t.Errorf("3-month extension: %d %+v", r.StatusCode, p)
		}
		r = h.api(leader, "POST", "/api/v1/intake/"+id+"/extend", map[string]any{"version": 2, "months": 2, "document_number": "5/QĐ", "document_date": "2026-03-02", "signer": "Trưởng phòng"})
		decodeJSON(t, r, &it)
		// 2 months from 2 Mar 2026 → 2 May (Saturday after the 30/4–1/5 holidays) → Monday 4 May.
		if r.StatusCode != 200 || it.Deadline != "2026-05-04" {
			t.Errorf("extend: %d %+v", r.StatusCode, it)
		}
		// PATCH edits content, needs the version, keeps the rest.
		r = h.api(inv, "PATCH", "/api/v1/intake/"+id, map[string]any{"summary": "Bổ sung: có 2 nạn nhân", "version": it.Version})
		if r.StatusCode != 200 || !strings.Contains(r.text(), "Bổ sung: có 2 nạn nhân") {
			t.Errorf("patch: %d %s", r.StatusCode, r.text())
		}
		r = h.api(inv, "PATCH", "/api/v1/intake/"+id, map[string]any{"summary": "x"})
		if r.StatusCode != 422 {
			t.Errorf("patch without version: %d", r.StatusCode)
		}
		// List with filters and paging.
		r = h.api(inv, "GET", "/api/v1/intake?view=unit&status=assigned&limit=10", nil)
		var list struct {
			Items []map[string]any `json:"items"`
			Total int              `json:"total"`
		}
		decodeJSON(t, r, &list)
		if list.Total != 1 || len(list.Items) != 1 {
			t.Errorf("list: %+v", list)
		}
		r = h.api(inv, "GET", "/api/v1/intake?status=received", nil)
		decodeJSON(t, r, &list)
		if list.Total != 0 {
			t.Errorf("status filter: %d", list.Total)
		}
		r = h.api(inv, "GET", "/api/v1/intake?limit=abc&from=2026-13-01", nil)
		decodeJSON(t, r, &p)
		if r.StatusCode != 422 || !slices.Contains(fieldsOf(p), "limit") || !slices.Contains(fieldsOf(p), "from") {
			t.Errorf("bad query: %d %+v", r.StatusCode, p)
		}
	})
}

func TestAPIReporterRevealIsRestrictedAndAudited(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		id := h.item.ID.String()
		r := h.api(h.token(auth.RoleLeader), "GET", "/api/v1/intake/"+id+"/reporter", nil)
		if r.StatusCode != 200 || !strings.Contains(r.text(), "Quàng Văn Thắng") {
			t.Fatalf("leader: %d %s", r.StatusCode, r.text())
		}
		for _, role := range []string{auth.RoleInvestigator, auth.RoleIntake, auth.RoleProcurator} {
			r := h.api(h.token(role), "GET", "/api/v1/intake/"+id+"/reporter", nil)
			if r.StatusCode != 404 || strings.Contains(r.text(), "Quàng") {
				t.Errorf("%s: %d %s", role, r.StatusCode, r.text())
			}
		}
		var views, denied int
		h.app.db.QueryRow(t0(), "SELECT COUNT(*) FROM audit_events WHERE action = 'intake.reporter_view' AND record_id = $1", id).Scan(&views)
		h.app.db.QueryRow(t0(), "SELECT COUNT(*) FROM audit_events WHERE action = 'intake.reporter_denied' AND record_id = $1", id).Scan(&denied)
		if views != 1 || denied != 3 {
			t.Errorf("audited views %d, denials %d", views, denied)
		}
	})
}

func TestAPIAttachmentsEncryptedAndAudited(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		att := h.attachment()
		inv := h.token(auth.RoleInvestigator)
		r := h.api(inv, "GET", "/api/v1/intake/"+h.item.ID.String()+"/attachments/"+att, nil)
		if r.StatusCode != 200 || !strings.HasPrefix(r.text(), "%PDF-1.4") || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("download: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
		}
		var raw []byte
		h.app.db.QueryRow(t0(), "SELECT content FROM intake_attachments WHERE id = $1", att).Scan(&raw)
		if len(raw) == 0 || strings.Contains(string(raw), "%PDF") {
			t.Fatal("attachment stored in clear")
		}
		var n int
		h.app.db.QueryRow(t0(), "SELECT COUNT(*) FROM audit_events WHERE action = 'intake.download' AND record_id = $1", att).Scan(&n)
		if n != 1 {
			t.Errorf("%d download audit events", n)
		}
		// An executable is refused by content sniffing, whatever its name.
		c := h.login(auth.RoleInvestigator)
		r = c.postFile("/intake/"+h.item.ID.String()+"/attachments", "photo.jpg", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"))
		if loc := r.Header.Get("Location"); r.StatusCode != 303 {
			t.Errorf("exe upload: %d %s", r.StatusCode, loc)
		}
		list, _ := h.app.db.ListAttachments(t0(), h.item.ID)
		if len(list) != 1 {
			t.Errorf("%d attachments after a refused upload", len(list))
		}
	})
}

var _ = store.SQLite

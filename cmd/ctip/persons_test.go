package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/crypt"
	"ctip/internal/person"
	"ctip/internal/store"
	"ctip/internal/victim"
)

// secrets are the fixture identity values that must never show where the
// identity is hidden, in logs, or in clear in the database files.
var secrets = []string{fxVictimName, "Xuân Mai", fxVictimID, fxVictimPhone, "Bản Nậm Kè", "2001-05-04", "04/05/2001"}

func noSecret(t *testing.T, where, body string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(body, s) {
			t.Errorf("%s reveals %q", where, s)
		}
	}
}

// outsider adds a user of a role in a unit (creating the unit if needed).
func (h *harness) outsider(name, unitCode, unitKind, role string) *client {
	h.t.Helper()
	sys := system(context.Background(), "test")
	if h.units[unitCode] == nil {
		u, err := h.app.auth.CreateUnit(sys, auth.UnitInput{Code: unitCode, Name: "Đơn vị " + unitCode, Kind: unitKind, ParentCode: "CAT", CommuneCode: "03160"})
		if err != nil {
			h.t.Fatal(err)
		}
		h.units[unitCode] = u
	}
	u, _, err := h.app.auth.CreateUser(sys, auth.UserInput{Username: name, DisplayName: "Người dùng " + name, UnitCode: unitCode, Roles: []string{role},
		Password: testPassword, DemoAccount: true})
	if err != nil {
		h.t.Fatal(err)
	}
	h.users[name] = u
	return h.login(name)
}

// TestVictimIdentityHidden: a commune-police user, an analyst and an
// investigator of another unit can neither read nor infer a victim's
// identity through pages, API, search, exports, counts or error messages.
func TestVictimIdentityHidden(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		vid, pid := fx.victim.String(), fx.victimPerson.String()
		outsiders := map[string]*client{
			"commune_police": h.outsider("cax-intake", "CAX", ctip.UnitCommunePolice, auth.RoleIntake),
			"analyst":        h.login(auth.RoleAnalyst),
			"investigator":   h.login(auth.RoleInvestigator), // PC02: not on the victim's team (received by SYT)
		}
		tokens := map[string]string{"commune_police": h.token("cax-intake"), "analyst": h.token(auth.RoleAnalyst), "investigator": h.token(auth.RoleInvestigator)}
		random := ctip.NewID().String()
		for who, c := range outsiders {
			tok := tokens[who]
			// Pages.
			for _, p := range []string{"/victims", "/victims/" + vid, "/persons/" + pid, "/victims/needs", "/persons"} {
				r := c.get(p)
				noSecret(t, who+" GET "+p, r.text())
			}
			// The person page of a victim answers exactly like a record that does not exist.
			a, b := c.get("/persons/"+pid), c.get("/persons/"+random)
			if a.StatusCode != b.StatusCode || stripIDs(a.text()) != stripIDs(b.text()) {
				x, y := stripIDs(a.text()), stripIDs(b.text())
				i := 0
				for i < len(x) && i < len(y) && x[i] == y[i] {
					i++
				}
				t.Errorf("%s: /persons/<victim> (%d) differs from /persons/<random> (%d) at %q vs %q", who, a.StatusCode, b.StatusCode, x[max(0, i-80):min(len(x), i+80)], y[max(0, i-80):min(len(y), i+80)])
			}
			// Search by name (with and without marks, with a typo), ID number, phone: no hint.
			for _, q := range []string{fxVictimName, "lo thi xuan mai", "Xuâm Mai", fxVictimID, fxVictimPhone} {
				hit := c.get("/persons?q=" + url.QueryEscape(q))
				miss := c.get("/persons?q=" + url.QueryEscape("Zzyzx Qwerty"))
				noSecret(t, who+" search "+q, strings.ReplaceAll(hit.text(), q, ""))
				if hit.StatusCode != miss.StatusCode || strings.Contains(hit.text(), fx.pseudonym) || strings.Contains(hit.text(), pid) {
					t.Errorf("%s: search %q hints at the victim (status %d vs %d)", who, q, hit.StatusCode, miss.StatusCode)
				}
				if hit.StatusCode == http.StatusOK && (!strings.Contains(hit.text(), `id="no-hits"`) || !strings.Contains(miss.text(), `id="no-hits"`)) {
					t.Errorf("%s: search %q did not answer 'nothing'", who, q)
				}
				ra := h.api(tok, "GET", "/api/v1/persons?q="+url.QueryEscape(q), nil)
				rb := h.api(tok, "GET", "/api/v1/persons?q="+url.QueryEscape("Zzyzx Qwerty"), nil)
				if ra.StatusCode != rb.StatusCode || stripIDs(ra.text()) != stripIDs(rb.text()) {
					t.Errorf("%s: API search %q differs from a miss: %s vs %s", who, q, ra.text(), rb.text())
				}
			}
			// API reads and the reveal: no identity; the reveal answers like a missing record.
			for _, p := range []string{"/api/v1/victims/" + vid, "/api/v1/persons/" + pid, "/api/v1/victims/" + vid + "/support", "/api/v1/victims/" + vid + "/followups"} {
				r := h.api(tok, "GET", p, nil)
				noSecret(t, who+" API "+p, r.text())
				if strings.Contains(r.text(), `"identity"`) {
					t.Errorf("%s: %s carries an identity", who, p)
				}
			}
			ra := h.api(tok, "POST", "/api/v1/victims/"+vid+"/reveal", map[string]string{"reason": "Tôi muốn biết người này là ai"})
			rb := h.api(tok, "POST", "/api/v1/victims/"+random+"/reveal", map[string]string{"reason": "Tôi muốn biết người này là ai"})
			noSecret(t, who+" reveal", ra.text())
			if ra.StatusCode != rb.StatusCode || stripIDs(ra.text()) != stripIDs(rb.text()) {
				t.Errorf("%s: reveal of the victim (%d %s) differs from a missing record (%d %s)", who, ra.StatusCode, ra.text(), rb.StatusCode, rb.text())
			}
			// Web reveal and exports.
			r := c.postForm("/victims/"+vid+"/reveal", url.Values{"reason": {"Tôi muốn biết người này là ai"}})
			noSecret(t, who+" web reveal", r.text())
			if r.StatusCode == http.StatusSeeOther {
				t.Errorf("%s: web reveal accepted", who)
			}
			for _, p := range []string{"/victims/export", "/persons/" + pid + "/export"} {
				r := c.postForm(p, url.Values{"reason": {"Báo cáo định kỳ cho lãnh đạo"}})
				noSecret(t, who+" export "+p, r.text())
				if r.StatusCode == http.StatusOK {
					t.Errorf("%s: export %s allowed", who, p)
				}
			}
		}
		// The team sees it, after a reason; the reveal lapses.
		vs := h.login(auth.RoleVictimSupport)
		if r := vs.get("/victims/" + vid); strings.Contains(r.text(), fxVictimName) {
			t.Error("identity shown before a reveal")
		}
		tok := h.token(auth.RoleVictimSupport)
		if r := h.api(tok, "POST", "/api/v1/victims/"+vid+"/reveal", map[string]string{}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("reveal without reason: %d", r.StatusCode)
		}
		r := h.api(tok, "POST", "/api/v1/victims/"+vid+"/reveal", map[string]string{"reason": "Lập kế hoạch hỗ trợ ban đầu"})
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), fxVictimName) {
			t.Fatalf("team reveal: %d %s", r.StatusCode, r.text())
		}
		if r := vs.get("/victims/" + vid); !strings.Contains(r.text(), fxVictimName) {
			t.Error("identity not shown during the reveal")
		}
		h.clock.Advance(16 * time.Minute)
		if r := vs.get("/victims/" + vid); strings.Contains(r.text(), fxVictimName) {
			t.Error("identity still shown after 15 minutes")
		}
		// Every view and reveal is in the audit trail.
		var n int
		h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM audit_events WHERE action IN ('person.reveal', 'victim.view', 'person.reveal_denied', 'victim.reveal_denied')`).Scan(&n)
		if n < 5 {
			t.Errorf("audit events of views and reveals: %d", n)
		}
	})
}

var uuidRe = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|/static/[^"]+|"request_id":"[^"]*"|Mã yêu cầu:[^<]*|class="rid">[0-9a-f]+`)

func stripIDs(s string) string { return uuidRe.ReplaceAllString(s, "") }

// TestBreakTheGlass: a leader outside the team sees the identity after a
// reason, for a short window, audited, and the owning unit's leaders are told.
func TestBreakTheGlass(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		h.outsider("truong-syt", "SYT", ctip.UnitHealth, auth.RoleLeader)
		leader := h.login(auth.RoleLeader) // PC02, outside the team
		vid := fx.victim.String()
		if r := leader.postForm("/victims/"+vid+"/break-glass", url.Values{"reason": {"ngắn"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("short reason: %d", r.StatusCode)
		}
		if r := leader.postForm("/victims/"+vid+"/break-glass", url.Values{"reason": {"Nạn nhân bị đe dọa tính mạng, cần xác minh ngay"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("break the glass: %d %s", r.StatusCode, r.text())
		}
		if r := leader.get("/victims/" + vid); !strings.Contains(r.text(), fxVictimName) {
			t.Error("identity not shown after breaking the glass")
		}
		var n int
		h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'break_glass'`, h.users["truong-syt"].ID).Scan(&n)
		if n != 1 {
			t.Errorf("owning unit's leader notifications: %d", n)
		}
		h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM audit_events WHERE action = 'person.break_glass' AND reason <> ''`).Scan(&n)
		if n != 1 {
			t.Errorf("break-the-glass audit events: %d", n)
		}
		h.clock.Advance(11 * time.Minute)
		if r := leader.get("/victims/" + vid); strings.Contains(r.text(), fxVictimName) {
			t.Error("break-the-glass window did not close")
		}
	})
}

// TestAPIPersonsAndVictims: the API round trip and its refusals (nothing written).
func TestAPIPersonsAndVictims(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		count := func() (n int) {
			h.app.db.QueryRow(t0(), "SELECT (SELECT COUNT(*) FROM persons) + (SELECT COUNT(*) FROM victims) + (SELECT COUNT(*) FROM victim_support)").Scan(&n)
			return n
		}
		inv, vs := h.token(auth.RoleInvestigator), h.token(auth.RoleVictimSupport)
		before := count()
		for _, bad := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"full_name": "Vàng A Dính", "id_number": "123456789012"}, "id_number"},                                               // 123 is not a province code
			{map[string]any{"full_name": "Vàng A Dính", "id_number": "01120101234"}, "id_number"},                                                // 11 digits
			{map[string]any{"full_name": "Vàng A Dính", "date_of_birth": "2031-02-30"}, "date_of_birth"},                                         // impossible date
			{map[string]any{"full_name": "Vàng A Dính", "date_of_birth": "2030-01-01"}, "date_of_birth"},                                         // future
			{map[string]any{"full_name": "Vàng A Dính", "sex": "male", "date_of_birth": "1990-01-01", "id_number": "011190012345"}, "id_number"}, // CCCD says 1990 but female
			{map[string]any{"aliases": []string{}}, "full_name"},
			{map[string]any{"full_name": "Đối tượng thử", "id_number": "12345"}, "id_number"},         // not a citizen ID (was stored as "other")
			{map[string]any{"full_name": "Đối tượng thử", "id_number": "00130500123X"}, "id_number"},  // a letter
			{map[string]any{"full_name": "Đối tượng thử", "id_number": "abc-not-an-id"}, "id_number"}, // not a number
			{map[string]any{"full_name": "Đối tượng thử", "documents": []map[string]any{{"kind": "passport", "number": "12", "country": "LA"}}}, "documents"},
		} {
			r := h.api(inv, "POST", "/api/v1/persons", bad.body)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), `"field":"`+bad.field+`"`) {
				t.Errorf("%v: %d %s", bad.body, r.StatusCode, r.text())
			}
		}
		// The victims endpoint takes the same shorthand, refused the same way,
		// and the message names the citizen ID (a 9-digit number: the old card).
		for id, want := range map[string]string{"12345": "12 chữ số", "abc-not-an-id": "12 chữ số", "011090123": "chứng minh nhân dân"} {
			r := h.api(vs, "POST", "/api/v1/victims", map[string]any{"full_name": "Nguyễn Thị Thử", "sex": "female", "id_number": id,
				"reception": map[string]any{"channel": "rescue", "body": "Đồn Biên phòng A Pa Chải"}})
			if r.StatusCode != http.StatusUnprocessableEntity || strings.Count(r.text(), `"field"`) != 1 || !strings.Contains(r.text(), `"field":"id_number"`) || !strings.Contains(r.text(), want) {
				t.Errorf("victim id_number %q: %d %s", id, r.StatusCode, r.text())
			}
		}
		if count() != before {
			t.Errorf("refused persons were written: %d → %d", before, count())
		}
		r := h.api(inv, "POST", "/api/v1/persons", map[string]any{"full_name": "Vàng A Dính", "sex": "male", "date_of_birth": "1990-01-01",
			"id_number": "011090012345", "role": "recruiter", "phone": "0988111222",
			"documents": []map[string]any{{"kind": "cmnd", "number": "011090123"}, {"kind": "passport", "number": "C7654321", "country": "VN"}}})
		if r.StatusCode != http.StatusCreated || !strings.Contains(r.text(), `"kind":"cmnd"`) {
			t.Fatalf("create person: %d %s", r.StatusCode, r.text())
		}
		var p struct {
			ID       string `json:"id"`
			Identity struct {
				FullName string `json:"full_name"`
			} `json:"identity"`
		}
		decodeJSON(t, r, &p)
		if r := h.api(inv, "GET", "/api/v1/persons/"+p.ID, nil); !strings.Contains(r.text(), "Vàng A Dính") {
			t.Errorf("suspect not shown in scope: %s", r.text())
		}
		if r := h.api(inv, "GET", "/api/v1/persons?q=vang+a+dinh", nil); !strings.Contains(r.text(), p.ID) {
			t.Errorf("search by folded name: %s", r.text())
		}
		if r := h.api(inv, "GET", "/api/v1/persons?q=0988.111.222", nil); !strings.Contains(r.text(), p.ID) {
			t.Errorf("search by phone: %s", r.text())
		}
		before = count()
		// A victim: reception, pseudonym, identification, support refused/allowed, follow-up.
		r = h.api(vs, "POST", "/api/v1/victims", map[string]any{"full_name": "Sùng Thị Máy", "sex": "female", "date_of_birth": "2004-02-10",
			"id_number": "011304001122", "phone": "0911222333", "reception": map[string]any{"channel": "foreign_handover", "body": "Đồn Biên phòng A Pa Chải", "found_abroad": true}})
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("create victim: %d %s", r.StatusCode, r.text())
		}
		var v struct {
			ID        string `json:"id"`
			Pseudonym string `json:"pseudonym"`
		}
		decodeJSON(t, r, &v)
		if !strings.HasPrefix(v.Pseudonym, "NN-2026-") || strings.Contains(r.text(), "Sùng Thị Máy") {
			t.Fatalf("create answer: %s", r.text())
		}
		if r := h.api(vs, "POST", "/api/v1/victims/"+v.ID+"/support", map[string]any{"regime": "vocational", "provider": "Trường nghề", "provided_on": "2026-03-01"}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "Điều 37") {
			t.Errorf("regime not allowed: %d %s", r.StatusCode, r.text())
		}
		if r := h.api(vs, "POST", "/api/v1/victims/"+v.ID+"/reveal", map[string]any{"reason": ""}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("reveal without reason: %d", r.StatusCode)
		}
		if count() != before+2 { // the person and the file; nothing else
			t.Errorf("refused requests wrote something: %d → %d", before, count())
		}
		r = h.api(vs, "POST", "/api/v1/victims/"+v.ID+"/identification", map[string]any{"status": "victim", "decided_on": "2026-03-02", "deciding_body": "Police",
			"grounds": []string{"foreign_body", "person_statement"}, "version": 1})
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), `"beneficiary_class":"citizen_victim"`) {
			t.Fatalf("identification: %d %s", r.StatusCode, r.text())
		}
		if r := h.api(vs, "POST", "/api/v1/victims/"+v.ID+"/identification", map[string]any{"status": "not_victim", "decided_on": "2026-03-02", "deciding_body": "Police", "version": 2}); r.StatusCode != http.StatusConflict {
			t.Errorf("second identification: %d", r.StatusCode)
		}
		for _, s := range []map[string]any{{"regime": "vocational", "provider": "Trường nghề", "provided_on": "2026-03-02"},
			{"regime": "initial_allowance", "provider": "Sở Y tế", "provided_on": "2026-03-02", "amount": 1500000},
			{"regime": "legal_aid", "provider": "Trung tâm TGPL", "provided_on": "2026-03-02", "consent": true}} {
			if r := h.api(vs, "POST", "/api/v1/victims/"+v.ID+"/support", s); r.StatusCode != http.StatusCreated {
				t.Errorf("support %v: %d %s", s, r.StatusCode, r.text())
			}
		}
		if r := h.api(vs, "POST", "/api/v1/victims/"+v.ID+"/followups", map[string]any{"planned_on": "2026-04-01"}); r.StatusCode != http.StatusCreated {
			t.Errorf("follow-up: %d %s", r.StatusCode, r.text())
		}
		if r := h.api(vs, "GET", "/api/v1/victims/"+v.ID+"/support", nil); strings.Count(r.text(), `"regime"`) != 3 {
			t.Errorf("support list: %s", r.text())
		}
		if r := h.api(vs, "GET", "/api/v1/victims/"+v.ID, nil); strings.Contains(r.text(), "Sùng Thị Máy") || !strings.Contains(r.text(), v.Pseudonym) {
			t.Errorf("victim read without reveal: %s", r.text())
		}
	})
}

// TestNoIdentityInLogs captures the slog output of the real handler stack
// through the person and victim flows (including failures) and greps it.
func TestNoIdentityInLogs(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		var buf bytes.Buffer
		h.app.log = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		srv := httptest.NewServer(h.app.handler(false))
		defer srv.Close()
		h.srv = srv
		fx := h.personFixture()
		vs := h.login(auth.RoleVictimSupport)
		vs.postForm("/victims/new", url.Values{"full_name": {fxVictimName}, "id_number": {fxVictimID + "9"}, "phones": {fxVictimPhone}, "channel": {"rescue"}})
		vs.postForm("/victims/new", url.Values{"full_name": {fxVictimName}, "id_number": {fxVictimID}, "phones": {fxVictimPhone}, "channel": {"rescue"},
			"reception_body": {"Công an xã"}, "current_line": {"Bản Nậm Kè"}, "date_of_birth": {"2001-05-04"}, "sex": {"female"}})
		vs.postForm("/victims/"+fx.victim.String()+"/reveal", url.Values{"reason": {"Lập hồ sơ hỗ trợ cho " + fxVictimName}})
		vs.get("/victims/" + fx.victim.String())
		vs.get("/persons?q=" + url.QueryEscape(fxVictimName))
		vs.get("/persons?q=" + fxVictimID)
		tok := h.token(auth.RoleVictimSupport)
		h.api(tok, "POST", "/api/v1/victims", map[string]any{"full_name": fxVictimName, "id_number": fxVictimID, "phone": fxVictimPhone, "reception": map[string]any{"channel": "x"}})
		h.api(tok, "POST", "/api/v1/victims", `{"full_name": "`+fxVictimName+`", "id_number": `)
		h.api(tok, "GET", "/api/v1/persons?q="+url.QueryEscape(fxVictimPhone), nil)
		inv := h.login(auth.RoleInvestigator)
		inv.get("/persons?q=" + url.QueryEscape(fxVictimName))
		inv.postForm("/victims/"+fx.victim.String()+"/reveal", url.Values{"reason": {fxVictimName}})
		if buf.Len() == 0 {
			t.Fatal("no log output captured")
		}
		noSecret(t, "the logs", buf.String())
	})
}

// TestRawFilesHoldNoIdentity reads the SQLite file and its WAL, and every
// PostgreSQL table, and proves that no identity value is stored in clear.
func TestRawFilesHoldNoIdentity(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		// More identity in more places: a support note, a protection measure for a relative, a reveal reason, a correction.
		ctx := h.actorCtx(auth.RoleVictimSupport)
		if _, err := h.app.victims.AddProtection(ctx, fx.victim, victim.ProtectionInput{Kind: "protection", ProtectedWho: "relative", Relative: "Lò Văn Khánh, bố",
			Measure: "guard", Force: "Công an xã", Risk: "high", Assessment: "Kẻ tuyển mộ biết địa chỉ nhà", From: ctip.DateOf(h.clock.Now())}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.app.victims.AddSupport(ctx, fx.victim, victim.SupportInput{Regime: "medical", Provider: "Bệnh viện tỉnh", ProvidedOn: ctip.DateOf(h.clock.Now()),
			Note: "Khám cho " + fxVictimName}); err != nil {
			t.Fatal(err)
		}
		clear := append([]string{"Lò Văn Khánh", "Kẻ tuyển mộ biết địa chỉ", "lo thi xuan mai", "Quàng Văn Thắng", "0987654321"}, secrets...)
		// Positive control: a value stored in clear (the receiving body, the
		// pseudonym) is found, so the files read are the right ones.
		control := []string{"UBND xã Mường Nhé", fx.pseudonym}
		found := map[string]bool{}
		switch h.app.db.Engine {
		case store.SQLite:
			path := h.app.db.Path()
			for _, f := range []string{path, path + "-wal"} {
				b, err := os.ReadFile(f)
				if err != nil {
					if f == path+"-wal" && os.IsNotExist(err) {
						continue
					}
					t.Fatal(err)
				}
				if f == path+"-wal" && len(b) == 0 {
					t.Log("empty WAL")
				}
				for _, s := range clear {
					if bytes.Contains(b, []byte(s)) {
						t.Errorf("%s holds %q in clear", filepath.Base(f), s)
					}
				}
				for _, s := range control {
					found[s] = found[s] || bytes.Contains(b, []byte(s))
				}
			}
		case store.Postgres:
			rows, err := h.app.db.Query(t0(), `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
			if err != nil {
				t.Fatal(err)
			}
			var tables []string
			for rows.Next() {
				var n string
				rows.Scan(&n)
				tables = append(tables, n)
			}
			rows.Close()
			for _, tb := range tables {
				if tb == "audit_events" {
					continue // reasons typed by users are audited as typed (see docs/SECURITY.md)
				}
				rows, err := h.app.db.Query(t0(), fmt.Sprintf(`SELECT t::text FROM %q t`, tb))
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var line string
					rows.Scan(&line)
					for _, s := range clear {
						if strings.Contains(line, s) || strings.Contains(line, fmt.Sprintf("%x", s)) {
							t.Errorf("table %s holds %q in clear", tb, s)
						}
					}
					for _, s := range control {
						found[s] = found[s] || strings.Contains(line, s)
					}
				}
				rows.Close()
			}
		}
		for _, s := range control {
			if !found[s] {
				t.Errorf("positive control %q not found: the test reads the wrong files", s)
			}
		}
	})
}

// TestKeyRotation rotates the keys while a second instance keeps writing
// with the old key, interrupts the rotation and resumes it, and checks that
// every encrypted column ends under the new key and still opens.
func TestKeyRotation(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		old := h.app.keys.ActiveKeyID()
		// A second "server" on the same database and key file, started before the rotation.
		other, err := openApp(context.Background(), h.app.cfg, env2(&bytes.Buffer{}), h.clock)
		if err != nil {
			t.Fatal(err)
		}
		defer other.close()
		store.RotateBatchSize = 2
		defer func() { store.RotateBatchSize = 500 }()
		var out bytes.Buffer
		if err := rotateKeys(t0(), h.app, env2(&out), 3); err != nil { // interrupted after 3 batches
			t.Fatal(err)
		}
		target := h.app.keys.ActiveKeyID()
		if target == old {
			t.Fatal("no new key")
		}
		// The other instance has not reloaded: it still seals with the old key.
		if other.keys.ActiveKeyID() != old {
			t.Fatal("the other instance already has the new key")
		}
		if _, err := other.victims.Receive(system(t0(), "test-other"), victim.ReceiveInput{Channel: "rescue", ReceptionBody: "Đồn Biên phòng",
			Person: person.Input{FullName: "Người ghi trong lúc xoay khóa"}}); err == nil {
			t.Log("system actor received")
		}
		if _, err := other.persons.Create(h.actorCtx(auth.RoleInvestigator), person.Input{FullName: "Ghi trong lúc xoay khóa", Phone: "0966555444"}); err != nil {
			t.Fatal(err)
		}
		// It can open what the rotation re-encrypted (it reloads the key file on an unknown key).
		if _, err := other.db.GetPerson(t0(), fx.victimPerson); err != nil {
			t.Fatalf("other instance reads a rotated value: %v", err)
		}
		out.Reset()
		// Resume (the other instance picks up the new key later; the sweep catches what it wrote).
		go func() { time.Sleep(300 * time.Millisecond); other.keys.Reload(other.cfg.KeyFile) }()
		if err := rotateKeys(t0(), h.app, env2(&out), 0); err != nil {
			t.Fatalf("resume: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "resuming") || !strings.Contains(out.String(), "values/s") {
			t.Errorf("progress output:\n%s", out.String())
		}
		use, err := h.app.db.KeyUsage(t0())
		if err != nil {
			t.Fatal(err)
		}
		for id, n := range use {
			if id != target && n > 0 {
				t.Errorf("%d values still under key %d", n, id)
			}
		}
		if use[target] == 0 {
			t.Error("nothing under the new key")
		}
		// Everything still opens: the person, the intake item, the key check (a restart).
		if v, err := h.app.persons.Reveal(h.actorCtx(auth.RoleVictimSupport), fx.victimPerson, "Kiểm tra sau khi đổi khóa"); err != nil || v.Person.Identity.FullName != fxVictimName {
			t.Fatalf("read after rotation: %v", err)
		}
		if _, err := h.app.db.GetItem(t0(), h.item.ID); err != nil {
			t.Fatal(err)
		}
		if err := h.app.checkKeys(t0()); err != nil {
			t.Fatal(err)
		}
		// Every registered column was visited.
		var cols int
		h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM key_rotation WHERE target_key = $1 AND done = TRUE`, int64(target)).Scan(&cols)
		if cols != len(store.EncryptedColumns()) {
			t.Errorf("columns rotated: %d of %d", cols, len(store.EncryptedColumns()))
		}
		_ = crypt.KeyIDOf
	})
}

// TestRetentionPurge closes a file, lets its retention lapse, purges, and
// checks the audit chain still verifies with one purge entry.
func TestRetentionPurge(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		ctx := h.actorCtx(auth.RoleVictimSupport)
		v, err := h.app.victims.Get(ctx, fx.victim)
		if err != nil {
			t.Fatal(err)
		}
		if v, err = h.app.victims.Identify(ctx, fx.victim, v.File.Version, victim.IdentifyInput{Status: victim.NotVictim, DecidedOn: ctip.DateOf(h.clock.Now()), DecidingBody: "Police"}); err != nil {
			t.Fatal(err)
		}
		if _, err = h.app.victims.Close(ctx, fx.victim, v.File.Version, "not_victim", ctip.Date{}); err != nil {
			t.Fatal(err)
		}
		if n, err := h.app.persons.Purge(system(t0(), "persons.purge")); err != nil || n != 0 {
			t.Fatalf("early purge: %d %v", n, err)
		}
		h.clock.Advance(3 * 366 * 24 * time.Hour)
		n, err := h.app.persons.Purge(system(t0(), "persons.purge"))
		if err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if _, err := h.app.db.GetPerson(t0(), fx.victimPerson); !ctip.IsKind(err, ctip.NotFound) {
			t.Errorf("purged person still there: %v", err)
		}
		if _, err := h.app.db.GetPerson(t0(), fx.suspect); err != nil {
			t.Errorf("a police record was purged: %v", err)
		}
		res, err := h.app.audit.Verify(system(t0(), "test"))
		if err != nil || res.Break != nil {
			t.Fatalf("audit chain after purge: %v %+v", err, res.Break)
		}
		var c int
		h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM audit_events WHERE action = 'person.purge'`).Scan(&c)
		if c != 1 {
			t.Errorf("purge audit entries: %d", c)
		}
	})
}

// TestLinkPersonToIntakeItem: a person is linked to an intake item (the free
// text of the item is kept); a record the user cannot see cannot be linked.
func TestLinkPersonToIntakeItem(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		inv := h.login(auth.RoleInvestigator)
		item := h.item.ID.String()
		if r := inv.get("/persons?link=intake_item:" + item + "&q=" + url.QueryEscape("giang a pao")); !strings.Contains(r.text(), `action="/persons/`+fx.suspect.String()+`/link"`) {
			t.Fatalf("link search: %s", r.text())
		}
		r := inv.postForm("/persons/"+fx.suspect.String()+"/link", url.Values{"record": {"intake_item:" + item}, "role": {"suspect"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/intake/"+item {
			t.Fatalf("link: %d %s", r.StatusCode, r.text())
		}
		page := inv.get("/intake/" + item).text()
		if !strings.Contains(page, fxSuspectName) || !strings.Contains(page, `id="linked-persons"`) {
			t.Error("the item page does not list the linked person")
		}
		if r := inv.postForm("/persons/"+fx.suspect.String()+"/link", url.Values{"record": {"intake_item:" + item}, "role": {"suspect"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("second link: %d", r.StatusCode)
		}
		// The free text is untouched.
		it, err := h.app.db.GetItem(t0(), h.item.ID)
		if err != nil || it.Persons != h.item.Persons {
			t.Errorf("free text changed: %v", err)
		}
		// Another unit cannot link to an item it cannot see.
		cax := h.outsider("cax-link", "CAX", ctip.UnitCommunePolice, auth.RoleIntake)
		other, err := h.app.persons.Create(h.actorCtx("cax-link"), person.Input{FullName: "Hờ A Chứ"})
		if err != nil {
			t.Fatal(err)
		}
		if r := cax.postForm("/persons/"+other.Person.ID.String()+"/link", url.Values{"record": {"intake_item:" + item}, "role": {"witness"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("link to an invisible item: %d", r.StatusCode)
		}
	})
}

// TestIdentityExports: exports with identities need the permission and a
// reason, are audited, and name the user and time in the file.
func TestIdentityExports(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		vs := h.login(auth.RoleVictimSupport)
		if r := vs.postForm("/victims/export", url.Values{"reason": {"ngắn"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("export without a real reason: %d", r.StatusCode)
		}
		r := vs.postForm("/victims/export", url.Values{"reason": {"Báo cáo Sở Y tế quý I/2026"}})
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", r.StatusCode, r.text())
		}
		body := r.text()
		for _, want := range []string{"exported_by=" + h.users[auth.RoleVictimSupport].Username, "exported_at=2026-03-02T09:00:00+07:00", "reason=Báo cáo Sở Y tế quý I/2026",
			fx.pseudonym, fxVictimName, fxVictimID, "PossibleVictimOfTrafficking", "Feminine"} {
			if !strings.Contains(body, want) {
				t.Errorf("export lacks %q:\n%s", want, body)
			}
		}
		// The data-subject export: after a reveal, with a reason.
		if r := vs.postForm("/persons/"+fx.victimPerson.String()+"/export", url.Values{"reason": {"Yêu cầu của chủ thể dữ liệu"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("export without a reveal: %d", r.StatusCode)
		}
		vs.postForm("/victims/"+fx.victim.String()+"/reveal", url.Values{"reason": {"Yêu cầu của chủ thể dữ liệu"}})
		r = vs.postForm("/persons/"+fx.victimPerson.String()+"/export", url.Values{"reason": {"Yêu cầu của chủ thể dữ liệu"}})
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), `"exported_by": "`+h.users[auth.RoleVictimSupport].Username) || !strings.Contains(r.text(), fxVictimID) {
			t.Fatalf("person export: %d %s", r.StatusCode, r.text())
		}
		var n int
		h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM audit_events WHERE action IN ('victim.export', 'victim.export_identity', 'person.export') AND reason <> ''`).Scan(&n)
		if n != 3 {
			t.Errorf("export audit events: %d", n)
		}
	})
}

// TestLinkVictimToCase: an investigator links a victim file to the case of
// his unit by its number; his unit joins the team, so he may reveal with a
// reason; the owning unit is told. Another unit's officer cannot link to a
// case it cannot see.
func TestLinkVictimToCase(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		cf := h.caseFixture() // PC02's case; the investigator is its officer
		vid := fx.victim.String()
		reason := url.Values{"reason": {"Lấy lời khai bị hại trong vụ án"}}
		link := func(ref string) url.Values {
			return url.Values{"reference": {ref}, "reason": {"Bị hại trong vụ án " + ref}}
		}
		// The victim support officer (SYT, on the team) cannot see PC02's case.
		if r := h.login(auth.RoleVictimSupport).postForm("/victims/"+vid+"/link-case", link(cf.c.Reference)); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("victim support links a case it cannot see: %d", r.StatusCode)
		}
		// The PC02 leader may break the glass: links with a reason, the
		// owning unit's leaders get the break-the-glass notice.
		h.outsider("truong-syt", "SYT", ctip.UnitHealth, auth.RoleLeader)
		leader := h.login(auth.RoleLeader)
		if r := leader.postForm("/victims/"+vid+"/link-case", url.Values{"reference": {cf.c.Reference}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("link without a reason: %d", r.StatusCode)
		}
		if r := leader.postForm("/victims/"+vid+"/link-case", link("VA-1999-000001")); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown case number: %d", r.StatusCode)
		}
		if r := leader.postForm("/victims/"+vid+"/link-case", link(cf.c.Reference)); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("link: %d %s", r.StatusCode, r.text())
		}
		// The leader gained nothing by linking: no identity without a reveal.
		if page := leader.get("/victims/" + vid).text(); strings.Contains(page, fxVictimName) {
			t.Error("linking showed the leader the identity")
		}
		// The case's officer is now on the team.
		inv := h.login(auth.RoleInvestigator)
		if r := inv.postForm("/victims/"+vid+"/reveal", reason); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("the case officer's reveal after the link: %d", r.StatusCode)
		}
		if page := inv.get("/victims/" + vid).text(); !strings.Contains(page, fxVictimName) {
			t.Error("the case's officer does not see the identity after the reveal")
		}
		var n int
		h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'break_glass'`, h.users["truong-syt"].ID).Scan(&n)
		if n != 1 {
			t.Error("the owning unit was not told of the leader's break-the-glass link")
		}
		var reasons int
		h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM audit_events WHERE action = 'victim.link_case' AND record_id = $1 AND reason IS NOT NULL`, vid).Scan(&reasons)
		if reasons != 1 {
			t.Errorf("%d audited links with a reason", reasons)
		}
		// The court's judge reads victim files but may not link them.
		if r := h.login(auth.RoleCourt).postForm("/victims/"+vid+"/link-case", link(cf.c.Reference)); r.StatusCode != http.StatusForbidden {
			t.Errorf("court links: %d", r.StatusCode)
		}
	})
}

// TestLinkCaseIsNoBackDoor: an investigator of another unit than the
// victim's (not on its team) cannot obtain the identity by linking the
// victim to a case of their own and revealing (review finding 4); nor does
// a colleague of the case's unit who is not one of its officers.
func TestLinkCaseIsNoBackDoor(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		cf := h.caseFixture()
		vid := fx.victim.String()
		tok := h.token(auth.RoleInvestigator)
		inv := h.login(auth.RoleInvestigator) // PC02, the case's officer, not on the SYT victim's team
		r := inv.postForm("/victims/"+vid+"/link-case", url.Values{"reference": {cf.c.Reference}, "reason": {"điều tra vụ án " + cf.c.Reference}})
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("link-case by an investigator off the team: %d", r.StatusCode)
		}
		if r := h.api(tok, "POST", "/api/v1/victims/"+vid+"/reveal", map[string]any{"reason": "điều tra vụ án " + cf.c.Reference}); r.StatusCode != http.StatusNotFound {
			t.Errorf("reveal after the refused link: %d %s", r.StatusCode, r.text())
		}
		var links int
		h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM person_links WHERE person_id = $1`, fx.victimPerson).Scan(&links)
		if links != 0 {
			t.Errorf("the refused link was written")
		}
		// Linked properly (by the leader), the unit still does not join: an
		// investigator of PC02 who is not an officer of the case gets 404.
		h.login(auth.RoleLeader).postForm("/victims/"+vid+"/link-case", url.Values{"reference": {cf.c.Reference}, "reason": {"Bị hại trong vụ án " + cf.c.Reference}})
		h.outsider("dieutra2", "PC02", ctip.UnitPolice, auth.RoleInvestigator)
		if r := h.api(h.token("dieutra2"), "POST", "/api/v1/victims/"+vid+"/reveal", map[string]any{"reason": "điều tra vụ án " + cf.c.Reference}); r.StatusCode != http.StatusNotFound {
			t.Errorf("a colleague of the case's unit who is not its officer: %d", r.StatusCode)
		}
		if r := h.api(tok, "POST", "/api/v1/victims/"+vid+"/reveal", map[string]any{"reason": "điều tra vụ án " + cf.c.Reference}); r.StatusCode != http.StatusOK {
			t.Errorf("the case's officer after the link: %d", r.StatusCode)
		}
	})
}

// TestKeysCommand runs `ctip keys status` and `ctip keys rotate` as a user would.
func TestKeysCommand(t *testing.T) {
	h := newHarness(t, store.SQLite)
	h.personFixture()
	env := map[string]string{"CTIP_DATA": h.app.cfg.DataDir, "CTIP_DATABASE_URL": h.app.cfg.DatabaseURL, "CTIP_KEY_FILE": h.app.cfg.KeyFile}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if err := run(t0(), []string{"keys", "status"}, getenv, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("status: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "active key: 1") {
		t.Errorf("status:\n%s", out.String())
	}
	out.Reset()
	if err := run(t0(), []string{"keys", "rotate"}, getenv, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("rotate: %v\n%s", err, out.String())
	}
	for _, want := range []string{"new key 2 is active", "persons", "full_name", "rotation to key 2 finished", "no value uses an older key"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("rotate output lacks %q:\n%s", want, out.String())
		}
	}
	if err := run(t0(), []string{"keys", "spin"}, getenv, strings.NewReader(""), &out, &out); err == nil {
		t.Error("unknown keys subcommand accepted")
	}
}

// TestWebFormIDNumberIsCitizenID: the person form's citizen-ID field refuses
// anything but a valid 12-digit CCCD (nothing written), and the second
// document field takes an old 9-digit ID card (CMND) with its kind.
func TestWebFormIDNumberIsCitizenID(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		c := h.login(auth.RoleInvestigator)
		count := func() (n int) {
			h.app.db.QueryRow(t0(), "SELECT COUNT(*) FROM persons").Scan(&n)
			return n
		}
		before := count()
		for _, id := range []string{"12345", "abc-not-an-id", "011090123"} {
			r := c.postForm("/persons/new", url.Values{"full_name": {"Đối tượng thử"}, "id_number": {id}})
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "căn cước công dân") && !strings.Contains(r.text(), "chứng minh nhân dân") {
				t.Errorf("id_number %q: %d", id, r.StatusCode)
			}
		}
		if count() != before {
			t.Fatalf("refused persons were written")
		}
		r := c.postForm("/persons/new", url.Values{"full_name": {"Đối tượng thử"}, "doc_kind": {"cmnd"}, "passport": {"011090123"}})
		if r.StatusCode != http.StatusSeeOther || count() != before+1 {
			t.Fatalf("old ID card: %d %.500s", r.StatusCode, r.text())
		}
	})
}

// TestVictimRevealAnswers404ToEveryoneNotEntitled: POST .../reveal answers
// 404 to every role that may not see the identity — also to roles without
// victim.read (commune police, analyst, administrator…), which the door used
// to answer 403 — exactly as for a file that does not exist; GET of a file
// answers the same for an existing and a random id (issue 4 §4).
func TestVictimRevealAnswers404ToEveryoneNotEntitled(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		h.outsider("cax-intake", "CAX", ctip.UnitCommunePolice, auth.RoleIntake)
		vid, random := fx.victim.String(), ctip.NewID().String()
		body := map[string]any{"reason": "Cần xác minh danh tính nạn nhân"}
		roles := append([]string{"cax-intake"}, allRoles[1:]...)
		for _, role := range roles {
			if role == auth.RoleVictimSupport {
				continue // on the team: entitled
			}
			tok := h.token(role)
			for _, id := range []string{vid, random} {
				r := h.api(tok, "POST", "/api/v1/victims/"+id+"/reveal", body)
				var p problem
				decodeJSON(t, r, &p)
				if r.StatusCode != http.StatusNotFound || p.Code != "not_found" {
					t.Errorf("%s: reveal of %s: %d %s", role, id, r.StatusCode, p.Code)
				}
				noSecret(t, role+" reveal", r.text())
			}
			// Invalid bodies do not tell the not-entitled anything either.
			if r := h.api(tok, "POST", "/api/v1/victims/"+vid+"/reveal", `{"reason": 7}`); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s: reveal with a bad body: %d", role, r.StatusCode)
			}
			a := h.api(tok, "GET", "/api/v1/victims/"+vid, nil)
			b := h.api(tok, "GET", "/api/v1/victims/"+random, nil)
			if a.StatusCode == http.StatusOK {
				noSecret(t, role+" GET", a.text())
				continue // a holder of victim.read sees every file under its pseudonym; random is 404
			}
			if a.StatusCode != b.StatusCode {
				t.Errorf("%s: GET existing %d, random %d", role, a.StatusCode, b.StatusCode)
			}
		}
		if r := h.api(h.token(auth.RoleVictimSupport), "POST", "/api/v1/victims/"+vid+"/reveal", body); r.StatusCode != http.StatusOK {
			t.Errorf("the team's reveal: %d", r.StatusCode)
		}
	})
}

// TestPurgedPersonInCase: the retention purge deletes a registry person who
// is a victim in a case. The case keeps its copy (the pseudonym) and says the
// record was purged, with the day, instead of linking to a missing person;
// the start-up backfill does not re-create the person from the copy.
func TestPurgedPersonInCase(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		cf := h.caseFixture()
		inv := h.actorCtx(auth.RoleInvestigator)
		cv, err := h.app.cases.Get(inv, cf.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		cv, err = h.app.cases.AddParty(inv, cf.c.ID, cv.Case.Version, casefile.PartyInput{Role: casefile.RoleVictim,
			Person: casefile.PersonInput{Name: "Lò Thị Cấp", Sex: "female", BirthYear: 2003, ConfirmNew: true}})
		if err != nil {
			t.Fatal(err)
		}
		var pt *casefile.Party
		for _, x := range cv.Parties {
			if x.Role == casefile.RoleVictim {
				pt = x
			}
		}
		if pt == nil || !pt.Person.PersonID.Valid || !strings.HasPrefix(pt.Person.Name, "NN-") {
			t.Fatalf("victim party: %+v", pt)
		}
		pid, pseudonym := pt.Person.PersonID.ID, pt.Person.Name
		casePage := "/cases/" + cf.c.ID.String()
		cl := h.login(auth.RoleInvestigator)
		if b := cl.get(casePage).text(); !strings.Contains(b, `href="/persons/`+pid.String()+`"`) {
			t.Fatal("the case page does not link the victim before the purge")
		}
		// Its retention date has passed (as after a closed victim file).
		if _, err := h.app.db.Exec(t0(), `UPDATE persons SET retain_until = $1 WHERE id = $2`, ctip.DateOf(h.clock.Now()).AddDays(-1), pid); err != nil {
			t.Fatal(err)
		}
		if n, err := h.app.persons.Purge(system(t0(), "persons.purge")); err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if _, err := h.app.db.GetPerson(t0(), pid); !ctip.IsKind(err, ctip.NotFound) {
			t.Fatalf("purged person still there: %v", err)
		}
		if n, err := h.app.cases.BackfillPersons(system(t0(), "persons.backfill")); err != nil || n != 0 {
			t.Errorf("backfill after the purge: %d %v", n, err)
		}
		parties, err := h.app.db.CaseParties(t0(), cf.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		today := ctip.DateOf(h.clock.Now())
		for _, x := range parties {
			if x.ID == pt.ID && (x.Person.PersonID.Valid || x.Person.PurgedOn != today || x.Person.Name != pseudonym) {
				t.Errorf("case party after the purge: person %v purged on %s name kept %v", x.Person.PersonID, x.Person.PurgedOn, x.Person.Name == pseudonym)
			}
		}
		for lang, want := range map[string]string{"vi": "đã được xóa ngày " + today.Format(), "en": "record purged on " + today.Format() + " under the retention rules"} {
			cl.lang = lang
			b := cl.get(casePage).text()
			if strings.Contains(b, "/persons/"+pid.String()) || !strings.Contains(b, pseudonym) || !strings.Contains(b, want) {
				t.Errorf("[%s] case page after the purge: link kept, pseudonym lost or %q missing", lang, want)
			}
		}
		// The API says the same: no person_id, the day of the purge.
		if b := h.api(h.token(auth.RoleInvestigator), "GET", "/api/v1/cases/"+cf.c.ID.String(), nil).text(); strings.Contains(b, pid.String()) ||
			!strings.Contains(b, `"person_purged_on":"`+today.String()+`"`) {
			t.Errorf("API case after the purge: %s", b)
		}
		// The person page answers 404, as for any unknown person.
		if r := cl.get("/persons/" + pid.String()); r.StatusCode != http.StatusNotFound {
			t.Errorf("purged person page: %d", r.StatusCode)
		}
	})
}

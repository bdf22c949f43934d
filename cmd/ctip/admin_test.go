package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ctip"
	"ctip/internal/audit"
	"ctip/internal/auth"
)

// The administration pages and the audit trail: rows of the route × role
// table, path parameters and per-role preparation of the routes that change
// something.

var adminUserActions = []string{"disable", "enable", "reset-password", "totp-on", "totp-off", "totp-reset"}

func init() {
	admin := []string{
		"GET /admin/units", "GET /admin/units/new", "POST /admin/units/new", "GET /admin/units/{id}", "POST /admin/units/{id}",
		"GET /admin/units/{id}/deactivate", "POST /admin/units/{id}/deactivate", "GET /admin/units/{id}/activate", "POST /admin/units/{id}/activate",
		"GET /admin/users", "GET /admin/users/new", "POST /admin/users/new", "GET /admin/users/{id}", "POST /admin/users/{id}",
		"POST /admin/users/{id}/tokens",
		"GET /admin/sessions", "GET /admin/sessions/{id}/revoke", "POST /admin/sessions/{id}/revoke",
		"GET /admin/tokens", "GET /admin/tokens/{id}/revoke", "POST /admin/tokens/{id}/revoke",
	}
	for _, a := range adminUserActions {
		admin = append(admin, "GET /admin/users/{id}/"+a, "POST /admin/users/{id}/"+a)
	}
	for _, r := range admin {
		allow(r, auth.RoleAdmin)
	}
	allow("GET /audit", auth.RoleAuditor)
	allow("POST /audit/verify", auth.RoleAuditor)

	prev := adminFill
	adminFill = func(h *harness, p string) string {
		switch {
		case strings.HasPrefix(p, "/admin/units/{id}"):
			return strings.Replace(p, "{id}", h.units["CAX"].ID.String(), 1)
		case strings.HasPrefix(p, "/admin/users/{id}"):
			return strings.Replace(p, "{id}", h.users[auth.RoleIntake].ID.String(), 1)
		case p == "/admin/sessions/{id}/revoke":
			return strings.Replace(p, "{id}", h.lastSession(auth.RoleIntake), 1) + "?user=" + h.users[auth.RoleIntake].ID.String()
		case p == "/admin/tokens/{id}/revoke":
			return strings.Replace(p, "{id}", h.newTokenID(auth.RoleIntake), 1) + "?user=" + h.users[auth.RoleIntake].ID.String()
		}
		return prev(h, p)
	}

	// Routes that change something get a fresh target per role, so that
	// running the same POST for every role touches nothing shared (the empty
	// form of the table must not act anyway: confirm=yes is missing).
	freshUser := func(h *harness, role, p string) (string, bool) {
		return strings.Replace(p, "{id}", h.freshUser("t").ID.String(), 1), false
	}
	freshUnit := func(h *harness, role, p string) (string, bool) {
		return strings.Replace(p, "{id}", h.freshUnit().ID.String(), 1), false
	}
	routePrep["POST /admin/users/{id}"] = freshUser
	routePrep["POST /admin/users/{id}/tokens"] = freshUser
	for _, a := range adminUserActions {
		routePrep["POST /admin/users/{id}/"+a] = freshUser
	}
	for _, r := range []string{"POST /admin/units/{id}", "POST /admin/units/{id}/deactivate", "POST /admin/units/{id}/activate"} {
		routePrep[r] = freshUnit
	}
	routePrep["POST /admin/sessions/{id}/revoke"] = func(h *harness, role, p string) (string, bool) {
		h.login(auth.RoleAnalyst) // a session of somebody else to end
		return strings.Replace(p, "{id}", h.lastSession(auth.RoleAnalyst), 1), false
	}
	routePrep["POST /admin/tokens/{id}/revoke"] = func(h *harness, role, p string) (string, bool) {
		return strings.Replace(p, "{id}", h.newTokenID(auth.RoleAnalyst), 1), false
	}
}

// freshUser makes an intake officer in PC02 (a throwaway target).
func (h *harness) freshUser(prefix string) *auth.User {
	h.t.Helper()
	id := ctip.NewID().String()
	u, _, err := h.app.auth.CreateUser(system(t0(), "test"), auth.UserInput{Username: prefix + "-" + id[len(id)-10:],
		DisplayName: "Cán bộ thử nghiệm", UnitCode: "PC02", Roles: []string{auth.RoleIntake}, Password: testPassword})
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// freshUnit makes a unit under CAT (a throwaway target).
func (h *harness) freshUnit() *auth.Unit {
	h.t.Helper()
	id := strings.ToUpper(ctip.NewID().String())
	u, err := h.app.auth.CreateUnit(system(t0(), "test"), auth.UnitInput{Code: "T" + id[len(id)-10:], Name: "Đội thử nghiệm", Kind: ctip.UnitPolice, ParentCode: "CAT"})
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// vi is the Vietnamese text of a key as the page shows it (HTML-escaped).
func (h *harness) vi(key string, args ...any) string {
	return html.EscapeString(h.app.cat.T("vi", key, args...))
}

func wantStatus(t *testing.T, r *response, status int, what string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: status %d (Location %q), want %d\n%.2000s", what, r.StatusCode, r.Header.Get("Location"), status, r.text())
	}
}

func wantRedirect(t *testing.T, r *response, to, what string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != to {
		t.Fatalf("%s: status %d to %q, want 303 to %q\n%.2000s", what, r.StatusCode, r.Header.Get("Location"), to, r.text())
	}
}

func wantText(t *testing.T, r *response, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(r.text(), s) {
			t.Errorf("%s: missing %q", what, s)
		}
	}
}

func wantNoText(t *testing.T, r *response, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(r.text(), s) {
			t.Errorf("%s: unexpected %q", what, s)
		}
	}
}

func (h *harness) unitByCode(code string) *auth.Unit {
	h.t.Helper()
	u, err := h.app.auth.UnitByCode(system(t0(), "test"), code)
	if err != nil {
		h.t.Fatalf("unit %s: %v", code, err)
	}
	return u
}

func (h *harness) userByName(name string) *auth.User {
	h.t.Helper()
	u, err := h.app.auth.UserByUsername(system(t0(), "test"), name)
	if err != nil {
		h.t.Fatalf("user %s: %v", name, err)
	}
	return u
}

var (
	otpRe   = regexp.MustCompile(`id="one-time-password">([^<]+)<`)
	tokenRe = regexp.MustCompile(`id="new-token">(ctip_[^<]+)<`)
)

func TestAdminUnits(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		a := h.login(auth.RoleAdmin)
		all, _ := h.app.auth.Units(system(t0(), "test"))
		r := a.get("/admin/units")
		wantStatus(t, r, 200, "unit tree")
		wantText(t, r, "unit tree", h.vi("admin.units.count", len(all)), "Công an xã Mường Nhé", `id="u-`+h.units["CAX"].ID.String()+`"`,
			h.vi("admin.unit_kind.commune_police"), h.vi("admin.unit.active"))

		// Create a unit and a child.
		cat := h.units["CAT"]
		r = a.postForm("/admin/units/new", url.Values{"code": {"pc03"}, "name": {"Phòng Cảnh sát quản lý hành chính"}, "kind": {"police"}, "parent": {cat.ID.String()}})
		pc03 := h.unitByCode("PC03")
		wantRedirect(t, r, "/admin/units#u-"+pc03.ID.String(), "create unit")
		r = a.postForm("/admin/units/new", url.Values{"code": {"DOI1"}, "name": {"Đội Một"}, "kind": {"police"}, "parent": {pc03.ID.String()}})
		child := h.unitByCode("DOI1")
		wantRedirect(t, r, "/admin/units#u-"+child.ID.String(), "create child")
		if !child.ParentID.Valid || child.ParentID.ID != pc03.ID {
			t.Fatalf("child's parent: %+v", child.ParentID)
		}
		r = a.get("/admin/units")
		wantText(t, r, "tree after create", h.vi("flash.unit_created"), "Phòng Cảnh sát quản lý hành chính",
			`<tr id="u-`+child.ID.String()+`">`+"\n    "+`<td class="depth-2">`)

		// Input errors: the form comes back with the input, a summary and field messages.
		r = a.postForm("/admin/units/new", url.Values{"code": {"x y"}, "name": {""}, "kind": {"police"}})
		wantStatus(t, r, 422, "bad unit")
		wantText(t, r, "bad unit", h.vi("form.error_summary"), h.vi("admin.unit.name")+": "+h.vi("error.required"),
			h.vi("auth.unit_code_format"), `value="x y"`, `class="field invalid"`)
		r = a.postForm("/admin/units/new", url.Values{"code": {"PC03"}, "name": {"Trùng mã"}, "kind": {"police"}})
		wantStatus(t, r, 422, "duplicate code")
		wantText(t, r, "duplicate code", h.vi("auth.unit_code_taken"))

		// Edit page, then move the child under CAT (choose another parent).
		r = a.get("/admin/units/" + child.ID.String())
		wantStatus(t, r, 200, "edit form")
		wantText(t, r, "edit form", h.vi("admin.unit.edit_title", "Đội Một"), `name="version" value="1"`, `value="DOI1"`)
		wantNoText(t, r, "edit form", `<option value="`+child.ID.String()+`"`) // not under itself
		move := url.Values{"version": {"1"}, "code": {"DOI1"}, "name": {"Đội Một"}, "kind": {"police"}, "parent": {cat.ID.String()}}
		wantRedirect(t, a.postForm("/admin/units/"+child.ID.String(), move), "/admin/units#u-"+child.ID.String(), "move")
		moved := h.unitByCode("DOI1")
		if moved.ParentID.ID != cat.ID || moved.Path != cat.Path+child.ID.String()+"/" || moved.Version != 2 {
			t.Fatalf("moved: parent %v path %s version %d", moved.ParentID, moved.Path, moved.Version)
		}
		// A stale edit (version 1 again) is refused; the input stays.
		stale := url.Values{"version": {"1"}, "code": {"DOI1"}, "name": {"Đội Một (sửa lại)"}, "kind": {"police"}, "parent": {pc03.ID.String()}}
		r = a.postForm("/admin/units/"+child.ID.String(), stale)
		wantStatus(t, r, http.StatusConflict, "stale edit")
		wantText(t, r, "stale edit", h.vi("error.stale"), `value="Đội Một (sửa lại)"`, `name="version" value="2"`,
			`<option value="`+pc03.ID.String()+`" selected>`)
		if u := h.unitByCode("DOI1"); u.Name != "Đội Một" || u.Version != 2 {
			t.Fatalf("stale edit changed the unit: %+v", u)
		}
		// Moving a unit into its own subtree is refused at the parent field.
		r = a.postForm("/admin/units/"+cat.ID.String(), url.Values{"version": {strconv.Itoa(h.unitByCode("CAT").Version)}, "code": {"CAT"},
			"name": {cat.Name}, "kind": {"police"}, "parent": {child.ID.String()}})
		wantStatus(t, r, 422, "move into self")
		wantText(t, r, "move into self", h.vi("admin.unit.parent")+": "+h.vi("auth.unit_move_into_self"))

		// Deactivation: refused while an active user remains; an empty POST does nothing.
		sys := system(t0(), "test")
		u, _, err := h.app.auth.CreateUser(sys, auth.UserInput{Username: "can.bo.doi1", DisplayName: "Cán bộ Đội Một", UnitCode: "DOI1", Roles: []string{auth.RoleIntake}, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		path := "/admin/units/" + child.ID.String() + "/deactivate"
		r = a.get(path)
		wantStatus(t, r, 200, "deactivate page")
		wantText(t, r, "deactivate page", h.vi("admin.unit.deactivate_confirm", "Đội Một", "DOI1"), `name="confirm" value="yes"`)
		wantRedirect(t, a.postForm(path, url.Values{}), path, "empty deactivate")
		r = a.postForm(path, url.Values{"confirm": {"yes"}, "version": {"2"}})
		wantStatus(t, r, http.StatusConflict, "deactivate with users")
		wantText(t, r, "deactivate with users", h.vi("auth.unit_has_users", 1))
		r = a.postForm("/admin/units/"+cat.ID.String()+"/deactivate", url.Values{"confirm": {"yes"}, "version": {strconv.Itoa(h.unitByCode("CAT").Version)}})
		wantStatus(t, r, http.StatusConflict, "deactivate with children")
		wantText(t, r, "deactivate with children", h.vi("auth.unit_has_children"))
		if !h.unitByCode("DOI1").Active {
			t.Fatal("refused deactivation deactivated")
		}
		if _, err := h.app.auth.SetUserDisabled(sys, u.ID, -1, true); err != nil {
			t.Fatal(err)
		}
		wantRedirect(t, a.postForm(path, url.Values{"confirm": {"yes"}, "version": {"2"}}), "/admin/units#u-"+child.ID.String(), "deactivate")
		r = a.get("/admin/units")
		wantText(t, r, "after deactivate", h.vi("flash.unit_deactivated"), `<tr id="u-`+child.ID.String()+`" class="inactive">`, h.vi("admin.unit.inactive"))
		if h.unitByCode("DOI1").Active {
			t.Fatal("still active")
		}
		// Inactive units are not offered as parents or as users' units.
		r = a.get("/admin/users/new")
		wantNoText(t, r, "user form", `<option value="`+child.ID.String()+`"`)
		wantRedirect(t, a.postForm("/admin/units/"+child.ID.String()+"/activate", url.Values{"confirm": {"yes"}, "version": {"3"}}), "/admin/units#u-"+child.ID.String(), "reactivate")
		if !h.unitByCode("DOI1").Active {
			t.Fatal("not reactivated")
		}
	})
}

func TestAdminUsers(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		a := h.login(auth.RoleAdmin)
		pc02 := h.units["PC02"].ID.String()
		r := a.get("/admin/users/new")
		wantStatus(t, r, 200, "new user form")
		wantText(t, r, "new user form", h.vi("admin.user.new_title"), `name="roles" value="intake"`, h.vi("role.auditor"))

		// Input errors keep the input.
		r = a.postForm("/admin/users/new", url.Values{"username": {"A b"}, "display_name": {"Lò Thị Xuân"}, "unit": {pc02}})
		wantStatus(t, r, 422, "bad user")
		wantText(t, r, "bad user", h.vi("auth.username_format"), h.vi("field.roles")+": "+h.vi("auth.role_required"), `value="Lò Thị Xuân"`,
			`<option value="`+pc02+`" selected>`)
		r = a.postForm("/admin/users/new", url.Values{"username": {"u-intake"}, "unit": {pc02}, "roles": {"intake"}})
		wantStatus(t, r, 422, "duplicate user")
		wantText(t, r, "duplicate user", h.vi("auth.username_taken"))

		// Create: the one-time password is shown once.
		r = a.postForm("/admin/users/new", url.Values{"username": {"lo.thi.xuan"}, "display_name": {"Lò Thị Xuân"}, "unit": {pc02}, "roles": {"intake"}})
		wantStatus(t, r, 200, "create user")
		wantText(t, r, "create user", h.vi("admin.user.otp_warning"), h.vi("admin.user.created_text", "lo.thi.xuan", "Lò Thị Xuân"))
		m := otpRe.FindStringSubmatch(r.text())
		if m == nil {
			t.Fatalf("no one-time password shown:\n%s", r.text())
		}
		otp := html.UnescapeString(m[1])
		u := h.userByName("lo.thi.xuan")
		page := a.get("/admin/users/" + u.ID.String())
		wantStatus(t, page, 200, "user page")
		wantText(t, page, "user page", "Lò Thị Xuân", h.vi("admin.user.must_change"), h.vi("admin.act.disable"), h.vi("admin.act.totp_on"))
		wantNoText(t, page, "user page", m[1], "one-time-password")

		// Edit the name (version-checked); a stale edit keeps the input.
		edit := url.Values{"version": {"1"}, "display_name": {"Lò Thị Xuân Mai"}, "unit": {pc02}, "roles": {"intake"}}
		wantRedirect(t, a.postForm("/admin/users/"+u.ID.String(), edit), "/admin/users/"+u.ID.String(), "edit user")
		edit.Set("display_name", "Lò Thị Xuân Hoa")
		r = a.postForm("/admin/users/"+u.ID.String(), edit)
		wantStatus(t, r, http.StatusConflict, "stale user edit")
		wantText(t, r, "stale user edit", h.vi("error.stale"), `value="Lò Thị Xuân Hoa"`, `name="version" value="2"`)
		if got := h.userByName("lo.thi.xuan"); got.DisplayName != "Lò Thị Xuân Mai" {
			t.Fatalf("name %q", got.DisplayName)
		}

		// The list: folded search, filters, sort, paging, counts.
		r = a.get("/admin/users?q=" + url.QueryEscape("xuan mai"))
		wantText(t, r, "search", h.vi("admin.users.count", 1), `href="/admin/users/`+u.ID.String()+`"`)
		r = a.get("/admin/users?q=" + url.QueryEscape("Xuân") + "&role=intake&unit=" + pc02 + "&state=active")
		wantText(t, r, "filters", h.vi("admin.users.count", 1), "lo.thi.xuan")
		r = a.get("/admin/users?role=auditor")
		wantText(t, r, "role filter", h.vi("admin.users.count", 1), "u-auditor")
		wantNoText(t, r, "role filter", "lo.thi.xuan")
		r = a.get("/admin/users?state=disabled")
		wantText(t, r, "state filter", h.vi("admin.users.empty"))
		r = a.get("/admin/users?state=bogus")
		wantStatus(t, r, 422, "bad state")
		total := len(allRoles) // the fixture users and this one
		r = a.get("/admin/users?size=3")
		wantText(t, r, "paging", h.vi("admin.users.count", total), `rel="next"`, "1–3 / "+strconv.Itoa(total))
		r = a.get("/admin/users?size=3&page=2")
		wantText(t, r, "page 2", "4–6 / "+strconv.Itoa(total), `rel="prev"`)
		r = a.get("/admin/users?sort=username&dir=desc")
		if i, j := strings.Index(r.text(), ">lo.thi.xuan<"), strings.Index(r.text(), ">u-admin<"); i < 0 || j < 0 || i < j {
			t.Errorf("username descending: %d %d", i, j)
		}
		wantText(t, r, "sort", "dir=asc&amp;sort=username", " ▼")
		r = a.get("/admin/users?sort=username")
		if i, j := strings.Index(r.text(), ">lo.thi.xuan<"), strings.Index(r.text(), ">u-admin<"); i < 0 || j < 0 || i > j {
			t.Errorf("username ascending: %d %d", i, j)
		}

		// First login with the one-time password goes to the password change.
		c := h.anon()
		wantRedirect(t, c.postForm("/login", url.Values{"username": {"lo.thi.xuan"}, "password": {otp}}), "/account/password", "first login")
		const pw = "Mật khẩu riêng của chị Xuân 2026"
		wantRedirect(t, c.postForm("/account/password", url.Values{"current": {otp}, "password": {pw}, "confirm": {pw}}), "/", "change password")
		wantStatus(t, c.get("/"), 200, "home")
		wantText(t, a.get("/admin/users/"+u.ID.String()), "user sessions", "/admin/sessions/", h.vi("session.revoke"))

		// Disable: confirmation page; an empty POST does nothing; confirmed, the session ends.
		ver := func() string { return strconv.Itoa(h.userByName("lo.thi.xuan").Version) }
		base := "/admin/users/" + u.ID.String()
		r = a.get(base + "/disable")
		wantStatus(t, r, 200, "disable page")
		wantText(t, r, "disable page", h.vi("admin.act.disable.help"), h.vi("admin.act.confirm", "lo.thi.xuan"))
		wantRedirect(t, a.postForm(base+"/disable", url.Values{}), base+"/disable", "empty disable")
		wantStatus(t, c.get("/"), 200, "still signed in")
		wantRedirect(t, a.postForm(base+"/disable", url.Values{"confirm": {"yes"}, "version": {ver()}}), base, "disable")
		wantText(t, a.get(base), "disabled page", h.vi("flash.user_disabled"), h.vi("admin.users.state_disabled"), h.vi("admin.act.enable"))
		if r := c.get("/"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("disabled user's session still works: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		wantStatus(t, h.anon().postForm("/login", url.Values{"username": {"lo.thi.xuan"}, "password": {pw}}), http.StatusUnauthorized, "disabled login")
		// A stale confirmation is refused with the message.
		r = a.postForm(base+"/enable", url.Values{"confirm": {"yes"}, "version": {"1"}})
		wantStatus(t, r, http.StatusConflict, "stale enable")
		wantText(t, r, "stale enable", h.vi("error.stale"))
		wantRedirect(t, a.postForm(base+"/enable", url.Values{"confirm": {"yes"}, "version": {ver()}}), base, "enable")
		wantRedirect(t, h.anon().postForm("/login", url.Values{"username": {"lo.thi.xuan"}, "password": {pw}}), "/", "login after enable")

		// Force TOTP: the next login must enrol an authenticator.
		wantRedirect(t, a.postForm(base+"/totp-on", url.Values{"confirm": {"yes"}, "version": {ver()}}), base, "totp on")
		wantText(t, a.get(base), "forced", h.vi("admin.user.totp_forced"), h.vi("admin.act.totp_off"))
		wantRedirect(t, h.anon().postForm("/login", url.Values{"username": {"lo.thi.xuan"}, "password": {pw}}), "/account/totp", "login after totp on")

		// Reset the password: a new one-time password, shown once; the old one fails.
		r = a.get(base + "/reset-password")
		wantText(t, r, "reset page", h.vi("admin.act.reset_password.help"))
		r = a.postForm(base+"/reset-password", url.Values{"confirm": {"yes"}})
		wantStatus(t, r, 200, "reset password")
		wantText(t, r, "reset password", h.vi("admin.user.reset_title", "lo.thi.xuan"), h.vi("admin.user.otp_warning"))
		m = otpRe.FindStringSubmatch(r.text())
		if m == nil || html.UnescapeString(m[1]) == otp {
			t.Fatalf("no new one-time password")
		}
		wantNoText(t, a.get(base), "after reset", m[1])
		wantStatus(t, h.anon().postForm("/login", url.Values{"username": {"lo.thi.xuan"}, "password": {pw}}), http.StatusUnauthorized, "old password")
		wantRedirect(t, h.anon().postForm("/login", url.Values{"username": {"lo.thi.xuan"}, "password": {html.UnescapeString(m[1])}}), "/account/password", "login after reset")

		// Stop forcing TOTP; reset the authenticator of a user who has one.
		wantRedirect(t, a.postForm(base+"/totp-off", url.Values{"confirm": {"yes"}, "version": {ver()}}), base, "totp off")
		if h.userByName("lo.thi.xuan").TOTPRequired {
			t.Fatal("still required")
		}
		sys := system(t0(), "test")
		if _, err := h.app.db.Exec(t0(), "UPDATE users SET totp_enabled = TRUE, version = version + 1 WHERE id = $1", u.ID); err != nil {
			t.Fatal(err)
		}
		wantText(t, a.get(base), "enrolled", h.vi("admin.user.totp_enrolled"), h.vi("admin.act.totp_reset"))
		wantRedirect(t, a.postForm(base+"/totp-reset", url.Values{"confirm": {"yes"}, "version": {ver()}}), base, "totp reset")
		if got, _ := h.app.auth.User(sys, u.ID); got.TOTPEnabled || got.TOTPRequired {
			t.Fatalf("after reset: enabled %v required %v", got.TOTPEnabled, got.TOTPRequired)
		}

		// The administrator cannot disable themself: the service's message.
		me := h.users[auth.RoleAdmin]
		r = a.postForm("/admin/users/"+me.ID.String()+"/disable", url.Values{"confirm": {"yes"}, "version": {strconv.Itoa(me.Version)}})
		wantStatus(t, r, http.StatusConflict, "disable self")
		wantText(t, r, "disable self", h.vi("auth.cannot_disable_self"))
	})
}

func TestAdminSessionsAndTokens(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		a := h.login(auth.RoleAdmin)
		analyst := h.users[auth.RoleAnalyst]
		c := h.login(auth.RoleAnalyst)
		sid := h.lastSession(auth.RoleAnalyst)
		r := a.get("/admin/sessions")
		wantStatus(t, r, 200, "sessions")
		wantText(t, r, "sessions", "u-analyst", `href="/admin/tokens"`, "/admin/sessions/"+sid+"/revoke?user="+analyst.ID.String(), h.vi("session.this"))
		r = a.get("/admin/sessions?size=1")
		wantText(t, r, "session paging", `rel="next"`)

		path := "/admin/sessions/" + sid + "/revoke"
		r = a.get(path + "?user=" + analyst.ID.String() + "&back=/admin/sessions")
		wantStatus(t, r, 200, "revoke page")
		wantText(t, r, "revoke page", h.vi("admin.session.revoke_confirm", "u-analyst"))
		wantRedirect(t, a.postForm(path, url.Values{"user": {analyst.ID.String()}, "back": {"/admin/sessions"}}),
			path+"?back=%2Fadmin%2Fsessions&user="+analyst.ID.String(), "empty revoke")
		wantStatus(t, c.get("/"), 200, "session survives an empty POST")
		wantRedirect(t, a.postForm(path, url.Values{"confirm": {"yes"}, "back": {"/admin/sessions"}}), "/admin/sessions", "revoke")
		if r := c.get("/"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("revoked session still works: %d", r.StatusCode)
		}
		r = a.get("/admin/sessions")
		wantText(t, r, "after revoke", h.vi("flash.session_revoked"))
		wantNoText(t, r, "after revoke", "/admin/sessions/"+sid+"/revoke")
		// A foreign back address is not followed.
		h.login(auth.RoleAnalyst)
		wantRedirect(t, a.postForm("/admin/sessions/"+h.lastSession(auth.RoleAnalyst)+"/revoke", url.Values{"confirm": {"yes"}, "back": {"https://example.org/"}}), "/admin/sessions", "back")

		// A token for the user: the secret is shown once and works; revoked, it gets 401.
		base := "/admin/users/" + analyst.ID.String()
		r = a.postForm(base+"/tokens", url.Values{"name": {"Đồng bộ hệ thống tỉnh"}})
		wantStatus(t, r, 200, "create token")
		wantText(t, r, "create token", h.vi("token.shown_once"))
		m := tokenRe.FindStringSubmatch(r.text())
		if m == nil {
			t.Fatalf("no token shown")
		}
		secret := m[1]
		wantStatus(t, h.api(secret, "GET", "/api/v1/me", nil), 200, "token works")
		wantNoText(t, a.get(base), "user page", secret)
		r = a.postForm(base+"/tokens", url.Values{"name": {strings.Repeat("x", 81)}})
		wantStatus(t, r, 422, "long token name")
		wantText(t, r, "long token name", h.vi("token.name")+": "+h.vi("error.too_long", 80))
		toks, _ := h.app.auth.Tokens(system(t0(), "test"), ctip.Some(analyst.ID), ctip.PageRequest{})
		allToks, _ := h.app.auth.Tokens(system(t0(), "test"), ctip.NullID{}, ctip.PageRequest{})
		var tid string
		for _, tk := range toks.Items {
			if tk.Name == "Đồng bộ hệ thống tỉnh" {
				tid = tk.ID.String()
			}
		}
		r = a.get("/admin/tokens")
		wantStatus(t, r, 200, "tokens")
		wantText(t, r, "tokens", "Đồng bộ hệ thống tỉnh", "/admin/tokens/"+tid+"/revoke?user="+analyst.ID.String(), `href="/admin/sessions"`,
			h.vi("admin.tokens.count", allToks.Total))
		tpath := "/admin/tokens/" + tid + "/revoke"
		r = a.get(tpath + "?user=" + analyst.ID.String())
		wantText(t, r, "token revoke page", h.vi("admin.token.revoke_confirm", "Đồng bộ hệ thống tỉnh", "u-analyst"))
		wantRedirect(t, a.postForm(tpath, url.Values{}), tpath+"?back=", "empty token revoke")
		wantStatus(t, h.api(secret, "GET", "/api/v1/me", nil), 200, "token survives an empty POST")
		wantRedirect(t, a.postForm(tpath, url.Values{"confirm": {"yes"}, "back": {"/admin/tokens"}}), "/admin/tokens", "token revoke")
		wantStatus(t, h.api(secret, "GET", "/api/v1/me", nil), http.StatusUnauthorized, "revoked token")
		r = a.get("/admin/tokens")
		wantText(t, r, "after token revoke", h.vi("flash.token_revoked"), `<tr class="inactive">`)
		wantNoText(t, r, "after token revoke", tpath)
	})
}

func TestAuditPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		au := h.login(auth.RoleAuditor)
		auditor := ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleAuditor], h.units["PC02"]))
		count := func(f audit.Filter) int {
			p, err := h.app.audit.List(auditor, f, ctip.PageRequest{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			return p.Total
		}
		r := au.get("/audit")
		wantStatus(t, r, 200, "audit")
		total := count(audit.Filter{})
		wantText(t, r, "audit", h.vi("audit.count", total), h.vi("audit.verify"), h.vi("audit.action.auth.login"), `action="/audit/verify"`)

		// Action prefix: only unit events.
		r = au.get("/audit?action=unit.")
		wantText(t, r, "prefix", h.vi("audit.count", count(audit.Filter{Action: "unit."})), h.vi("audit.action.unit.create"), `<option value="unit." selected>`)
		wantNoText(t, r, "prefix", `href="/audit?action=user.create"`, `href="/audit?action=auth.login"`)
		r = au.get("/audit?action=user.create")
		if n := count(audit.Filter{Action: "user.create"}); n < len(allRoles)-1 {
			t.Errorf("user.create: %d", n)
		} else {
			wantText(t, r, "exact", h.vi("audit.count", n), `<option value="user.create" selected>`)
		}

		// One record's whole history, linked from its rows.
		cax := h.units["CAX"].ID.String()
		hist := "/audit?record_id=" + cax + "&amp;record_type=unit"
		wantText(t, au.get("/audit?action=unit.create"), "history link", hist)
		r = au.get("/audit?record_type=unit&record_id=" + cax)
		wantText(t, r, "history", h.vi("audit.count", 1), h.vi("audit.record_filter", h.app.cat.T("vi", "audit.type.unit")+" "+cax))
		item := h.item.ID.String()
		r = au.get("/audit?record_type=intake_item&record_id=" + item)
		wantText(t, r, "intake history", `href="/intake/`+item+`"`, h.vi("event.create"), h.vi("audit.count", count(audit.Filter{RecordType: "intake_item", RecordID: item})))

		// Actor and unit filters; the actor is given by ID (auditors cannot list users).
		inv := h.users[auth.RoleInvestigator]
		r = au.get("/audit?actor=" + inv.ID.String())
		wantText(t, r, "actor", h.vi("audit.count", count(audit.Filter{ActorID: ctip.Some(inv.ID)})), ">u-investigator<")
		r = au.get("/audit?unit=" + h.units["VKS"].ID.String() + "&from=2026-03-01&to=2026-03-31")
		wantStatus(t, r, 200, "unit and period")
		r = au.get("/audit?actor=nobody&from=2026-13-01")
		wantStatus(t, r, 422, "bad filters")
		wantText(t, r, "bad filters", h.vi("audit.f.actor")+": "+h.vi("error.id"), h.vi("audit.f.from")+": "+h.vi("error.date"), `value="nobody"`)
		r = au.get("/audit?from=2026-03-05&to=2026-03-01")
		wantStatus(t, r, 422, "reversed period")
		wantText(t, r, "reversed period", h.vi("error.date_range"))

		// Paging, newest first, with time in Vietnam and a shortened hash.
		r = au.get("/audit?size=2")
		wantText(t, r, "page 1", `rel="next"`, `id="e-`+strconv.Itoa(total)+`"`, `id="e-`+strconv.Itoa(total-1)+`"`, "02/03/2026 09:00:00")
		wantNoText(t, r, "page 1", `id="e-`+strconv.Itoa(total-2)+`"`)
		r = au.get("/audit?size=2&page=2")
		wantText(t, r, "page 2", `rel="prev"`, `id="e-`+strconv.Itoa(total-2)+`"`, "3–4 / "+strconv.Itoa(total))
		var hash string
		h.app.db.QueryRow(t0(), "SELECT hash FROM audit_events WHERE seq = $1", total).Scan(&hash)
		wantText(t, au.get("/audit?size=1"), "hash", ">"+hash[:12]+"<")
		wantNoText(t, au.get("/audit?size=1"), "hash", hash[:13])

		// Verify: intact, then broken at the tampered entry.
		res, err := h.app.audit.Verify(system(t0(), "test"))
		if err != nil || res.Break != nil {
			t.Fatalf("verify: %v %v", err, res.Break)
		}
		r = au.postForm("/audit/verify", url.Values{})
		wantStatus(t, r, 200, "verify")
		wantText(t, r, "verify", h.vi("audit.verify_ok", res.Count), `id="intact"`)
		if _, err := h.app.db.Exec(t0(), "UPDATE audit_events SET action='x' WHERE seq=3"); err != nil {
			t.Fatal(err)
		}
		r = au.postForm("/audit/verify", url.Values{})
		wantStatus(t, r, 200, "verify broken")
		wantText(t, r, "verify broken", h.vi("audit.verify_broken", 3), h.vi("audit.break.changed"), h.vi("audit.verify_checked", 2))
		wantNoText(t, r, "verify broken", `id="intact"`)
		// The tampered action is shown as its code (no label).
		wantText(t, au.get("/audit?action=x"), "unknown action", h.vi("audit.count", 1), `<option value="x" selected>x</option>`)
	})
}

// TestAdminPagesRender renders the administration and audit pages, and the
// answers of their forms, in both languages: no missing key, no bad verb.
func TestAdminPagesRender(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		a, au := h.login(auth.RoleAdmin), h.login(auth.RoleAuditor)
		uid := h.users[auth.RoleIntake].ID.String()
		unit := h.units["CAX"].ID.String()
		h.login(auth.RoleIntake)
		sid := h.lastSession(auth.RoleIntake)
		tid := h.newTokenID(auth.RoleIntake)
		check := func(what string, c *client, do func(c *client) *response) {
			t.Helper()
			for _, lang := range []string{"vi", "en"} {
				c.lang = lang
				r := do(c)
				c.lang = ""
				if r.StatusCode >= 500 || r.StatusCode == http.StatusSeeOther || r.StatusCode == http.StatusForbidden {
					t.Errorf("%s [%s]: status %d", what, lang, r.StatusCode)
					continue
				}
				body := r.text()
				if i := strings.Index(body, "⟦"); i >= 0 {
					t.Errorf("%s [%s]: missing key near %q", what, lang, body[i:min(len(body), i+60)])
				}
				if i := strings.Index(body, "%!"); i >= 0 {
					t.Errorf("%s [%s]: bad verb near %q", what, lang, body[max(0, i-40):min(len(body), i+40)])
				}
				if !strings.Contains(body, `<html lang="`+lang+`"`) {
					t.Errorf("%s: not in %s", what, lang)
				}
				if len(body) > 100<<10 {
					t.Errorf("%s [%s]: %d bytes", what, lang, len(body))
				}
			}
		}
		get := func(p string) func(c *client) *response { return func(c *client) *response { return c.get(p) } }
		post := func(p string, v url.Values) func(c *client) *response {
			return func(c *client) *response { return c.postForm(p, v) }
		}
		for _, p := range []string{"/admin/units", "/admin/units/new", "/admin/units/new?parent=" + unit, "/admin/units/" + unit,
			"/admin/units/" + unit + "/deactivate", "/admin/units/" + unit + "/activate",
			"/admin/users", "/admin/users?q=a&role=intake&state=active&sort=unit&dir=desc&size=2", "/admin/users?q=zzzz", "/admin/users/new",
			"/admin/users/" + uid, "/admin/sessions", "/admin/tokens",
			"/admin/sessions/" + sid + "/revoke?user=" + uid, "/admin/sessions/" + sid + "/revoke",
			"/admin/tokens/" + tid + "/revoke?user=" + uid, "/admin/tokens/" + tid + "/revoke"} {
			check(p, a, get(p))
		}
		for _, act := range adminUserActions {
			check(act, a, get("/admin/users/"+uid+"/"+act))
		}
		check("bad unit", a, post("/admin/units/new", url.Values{"code": {"?"}, "parent": {"x"}}))
		check("stale unit", a, post("/admin/units/"+unit, url.Values{"version": {"9"}, "code": {"CAX"}, "name": {"X"}, "kind": {"police"}}))
		check("refused deactivation", a, post("/admin/units/"+h.units["PC02"].ID.String()+"/deactivate", url.Values{"confirm": {"yes"}, "version": {"1"}}))
		check("bad user", a, post("/admin/users/new", url.Values{"username": {"?"}, "unit": {"x"}, "roles": {"nope"}}))
		check("stale user", a, post("/admin/users/"+uid, url.Values{"version": {"9"}, "unit": {h.units["PC02"].ID.String()}, "roles": {"intake"}}))
		check("bad token", a, post("/admin/users/"+uid+"/tokens", url.Values{"name": {strings.Repeat("y", 90)}}))
		check("new token", a, post("/admin/users/"+uid+"/tokens", url.Values{"name": {"x"}}))
		check("stale action", a, post("/admin/users/"+uid+"/totp-on", url.Values{"confirm": {"yes"}, "version": {"9"}}))
		fresh := h.freshUser("r")
		check("created", a, post("/admin/users/new", url.Values{"username": {"moi." + fresh.Username[2:]}, "unit": {h.units["PC02"].ID.String()}, "roles": {"intake"}}))
		check("reset", a, post("/admin/users/"+fresh.ID.String()+"/reset-password", url.Values{"confirm": {"yes"}}))

		for _, p := range []string{"/audit", "/audit?action=intake.", "/audit?action=auth.login&size=3&page=2", "/audit?record_type=intake_item&record_id=" + h.item.ID.String(),
			"/audit?actor=bad&from=x", "/audit?record_type=other&record_id=abc&action=other.thing"} {
			check(p, au, get(p))
		}
		check("verify", au, post("/audit/verify", nil))
		h.app.db.Exec(t0(), "UPDATE audit_events SET reason='x' WHERE seq=2")
		check("verify broken", au, post("/audit/verify", nil))
	})
}

package main

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"ctip/internal/api"
	"ctip/internal/auth"
	"ctip/internal/dbtest"
	"ctip/internal/httpx"
	"ctip/internal/store"
	"ctip/internal/web"
)

// Who may reach each route. The route × role test below walks the route
// tables of the web UI and the API; a route without a row here fails it.
//
// Roles listed in a row are allowed; every other role (and anonymous, unless
// the route is public) must be refused. "signed" means every signed-in role.
var routeAccess = map[string][]string{}

func allow(route string, roles ...string) { routeAccess[route] = roles }

var (
	signed   = []string{auth.RoleAdmin, auth.RoleLeader, auth.RoleIntake, auth.RoleInvestigator, auth.RoleProcurator, auth.RoleVictimSupport, auth.RoleAnalyst, auth.RoleAuditor, auth.RoleCourt}
	public   = append([]string{"anonymous"}, signed...)
	intakeRd = []string{auth.RoleLeader, auth.RoleIntake, auth.RoleInvestigator, auth.RoleProcurator}
	intakeCr = []string{auth.RoleIntake, auth.RoleInvestigator}
	intakePr = []string{auth.RoleLeader, auth.RoleIntake, auth.RoleInvestigator}
)

func init() {
	for _, r := range []string{"GET /healthz", "GET /readyz", "GET /metrics", "GET /lang", "GET /login", "POST /login", "GET /api/v1/openapi.json"} {
		allow(r, public...)
	}
	// Login steps: any session; a full session is sent on.
	for _, r := range []string{"POST /logout", "GET /login/totp", "POST /login/totp", "GET /account/password", "POST /account/password",
		"GET /account/totp", "POST /account/totp", "GET /account/totp/qr"} {
		allow(r, signed...)
	}
	for _, r := range []string{"GET /{$}", "GET /places/communes", "GET /account", "GET /notifications", "POST /notifications/read", "GET /account/sessions/{id}/revoke", "POST /account/sessions/{id}/revoke", "GET /account/tokens/{id}/revoke",
		"POST /account/tokens", "POST /account/tokens/{id}/revoke", "GET /api/v1/me", "GET /api/v1/units"} {
		allow(r, signed...)
	}
	allow("GET /intake", intakeRd...)
	allow("GET /intake/new", intakeCr...)
	allow("POST /intake/new", intakeCr...)
	allow("GET /intake/quick", intakeCr...)
	allow("POST /intake/quick", intakeCr...)
	allow("GET /intake/{id}", intakeRd...)
	allow("GET /intake/{id}/edit", intakePr...)
	allow("POST /intake/{id}/edit", intakePr...)
	// The reporter's identity: the leader above the receiving unit only (nobody is assigned yet).
	allow("GET /intake/{id}/reporter", auth.RoleLeader)
	// Recording the reporter in the registry: whoever may see the reporter (the same leader).
	allow("POST /intake/{id}/reporter/link", auth.RoleLeader)
	// Verification: the handling unit's processors (the procurator reads but may not act).
	allow("GET /intake/{id}/act/{action}", intakePr...)
	allow("POST /intake/{id}/act/{action}", intakePr...)
	allow("POST /intake/{id}/attachments", intakePr...)
	allow("GET /intake/{id}/attachments/{att}", intakeRd...)
	allow("GET /intake/{id}/attachments/{att}/delete", intakePr...)
	allow("POST /intake/{id}/attachments/{att}/delete", intakePr...)
	allow("GET /oversight", auth.RoleProcurator)

	allow("GET /api/v1/audit", auth.RoleAuditor)
	allow("POST /api/v1/intake", intakeCr...)
	allow("GET /api/v1/intake", intakeRd...)
	allow("GET /api/v1/intake/{id}", intakeRd...)
	allow("PATCH /api/v1/intake/{id}", intakePr...)
	allow("GET /api/v1/intake/{id}/reporter", auth.RoleLeader)
	allow("GET /api/v1/intake/{id}/attachments", intakeRd...)
	allow("POST /api/v1/intake/{id}/attachments", intakePr...)
	allow("GET /api/v1/intake/{id}/attachments/{att}", intakeRd...)
	allow("DELETE /api/v1/intake/{id}/attachments/{att}", intakePr...)
	// Transitions: who may start each from the fixture's state (received, unassigned, in PC02).
	allow("POST /api/v1/intake/{id}/transfer", intakePr...)
	allow("POST /api/v1/intake/{id}/assign", auth.RoleLeader)
	allow("POST /api/v1/intake/{id}/verify") // nobody: verification needs an assigned item
	allow("POST /api/v1/intake/{id}/notify", intakePr...)
	allow("POST /api/v1/intake/{id}/extend", auth.RoleLeader, auth.RoleInvestigator)
	allow("POST /api/v1/intake/{id}/procuracy_extend", auth.RoleProcurator) // through the door; the rule then asks for the body's extension first
	allow("POST /api/v1/intake/{id}/prosecute", auth.RoleLeader, auth.RoleInvestigator)
	allow("POST /api/v1/intake/{id}/not_prosecute", auth.RoleLeader, auth.RoleInvestigator)
	allow("POST /api/v1/intake/{id}/suspend")           // nobody: only from assigned/verifying
	allow("POST /api/v1/intake/{id}/resume")            // nobody: not suspended
	allow("POST /api/v1/intake/{id}/cancel_suspension") // nobody: not suspended
}

// routePrep prepares routes that consume or end something, per role: it
// returns the path to call and whether to call it from a fresh session.
var routePrep = map[string]func(h *harness, role, pattern string) (path string, freshSession bool){
	"POST /logout": func(h *harness, role, p string) (string, bool) { return p, true },
	"POST /account/sessions/{id}/revoke": func(h *harness, role, p string) (string, bool) {
		h.login(role) // the session to end
		return strings.Replace(p, "{id}", h.lastSession(role), 1), true
	},
	"POST /account/tokens/{id}/revoke": func(h *harness, role, p string) (string, bool) {
		return strings.Replace(p, "{id}", h.newTokenID(role), 1), false
	},
	// The confirmation pages of one's own session and token.
	"GET /account/sessions/{id}/revoke": func(h *harness, role, p string) (string, bool) {
		h.login(role)
		return strings.Replace(p, "{id}", h.lastSession(role), 1), true
	},
	"GET /account/tokens/{id}/revoke": func(h *harness, role, p string) (string, bool) {
		return strings.Replace(p, "{id}", h.newTokenID(role), 1), false
	},
	"DELETE /api/v1/intake/{id}/attachments/{att}": func(h *harness, role, p string) (string, bool) {
		return h.fill(p, h.attachment()), false // each role deletes its own copy
	},
}

// fill replaces the path parameters of a pattern with fixture values.
func (h *harness) fill(pattern string, att string) string {
	if fill := adminFill(h, pattern); fill != "" {
		return fill
	}
	// The render test opens one's own confirmation pages as the first
	// signed-in role (the administrator).
	switch pattern {
	case "/account/sessions/{id}/revoke":
		return "/account/sessions/" + h.lastSession(auth.RoleAdmin) + "/revoke"
	case "/account/tokens/{id}/revoke":
		return "/account/tokens/" + h.newTokenID(auth.RoleAdmin) + "/revoke"
	}
	p := strings.TrimSuffix(pattern, "{$}")
	p = strings.ReplaceAll(p, "{id}", h.item.ID.String())
	p = strings.ReplaceAll(p, "{action}", "verify")
	p = strings.ReplaceAll(p, "{att}", att)
	if p == "/account/totp/qr" {
		p += "?s=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	}
	return p
}

// adminFill gives the admin pages' tests a say on their own parameters: it
// gets the raw pattern and returns a path, or "" to use the defaults.
var adminFill = func(h *harness, pattern string) string { return "" }

// allowedStatus reports whether a response means the role got through the
// door (whatever the input problems), and deniedStatus whether it was refused.
func outcome(r *response, isAPI bool) (allowed bool) {
	switch r.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		return false
	case http.StatusSeeOther, http.StatusFound:
		loc := r.Header.Get("Location")
		return !strings.HasPrefix(loc, "/login?") && loc != "/account/password" && loc != "/login/totp" && loc != "/account/totp"
	case http.StatusConflict:
		// A refused transition: the door opened, the rule said no. The
		// table lists such (route, role) pairs as not allowed, so treat
		// conflicts on transitions as refusals.
		return !strings.Contains(r.text(), "transition_refused") && !strings.Contains(r.text(), "action_not_available")
	}
	return r.StatusCode < 500
}

func TestRouteRoleTable(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			h := newHarness(t, engine)
			att := h.attachment()
			var routes []httpx.Route
			ws := &web.Server{}
			routes = append(routes, webRoutes(h)...)
			_ = ws
			routes = append(routes, (&api.Server{}).Routes()...)
			clients := map[string]*client{}
			tokens := map[string]string{}
			for _, role := range allRoles {
				clients[role] = h.login(role)
				if role != "anonymous" {
					tokens[role] = h.token(role)
				}
			}
			seen := map[string]bool{}
			for _, rt := range routes {
				name := rt.Method + " " + rt.Pattern
				seen[name] = true
				want, ok := routeAccess[name]
				if !ok {
					t.Errorf("route %s has no row in the route × role table", name)
					continue
				}
				isAPI := strings.HasPrefix(rt.Pattern, "/api/")
				for _, role := range allRoles {
					path := h.fill(rt.Pattern, att)
					c := clients[role]
					if prep, ok := routePrep[name]; ok && role != "anonymous" {
						var fresh bool
						path, fresh = prep(h, role, rt.Pattern)
						if fresh {
							c = h.login(role) // a session of its own, so the shared one survives
						}
					}
					var r *response
					switch {
					case isAPI:
						r = h.api(tokens[role], rt.Method, path, probeBody(rt))
					case rt.Method == "GET":
						r = c.get(path)
					default:
						r = c.postForm(path, url.Values{})
					}
					got := outcome(r, isAPI)
					if rt.Access == httpx.Public {
						got = r.StatusCode < 500 // the door is open; what the handler answers is its business
					}
					if got != slices.Contains(want, role) {
						t.Errorf("%s as %s: status %d (Location %q), allowed=%v, want %v\n%.300s", name, role, r.StatusCode, r.Header.Get("Location"), got, !got, r.text())
					}
					if r.StatusCode >= 500 {
						t.Errorf("%s as %s: server error %d", name, role, r.StatusCode)
					}
				}
			}
			for name := range routeAccess {
				if !seen[name] {
					t.Errorf("table row %s matches no route", name)
				}
			}
		})
	}
}

// probeBody is a harmless body for API writes: valid JSON, invalid content.
func probeBody(rt httpx.Route) any {
	switch rt.Method {
	case "POST", "PATCH":
		return map[string]any{"version": 999}
	}
	return nil
}

func webRoutes(h *harness) []httpx.Route {
	ws := &web.Server{Auth: h.app.auth}
	return ws.Routes()
}

// attachment adds a file to the fixture item and returns its ID.
func (h *harness) attachment() string {
	h.t.Helper()
	inv := h.login(auth.RoleInvestigator)
	r := inv.postFile("/intake/"+h.item.ID.String()+"/attachments", "bien-ban.pdf", []byte("%PDF-1.4\n% test document\n"))
	if r.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("attach: %d %s", r.StatusCode, r.text())
	}
	v, err := h.app.db.ListAttachments(t0(), h.item.ID)
	if err != nil || len(v) == 0 {
		h.t.Fatalf("no attachment: %v", err)
	}
	return v[0].ID.String()
}

var _ = store.SQLite

// lastSession returns the ID of the newest session of a role's user.
func (h *harness) lastSession(role string) string {
	h.t.Helper()
	var id string
	if err := h.app.db.QueryRow(t0(), "SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1", h.users[role].ID).Scan(&id); err != nil {
		h.t.Fatal(err)
	}
	return id
}

// newTokenID creates an API token for a role's user and returns its ID.
func (h *harness) newTokenID(role string) string {
	h.t.Helper()
	tok, _, err := h.app.auth.CreateToken(system(t0(), "test"), h.users[role].ID, "to revoke")
	if err != nil {
		h.t.Fatal(err)
	}
	return tok.ID.String()
}

package main

import (
	"net/http"
	"strings"
	"testing"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/intake"
)

// TestRenderEveryPage renders every GET page of the web UI, as a role that
// may see it, in Vietnamese and in English: no missing catalogue key (⟦…⟧),
// no bad format verb (%!), valid status, and under 100 KB.
func TestRenderEveryPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		att := h.attachment()
		clients := map[string]*client{}
		for _, role := range allRoles {
			clients[role] = h.login(role)
		}
		check := func(name, path string, c *client) {
			t.Helper()
			for _, lang := range []string{"vi", "en"} {
				c.lang = lang
				r := c.get(path)
				c.lang = ""
				if r.StatusCode == http.StatusSeeOther {
					continue // a redirect (e.g. a login step already done) renders nothing
				}
				if r.StatusCode >= 500 || r.StatusCode == http.StatusForbidden || r.StatusCode == http.StatusUnauthorized {
					t.Errorf("%s [%s] %s: status %d", name, lang, path, r.StatusCode)
					continue
				}
				ct := r.Header.Get("Content-Type")
				if !strings.HasPrefix(ct, "text/html") {
					continue // metrics, QR code, downloads, JSON
				}
				body := r.text()
				if strings.Contains(body, "⟦") {
					i := strings.Index(body, "⟦")
					t.Errorf("%s [%s]: missing catalogue key near %q", name, lang, body[i:min(len(body), i+60)])
				}
				if strings.Contains(body, "%!") {
					i := strings.Index(body, "%!")
					t.Errorf("%s [%s]: bad format verb near %q", name, lang, body[max(0, i-40):min(len(body), i+40)])
				}
				if i := strings.Index(body, ` style="`); i >= 0 {
					t.Errorf("%s [%s]: inline style attribute (blocked by the CSP; use a class) near %q", name, lang, body[max(0, i-60):min(len(body), i+60)])
				}
				if len(r.body) > 100<<10 {
					t.Errorf("%s [%s]: %d bytes (over 100 KB)", name, lang, len(r.body))
				}
				// Intake pages in English cite the CPC, never the Vietnamese
				// article wording (legal bases come from the catalogues).
				if lang == "en" && strings.HasPrefix(path, "/intake") {
					for _, vi := range []string{"Điều", "BLTTHS"} {
						if i := strings.Index(body, vi); i >= 0 {
							t.Errorf("%s [en]: Vietnamese citation near %q", name, body[max(0, i-60):min(len(body), i+60)])
						}
					}
				}
				if !strings.Contains(body, `<html lang="`+lang+`"`) {
					t.Errorf("%s: not rendered in %s", name, lang)
				}
			}
		}
		for _, rt := range webRoutes(h) {
			if rt.Method != "GET" {
				continue
			}
			name := rt.Method + " " + rt.Pattern
			roles := routeAccess[name]
			if len(roles) == 0 {
				continue
			}
			role := roles[0]
			for _, r := range roles { // prefer a signed-in role
				if r != "anonymous" {
					role = r
					break
				}
			}
			check(name, h.fill(rt.Pattern, att), clients[role])
		}
		// Every action form, as a leader of the handling unit, and the item page in every state reached.
		for _, act := range intake.Actions {
			r := clients[auth.RoleLeader].get("/intake/" + h.item.ID.String() + "/act/" + string(act))
			if r.StatusCode == http.StatusOK {
				check("action "+string(act), "/intake/"+h.item.ID.String()+"/act/"+string(act), clients[auth.RoleLeader])
			}
		}
		// Registry links (issue 4 §1): the search in link and pick modes, the
		// create-and-link form, the case forms with a chosen person, and the
		// item page as the leader (offered the reporter link).
		inv, item := clients[auth.RoleInvestigator], h.item.ID.String()
		cid, sus := h.caseFixture().c.ID.String(), h.personFixture().suspect.String()
		for _, path := range []string{
			"/persons?link=intake_item:" + item + "&q=giang",
			"/persons?link=case_accused:" + cid + "&q=giang",
			"/persons?link=case_party:" + cid + "&q=nobody",
			"/persons/new?link=intake_item:" + item,
			"/cases/" + cid + "/accused/new?person=" + sus,
			"/cases/" + cid + "/parties/new?person=" + sus + "&role=witness",
			"/cases/" + cid + "/accused/new?person=" + ctip.NewID().String(),
		} {
			check("registry link "+path, path, inv)
		}
		check("item page as the leader", "/intake/"+item, clients[auth.RoleLeader])
		// Error pages.
		check("not found page", "/intake/00000000-0000-0000-0000-000000000000", clients[auth.RoleIntake])
	})
}

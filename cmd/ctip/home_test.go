package main

import (
	"strings"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/intake"
)

// TestHomeByRole: each role's start page shows its own section, from the
// services (so within its scope), in both languages; the analyst's shows
// counts only.
func TestHomeByRole(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		f := h.caseFixture() // PC02's case, investigation and detention until early June 2026
		// The investigator is assigned the fixture item to verify.
		lead := ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleLeader], h.units["PC02"]))
		if _, err := h.app.intake.Do(lead, h.item.ID, h.item.Version, intake.ActAssign, intake.ActionInput{OfficerID: ctip.Some(h.users[auth.RoleInvestigator].ID)}); err != nil {
			t.Fatal(err)
		}
		h.clock.T = time.Date(2026, 5, 28, 2, 0, 0, 0, time.UTC) // the case's clocks end within 7 days
		want := map[string][]string{
			auth.RoleInvestigator:  {`id="home-my-cases"`, f.c.Reference, `id="home-my-intake"`, h.item.Reference, `id="home-intake"`},
			auth.RoleLeader:        {`id="home-board"`, `id="home-overdue"`, `id="home-intake"`},
			auth.RoleProcurator:    {`id="home-board"`, `id="home-procuracy"`, "Vụ án thuộc phạm vi kiểm sát"},
			auth.RoleCourt:         {`id="home-court"`, "Không có vụ án nào."},
			auth.RoleVictimSupport: {`id="home-victims"`, "Lịch theo dõi tái hòa nhập tuần này"},
			auth.RoleAnalyst:       {`id="home-totals"`, "Toàn tỉnh", "Vụ án khởi tố"},
		}
		for _, role := range allRoles[1:] {
			c := h.login(role)
			for _, lang := range []string{"vi", "en"} {
				c.lang = lang
				r := c.get("/")
				body := r.text()
				if r.StatusCode != 200 || strings.Contains(body, "⟦") || strings.Contains(body, "%!") {
					t.Errorf("%s [%s]: %d, missing key or bad verb", role, lang, r.StatusCode)
				}
				if lang == "en" {
					continue
				}
				for _, w := range want[role] {
					if !strings.Contains(body, w) {
						t.Errorf("%s: the start page lacks %q", role, w)
					}
				}
				// Sections belong to their roles only; the analyst sees no case or person.
				if role != auth.RoleInvestigator && strings.Contains(body, `id="home-my-cases"`) {
					t.Errorf("%s sees the investigator's section", role)
				}
				if (role == auth.RoleAnalyst || role == auth.RoleCourt || role == auth.RoleVictimSupport) && strings.Contains(body, f.c.Reference) {
					t.Errorf("%s sees the case %s", role, f.c.Reference)
				}
			}
		}
		// The investigator's case appears with its next deadline.
		body := h.login(auth.RoleInvestigator).get("/").text()
		if !strings.Contains(body, "/cases/"+f.c.ID.String()) || !strings.Contains(body, "còn ") {
			t.Errorf("investigator's list: %s", body)
		}
	})
}

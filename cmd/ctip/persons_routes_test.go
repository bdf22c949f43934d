package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/person"
	"ctip/internal/victim"
)

var (
	personRd    = []string{auth.RoleLeader, auth.RoleIntake, auth.RoleInvestigator, auth.RoleProcurator, auth.RoleVictimSupport, auth.RoleCourt}
	personWr    = []string{auth.RoleLeader, auth.RoleIntake, auth.RoleInvestigator}
	personScope = []string{auth.RoleLeader, auth.RoleIntake, auth.RoleInvestigator, auth.RoleProcurator} // the fixture suspect belongs to PC02
	victimRd    = []string{auth.RoleLeader, auth.RoleInvestigator, auth.RoleProcurator, auth.RoleVictimSupport, auth.RoleCourt}
	victimWr    = []string{auth.RoleVictimSupport}
	// Reception (victim.receive): victim support, and the police and border
	// guard who rescue or receive the person (Law 53/2024 Arts 27(1)–(2), 30(2)).
	victimRecv = []string{auth.RoleInvestigator, auth.RoleVictimSupport}
)

func init() {
	allow("GET /persons", personRd...)
	allow("GET /persons/new", personWr...)
	allow("POST /persons/new", personWr...)
	allow("GET /persons/{id}", personScope...)
	allow("GET /persons/{id}/edit", personWr...)
	allow("POST /persons/{id}/edit", personWr...)
	// Reveal and break the glass: on the victim's person. Only the team may
	// reveal (victim support in SYT); the leader outside the team may break the glass.
	allow("POST /persons/{id}/reveal", auth.RoleVictimSupport)
	// Leaders break the glass from the victim file (victim files are readable
	// province-wide under the pseudonym); a victim's person page is outside
	// their scope, so this door only serves protected persons in their scope.
	allow("POST /persons/{id}/break-glass")
	allow("GET /persons/{id}/withdraw", personWr...)
	allow("POST /persons/{id}/act/{action}", personWr...)
	allow("POST /persons/{id}/export", auth.RoleVictimSupport) // export permission, identity shown
	allow("POST /persons/{id}/link", personWr...)
	allow("POST /persons/{id}/photo", personWr...)
	allow("GET /persons/{id}/photo", personScope...)
	allow("GET /victims", victimRd...)
	allow("GET /victims/new", victimRecv...)
	allow("POST /victims/new", victimRecv...)
	allow("GET /victims/needs", auth.RoleLeader, auth.RoleInvestigator, auth.RoleProcurator, auth.RoleVictimSupport, auth.RoleAnalyst, auth.RoleCourt)
	allow("POST /victims/export", auth.RoleVictimSupport)
	allow("GET /victims/{id}", victimRd...)
	allow("POST /victims/{id}/reveal", auth.RoleVictimSupport) // others: 404, whatever the role
	allow("POST /victims/{id}/break-glass", auth.RoleLeader)
	allow("GET /victims/{id}/close", victimWr...)
	allow("POST /victims/{id}/act/{action}", victimWr...)
	// Linking a file to a case: who may already see the identity (the team
	// with victim.identity) or a leader who may break the glass; the PC02
	// investigator is off the SYT victim's team (403: no back door).
	allow("POST /victims/{id}/link-case", auth.RoleLeader, auth.RoleVictimSupport)

	allow("POST /api/v1/persons", personWr...)
	allow("GET /api/v1/persons", personRd...)
	allow("GET /api/v1/persons/{id}", personScope...)
	// Intake items' registry persons: the item's readers list them; writers of the registry link them
	// (the probe's body has no role: refused as invalid, past the door); the reporter, as on the page.
	allow("GET /api/v1/intake/{id}/persons", intakeRd...)
	allow("POST /api/v1/intake/{id}/persons", personWr...)
	allow("POST /api/v1/intake/{id}/reporter/link", auth.RoleLeader)
	allow("POST /api/v1/victims", victimRecv...)
	allow("GET /api/v1/victims/{id}", victimRd...)
	// Every other role gets 404 (counted as refused), never 403: see
	// TestVictimRevealAnswers404ToEveryoneNotEntitled.
	allow("POST /api/v1/victims/{id}/reveal", auth.RoleVictimSupport)
	allow("POST /api/v1/victims/{id}/identification", victimWr...)
	allow("GET /api/v1/victims/{id}/support", victimRd...)
	allow("POST /api/v1/victims/{id}/support", victimWr...)
	allow("GET /api/v1/victims/{id}/followups", victimRd...)
	allow("POST /api/v1/victims/{id}/followups", victimWr...)

	// Exporting needs the identity on screen: open a reveal first (roles that cannot, cannot).
	routePrep["POST /persons/{id}/export"] = func(h *harness, role, p string) (string, bool) {
		fx := h.personFixture()
		if u := h.users[role]; u != nil {
			h.app.persons.Reveal(h.actorCtx(role), fx.victimPerson, "Trả lời yêu cầu của chủ thể dữ liệu")
		}
		return strings.Replace(p, "{id}", fx.victimPerson.String(), 1), false
	}
	prev := adminFill
	adminFill = func(h *harness, pattern string) string {
		if fill := prev(h, pattern); fill != "" {
			return fill
		}
		if !strings.HasPrefix(pattern, "/persons/") && !strings.HasPrefix(pattern, "/victims/") &&
			!strings.HasPrefix(pattern, "/api/v1/persons/") && !strings.HasPrefix(pattern, "/api/v1/victims/") {
			return ""
		}
		fx := h.personFixture()
		id := fx.suspect.String()
		switch {
		case strings.Contains(pattern, "victims/"):
			id = fx.victim.String()
		case strings.HasSuffix(pattern, "/reveal"), strings.HasSuffix(pattern, "/break-glass"), strings.HasSuffix(pattern, "/export"):
			id = fx.victimPerson.String()
		}
		p := strings.ReplaceAll(pattern, "{id}", id)
		switch {
		case strings.HasSuffix(pattern, "/close"):
			return p + "?close_reason=transferred"
		case strings.HasSuffix(pattern, "/withdraw"): // a consent to withdraw
			cid, err := h.app.persons.AddConsent(h.actorCtx(auth.RoleInvestigator), fx.suspect, person.ConsentSharing, "Trung tâm trợ giúp pháp lý", ctip.DateOf(h.clock.Now()))
			if err != nil {
				h.t.Fatal(err)
			}
			return p + "?consent_id=" + cid.String()
		}
		action := "role"
		if strings.Contains(pattern, "victims/") {
			action = "followup"
		}
		return strings.ReplaceAll(p, "{action}", action)
	}
}

// testPNG is a 1×1 PNG.
var testPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// personFx are the fixtures of the person and victim tests: a suspect
// recorded by PC02, and a victim received by the health department (SYT).
type personFx struct {
	suspect, victim, victimPerson ctip.ID
	pseudonym                     string
}

var (
	personFxMu sync.Mutex
	personFxs  = map[*harness]*personFx{}
)

// Fixture values that must never appear where the identity is hidden.
const (
	fxVictimName  = "Lò Thị Xuân Mai"
	fxVictimID    = "011301012345"
	fxVictimPhone = "0912345678"
	fxSuspectName = "Giàng A Páo"
)

func (h *harness) actorCtx(role string) context.Context {
	u := h.users[role]
	unit := h.units["PC02"]
	for _, un := range h.units {
		if un.ID == u.UnitID {
			unit = un
		}
	}
	return ctip.WithActor(context.Background(), auth.ActorFor(u, unit))
}

func (h *harness) personFixture() *personFx {
	personFxMu.Lock()
	defer personFxMu.Unlock()
	if fx := personFxs[h]; fx != nil {
		return fx
	}
	h.t.Helper()
	fx := &personFx{}
	s, err := h.app.persons.Create(h.actorCtx(auth.RoleInvestigator), person.Input{FullName: fxSuspectName, Sex: "male", BirthYear: 1985,
		Role: person.RoleRecruiter, Phone: "0977000111", EthnicCode: "06", Photo: testPNG})
	if err != nil {
		h.t.Fatal(err)
	}
	fx.suspect = s.Person.ID
	v, err := h.app.victims.Receive(h.actorCtx(auth.RoleVictimSupport), victim.ReceiveInput{Channel: victim.SelfReport, ReceptionBody: "UBND xã Mường Nhé",
		ReceivedAt: h.clock.Now().Add(-3 * time.Hour), ReceptionCommune: "03160",
		Person: person.Input{FullName: fxVictimName, Sex: "female", DateOfBirth: "2001-05-04", IDNumber: fxVictimID, Phone: fxVictimPhone, Nationality: "VN",
			Current: person.Address{Line: "Bản Nậm Kè", CommuneCode: "03160"}}})
	if err != nil {
		h.t.Fatal(err)
	}
	fx.victim, fx.victimPerson, fx.pseudonym = v.File.ID, v.File.PersonID, v.File.Pseudonym
	personFxs[h] = fx
	h.t.Cleanup(func() {
		personFxMu.Lock()
		delete(personFxs, h)
		personFxMu.Unlock()
	})
	return fx
}

func TestPersonFixture(t *testing.T) {
	h := newHarness(t, "sqlite")
	fx := h.personFixture()
	if !strings.HasPrefix(fx.pseudonym, "NN-2026-") {
		t.Fatalf("pseudonym %q", fx.pseudonym)
	}
}

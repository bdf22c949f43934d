package api

import (
	"net/http"

	"ctip"
	"ctip/internal/httpx"
	"ctip/internal/intake"
)

// Routes is the API's route table. Every route must appear in openapi.json
// (a test checks both directions).
func (s *Server) Routes() []httpx.Route {
	perm := func(m, p string, perm ctip.Permission, h httpx.Handler) httpx.Route {
		return httpx.Route{Method: m, Pattern: p, Access: httpx.Permitted, Perm: perm, Handler: h}
	}
	routes := []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/openapi.json", Access: httpx.Public, Handler: s.openapi},
		{Method: "GET", Pattern: "/api/v1/me", Access: httpx.Signed, Handler: s.me},
		{Method: "GET", Pattern: "/api/v1/units", Access: httpx.Signed, Handler: s.units},
		perm("GET", "/api/v1/audit", ctip.PermAuditRead, s.auditList),
		perm("POST", "/api/v1/intake", ctip.PermIntakeCreate, s.intakeCreate),
		perm("GET", "/api/v1/intake", ctip.PermIntakeRead, s.intakeList),
		perm("GET", "/api/v1/intake/{id}", ctip.PermIntakeRead, s.intakeGet),
		perm("PATCH", "/api/v1/intake/{id}", ctip.PermIntakeProcess, s.intakePatch),
		perm("GET", "/api/v1/intake/{id}/reporter", ctip.PermIntakeRead, s.intakeReporter),
		perm("GET", "/api/v1/intake/{id}/attachments", ctip.PermIntakeRead, s.intakeAttachments),
		{Method: "POST", Pattern: "/api/v1/intake/{id}/attachments", Access: httpx.Permitted, Perm: ctip.PermIntakeProcess, Handler: s.intakeAttach, MaxBody: 25 << 20},
		perm("GET", "/api/v1/intake/{id}/attachments/{att}", ctip.PermIntakeRead, s.intakeDownload),
		perm("DELETE", "/api/v1/intake/{id}/attachments/{att}", ctip.PermIntakeProcess, s.intakeDetach),
	}
	// One endpoint per transition: POST /api/v1/intake/{id}/<action>.
	for _, act := range intake.Actions {
		routes = append(routes, perm(http.MethodPost, "/api/v1/intake/{id}/"+string(act), ctip.PermIntakeRead, s.intakeAction(act)))
	}
	routes = append(routes, s.personRoutes()...)
	routes = append(routes, s.caseRoutes()...)
	for i := range routes {
		routes[i].Name = routes[i].Method + " " + routes[i].Pattern
	}
	return routes
}

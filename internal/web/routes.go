package web

import (
	"net/http"

	"ctip"
	"ctip/internal/httpx"
)

// Routes is the web UI's route table. Access gates the door (and drives the
// navigation); the services check every permission and record scope again.
func (s *Server) Routes() []httpx.Route {
	pub, staged, signed := httpx.Public, httpx.Staged, httpx.Signed
	perm := func(m, p string, perm ctip.Permission, h httpx.Handler) httpx.Route {
		return httpx.Route{Method: m, Pattern: p, Access: httpx.Permitted, Perm: perm, Handler: h}
	}
	r := func(m, p string, a httpx.Access, h httpx.Handler) httpx.Route {
		return httpx.Route{Method: m, Pattern: p, Access: a, Handler: h}
	}
	routes := []httpx.Route{
		r("GET", "/healthz", pub, s.healthz),
		r("GET", "/readyz", pub, s.readyz),
		r("GET", "/metrics", pub, s.metrics),
		r("GET", "/lang", pub, s.switchLang),
		r("GET", "/login", pub, s.loginForm),
		r("POST", "/login", pub, s.login),
		r("POST", "/logout", staged, s.logout),
		r("GET", "/login/totp", staged, s.totpForm),
		r("POST", "/login/totp", staged, s.totp),
		r("GET", "/account/password", staged, s.passwordForm),
		r("POST", "/account/password", staged, s.changePassword),
		r("GET", "/account/totp", staged, s.enrolForm),
		r("POST", "/account/totp", staged, s.enrol),
		r("GET", "/account/totp/qr", staged, s.enrolQR),

		r("GET", "/{$}", signed, s.home),
		r("GET", "/places/communes", signed, s.communes),
		r("GET", "/account", signed, s.account),
		r("GET", "/notifications", signed, s.notifications),
		r("POST", "/notifications/read", signed, s.notificationsRead),
		r("GET", "/account/sessions/{id}/revoke", signed, s.revokeOwnSessionForm),
		r("POST", "/account/sessions/{id}/revoke", signed, s.revokeOwnSession),
		r("POST", "/account/tokens", signed, s.createOwnToken),
		r("GET", "/account/tokens/{id}/revoke", signed, s.revokeOwnTokenForm),
		r("POST", "/account/tokens/{id}/revoke", signed, s.revokeOwnToken),

		perm("GET", "/intake", ctip.PermIntakeRead, s.intakeList),
		perm("GET", "/intake/new", ctip.PermIntakeCreate, s.intakeNewForm),
		perm("POST", "/intake/new", ctip.PermIntakeCreate, s.intakeCreate),
		perm("GET", "/intake/quick", ctip.PermIntakeCreate, s.intakeQuickForm),
		perm("POST", "/intake/quick", ctip.PermIntakeCreate, s.intakeQuickCreate),
		perm("GET", "/intake/{id}", ctip.PermIntakeRead, s.intakeShow),
		perm("GET", "/intake/{id}/edit", ctip.PermIntakeProcess, s.intakeEditForm),
		perm("POST", "/intake/{id}/edit", ctip.PermIntakeProcess, s.intakeUpdate),
		perm("GET", "/intake/{id}/reporter", ctip.PermIntakeRead, s.intakeReporter),
		perm("POST", "/intake/{id}/reporter/link", ctip.PermIntakeRead, s.intakeReporterLink),
		perm("GET", "/intake/{id}/act/{action}", ctip.PermIntakeRead, s.intakeActionForm),
		perm("POST", "/intake/{id}/act/{action}", ctip.PermIntakeRead, s.intakeAction),
		{Method: "POST", Pattern: "/intake/{id}/attachments", Access: httpx.Permitted, Perm: ctip.PermIntakeProcess, Handler: s.intakeAttach, MaxBody: 25 << 20},
		perm("GET", "/intake/{id}/attachments/{att}", ctip.PermIntakeRead, s.intakeDownload),
		perm("GET", "/intake/{id}/attachments/{att}/delete", ctip.PermIntakeProcess, s.intakeDetachForm),
		perm("POST", "/intake/{id}/attachments/{att}/delete", ctip.PermIntakeProcess, s.intakeDetach),
		perm("GET", "/oversight", ctip.PermIntakeOversight, s.oversight),
	}
	routes = append(routes, s.adminRoutes()...)
	routes = append(routes, s.caseRoutes()...)
	routes = append(routes, s.personRoutes()...)
	routes = append(routes, s.registryRoutes()...)
	for i := range routes {
		if routes[i].Name == "" {
			routes[i].Name = routes[i].Method + " " + routes[i].Pattern
		}
	}
	return routes
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write([]byte("ok\n"))
	return err
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.Ready != nil {
		if err := s.Ready(r.Context()); err != nil {
			httpx.Logger(r.Context()).Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, werr := w.Write([]byte("not ready: " + err.Error() + "\n"))
			return werr
		}
	}
	_, err := w.Write([]byte("ready\n"))
	return err
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request) error {
	if s.Metrics == nil {
		return ctip.ErrNotFound()
	}
	s.Metrics.ServeHTTP(w, r)
	return nil
}

package web

import (
	"net/http"
	"net/url"

	"ctip"
)

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, status int, newToken string, f *Form) error {
	au := authOf(r)
	ctx := r.Context()
	sessions, err := s.Auth.Sessions(ctx, ctip.Some(au.User.ID), ctip.PageRequest{Limit: 50})
	if err != nil {
		return err
	}
	tokens, err := s.Auth.Tokens(ctx, ctip.Some(au.User.ID), ctip.PageRequest{Limit: 100})
	if err != nil {
		return err
	}
	p := s.page(r, "account.title", map[string]any{
		"User": au.User, "Sessions": sessions.Items, "Tokens": tokens.Items, "Current": au.Session.ID, "NewToken": newToken,
	})
	if f == nil {
		f = newForm(nil)
	}
	p.Form = f
	return s.render(w, r, status, "account", p)
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	return s.accountPage(w, r, http.StatusOK, "", nil)
}

func (s *Server) revokeOwnSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if !confirmed(r) {
		return s.backToConfirm(w, r, r.URL.Path)
	}
	if err := s.Auth.RevokeSession(r.Context(), id); err != nil {
		return err
	}
	if id == authOf(r).Session.ID {
		s.setSession(w, r, "")
		return s.redirect(w, r, "/login", "flash.logged_out")
	}
	return s.redirect(w, r, "/account#sessions", "flash.session_revoked")
}

func (s *Server) createOwnToken(w http.ResponseWriter, r *http.Request) error {
	au := authOf(r)
	_, secret, err := s.Auth.CreateToken(r.Context(), au.User.ID, r.PostFormValue("name"))
	if err != nil {
		f := newForm(url.Values{"name": {r.PostFormValue("name")}})
		if !s.setError(f, s.lang(r), err) {
			return err
		}
		return s.accountPage(w, r, http.StatusUnprocessableEntity, "", f)
	}
	// The secret is shown once, on this response only (never stored).
	return s.accountPage(w, r, http.StatusOK, secret, nil)
}

func (s *Server) revokeOwnToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if !confirmed(r) {
		return s.backToConfirm(w, r, r.URL.Path)
	}
	if err := s.Auth.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	return s.redirect(w, r, "/account#tokens", "flash.token_revoked")
}

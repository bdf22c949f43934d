package web

import (
	"net/http"
	"net/url"
	"strings"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/i18n"
)

func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) error {
	to := r.URL.Query().Get("to")
	if !i18n.Supported(to) {
		to = i18n.Langs[0]
	}
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if au := authOf(r); au != nil {
		http.Redirect(w, r, stageHome(au.Session.Stage), http.StatusSeeOther)
		return nil
	}
	p := s.page(r, "login.title", nil)
	p.Form = newForm(url.Values{"next": {r.URL.Query().Get("next")}})
	return s.render(w, r, http.StatusOK, "login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	p := s.page(r, "login.title", nil)
	f := newForm(url.Values{"username": {r.PostFormValue("username")}, "next": {r.PostFormValue("next")}})
	res, err := s.Auth.Login(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), client(r))
	if err != nil {
		if !s.setError(f, p.Lang, err) {
			return err
		}
		p.Form = f
		return s.render(w, r, httpStatusFor(err), "login", p)
	}
	// A fresh token at every login (session rotation).
	s.setSession(w, r, res.Token)
	next := safeNext(r.PostFormValue("next"))
	if res.Session.Stage != auth.StageFull {
		next = stageHome(res.Session.Stage)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func httpStatusFor(err error) int {
	switch ctip.KindOf(err) {
	case ctip.Invalid:
		return http.StatusUnprocessableEntity
	case ctip.TooMany:
		return http.StatusTooManyRequests
	case ctip.Conflict:
		return http.StatusConflict
	case ctip.Unauthenticated:
		return http.StatusUnauthorized
	}
	return http.StatusOK
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.Auth.Logout(r.Context(), authOf(r), client(r)); err != nil {
		return err
	}
	s.setSession(w, r, "")
	return s.redirect(w, r, "/login", "flash.logged_out")
}

func (s *Server) totpForm(w http.ResponseWriter, r *http.Request) error {
	au := authOf(r)
	if au.Session.Stage != auth.StageMFA {
		http.Redirect(w, r, stageHome(au.Session.Stage), http.StatusSeeOther)
		return nil
	}
	p := s.page(r, "totp.title", nil)
	p.Form = newForm(nil)
	return s.render(w, r, http.StatusOK, "totp", p)
}

func (s *Server) totp(w http.ResponseWriter, r *http.Request) error {
	au := authOf(r)
	if au.Session.Stage != auth.StageMFA {
		http.Redirect(w, r, stageHome(au.Session.Stage), http.StatusSeeOther)
		return nil
	}
	token, stage, err := s.Auth.VerifyTOTP(r.Context(), au, r.PostFormValue("code"), client(r))
	if err != nil {
		p := s.page(r, "totp.title", nil)
		p.Form = newForm(nil)
		if !s.setError(p.Form, p.Lang, err) {
			return err
		}
		return s.render(w, r, httpStatusFor(err), "totp", p)
	}
	s.setSession(w, r, token)
	http.Redirect(w, r, stageHome(stage), http.StatusSeeOther)
	return nil
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	au := authOf(r)
	if au.Session.Stage != auth.StagePassword && au.Session.Stage != auth.StageFull {
		http.Redirect(w, r, stageHome(au.Session.Stage), http.StatusSeeOther)
		return nil
	}
	p := s.page(r, "password.title", map[string]any{"First": au.Session.Stage == auth.StagePassword, "Min": auth.MinPasswordLength})
	p.Form = newForm(nil)
	return s.render(w, r, http.StatusOK, "password", p)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	au := authOf(r)
	if au.Session.Stage != auth.StagePassword && au.Session.Stage != auth.StageFull {
		http.Redirect(w, r, stageHome(au.Session.Stage), http.StatusSeeOther)
		return nil
	}
	token, stage, err := s.Auth.ChangePassword(r.Context(), au, r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm"), client(r))
	if err != nil {
		p := s.page(r, "password.title", map[string]any{"First": au.Session.Stage == auth.StagePassword, "Min": auth.MinPasswordLength})
		p.Form = newForm(nil)
		if !s.setError(p.Form, p.Lang, err) {
			return err
		}
		return s.render(w, r, httpStatusFor(err), "password", p)
	}
	s.setSession(w, r, token)
	return s.redirect(w, r, stageHome(stage), "flash.password_changed")
}

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) error {
	au := authOf(r)
	if au.Session.Stage != auth.StageEnrol && au.Session.Stage != auth.StageFull {
		http.Redirect(w, r, stageHome(au.Session.Stage), http.StatusSeeOther)
		return nil
	}
	en, err := s.Auth.BeginTOTP(r.Context(), au)
	if err != nil {
		return err
	}
	return s.renderEnrol(w, r, http.StatusOK, en.Secret, newForm(nil))
}

func (s *Server) renderEnrol(w http.ResponseWriter, r *http.Request, status int, secret string, f *Form) error {
	au := authOf(r)
	p := s.page(r, "enrol.title", map[string]any{
		"Secret":   secret,
		"Grouped":  groupSecret(secret),
		"Required": au.User.NeedsTOTP(),
		"Enabled":  au.User.TOTPEnabled,
		"QR":       "/account/totp/qr?s=" + url.QueryEscape(secret),
	})
	p.Form = f
	return s.render(w, r, status, "enrol", p)
}

func groupSecret(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// enrolQR renders the QR code of a secret being enrolled. The secret travels
// in the page (to the user who is enrolling it) and is stored only once a
// code confirms it.
func (s *Server) enrolQR(w http.ResponseWriter, r *http.Request) error {
	au := authOf(r)
	secret := r.URL.Query().Get("s")
	if len(secret) < 16 || len(secret) > 64 || strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		return ctip.ErrNotFound()
	}
	en, err := auth.EnrolmentFor(secret, s.Auth.Issuer, au.User.Username)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(en.PNG)
	return err
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) error {
	au := authOf(r)
	if au.Session.Stage != auth.StageEnrol && au.Session.Stage != auth.StageFull {
		http.Redirect(w, r, stageHome(au.Session.Stage), http.StatusSeeOther)
		return nil
	}
	secret := r.PostFormValue("secret")
	token, stage, err := s.Auth.ConfirmTOTP(r.Context(), au, secret, r.PostFormValue("code"), client(r))
	if err != nil {
		f := newForm(nil)
		if !s.setError(f, s.lang(r), err) {
			return err
		}
		return s.renderEnrol(w, r, httpStatusFor(err), secret, f)
	}
	s.setSession(w, r, token)
	return s.redirect(w, r, stageHome(stage), "flash.totp_enrolled")
}

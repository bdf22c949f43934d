package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/person"
	"ctip/internal/victim"
)

// Confirmation pages of destructive or irreversible actions (the pattern of
// the administrators' revoke and disable pages): the GET page shows what
// will happen and posts with confirm=yes; a POST without it is sent back to
// the page. Nothing depends on JavaScript.

type confirmFact struct{ Label, Value string }

type confirmData struct {
	Facts    []confirmFact
	Question string
	Effects  []string
	Post     string
	Hidden   []confirmFact // name, value
	Button   string
	Back     string
}

func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request, status int, title string, d *confirmData, f *Form) error {
	p := s.page(r, "", d)
	p.Title = title
	if f == nil {
		f = newForm(nil)
	}
	p.Form = f
	return s.render(w, r, status, "confirm", p)
}

// backToConfirm sends a POST that lacks the confirmation to its page.
func (s *Server) backToConfirm(w http.ResponseWriter, r *http.Request, page string, keep ...string) error {
	v := url.Values{}
	for _, k := range keep {
		if x := r.PostFormValue(k); x != "" {
			v.Set(k, x)
		}
	}
	if len(v) > 0 {
		page += "?" + v.Encode()
	}
	return s.redirect(w, r, page, "")
}

func fdatetime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(ctip.Vietnam).Format("02/01/2006 15:04")
}

// ---------- /account: one's own sessions and tokens ----------

func (s *Server) ownSession(r *http.Request) (*auth.Session, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	page, err := s.Auth.Sessions(r.Context(), ctip.Some(authOf(r).User.ID), ctip.PageRequest{Limit: ctip.MaxPageSize})
	if err != nil {
		return nil, err
	}
	for _, ss := range page.Items {
		if ss.ID == id {
			return ss, nil
		}
	}
	return nil, ctip.ErrNotFound()
}

func (s *Server) revokeOwnSessionForm(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.ownSession(r)
	if err != nil {
		return err
	}
	lang := s.lang(r)
	t := func(k string, a ...any) string { return s.Cat.T(lang, k, a...) }
	d := &confirmData{Question: t("session.revoke_confirm"), Post: r.URL.Path, Button: t("session.revoke"), Back: "/account#sessions",
		Facts: []confirmFact{{t("session.started"), fdatetime(ss.CreatedAt)}, {t("session.last_seen"), fdatetime(ss.LastSeenAt)},
			{t("session.ip"), ss.IP}, {t("session.agent"), ss.UserAgent}}}
	if ss.ID == authOf(r).Session.ID {
		d.Effects = append(d.Effects, t("admin.session.own"))
	}
	return s.confirmPage(w, r, http.StatusOK, t("admin.session.revoke_title"), d, nil)
}

func (s *Server) ownToken(r *http.Request) (*auth.Token, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	page, err := s.Auth.Tokens(r.Context(), ctip.Some(authOf(r).User.ID), ctip.PageRequest{Limit: ctip.MaxPageSize})
	if err != nil {
		return nil, err
	}
	for _, t := range page.Items {
		if t.ID == id && t.RevokedAt.IsZero() {
			return t, nil
		}
	}
	return nil, ctip.ErrNotFound()
}

func (s *Server) revokeOwnTokenForm(w http.ResponseWriter, r *http.Request) error {
	tok, err := s.ownToken(r)
	if err != nil {
		return err
	}
	lang := s.lang(r)
	t := func(k string, a ...any) string { return s.Cat.T(lang, k, a...) }
	used := "—"
	if !tok.LastUsedAt.IsZero() {
		used = fdatetime(tok.LastUsedAt)
	}
	d := &confirmData{Question: t("token.revoke_confirm"), Post: r.URL.Path, Button: t("token.revoke"), Back: "/account#tokens",
		Facts: []confirmFact{{t("token.name"), tok.Name}, {t("token.created"), fdatetime(tok.CreatedAt)}, {t("token.last_used"), used}}}
	return s.confirmPage(w, r, http.StatusOK, t("admin.token.revoke_title"), d, nil)
}

// ---------- persons: withdrawing a consent ----------

func (s *Server) personWithdrawForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cid, err := ctip.ParseID(r.URL.Query().Get("consent_id"))
	if err != nil {
		return ctip.ErrNotFound()
	}
	v, err := s.Persons.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if !v.CanWrite {
		return ctip.ErrForbidden()
	}
	i := slices.IndexFunc(v.Person.Consents, func(c person.Consent) bool { return c.ID == cid && c.WithdrawnOn.IsZero() })
	if i < 0 {
		return ctip.ErrNotFound()
	}
	c := v.Person.Consents[i]
	lang := s.lang(r)
	t := func(k string, a ...any) string { return s.Cat.T(lang, k, a...) }
	recipient := c.Recipient
	if recipient == "" {
		recipient = "—"
	}
	d := &confirmData{Question: t("confirm.withdraw.question"), Post: "/persons/" + id.String() + "/act/withdraw", Button: t("person.withdraw"),
		Back: "/persons/" + id.String(), Hidden: []confirmFact{{"consent_id", cid.String()}},
		Facts: []confirmFact{{t("confirm.person"), v.Label()}, {t("confirm.withdraw.purpose"), t("purpose." + c.Purpose)},
			{t("confirm.withdraw.recipient"), recipient}, {t("confirm.withdraw.given"), c.GivenOn.Format()}},
		Effects: []string{t("confirm.withdraw.effect", ctip.DateOf(s.Clock.Now()).Format()), t("confirm.withdraw.final")}}
	return s.confirmPage(w, r, http.StatusOK, t("confirm.withdraw.title"), d, nil)
}

// ---------- victims: closing a file ----------

func (s *Server) victimCloseForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v, err := s.Victims.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if !v.CanWrite {
		return ctip.ErrForbidden()
	}
	f := v.File
	today := ctip.DateOf(s.Clock.Now())
	var pr ctip.Problems
	reason := q.Get("close_reason")
	if !slices.Contains(victim.CloseReasons, reason) {
		pr.Add("close_reason", "error.choice")
	}
	on := today
	if x := q.Get("closed_on"); x != "" {
		if on, err = ctip.ParseDate(x); err != nil {
			pr.Add("closed_on", "error.date")
		} else if on.After(today) || on.Before(ctip.DateOf(f.ReceivedAt)) {
			pr.Add("closed_on", "error.date_range")
		}
	}
	if err := pr.Err(); err != nil {
		form := newForm(q)
		form.Values.Set("section", "close")
		s.pError(form, s.lang(r), err)
		return s.showVictim(w, r, id, http.StatusUnprocessableEntity, form)
	}
	lang := s.lang(r)
	t := func(k string, a ...any) string { return s.Cat.T(lang, k, a...) }
	version := q.Get("version")
	if version == "" {
		version = strconv.Itoa(f.Version)
	}
	d := &confirmData{Question: t("confirm.close.question"), Post: "/victims/" + id.String() + "/act/close", Button: t("victim.close_btn"),
		Back:   "/victims/" + id.String() + "#close",
		Hidden: []confirmFact{{"close_reason", reason}, {"closed_on", on.String()}, {"version", version}},
		Facts: []confirmFact{{t("person.pseudonym"), f.Pseudonym}, {t("pfield.status"), t("vstatus." + string(f.Status))},
			{t("pfield.close_reason"), t("closereason." + reason)}, {t("pfield.closed_on"), on.Format()}},
		Effects: []string{t("confirm.close.clock"), t("confirm.close.retention", s.Persons.RetainAfterClose(f.Status == victim.NotVictim, on).Format()),
			t("confirm.close.final")}}
	return s.confirmPage(w, r, http.StatusOK, t("confirm.close.title", f.Pseudonym), d, nil)
}

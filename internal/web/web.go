// Package web is the server-rendered HTML interface: a route table (pattern →
// handler → access), one file per page or group of actions, templates and
// static assets embedded and content-hashed. Handlers parse input, call one
// service method and render; rules live in the services.
package web

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctip"
	"ctip/internal/audit"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/geo"
	"ctip/internal/httpx"
	"ctip/internal/i18n"
	"ctip/internal/intake"
	"ctip/internal/notify"
	"ctip/internal/person"
	"ctip/internal/victim"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Cookie names.
const (
	SessionCookie = "ctip_session"
	LangCookie    = "ctip_lang"
	FlashCookie   = "ctip_flash"
)

// Server holds the web UI's dependencies.
type Server struct {
	Auth     *auth.Service
	Intake   *intake.Service
	Audit    *audit.Service
	Notify   *notify.Service
	Persons  *person.Service
	Victims  *victim.Service
	Cases    *casefile.Service
	Calendar *casefile.Calendars
	Places   *geo.Places
	Cat      *i18n.Catalog
	Log      *slog.Logger
	Clock    ctip.Clock
	Province string // the programme's province code (default place in forms)
	Demo     bool   // show the demo banner
	// Ready reports whether the database is reachable and migrated (/readyz).
	Ready func(ctx context.Context) error
	// Metrics serves /metrics.
	Metrics http.Handler

	tmpl   map[string]*template.Template
	assets map[string]string // logical name → hashed URL path
	static map[string][]byte // hashed URL path → content
}

// Init parses templates and fingerprints static assets.
func (s *Server) Init() error {
	s.assets, s.static = map[string]string{}, map[string][]byte{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		hashed := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		s.assets[name] = hashed
		s.static[hashed] = b
		return nil
	})
	if err != nil {
		return err
	}
	funcs := template.FuncMap{
		"asset": func(name string) string { return s.assets[name] },
		"fdate": func(d ctip.Date) string { return d.Format() },
		"ftime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(ctip.Vietnam).Format("02/01/2006 15:04")
		},
		"isoday":  func(d ctip.Date) string { return d.String() },
		"dateof":  func(t time.Time) ctip.Date { return ctip.DateOf(t) },
		"add":     func(a, b int) int { return a + b },
		"int64kb": func(n int64) int { return int((n + 1023) / 1024) },
		"sub":     func(a, b int) int { return a - b },
		"neg":     func(a int) int { return -a },
		"str":     func(v any) string { return fmt.Sprint(v) },
		"join":    strings.Join,
		"trunc": func(n int, s string) string {
			r := []rune(s)
			if len(r) <= n {
				return s
			}
			return string(r[:n]) + "…"
		},
		"contains": func(list []string, v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
		"seq": func(n int) []int {
			r := make([]int, n)
			for i := range r {
				r[i] = i + 1
			}
			return r
		},
		// dict passes several values to a template ("key", value, …).
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
	layout, err := templateFS.ReadFile("templates/layout.html")
	if err != nil {
		return err
	}
	partials, err := templateFS.ReadFile("templates/partials.html")
	if err != nil {
		return err
	}
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return err
	}
	s.tmpl = map[string]*template.Template{}
	for _, e := range entries {
		name := e.Name()
		if name == "layout.html" || name == "partials.html" {
			continue
		}
		b, err := templateFS.ReadFile("templates/" + name)
		if err != nil {
			return err
		}
		t := template.New("layout").Funcs(funcs)
		for _, src := range [][]byte{layout, partials, b} {
			if t, err = t.Parse(string(src)); err != nil {
				return fmt.Errorf("web: template %s: %w", name, err)
			}
		}
		s.tmpl[strings.TrimSuffix(name, ".html")] = t
	}
	return nil
}

// ---------- page view model ----------

// Page is the view model every template gets. Templates call .T for text.
type Page struct {
	Lang      string
	Title     string
	Actor     *ctip.Actor
	Stage     string
	Nav       []NavItem
	Path      string
	Query     url.Values
	Flash     string
	Demo      bool
	RequestID string
	Form      *Form
	Data      any
	Unread    int // unread notifications (the bell)
	s         *Server
}

// T translates a catalogue key.
func (p *Page) T(key string, args ...any) string { return p.s.Cat.T(p.Lang, key, args...) }

// Num formats a number in the page's language.
func (p *Page) Num(n int) string { return p.s.Cat.Number(p.Lang, n) }

// Can reports whether the actor holds a permission.
func (p *Page) Can(perm string) bool { return p.Actor.Can(ctip.Permission(perm)) }

// OtherLang is the language the switch offers.
func (p *Page) OtherLang() string {
	if p.Lang == "vi" {
		return "en"
	}
	return "vi"
}

// Place names a place in the page's language.
func (p *Page) Place(commune, province, country string) string {
	return p.s.Places.PlaceName(commune, province, country, p.Lang)
}

// NavItem is a navigation link.
type NavItem struct {
	Href   string
	Label  string
	Active bool
}

// nav builds the navigation the actor's permissions allow.
func (s *Server) nav(a *ctip.Actor, lang, current string) []NavItem {
	if a == nil {
		return nil
	}
	type item struct {
		href, key string
		ok        bool
	}
	items := []item{
		{"/", "nav.home", true},
		{"/intake", "nav.intake", a.Can(ctip.PermIntakeRead)},
		{"/intake/quick", "nav.quick", a.Can(ctip.PermIntakeCreate)},
		{"/oversight", "nav.oversight", a.Can(ctip.PermIntakeOversight)},
		{"/cases/board", "nav.cases", a.Can(ctip.PermCaseRead)},
		{"/campaigns", "nav.campaigns", a.Can(ctip.PermCampaigns) || a.Can(ctip.PermStatsRead)},
		{"/persons", "nav.persons", a.Can(ctip.PermPersonRead)},
		{"/victims", "nav.victims", a.Can(ctip.PermVictimRead)},
		{"/audit", "nav.audit", a.Can(ctip.PermAuditRead)},
		{"/admin/units", "nav.units", a.Can(ctip.PermAdminUnits)},
		{"/admin/users", "nav.users", a.Can(ctip.PermAdminUsers)},
		{"/admin/sessions", "nav.sessions", a.Can(ctip.PermAdminUsers)},
		{"/admin/calendar", "nav.calendar", a.Can(ctip.PermAdminSettings)},
		{"/admin/persons", "nav.person_settings", a.Can(ctip.PermAdminSettings)},
	}
	var out []NavItem
	for _, it := range items {
		if !it.ok {
			continue
		}
		active := current == it.href || (it.href != "/" && strings.HasPrefix(current, it.href+"/") && !(it.href == "/intake" && strings.HasPrefix(current, "/intake/quick"))) ||
			(it.href == "/admin/sessions" && strings.HasPrefix(current, "/admin/tokens"))
		out = append(out, NavItem{Href: it.href, Label: s.Cat.T(lang, it.key), Active: active})
	}
	return out
}

// ---------- forms ----------

// Form carries submitted values and their errors back to the template.
type Form struct {
	Values  url.Values
	Errors  map[string]string
	Summary []FieldMsg
	General string
	// Labels names a field's catalogue key where the page labels it other
	// than "pfield.<name>" (pError), so the error summary names the field as
	// its label does.
	Labels map[string]string
}

// FieldMsg is one line of the error summary.
type FieldMsg struct {
	Field   string
	Message string
}

// Get returns a submitted value.
func (f *Form) Get(k string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return f.Values.Get(k)
}

// Has reports whether a multi-value field contains v.
func (f *Form) Has(k, v string) bool {
	if f == nil || f.Values == nil {
		return false
	}
	for _, x := range f.Values[k] {
		if x == v {
			return true
		}
	}
	return false
}

// Err returns the error message of a field.
func (f *Form) Err(k string) string {
	if f == nil {
		return ""
	}
	return f.Errors[k]
}

// newForm returns a form holding values.
func newForm(v url.Values) *Form { return &Form{Values: v, Errors: map[string]string{}} }

// setError fills the form's errors from a service error. It reports false
// when err is not an input error (the caller renders it as a page error).
func (s *Server) setError(f *Form, lang string, err error) bool {
	var ce *ctip.Error
	if !errors.As(err, &ce) {
		return false
	}
	switch ce.Kind {
	case ctip.Invalid:
		for _, fe := range ce.Fields {
			msg := s.Cat.T(lang, fe.Key, fe.Args...)
			if _, dup := f.Errors[fe.Field]; !dup {
				f.Errors[fe.Field] = msg
				label := s.Cat.T(lang, "field."+fe.Field)
				f.Summary = append(f.Summary, FieldMsg{Field: fe.Field, Message: label + ": " + msg})
			}
		}
		if len(ce.Fields) == 0 {
			f.General = s.Cat.T(lang, ce.Key, ce.Args...)
		}
		return true
	case ctip.Conflict, ctip.TooMany, ctip.Unauthenticated:
		f.General = s.Cat.T(lang, ce.Key, ce.Args...)
		return true
	}
	return false
}

// ---------- request helpers ----------

type reqKey int

const authKey reqKey = 0

// authOf returns the resolved session of a request (nil when anonymous).
func authOf(r *http.Request) *auth.Authenticated {
	a, _ := r.Context().Value(authKey).(*auth.Authenticated)
	return a
}

// lang is the page language: Vietnamese unless the user switched (the
// switch sets a cookie). The browser's Accept-Language is not followed: the
// system's working language is Vietnamese.
func (s *Server) lang(r *http.Request) string {
	if c, err := r.Cookie(LangCookie); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	return i18n.Langs[0]
}

func (s *Server) page(r *http.Request, titleKey string, data any) *Page {
	lang := s.lang(r)
	p := &Page{Lang: lang, Path: r.URL.Path, Query: r.URL.Query(), Demo: s.Demo, RequestID: ctip.RequestIDFrom(r.Context()), Data: data, s: s}
	if au := authOf(r); au != nil {
		p.Actor = au.Actor
		p.Stage = au.Session.Stage
		if p.Stage == auth.StageFull {
			p.Nav = s.nav(au.Actor, lang, r.URL.Path)
			if s.Notify != nil {
				p.Unread, _ = s.Notify.Unread(r.Context())
			}
		}
	}
	if titleKey != "" {
		p.Title = s.Cat.T(lang, titleKey)
	}
	return p
}

// render writes a page with a status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) error {
	t, ok := s.tmpl[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	if c, err := r.Cookie(FlashCookie); err == nil {
		if msg, err := url.QueryUnescape(c.Value); err == nil && strings.HasPrefix(msg, "flash.") {
			p.Flash = s.Cat.T(p.Lang, msg)
		}
		http.SetCookie(w, &http.Cookie{Name: FlashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	_, err := w.Write([]byte(buf.String()))
	return err
}

// redirect sends the browser to a page after a successful POST, with an
// optional flash message key.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) error {
	if flashKey != "" {
		http.SetCookie(w, &http.Cookie{Name: FlashCookie, Value: url.QueryEscape(flashKey), Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: httpx.ClientFrom(r.Context()).HTTPS})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// safeNext keeps redirects on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, token string) {
	c := &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: httpx.ClientFrom(r.Context()).HTTPS}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

func client(r *http.Request) auth.Client {
	c := httpx.ClientFrom(r.Context())
	return auth.Client{IP: c.IP, UserAgent: c.UserAgent, RequestID: ctip.RequestIDFrom(r.Context())}
}

// stageHome is where a session in a stage must go next.
func stageHome(stage string) string {
	switch stage {
	case auth.StageMFA:
		return "/login/totp"
	case auth.StagePassword:
		return "/account/password"
	case auth.StageEnrol:
		return "/account/totp"
	}
	return "/"
}

// ---------- the adapter ----------

// Register adds the route table to a mux.
func (s *Server) Register(mux *http.ServeMux) {
	for _, rt := range s.Routes() {
		mux.Handle(rt.Method+" "+rt.Pattern, s.adapt(rt))
	}
	mux.Handle("GET /static/", http.HandlerFunc(s.serveStatic))
}

func (s *Server) adapt(rt httpx.Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.LimitBody(w, r, rt.MaxBody)
		ctx := ctip.WithLocale(r.Context(), s.lang(r))
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			au, err := s.Auth.Authenticate(ctx, c.Value)
			if err == nil {
				c := httpx.ClientFrom(ctx)
				au.Actor.IP, au.Actor.RequestID = c.IP, ctip.RequestIDFrom(ctx)
				ctx = context.WithValue(ctx, authKey, au)
				if au.Session.Stage == auth.StageFull {
					ctx = ctip.WithActor(ctx, au.Actor)
				}
			} else if !ctip.IsKind(err, ctip.Unauthenticated) {
				s.fail(w, r.WithContext(ctx), err)
				return
			}
		}
		r = r.WithContext(ctx)
		au := authOf(r)
		switch rt.Access {
		case httpx.Staged:
			if au == nil {
				s.toLogin(w, r)
				return
			}
		case httpx.Signed, httpx.Permitted:
			if au == nil {
				s.toLogin(w, r)
				return
			}
			if au.Session.Stage != auth.StageFull {
				http.Redirect(w, r, stageHome(au.Session.Stage), http.StatusSeeOther)
				return
			}
			if rt.Access == httpx.Permitted && !au.Actor.Can(rt.Perm) {
				s.fail(w, r, ctip.ErrForbidden())
				return
			}
		}
		if err := rt.Handler(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		s.fail(w, r, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated"))
		return
	}
	s.setSession(w, r, "")
	http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// CrossOriginDenied renders the error page for a request refused by the
// cross-origin protection (a form posted from another site).
func (s *Server) CrossOriginDenied(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, ctip.Errorf(ctip.Forbidden, "error.cross_origin"))
}

// fail renders an error page: the message in the user's language, never the cause.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if mergedRedirect(w, r, err) {
		return
	}
	status := httpx.StatusOf(err)
	key := "error.internal"
	var args []any
	var ce *ctip.Error
	if errors.As(err, &ce) && ce.Kind != ctip.Internal {
		key, args = ce.Key, ce.Args
	} else if status == http.StatusRequestEntityTooLarge {
		key = "error.too_large"
	}
	if status >= 500 {
		httpx.Logger(r.Context()).Error("request failed", "err", err)
	}
	p := s.page(r, "error.title", nil)
	p.Data = map[string]any{"Status": status, "Message": s.Cat.T(p.Lang, key, args...)}
	if rerr := s.render(w, r, status, "error", p); rerr != nil {
		http.Error(w, http.StatusText(status), status)
	}
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	b, ok := s.static[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(r.URL.Path) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}

// ---------- parsing helpers ----------

func pathID(r *http.Request, name string) (ctip.ID, error) {
	id, err := ctip.ParseID(r.PathValue(name))
	if err != nil {
		return ctip.NilID, ctip.ErrNotFound()
	}
	return id, nil
}

func formInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.FormValue(name)))
	return n
}

func formDate(r *http.Request, name string, p *ctip.Problems) ctip.Date {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return ctip.Date{}
	}
	d, err := ctip.ParseDate(v)
	if err != nil {
		p.Add(name, "error.date")
	}
	return d
}

func formID(r *http.Request, name string, p *ctip.Problems) ctip.NullID {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return ctip.NullID{}
	}
	id, err := ctip.ParseID(v)
	if err != nil {
		p.Add(name, "error.choice")
		return ctip.NullID{}
	}
	return ctip.Some(id)
}

func pageReq(q url.Values) ctip.PageRequest {
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	size, _ := strconv.Atoi(q.Get("size"))
	if size <= 0 || size > 100 {
		size = ctip.DefaultPageSize
	}
	return ctip.PageRequest{Limit: size, Offset: (page - 1) * size, Sort: q.Get("sort"), Desc: q.Get("dir") == "desc"}
}

// Pager is the pagination of a list page.
type Pager struct {
	Total, From, To, Page, Pages int
	Prev, Next                   string
	Capped                       bool // Total is a lower bound (see ctip.Page.Capped)
}

func pager(q url.Values, pr ctip.PageRequest, total int, base string) Pager {
	pg := Pager{Total: total, Page: pr.Offset/pr.Limit + 1}
	pg.Pages = (total + pr.Limit - 1) / pr.Limit
	if total > 0 {
		pg.From = pr.Offset + 1
		pg.To = min(pr.Offset+pr.Limit, total)
	}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return base + "?" + v.Encode()
	}
	if pg.Page > 1 {
		pg.Prev = link(pg.Page - 1)
	}
	if pg.Page < pg.Pages {
		pg.Next = link(pg.Page + 1)
	}
	return pg
}

// checkSort checks a list page's order: sort one of the list's columns, dir
// asc or desc (anything else is refused with the field named, not ignored).
func checkSort(q url.Values, p *ctip.Problems, cols ...string) {
	if v := q.Get("sort"); v != "" && !slices.Contains(cols, v) {
		p.Add("sort", "error.choice")
	}
	if v := q.Get("dir"); v != "" && v != "asc" && v != "desc" {
		p.Add("dir", "error.choice")
	}
}

// sortLink returns the URL that sorts a list by a column (toggling direction).
func sortLink(base string, q url.Values, col string) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	dir := "asc"
	if q.Get("sort") == col && q.Get("dir") != "desc" {
		dir = "desc"
	}
	v.Set("sort", col)
	v.Set("dir", dir)
	v.Del("page")
	return base + "?" + v.Encode()
}

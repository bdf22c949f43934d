package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/httpx"
	"ctip/internal/intake"
)

// adminRoutes are the administration pages (units, users, sessions, tokens)
// and the audit trail. Destructive actions have a confirmation page (GET)
// and act only on a POST carrying confirm=yes, so that they work without
// JavaScript and an empty or replayed form destroys nothing.
func (s *Server) adminRoutes() []httpx.Route {
	perm := func(m, p string, perm ctip.Permission, h httpx.Handler) httpx.Route {
		return httpx.Route{Method: m, Pattern: p, Access: httpx.Permitted, Perm: perm, Handler: h}
	}
	units, users := ctip.PermAdminUnits, ctip.PermAdminUsers
	routes := []httpx.Route{
		perm("GET", "/admin/units", units, s.unitList),
		perm("GET", "/admin/units/new", units, s.unitNewForm),
		perm("POST", "/admin/units/new", units, s.unitCreate),
		perm("GET", "/admin/units/{id}", units, s.unitEditForm),
		perm("POST", "/admin/units/{id}", units, s.unitUpdate),
		perm("GET", "/admin/units/{id}/deactivate", units, s.unitStateForm(false)),
		perm("POST", "/admin/units/{id}/deactivate", units, s.unitSetState(false)),
		perm("GET", "/admin/units/{id}/activate", units, s.unitStateForm(true)),
		perm("POST", "/admin/units/{id}/activate", units, s.unitSetState(true)),

		perm("GET", "/admin/users", users, s.userList),
		perm("GET", "/admin/users/new", users, s.userNewForm),
		perm("POST", "/admin/users/new", users, s.userCreate),
		perm("GET", "/admin/users/{id}", users, s.userShow),
		perm("POST", "/admin/users/{id}", users, s.userUpdate),
		perm("POST", "/admin/users/{id}/tokens", users, s.userTokenCreate),
	}
	for _, act := range userActions {
		routes = append(routes,
			perm("GET", "/admin/users/{id}/"+act.Name, users, s.userActionForm(act)),
			perm("POST", "/admin/users/{id}/"+act.Name, users, s.userAction(act)))
	}
	routes = append(routes,
		perm("GET", "/admin/sessions", users, s.sessionList),
		perm("GET", "/admin/sessions/{id}/revoke", users, s.sessionRevokeForm),
		perm("POST", "/admin/sessions/{id}/revoke", users, s.sessionRevoke),
		perm("GET", "/admin/tokens", users, s.tokenList),
		perm("GET", "/admin/tokens/{id}/revoke", users, s.tokenRevokeForm),
		perm("POST", "/admin/tokens/{id}/revoke", users, s.tokenRevoke),
	)
	return append(routes, s.auditRoutes()...)
}

// ---------- shared helpers ----------

// setFormError is setError with this page's own field labels in the error
// summary (the generic field.* labels name intake fields: "kind" there is
// the kind of crime information, not of a unit).
func (s *Server) setFormError(f *Form, lang string, err error, labels map[string]string) bool {
	if !s.setError(f, lang, err) {
		return false
	}
	for i, m := range f.Summary {
		if k, ok := labels[m.Field]; ok {
			f.Summary[i].Message = s.Cat.T(lang, k) + ": " + f.Errors[m.Field]
		}
	}
	return true
}

// confirmed reports whether a destructive POST carries the explicit
// confirmation of its confirmation page.
func confirmed(r *http.Request) bool { return r.PostFormValue("confirm") == "yes" }

// Decisions that cannot be undone in the system: their forms already show
// the decision before it is recorded, and the server requires the "I
// confirm" box ticked (the browser's dialog is only a convenience).
var (
	caseConfirm   = map[string]bool{"terminate": true, "accused_terminate": true, "judge": true, "finalize": true}
	intakeConfirm = map[intake.Action]bool{intake.ActNotProsecute: true, intake.ActSuspend: true}
)

// requireConfirm asks for the confirmation box of an irreversible decision.
func requireConfirm(r *http.Request, p *ctip.Problems) {
	if !confirmed(r) {
		p.Add("confirm_decision", "confirm.required")
	}
}

// adminBack keeps a "back to" address on the administration pages.
func adminBack(v, def string) string {
	if strings.HasPrefix(v, "/admin/") && !strings.Contains(v, "//") && !strings.Contains(v, "\\") {
		return v
	}
	return def
}

func itoa(n int) string { return strconv.Itoa(n) }

// smallPage is pageReq with at most max rows, so that a page of a wide list
// stays well under 100 KB of HTML on a phone.
func smallPage(q url.Values, max int) ctip.PageRequest {
	pr := pageReq(q)
	if pr.Limit > max {
		pr.Offset = pr.Offset / pr.Limit * max
		pr.Limit = max
	}
	return pr
}

// unitOption is one entry of a unit select: the name indented by depth.
type unitOption struct {
	ID     string
	Label  string
	Active bool
}

func unitOptions(all []*auth.Unit, keep func(*auth.Unit) bool) []unitOption {
	var out []unitOption
	for _, u := range all {
		if keep != nil && !keep(u) {
			continue
		}
		out = append(out, unitOption{ID: u.ID.String(), Label: strings.Repeat("\u00a0\u00a0\u00a0", u.Depth) + u.Name + " (" + u.Code + ")", Active: u.Active})
	}
	return out
}

// ---------- units ----------

var unitLabels = map[string]string{"code": "admin.unit.code", "name": "admin.unit.name", "kind": "admin.unit.kind",
	"parent": "admin.unit.parent", "commune_code": "admin.unit.commune"}

type unitRow struct {
	U       *auth.Unit
	Indent  int // depth, capped at the deepest indentation the stylesheet has
	Commune string
}

func (s *Server) communeName(code string) string {
	if code == "" || s.Places == nil {
		return code
	}
	if c, ok := s.Places.Commune(code); ok {
		return c.FullName
	}
	return code
}

func (s *Server) unitList(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Auth.Units(r.Context())
	if err != nil {
		return err
	}
	rows := make([]unitRow, 0, len(all))
	for _, u := range all {
		rows = append(rows, unitRow{U: u, Indent: min(u.Depth, 4), Commune: s.communeName(u.CommuneCode)})
	}
	p := s.page(r, "admin.units.title", map[string]any{"Rows": rows})
	return s.render(w, r, http.StatusOK, "admin_units", p)
}

type unitFormData struct {
	Unit     *auth.Unit // nil when creating
	Parents  []unitOption
	Kinds    []string
	Communes []communeOption
}

type communeOption struct{ Code, Name string }

func (s *Server) unitForm(w http.ResponseWriter, r *http.Request, status int, f *Form, u *auth.Unit) error {
	all, err := s.Auth.Units(r.Context())
	if err != nil {
		return err
	}
	parent := f.Get("parent")
	data := &unitFormData{Unit: u, Kinds: ctip.UnitKinds}
	// A unit cannot move under itself or its own subtree; inactive units
	// cannot take new children (the service says so again).
	data.Parents = unitOptions(all, func(c *auth.Unit) bool {
		if u != nil && strings.HasPrefix(c.Path, u.Path) {
			return false
		}
		return c.Active || c.ID.String() == parent
	})
	if s.Places != nil {
		seen := false
		for _, c := range s.Places.CommunesOf(s.Province) {
			data.Communes = append(data.Communes, communeOption{Code: c.Code, Name: c.FullName})
			seen = seen || c.Code == f.Get("commune_code")
		}
		if cc := f.Get("commune_code"); cc != "" && !seen {
			data.Communes = append([]communeOption{{Code: cc, Name: s.communeName(cc)}}, data.Communes...)
		}
	}
	p := s.page(r, "admin.unit.new_title", data)
	if u != nil {
		p.Title = s.Cat.T(p.Lang, "admin.unit.edit_title", u.Name)
	}
	p.Form = f
	return s.render(w, r, status, "admin_unit_form", p)
}

func unitInput(r *http.Request, p *ctip.Problems) auth.UnitInput {
	return auth.UnitInput{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"),
		ParentID: formID(r, "parent", p), CommuneCode: r.PostFormValue("commune_code")}
}

func (s *Server) unitNewForm(w http.ResponseWriter, r *http.Request) error {
	v := url.Values{"kind": {ctip.UnitPolice}}
	if pid := r.URL.Query().Get("parent"); pid != "" {
		if _, err := ctip.ParseID(pid); err == nil {
			v.Set("parent", pid)
		}
	}
	return s.unitForm(w, r, http.StatusOK, newForm(v), nil)
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := unitInput(r, &pr)
	var err error
	if len(pr) == 0 {
		var u *auth.Unit
		if u, err = s.Auth.CreateUnit(r.Context(), in); err == nil {
			return s.redirect(w, r, "/admin/units#u-"+u.ID.String(), "flash.unit_created")
		}
	} else {
		err = pr.Err()
	}
	f := newForm(r.PostForm)
	if !s.setFormError(f, s.lang(r), err, unitLabels) {
		return err
	}
	return s.unitForm(w, r, httpStatusFor(err), f, nil)
}

func unitValues(u *auth.Unit) url.Values {
	v := url.Values{"code": {u.Code}, "name": {u.Name}, "kind": {u.Kind}, "commune_code": {u.CommuneCode}, "version": {itoa(u.Version)}}
	if u.ParentID.Valid {
		v.Set("parent", u.ParentID.ID.String())
	}
	return v
}

func (s *Server) unitEditForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Auth.Unit(r.Context(), id)
	if err != nil {
		return err
	}
	return s.unitForm(w, r, http.StatusOK, newForm(unitValues(u)), u)
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := unitInput(r, &pr)
	if len(pr) == 0 {
		if _, err = s.Auth.UpdateUnit(r.Context(), id, formInt(r, "version"), in); err == nil {
			return s.redirect(w, r, "/admin/units#u-"+id.String(), "flash.saved")
		}
	} else {
		err = pr.Err()
	}
	u, gerr := s.Auth.Unit(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	f := newForm(r.PostForm)
	if !s.setFormError(f, s.lang(r), err, unitLabels) {
		return err
	}
	if ctip.IsKind(err, ctip.Conflict) {
		// Stale: the input stays; the current version makes a resubmit deliberate.
		f.Values.Set("version", itoa(u.Version))
	}
	return s.unitForm(w, r, httpStatusFor(err), f, u)
}

func (s *Server) unitStatePage(w http.ResponseWriter, r *http.Request, status int, u *auth.Unit, active bool, f *Form) error {
	key := "admin.unit.deactivate_title"
	if active {
		key = "admin.unit.activate_title"
	}
	p := s.page(r, key, map[string]any{"Unit": u, "Activate": active})
	if f == nil {
		f = newForm(url.Values{"version": {itoa(u.Version)}})
	}
	p.Form = f
	return s.render(w, r, status, "admin_unit_state", p)
}

func (s *Server) unitStateForm(active bool) httpx.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		u, err := s.Auth.Unit(r.Context(), id)
		if err != nil {
			return err
		}
		return s.unitStatePage(w, r, http.StatusOK, u, active, nil)
	}
}

func (s *Server) unitSetState(active bool) httpx.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return ctip.Errorf(ctip.Invalid, "error.bad_form")
		}
		if !confirmed(r) {
			return s.redirect(w, r, r.URL.Path, "")
		}
		_, err = s.Auth.SetUnitActive(r.Context(), id, formInt(r, "version"), active)
		if err == nil {
			flash := "flash.unit_deactivated"
			if active {
				flash = "flash.unit_activated"
			}
			return s.redirect(w, r, "/admin/units#u-"+id.String(), flash)
		}
		u, gerr := s.Auth.Unit(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		f := newForm(url.Values{"version": {itoa(u.Version)}})
		if !s.setError(f, s.lang(r), err) {
			return err
		}
		return s.unitStatePage(w, r, httpStatusFor(err), u, active, f)
	}
}

// ---------- users: list ----------

type userListData struct {
	Items  []*auth.User
	Pager  Pager
	Sort   map[string]string
	Mark   map[string]string // the arrow on the sorted column
	Units  []unitOption
	Roles  []string
	Filter url.Values
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := s.page(r, "admin.users.title", nil)
	p.Form = newForm(q)
	all, err := s.Auth.Units(r.Context())
	if err != nil {
		return err
	}
	data := &userListData{Units: unitOptions(all, nil), Roles: auth.Roles, Filter: q, Sort: map[string]string{}, Mark: map[string]string{}}
	for _, col := range []string{"username", "unit", "last_login", "created"} {
		data.Sort[col] = sortLink("/admin/users", q, col)
	}
	if col := q.Get("sort"); col != "" {
		data.Mark[col] = " ▲"
		if q.Get("dir") == "desc" {
			data.Mark[col] = " ▼"
		}
	}
	p.Data = data
	var pr ctip.Problems
	f := auth.UserFilter{Query: strings.TrimSpace(q.Get("q")), Role: q.Get("role")}
	if v := q.Get("unit"); v != "" {
		if id, err := ctip.ParseID(v); err == nil {
			f.UnitID = ctip.Some(id)
		} else {
			pr.Add("unit", "error.choice")
		}
	}
	if f.Role != "" && !auth.ValidRole(f.Role) {
		pr.Add("role", "error.choice")
	}
	switch q.Get("state") {
	case "":
	case "active":
		f.Disabled = new(bool)
	case "disabled":
		f.Disabled = new(bool)
		*f.Disabled = true
	default:
		pr.Add("state", "error.choice")
	}
	if err := pr.Err(); err != nil {
		s.setFormError(p.Form, p.Lang, err, map[string]string{"unit": "admin.user.unit", "role": "field.roles", "state": "admin.users.state"})
		return s.render(w, r, http.StatusUnprocessableEntity, "admin_users", p)
	}
	preq := smallPage(q, 50)
	page, err := s.Auth.Users(r.Context(), f, preq)
	if err != nil {
		return err
	}
	data.Items = page.Items
	data.Pager = pager(q, preq, page.Total, "/admin/users")
	return s.render(w, r, http.StatusOK, "admin_users", p)
}

// ---------- users: create ----------

var userLabels = map[string]string{"username": "field.username", "display_name": "field.display_name", "unit": "admin.user.unit",
	"roles": "field.roles", "password": "field.password"}

func (s *Server) userForm(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	all, err := s.Auth.Units(r.Context())
	if err != nil {
		return err
	}
	unit := f.Get("unit")
	p := s.page(r, "admin.user.new_title", map[string]any{
		"Units": unitOptions(all, func(u *auth.Unit) bool { return u.Active || u.ID.String() == unit }), "Roles": auth.Roles})
	p.Form = f
	return s.render(w, r, status, "admin_user_new", p)
}

func (s *Server) userNewForm(w http.ResponseWriter, r *http.Request) error {
	v := url.Values{}
	if id := r.URL.Query().Get("unit"); id != "" {
		if _, err := ctip.ParseID(id); err == nil {
			v.Set("unit", id)
		}
	}
	return s.userForm(w, r, http.StatusOK, newForm(v))
}

func userInput(r *http.Request, p *ctip.Problems) auth.UserInput {
	in := auth.UserInput{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"), Roles: r.PostForm["roles"]}
	in.UnitID = formID(r, "unit", p)
	return in
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := userInput(r, &pr)
	if len(pr) == 0 {
		u, oneTime, err := s.Auth.CreateUser(r.Context(), in)
		if err == nil {
			// The one-time password is shown on this response only; it is
			// never stored in clear and no later page shows it.
			p := s.page(r, "admin.user.created_title", map[string]any{"User": u, "Password": oneTime, "Created": true})
			return s.render(w, r, http.StatusOK, "admin_user_secret", p)
		}
		f := newForm(r.PostForm)
		if !s.setFormError(f, s.lang(r), err, userLabels) {
			return err
		}
		return s.userForm(w, r, httpStatusFor(err), f)
	}
	f := newForm(r.PostForm)
	s.setFormError(f, s.lang(r), pr.Err(), userLabels)
	return s.userForm(w, r, http.StatusUnprocessableEntity, f)
}

// ---------- users: the user page ----------

type userPageData struct {
	User      *auth.User
	Units     []unitOption
	Roles     []string
	Sessions  []*auth.Session
	Tokens    []*auth.Token
	Edit      *Form
	TokenForm *Form
	NewToken  string
	Current   ctip.ID
	ByRole    bool // the roles make a second factor mandatory
}

func userValues(u *auth.User) url.Values {
	return url.Values{"display_name": {u.DisplayName}, "unit": {u.UnitID.String()}, "roles": u.Roles, "version": {itoa(u.Version)}}
}

// userPage renders the user page. edit and token hold the two forms' input
// and errors (nil: fresh from the stored user).
func (s *Server) userPage(w http.ResponseWriter, r *http.Request, status int, u *auth.User, edit, token *Form, newToken string) error {
	ctx := r.Context()
	all, err := s.Auth.Units(ctx)
	if err != nil {
		return err
	}
	sessions, err := s.Auth.Sessions(ctx, ctip.Some(u.ID), ctip.PageRequest{Limit: 50})
	if err != nil {
		return err
	}
	tokens, err := s.Auth.Tokens(ctx, ctip.Some(u.ID), ctip.PageRequest{Limit: 50})
	if err != nil {
		return err
	}
	if edit == nil {
		edit = newForm(userValues(u))
	}
	if token == nil {
		token = newForm(nil)
	}
	unit := edit.Get("unit")
	data := &userPageData{User: u, Roles: auth.Roles, Sessions: sessions.Items, Tokens: tokens.Items, Edit: edit, TokenForm: token,
		NewToken: newToken, Current: authOf(r).Session.ID, ByRole: auth.NeedsTOTP(u.Roles),
		Units: unitOptions(all, func(x *auth.Unit) bool { return x.Active || x.ID.String() == unit || x.ID == u.UnitID })}
	p := s.page(r, "", data)
	p.Title = s.Cat.T(p.Lang, "admin.user.title", u.Username)
	p.Form = edit
	if len(token.Summary) > 0 || token.General != "" {
		p.Form = token
	}
	return s.render(w, r, status, "admin_user", p)
}

func (s *Server) userShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Auth.User(r.Context(), id)
	if err != nil {
		return err
	}
	return s.userPage(w, r, http.StatusOK, u, nil, nil, "")
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := userInput(r, &pr)
	if len(pr) == 0 {
		if _, err = s.Auth.UpdateUser(r.Context(), id, formInt(r, "version"), in); err == nil {
			return s.redirect(w, r, "/admin/users/"+id.String(), "flash.saved")
		}
	} else {
		err = pr.Err()
	}
	u, gerr := s.Auth.User(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	f := newForm(r.PostForm)
	if !s.setFormError(f, s.lang(r), err, userLabels) {
		return err
	}
	if ctip.IsKind(err, ctip.Conflict) {
		f.Values.Set("version", itoa(u.Version))
	}
	return s.userPage(w, r, httpStatusFor(err), u, f, nil, "")
}

func (s *Server) userTokenCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	_, secret, err := s.Auth.CreateToken(r.Context(), id, r.PostFormValue("name"))
	u, gerr := s.Auth.User(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	if err != nil {
		f := newForm(url.Values{"name": {r.PostFormValue("name")}})
		if !s.setFormError(f, s.lang(r), err, map[string]string{"name": "token.name"}) {
			return err
		}
		return s.userPage(w, r, httpStatusFor(err), u, nil, f, "")
	}
	// The secret is shown once, on this response only (never stored).
	return s.userPage(w, r, http.StatusOK, u, nil, nil, secret)
}

// ---------- users: confirmed actions ----------

// userAct is one confirmed action on an account.
type userAct struct {
	Name   string // path segment
	Key    string // catalogue stem: admin.act.<Key>, admin.act.<Key>.help
	Danger bool
	// do calls the service; it returns a one-time password to show, or the
	// flash key of the redirect back to the user page.
	do func(s *Server, r *http.Request, id ctip.ID, version int) (oneTime, flash string, err error)
}

var userActions = []userAct{
	{Name: "disable", Key: "disable", Danger: true, do: func(s *Server, r *http.Request, id ctip.ID, v int) (string, string, error) {
		_, err := s.Auth.SetUserDisabled(r.Context(), id, v, true)
		return "", "flash.user_disabled", err
	}},
	{Name: "enable", Key: "enable", do: func(s *Server, r *http.Request, id ctip.ID, v int) (string, string, error) {
		_, err := s.Auth.SetUserDisabled(r.Context(), id, v, false)
		return "", "flash.user_enabled", err
	}},
	{Name: "reset-password", Key: "reset_password", Danger: true, do: func(s *Server, r *http.Request, id ctip.ID, v int) (string, string, error) {
		pw, err := s.Auth.ResetPassword(r.Context(), id, "", true)
		return pw, "", err
	}},
	{Name: "totp-on", Key: "totp_on", do: func(s *Server, r *http.Request, id ctip.ID, v int) (string, string, error) {
		_, err := s.Auth.SetTOTPRequired(r.Context(), id, v, true, false)
		return "", "flash.totp_required_on", err
	}},
	{Name: "totp-off", Key: "totp_off", do: func(s *Server, r *http.Request, id ctip.ID, v int) (string, string, error) {
		_, err := s.Auth.SetTOTPRequired(r.Context(), id, v, false, false)
		return "", "flash.totp_required_off", err
	}},
	{Name: "totp-reset", Key: "totp_reset", Danger: true, do: func(s *Server, r *http.Request, id ctip.ID, v int) (string, string, error) {
		// The requirement stays as the confirmation page showed it (the
		// version check makes sure nothing changed in between).
		_, err := s.Auth.SetTOTPRequired(r.Context(), id, v, r.PostFormValue("required") == "1", true)
		return "", "flash.totp_reset", err
	}},
}

func (s *Server) userActionPage(w http.ResponseWriter, r *http.Request, status int, act userAct, u *auth.User, f *Form) error {
	p := s.page(r, "admin.act."+act.Key, map[string]any{"User": u, "Act": act})
	if f == nil {
		required := ""
		if u.TOTPRequired {
			required = "1"
		}
		f = newForm(url.Values{"version": {itoa(u.Version)}, "required": {required}})
	}
	p.Form = f
	return s.render(w, r, status, "admin_user_confirm", p)
}

func (s *Server) userActionForm(act userAct) httpx.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		u, err := s.Auth.User(r.Context(), id)
		if err != nil {
			return err
		}
		return s.userActionPage(w, r, http.StatusOK, act, u, nil)
	}
}

func (s *Server) userAction(act userAct) httpx.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return ctip.Errorf(ctip.Invalid, "error.bad_form")
		}
		if !confirmed(r) {
			return s.redirect(w, r, r.URL.Path, "")
		}
		oneTime, flash, err := act.do(s, r, id, formInt(r, "version"))
		if err == nil && oneTime != "" {
			u, err := s.Auth.User(r.Context(), id)
			if err != nil {
				return err
			}
			p := s.page(r, "", map[string]any{"User": u, "Password": oneTime})
			p.Title = s.Cat.T(p.Lang, "admin.user.reset_title", u.Username)
			return s.render(w, r, http.StatusOK, "admin_user_secret", p)
		}
		if err == nil {
			return s.redirect(w, r, "/admin/users/"+id.String(), flash)
		}
		u, gerr := s.Auth.User(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		f := newForm(url.Values{"version": {itoa(u.Version)}, "required": {r.PostFormValue("required")}})
		if !s.setError(f, s.lang(r), err) {
			return err
		}
		if ctip.IsKind(err, ctip.Conflict) && u.TOTPRequired {
			f.Values.Set("required", "1") // ask again on the current state of the account
		} else if ctip.IsKind(err, ctip.Conflict) {
			f.Values.Set("required", "")
		}
		return s.userActionPage(w, r, httpStatusFor(err), act, u, f)
	}
}

// ---------- sessions and tokens ----------

type sessionRow struct {
	S    *auth.Session
	User *auth.User // nil when it could not be read
}

// accessFilter reads the filters of the session and token lists: user name,
// unit, state; the order is checked by the service.
func accessFilter(q url.Values, p *ctip.Problems) auth.AccessFilter {
	f := auth.AccessFilter{Username: strings.TrimSpace(q.Get("user")), State: q.Get("state")}
	if v := q.Get("unit"); v != "" {
		if id, err := ctip.ParseID(v); err == nil {
			f.UnitID = ctip.Some(id)
		} else {
			p.Add("unit", "error.choice")
		}
	}
	checkSort(q, p, auth.SortLastUsed, auth.SortCreated)
	return f
}

var accessLabels = map[string]string{"user": "admin.access.user", "unit": "admin.access.unit", "state": "admin.access.state", "sort": "field.sort", "dir": "field.dir"}

// accessListPage fills what the session and token lists share: the filter
// form, the sort links, the units.
func (s *Server) accessListPage(r *http.Request, title, base string) (*Page, map[string]any, auth.AccessFilter, ctip.PageRequest, error) {
	q := r.URL.Query()
	p := s.page(r, title, nil)
	p.Form = newForm(q)
	data := map[string]any{"Back": r.URL.RequestURI(), "Base": base, "Pager": Pager{},
		"Sort": map[string]string{auth.SortLastUsed: sortLink(base, q, auth.SortLastUsed), auth.SortCreated: sortLink(base, q, auth.SortCreated)}}
	if units, err := s.Auth.Units(r.Context()); err == nil {
		data["Units"] = unitOptions(units, nil)
	}
	p.Data = data
	var pr ctip.Problems
	f := accessFilter(q, &pr)
	data["Filtered"] = f != (auth.AccessFilter{})
	return p, data, f, pageReq(q), pr.Err()
}

func (s *Server) sessionList(w http.ResponseWriter, r *http.Request) error {
	p, data, f, preq, err := s.accessListPage(r, "admin.sessions.title", "/admin/sessions")
	data["Current"] = authOf(r).Session.ID
	data["Ended"] = f.State == auth.StateEnded
	var page ctip.Page[*auth.Session]
	if err == nil {
		page, err = s.Auth.SessionList(r.Context(), f, preq)
	}
	if err != nil {
		if s.setFormError(p.Form, p.Lang, err, accessLabels) {
			return s.render(w, r, http.StatusUnprocessableEntity, "admin_sessions", p)
		}
		return err
	}
	// The unit of each user on this page (a page holds at most 100 rows).
	users := map[ctip.ID]*auth.User{}
	rows := make([]sessionRow, 0, len(page.Items))
	for _, ss := range page.Items {
		u, ok := users[ss.UserID]
		if !ok {
			if u, err = s.Auth.User(r.Context(), ss.UserID); err != nil {
				u = nil
			}
			users[ss.UserID] = u
		}
		rows = append(rows, sessionRow{S: ss, User: u})
	}
	data["Rows"] = rows
	data["Pager"] = pager(r.URL.Query(), preq, page.Total, "/admin/sessions")
	return s.render(w, r, http.StatusOK, "admin_sessions", p)
}

func (s *Server) revokeTarget(r *http.Request) (ctip.ID, ctip.NullID, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return id, ctip.NullID{}, "", err
	}
	var user ctip.NullID
	if v, err := ctip.ParseID(r.FormValue("user")); err == nil {
		user = ctip.Some(v)
	}
	return id, user, r.FormValue("back"), nil
}

func (s *Server) sessionRevokeForm(w http.ResponseWriter, r *http.Request) error {
	id, user, back, err := s.revokeTarget(r)
	if err != nil {
		return err
	}
	var found *auth.Session
	if user.Valid {
		page, err := s.Auth.Sessions(r.Context(), user, ctip.PageRequest{Limit: ctip.MaxPageSize})
		if err != nil {
			return err
		}
		for _, ss := range page.Items {
			if ss.ID == id {
				found = ss
			}
		}
	}
	p := s.page(r, "admin.session.revoke_title", map[string]any{"ID": id, "Session": found, "User": user,
		"Back": adminBack(back, "/admin/sessions"), "Own": id == authOf(r).Session.ID})
	return s.render(w, r, http.StatusOK, "admin_revoke", p)
}

func (s *Server) sessionRevoke(w http.ResponseWriter, r *http.Request) error {
	id, user, back, err := s.revokeTarget(r)
	if err != nil {
		return err
	}
	if !confirmed(r) {
		v := url.Values{"back": {back}}
		if user.Valid {
			v.Set("user", user.ID.String())
		}
		return s.redirect(w, r, r.URL.Path+"?"+v.Encode(), "")
	}
	if err := s.Auth.RevokeSession(r.Context(), id); err != nil {
		return err
	}
	if id == authOf(r).Session.ID {
		s.setSession(w, r, "")
		return s.redirect(w, r, "/login", "flash.logged_out")
	}
	return s.redirect(w, r, adminBack(back, "/admin/sessions"), "flash.session_revoked")
}

func (s *Server) tokenList(w http.ResponseWriter, r *http.Request) error {
	p, data, f, preq, err := s.accessListPage(r, "admin.tokens.title", "/admin/tokens")
	var page ctip.Page[*auth.Token]
	if err == nil {
		page, err = s.Auth.TokenList(r.Context(), f, preq)
	}
	if err != nil {
		if s.setFormError(p.Form, p.Lang, err, accessLabels) {
			return s.render(w, r, http.StatusUnprocessableEntity, "admin_tokens", p)
		}
		return err
	}
	data["Items"] = page.Items
	data["Pager"] = pager(r.URL.Query(), preq, page.Total, "/admin/tokens")
	return s.render(w, r, http.StatusOK, "admin_tokens", p)
}

func (s *Server) tokenRevokeForm(w http.ResponseWriter, r *http.Request) error {
	id, user, back, err := s.revokeTarget(r)
	if err != nil {
		return err
	}
	var found *auth.Token
	if user.Valid {
		page, err := s.Auth.Tokens(r.Context(), user, ctip.PageRequest{Limit: ctip.MaxPageSize})
		if err != nil {
			return err
		}
		for _, t := range page.Items {
			if t.ID == id {
				found = t
			}
		}
	}
	p := s.page(r, "admin.token.revoke_title", map[string]any{"ID": id, "Token": found, "User": user,
		"Back": adminBack(back, "/admin/tokens"), "IsToken": true})
	return s.render(w, r, http.StatusOK, "admin_revoke", p)
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, user, back, err := s.revokeTarget(r)
	if err != nil {
		return err
	}
	if !confirmed(r) {
		v := url.Values{"back": {back}}
		if user.Valid {
			v.Set("user", user.ID.String())
		}
		return s.redirect(w, r, r.URL.Path+"?"+v.Encode(), "")
	}
	if err := s.Auth.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	return s.redirect(w, r, adminBack(back, "/admin/tokens"), "flash.token_revoked")
}

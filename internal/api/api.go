// Package api is the JSON API under /api/v1: bearer tokens (or the browser
// session for same-origin calls), strict JSON decoding, errors as
// application/problem+json with a stable code, and an OpenAPI 3.1 document
// that a test keeps in step with the route table.
package api

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"ctip"
	"ctip/internal/audit"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/geo"
	"ctip/internal/httpx"
	"ctip/internal/i18n"
	"ctip/internal/intake"
	"ctip/internal/person"
	"ctip/internal/victim"
)

//go:embed openapi.json openapi
var openapiFS embed.FS

// openapiDoc is openapi.json with the module fragments in openapi/*.json
// merged in (each holds "paths" and "components.schemas" of one module).
var openapiDoc = func() []byte {
	base, err := openapiFS.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		panic("api: openapi.json: " + err.Error())
	}
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	frags, _ := fs.Glob(openapiFS, "openapi/*.json")
	for _, f := range frags {
		b, _ := openapiFS.ReadFile(f)
		var frag struct {
			Paths      map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(b, &frag); err != nil {
			panic("api: " + f + ": " + err.Error())
		}
		for k, v := range frag.Paths {
			if _, dup := paths[k]; dup {
				panic("api: " + f + ": path " + k + " defined twice")
			}
			paths[k] = v
		}
		for k, v := range frag.Components.Schemas {
			if _, dup := schemas[k]; dup {
				panic("api: " + f + ": schema " + k + " defined twice")
			}
			schemas[k] = v
		}
	}
	out, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		panic(err)
	}
	return out
}()

// OpenAPI returns the OpenAPI document.
func OpenAPI() []byte { return openapiDoc }

// SessionCookie is the browser session cookie (shared with the web UI).
const SessionCookie = "ctip_session"

// Server holds the API's dependencies.
type Server struct {
	Auth   *auth.Service
	Intake *intake.Service
	Audit  *audit.Service
	Places *geo.Places
	Cat    *i18n.Catalog
	Log    *slog.Logger
	Clock  ctip.Clock

	// Persons and Victims serve the person registry and victim files.
	Persons *person.Service
	Victims *victim.Service
	// Cases serves criminal cases and peak campaigns.
	Cases *casefile.Service
}

// Register adds the route table to a mux.
func (s *Server) Register(mux *http.ServeMux) {
	for _, rt := range s.Routes() {
		mux.Handle(rt.Method+" "+rt.Pattern, s.adapt(rt))
	}
	// Anything else under /api/ is a JSON 404, not an HTML page.
	mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, ctip.ErrNotFound())
	}))
}

func (s *Server) lang(r *http.Request) string {
	if c, err := r.Cookie("ctip_lang"); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

func (s *Server) adapt(rt httpx.Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.LimitBody(w, r, rt.MaxBody)
		ctx := ctip.WithLocale(r.Context(), s.lang(r))
		r = r.WithContext(ctx)
		if rt.Access != httpx.Public {
			a, err := s.authenticate(r)
			if err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="ctip"`)
				s.problem(w, r, err)
				return
			}
			if rt.Access == httpx.Permitted && !a.Can(rt.Perm) {
				s.problem(w, r, ctip.ErrForbidden())
				return
			}
			r = r.WithContext(ctip.WithActor(ctx, a))
		}
		if err := rt.Handler(w, r); err != nil {
			s.problem(w, r, err)
		}
	})
}

// authenticate resolves a bearer token, or a full browser session.
func (s *Server) authenticate(r *http.Request) (*ctip.Actor, error) {
	ctx := r.Context()
	c := httpx.ClientFrom(ctx)
	var au *auth.Authenticated
	var err error
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
		}
		au, err = s.Auth.AuthenticateToken(ctx, strings.TrimSpace(tok))
	} else if ck, cerr := r.Cookie(SessionCookie); cerr == nil {
		au, err = s.Auth.Authenticate(ctx, ck.Value)
		if err == nil && au.Session.Stage != auth.StageFull {
			err = ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
		}
	} else {
		err = ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	if err != nil {
		return nil, err
	}
	au.Actor.IP, au.Actor.RequestID = c.IP, ctip.RequestIDFrom(ctx)
	return au.Actor, nil
}

// ---------- problems ----------

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Code      string         `json:"code"`
	Reason    string         `json:"reason,omitempty"`
	Detail    string         `json:"detail,omitempty"`
	Errors    []FieldProblem `json:"errors,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	// Candidates are the likely existing records of a person refused as a
	// duplicate (code "duplicate"): only records the caller may see.
	Candidates []ctip.ID `json:"candidates,omitempty"`
}

// FieldProblem names a field and what is wrong with it.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

// Code returns the stable problem code of an error.
func Code(err error) string {
	var ce *ctip.Error
	if errors.As(err, &ce) && ce.Key == "error.stale" {
		return "stale"
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return "too_large"
	}
	var de *person.DuplicateError
	if errors.As(err, &de) {
		return "duplicate"
	}
	return ctip.KindOf(err).String()
}

// CrossOriginDenied answers a request refused by the cross-origin
// protection (a browser write from another site) as a problem+json 403.
func (s *Server) CrossOriginDenied(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(ctip.WithLocale(r.Context(), s.lang(r)))
	s.problem(w, r, ctip.Errorf(ctip.Forbidden, "error.cross_origin"))
}

func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	lang := ctip.LocaleFrom(r.Context())
	status := httpx.StatusOf(err)
	p := Problem{Status: status, Code: Code(err), Title: http.StatusText(status), RequestID: ctip.RequestIDFrom(r.Context())}
	p.Type = "urn:ctip:problem:" + p.Code
	var ce *ctip.Error
	switch {
	case errors.As(err, &ce) && ce.Kind != ctip.Internal:
		p.Reason = ce.Key
		p.Detail = s.Cat.T(lang, ce.Key, ce.Args...)
		for _, f := range ce.Fields {
			p.Errors = append(p.Errors, FieldProblem{Field: f.Field, Code: f.Key, Message: s.Cat.T(lang, f.Key, f.Args...)})
		}
	case status == http.StatusRequestEntityTooLarge:
		p.Reason = "error.too_large"
		p.Detail = s.Cat.T(lang, "error.too_large")
	default:
		httpx.Logger(r.Context()).Error("api request failed", "err", err)
		p.Reason = "error.internal"
		p.Detail = s.Cat.T(lang, "error.internal")
	}
	var de *person.DuplicateError
	if errors.As(err, &de) {
		p.Candidates = []ctip.ID{}
		for _, c := range de.Candidates {
			p.Candidates = append(p.Candidates, c.ID)
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// ---------- JSON in and out ----------

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// decode reads one JSON object strictly: unknown fields, wrong types,
// trailing data and oversized bodies are refused with the field named.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		var p ctip.Problems
		p.Add("body", "error.content_type")
		return p.Err()
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return ctip.Errorf(ctip.Invalid, "error.bad_json")
	}
	return DecodeJSON(body, v)
}

// DecodeJSON is the strict decoder (exported for the fuzz test).
func DecodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var p ctip.Problems
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			p.Add("body", "error.json_syntax", syn.Offset)
		case errors.As(err, &typ):
			field := typ.Field
			if field == "" {
				field = "body"
			}
			p.Add(field, "error.wrong_type", typ.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			if name == "" {
				name = "body" // a key "" names nothing the client can find
			}
			p.Add(name, "error.unknown_field")
		case errors.Is(err, io.EOF):
			p.Add("body", "error.empty_body")
		default:
			p.Add("body", "error.bad_json")
		}
		return p.Err()
	}
	if dec.More() {
		p.Add("body", "error.trailing_data")
		return p.Err()
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		p.Add("body", "error.trailing_data")
		return p.Err()
	}
	return nil
}

func queryInt(r *http.Request, name string, def int, p *ctip.Problems) int {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		p.Add(name, "error.wrong_type", v)
		return def
	}
	return n
}

// queryBool reads a yes/no query parameter: true/1 or false/0.
func queryBool(r *http.Request, name string, p *ctip.Problems) bool {
	switch r.URL.Query().Get(name) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	p.Add(name, "error.wrong_type", r.URL.Query().Get(name))
	return false
}

func queryDate(r *http.Request, name string, p *ctip.Problems) ctip.Date {
	v := r.URL.Query().Get(name)
	if v == "" {
		return ctip.Date{}
	}
	d, err := ctip.ParseDate(v)
	if err != nil {
		p.Add(name, "error.date")
	}
	return d
}

func pathID(r *http.Request, name string) (ctip.ID, error) {
	id, err := ctip.ParseID(r.PathValue(name))
	if err != nil {
		return ctip.NilID, ctip.ErrNotFound()
	}
	return id, nil
}

// me describes the caller.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	a := ctip.ActorFrom(r.Context())
	perms := []string{}
	for _, p := range ctip.AllPermissions {
		if a.Can(p) {
			perms = append(perms, string(p))
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"id": a.UserID, "username": a.Username, "display_name": a.DisplayName,
		"unit":  map[string]any{"id": a.UnitID, "name": a.UnitName, "kind": a.UnitKind},
		"roles": a.Roles, "permissions": perms,
	})
}

// units lists the agency tree.
func (s *Server) units(w http.ResponseWriter, r *http.Request) error {
	us, err := s.Auth.Units(r.Context())
	if err != nil {
		return err
	}
	type unit struct {
		ID          ctip.ID     `json:"id"`
		Code        string      `json:"code"`
		Name        string      `json:"name"`
		Kind        string      `json:"kind"`
		ParentID    ctip.NullID `json:"parent_id"`
		CommuneCode string      `json:"commune_code,omitempty"`
		Active      bool        `json:"active"`
	}
	out := make([]unit, 0, len(us))
	for _, u := range us {
		out = append(out, unit{u.ID, u.Code, u.Name, u.Kind, u.ParentID, u.CommuneCode, u.Active})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": len(out)})
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(openapiDoc)
	return err
}

var _ = context.Background
var _ = fmt.Sprint

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/config"
	"ctip/internal/dbtest"
	"ctip/internal/intake"
	"ctip/internal/store"
)

func TestMain(m *testing.M) {
	auth.ArgonMemory, auth.ArgonTime = 1024, 1 // the HTTP tests log in often; hashing strength is tested in internal/auth
	dbtest.Main(m)
}

// allRoles are the roles of the route × role table, plus anonymous.
var allRoles = []string{"anonymous", auth.RoleAdmin, auth.RoleLeader, auth.RoleIntake, auth.RoleInvestigator,
	auth.RoleProcurator, auth.RoleVictimSupport, auth.RoleAnalyst, auth.RoleAuditor, auth.RoleCourt}

const testPassword = "Mật khẩu thử nghiệm đủ dài 2026"

// harness is the real application (store, services, web UI, API,
// middleware) on a fresh database, behind an httptest server.
type harness struct {
	t     testing.TB
	app   *app
	srv   *httptest.Server
	clock *ctip.FixedClock
	units map[string]*auth.Unit
	users map[string]*auth.User // by role (one user per role in unit PC02, the procurator in VKS)
	item  *intake.Item          // an item handled by PC02
}

func newHarness(t testing.TB, engine store.Engine) *harness {
	t.Helper()
	return newHarnessLog(t, engine, io.Discard, nil)
}

// newHarnessLog is newHarness with the server's log going to w, with extra
// environment settings.
func newHarnessLog(t testing.TB, engine store.Engine, w io.Writer, extra map[string]string) *harness {
	t.Helper()
	dir := t.TempDir()
	url := dbtest.URL(t, engine)
	if engine == store.SQLite {
		url = filepath.Join(dir, "ctip.db")
	}
	env := map[string]string{"CTIP_DATA": dir, "CTIP_DATABASE_URL": url, "CTIP_KEY_FILE": filepath.Join(dir, "keys")}
	for k, v := range extra {
		env[k] = v
	}
	cfg := config.New(func(k string) string { return env[k] })
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg.Storage(fs)
	cfg.Server(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	clock := &ctip.FixedClock{T: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	a, err := openApp(context.Background(), cfg, env2(w), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	h := &harness{t: t, app: a, clock: clock, units: map[string]*auth.Unit{}, users: map[string]*auth.User{}}
	h.srv = httptest.NewServer(a.handler(false))
	t.Cleanup(h.srv.Close)
	sys := system(context.Background(), "test")
	for _, u := range []auth.UnitInput{
		{Code: "CAT", Name: "Công an tỉnh Điện Biên", Kind: ctip.UnitPolice},
		{Code: "PC02", Name: "Phòng Cảnh sát hình sự", Kind: ctip.UnitPolice, ParentCode: "CAT"},
		{Code: "CAX", Name: "Công an xã Mường Nhé", Kind: ctip.UnitCommunePolice, ParentCode: "CAT"},
		{Code: "VKS", Name: "Viện kiểm sát nhân dân tỉnh", Kind: ctip.UnitProcuracy},
		{Code: "SYT", Name: "Sở Y tế", Kind: ctip.UnitHealth},
		{Code: "TA", Name: "Tòa án nhân dân tỉnh", Kind: ctip.UnitCourt},
	} {
		unit, err := a.auth.CreateUnit(sys, u)
		if err != nil {
			t.Fatal(err)
		}
		h.units[u.Code] = unit
	}
	for _, role := range allRoles[1:] {
		unit := "PC02"
		switch role {
		case auth.RoleProcurator:
			unit = "VKS"
		case auth.RoleVictimSupport:
			unit = "SYT"
		case auth.RoleCourt:
			unit = "TA"
		}
		u, _, err := a.auth.CreateUser(sys, auth.UserInput{Username: "u-" + strings.ReplaceAll(role, "_", "-"), DisplayName: "Người dùng " + role,
			UnitCode: unit, Roles: []string{role}, Password: testPassword, DemoAccount: true})
		if err != nil {
			t.Fatal(err)
		}
		h.users[role] = u
	}
	inv := auth.ActorFor(h.users[auth.RoleInvestigator], h.units["PC02"])
	h.item, err = a.intake.Create(ctip.WithActor(context.Background(), inv), intake.Input{Kind: "denunciation", Channel: "hotline",
		ReceivedAt: clock.Now().Add(-time.Hour), Summary: "Tố giác việc đưa phụ nữ sang Trung Quốc", CommuneCode: "03160", OffenceArticle: "150",
		Reporter: intake.ReporterInput{Name: "Quàng Văn Thắng", Phone: "0987654321"}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func env2(w io.Writer) env { return env{getenv: os.Getenv, stdout: w, stderr: w} }

// client is a browser-like client: a cookie jar and no automatic redirects.
type client struct {
	h    *harness
	http *http.Client
	lang string
}

func (h *harness) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs a role's user in through the real login form.
func (h *harness) login(role string) *client {
	h.t.Helper()
	c := h.anon()
	if role == "anonymous" {
		return c
	}
	resp := c.postForm("/login", url.Values{"username": {h.users[role].Username}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		h.t.Fatalf("login %s: %d %s", role, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

// token makes an API token for a role's user.
func (h *harness) token(role string) string {
	h.t.Helper()
	_, secret, err := h.app.auth.CreateToken(system(context.Background(), "test"), h.users[role].ID, "test")
	if err != nil {
		h.t.Fatal(err)
	}
	return secret
}

type response struct {
	*http.Response
	body []byte
}

func (r *response) text() string { return string(r.body) }

func (c *client) do(req *http.Request) *response {
	c.h.t.Helper()
	if c.lang != "" {
		req.AddCookie(&http.Cookie{Name: "ctip_lang", Value: c.lang})
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &response{Response: resp, body: b}
}

func (c *client) get(path string) *response {
	req, _ := http.NewRequest("GET", c.h.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) postForm(path string, v url.Values) *response {
	req, _ := http.NewRequest("POST", c.h.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) postFile(path, name string, content []byte) *response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", c.h.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// api calls the JSON API with a bearer token.
func (h *harness) api(token, method, path string, body any) *response {
	h.t.Helper()
	return h.apiLang(token, "", method, path, body)
}

// apiLang is api with an Accept-Language header ("" for none).
func (h *harness) apiLang(token, lang, method, path string, body any) *response {
	h.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, h.srv.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return h.anon().do(req)
}

func decodeJSON(t testing.TB, r *response, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v\n%s", r.Request.URL, err, r.body)
	}
}

func t0() context.Context { return context.Background() }

func vn() *time.Location { return ctip.Vietnam }

// Command loadgen measures ctip's intake performance targets (issue 2 §10)
// against a running server, and measures a bare net/http + SQLite baseline
// in the same way.
//
//	loadgen create   -url URL -token TOKEN [-c 8] [-d 30s]        POST /api/v1/intake
//	loadgen read     -url URL (-token TOKEN | -cookie C) -path P… GETs, per-path latency
//	loadgen login    -url URL -user NAME -password PW             prints a session cookie
//	loadgen baseline [-c 8] [-d 30s] [-dir DIR]                   bare handler, same create load
//	loadgen baseline-serve -addr HOST:PORT [-dir DIR]             the bare handler alone
//
// Every measurement ends with one machine-readable line starting "RESULT"
// (key=value pairs) that docs/PERFORMANCE.md quotes. The generator uses the
// standard library only; the baseline server also uses the SQLite driver the
// module already depends on (modernc.org/sqlite), but none of ctip's packages:
// it copies the DSN settings of internal/store/db.go on purpose.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	mode, args := os.Args[1], os.Args[2:]
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch mode {
	case "create":
		err = cmdCreate(ctx, args)
	case "read":
		err = cmdRead(ctx, args)
	case "login":
		err = cmdLogin(ctx, args)
	case "baseline":
		err = cmdBaseline(ctx, args)
	case "baseline-serve":
		err = cmdBaselineServe(ctx, args)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage: loadgen create|read|login|baseline|baseline-serve [flags]   (loadgen MODE -h for flags)`)
	os.Exit(2)
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// client returns an HTTP client keeping one connection per worker alive.
func client(workers int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = workers * 2
	tr.MaxIdleConnsPerHost = workers * 2
	tr.MaxConnsPerHost = 0
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// auth sets the credentials of a request.
type auth struct{ token, cookie string }

func (a auth) set(r *http.Request) {
	if a.token != "" {
		r.Header.Set("Authorization", "Bearer "+a.token)
	}
	if a.cookie != "" {
		r.Header.Set("Cookie", a.cookie)
	}
}

func cmdCreate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("create", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "server base URL")
	token := fs.String("token", os.Getenv("CTIP_TOKEN"), "API bearer token (env CTIP_TOKEN)")
	c := fs.Int("c", 8, "concurrent clients")
	d := fs.Duration("d", 30*time.Second, "measured duration")
	warm := fs.Duration("warmup", 3*time.Second, "unmeasured warm-up before the measurement")
	label := fs.String("label", "ctip", "label of the RESULT line")
	fs.Parse(args)
	if *token == "" {
		return fmt.Errorf("create: -token is required")
	}
	res, err := runCreate(ctx, *url, auth{token: *token}, *c, *warm, *d)
	if err != nil {
		return err
	}
	res.print("create", *label, *c)
	return nil
}

// runCreate posts valid intake bodies from c clients for d (after warm-up).
func runCreate(ctx context.Context, base string, a auth, c int, warm, d time.Duration) (*result, error) {
	hc := client(c)
	target := strings.TrimRight(base, "/") + "/api/v1/intake"
	// A probe first: a wrong token or URL should fail loudly, not as 100% errors.
	if err := postOnce(ctx, hc, target, a, newBodies(0)); err != nil {
		return nil, err
	}
	return drive(ctx, c, warm, d, func(ctx context.Context, w int, bodies *bodies) (int, error) {
		return post(ctx, hc, target, a, bodies.next())
	})
}

func postOnce(ctx context.Context, hc *http.Client, target string, a auth, b *bodies) error {
	status, err := post(ctx, hc, target, a, b.next())
	if err != nil {
		return err
	}
	if status != http.StatusCreated {
		return fmt.Errorf("POST %s answered %d (want 201): check -url and -token", target, status)
	}
	return nil
}

func post(ctx context.Context, hc *http.Client, target string, a auth, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(string(body)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	a.set(req)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return resp.StatusCode, fmt.Errorf("status %d", resp.StatusCode)
	}
	return resp.StatusCode, err
}

func cmdRead(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("read", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "server base URL")
	token := fs.String("token", os.Getenv("CTIP_TOKEN"), "API bearer token (env CTIP_TOKEN)")
	cookie := fs.String("cookie", os.Getenv("CTIP_COOKIE"), "Cookie header for HTML pages, e.g. ctip_session=… (env CTIP_COOKIE)")
	c := fs.Int("c", 1, "concurrent clients per path")
	n := fs.Int("n", 500, "measured requests per path")
	warmN := fs.Int("warmup", 20, "unmeasured requests per path first")
	label := fs.String("label", "ctip", "label of the RESULT lines")
	var paths multi
	fs.Var(&paths, "path", "path and query to GET (repeatable)")
	fs.Parse(args)
	if len(paths) == 0 {
		return fmt.Errorf("read: at least one -path")
	}
	a := auth{token: *token, cookie: *cookie}
	hc := client(*c)
	for _, p := range paths {
		target := strings.TrimRight(*url, "/") + p
		get := func(ctx context.Context) (int, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			if err != nil {
				return 0, err
			}
			a.set(req)
			resp, err := hc.Do(req)
			if err != nil {
				return 0, err
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return resp.StatusCode, fmt.Errorf("GET %s: status %d", p, resp.StatusCode)
			}
			return resp.StatusCode, err
		}
		for range *warmN {
			if _, err := get(ctx); err != nil {
				return err
			}
		}
		res, err := driveN(ctx, *c, *n, func(ctx context.Context, _ int) (int, error) { return get(ctx) })
		if err != nil {
			return err
		}
		res.path = p
		res.print("read", *label, *c)
	}
	return nil
}

// cmdLogin signs in through the web form and prints the session cookie (a
// demo account needs no second factor).
func cmdLogin(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("login", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "server base URL")
	user := fs.String("user", "", "username")
	pw := fs.String("password", os.Getenv("CTIP_PASSWORD"), "password (env CTIP_PASSWORD)")
	fs.Parse(args)
	form := "username=" + queryEscape(*user) + "&password=" + queryEscape(*pw)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(*url, "/")+"/login", strings.NewReader(form))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client(1).Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "ctip_session" && ck.Value != "" {
			if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "/login") || strings.HasPrefix(loc, "/account") {
				return fmt.Errorf("login: the session is not complete (redirected to %s): use a demo account", loc)
			}
			fmt.Printf("%s=%s\n", ck.Name, ck.Value)
			return nil
		}
	}
	return fmt.Errorf("login: no session cookie (status %d)", resp.StatusCode)
}

func queryEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

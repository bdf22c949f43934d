// Package e2e drives the real ctip binary in headless Chromium (Debian's
// chromium package) through chromedp: a temporary data folder, a random
// port, the same commands a newcomer types.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ctip/internal/dbtest"
)

var binary string // built once in TestMain

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ctip-e2e-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "ctip")
	build := exec.Command("go", "build", "-o", binary, "../cmd/ctip")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build failed:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	dbtest.Main(m) // drops the PostgreSQL databases the tests created
}

func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CTIP_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CTIP_E2E_REQUIRED") != "" {
		t.Fatal("Chromium not found (install Debian's chromium package); CTIP_E2E_REQUIRED is set")
	}
	t.Skip("e2e skipped: Chromium not found (apt-get install chromium, or set CTIP_CHROMIUM)")
	return ""
}

// instance is a running `ctip serve`.
type instance struct {
	t    *testing.T
	dir  string
	url  string
	cmd  *exec.Cmd
	out  *bytes.Buffer
	envs []string
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// ctip runs a CLI command against the instance's data folder.
func (in *instance) ctip(stdin string, args ...string) string {
	in.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), in.envs...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		in.t.Fatalf("ctip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func newInstance(t *testing.T, extraEnv ...string) *instance {
	t.Helper()
	dir := t.TempDir()
	in := &instance{t: t, dir: dir, envs: append([]string{"CTIP_DATA=" + dir, "CTIP_LOG_LEVEL=warn"}, extraEnv...)}
	return in
}

var passwordRe = regexp.MustCompile(`one-time password[^:]*: (\S+)`)

// start runs `ctip serve` and waits until /readyz answers. It returns what
// the first start printed (the administrator's one-time password).
func (in *instance) start() string {
	in.t.Helper()
	addr := freePort(in.t)
	in.url = "http://" + addr
	in.out = &bytes.Buffer{}
	in.cmd = exec.Command(binary, "serve", "--addr", addr)
	in.cmd.Env = append(os.Environ(), in.envs...)
	stdout, _ := in.cmd.StdoutPipe()
	in.cmd.Stderr = in.out
	if err := in.cmd.Start(); err != nil {
		in.t.Fatal(err)
	}
	cmd := in.cmd
	in.t.Cleanup(func() {
		if cmd.ProcessState == nil && cmd.Process != nil {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		}
	})
	var printed strings.Builder
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			printed.WriteString(sc.Text() + "\n")
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(in.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				time.Sleep(100 * time.Millisecond)
				return printed.String()
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	in.t.Fatalf("ctip serve did not become ready:\n%s", in.out.String())
	return ""
}

// browser opens a headless Chromium tab with a phone-sized or desktop window.
func browser(t *testing.T, width, height int) (context.Context, func()) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.WindowSize(width, height),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	// Start the browser now, without a deadline (a deadline on the first
	// run would bound the browser's whole life); steps get their own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx, func() { cancelC(); cancelA() }
}

// shot saves a full-page screenshot as a test artefact in e2e/artifacts.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.MkdirAll("artifacts", 0o755)
	os.WriteFile(filepath.Join("artifacts", name+".png"), buf, 0o644)
}

// stepTimeout bounds one do() call.
const stepTimeout = 45 * time.Second

// do runs browser steps and stops the test on failure, with a screenshot of
// the page as it was.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		shot(t, ctx, "failure-"+strings.ReplaceAll(t.Name(), "/", "-"))
		t.Fatal(err)
	}
}

// text returns the visible text of the first element matching a CSS selector.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// location returns the current URL.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

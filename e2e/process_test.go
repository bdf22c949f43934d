package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ctip/internal/dbtest"
	"ctip/internal/store"
)

// engineEnv returns the environment selecting a fresh database of the engine.
func engineEnv(t *testing.T, e store.Engine) []string {
	if e == store.Postgres {
		return []string{"CTIP_DATABASE_URL=" + dbtest.URL(t, store.Postgres)}
	}
	return nil
}

// setupWriter creates a unit and an intake officer and returns an API token.
func (in *instance) setupWriter(unit string) string {
	in.t.Helper()
	in.ctip("", "unit", "add", "--code", unit, "--name", "Công an xã "+unit, "--kind", "commune_police")
	user := strings.ToLower(unit) + "-canbo"
	in.ctip("Một mật khẩu rất dài cho kiểm thử\n", "user", "add", "--username", user, "--unit", unit, "--role", "intake", "--role", "investigator", "--password-stdin")
	out := in.ctip("", "token", "add", "--username", user, "--name", "writer")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	tok := lines[len(lines)-1]
	if !strings.HasPrefix(tok, "ctip_") {
		in.t.Fatalf("token add did not end with the token:\n%s", out)
	}
	return tok
}

type created struct {
	ID        string `json:"id"`
	Reference string `json:"reference"`
	Version   int    `json:"version"`
}

// writers posts intake items from n goroutines until stop closes, and
// returns every item the server acknowledged with 201.
func writers(url, token string, n int, stop <-chan struct{}) (func() []created, *sync.WaitGroup) {
	var mu sync.Mutex
	var acked []created
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"kind":"denunciation","channel":"hotline","received_at":"%s","summary":"Ghi nhận số %d-%d","offence_article":"150","reporter":{"anonymous":true}}`,
					time.Now().Add(-time.Minute).Format(time.RFC3339), w, i)
				req, _ := http.NewRequest("POST", url+"/api/v1/intake", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return // the server went away
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					var c created
					if json.Unmarshal(b, &c) == nil {
						mu.Lock()
						acked = append(acked, c)
						mu.Unlock()
					}
				}
			}
		}()
	}
	return func() []created { mu.Lock(); defer mu.Unlock(); return append([]created(nil), acked...) }, &wg
}

func getStatus(url, token, path string) int {
	req, _ := http.NewRequest("GET", url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestKill9KeepsAcknowledgedWrites kills the server with SIGKILL in the
// middle of concurrent writes, restarts it, and checks that every write it
// acknowledged is there and that the audit chain verifies.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := newInstance(t, engineEnv(t, e)...)
			in.start()
			tok := in.setupWriter("CAX-KILL")
			stop := make(chan struct{})
			acked, wg := writers(in.url, tok, 6, stop)
			time.Sleep(1500 * time.Millisecond)
			in.cmd.Process.Signal(syscall.SIGKILL)
			in.cmd.Wait()
			close(stop)
			wg.Wait()
			done := acked()
			if len(done) < 10 {
				t.Fatalf("only %d writes acknowledged before the kill", len(done))
			}
			in.start()
			for _, c := range done {
				if st := getStatus(in.url, tok, "/api/v1/intake/"+c.ID); st != 200 {
					t.Fatalf("acknowledged item %s (%s) answers %d after the restart", c.ID, c.Reference, st)
				}
			}
			if out := in.ctip("", "audit", "verify"); !strings.Contains(out, "audit chain intact") {
				t.Fatalf("audit after kill -9: %s", out)
			}
			t.Logf("%d acknowledged writes survived kill -9", len(done))
		})
	}
}

// TestSIGTERMFinishesInFlightRequests stops the server with SIGTERM under
// load: it exits cleanly, and every acknowledged write is there.
func TestSIGTERMFinishesInFlightRequests(t *testing.T) {
	in := newInstance(t)
	in.start()
	tok := in.setupWriter("CAX-TERM")
	stop := make(chan struct{})
	acked, wg := writers(in.url, tok, 6, stop)
	time.Sleep(time.Second)
	in.cmd.Process.Signal(syscall.SIGTERM)
	err := in.cmd.Wait()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("serve did not exit cleanly on SIGTERM: %v\n%s", err, in.out.String())
	}
	in.cmd = nil
	done := acked()
	in.start()
	for _, c := range done {
		if st := getStatus(in.url, tok, "/api/v1/intake/"+c.ID); st != 200 {
			t.Fatalf("acknowledged item %s answers %d", c.ID, st)
		}
	}
	if out := in.ctip("", "audit", "verify"); !strings.Contains(out, "audit chain intact") {
		t.Fatalf("audit after SIGTERM: %s", out)
	}
}

// TestTwoInstancesOnOnePostgres runs two servers on one PostgreSQL database:
// concurrent creates and edits through both; nothing lost, no duplicate or
// missing reference numbers, stale edits refused, the audit chain intact.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	if _, ok := dbtest.PostgresURL(); !ok {
		t.Skipf("needs PostgreSQL: set %s", dbtest.EnvPostgres)
	}
	dbURL := dbtest.URL(t, store.Postgres)
	keys := t.TempDir() + "/shared.keys"
	a := newInstance(t, "CTIP_DATABASE_URL="+dbURL, "CTIP_KEY_FILE="+keys)
	b := newInstance(t, "CTIP_DATABASE_URL="+dbURL, "CTIP_KEY_FILE="+keys)
	// Both start at once: migrations and the bootstrap race.
	var wgStart sync.WaitGroup
	for _, in := range []*instance{a, b} {
		wgStart.Add(1)
		go func() { defer wgStart.Done(); in.start() }()
	}
	wgStart.Wait()
	tok := a.setupWriter("CAX-MULTI")
	var users int
	out := a.ctip("", "user", "list")
	users = strings.Count(out, "\n") - 1
	if users != 2 { // admin (created once, not twice) and the writer
		t.Fatalf("expected 2 users after two simultaneous first starts:\n%s", out)
	}
	stop := make(chan struct{})
	ackedA, wgA := writers(a.url, tok, 4, stop)
	ackedB, wgB := writers(b.url, tok, 4, stop)
	time.Sleep(2 * time.Second)
	close(stop)
	wgA.Wait()
	wgB.Wait()
	all := append(ackedA(), ackedB()...)
	if len(all) < 20 {
		t.Fatalf("only %d creates", len(all))
	}
	seen := map[string]bool{}
	for _, c := range all {
		if seen[c.Reference] {
			t.Fatalf("duplicate reference %s", c.Reference)
		}
		seen[c.Reference] = true
	}
	year := time.Now().In(time.FixedZone("ICT", 7*3600)).Year()
	for i := 1; i <= len(all); i++ {
		if ref := fmt.Sprintf("TB-%d-%06d", year, i); !seen[ref] {
			t.Fatalf("gap: %s missing among %d references", ref, len(all))
		}
	}
	// Concurrent edits of the same item through both instances: exactly one wins per version.
	target := all[0]
	var wins, stale int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, url := range []string{a.url, b.url, a.url, b.url} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"summary":"Bổ sung từ máy %d","version":%d}`, i, target.Version)
			req, _ := http.NewRequest("PATCH", url+"/api/v1/intake/"+target.ID, bytes.NewReader([]byte(body)))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			switch resp.StatusCode {
			case 200:
				wins++
			case 409:
				stale++
			default:
				t.Errorf("edit: status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || stale != 3 {
		t.Fatalf("concurrent edits: %d won, %d refused as stale", wins, stale)
	}
	// Every acknowledged item is readable through the other instance.
	for _, c := range ackedA() {
		if st := getStatus(b.url, tok, "/api/v1/intake/"+c.ID); st != 200 {
			t.Fatalf("item %s from A answers %d on B", c.ID, st)
		}
	}
	if out := a.ctip("", "audit", "verify"); !strings.Contains(out, "audit chain intact") {
		t.Fatalf("audit: %s", out)
	}
	t.Logf("%d creates through two instances, references gapless", len(all))
}

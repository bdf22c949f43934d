package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"ctip/internal/dbtest"
	"ctip/internal/i18n"
	"ctip/internal/store"
	"ctip/internal/web"
)

type cliResult struct {
	code   int
	stdout string
	stderr string
}

// ctipCLI runs the program in-process with an environment and stdin.
func ctipCLI(t *testing.T, env map[string]string, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errb)
	code := exitCode(err, &errb)
	return cliResult{code, out.String(), errb.String()}
}

func cliEnv(t *testing.T, e store.Engine) map[string]string {
	dir := t.TempDir()
	env := map[string]string{"CTIP_DATA": dir, "CTIP_LOG_LEVEL": "error"}
	if e == store.Postgres {
		env["CTIP_DATABASE_URL"] = dbtest.URL(t, e)
	}
	return env
}

func TestCLIUsageErrorsExitTwo(t *testing.T) {
	env := cliEnv(t, store.SQLite)
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, env, "a command is needed"},
		{[]string{"frobnicate"}, env, `unknown command "frobnicate"`},
		{[]string{"serve", "--bogus"}, env, "bogus"},
		{[]string{"serve", "--addr"}, env, "addr"},
		{[]string{"serve", "--addr", "8080"}, env, "--addr"},
		{[]string{"serve"}, map[string]string{"CTIP_DATA": env["CTIP_DATA"], "CTIP_SESSION_IDLE": "soon"}, "CTIP_SESSION_IDLE"},
		{[]string{"unit", "add", "--code", "X"}, env, "missing"},
		{[]string{"unit", "delete"}, env, "unknown subcommand"},
		{[]string{"user", "add", "--username", "a"}, env, "--role"},
		{[]string{"user", "disable"}, env, "exactly one username"},
		{[]string{"token", "revoke", "not-an-id"}, env, "not a token ID"},
		{[]string{"backup"}, env, "--to"},
		{[]string{"demo", "--items", "-5"}, env, "--items"},
	} {
		r := ctipCLI(t, c.env, "", c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("ctip %v: exit %d, stderr %q; want exit 2 naming %q", c.args, r.code, r.stderr, c.want)
		}
		// An error prints nothing on stdout: any usage goes with the message (review finding 18).
		if r.stdout != "" {
			t.Errorf("ctip %v: error output on stdout: %q", c.args, r.stdout)
		}
	}
	for _, args := range [][]string{{"serve", "--bogus"}, {"demo", "--items", "x"}, {}, {"user"}} {
		if r := ctipCLI(t, env, "", args...); r.code != 2 || !strings.Contains(r.stderr, "Usage") {
			t.Errorf("ctip %v: the usage is not on stderr: %q", args, r.stderr)
		}
	}
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"user", "add", "--help"}, {"audit", "verify", "-h"}} {
		r := ctipCLI(t, env, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage") {
			t.Errorf("ctip %v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
}

func TestCLIAdministration(t *testing.T) {
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := cliEnv(t, e)
			ok := func(stdin string, args ...string) string {
				t.Helper()
				r := ctipCLI(t, env, stdin, args...)
				if r.code != 0 {
					t.Fatalf("ctip %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
				}
				return r.stdout
			}
			if out := ok("", "migrate"); !strings.Contains(out, "up to date") {
				t.Errorf("migrate: %s", out)
			}
			ok("", "unit", "add", "--code", "catdb", "--name", "Công an tỉnh Điện Biên", "--kind", "police")
			ok("", "unit", "add", "--code", "PC02", "--name", "Phòng Cảnh sát hình sự", "--kind", "police", "--parent", "CATDB")
			if r := ctipCLI(t, env, "", "unit", "add", "--code", "PC02", "--name", "x", "--kind", "police"); r.code != 2 || !strings.Contains(r.stderr, "code") {
				t.Errorf("duplicate unit: %+v", r)
			}
			if r := ctipCLI(t, env, "", "unit", "add", "--code", "HUYEN", "--name", "x", "--kind", "district_police"); r.code != 2 || !strings.Contains(r.stderr, "kind") {
				t.Errorf("unknown kind: %+v", r)
			}
			if out := ok("", "unit", "list"); !strings.Contains(out, "CATDB") || !strings.Contains(out, "  PC02") {
				t.Errorf("unit list:\n%s", out)
			}
			if r := ctipCLI(t, env, "password1234\n", "user", "add", "--username", "dtv", "--unit", "PC02", "--role", "investigator", "--password-stdin"); r.code != 2 || !strings.Contains(r.stderr, "password") {
				t.Errorf("weak password: %+v", r)
			}
			ok("Điều tra viên mật khẩu dài 2026\n", "user", "add", "--username", "dtv", "--unit", "PC02", "--role", "investigator", "--role", "leader", "--password-stdin")
			out := ok("", "user", "add", "--username", "tiepnhan", "--unit", "PC02", "--role", "intake")
			if !strings.Contains(out, "one-time password") {
				t.Errorf("no one-time password printed: %s", out)
			}
			if out := ok("", "user", "list"); !strings.Contains(out, "investigator,leader") && !strings.Contains(out, "leader,investigator") {
				t.Errorf("user list:\n%s", out)
			}
			out = ok("", "token", "add", "--username", "dtv", "--name", "đồng bộ")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			tok := lines[len(lines)-1]
			if !strings.HasPrefix(tok, "ctip_") || strings.Contains(tok, " ") {
				t.Errorf("the token is not alone on the last line: %q", out)
			}
			id := strings.Fields(lines[0])[3]
			if out := ok("", "token", "revoke", id); !strings.Contains(out, "revoked") {
				t.Errorf("token revoke: %s", out)
			}
			if out := ok("", "user", "reset-password", "tiepnhan"); !strings.Contains(out, "one-time password") {
				t.Errorf("reset-password: %s", out)
			}
			ok("", "user", "disable", "tiepnhan")
			if r := ctipCLI(t, env, "", "user", "disable", "ghost"); r.code != 1 || !strings.Contains(r.stderr, "ghost") {
				t.Errorf("disable unknown: %+v", r)
			}
			if out := ok("", "audit", "verify"); !strings.Contains(out, "audit chain intact") {
				t.Errorf("verify: %s", out)
			}
			if r := ctipCLI(t, env, "", "demo"); r.code != 1 || !strings.Contains(r.stderr, "already holds records") {
				t.Errorf("demo on a used database: %+v", r)
			}
			// Tamper with the trail directly: verify names the entry and exits 1.
			tamper(t, env, e, "UPDATE audit_events SET action = 'forged' WHERE seq = 2")
			if r := ctipCLI(t, env, "", "audit", "verify"); r.code != 1 || !strings.Contains(r.stderr, "entry 2") {
				t.Errorf("verify after tampering: %+v", r)
			}
			// Backup: a consistent copy on SQLite; a pointer to pg_dump on PostgreSQL.
			to := filepath.Join(t.TempDir(), "copy.db")
			r := ctipCLI(t, env, "", "backup", "--to", to)
			if e == store.SQLite {
				if r.code != 0 {
					t.Fatalf("backup: %+v", r)
				}
				db, err := sql.Open("sqlite", to)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				var n int
				if err := db.QueryRow("SELECT COUNT(*) FROM users").Scan(&n); err != nil || n != 2 {
					t.Errorf("backup copy: %d users, %v", n, err)
				}
				if r := ctipCLI(t, env, "", "backup", "--to", to); r.code == 0 {
					t.Error("backup overwrote an existing file")
				}
			} else if r.code != 1 || !strings.Contains(r.stderr, "pg_dump") {
				t.Errorf("backup on PostgreSQL: %+v", r)
			}
		})
	}
}

func tamper(t *testing.T, env map[string]string, e store.Engine, q string) {
	t.Helper()
	var db *sql.DB
	var err error
	if e == store.SQLite {
		db, err = sql.Open("sqlite", filepath.Join(env["CTIP_DATA"], "ctip.db"))
	} else {
		db, err = sql.Open("pgx", env["CTIP_DATABASE_URL"])
	}
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

// TestCLIDemoPrintsTheServeCommandForItsData: the closing hint repeats the
// --data given (review finding 18: it dropped it and served ./data).
func TestCLIDemoPrintsTheServeCommandForItsData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo data")
	r := ctipCLI(t, map[string]string{"CTIP_LOG_LEVEL": "error"}, "", "demo", "--items", "20", "--data", dir)
	if r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	if want := "Start the server with: go run ./cmd/ctip serve --data '" + dir + "'"; !strings.Contains(r.stdout, want) {
		t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
	}
}

func TestCLIDemoLoadsAnEmptyDatabase(t *testing.T) {
	env := cliEnv(t, store.SQLite)
	r := ctipCLI(t, env, "", "demo", "--items", "60")
	if r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	for _, want := range []string{"quantri", "lanhdao", "tiepnhan", "dieutra", "kiemsat", "hotro", "phantich", "kiemtoan", "thamphan", "60 intake items",
		"criminal cases", "persons in the registry", "victim files", "campaigns"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(env["CTIP_DATA"], "ctip.keys")); err != nil {
		t.Error("no key file")
	}
	if r := ctipCLI(t, env, "", "audit", "verify"); r.code != 0 {
		t.Errorf("verify after demo: %+v", r)
	}
	if m := regexp.MustCompile(`(\d+) criminal cases \((\d+) accused\), (\d+) persons in the registry, (\d+) victim files`).FindStringSubmatch(r.stdout); m == nil ||
		m[1] == "0" || m[2] == "0" || m[3] == "0" || m[4] == "0" {
		t.Errorf("demo summary: %q", m)
	}
	// Every action and record type the demo wrote into the trail has a label
	// in both catalogues (the auditor's filter offers what the trail holds).
	demoTrailLabelled(t, filepath.Join(env["CTIP_DATA"], "ctip.db"))
	// A second load refuses, with the reason.
	if r := ctipCLI(t, env, "", "demo", "--items", "10"); r.code != 1 || !strings.Contains(r.stderr, "already holds records") {
		t.Errorf("second demo: %+v", r)
	}
}

func demoTrailLabelled(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for col, key := range map[string]func(*i18n.Catalog, string, string) string{"action": web.AuditActionKey, "record_type": web.AuditTypeKey} {
		rows, err := db.Query(`SELECT DISTINCT ` + col + ` FROM audit_events ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var v string
			rows.Scan(&v)
			n++
			for _, lang := range []string{"vi", "en"} {
				if key(cat, lang, v) == "" {
					t.Errorf("audit %s %q has no label in %s", col, v, lang)
				}
			}
		}
		rows.Close()
		if n < 5 {
			t.Errorf("the demo trail holds %d distinct %s values", n, col)
		}
	}
}

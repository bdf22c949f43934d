// Package dbtest gives tests a real, migrated database on each engine:
// a temporary SQLite file always, and PostgreSQL when CTIP_TEST_POSTGRES_URL
// is set (otherwise the PostgreSQL half is skipped with a printed reason).
//
// On PostgreSQL a package migrates one template database once, and every
// test gets its own copy (CREATE DATABASE … TEMPLATE), dropped at the end.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"ctip"
	"ctip/internal/crypt"
	"ctip/internal/store"
)

// EnvPostgres names the variable that enables the PostgreSQL half.
const EnvPostgres = "CTIP_TEST_POSTGRES_URL"

// PostgresURL returns the admin URL of the test PostgreSQL server, if set.
func PostgresURL() (string, bool) {
	u := os.Getenv(EnvPostgres)
	return u, u != ""
}

var (
	tmplOnce sync.Once
	tmplName string
	tmplErr  error
	created  sync.Map // database names to drop in Main
)

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// withDB returns url with its database name replaced.
func withDB(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func adminExec(query string) error {
	admin, _ := PostgresURL()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(query)
	return err
}

// template creates and migrates this package's template database once.
func template(keys *crypt.Keyring) (string, error) {
	tmplOnce.Do(func() {
		admin, _ := PostgresURL()
		tmplName = "ctip_tmpl_" + randomSuffix()
		if tmplErr = adminExec("CREATE DATABASE " + tmplName); tmplErr != nil {
			return
		}
		created.Store(tmplName, true)
		u, err := withDB(admin, tmplName)
		if err != nil {
			tmplErr = err
			return
		}
		db, err := store.Open(context.Background(), store.Options{URL: u, Keys: keys})
		if err != nil {
			tmplErr = err
			return
		}
		defer db.Close()
		_, tmplErr = db.Migrate(context.Background())
	})
	return tmplName, tmplErr
}

// Keys is the keyring shared by the test databases of a package (the
// template's contents are not encrypted, but tests reopen databases and must
// use the same keys).
var Keys = crypt.NewKeyring()

// Options adjust a test database.
type Options struct {
	Clock ctip.Clock
}

// Open returns a fresh migrated database of the engine, closed (and on
// PostgreSQL dropped) when the test ends. It skips the test on PostgreSQL
// when no server is configured.
func Open(t testing.TB, e store.Engine, opts ...Options) *store.DB {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	u := URL(t, e)
	db, err := store.Open(context.Background(), store.Options{URL: u, Keys: Keys, Clock: o.Clock})
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("dbtest: migrate %s: %v", e, err)
	}
	return db
}

// URL returns the URL (or SQLite path) of a fresh, migrated-on-PostgreSQL
// database, for tests that start the real binary. On SQLite the file does
// not exist yet.
func URL(t testing.TB, e store.Engine) string {
	t.Helper()
	switch e {
	case store.SQLite:
		return filepath.Join(t.TempDir(), "ctip.db")
	case store.Postgres:
		admin, ok := PostgresURL()
		if !ok {
			t.Skipf("PostgreSQL half skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run it", EnvPostgres)
		}
		tmpl, err := template(Keys)
		if err != nil {
			t.Fatalf("dbtest: PostgreSQL template: %v", err)
		}
		name := "ctip_t_" + randomSuffix()
		if err := adminExec("CREATE DATABASE " + name + " TEMPLATE " + tmpl); err != nil {
			t.Fatalf("dbtest: create database: %v", err)
		}
		created.Store(name, true)
		t.Cleanup(func() {
			adminExec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			created.Delete(name)
		})
		u, err := withDB(admin, name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	t.Fatalf("dbtest: unknown engine %q", e)
	return ""
}

// Engines lists the engines a test runs on.
var Engines = []store.Engine{store.SQLite, store.Postgres}

// ForEachEngine runs fn as a subtest on each engine with a fresh database.
func ForEachEngine(t *testing.T, fn func(t *testing.T, db *store.DB), opts ...Options) {
	t.Helper()
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e, opts...))
		})
	}
}

// Main runs a package's tests and drops the databases it created. Use it as
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if _, ok := PostgresURL(); ok {
		created.Range(func(k, _ any) bool {
			if err := adminExec("DROP DATABASE IF EXISTS " + k.(string) + " WITH (FORCE)"); err != nil && !strings.Contains(err.Error(), "does not exist") {
				fmt.Fprintf(os.Stderr, "dbtest: drop %s: %v\n", k, err)
			}
			return true
		})
	} else {
		fmt.Fprintf(os.Stderr, "dbtest: PostgreSQL tests skipped: %s is not set\n", EnvPostgres)
	}
	os.Exit(code)
}

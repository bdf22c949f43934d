package store_test

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"ctip/internal/dbtest"
	"ctip/internal/store"
)

func migrationVersions(t *testing.T, e store.Engine) []string {
	t.Helper()
	var v []string
	err := fs.WalkDir(store.MigrationFS(e), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".sql") {
			v = append(v, strings.SplitN(p, "_", 2)[0])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMigrationFoldersHaveSameVersions(t *testing.T) {
	s, p := migrationVersions(t, store.SQLite), migrationVersions(t, store.Postgres)
	if len(s) == 0 || !slices.Equal(s, p) {
		t.Fatalf("sqlite versions %v, postgres versions %v", s, p)
	}
}

// columns returns "table.column" for every user table, ignoring goose's own.
func columns(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	var q string
	if db.Engine == store.SQLite {
		q = `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
		     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`
	} else {
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns
		     WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`
	}
	rows, err := db.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestBothEnginesEndWithSameTablesAndColumns(t *testing.T) {
	if _, ok := dbtest.PostgresURL(); !ok {
		t.Skipf("needs PostgreSQL: set %s", dbtest.EnvPostgres)
	}
	s := columns(t, dbtest.Open(t, store.SQLite))
	p := columns(t, dbtest.Open(t, store.Postgres))
	if !slices.Equal(s, p) {
		for _, c := range s {
			if !slices.Contains(p, c) {
				t.Errorf("only on SQLite: %s", c)
			}
		}
		for _, c := range p {
			if !slices.Contains(s, c) {
				t.Errorf("only on PostgreSQL: %s", c)
			}
		}
	}
	if len(s) < 20 {
		t.Fatalf("suspiciously few columns: %d", len(s))
	}
}

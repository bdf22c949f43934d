package store_test

import (
	"context"
	"fmt"
	"testing"

	"ctip/internal/dbtest"
	"ctip/internal/store"
)

// TestOptimize: on SQLite the statistics job writes the planner's
// statistics for a table that has none; on PostgreSQL it does nothing
// (autovacuum analyzes).
func TestOptimize(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, `CREATE TABLE zz_optimize (id INTEGER PRIMARY KEY, k INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `CREATE INDEX zz_optimize_k ON zz_optimize (k)`); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2000; i += 100 {
			q := `INSERT INTO zz_optimize (id, k) VALUES `
			for j := i; j < i+100; j++ {
				if j > i {
					q += ", "
				}
				q += fmt.Sprintf("(%d, %d)", j, j%7)
			}
			if _, err := db.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Optimize(ctx); err != nil {
			t.Fatal(err)
		}
		if db.Engine != store.SQLite {
			return
		}
		var stat string
		if err := db.QueryRow(ctx, `SELECT stat FROM sqlite_stat1 WHERE tbl = 'zz_optimize' AND idx = 'zz_optimize_k'`).Scan(&stat); err != nil {
			t.Fatalf("no statistics for the table: %v", err)
		}
		if stat == "" {
			t.Error("empty statistics")
		}
		// A second run with nothing changed is cheap and harmless.
		if err := db.Optimize(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

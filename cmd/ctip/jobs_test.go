package main

import (
	"testing"

	"ctip/internal/store"
)

// TestServeJobs: `ctip serve` refreshes SQLite's planner statistics every
// hour under a job lease (once per period across instances), and the job
// is a no-op on PostgreSQL.
func TestServeJobs(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		for _, j := range h.app.jobs() {
			if j.Name != "store.optimize" {
				continue
			}
			if j.Every != store.OptimizeEvery {
				t.Errorf("every %s", j.Every)
			}
			if err := j.Run(system(t0(), j.Name)); err != nil {
				t.Fatal(err)
			}
			if h.app.db.Engine == store.SQLite {
				var n int
				if err := h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM sqlite_stat1`).Scan(&n); err != nil || n == 0 {
					t.Errorf("no statistics after the job: %d %v", n, err)
				}
			}
			return
		}
		t.Fatal("no store.optimize job")
	})
}

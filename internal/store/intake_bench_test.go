package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/crypt"
	"ctip/internal/intake"
	"ctip/internal/store"
)

// The list benchmarks run on a large seeded database (see tools/seed and
// docs/PERFORMANCE.md), given by its data folder:
//
//	CTIP_BENCH_DATA=/tmp/ctip-1m go test ./internal/store -run '^$' -bench 'ListItems|CountByStatus' -benchtime 200x
//
// Without it they are skipped. They only read.

func benchDB(b *testing.B) *store.DB {
	b.Helper()
	dir := os.Getenv("CTIP_BENCH_DATA")
	if dir == "" {
		b.Skip("set CTIP_BENCH_DATA to the data folder of a seeded database (go run ./tools/seed -data DIR)")
	}
	keys, err := crypt.Load(filepath.Join(dir, "ctip.keys"))
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(context.Background(), store.Options{URL: filepath.Join(dir, "ctip.db"), Keys: keys})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func benchUnit(b *testing.B, db *store.DB, code string) *auth.Unit {
	b.Helper()
	u, err := db.GetUnitByCode(context.Background(), code)
	if err != nil {
		b.Fatalf("unit %s: %v (is this a tools/seed database?)", code, err)
	}
	return u
}

func BenchmarkListItems(b *testing.B) {
	db := benchDB(b)
	pc02 := benchUnit(b, db, "PC02")
	cax := benchUnit(b, db, "CAX-MUONGNHE")
	cat := benchUnit(b, db, "CATDB")
	first := ctip.PageRequest{Limit: ctip.DefaultPageSize, Desc: true}
	today := ctip.DateOf(time.Now())
	for _, c := range []struct {
		name  string
		f     intake.Filter
		scope ctip.Scope
		p     ctip.PageRequest
	}{
		// The unit queue (/intake?view=unit) of the unit holding most items, and of a commune police unit.
		{"unit/PC02", intake.Filter{UnitID: ctip.Some(pc02.ID)}, ctip.Scope{UnitIDs: []ctip.ID{pc02.ID}}, first},
		{"unit/PC02/page40", intake.Filter{UnitID: ctip.Some(pc02.ID)}, ctip.Scope{UnitIDs: []ctip.ID{pc02.ID}},
			ctip.PageRequest{Limit: ctip.DefaultPageSize, Offset: 39 * ctip.DefaultPageSize, Desc: true}},
		{"unit/PC02/by-deadline", intake.Filter{UnitID: ctip.Some(pc02.ID)}, ctip.Scope{UnitIDs: []ctip.ID{pc02.ID}},
			ctip.PageRequest{Limit: ctip.DefaultPageSize, Sort: "deadline"}},
		{"unit/commune", intake.Filter{UnitID: ctip.Some(cax.ID)}, ctip.Scope{UnitIDs: []ctip.ID{cax.ID}}, first},
		// view=all: province-wide (procuracy oversight), a unit with what was shared with it, a leader's subtree.
		{"all/province", intake.Filter{}, ctip.Scope{All: true}, first},
		{"all/commune", intake.Filter{}, ctip.Scope{UnitIDs: []ctip.ID{cax.ID}}, first},
		{"all/leader-subtree", intake.Filter{}, ctip.Scope{UnitIDs: []ctip.ID{cat.ID}, SubtreePaths: []string{cat.Path}}, first},
		{"all/province/status", intake.Filter{Statuses: []intake.Status{intake.Verifying}}, ctip.Scope{All: true}, first},
		{"overdue/province", intake.Filter{DueBy: today.AddDays(-1)}, ctip.Scope{All: true}, first},
		{"overdue/province/by-deadline", intake.Filter{DueBy: today.AddDays(-1)}, ctip.Scope{All: true}, ctip.PageRequest{Limit: ctip.DefaultPageSize, Sort: "deadline"}},
		{"overdue/PC02/by-deadline", intake.Filter{DueBy: today.AddDays(-1), UnitID: ctip.Some(pc02.ID)}, ctip.Scope{UnitIDs: []ctip.ID{pc02.ID}}, ctip.PageRequest{Limit: ctip.DefaultPageSize, Sort: "deadline"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			var total int
			for b.Loop() {
				page, err := db.ListItems(ctx, c.f, c.scope, c.p)
				if err != nil {
					b.Fatal(err)
				}
				total = page.Total
			}
			b.ReportMetric(float64(total), "total")
		})
	}
}

func BenchmarkCountByStatus(b *testing.B) {
	db := benchDB(b)
	pc02 := benchUnit(b, db, "PC02")
	today := ctip.DateOf(time.Now())
	for _, c := range []struct {
		name  string
		scope ctip.Scope
	}{
		{"province", ctip.Scope{All: true}},
		{"PC02", ctip.Scope{UnitIDs: []ctip.ID{pc02.ID}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.CountByStatus(context.Background(), c.scope, today, today.AddDays(intake.DueSoonDays)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

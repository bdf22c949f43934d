package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ctip"
	"ctip/internal/dbtest"
	"ctip/internal/jobs"
	"ctip/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Several runners (as several instances would) share one database: a job
// runs once per period in total, never concurrently.
func TestLeasesRunEachJobOncePerPeriodAcrossInstances(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clock := &ctip.FixedClock{T: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
		var runs, concurrent, maxConcurrent int32
		job := jobs.Job{Name: "reminders", Every: time.Hour, Run: func(ctx context.Context) error {
			c := atomic.AddInt32(&concurrent, 1)
			for {
				m := atomic.LoadInt32(&maxConcurrent)
				if c <= m || atomic.CompareAndSwapInt32(&maxConcurrent, m, c) {
					break
				}
			}
			time.Sleep(20 * time.Millisecond)
			atomic.AddInt32(&concurrent, -1)
			atomic.AddInt32(&runs, 1)
			return nil
		}}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		var runners []*jobs.Runner
		for range 4 {
			runners = append(runners, &jobs.Runner{Leases: db, Clock: clock, Log: log, Jobs: []jobs.Job{job}})
		}
		tick := func() {
			var wg sync.WaitGroup
			for _, r := range runners {
				wg.Add(1)
				go func() { defer wg.Done(); r.RunOnce(context.Background()) }()
			}
			wg.Wait()
		}
		tick()
		tick() // same period: nothing more
		if runs != 1 || maxConcurrent != 1 {
			t.Fatalf("runs %d, max concurrent %d", runs, maxConcurrent)
		}
		clock.Advance(61 * time.Minute)
		tick()
		if runs != 2 {
			t.Fatalf("after the period: runs %d", runs)
		}
	})
}

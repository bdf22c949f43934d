// Package jobs runs background work (clean-ups, reminders, statistics) in
// `ctip serve`. Jobs are coordinated through a lease row in the database, so
// that with several instances on one PostgreSQL each job runs on one
// instance at a time and at most once per period.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync"
	"time"

	"ctip"
)

// Leases is the store's lease API.
type Leases interface {
	AcquireJob(ctx context.Context, name, holder string, now time.Time, every, ttl time.Duration) (bool, error)
	ReleaseJob(ctx context.Context, name, holder string, now time.Time) error
}

// Job is one periodic task.
type Job struct {
	Name    string
	Every   time.Duration
	Timeout time.Duration // lease length; a crashed holder's lease expires after it
	Run     func(ctx context.Context) error
}

// Runner ticks the jobs.
type Runner struct {
	Leases Leases
	Clock  ctip.Clock
	Log    *slog.Logger
	Jobs   []Job
	Tick   time.Duration // how often to try (default 30 s)
	holder string
}

// Holder names this instance in leases.
func (r *Runner) Holder() string {
	if r.holder == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		rand.Read(b)
		r.holder = host + "/" + hex.EncodeToString(b)
	}
	return r.holder
}

// RunOnce tries every job once and waits for those it started.
func (r *Runner) RunOnce(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range r.Jobs {
		now := r.Clock.Now()
		timeout := j.Timeout
		if timeout <= 0 {
			timeout = 10 * time.Minute
		}
		ok, err := r.Leases.AcquireJob(ctx, j.Name, r.Holder(), now, j.Every, timeout)
		if err != nil {
			r.Log.Warn("job lease", "job", j.Name, "err", err)
			continue
		}
		if !ok {
			continue
		}
		wg.Add(1)
		go func(j Job) {
			defer wg.Done()
			jctx, cancel := context.WithTimeout(ctip.WithActor(ctx, ctip.SystemActor(j.Name)), timeout)
			defer cancel()
			start := time.Now()
			if err := j.Run(jctx); err != nil {
				r.Log.Error("job failed", "job", j.Name, "err", err)
			} else {
				r.Log.Debug("job done", "job", j.Name, "ms", time.Since(start).Milliseconds())
			}
			r.Leases.ReleaseJob(context.WithoutCancel(ctx), j.Name, r.Holder(), r.Clock.Now())
		}(j)
	}
	wg.Wait()
}

// Start runs the jobs until ctx ends; it returns when running jobs finished.
func (r *Runner) Start(ctx context.Context) {
	tick := r.Tick
	if tick <= 0 {
		tick = 30 * time.Second
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	r.RunOnce(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.RunOnce(ctx)
		}
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ctip/internal/api"
	"ctip/internal/config"
	"ctip/internal/httpx"
	"ctip/internal/jobs"
	"ctip/internal/web"
)

func cmdServe(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("serve", "serve [--addr HOST:PORT] [--data DIR] [--database URL]", e, cfg)
	cfg.Server(fs)
	if pos, err := parse(fs, e.args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("serve: unexpected argument %q", pos[0])
	}
	if err := cfg.Resolve(); err != nil {
		return usageError{err.Error()}
	}
	a, err := openApp(ctx, cfg, e, nil)
	if err != nil {
		return err
	}
	defer a.close()

	demo, _, _ := a.db.Setting(ctx, "demo")
	srv := a.httpServer(demo == "true")
	// First start: an administrator with a one-time password, printed once.
	pw, err := a.auth.Bootstrap(ctx)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if pw != "" {
		fmt.Fprintf(e.stdout, "\nFirst start: created the administrator account.\n  username: admin\n  one-time password: %s\n"+
			"It is shown only now. Sign in and change it; you will then enrol a second factor (TOTP).\n\n", pw)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	a.log.Info("ctip serving", "addr", ln.Addr().String(), "database", string(a.db.Engine), "data", cfg.DataDir)
	fmt.Fprintf(e.stdout, "ctip is listening on http://%s\n", ln.Addr().String())

	jctx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	runner := &jobs.Runner{Leases: a.db, Clock: a.clock, Log: a.log, Jobs: a.jobs()}
	wg.Add(1)
	go func() { defer wg.Done(); runner.Start(jctx) }()
	wg.Add(1)
	go func() { defer wg.Done(); a.watchKeys(jctx) }()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		stopJobs()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: stop accepting, let in-flight requests finish (each
	// write is one transaction, so nothing is left half-written), then stop jobs.
	a.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	stopJobs()
	wg.Wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.log.Info("stopped")
	return nil
}

// handler builds the whole HTTP handler: web UI, API, metrics, middleware.
func (a *app) handler(demo bool) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name, pool := range a.db.Pools() {
		reg.MustRegister(collectors.NewDBStatsCollector(pool, "ctip_"+name))
	}
	metrics := httpx.NewMetrics(reg)
	w := &web.Server{Auth: a.auth, Intake: a.intake, Audit: a.audit, Notify: a.notify, Persons: a.persons, Victims: a.victims, Cases: a.cases, Calendar: a.cals, Places: a.places, Cat: a.cat, Log: a.log, Clock: a.clock,
		Province: a.cfg.Province, Demo: demo, Metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
		Ready: func(ctx context.Context) error {
			if err := a.db.Ping(ctx); err != nil {
				return err
			}
			ok, err := a.db.MigrationsCurrent(ctx)
			if err != nil {
				return err
			}
			if !ok {
				return errors.New("migrations pending")
			}
			return nil
		}}
	if err := w.Init(); err != nil {
		panic(err) // embedded templates: a build bug
	}
	apiSrv := &api.Server{Auth: a.auth, Intake: a.intake, Audit: a.audit, Persons: a.persons, Victims: a.victims, Cases: a.cases, Places: a.places, Cat: a.cat, Log: a.log, Clock: a.clock}
	mux := http.NewServeMux()
	w.Register(mux)
	apiSrv.Register(mux)
	deny := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			apiSrv.CrossOriginDenied(rw, r)
			return
		}
		w.CrossOriginDenied(rw, r)
	})
	return httpx.Middleware(mux, httpx.Options{Log: a.log, TrustProxy: a.cfg.TrustProxy, Metrics: metrics, Secure: a.cfg.Secure,
		CrossOriginDenied: deny})
}

func (a *app) httpServer(demo bool) *http.Server {
	return &http.Server{
		Handler:           a.handler(demo),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// jobs are the background tasks of this modules.
func (a *app) jobs() []jobs.Job {
	return []jobs.Job{
		{Name: "auth.cleanup", Every: time.Hour, Run: a.auth.Cleanup},
		{Name: "persons.purge", Every: 24 * time.Hour, Run: a.purgePersons},
		{Name: "cases.remind", Every: time.Hour, Run: a.remindCases},
	}
}

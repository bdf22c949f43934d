package main

import (
	"strings"
	"testing"
)

func TestHealthReadinessAndMetrics(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		c := h.anon()
		if r := c.get("/healthz"); r.StatusCode != 200 || r.text() != "ok\n" {
			t.Errorf("healthz: %d %q", r.StatusCode, r.text())
		}
		if r := c.get("/readyz"); r.StatusCode != 200 {
			t.Errorf("readyz: %d %q", r.StatusCode, r.text())
		}
		c.get("/login")
		c.get("/login")
		r := c.get("/metrics")
		body := r.text()
		for _, want := range []string{
			`ctip_http_requests_total{method="GET",route="GET /login",status="200"} 2`,
			`ctip_http_request_duration_seconds_bucket{method="GET",route="GET /login"`,
			"_open_connections", // database pool statistics
			"go_goroutines",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		// The readiness check fails when the database is gone.
		h.app.db.Close()
		if r := c.get("/readyz"); r.StatusCode != 503 {
			t.Errorf("readyz with the database closed: %d", r.StatusCode)
		}
	})
}

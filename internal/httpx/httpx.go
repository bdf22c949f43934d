// Package httpx is the HTTP plumbing shared by the web UI and the JSON API:
// handlers that return errors, the one table from error kind to status, the
// request ID, access log, panic recovery, security headers, body limits,
// client addresses, metrics and the route table type.
package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ctip"
)

// Handler is an http.Handler that returns an error; the adapter renders it.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Access says who may reach a route at all. Finer rules (scope, record
// rules) are the services' job; this only gates the door and drives navigation.
type Access int

// The access levels.
const (
	Public    Access = iota // no session needed
	Staged                  // a session in any stage (login steps: TOTP, password change, enrolment)
	Signed                  // a full session or an API token
	Permitted               // Signed and holding Perm
)

// Route is one row of a route table.
type Route struct {
	Method  string
	Pattern string // net/http pattern path, e.g. "/intake/{id}"
	Access  Access
	Perm    ctip.Permission // for Permitted
	Handler Handler
	MaxBody int64 // request body limit; 0 = DefaultMaxBody
	Name    string
}

// DefaultMaxBody is the request body limit of ordinary routes.
const DefaultMaxBody = 1 << 20

// StatusOf is the one table from error kind to HTTP status.
func StatusOf(err error) int {
	switch ctip.KindOf(err) {
	case ctip.Invalid:
		return http.StatusUnprocessableEntity
	case ctip.NotFound:
		return http.StatusNotFound
	case ctip.Conflict:
		return http.StatusConflict
	case ctip.Forbidden:
		return http.StatusForbidden
	case ctip.Unauthenticated:
		return http.StatusUnauthorized
	case ctip.TooMany:
		return http.StatusTooManyRequests
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// ---------- request context ----------

type ctxKey int

const (
	loggerKey ctxKey = iota
	clientKey
)

// Client is what we know of the caller's connection.
type Client struct {
	IP        string
	UserAgent string
	HTTPS     bool
}

// ClientFrom returns the client of a request (set by Middleware).
func ClientFrom(ctx context.Context) Client {
	c, _ := ctx.Value(clientKey).(Client)
	return c
}

// Logger returns the request's logger.
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Options configure the common middleware.
type Options struct {
	Log        *slog.Logger
	TrustProxy bool // honour X-Forwarded-For and X-Forwarded-Proto from the proxy in front
	Secure     bool // the site is served over HTTPS whatever the request says (cookies Secure)
	Metrics    *Metrics
	// CrossOriginDenied answers a request the cross-origin protection
	// refuses (problem+json on the API, an error page on the web UI); nil:
	// net/http's plain-text 403.
	CrossOriginDenied http.Handler
}

// clientIP returns the caller's address: the first hop a trusted proxy
// reports, or the TCP peer.
func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// statusWriter records the status and size written.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ContentSecurityPolicy allows only our own scripts and styles: no inline
// script, no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// Middleware wraps the whole server: request ID, client address, security
// headers, cross-origin protection, panic recovery, access log and metrics.
func Middleware(next http.Handler, o Options) http.Handler {
	cop := http.NewCrossOriginProtection()
	if o.CrossOriginDenied != nil {
		cop.SetDenyHandler(o.CrossOriginDenied)
	}
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	inner := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-ID")
		if rid == "" || len(rid) > 64 || strings.ContainsAny(rid, " \t\r\n") {
			rid = newRequestID()
		}
		c := Client{IP: clientIP(r, o.TrustProxy), UserAgent: r.UserAgent(),
			HTTPS: o.Secure || r.TLS != nil || (o.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))}
		l := log.With("request_id", rid)
		ctx := ctip.WithRequestID(r.Context(), rid)
		ctx = context.WithValue(ctx, loggerKey, l)
		ctx = context.WithValue(ctx, clientKey, c)
		r = r.WithContext(ctx)
		h := w.Header()
		h.Set("X-Request-ID", rid)
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if c.HTTPS {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				l.Error("panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, "Lỗi hệ thống / Internal error", http.StatusInternalServerError)
				}
			}
			d := time.Since(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			if o.Metrics != nil {
				o.Metrics.observe(r.Method, route, status, d)
			}
			// Never log query strings or bodies: they may hold personal data.
			attrs := []any{"method", r.Method, "route", route, "status", status, "ms", float64(d.Microseconds()) / 1000, "bytes", sw.size}
			if a := ctip.ActorFrom(r.Context()); a != nil {
				attrs = append(attrs, "user", a)
			}
			l.Info("request", attrs...)
		}()
		inner.ServeHTTP(sw, r)
	})
}

// Metrics are the Prometheus collectors of the HTTP layer.
type Metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics registers the HTTP collectors.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ctip_http_requests_total", Help: "HTTP requests by method, route and status."}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ctip_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *Metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, fmt.Sprint(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

// LimitBody caps a request body.
func LimitBody(w http.ResponseWriter, r *http.Request, n int64) {
	if n <= 0 {
		n = DefaultMaxBody
	}
	r.Body = http.MaxBytesReader(w, r.Body, n)
}

// Download sends an attachment as a download that is never cached and,
// opened in a browser anyway, runs in a sandbox with nothing allowed.
func Download(w http.ResponseWriter, contentType, filename string, content []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	w.Header().Set("Content-Length", fmt.Sprint(len(content)))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	_, err := w.Write(content)
	return err
}

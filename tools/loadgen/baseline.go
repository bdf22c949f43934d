package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the driver ctip uses; nothing else of ctip
)

// The baseline is the least a server can do for POST /api/v1/intake: decode
// the same JSON body and run one INSERT into a table shaped like
// intake_items (same columns, same indexes, same foreign keys) in its own
// transaction, on the same SQLite settings as ctip: WAL, synchronous NORMAL,
// one writer connection, immediate transactions. No authentication lookup,
// validation, encryption, reference counter, event or audit trail.

// baselineToken is the only bearer token the baseline accepts.
const baselineToken = "baseline"

// baselineDSN copies the settings of internal/store/db.go (sqliteDSN) for
// the write pool. Keep the two in step.
func baselineDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "cache_size(-32000)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	q.Set("_timezone", "UTC")
	return "file:" + path + "?" + q.Encode()
}

// baselineSchema mirrors intake_items of internal/store/migrations/sqlite/00002_intake.sql
// (columns, primary key, unique constraint, foreign keys and indexes).
const baselineSchema = `
CREATE TABLE units (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE intake_items (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL,
    receiving_unit_id TEXT NOT NULL REFERENCES units (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    received_by TEXT NOT NULL REFERENCES users (id),
    assigned_to TEXT REFERENCES users (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    received_on DATE NOT NULL,
    summary BLOB,
    persons BLOB,
    reporter_anonymous BOOLEAN NOT NULL,
    reporter_name BLOB,
    reporter_organisation BLOB,
    reporter_phone BLOB,
    reporter_email BLOB,
    reporter_id_number BLOB,
    reporter_address BLOB,
    province_code TEXT,
    commune_code TEXT,
    country_code TEXT,
    offence_article TEXT NOT NULL,
    status TEXT NOT NULL,
    clock_kind TEXT NOT NULL,
    clock_start DATE NOT NULL,
    clock_months INTEGER NOT NULL DEFAULT 0,
    deadline DATE,
    notice_due DATE NOT NULL,
    procuracy_notified_on DATE,
    body_extension_months INTEGER NOT NULL DEFAULT 0,
    procuracy_extended BOOLEAN NOT NULL DEFAULT FALSE,
    decision_ground TEXT,
    decided_on DATE,
    decision_number TEXT,
    case_id TEXT,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (receiving_unit_id, reference)
);
CREATE INDEX intake_unit_received ON intake_items (unit_id, received_at);
CREATE INDEX intake_received ON intake_items (received_at);
CREATE INDEX intake_assigned ON intake_items (assigned_to, received_at);
CREATE INDEX intake_open_deadline ON intake_items (deadline, status);
CREATE INDEX intake_unit_deadline ON intake_items (unit_id, deadline);
CREATE INDEX intake_status_received ON intake_items (status, received_at);
`

type baseline struct {
	db   *sql.DB
	unit string
	user string
	n    atomic.Int64
}

// openBaseline creates the database in dir (a new temporary folder if "").
func openBaseline(dir string, prefill int) (*baseline, func(), error) {
	cleanup := func() {}
	if dir == "" {
		d, err := os.MkdirTemp("", "loadgen-baseline-")
		if err != nil {
			return nil, nil, err
		}
		dir, cleanup = d, func() { os.RemoveAll(d) }
	}
	path := filepath.Join(dir, "baseline.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	db, err := sql.Open("sqlite", baselineDSN(path))
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	db.SetMaxOpenConns(1) // one writer connection, as ctip
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	b := &baseline{db: db, unit: uuid7(), user: uuid7()}
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, baselineSchema); err != nil {
		db.Close()
		cleanup()
		return nil, nil, err
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO units VALUES ($1, 'PC02'); INSERT INTO users VALUES ($2, 'officer')`, b.unit, b.user); err != nil {
		db.Close()
		cleanup()
		return nil, nil, err
	}
	if err := b.prefill(ctx, prefill); err != nil {
		db.Close()
		cleanup()
		return nil, nil, err
	}
	return b, func() { db.Close(); cleanup() }, nil
}

// prefill inserts n rows shaped like the benchmark's (so that the table and
// its indexes are as deep as ctip's seeded ones), in large transactions.
func (b *baseline) prefill(ctx context.Context, n int) error {
	if n <= 0 {
		return nil
	}
	start := time.Now()
	body := newBodies(99)
	for done := 0; done < n; {
		tx, err := b.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for k := 0; k < 20000 && done < n; k++ {
			var in baselineInput
			if err := json.Unmarshal(body.next(), &in); err != nil {
				tx.Rollback()
				return err
			}
			at := start.Add(-time.Duration(n-done) * time.Minute).UTC()
			if err := b.insert(ctx, tx, &in, at); err != nil {
				tx.Rollback()
				return err
			}
			done++
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "baseline: prefilled %d rows in %s\n", n, time.Since(start).Round(time.Second))
	return nil
}

// baselineInput is the body of POST /api/v1/intake.
type baselineInput struct {
	Kind           string            `json:"kind"`
	Channel        string            `json:"channel"`
	ReceivedAt     string            `json:"received_at"`
	Summary        string            `json:"summary"`
	Persons        string            `json:"persons"`
	CommuneCode    string            `json:"commune_code"`
	ProvinceCode   string            `json:"province_code"`
	CountryCode    string            `json:"country_code"`
	OffenceArticle string            `json:"offence_article"`
	Reporter       *baselineReporter `json:"reporter"`
}

type baselineReporter struct {
	Anonymous    bool   `json:"anonymous"`
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	IDNumber     string `json:"id_number"`
	Address      string `json:"address"`
}

func (b *baseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/intake" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+baselineToken {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body", http.StatusBadRequest)
		return
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	var in baselineInput
	if err := dec.Decode(&in); err != nil {
		http.Error(w, "json", http.StatusBadRequest)
		return
	}
	at, err := time.Parse(time.RFC3339, in.ReceivedAt)
	if err != nil {
		http.Error(w, "received_at", http.StatusUnprocessableEntity)
		return
	}
	tx, err := b.db.BeginTx(r.Context(), nil)
	var id, ref, deadline string
	if err == nil {
		id, ref, deadline, err = b.insertRow(r.Context(), tx, &in, at.UTC())
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
		}
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out, _ := json.Marshal(map[string]any{"id": id, "reference": ref, "status": "received",
		"received_at": at.UTC().Format(time.RFC3339), "deadline": deadline, "version": 1})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Location", "/api/v1/intake/"+id)
	w.WriteHeader(http.StatusCreated)
	w.Write(out)
}

func (b *baseline) insert(ctx context.Context, tx *sql.Tx, in *baselineInput, at time.Time) error {
	_, _, _, err := b.insertRow(ctx, tx, in, at)
	return err
}

// insertRow is the one INSERT.
func (b *baseline) insertRow(ctx context.Context, tx *sql.Tx, in *baselineInput, at time.Time) (id, ref, deadline string, err error) {
	rp := in.Reporter
	if rp == nil {
		rp = &baselineReporter{Anonymous: true}
	}
	now := time.Now().UTC()
	day := at.Format("2006-01-02")
	deadline = at.AddDate(0, 0, 20).Format("2006-01-02")
	id = uuid7()
	ref = fmt.Sprintf("%d/TB-%d", b.n.Add(1), at.Year())
	_, err = tx.ExecContext(ctx, `INSERT INTO intake_items (id, reference, receiving_unit_id, unit_id, received_by, assigned_to,
		kind, channel, received_at, received_on, summary, persons, reporter_anonymous, reporter_name, reporter_organisation,
		reporter_phone, reporter_email, reporter_id_number, reporter_address, province_code, commune_code, country_code,
		offence_article, status, clock_kind, clock_start, clock_months, deadline, notice_due, procuracy_notified_on,
		body_extension_months, procuracy_extended, decision_ground, decided_on, decision_number, case_id, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
		$25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39)`,
		id, ref, b.unit, b.unit, b.user, nil, in.Kind, in.Channel, at, day, []byte(in.Summary), []byte(in.Persons),
		rp.Anonymous, []byte(rp.Name), []byte(rp.Organisation), []byte(rp.Phone), []byte(rp.Email), []byte(rp.IDNumber),
		[]byte(rp.Address), "11", in.CommuneCode, nil, in.OffenceArticle, "received", "base", day, 0, deadline, deadline,
		nil, 0, false, nil, nil, nil, nil, 1, now, now)
	return id, ref, deadline, err
}

// serveBaseline listens on addr and serves until ctx ends.
func serveBaseline(ctx context.Context, addr, dir string, prefill int, ready func(url string)) error {
	b, closeDB, err := openBaseline(dir, prefill)
	if err != nil {
		return err
	}
	defer closeDB()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready("http://" + ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	var n int
	b.db.QueryRow(`SELECT COUNT(*) FROM intake_items`).Scan(&n)
	fmt.Fprintf(os.Stderr, "baseline: %d rows written\n", n)
	return nil
}

func cmdBaseline(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("baseline", flag.ExitOnError)
	c := fs.Int("c", 8, "concurrent clients")
	d := fs.Duration("d", 30*time.Second, "measured duration")
	warm := fs.Duration("warmup", 3*time.Second, "unmeasured warm-up")
	dir := fs.String("dir", "", "folder for the baseline database (default: a new temporary folder, removed at the end)")
	prefill := fs.Int("prefill", 0, "rows to insert before measuring (e.g. as many as the ctip database holds)")
	fs.Parse(args)
	sctx, stop := context.WithCancel(ctx)
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serveBaseline(sctx, "127.0.0.1:0", *dir, *prefill, func(u string) { urls <- u }) }()
	var u string
	select {
	case u = <-urls:
	case err := <-done:
		stop()
		return err
	}
	res, err := runCreate(ctx, u, auth{token: baselineToken}, *c, *warm, *d)
	stop()
	if serr := <-done; err == nil {
		err = serr
	}
	if err != nil {
		return err
	}
	res.print("create", "baseline-inprocess", *c)
	return nil
}

func cmdBaselineServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("baseline-serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:8099", "listen address")
	dir := fs.String("dir", "", "folder for the baseline database (default: a new temporary folder, removed at the end)")
	prefill := fs.Int("prefill", 0, "rows to insert before serving (e.g. as many as the ctip database holds)")
	fs.Parse(args)
	return serveBaseline(ctx, *addr, *dir, *prefill, func(u string) {
		fmt.Printf("baseline listening on %s (token %q)\n", u, baselineToken)
	})
}

// uuid7 makes a time-ordered UUID (RFC 9562 version 7), as ctip's IDs.
func uuid7() string {
	var b [16]byte
	rand.Read(b[6:])
	ms := uint64(time.Now().UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

package store

// Internal tests of group commit and of the SQLite connection wrapper
// (SQLite only: on PostgreSQL every transaction is its own).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ctip"
	"ctip/internal/audit"
	"ctip/internal/crypt"
)

func openSQLiteForTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{URL: filepath.Join(t.TempDir(), "ctip.db"), Keys: crypt.NewKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func auditEvent(i int) ctip.AuditEvent {
	a := &ctip.Actor{UserID: ctip.NewID(), Username: "tester", UnitID: ctip.NewID()}
	return ctip.NewAuditEvent(a, time.Date(2026, 3, 1, 8, 0, i, 0, time.UTC), "test.event", "test", ctip.NewID())
}

func auditCount(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func verifyChain(t *testing.T, db *DB) {
	t.Helper()
	res, err := (&audit.Service{Store: db}).Verify(ctip.WithActor(context.Background(), ctip.SystemActor("test")))
	if err != nil {
		t.Fatal(err)
	}
	if res.Break != nil {
		t.Fatalf("audit chain broken: %+v", res)
	}
}

// waitQueued waits until n jobs wait for the writer.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(db.group.jobs) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs queued, want %d", len(db.group.jobs), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGroupCommitIsolatesRequests holds the writer, queues requests that
// succeed, fail, panic or give up, then lets them run as one group: each
// gets its own outcome and only the successful ones are written.
func TestGroupCommitIsolatesRequests(t *testing.T) {
	db := openSQLiteForTest(t)
	ctx := context.Background()
	before := auditCount(t, db)

	started, release := make(chan struct{}), make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- db.tx(ctx, func(tx *sql.Tx) error {
			close(started)
			<-release
			return db.appendAudit(ctx, tx, auditEvent(0))
		})
	}()
	<-started

	type outcome struct {
		err   error
		panic any
	}
	var wg sync.WaitGroup
	results := make([]outcome, 5)
	run := func(i int, ctx context.Context, fn func(tx *sql.Tx) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { results[i].panic = recover() }()
			results[i].err = db.tx(ctx, fn)
		}()
	}
	boom := errors.New("refused")
	run(0, ctx, func(tx *sql.Tx) error { return db.appendAudit(ctx, tx, auditEvent(1)) })
	waitQueued(t, db, 1)
	run(1, ctx, func(tx *sql.Tx) error {
		if err := db.appendAudit(ctx, tx, auditEvent(2)); err != nil {
			return err
		}
		return boom // its event must not stay
	})
	waitQueued(t, db, 2)
	run(2, ctx, func(tx *sql.Tx) error {
		if err := db.appendAudit(ctx, tx, auditEvent(3)); err != nil {
			return err
		}
		panic("bug")
	})
	waitQueued(t, db, 3)
	cctx, cancel := context.WithCancel(ctx)
	run(3, cctx, func(tx *sql.Tx) error { return db.appendAudit(ctx, tx, auditEvent(4)) })
	waitQueued(t, db, 4)
	cancel() // gives up while queued: never runs
	time.Sleep(20 * time.Millisecond)
	run(4, ctx, func(tx *sql.Tx) error { return db.appendAudit(ctx, tx, auditEvent(5)) })
	waitQueued(t, db, 5)

	close(release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if results[0].err != nil || results[4].err != nil {
		t.Fatalf("successful requests failed: %v, %v", results[0].err, results[4].err)
	}
	if !errors.Is(results[1].err, boom) {
		t.Errorf("failing request: err = %v, want %v", results[1].err, boom)
	}
	if results[2].panic != "bug" {
		t.Errorf("panicking request: panic = %v, want it re-raised in its caller", results[2].panic)
	}
	if results[3].err == nil || !strings.Contains(results[3].err.Error(), "cancel") {
		t.Errorf("abandoned request: err = %v, want the context's error", results[3].err)
	}
	// The holder, requests 0 and 4.
	if got := auditCount(t, db) - before; got != 3 {
		t.Errorf("%d events written, want 3", got)
	}
	verifyChain(t, db)
}

// TestGroupCommitUnderConcurrency writes from many goroutines at once, with
// some requests failing: every success is written once, in one intact chain.
func TestGroupCommitUnderConcurrency(t *testing.T) {
	db := openSQLiteForTest(t)
	ctx := context.Background()
	before := auditCount(t, db)
	const workers, each = 16, 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, failed := 0, 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				fail := (w+i)%7 == 0
				err := db.tx(ctx, func(tx *sql.Tx) error {
					if err := db.appendAudit(ctx, tx, auditEvent(i)); err != nil {
						return err
					}
					if fail {
						return errors.New("refused")
					}
					return nil
				})
				mu.Lock()
				if err == nil {
					ok++
				} else if fail {
					failed++
				} else {
					t.Errorf("worker %d: %v", w, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok+failed != workers*each || failed == 0 {
		t.Fatalf("ok %d, failed %d", ok, failed)
	}
	if got := auditCount(t, db) - before; got != ok {
		t.Errorf("%d events written, want %d", got, ok)
	}
	verifyChain(t, db)
}

func TestGroupWriterStopsWithTheStore(t *testing.T) {
	db, err := Open(context.Background(), Options{URL: filepath.Join(t.TempDir(), "ctip.db"), Keys: crypt.NewKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = db.tx(context.Background(), func(tx *sql.Tx) error { return nil })
	if err == nil {
		t.Fatal("a write after Close succeeded")
	}
}

// TestStatementCache reuses prepared statements: a query run again while its
// rows are still open, more distinct statements than the cache holds, and a
// schema change between two runs of a cached statement.
func TestStatementCache(t *testing.T) {
	db := openSQLiteForTest(t)
	ctx := context.Background()
	for i := range 3 {
		if err := db.AppendAudit(ctx, auditEvent(i)); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT seq FROM audit_events WHERE seq >= $1 ORDER BY seq`
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, 0)
		if err != nil {
			return err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var seq int64
			if err := rows.Scan(&seq); err != nil {
				return err
			}
			// The same statement while its rows are open (same connection).
			var first int64
			if err := tx.QueryRowContext(ctx, q, seq).Scan(&first); err != nil {
				return err
			}
			if first != seq {
				return fmt.Errorf("nested query: %d, want %d", first, seq)
			}
			n++
		}
		if n != 3 {
			return fmt.Errorf("%d rows, want 3", n)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range stmtCacheSize + 20 {
		var v int
		if err := db.QueryRow(ctx, fmt.Sprintf(`SELECT %d + $1`, i), 1).Scan(&v); err != nil || v != i+1 {
			t.Fatalf("statement %d: %v, %d", i, err, v)
		}
	}
	if _, err := db.Exec(ctx, `CREATE TABLE cache_probe (a INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO cache_probe (a) VALUES ($1)`, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `ALTER TABLE cache_probe ADD COLUMN b INTEGER NOT NULL DEFAULT 7`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO cache_probe (a) VALUES ($1)`, 2); err != nil {
		t.Fatal(err)
	}
	var sum int
	if err := db.w.QueryRowContext(ctx, `SELECT SUM(a + b) FROM cache_probe`).Scan(&sum); err != nil || sum != 17 {
		t.Fatalf("after a schema change: %v, %d", err, sum)
	}
}

// TestReadsStillCancel: only the write connection ignores cancellation.
func TestReadsStillCancel(t *testing.T) {
	db := openSQLiteForTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events`).Scan(&n); err == nil {
		t.Fatal("a read with a cancelled context succeeded")
	}
}

// TestBackgroundCheckpoints: the WAL is copied back by the checkpointer, so
// the next write starts it over instead of growing it.
func TestBackgroundCheckpoints(t *testing.T) {
	db := openSQLiteForTest(t)
	ctx := context.Background()
	frames := func() int {
		var busy, log, done int
		if err := db.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
			t.Fatal(err)
		}
		return log
	}
	for i := range 300 {
		if err := db.AppendAudit(ctx, auditEvent(i)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(5 * checkpointEvery)
	if err := db.AppendAudit(ctx, auditEvent(300)); err != nil {
		t.Fatal(err)
	}
	if n := frames(); n > 50 {
		t.Errorf("the WAL holds %d frames after a pause and one write: the background checkpoints did not run", n)
	}
	verifyChain(t, db)
}

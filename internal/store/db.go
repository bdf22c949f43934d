// Package store implements every domain Store on database/sql, for SQLite
// (modernc.org/sqlite, the embedded default) and PostgreSQL (pgx). One SQL
// text serves both engines; the few differences live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"ctip"
	"ctip/internal/crypt"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is the store: a write pool and a read pool (the same pool on
// PostgreSQL), the field-encryption keyring and the clock.
type DB struct {
	Engine Engine
	w      *sql.DB // SQLite: a single connection, so writers queue in Go, not on SQLITE_BUSY
	r      *sql.DB
	keys   *crypt.Keyring
	clock  ctip.Clock
	path   string        // SQLite file
	group  *groupWriter  // SQLite: group commit of write transactions
	ckpt   *checkpointer // SQLite: background WAL checkpoints
	bound  *sql.Tx       // set on the copy of the store given to a Batch function
}

// Options configure Open.
type Options struct {
	// URL is a postgres:// URL, or a SQLite file path (optionally "sqlite:" or "file:" prefixed).
	URL   string
	Keys  *crypt.Keyring
	Clock ctip.Clock
	// MaxOpen bounds the PostgreSQL pool and the SQLite read pool (default 8 / 4).
	MaxOpen int
}

// IsPostgresURL reports whether a database setting selects PostgreSQL.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Open connects to the database. It does not migrate; call Migrate.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Keys == nil {
		return nil, errors.New("store: no keyring")
	}
	if o.Clock == nil {
		o.Clock = ctip.SystemClock{}
	}
	db := &DB{keys: o.Keys, clock: o.Clock}
	if IsPostgresURL(o.URL) {
		db.Engine = Postgres
		p, err := sql.Open("pgx", o.URL)
		if err != nil {
			return nil, err
		}
		n := o.MaxOpen
		if n <= 0 {
			n = 8
		}
		p.SetMaxOpenConns(n)
		p.SetMaxIdleConns(n)
		p.SetConnMaxIdleTime(5 * time.Minute)
		db.w, db.r = p, p
	} else {
		db.Engine = SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(o.URL, "sqlite:"), "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path == "" || path == ":memory:" {
			return nil, errors.New("store: SQLite needs a file path (an in-memory database cannot be shared by a pool)")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		db.path = path
		w, err := openSQLite(sqliteDSN(path, false), true)
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		r, err := openSQLite(sqliteDSN(path, true), false)
		if err != nil {
			w.Close()
			return nil, err
		}
		n := o.MaxOpen
		if n <= 0 {
			n = 4
		}
		r.SetMaxOpenConns(n)
		r.SetMaxIdleConns(n)
		db.w, db.r = w, r
		if db.ckpt, err = startCheckpointer(sqliteDSN(path, false)); err != nil {
			db.Close()
			return nil, err
		}
		db.group = startGroupWriter(db)
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.w.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: cannot reach the %s database: %w", db.Engine, err)
	}
	return db, nil
}

// sqliteDSN builds the connection string: busy_timeout first, WAL,
// synchronous NORMAL (durable across process crashes; the last commits may be
// lost only on power loss), foreign keys on, immediate write transactions,
// times stored as UTC text.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "cache_size(-32000)")
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "wal_autocheckpoint(10000)") // a safety net: see checkpoint.go
		q.Set("_txlock", "immediate")
	}
	q.Set("_time_format", "sqlite")
	q.Set("_timezone", "UTC")
	return "file:" + path + "?" + q.Encode()
}

// Close closes the pools.
func (db *DB) Close() error {
	if db.group != nil {
		db.group.stop()
	}
	if db.ckpt != nil {
		db.ckpt.stop()
	}
	var err error
	if db.r != nil && db.r != db.w {
		err = db.r.Close()
	}
	if db.w != nil {
		err = errors.Join(err, db.w.Close())
	}
	return err
}

// Keys returns the keyring.
func (db *DB) Keys() *crypt.Keyring { return db.keys }

// Clock returns the store's clock.
func (db *DB) Clock() ctip.Clock { return db.clock }

// Stats returns the connection-pool statistics of the write pool and the read
// pool (the same pool on PostgreSQL).
func (db *DB) Pools() map[string]*sql.DB {
	if db.r == db.w {
		return map[string]*sql.DB{"main": db.w}
	}
	return map[string]*sql.DB{"write": db.w, "read": db.r}
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.w.PingContext(ctx); err != nil {
		return err
	}
	return db.r.PingContext(ctx)
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx runs fn in a write transaction, committing when fn returns nil. On
// SQLite, transactions waiting for the writer at the same time share one
// COMMIT (see groupcommit.go); inside Batch, fn joins the batch's transaction.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	if db.bound != nil {
		return fn(db.bound) // inside Batch: join its transaction
	}
	if db.group != nil {
		return db.group.run(ctx, fn)
	}
	t, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err, "begin")
	}
	defer func() {
		if p := recover(); p != nil {
			t.Rollback()
			panic(p)
		}
		if err != nil {
			t.Rollback()
			return
		}
		if cerr := t.Commit(); cerr != nil {
			err = mapErr(cerr, "commit")
		}
	}()
	return fn(t)
}

// Batch runs fn with a view of the store whose transactional writes (every
// method that writes a record with its audit event) all join ONE
// transaction, committed when fn returns nil and rolled back otherwise: a
// bulk import is all or nothing, and costs one commit instead of one per
// record. Inside fn:
//   - reads through b see only committed data, not the batch's own writes;
//   - only the transactional write methods may be called: the few direct
//     writes (session and token touches, settings, job leases, notification
//     marks) would wait for the connection the batch holds on SQLite;
//   - the first error must end fn (on PostgreSQL a failed statement aborts
//     the whole transaction).
func (db *DB) Batch(ctx context.Context, fn func(b *DB) error) error {
	if db.bound != nil {
		return fn(db)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		b := *db
		b.bound = tx
		return fn(&b)
	})
}

// Exec runs a statement on the write pool (tests and tools only).
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.w.ExecContext(ctx, query, args...)
}

// QueryRow runs a one-row query on the read pool (tests and tools only).
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, query, args...)
}

// Query runs a query on the read pool (tests and tools only).
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.r.QueryContext(ctx, query, args...)
}

// Path returns the SQLite file path ("" on PostgreSQL).
func (db *DB) Path() string { return db.path }

// Backup writes a consistent copy of a SQLite database to path while the
// server may be running (VACUUM INTO reads one snapshot). On PostgreSQL it
// refuses: use pg_dump.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Engine != SQLite {
		return errors.New("store: on PostgreSQL, use pg_dump (see docs/OPERATIONS.md)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("store: %s already exists; choose a new file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	_, err = db.r.ExecContext(ctx, "VACUUM INTO $1", abs)
	if err != nil {
		// The read pool is query_only; VACUUM INTO writes only the new file
		// but SQLite may refuse it under query_only, so fall back to the writer.
		_, err = db.w.ExecContext(ctx, "VACUUM INTO $1", abs)
	}
	return err
}

package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
)

// SQLite connections wrapped for speed and safety.
//
// modernc.org/sqlite parses (prepares) every statement text on every call
// and finalizes it afterwards; for the short statements of a write
// transaction the parse costs about as much as the execution. The wrapper
// keeps the prepared statements of each connection, by SQL text, and reuses
// them (SQLite re-prepares a cached statement by itself after a schema
// change). Dynamic SQL (lists with filters) has many texts; the cache is
// bounded and simply emptied when full.
//
// On the write connection, statements also ignore context cancellation:
// SQLite rolls back the WHOLE transaction when a write statement is
// interrupted, which group commit (see groupcommit.go) cannot allow, since a
// transaction holds several requests. A cancelled context still stops a
// request before its transaction or its next statement starts (database/sql
// checks it), which rolls back only that request. Read connections keep
// cancellation.

const stmtCacheSize = 128

type sqliteConnector struct {
	drv      driver.Driver
	dsn      string
	noCancel bool
}

func (c *sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	inner, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &sqliteConn{inner: inner, noCancel: c.noCancel, stmts: map[string]*cachedStmt{}}, nil
}

func (c *sqliteConnector) Driver() driver.Driver { return c.drv }

// openSQLite opens a pool on the wrapped driver.
func openSQLite(dsn string, noCancel bool) (*sql.DB, error) {
	// The registered driver, reached through a throw-away handle (no connection is made).
	h, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	drv := h.Driver()
	h.Close()
	return sql.OpenDB(&sqliteConnector{drv: drv, dsn: dsn, noCancel: noCancel}), nil
}

type cachedStmt struct {
	s    driver.Stmt
	busy bool // rows of a query are open on it
}

// sqliteConn is used by one goroutine at a time (database/sql guarantees it).
type sqliteConn struct {
	inner    driver.Conn
	noCancel bool
	stmts    map[string]*cachedStmt
}

var (
	_ driver.Conn               = (*sqliteConn)(nil)
	_ driver.ConnBeginTx        = (*sqliteConn)(nil)
	_ driver.ConnPrepareContext = (*sqliteConn)(nil)
	_ driver.ExecerContext      = (*sqliteConn)(nil)
	_ driver.QueryerContext     = (*sqliteConn)(nil)
	_ driver.Pinger             = (*sqliteConn)(nil)
	_ driver.SessionResetter    = (*sqliteConn)(nil)
	_ driver.Validator          = (*sqliteConn)(nil)
)

func (c *sqliteConn) ctx(ctx context.Context) context.Context {
	if c.noCancel {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (c *sqliteConn) Prepare(query string) (driver.Stmt, error) {
	return c.inner.Prepare(query)
}

func (c *sqliteConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner.(driver.ConnPrepareContext).PrepareContext(c.ctx(ctx), query)
}

// Begin is required by driver.Conn; database/sql calls BeginTx.
func (c *sqliteConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *sqliteConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.(driver.ConnBeginTx).BeginTx(c.ctx(ctx), opts)
}

func (c *sqliteConn) Close() error {
	for _, cs := range c.stmts {
		cs.s.Close()
	}
	c.stmts = nil
	return c.inner.Close()
}

func (c *sqliteConn) Ping(ctx context.Context) error {
	return c.inner.(driver.Pinger).Ping(ctx)
}

func (c *sqliteConn) ResetSession(ctx context.Context) error {
	return c.inner.(driver.SessionResetter).ResetSession(ctx)
}

func (c *sqliteConn) IsValid() bool { return c.inner.(driver.Validator).IsValid() }

// stmt returns the cached statement of query, preparing it on first use. A
// statement whose rows are still open is not shared: the caller gets a fresh
// one (owned, closed with its rows).
func (c *sqliteConn) stmt(ctx context.Context, query string) (cs *cachedStmt, owned bool, err error) {
	if cs := c.stmts[query]; cs != nil && !cs.busy {
		return cs, false, nil
	}
	s, err := c.inner.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	cs = &cachedStmt{s: s}
	if _, taken := c.stmts[query]; taken {
		return cs, true, nil
	}
	if len(c.stmts) >= stmtCacheSize {
		for q, old := range c.stmts {
			if !old.busy {
				old.s.Close()
				delete(c.stmts, q)
			}
		}
	}
	c.stmts[query] = cs
	return cs, false, nil
}

func (c *sqliteConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ctx = c.ctx(ctx)
	cs, owned, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if owned {
		defer cs.s.Close()
	}
	return cs.s.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *sqliteConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	ctx = c.ctx(ctx)
	cs, owned, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := cs.s.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		if owned {
			cs.s.Close()
		}
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: rows, cs: cs, owned: owned}, nil
}

// cachedRows frees (or closes) its statement when closed.
type cachedRows struct {
	driver.Rows
	cs     *cachedStmt
	owned  bool
	closed bool
}

func (r *cachedRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Rows.Close()
	r.cs.busy = false
	if r.owned {
		err = errors.Join(err, r.cs.s.Close())
	}
	return err
}

func (r *cachedRows) Next(dest []driver.Value) error {
	err := r.Rows.Next(dest)
	if err == io.EOF {
		return io.EOF // unwrapped: database/sql compares with ==
	}
	return err
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

package store

import (
	"context"
	"time"
)

// Query-planner statistics.
//
// SQLite's planner chooses indexes better with statistics (the
// sqlite_stat1 table written by ANALYZE), and SQLite never gathers them by
// itself. Its documentation recommends, for long-lived connections,
// `PRAGMA optimize=0x10002` when a connection opens and `PRAGMA optimize`
// periodically and before closing: it analyzes only the tables whose
// statistics are missing or stale (their size changed about tenfold), with
// a temporary analysis limit so that it stays quick (SQLite 3.46+).
//
//   - Periodically: the "store.optimize" job of `ctip serve` (jobs lease, so
//     once per period whatever the number of processes) runs
//     `PRAGMA optimize=0x10002` on the write connection (it queues behind
//     the other writers in Go like any write; readers are not blocked, WAL).
//     The 0x10000 bit checks every table, not only those this connection
//     used: the write connection runs few of the queries.
//   - On close: `PRAGMA optimize` (see Close).
//   - The read pool's connections load the statistics when they open and
//     never reload them (SQLite reads sqlite_stat1 with the schema), so
//     they are recycled after OptimizeEvery: new statistics reach every
//     reader within one period.
//
// On PostgreSQL nothing is done: autovacuum's autoanalyze keeps pg_statistic
// current (after autovacuum_analyze_scale_factor, 10 % of a table, changed);
// see docs/OPERATIONS.md. Several instances therefore never run ANALYZE
// concurrently.

// OptimizeEvery is the period of the statistics job and the lifetime of a
// SQLite read connection.
const OptimizeEvery = time.Hour

// Optimize refreshes the planner's statistics (SQLite; nothing on PostgreSQL).
func (db *DB) Optimize(ctx context.Context) error {
	if db.Engine != SQLite {
		return nil
	}
	_, err := db.w.ExecContext(ctx, `PRAGMA optimize=0x10002`)
	return mapErr(err, "optimize")
}

// optimizeOnClose is the documented `PRAGMA optimize` before a connection
// closes (quick: only the tables this connection used, if they need it).
func (db *DB) optimizeOnClose() {
	if db.Engine != SQLite || db.w == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db.w.ExecContext(ctx, `PRAGMA optimize`)
}

package store

import (
	"database/sql"
	"sync"
	"time"
)

// Background WAL checkpoints (SQLite only).
//
// With synchronous=NORMAL a commit does not fsync: the fsyncs come with the
// checkpoints that copy the WAL back into the database file. By default
// SQLite runs one inside the COMMIT that takes the WAL past 1,000 pages, so
// every few dozen writes one request, and every request queued behind the
// single writer, waits for a checkpoint's scattered writes and two fsyncs.
// Instead a goroutine runs a PASSIVE checkpoint on a connection of its own
// every checkpointEvery: it copies what no reader still needs without
// blocking the writer or the readers. The write connection checkpoints by
// itself only as a safety net, past 10,000 pages (see sqliteDSN).
const checkpointEvery = 100 * time.Millisecond

type checkpointer struct {
	db   *sql.DB
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

func startCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	c := &checkpointer{db: db, quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-c.quit:
				return
			case <-t.C:
				// Errors (a checkpoint already running) are retried at the next tick.
				db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	}()
	return c, nil
}

func (c *checkpointer) stop() {
	c.once.Do(func() {
		close(c.quit)
		<-c.done
		c.db.Close()
	})
}

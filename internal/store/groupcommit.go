package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit (SQLite only).
//
// SQLite has one writer, and a good part of a small write transaction's cost
// is its COMMIT: every b-tree page it touched is appended to the WAL.
// Consecutive transactions touch mostly the same pages (the right edge of
// time-ordered indexes, the audit head, the counters), so when several
// requests are waiting for the writer, the writer runs them one after the
// other inside ONE SQLite transaction, each in its own SAVEPOINT, and commits
// once:
//
//   - a request whose function fails is rolled back to its savepoint alone;
//     the others are unaffected;
//   - no request is told it succeeded before the shared COMMIT succeeded; if
//     the COMMIT fails, every request of the group gets the error and nothing
//     of theirs is written, exactly as if each had failed on its own;
//   - a request runs only once; if its context ends while it waits in the
//     queue it is dropped and its caller gets the context's error (nothing
//     written); once it has started, its caller waits for the outcome, so an
//     error always means "nothing written" and success always means "durable
//     as the COMMIT";
//   - statements on the write connection are never interrupted by a
//     context (see sqliteconn.go): SQLite rolls back the whole transaction
//     when a write statement is interrupted, which would take the other
//     requests' work with it. A cancelled request still stops before its
//     next statement, and only its own savepoint is rolled back.
//
// With no concurrency, a group holds one request and runs without a
// savepoint: the same statements as a plain transaction.

// maxGroup bounds the requests committed together (and so the extra latency
// a request can wait for the others of its group).
const maxGroup = 32

type writeJob struct {
	fn    func(*sql.Tx) error
	state atomic.Int32 // jobQueued → jobRunning, or jobQueued → jobAbandoned
	err   error
	panic any
	done  chan struct{}
}

const (
	jobQueued int32 = iota
	jobRunning
	jobAbandoned
)

// groupWriter owns the write pool's connection while it runs a group.
type groupWriter struct {
	db      *DB
	jobs    chan *writeJob
	quit    chan struct{} // closed by stop
	stopped chan struct{} // closed when the loop has ended
	close   sync.Once
}

func startGroupWriter(db *DB) *groupWriter {
	g := &groupWriter{db: db, jobs: make(chan *writeJob, maxGroup), quit: make(chan struct{}), stopped: make(chan struct{})}
	go g.loop()
	return g
}

func (g *groupWriter) stop() {
	g.close.Do(func() { close(g.quit) })
	<-g.stopped
}

var errClosed = errors.New("store: closed")

// run submits fn and waits for its outcome.
func (g *groupWriter) run(ctx context.Context, fn func(*sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return mapErr(err, "begin")
	}
	select {
	case <-g.quit:
		return errClosed
	default:
	}
	j := &writeJob{fn: fn, done: make(chan struct{})}
	select {
	case g.jobs <- j:
	case <-ctx.Done():
		return mapErr(ctx.Err(), "begin")
	case <-g.quit:
		return errClosed
	}
	select {
	case <-j.done:
	case <-ctx.Done():
		if j.state.CompareAndSwap(jobQueued, jobAbandoned) {
			return mapErr(ctx.Err(), "begin")
		}
		<-j.done // started: its outcome is what the caller must hear
	case <-g.stopped:
		if j.state.CompareAndSwap(jobQueued, jobAbandoned) {
			return errClosed
		}
		<-j.done
	}
	if j.panic != nil {
		panic(j.panic)
	}
	return j.err
}

func (g *groupWriter) loop() {
	defer close(g.stopped)
	for {
		var first *writeJob
		select {
		case first = <-g.jobs:
		case <-g.quit:
			// Fail whatever is still queued.
			for {
				select {
				case j := <-g.jobs:
					if j.state.CompareAndSwap(jobQueued, jobRunning) {
						j.err = errClosed
						close(j.done)
					}
				default:
					return
				}
			}
		}
		group := []*writeJob{first}
	collect:
		for len(group) < maxGroup {
			select {
			case j := <-g.jobs:
				group = append(group, j)
			default:
				break collect
			}
		}
		g.runGroup(group)
	}
}

// runGroup runs the jobs in one transaction (several transactions if the
// transaction breaks under a job).
func (g *groupWriter) runGroup(group []*writeJob) {
	var live []*writeJob
	for _, j := range group {
		if j.state.CompareAndSwap(jobQueued, jobRunning) {
			live = append(live, j)
		}
	}
	for len(live) > 0 {
		live = g.runTx(live)
	}
}

// runTx runs jobs in one transaction and reports their outcomes. It returns
// the jobs not yet run when the transaction broke (to run in a new one).
func (g *groupWriter) runTx(jobs []*writeJob) (rest []*writeJob) {
	bg := context.Background()
	t, err := g.db.w.BeginTx(bg, nil)
	if err != nil {
		for _, j := range jobs {
			j.err = mapErr(err, "begin")
			close(j.done)
		}
		return nil
	}
	var ok []*writeJob // jobs whose work is in the transaction
	finish := func(err error) {
		for _, j := range ok {
			j.err = err
			close(j.done)
		}
	}
	if len(jobs) == 1 {
		// Alone: a plain transaction.
		j := jobs[0]
		j.panic, j.err = call(j, t)
		if j.err != nil || j.panic != nil {
			t.Rollback()
			close(j.done)
			return nil
		}
		ok = append(ok, j)
		finish(mapErr(t.Commit(), "commit"))
		return nil
	}
	for i, j := range jobs {
		if _, err := t.ExecContext(bg, "SAVEPOINT job"); err != nil {
			// The transaction is gone: those already run fail with it, the rest go on in a new one.
			t.Rollback()
			finish(mapErr(err, "savepoint"))
			return jobs[i:]
		}
		j.panic, j.err = call(j, t)
		if j.err == nil && j.panic == nil {
			if _, err := t.ExecContext(bg, "RELEASE job"); err != nil {
				t.Rollback()
				ok = append(ok, j)
				finish(mapErr(err, "savepoint"))
				return jobs[i+1:]
			}
			ok = append(ok, j)
			continue
		}
		// Undo this job alone. If SQLite already rolled the whole
		// transaction back (I/O error, disk full), the savepoint is gone:
		// the jobs run before fail too, the rest go on in a new one.
		_, rerr := t.ExecContext(bg, "ROLLBACK TO job")
		if rerr == nil {
			_, rerr = t.ExecContext(bg, "RELEASE job")
		}
		close(j.done)
		if rerr != nil {
			t.Rollback()
			finish(fmt.Errorf("store: transaction lost: %w", j.errOr(rerr)))
			return jobs[i+1:]
		}
	}
	if len(ok) == 0 {
		t.Rollback()
		return nil
	}
	finish(mapErr(t.Commit(), "commit"))
	return nil
}

func (j *writeJob) errOr(err error) error {
	if j.err != nil {
		return j.err
	}
	return err
}

// call runs a job's function on tx, catching a panic (re-raised in the
// caller's goroutine).
func call(j *writeJob, tx *sql.Tx) (p any, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = r
		}
	}()
	return nil, j.fn(tx)
}

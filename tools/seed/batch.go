package main

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"

	"ctip"
	"ctip/internal/intake"
	"ctip/internal/store"
)

// batcher is the intake service's Store while seeding.
//
// Writes are queued, in order, to a goroutine that runs them through the
// real store methods inside store.DB.Batch transactions of `size` writes, so
// the demo loader (one goroutine, CPU-bound) and the store (the other core)
// work in parallel. The loader does not wait for a write: a failure is
// reported by the next call, and the whole seed stops.
//
// Reads of the items this process wrote are answered from memory: the latest
// version and its events, exactly as written. Anything else reads the
// committed database.
type batcher struct {
	db   *store.DB
	size int
	ops  chan op
	done chan error

	seq       int64        // writes queued (loader goroutine)
	committed atomic.Int64 // seq of the last committed write
	commits   atomic.Int64 // committed transactions
	failed    atomic.Pointer[error]

	cache map[ctip.ID]*entry // loader goroutine only
}

type entry struct {
	it     intake.Item
	events []intake.Event
	seq    int64 // write that stored this version
}

type op struct {
	seq int64
	fn  func(b *store.DB) error
}

// cacheLimit bounds the items kept in memory; committed ones are dropped
// when it is reached.
const cacheLimit = 300_000

func newBatcher(ctx context.Context, db *store.DB, size int) *batcher {
	bs := &batcher{db: db, size: max(size, 1), ops: make(chan op, 4096), done: make(chan error, 1), cache: map[ctip.ID]*entry{}}
	go bs.loop(ctx)
	return bs
}

var errAborted = errors.New("seed: an earlier write failed")

func (bs *batcher) loop(ctx context.Context) {
	fail := func(err error) {
		bs.failed.CompareAndSwap(nil, &err)
		for range bs.ops { // drop the rest; the loader stops at its next call
		}
		bs.done <- err
	}
	for {
		first, ok := <-bs.ops
		if !ok {
			bs.done <- nil
			return
		}
		closed := false
		last := first.seq
		err := bs.db.Batch(ctx, func(b *store.DB) error {
			o := first
			for k := 1; ; k++ {
				if err := o.fn(b); err != nil {
					return err
				}
				last = o.seq
				if k >= bs.size {
					return nil
				}
				if o, ok = <-bs.ops; !ok {
					closed = true
					return nil
				}
			}
		})
		if err != nil {
			fail(err)
			return
		}
		bs.committed.Store(last)
		bs.commits.Add(1)
		if closed {
			bs.done <- nil
			return
		}
	}
}

// close waits for the queued writes and commits the last transaction.
func (bs *batcher) close() error {
	close(bs.ops)
	return <-bs.done
}

// write queues fn and returns its sequence number.
func (bs *batcher) write(fn func(b *store.DB) error) (int64, error) {
	if e := bs.failed.Load(); e != nil {
		return 0, errors.Join(errAborted, *e)
	}
	bs.seq++
	bs.ops <- op{seq: bs.seq, fn: fn}
	return bs.seq, nil
}

func (bs *batcher) remember(it *intake.Item, evs []intake.Event, seq int64) {
	e := bs.cache[it.ID]
	if e == nil {
		if len(bs.cache) >= cacheLimit {
			committed := bs.committed.Load()
			for id, old := range bs.cache {
				if old.seq <= committed {
					delete(bs.cache, id)
				}
			}
		}
		e = &entry{}
		bs.cache[it.ID] = e
	}
	e.it = *it
	e.it.SharedWith = slices.Clone(it.SharedWith)
	e.events = append(e.events, evs...)
	e.seq = seq
}

func (bs *batcher) CreateItem(ctx context.Context, it *intake.Item, ev intake.Event, au ctip.AuditEvent) error {
	cp := *it // the store sets the register number on its own copy
	seq, err := bs.write(func(b *store.DB) error { return b.CreateItem(ctx, &cp, ev, au) })
	if err == nil {
		bs.remember(it, []intake.Event{ev}, seq)
	}
	return err
}

func (bs *batcher) UpdateItem(ctx context.Context, it *intake.Item, oldVersion int, evs []intake.Event, share ctip.NullID, au ctip.AuditEvent) error {
	cp := *it
	evs = slices.Clone(evs)
	seq, err := bs.write(func(b *store.DB) error { return b.UpdateItem(ctx, &cp, oldVersion, evs, share, au) })
	if err != nil {
		return err
	}
	if share.Valid && !slices.Contains(it.SharedWith, share.ID) {
		it.SharedWith = append(slices.Clone(it.SharedWith), share.ID)
	}
	bs.remember(it, evs, seq)
	return nil
}

func (bs *batcher) GetItem(ctx context.Context, id ctip.ID) (*intake.Item, error) {
	if e := bs.cache[id]; e != nil {
		it := e.it
		it.SharedWith = slices.Clone(e.it.SharedWith)
		return &it, nil
	}
	return bs.db.GetItem(ctx, id)
}

func (bs *batcher) ItemEvents(ctx context.Context, id ctip.ID) ([]intake.Event, error) {
	if e := bs.cache[id]; e != nil {
		return slices.Clone(e.events), nil
	}
	return bs.db.ItemEvents(ctx, id)
}

func (bs *batcher) ListAttachments(ctx context.Context, itemID ctip.ID) ([]*intake.Attachment, error) {
	if bs.cache[itemID] != nil {
		return nil, nil // the loader attaches no files
	}
	return bs.db.ListAttachments(ctx, itemID)
}

func (bs *batcher) AppendAudit(ctx context.Context, evs ...ctip.AuditEvent) error {
	evs = slices.Clone(evs)
	_, err := bs.write(func(b *store.DB) error { return b.AppendAudit(ctx, evs...) })
	return err
}

func (bs *batcher) AddAttachment(ctx context.Context, a *intake.Attachment, ev intake.Event, au ctip.AuditEvent) error {
	_, err := bs.write(func(b *store.DB) error { return b.AddAttachment(ctx, a, ev, au) })
	return err
}

func (bs *batcher) DeleteAttachment(ctx context.Context, itemID, id ctip.ID, ev intake.Event, au ctip.AuditEvent) error {
	_, err := bs.write(func(b *store.DB) error { return b.DeleteAttachment(ctx, itemID, id, ev, au) })
	return err
}

func (bs *batcher) ListItems(ctx context.Context, f intake.Filter, scope ctip.Scope, p ctip.PageRequest) (ctip.Page[*intake.Item], error) {
	return bs.db.ListItems(ctx, f, scope, p)
}

func (bs *batcher) CountByStatus(ctx context.Context, scope ctip.Scope, today, soon ctip.Date) (intake.StatusCounts, error) {
	return bs.db.CountByStatus(ctx, scope, today, soon)
}

func (bs *batcher) GetAttachment(ctx context.Context, itemID, id ctip.ID) (*intake.Attachment, error) {
	return bs.db.GetAttachment(ctx, itemID, id)
}

// Package audit is the hash-chained audit trail. Every create, update, state
// change and delete, every login, logout and failed login, and every view of
// protected data appends an event in the same transaction as the change.
// Each event's hash covers its content and the previous event's hash, so a
// row changed, deleted or reordered directly in the database breaks the chain
// at a place that Verify names.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ctip"
)

// Hash computes the hash of an event chained to prev. It covers every stored
// column except the hash itself. Times are hashed at microsecond precision
// in UTC, which is what both engines store.
func Hash(prev string, ev ctip.AuditEvent) string {
	h := sha256.New()
	put := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	put("ctip-audit-v1")
	put(prev)
	put(strconv.FormatInt(ev.Seq, 10))
	put(ev.ID.String())
	put(ev.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
	if ev.ActorID.Valid {
		put(ev.ActorID.ID.String())
	} else {
		put("")
	}
	put(ev.ActorName)
	if ev.UnitID.Valid {
		put(ev.UnitID.ID.String())
	} else {
		put("")
	}
	put(ev.Action)
	put(ev.RecordType)
	put(ev.RecordID)
	put(JoinFields(ev.Fields))
	put(ev.Reason)
	put(ev.IP)
	put(ev.RequestID)
	return hex.EncodeToString(h.Sum(nil))
}

// JoinFields is the stored form of the changed-field list.
func JoinFields(f []string) string { return strings.Join(f, ",") }

// SplitFields reverses JoinFields.
func SplitFields(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Break describes the first place where the chain does not verify.
type Break struct {
	Seq    int64  // sequence number of the first broken entry
	Reason string // "hash mismatch", "gap before", "out of order", "head mismatch"
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", b.Seq, b.Reason)
}

// Verifier checks events one at a time, in stored order (by seq).
type Verifier struct {
	prevHash string
	prevSeq  int64
	Count    int64
}

// Next checks the next event. It returns a *Break when the chain is broken.
//   - a changed row: its hash no longer matches its content;
//   - a deleted row: the next row's seq skips, and its prev_hash does not match;
//   - reordered rows (contents swapped between seq numbers): the hash, which
//     covers seq and the previous hash, no longer matches.
func (v *Verifier) Next(ev ctip.AuditEvent) error {
	if ev.Seq != v.prevSeq+1 {
		if ev.Seq <= v.prevSeq {
			return &Break{Seq: ev.Seq, Reason: "out of order"}
		}
		return &Break{Seq: ev.Seq, Reason: fmt.Sprintf("missing entries %d–%d before it", v.prevSeq+1, ev.Seq-1)}
	}
	if ev.PrevHash != v.prevHash {
		return &Break{Seq: ev.Seq, Reason: "previous-hash link does not match the entry before it"}
	}
	if Hash(ev.PrevHash, ev) != ev.Hash {
		return &Break{Seq: ev.Seq, Reason: "content does not match its hash (changed)"}
	}
	v.prevHash, v.prevSeq = ev.Hash, ev.Seq
	v.Count++
	return nil
}

// Finish checks the chain's end against the stored head (seq and hash of the
// last entry), which detects deleting the newest entries.
func (v *Verifier) Finish(headSeq int64, headHash string) error {
	if headSeq != v.prevSeq || headHash != v.prevHash {
		return &Break{Seq: v.prevSeq + 1, Reason: fmt.Sprintf("chain ends at entry %d but the head records entry %d", v.prevSeq, headSeq)}
	}
	return nil
}

// Filter selects events for the auditor's list.
type Filter struct {
	ActorID    ctip.NullID
	UnitID     ctip.NullID
	Action     string // exact, or a prefix ending in "." (e.g. "intake.")
	RecordType string
	RecordID   string
	From, To   ctip.Date // inclusive, Vietnam dates
}

// Store is what the audit service needs from storage.
type Store interface {
	ListAudit(ctx context.Context, f Filter, p ctip.PageRequest) (ctip.Page[ctip.AuditEvent], error)
	// WalkAudit calls fn for every event in seq order, then returns the head.
	WalkAudit(ctx context.Context, fn func(ev ctip.AuditEvent) error) (headSeq int64, headHash string, err error)
	// AuditVocabulary lists the distinct actions and record types the trail
	// holds, sorted.
	AuditVocabulary(ctx context.Context) (actions, recordTypes []string, err error)
}

// Service reads and verifies the trail. Appending happens inside each store
// transaction (see store.appendAudit).
type Service struct {
	Store Store
}

// List returns a page of events, newest first. Requires audit.read.
func (s *Service) List(ctx context.Context, f Filter, p ctip.PageRequest) (ctip.Page[ctip.AuditEvent], error) {
	a := ctip.ActorFrom(ctx)
	if !a.Can(ctip.PermAuditRead) {
		return ctip.Page[ctip.AuditEvent]{}, ctip.ErrForbidden()
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		var pr ctip.Problems
		pr.Add("to", "error.date_range")
		return ctip.Page[ctip.AuditEvent]{}, pr.Err()
	}
	return s.Store.ListAudit(ctx, f, p.Normalize())
}

// Vocabulary lists every action and record type present in the trail: the
// auditor's filters offer exactly what can be found, whichever module wrote
// it, without a hand-kept list. Requires audit.read.
func (s *Service) Vocabulary(ctx context.Context) (actions, recordTypes []string, err error) {
	if !ctip.ActorFrom(ctx).Can(ctip.PermAuditRead) {
		return nil, nil, ctip.ErrForbidden()
	}
	return s.Store.AuditVocabulary(ctx)
}

// Result is the outcome of a verification.
type Result struct {
	Count    int64
	HeadSeq  int64
	HeadHash string
	Break    *Break
}

// Verify recomputes the whole chain. It is used by `ctip audit verify` (as
// the system) and by auditors.
func (s *Service) Verify(ctx context.Context) (Result, error) {
	a := ctip.ActorFrom(ctx)
	if !a.System && !a.Can(ctip.PermAuditRead) {
		return Result{}, ctip.ErrForbidden()
	}
	var v Verifier
	var brk *Break
	headSeq, headHash, err := s.Store.WalkAudit(ctx, func(ev ctip.AuditEvent) error {
		if err := v.Next(ev); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		if b, ok := err.(*Break); ok {
			brk = b
		} else {
			return Result{}, err
		}
	}
	if brk == nil {
		if err := v.Finish(headSeq, headHash); err != nil {
			brk = err.(*Break)
		}
	}
	return Result{Count: v.Count, HeadSeq: headSeq, HeadHash: headHash, Break: brk}, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"ctip"
	"ctip/internal/audit"
)

// appendAudit chains events onto the trail inside tx. It should be the last
// write of a transaction: on PostgreSQL the head row stays locked until
// commit, which serialises appends across instances.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, evs ...ctip.AuditEvent) error {
	for _, ev := range evs {
		var seq int64
		var prev string
		err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&seq, &prev)
		if err != nil {
			return mapErr(err, "audit head")
		}
		if ev.ID.IsZero() {
			ev.ID = ctip.NewID()
		}
		if ev.At.IsZero() {
			ev.At = db.clock.Now()
		}
		ev.At = ev.At.UTC().Truncate(time.Microsecond)
		ev.Seq = seq
		ev.PrevHash = prev
		ev.Hash = audit.Hash(prev, ev)
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_events
			(seq, id, at, actor_id, actor_name, unit_id, action, record_type, record_id, fields, reason, ip, request_id, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			ev.Seq, ev.ID, ev.At, ev.ActorID, ev.ActorName, ev.UnitID, ev.Action, ev.RecordType, ev.RecordID,
			audit.JoinFields(ev.Fields), ev.Reason, ev.IP, ev.RequestID, ev.PrevHash, ev.Hash)
		if err != nil {
			return mapErr(err, "audit insert")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, ev.Hash); err != nil {
			return mapErr(err, "audit head")
		}
	}
	return nil
}

// AppendAudit writes events in their own transaction (for events that go
// with no other change: logins, views of protected data, denied attempts).
func (db *DB) AppendAudit(ctx context.Context, evs ...ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.appendAudit(ctx, tx, evs...) })
}

const auditCols = `seq, id, at, actor_id, actor_name, unit_id, action, record_type, record_id, fields, reason, ip, request_id, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (ctip.AuditEvent, error) {
	var ev ctip.AuditEvent
	var fields string
	err := sc.Scan(&ev.Seq, &ev.ID, &ev.At, &ev.ActorID, &ev.ActorName, &ev.UnitID, &ev.Action, &ev.RecordType,
		&ev.RecordID, &fields, &ev.Reason, &ev.IP, &ev.RequestID, &ev.PrevHash, &ev.Hash)
	ev.Fields = audit.SplitFields(fields)
	ev.At = ev.At.UTC()
	return ev, err
}

// AuditVocabulary lists the distinct actions and record types of the trail.
// A loose index scan (one index probe per distinct value, through
// audit_action and audit_record) instead of reading every row: the trail
// grows without bound, the vocabulary stays a few hundred words.
func (db *DB) AuditVocabulary(ctx context.Context) (actions, recordTypes []string, err error) {
	distinct := func(col string) ([]string, error) {
		var out []string
		q := `WITH RECURSIVE v(x) AS (
			SELECT MIN(` + col + `) FROM audit_events
			UNION ALL
			SELECT (SELECT MIN(` + col + `) FROM audit_events WHERE ` + col + ` > v.x) FROM v WHERE v.x IS NOT NULL)
			SELECT x FROM v WHERE x IS NOT NULL`
		err := db.eachRow(ctx, q, nil, func(sc *sql.Rows) error {
			var s string
			if err := sc.Scan(&s); err != nil {
				return err
			}
			out = append(out, s)
			return nil
		})
		return out, err
	}
	if actions, err = distinct("action"); err != nil {
		return nil, nil, err
	}
	recordTypes, err = distinct("record_type")
	return actions, recordTypes, err
}

// ListAudit returns a filtered page of the trail, newest first.
func (db *DB) ListAudit(ctx context.Context, f audit.Filter, p ctip.PageRequest) (ctip.Page[ctip.AuditEvent], error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.ActorID.Valid {
		where = append(where, "actor_id = "+arg(f.ActorID.ID))
	}
	if f.UnitID.Valid {
		where = append(where, "unit_id = "+arg(f.UnitID.ID))
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			where = append(where, likePrefix("action", arg(f.Action)))
		} else {
			where = append(where, "action = "+arg(f.Action))
		}
	}
	if f.RecordType != "" {
		where = append(where, "record_type = "+arg(f.RecordType))
	}
	if f.RecordID != "" {
		where = append(where, "record_id = "+arg(f.RecordID))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(startOfDay(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(startOfDay(f.To.AddDays(1))))
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	page := ctip.Page[ctip.AuditEvent]{Limit: p.Limit, Offset: p.Offset}
	if err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_events"+w, args...).Scan(&page.Total); err != nil {
		return page, mapErr(err, "audit count")
	}
	q := "SELECT " + auditCols + " FROM audit_events" + w + " ORDER BY seq DESC LIMIT " + arg(p.Limit) + " OFFSET " + arg(p.Offset)
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return page, mapErr(err, "audit list")
	}
	defer rows.Close()
	for rows.Next() {
		ev, err := scanAudit(rows)
		if err != nil {
			return page, mapErr(err, "audit scan")
		}
		page.Items = append(page.Items, ev)
	}
	return page, mapErr(rows.Err(), "audit list")
}

// startOfDay is 00:00 of a Vietnam date, in UTC.
func startOfDay(d ctip.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, ctip.Vietnam).UTC()
}

// WalkAudit streams the whole trail in seq order (in batches, so that a long
// trail does not hold one read transaction open), then returns the head.
func (db *DB) WalkAudit(ctx context.Context, fn func(ev ctip.AuditEvent) error) (int64, string, error) {
	var headSeq int64
	var headHash string
	if err := db.r.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return 0, "", mapErr(err, "audit head")
	}
	var after int64 = -1
	for {
		rows, err := db.r.QueryContext(ctx, "SELECT "+auditCols+" FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT 5000", after, headSeq)
		if err != nil {
			return 0, "", mapErr(err, "audit walk")
		}
		n := 0
		for rows.Next() {
			ev, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return 0, "", mapErr(err, "audit scan")
			}
			n++
			after = ev.Seq
			if err := fn(ev); err != nil {
				rows.Close()
				return headSeq, headHash, err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, "", mapErr(err, "audit walk")
		}
		if n == 0 {
			return headSeq, headHash, nil
		}
	}
}

package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"ctip"
	"ctip/internal/notify"
)

var _ notify.Store = (*DB)(nil)

const argSep = "\x1f"

// AddNotifications inserts notifications, skipping duplicates by (user, dedup key).
func (db *DB) AddNotifications(ctx context.Context, ns []notify.Notification) (int, error) {
	added := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		added, err = insertNotifications(ctx, tx, ns)
		return err
	})
	return added, err
}

// insertNotifications inserts notifications in a transaction, skipping
// duplicates by (user, dedup key); it returns how many were added.
func insertNotifications(ctx context.Context, tx *sql.Tx, ns []notify.Notification) (int, error) {
	added := 0
	for _, n := range ns {
		res, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, user_id, kind, msg_key, args, link, record_type, record_id, dedup_key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (user_id, dedup_key) DO NOTHING`,
			n.ID, n.UserID, n.Kind, n.Key, strings.Join(n.Args, argSep), n.Link, n.RecordType, n.RecordID, nullStr(n.DedupKey), n.CreatedAt)
		if err != nil {
			return added, mapErr(err, "notification")
		}
		if k, _ := res.RowsAffected(); k > 0 {
			added++
		}
	}
	return added, nil
}

// ListNotifications lists a user's notifications (or only the unread ones),
// newest first.
func (db *DB) ListNotifications(ctx context.Context, userID ctip.ID, unreadOnly bool, p ctip.PageRequest) (ctip.Page[notify.Notification], error) {
	state := ""
	if unreadOnly {
		state = notify.StateUnread
	}
	return db.ListNotificationsIn(ctx, userID, state, ctip.PageRequest{Limit: p.Limit, Offset: p.Offset})
}

// ListNotificationsIn lists a user's notifications in a state (all, unread,
// read), newest first (oldest first with p.Sort set and p.Desc false).
func (db *DB) ListNotificationsIn(ctx context.Context, userID ctip.ID, state string, p ctip.PageRequest) (ctip.Page[notify.Notification], error) {
	w := " WHERE user_id = $1"
	switch state {
	case notify.StateUnread:
		w += " AND read_at IS NULL"
	case notify.StateRead:
		w += " AND read_at IS NOT NULL"
	}
	dir := " DESC"
	if p.Sort != "" && !p.Desc {
		dir = " ASC"
	}
	page := ctip.Page[notify.Notification]{Limit: p.Limit, Offset: p.Offset}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications`+w, userID).Scan(&page.Total); err != nil {
		return page, mapErr(err, "count notifications")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, user_id, kind, msg_key, args, link, record_type, record_id, dedup_key, created_at, read_at
		FROM notifications`+w+` ORDER BY created_at`+dir+`, id`+dir+` LIMIT $2 OFFSET $3`, userID, p.Limit, p.Offset)
	if err != nil {
		return page, mapErr(err, "list notifications")
	}
	defer rows.Close()
	for rows.Next() {
		var n notify.Notification
		var args string
		if err := rows.Scan(&n.ID, &n.UserID, &n.Kind, &n.Key, &args, &n.Link, &n.RecordType, &n.RecordID, ns{&n.DedupKey}, &n.CreatedAt, nt{&n.ReadAt}); err != nil {
			return page, mapErr(err, "scan notification")
		}
		if args != "" {
			n.Args = strings.Split(args, argSep)
		}
		n.CreatedAt = n.CreatedAt.UTC()
		page.Items = append(page.Items, n)
	}
	return page, mapErr(rows.Err(), "list notifications")
}

// UnreadCount counts a user's unread notifications.
func (db *DB) UnreadCount(ctx context.Context, userID ctip.ID) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID).Scan(&n)
	return n, mapErr(err, "unread")
}

// MarkRead marks a user's notifications read (all unread ones when ids is empty).
func (db *DB) MarkRead(ctx context.Context, userID ctip.ID, ids []ctip.ID, at time.Time) error {
	var a args
	q := `UPDATE notifications SET read_at = ` + a.add(at) + ` WHERE user_id = ` + a.add(userID) + ` AND read_at IS NULL`
	if len(ids) > 0 {
		vs := make([]any, len(ids))
		for i, id := range ids {
			vs[i] = id
		}
		q += ` AND id IN ` + a.in(vs...)
	}
	_, err := db.w.ExecContext(ctx, q, a.v...)
	return mapErr(err, "mark read")
}

// UsersWithRoles lists the active users of a unit holding one of the roles.
func (db *DB) UsersWithRoles(ctx context.Context, unitID ctip.ID, roles []string) ([]ctip.ID, error) {
	var a args
	vs := make([]any, len(roles))
	for i, r := range roles {
		vs[i] = r
	}
	q := `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.unit_id = ` + a.add(unitID) +
		` AND u.disabled = FALSE AND r.role IN ` + a.in(vs...)
	rows, err := db.r.QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, mapErr(err, "users with roles")
	}
	defer rows.Close()
	var out []ctip.ID
	for rows.Next() {
		var id ctip.ID
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err, "users with roles")
		}
		out = append(out, id)
	}
	return out, mapErr(rows.Err(), "users with roles")
}

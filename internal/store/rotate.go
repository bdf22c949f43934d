package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"ctip/internal/crypt"
)

// firstCursor is below every UUID (the row keys of encrypted tables).
const firstCursor = "00000000-0000-0000-0000-000000000000"

// RotationProgress reports one batch of a key rotation.
type RotationProgress struct {
	Table, Column string
	Rewritten     int64 // values re-encrypted in this column so far
	Done          bool
	Pass          int
}

// KeyCheck is the settings row that proves a key file matches the database
// (cmd/ctip/app.go); rotation re-seals it.
const KeyCheck = "keys.check"

// RotationTarget returns the key of an unfinished rotation (0 when none).
func (db *DB) RotationTarget(ctx context.Context) (uint32, error) {
	var target sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT MAX(target_key) FROM key_rotation WHERE done = FALSE`).Scan(&target)
	if err != nil {
		return 0, mapErr(err, "rotation")
	}
	return uint32(target.Int64), nil
}

// StartRotation records the columns to re-encrypt under the target key (the
// keyring's active key) and re-seals the key check. Calling it again for the
// same key changes nothing (resume).
func (db *DB) StartRotation(ctx context.Context) error {
	target := db.keys.ActiveKeyID()
	now := db.clock.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, c := range encryptedColumns {
			if _, err := tx.ExecContext(ctx, `INSERT INTO key_rotation (target_key, table_name, column_name, cursor_id, done, rewritten, updated_at)
				VALUES ($1, $2, $3, $4, FALSE, 0, $5) ON CONFLICT (target_key, table_name, column_name) DO NOTHING`,
				int64(target), c.Table, c.Column, firstCursor, now); err != nil {
				return mapErr(err, "start rotation")
			}
		}
		ad := crypt.AD("settings", "value", KeyCheck)
		var v string
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, KeyCheck).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return mapErr(err, "key check")
		}
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return err
		}
		if crypt.KeyIDOf(b) == target {
			return nil
		}
		pt, err := db.keys.Open(b, ad)
		if err != nil {
			return fmt.Errorf("key check: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE settings SET value = $1, updated_at = $2 WHERE key = $3`,
			base64.StdEncoding.EncodeToString(db.keys.Seal(pt, ad)), now, KeyCheck)
		return mapErr(err, "key check")
	})
}

// RotateBatchSize is the number of rows read per batch.
var RotateBatchSize = 500

// Rotate re-encrypts every registered encrypted column under the keyring's
// active key, batch by batch, each batch with its cursor in one
// transaction: an interrupted rotation resumes where it stopped. The server
// may run meanwhile: a value is replaced only if it still holds what was read
// (compare and swap), and sweeps repeat until no value under an older key
// remains (servers that had not yet loaded the new key may have written
// some). maxBatches > 0 stops early (tests of resumption).
func (db *DB) Rotate(ctx context.Context, progress func(RotationProgress), maxBatches int) (int64, error) {
	target := db.keys.ActiveKeyID()
	var total int64
	batches := 0
	for pass := 1; ; pass++ {
		var passRewritten int64
		for _, c := range encryptedColumns {
			for {
				var cursor string
				var done bool
				var rewritten int64
				err := db.r.QueryRowContext(ctx, `SELECT cursor_id, done, rewritten FROM key_rotation
					WHERE target_key = $1 AND table_name = $2 AND column_name = $3`, int64(target), c.Table, c.Column).Scan(&cursor, &done, &rewritten)
				if errors.Is(err, sql.ErrNoRows) {
					return total, fmt.Errorf("rotation to key %d was not started", target)
				}
				if err != nil {
					return total, mapErr(err, "rotation")
				}
				if done {
					break
				}
				if maxBatches > 0 && batches >= maxBatches {
					return total, nil
				}
				n, last, finished, err := db.rotateBatch(ctx, c, target, cursor)
				if err != nil {
					return total, err
				}
				batches++
				total += n
				passRewritten += n
				if progress != nil {
					progress(RotationProgress{Table: c.Table, Column: c.Column, Rewritten: rewritten + n, Done: finished, Pass: pass})
				}
				_ = last
				if err := ctx.Err(); err != nil {
					return total, err
				}
			}
		}
		// Sweep: anything still under an older key (written by a server
		// that sealed with the old key during the pass) restarts its column.
		left, err := db.reopenStale(ctx, target)
		if err != nil {
			return total, err
		}
		if left == 0 {
			return total, nil
		}
		if pass > 20 {
			return total, fmt.Errorf("rotation: %d values still under an older key after %d passes: are all servers reading the new key file?", left, pass)
		}
		time.Sleep(time.Second)
	}
}

// rotateBatch re-encrypts one batch of a column after the cursor.
func (db *DB) rotateBatch(ctx context.Context, c EncryptedColumn, target uint32, cursor string) (n int64, last string, finished bool, err error) {
	q := fmt.Sprintf(`SELECT %s, %s FROM %s WHERE %s > $1 ORDER BY %s LIMIT %d`, c.RowKey, c.Column, c.Table, c.RowKey, c.RowKey, RotateBatchSize)
	type row struct {
		id  string
		val []byte
	}
	var rows []row
	rs, err := db.r.QueryContext(ctx, q, cursor)
	if err != nil {
		return 0, "", false, mapErr(err, "rotation read "+c.Table)
	}
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.id, &r.val); err != nil {
			rs.Close()
			return 0, "", false, mapErr(err, "rotation read")
		}
		rows = append(rows, r)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return 0, "", false, mapErr(err, "rotation read")
	}
	finished = len(rows) < RotateBatchSize
	last = cursor
	if len(rows) > 0 {
		last = rows[len(rows)-1].id
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		upd := fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE %s = $2 AND %s = $3`, c.Table, c.Column, c.RowKey, c.Column)
		for _, r := range rows {
			if len(r.val) == 0 || crypt.KeyIDOf(r.val) == target {
				continue
			}
			ad := crypt.AD(c.Table, c.Column, r.id)
			pt, err := db.keys.Open(r.val, ad)
			if err != nil {
				return fmt.Errorf("rotation: %s.%s row %s cannot be opened: %w", c.Table, c.Column, r.id, err)
			}
			res, err := tx.ExecContext(ctx, upd, db.keys.Seal(pt, ad), r.id, r.val)
			if err != nil {
				return mapErr(err, "rotation write")
			}
			if k, _ := res.RowsAffected(); k > 0 {
				n++
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE key_rotation SET cursor_id = $1, done = $2, rewritten = rewritten + $3, updated_at = $4
			WHERE target_key = $5 AND table_name = $6 AND column_name = $7`, last, finished, n, db.clock.Now(), int64(target), c.Table, c.Column)
		return mapErr(err, "rotation cursor")
	})
	return n, last, finished, err
}

// reopenStale counts values not under the target key and reopens the
// columns that hold some.
func (db *DB) reopenStale(ctx context.Context, target uint32) (int, error) {
	left := 0
	for _, c := range encryptedColumns {
		n, err := db.countStale(ctx, c, target)
		if err != nil {
			return 0, err
		}
		if n > 0 {
			left += n
			if _, err := db.w.ExecContext(ctx, `UPDATE key_rotation SET cursor_id = $1, done = FALSE WHERE target_key = $2 AND table_name = $3 AND column_name = $4`,
				firstCursor, int64(target), c.Table, c.Column); err != nil {
				return 0, mapErr(err, "rotation")
			}
		}
	}
	return left, nil
}

func (db *DB) countStale(ctx context.Context, c EncryptedColumn, target uint32) (int, error) {
	rows, err := db.r.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s IS NOT NULL`, c.Column, c.Table, c.Column))
	if err != nil {
		return 0, mapErr(err, "rotation count")
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return 0, mapErr(err, "rotation count")
		}
		if len(b) > 0 && crypt.KeyIDOf(b) != target {
			n++
		}
	}
	return n, mapErr(rows.Err(), "rotation count")
}

// KeyUsage counts the encrypted values per key ID over every registered column.
func (db *DB) KeyUsage(ctx context.Context) (map[uint32]int, error) {
	out := map[uint32]int{}
	for _, c := range encryptedColumns {
		rows, err := db.r.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s IS NOT NULL`, c.Column, c.Table, c.Column))
		if err != nil {
			return nil, mapErr(err, "key usage")
		}
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				rows.Close()
				return nil, mapErr(err, "key usage")
			}
			if len(b) > 0 {
				out[crypt.KeyIDOf(b)]++
			}
		}
		rows.Close()
	}
	return out, nil
}

// FinishRotation marks a finished rotation's bookkeeping rows (kept as history).
func (db *DB) FinishRotation(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, `UPDATE key_rotation SET done = TRUE WHERE target_key = $1`, int64(db.keys.ActiveKeyID()))
	return mapErr(err, "rotation")
}

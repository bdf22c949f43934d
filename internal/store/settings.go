package store

import (
	"context"
	"database/sql"
	"errors"
)

// Setting reads a settings value ("" and false when absent).
func (db *DB) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := db.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, mapErr(err, "setting")
}

// SetSetting writes a settings value.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = $2, version = settings.version + 1, updated_at = $3`, key, value, db.clock.Now())
	return mapErr(err, "set setting")
}

// InsertSettingIfAbsent writes a value only if the key has none; it
// reports whether it wrote.
func (db *DB) InsertSettingIfAbsent(ctx context.Context, key, value string) (bool, error) {
	res, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`, key, value, db.clock.Now())
	if err != nil {
		return false, mapErr(err, "set setting")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

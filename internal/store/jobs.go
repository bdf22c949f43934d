package store

import (
	"context"
	"time"
)

// AcquireJob claims a background job for one run: it succeeds for one holder
// only, when no other holder's lease is live and the job last ran at least
// `every` ago. The upsert is atomic on both engines, so several instances on
// one PostgreSQL never run the same job at once or more often than `every`.
func (db *DB) AcquireJob(ctx context.Context, name, holder string, now time.Time, every, ttl time.Duration) (bool, error) {
	res, err := db.w.ExecContext(ctx, `INSERT INTO job_leases (name, holder, expires_at, last_run_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET holder = $2, expires_at = $3, last_run_at = $4
		WHERE job_leases.expires_at < $4 AND (job_leases.last_run_at IS NULL OR job_leases.last_run_at <= $5)`,
		name, holder, now.Add(ttl), now, now.Add(-every))
	if err != nil {
		return false, mapErr(err, "acquire job")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReleaseJob ends a holder's lease early (the run finished).
func (db *DB) ReleaseJob(ctx context.Context, name, holder string, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE job_leases SET expires_at = $1 WHERE name = $2 AND holder = $3`, now, name, holder)
	return mapErr(err, "release job")
}

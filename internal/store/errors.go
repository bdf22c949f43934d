package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"ctip"
)

// mapErr turns driver errors into ctip errors: a unique violation becomes
// Conflict, no rows NotFound, a foreign-key violation Invalid; anything else
// is Internal with the cause kept for the log.
func mapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	var ce *ctip.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ctip.ErrNotFound()
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return &ctip.Error{Kind: ctip.Conflict, Key: "error.duplicate", Err: err}
		case "23503":
			return &ctip.Error{Kind: ctip.Invalid, Key: "error.reference", Err: err}
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return &ctip.Error{Kind: ctip.Conflict, Key: "error.duplicate", Err: err}
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return &ctip.Error{Kind: ctip.Invalid, Key: "error.reference", Err: err}
	}
	return ctip.Wrap(err, what)
}

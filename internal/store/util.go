package store

import (
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// nt scans a nullable timestamp into a time.Time (zero when NULL).
type nt struct{ t *time.Time }

func (n nt) Scan(src any) error {
	var v sql.NullTime
	if err := v.Scan(src); err != nil {
		return err
	}
	if v.Valid {
		*n.t = v.Time.UTC()
	} else {
		*n.t = time.Time{}
	}
	return nil
}

// ns scans a nullable text into a string ("" when NULL).
type ns struct{ s *string }

func (n ns) Scan(src any) error {
	var v sql.NullString
	if err := v.Scan(src); err != nil {
		return err
	}
	*n.s = v.String
	return nil
}

// nullStr stores "" as NULL.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// args builds a positional argument list for dynamically assembled SQL.
type args struct{ v []any }

// add appends a value and returns its placeholder.
func (a *args) add(v any) string {
	a.v = append(a.v, v)
	return fmt.Sprintf("$%d", len(a.v))
}

// in returns "(p1, p2, …)" for a list of values.
func (a *args) in(vs ...any) string {
	ps := make([]string, len(vs))
	for i, v := range vs {
		ps[i] = a.add(v)
	}
	return "(" + strings.Join(ps, ", ") + ")"
}

func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Package ctip is the shared kernel of the ctip information system: identifiers,
// the acting user, errors, paging, the clock and the audit event. It imports
// nothing of ours, so every other package may depend on it.
package ctip

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// ID identifies every record. IDs are UUIDv7 (time-ordered) and made in Go,
// never by the database, so that the same SQL works on SQLite and PostgreSQL.
type ID uuid.UUID

// NilID is the zero ID.
var NilID ID

// NewID returns a new time-ordered UUIDv7.
func NewID() ID {
	return ID(uuid.Must(uuid.NewV7()))
}

// ParseID parses the canonical text form of an ID.
func ParseID(s string) (ID, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return NilID, err
	}
	return ID(u), nil
}

// MustParseID is ParseID for constants in tests and seeds.
func MustParseID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// IsZero reports whether id is the nil ID.
func (id ID) IsZero() bool { return id == NilID }

// String returns the canonical 36-character form.
func (id ID) String() string { return uuid.UUID(id).String() }

// MarshalText implements encoding.TextMarshaler.
func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (id *ID) UnmarshalText(b []byte) error {
	u, err := uuid.ParseBytes(b)
	if err != nil {
		return err
	}
	*id = ID(u)
	return nil
}

// Value stores the ID as text on both engines (a UUID column on PostgreSQL
// accepts the text form).
func (id ID) Value() (driver.Value, error) { return id.String(), nil }

// Scan reads an ID stored as text, or as 16 raw bytes.
func (id *ID) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return id.UnmarshalText([]byte(v))
	case []byte:
		if len(v) == 16 {
			copy(id[:], v)
			return nil
		}
		return id.UnmarshalText(v)
	case [16]byte:
		*id = ID(v)
		return nil
	case nil:
		*id = NilID
		return nil
	}
	return fmt.Errorf("ctip.ID: cannot scan %T", src)
}

// NullID is an ID that may be absent (a nullable column).
type NullID struct {
	ID    ID
	Valid bool
}

// Some returns a valid NullID.
func Some(id ID) NullID { return NullID{ID: id, Valid: !id.IsZero()} }

// Value implements driver.Valuer.
func (n NullID) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return n.ID.String(), nil
}

// Scan implements sql.Scanner.
func (n *NullID) Scan(src any) error {
	if src == nil {
		*n = NullID{}
		return nil
	}
	if err := n.ID.Scan(src); err != nil {
		return err
	}
	n.Valid = true
	return nil
}

// UnmarshalJSON reads null or a UUID string (a present value is valid, even
// the nil UUID, so that callers can refuse it rather than ignore it).
func (n *NullID) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = NullID{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	id, err := ParseID(s)
	if err != nil {
		return err
	}
	*n = NullID{ID: id, Valid: true}
	return nil
}

// MarshalJSON writes null or the ID.
func (n NullID) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(n.ID.String())
}

// Vietnam is the time zone of every legal date (Asia/Ho_Chi_Minh, UTC+7, no DST).
// A fixed zone is used so that the binary does not depend on the host's tzdata.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// Date is a calendar day without a time zone (a legal date: received on,
// decided on, deadline). It is stored as "YYYY-MM-DD" text on both engines.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar day of t in Vietnam's time zone.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Vietnam).Date()
	return Date{y, m, d}
}

// NewDate builds a Date, normalising overflow the way time.Date does.
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 12, 0, 0, 0, Vietnam))
}

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.ParseInLocation("2006-01-02", s, Vietnam)
	if err != nil {
		return Date{}, err
	}
	return DateOf(t), nil
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// Time returns noon of the day in Vietnam (safe from off-by-one shifts).
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, Vietnam) }

// End returns 24:00 of the day in Vietnam, that is 00:00 of the next day.
func (d Date) End() time.Time { return time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, Vietnam) }

// AddDays returns the day n days later (n may be negative).
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp(int(d.Month), int(e.Month))
	default:
		return cmp(d.Day, e.Day)
	}
}

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// DaysUntil returns the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// String returns "YYYY-MM-DD" ("" for the zero date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Format returns the Vietnamese display form dd/mm/yyyy.
func (d Date) Format() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

// MarshalText implements encoding.TextMarshaler ("YYYY-MM-DD").
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores the date as "YYYY-MM-DD" text, or NULL when zero.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date stored as text (or a time from a DATE column).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	case time.Time:
		y, m, dd := v.Date()
		*d = Date{y, m, dd}
		return nil
	}
	return fmt.Errorf("ctip.Date: cannot scan %T", src)
}

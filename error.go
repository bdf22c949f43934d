package ctip

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the user and for the HTTP status it maps to.
// One table in httpx turns a Kind into a status code.
type Kind int

// The error kinds.
const (
	Internal        Kind = iota // a bug or an outage; details are logged, never shown
	Invalid                     // bad input: see Fields
	NotFound                    // absent, or not visible to the actor (existence stays hidden)
	Conflict                    // stale version, duplicate, or a refused state transition
	Forbidden                   // visible but not allowed
	Unauthenticated             // no valid session or token
	TooMany                     // throttled
)

var kindNames = [...]string{"internal", "invalid", "not_found", "conflict", "forbidden", "unauthenticated", "too_many_requests"}

// String returns the stable code of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "internal"
}

// Error is the one error type that crosses package boundaries. Key is an i18n
// message key (the user sees its translation, never Err); Fields lists
// per-field problems for Invalid.
type Error struct {
	Kind   Kind
	Key    string
	Args   []any
	Fields []FieldError
	Err    error
}

// FieldError names a field (its JSON/form name) and why it is wrong.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

func (e *Error) Error() string {
	s := e.Kind.String()
	if e.Key != "" {
		s += ": " + e.Key
	}
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind and message key.
func Errorf(kind Kind, key string, args ...any) *Error {
	return &Error{Kind: kind, Key: key, Args: args}
}

// Wrap returns an internal error around err (unless err is already an *Error).
func Wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Kind: Internal, Key: "error.internal", Err: fmt.Errorf("%s: %w", what, err)}
}

// KindOf returns the kind of err (Internal for foreign errors).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// ErrNotFound is the generic "absent or not visible" error.
func ErrNotFound() *Error { return Errorf(NotFound, "error.not_found") }

// ErrStale is the optimistic-locking conflict: the record changed since it was read.
func ErrStale() *Error { return Errorf(Conflict, "error.stale") }

// ErrForbidden is the generic "not allowed" error.
func ErrForbidden() *Error { return Errorf(Forbidden, "error.forbidden") }

// Problems collects field errors while validating input.
type Problems []FieldError

// Add records a problem with a field.
func (p *Problems) Add(field, key string, args ...any) {
	*p = append(*p, FieldError{Field: field, Key: key, Args: args})
}

// Has reports whether a field already has a problem.
func (p Problems) Has(field string) bool {
	for _, f := range p {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns an Invalid *Error holding the problems, or nil if there are none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Key: "error.invalid", Fields: p}
}

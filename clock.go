package ctip

import "time"

// Clock tells the time. Services take one so that tests can fix "now".
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock. Times are UTC, truncated to microseconds so
// that what is stored on PostgreSQL (microsecond precision) is exactly what
// was hashed into the audit chain.
type SystemClock struct{}

// Now returns the current time in UTC at microsecond precision.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// FixedClock is a settable clock for tests and the demo loader.
type FixedClock struct{ T time.Time }

// Now returns the fixed time.
func (c *FixedClock) Now() time.Time { return c.T.UTC().Truncate(time.Microsecond) }

// Advance moves the clock forward.
func (c *FixedClock) Advance(d time.Duration) { c.T = c.T.Add(d) }

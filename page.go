package ctip

// PageRequest asks for one page of a list. Sort names a column from the list's
// own whitelist; anything else falls back to the list's default.
type PageRequest struct {
	Limit  int
	Offset int
	Sort   string
	Desc   bool
}

// Page limits.
const (
	DefaultPageSize = 25
	MaxPageSize     = 200
)

// Normalize clamps the request to sane bounds.
func (p PageRequest) Normalize() PageRequest {
	if p.Limit <= 0 {
		p.Limit = DefaultPageSize
	}
	if p.Limit > MaxPageSize {
		p.Limit = MaxPageSize
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

// Page is one page of a list with the total count of matching records.
type Page[T any] struct {
	Items  []T
	Total  int
	Limit  int
	Offset int
	// Capped: counting stopped at the list's cap, Total is a lower bound
	// (lists too large to count on every page view, e.g. the person registry).
	Capped bool
}

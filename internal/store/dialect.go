package store

// The few places where the engines differ. Everything else is one SQL text
// with $n placeholders (modernc.org/sqlite binds $n by number).

// likePrefix returns an expression matching col against a prefix parameter.
// Both engines support LIKE with || concatenation; paths and codes contain no
// wildcard characters (UUIDs, digits and '/').
func likePrefix(col, param string) string {
	return col + " LIKE " + param + " || '%'"
}

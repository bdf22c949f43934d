package store

import "database/sql"

// The few places where the engines differ. Everything else is one SQL text
// with $n placeholders (modernc.org/sqlite binds $n by number).

// likePrefix returns an expression matching col against a prefix parameter.
// Both engines support LIKE with || concatenation; paths and codes contain no
// wildcard characters (UUIDs, digits and '/').
func likePrefix(col, param string) string {
	return col + " LIKE " + param + " || '%'"
}

// forUpdate locks the rows a SELECT reads until the transaction ends, on
// PostgreSQL; SQLite has one writer at a time and no such clause.
func (db *DB) forUpdate() string {
	if db.Engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// snapshot are the options of a read-only transaction whose statements all
// see one snapshot: REPEATABLE READ on PostgreSQL; on SQLite (WAL) every
// read transaction already reads one snapshot.
func (db *DB) snapshot() *sql.TxOptions {
	if db.Engine == Postgres {
		return &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	return &sql.TxOptions{ReadOnly: true}
}

// indexedBy names the index a SQLite query must read a table through, for
// queries whose best plan the planner cannot see without statistics (ctip
// does not run ANALYZE); PostgreSQL plans from the statistics autovacuum
// keeps.
func (db *DB) indexedBy(index string) string {
	if db.Engine == SQLite {
		return " INDEXED BY " + index
	}
	return ""
}

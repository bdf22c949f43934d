package store_test

import (
	"context"
	"slices"
	"testing"

	"ctip/internal/dbtest"
	"ctip/internal/store"
)

// TestEveryBinaryColumnIsRegistered: every BLOB (SQLite) / BYTEA
// (PostgreSQL) column holds ciphertext and must be in the registry of
// encrypted columns, or key rotation would leave it under the old key.
func TestEveryBinaryColumnIsRegistered(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var have []string
		if db.Engine == store.SQLite {
			rows, err := db.Query(ctx, `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.type = 'BLOB'`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var tb, col string
				rows.Scan(&tb, &col)
				have = append(have, tb+"."+col)
			}
			rows.Close()
		} else {
			rows, err := db.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'bytea'`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var tb, col string
				rows.Scan(&tb, &col)
				have = append(have, tb+"."+col)
			}
			rows.Close()
		}
		var reg []string
		for _, c := range store.EncryptedColumns() {
			reg = append(reg, c.Table+"."+c.Column)
		}
		for _, c := range have {
			if !slices.Contains(reg, c) {
				t.Errorf("binary column %s is not in the registry of encrypted columns (internal/store/cryptcols.go)", c)
			}
		}
		for _, c := range reg {
			if !slices.Contains(have, c) {
				t.Errorf("registered column %s does not exist", c)
			}
		}
	})
}

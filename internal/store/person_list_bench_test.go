package store

// Benchmark of the person list's filters and orders at scale (docs/PERFORMANCE.md,
// "Persons and victims"). It runs only when CTIP_BENCH_PERSON_LIST is set to a
// number of persons, e.g.
//
//	CTIP_BENCH_PERSON_LIST=1000000 CTIP_BENCH_DIR=/var/tmp/ctip-bench \
//	  go test ./internal/store/ -run '^$' -bench 'PersonList' -benchtime 200x -timeout 30m
//
// The list reads no identity, so the rows carry none (no encryption, no
// search keys): 1,000,000 persons over 40 units (one in ten protected), a
// role each, one in 50 on the watch list, one in 200 with a wanted notice
// (half of them lifted).

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"ctip"
	"ctip/internal/crypt"
	"ctip/internal/person"
)

func benchListOpen(b *testing.B) (*DB, []ctip.ID) {
	n, _ := strconv.Atoi(os.Getenv("CTIP_BENCH_PERSON_LIST"))
	if n <= 0 {
		b.Skip("set CTIP_BENCH_PERSON_LIST (e.g. 1000000) to run the person list benchmark")
	}
	dir := os.Getenv("CTIP_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ctip-bench")
	}
	os.MkdirAll(dir, 0o700)
	path := filepath.Join(dir, fmt.Sprintf("person-list-%d.db", n))
	keys, _, err := crypt.LoadOrCreate(path + ".keys")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	db, err := Open(ctx, Options{URL: path, Keys: keys})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var units []ctip.ID
	if err := db.eachRow(ctx, `SELECT id FROM units WHERE code LIKE 'BL%' ORDER BY code`, nil, func(sc *sql.Rows) error {
		var id ctip.ID
		units = append(units, id)
		return sc.Scan(&units[len(units)-1])
	}); err != nil {
		b.Fatal(err)
	}
	var have int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(&have)
	if have == n {
		return db, units
	}
	start := time.Now()
	now := time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)
	user := ctip.NewID()
	units = nil
	for i := range 40 {
		u := ctip.NewID()
		units = append(units, u)
		if _, err := db.Exec(ctx, `INSERT INTO units (id, code, name, kind, path, active, version, created_at, updated_at) VALUES ($1, $2, 'Bench', 'police', $3, TRUE, 1, $4, $4)`,
			u, fmt.Sprintf("BL%02d", i), "/"+u.String()+"/", now); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, `INSERT INTO users (id, username, display_name, unit_id, password_hash, version, created_at, updated_at) VALUES ($1, 'bench-list', 'Bench', $2, 'x', 1, $3, $3)`,
		user, units[0], now); err != nil {
		b.Fatal(err)
	}
	roles := person.ListRoles()
	r := rand.New(rand.NewPCG(1, 2))
	const batch = 10000
	for lo := 0; lo < n; lo += batch {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			insP, err := tx.PrepareContext(ctx, `INSERT INTO persons (id, owner_unit_id, protected, sex, birth_year, watch, version, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, 'male', 1990, $4, 1, $5, $6, $7)`)
			if err != nil {
				return err
			}
			defer insP.Close()
			insR, err := tx.PrepareContext(ctx, `INSERT INTO person_roles (id, person_id, role, unit_id, created_at) VALUES ($1, $2, $3, $4, $5)`)
			if err != nil {
				return err
			}
			defer insR.Close()
			insW, err := tx.PrepareContext(ctx, `INSERT INTO person_wanted (id, person_id, decision_number, issuing_body, issued_on, lifted_on, created_at) VALUES ($1, $2, '1/QĐ', 'CSĐT', $3, $4, $5)`)
			if err != nil {
				return err
			}
			defer insW.Close()
			for i := lo; i < min(lo+batch, n); i++ {
				id, unit := ctip.NewID(), units[r.IntN(len(units))]
				created := now.Add(time.Duration(i) * time.Minute)
				updated := created.Add(time.Duration(r.IntN(1000000)) * time.Minute)
				if _, err := insP.ExecContext(ctx, id, unit, i%10 == 0, i%50 == 7, user, created, updated); err != nil {
					return err
				}
				if _, err := insR.ExecContext(ctx, ctip.NewID(), id, roles[r.IntN(len(roles))], unit, created); err != nil {
					return err
				}
				if i%200 == 3 {
					var lifted any
					if i%400 == 3 {
						lifted = ctip.DateOf(created).AddDays(30)
					}
					if _, err := insW.ExecContext(ctx, ctip.NewID(), id, ctip.DateOf(created), lifted, created); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "bench: %d persons for the list in %s\n", n, time.Since(start).Round(time.Second))
	return db, units
}

// BenchmarkPersonList: one page (25 rows and the count) of the person list
// per filter, as a province-wide reader and as a unit.
func BenchmarkPersonList(b *testing.B) {
	db, units := benchListOpen(b)
	unit := ctip.Scope{UnitIDs: []ctip.ID{units[3]}}
	for _, c := range []struct {
		name  string
		scope ctip.Scope
		f     person.ListFilter
		sort  string
	}{
		{"all", ctip.Scope{All: true}, person.ListFilter{}, ""},
		{"all-updated", ctip.Scope{All: true}, person.ListFilter{}, person.SortUpdated},
		{"all-role", ctip.Scope{All: true}, person.ListFilter{Role: person.RoleBroker}, ""},
		{"all-watch", ctip.Scope{All: true}, person.ListFilter{Watch: true}, ""},
		{"all-wanted", ctip.Scope{All: true}, person.ListFilter{Wanted: true}, ""},
		{"all-unit", ctip.Scope{All: true}, person.ListFilter{UnitID: ctip.Some(units[5])}, ""},
		{"unit", unit, person.ListFilter{}, ""},
		{"unit-role", unit, person.ListFilter{Role: person.RoleSuspect}, ""},
		{"unit-wanted", unit, person.ListFilter{Wanted: true}, person.SortUpdated},
	} {
		b.Run(c.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; b.Loop(); i++ {
				t0 := time.Now()
				if _, err := db.ListPersons(context.Background(), c.f, c.scope, false, ctip.PageRequest{Limit: 25, Offset: (i % 4) * 25, Sort: c.sort, Desc: true}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			report(b, lat)
		})
	}
}

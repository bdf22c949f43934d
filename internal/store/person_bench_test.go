package store

// Benchmarks of the person registry at scale (docs/PERFORMANCE.md, "Persons
// and victims"). They run only when CTIP_BENCH_PERSONS is set, e.g.
//
//	CTIP_BENCH_PERSONS=1000000 CTIP_BENCH_DIR=/var/tmp/ctip-bench \
//	  go test ./internal/store/ -run '^$' -bench 'Persons' -benchtime 2000x -timeout 60m
//
// The first run builds a SQLite database of N persons (every tenth a
// protected victim with a victim file) in CTIP_BENCH_DIR and keeps it (with
// its key file) for later runs.

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"ctip"
	"ctip/internal/crypt"
	"ctip/internal/match"
	"ctip/internal/person"
)

var (
	benchFamily = []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
		"Dương", "Lý", "Lò", "Lò", "Quàng", "Giàng", "Sùng", "Vàng", "Mùa", "Thào", "Cà", "Lường", "Tòng", "Hà", "Điêu", "Lầu", "Hờ", "Mào", "Khoàng"}
	benchMiddle = []string{"Thị", "Thị", "Thị", "Văn", "Văn", "A", "A", "Thị Thu", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Xuân", "Hồng", "Quang", "Mỷ", "Seo"}
	benchGiven  = []string{"Mai", "Lan", "Hương", "Hoa", "Dung", "Hằng", "Nga", "Thảo", "Trang", "Linh", "Phương", "Yến", "Nhung", "Hạnh", "Huyền",
		"Xuân", "Thắm", "Chi", "Vân", "Ánh", "Hùng", "Dũng", "Tuấn", "Thắng", "Minh", "Nam", "Sơn", "Hải", "Long", "Pó", "Páo", "Dính", "Chứ",
		"Sử", "Lử", "Máy", "Dế", "Sinh", "Chang", "Pàng", "Ly", "Vừ", "Tủa", "Kía", "Nụ", "Pằng", "Thênh", "Khánh", "Quyết", "Tiến", "Kiên",
		"Cường", "Bình", "Phong", "Thủy", "Hiền", "Loan", "Tâm", "Thanh", "Nhàn", "Duyên", "Diệp", "Ngân", "Oanh", "Quyên", "Tuyết", "Uyên"}
	benchProvinces = []int{1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40}
)

type benchPerson struct {
	name, id, phone string
}

func benchGen(i int) benchPerson {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	name := benchFamily[r.IntN(len(benchFamily))] + " " + benchMiddle[r.IntN(len(benchMiddle))] + " " + benchGiven[r.IntN(len(benchGiven))]
	year := 1960 + r.IntN(50)
	sexDigit := r.IntN(2) + 2*((year-1900)/100)
	id := fmt.Sprintf("%03d%d%02d%06d", benchProvinces[r.IntN(len(benchProvinces))], sexDigit, year%100, i%1000000)
	phone := fmt.Sprintf("09%08d", (i*7919)%100000000)
	return benchPerson{name, id, phone}
}

var (
	benchOnce sync.Once
	benchDB   *DB
	benchN    int
	benchErr  error
)

// benchOpen opens (building on first use) the benchmark database.
func benchOpen(b *testing.B) *DB {
	n, _ := strconv.Atoi(os.Getenv("CTIP_BENCH_PERSONS"))
	if n <= 0 {
		b.Skip("set CTIP_BENCH_PERSONS (e.g. 1000000) to run the person benchmarks")
	}
	benchOnce.Do(func() {
		benchN = n
		dir := os.Getenv("CTIP_BENCH_DIR")
		if dir == "" {
			dir = filepath.Join(os.TempDir(), "ctip-bench")
		}
		os.MkdirAll(dir, 0o700)
		path := filepath.Join(dir, fmt.Sprintf("persons-%d.db", n))
		keys, _, err := crypt.LoadOrCreate(path + ".keys")
		if err != nil {
			benchErr = err
			return
		}
		_, statErr := os.Stat(path)
		db, err := Open(context.Background(), Options{URL: path, Keys: keys})
		if err != nil {
			benchErr = err
			return
		}
		if _, err := db.Migrate(context.Background()); err != nil {
			benchErr = err
			return
		}
		benchDB = db
		var have int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM persons`).Scan(&have)
		if statErr == nil && have == n {
			return
		}
		start := time.Now()
		benchErr = benchLoad(db, n)
		fmt.Fprintf(os.Stderr, "bench: loaded %d persons in %s\n", n, time.Since(start).Round(time.Second))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB
}

func benchLoad(db *DB, n int) error {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)
	unit, user := ctip.NewID(), ctip.NewID()
	if _, err := db.Exec(ctx, `INSERT INTO units (id, code, name, kind, path, active, version, created_at, updated_at) VALUES ($1, 'BENCH', 'Bench', 'health', $2, TRUE, 1, $3, $3)`,
		unit, "/"+unit.String()+"/", now); err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `INSERT INTO users (id, username, display_name, unit_id, password_hash, version, created_at, updated_at) VALUES ($1, 'bench', 'Bench', $2, 'x', 1, $3, $3)`,
		user, unit, now); err != nil {
		return err
	}
	const batch = 5000
	for lo := 0; lo < n; lo += batch {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			insP, err := tx.PrepareContext(ctx, `INSERT INTO persons (id, owner_unit_id, protected, pseudonym, full_name, aliases, date_of_birth,
				documents, phones, accounts, addresses, occupation, photo, notes, sex, birth_year, birth_precision, ethnic_code, nationality,
				watch, watch_reason, watch_until, retain_until, version, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)`)
			if err != nil {
				return err
			}
			defer insP.Close()
			insS, err := tx.PrepareContext(ctx, `INSERT INTO person_search (person_id, kind, hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`)
			if err != nil {
				return err
			}
			defer insS.Close()
			insV, err := tx.PrepareContext(ctx, `INSERT INTO victims (id, person_id, owner_unit_id, status, received_at, reception_channel, reception_body, version, created_at, updated_at)
				VALUES ($1, $2, $3, 'victim', $4, 'rescue', 'Bench', 1, $4, $4)`)
			if err != nil {
				return err
			}
			defer insV.Close()
			for i := lo; i < min(lo+batch, n); i++ {
				g := benchGen(i)
				p := &person.Person{ID: ctip.NewID(), OwnerUnitID: unit, Protected: i%10 == 0, Sex: person.Female, BirthYear: 1990, Version: 1, CreatedBy: user,
					CreatedAt: now, UpdatedAt: now, Identity: person.Identity{FullName: g.name, Documents: []person.Document{{Kind: person.DocCitizenID, Number: g.id}}, Phones: []string{g.phone}}}
				if p.Protected {
					p.Pseudonym = person.FormatPseudonym(2026, int64(i/10+1))
				}
				args := append([]any{p.ID, p.OwnerUnitID, p.Protected, nullStr(p.Pseudonym)}, db.personArgs(p)...)
				args = append(args, string(p.Sex), p.BirthYear, "year", nil, "VN", false, nil, nil, nil, 1, user, now, now)
				if _, err := insP.ExecContext(ctx, args...); err != nil {
					return err
				}
				for _, k := range searchKeys(p.Identity) {
					if _, err := insS.ExecContext(ctx, p.ID, k.Kind, db.blind(k)); err != nil {
						return err
					}
				}
				if p.Protected {
					if _, err := insV.ExecContext(ctx, ctip.NewID(), p.ID, unit, now); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if lo%100000 == 0 {
			fmt.Fprintf(os.Stderr, "bench: %d persons\n", lo)
		}
	}
	_, err := db.Exec(ctx, `ANALYZE`)
	return err
}

// report records percentiles of the latencies.
func report(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// search runs the query the way the service does: candidates through the
// blind indexes, decryption and ranking on the decrypted names.
func benchSearch(db *DB, q person.SearchQuery) (int, error) {
	ps, err := db.SearchPersons(context.Background(), q)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range ps {
		if len(q.Tokens) == 0 || match.Score(q.Tokens, p.Identity.FullName) >= 0 {
			n++
		}
	}
	return n, nil
}

// BenchmarkPersonsSearchName: full names as typed by users, half without
// marks, a quarter with one typo.
func BenchmarkPersonsSearchName(b *testing.B) {
	db := benchOpen(b)
	lat := make([]time.Duration, 0, b.N)
	r := rand.New(rand.NewPCG(7, 7))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g := benchGen(r.IntN(benchN))
		q := g.name
		switch i % 4 {
		case 1:
			q = i18nFold(q)
		case 2:
			q = typo(i18nFold(q), r)
		}
		t0 := time.Now()
		if _, err := benchSearch(db, person.SearchQuery{Tokens: match.Order(match.Tokens(q)), Limit: person.SearchLimit}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	report(b, lat)
}

// BenchmarkPersonsLookupID: a victim's citizen ID number, exact.
func BenchmarkPersonsLookupID(b *testing.B) {
	db := benchOpen(b)
	lat := make([]time.Duration, 0, b.N)
	r := rand.New(rand.NewPCG(9, 9))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := r.IntN(benchN/10) * 10 // a victim
		g := benchGen(k)
		t0 := time.Now()
		n, err := benchSearch(db, person.SearchQuery{IDNumber: match.NormaliseID(g.id), Limit: person.SearchLimit})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		if n == 0 {
			b.Fatalf("victim %d not found by ID", k)
		}
	}
	b.StopTimer()
	report(b, lat)
}

// BenchmarkPersonsKeyRotation: re-encrypts every encrypted value of the
// first CTIP_BENCH_ROTATE persons (default 100 000) in a copy of the
// database, and reports values per second.
func BenchmarkPersonsKeyRotation(b *testing.B) {
	src := benchOpen(b)
	n := 100000
	if v, _ := strconv.Atoi(os.Getenv("CTIP_BENCH_ROTATE")); v > 0 {
		n = v
	}
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "rotate.db")
	if err := src.Backup(ctx, path); err != nil {
		b.Fatal(err)
	}
	keys, err := crypt.Load(src.path + ".keys")
	if err != nil {
		b.Fatal(err)
	}
	db, err := Open(ctx, Options{URL: path, Keys: keys})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// Keep the first n persons (and their victim files) only.
	for _, q := range []string{
		`DELETE FROM person_search`,
		fmt.Sprintf(`DELETE FROM victims WHERE person_id NOT IN (SELECT id FROM persons ORDER BY id LIMIT %d)`, n),
		fmt.Sprintf(`DELETE FROM persons WHERE id NOT IN (SELECT id FROM persons ORDER BY id LIMIT %d)`, n),
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	var total int64
	var secs float64
	for i := 0; i < b.N; i++ {
		keys.AddKey()
		if err := db.StartRotation(ctx); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		got, err := db.Rotate(ctx, nil, 0)
		if err != nil {
			b.Fatal(err)
		}
		secs += time.Since(t0).Seconds()
		total += got
	}
	b.StopTimer()
	b.ReportMetric(float64(total)/secs, "values/s")
	b.ReportMetric(float64(total)/float64(b.N), "values/op")
}

func i18nFold(s string) string {
	return joinTokens(match.Tokens(s))
}

func joinTokens(t []string) string {
	out := ""
	for i, s := range t {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

// typo replaces one letter of the longest word.
func typo(s string, r *rand.Rand) string {
	toks := match.Tokens(s)
	best := 0
	for i, t := range toks {
		if len(t) > len(toks[best]) {
			best = i
		}
	}
	w := []rune(toks[best])
	if len(w) >= 4 {
		w[1+r.IntN(len(w)-2)] = 'q'
	}
	toks[best] = string(w)
	return joinTokens(toks)
}

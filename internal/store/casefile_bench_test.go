package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/crypt"
	"ctip/internal/dbtest"
	"ctip/internal/legal"
	"ctip/internal/notify"
	"ctip/internal/store"
)

// The case benchmarks (docs/PERFORMANCE.md, "Cases"): 200,000 cases on
// SQLite — 20 investigating units, 200 investigators, 85 % of the cases
// closed (final or terminated), the open ones with their stage clock and
// a third with a detention clock, deadlines spread over two years around
// "today". Run with
//
//	CTIP_BENCH=1 go test ./internal/store/ -run '^$' -bench 'Case' -benchtime 100x
const benchCases = 200_000

type caseBench struct {
	db    *store.DB
	svc   *casefile.Service
	clock *ctip.FixedClock
	proc  *ctip.Actor // procuracy oversight: the whole province
	lead  *ctip.Actor // a unit leader
	inv   *ctip.Actor // an investigator of that unit
}

func seedCases(b *testing.B) *caseBench {
	b.Helper()
	dir := b.TempDir()
	clock := &ctip.FixedClock{T: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	db, err := store.Open(context.Background(), store.Options{URL: filepath.Join(dir, "bench.db"), Keys: dbtest.Keys, Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	as := auth.New(db, clock)
	sys := ctip.WithActor(context.Background(), ctip.SystemActor("bench"))
	root, err := as.CreateUnit(sys, auth.UnitInput{Code: "CAT", Name: "Công an tỉnh", Kind: ctip.UnitPolice})
	if err != nil {
		b.Fatal(err)
	}
	vks, _ := as.CreateUnit(sys, auth.UnitInput{Code: "VKS", Name: "Viện kiểm sát", Kind: ctip.UnitProcuracy})
	var units []*auth.Unit
	var officers [][]ctip.ID
	var leader, investigator *ctip.Actor
	for u := 0; u < 20; u++ {
		unit, err := as.CreateUnit(sys, auth.UnitInput{Code: fmt.Sprintf("U%02d", u), Name: fmt.Sprintf("Đội %02d", u), Kind: ctip.UnitPolice, ParentCode: "CAT"})
		if err != nil {
			b.Fatal(err)
		}
		units = append(units, unit)
		var ids []ctip.ID
		for i := 0; i < 10; i++ {
			usr, _, err := as.CreateUser(sys, auth.UserInput{Username: fmt.Sprintf("dtv%02d%02d", u, i), UnitCode: unit.Code, Roles: []string{auth.RoleInvestigator}, Password: "Một mật khẩu đủ dài 2026"})
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, usr.ID)
			if u == 0 && i == 0 {
				investigator = auth.ActorFor(usr, unit)
			}
		}
		officers = append(officers, ids)
		if u == 0 {
			usr, _, _ := as.CreateUser(sys, auth.UserInput{Username: "truong00", UnitCode: unit.Code, Roles: []string{auth.RoleLeader}, Password: "Một mật khẩu đủ dài 2026"})
			leader = auth.ActorFor(usr, unit)
		}
	}
	pu, _, _ := as.CreateUser(sys, auth.UserInput{Username: "ksv", UnitCode: "VKS", Roles: []string{auth.RoleProcurator}, Password: "Một mật khẩu đủ dài 2026"})
	_ = root
	start := time.Now()
	rng := rand.New(rand.NewPCG(1, 2))
	today := ctip.DateOf(clock.Now())
	openStages := []casefile.Stage{casefile.Investigating, casefile.Investigating, casefile.Investigating, casefile.Resumed, casefile.Supplementary,
		casefile.Prosecution, casefile.TrialPreparation, casefile.TrialScheduled, casefile.Suspended}
	kinds := map[casefile.Stage]string{casefile.Investigating: "investigation", casefile.Resumed: "resumed_investigation", casefile.Supplementary: "supplementary_investigation",
		casefile.Prosecution: "prosecution", casefile.TrialPreparation: "trial_preparation", casefile.TrialScheduled: "hearing"}
	now := clock.Now()
	exec := func(tx *sql.Tx, q string, args ...any) {
		if _, err := tx.Exec(q, args...); err != nil {
			b.Fatal(err)
		}
	}
	const batch = 20_000
	for off := 0; off < benchCases; off += batch {
		tx, err := db.BeginRawTx(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		for i := off; i < off+batch; i++ {
			u := rng.IntN(len(units))
			id := ctip.NewID()
			inst := today.AddDays(-rng.IntN(3650))
			stage := casefile.Final
			if rng.IntN(100) < 15 {
				stage = openStages[rng.IntN(len(openStages))]
			} else if rng.IntN(10) == 0 {
				stage = casefile.Terminated
			}
			var due any
			kind := kinds[stage]
			dueDate := today.AddDays(rng.IntN(730) - 365)
			if kind != "" {
				due = dueDate.String()
			}
			cat := legal.Categories[rng.IntN(4)]
			key := ""
			if rng.IntN(200) == 0 {
				key = casefile.KeyAgreed
			}
			exec(tx, `INSERT INTO cases (id, reference, unit_id, procuracy_unit_id, created_by, institution_number, institution_signer, instituted_on,
				charges, category, summary, commune_code, ring, stage, is_open, stage_since, clock_kind, clock_start, current_due, next_due, key_status,
				accused_count, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, 'QĐ', 'x', $6, '150.1', $7, $8, $9, $10, $11, $12, $6, $13, $6, $14, $14, $15, 1, 1, $16, $16)`,
				id, fmt.Sprintf("VA-%d-%06d", inst.Year, i), units[u].ID, vks.ID, officers[u][0], inst.String(), string(cat), dbtest.Keys.SealString("Vụ án", crypt.AD("cases", "summary", id.String())), "03160",
				rng.IntN(20) == 0, string(stage), !stage.Closed(), kind, due, key, now)
			exec(tx, `INSERT INTO case_officers (case_id, user_id, lead) VALUES ($1, $2, TRUE)`, id, officers[u][rng.IntN(10)])
			exec(tx, `INSERT INTO case_charges (case_id, owner, seq, article, clause) VALUES ($1, '', 0, $2, '1')`, id, []string{"150", "151", "348", "349"}[rng.IntN(4)])
			if kind != "" {
				exec(tx, `INSERT INTO case_clocks (case_id, kind, measure_key, start_on, due, basis, basis_en, holder)
					VALUES ($1, $2, '', $3, $4, 'BLTTHS Điều 172', 'CPC Art. 172', 'investigating_body')`, id, kind, inst.String(), due)
				if rng.IntN(3) == 0 {
					exec(tx, `INSERT INTO case_clocks (case_id, kind, measure_key, start_on, due, basis, basis_en, holder)
						VALUES ($1, 'detention', $2, $3, $4, 'BLTTHS Điều 173', 'CPC Art. 173', 'investigating_body')`, id, ctip.NewID().String(), inst.String(), today.AddDays(rng.IntN(200)-60).String())
				}
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	// The rows went in with raw SQL: build the board's summary from them.
	if err := db.RebuildCaseTally(context.Background()); err != nil {
		b.Fatal(err)
	}
	// ctip itself never runs ANALYZE: CTIP_BENCH_NO_ANALYZE=1 measures the
	// plans SQLite picks without statistics.
	if os.Getenv("CTIP_BENCH_NO_ANALYZE") == "" {
		db.Exec(context.Background(), "ANALYZE")
	}
	b.Logf("seeded %d cases in %s", benchCases, time.Since(start).Round(time.Second))
	svc := &casefile.Service{Store: db, Directory: db, Intake: db, Clock: clock, Policy: legal.DefaultPolicy(), Notify: &notify.Service{Store: db, Clock: clock}}
	return &caseBench{db: db, svc: svc, clock: clock, proc: auth.ActorFor(pu, vks), lead: leader, inv: investigator}
}

func p95(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)*95/100]
}

func p50(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

// BenchmarkCaseBoard: the board page's service calls (counts by stage and
// body, due/overdue/key, workload per investigator and unit, and the first
// page of cases due within 7 days), as the procuracy (province-wide) and as
// a unit leader.
func BenchmarkCaseBoard(b *testing.B) {
	if os.Getenv("CTIP_BENCH") == "" {
		b.Skip("set CTIP_BENCH=1: seeds 200,000 cases")
	}
	cb := seedCases(b)
	for _, who := range []struct {
		name string
		a    *ctip.Actor
	}{{"province", cb.proc}, {"unit_leader", cb.lead}} {
		b.Run(who.name, func(b *testing.B) {
			ctx := ctip.WithActor(context.Background(), who.a)
			var ds []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if _, err := cb.svc.Board(ctx, "", casefile.Filter{}); err != nil {
					b.Fatal(err)
				}
				if _, err := cb.svc.List(ctx, casefile.ViewDue, casefile.Filter{}, ctip.PageRequest{Sort: "due"}); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(t0))
			}
			b.ReportMetric(float64(p50(ds).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(p95(ds).Microseconds())/1000, "p95-ms")
		})
	}
}

// BenchmarkCaseViews: the other board and list views, which count the
// matching cases themselves (not the summary): the key board, the board
// filtered by crime category, the overdue list and the list of all cases by
// deadline — as the procuracy and as a unit leader.
func BenchmarkCaseViews(b *testing.B) {
	if os.Getenv("CTIP_BENCH") == "" {
		b.Skip("set CTIP_BENCH=1: seeds 200,000 cases")
	}
	cb := seedCases(b)
	views := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"key_board", func(ctx context.Context) error {
			if _, err := cb.svc.Board(ctx, casefile.ViewKey, casefile.Filter{}); err != nil {
				return err
			}
			_, err := cb.svc.List(ctx, casefile.ViewKey, casefile.Filter{}, ctip.PageRequest{Sort: "due"})
			return err
		}},
		{"board_by_category", func(ctx context.Context) error {
			f := casefile.Filter{Category: legal.Serious}
			if _, err := cb.svc.Board(ctx, "", f); err != nil {
				return err
			}
			_, err := cb.svc.List(ctx, casefile.ViewDue, f, ctip.PageRequest{Sort: "due"})
			return err
		}},
		{"list_overdue", func(ctx context.Context) error {
			_, err := cb.svc.List(ctx, casefile.ViewOverdue, casefile.Filter{}, ctip.PageRequest{Sort: "due"})
			return err
		}},
		{"list_all_by_due", func(ctx context.Context) error {
			_, err := cb.svc.List(ctx, casefile.ViewAll, casefile.Filter{}, ctip.PageRequest{Sort: "due"})
			return err
		}},
	}
	for _, who := range []struct {
		name string
		a    *ctip.Actor
	}{{"province", cb.proc}, {"unit_leader", cb.lead}} {
		for _, v := range views {
			b.Run(who.name+"/"+v.name, func(b *testing.B) {
				ctx := ctip.WithActor(context.Background(), who.a)
				var ds []time.Duration
				for b.Loop() {
					t0 := time.Now()
					if err := v.run(ctx); err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(t0))
				}
				b.ReportMetric(float64(p50(ds).Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(p95(ds).Microseconds())/1000, "p95-ms")
			})
		}
	}
}

// BenchmarkCaseReminders: one run of the reminder job over the 200,000
// cases (the first run sends; later runs find every notification already
// sent).
func BenchmarkCaseReminders(b *testing.B) {
	if os.Getenv("CTIP_BENCH") == "" {
		b.Skip("set CTIP_BENCH=1: seeds 200,000 cases")
	}
	cb := seedCases(b)
	ctx := ctip.WithActor(context.Background(), ctip.SystemActor("bench"))
	first := true
	for b.Loop() {
		t0 := time.Now()
		n, err := cb.svc.Remind(ctx, cb.db)
		if err != nil {
			b.Fatal(err)
		}
		if first {
			b.Logf("first run: %d notifications in %s", n, time.Since(t0))
			first = false
		}
	}
}

// BenchmarkHome: what the start page asks of the case service, per role
// (internal/web/home.go): the investigator's cases due within 7 days or
// overdue (first 10) and the count of the overdue ones; the leader's board
// counts and first 10 overdue cases; the procurator's board counts and
// first 10 cases the procuracy holds that are due.
func BenchmarkHome(b *testing.B) {
	if os.Getenv("CTIP_BENCH") == "" {
		b.Skip("set CTIP_BENCH=1: seeds 200,000 cases")
	}
	cb := seedCases(b)
	today := ctip.DateOf(cb.clock.Now())
	due := casefile.Filter{DueBy: today.AddDays(casefile.DueSoonDays)}
	page := ctip.PageRequest{Limit: 10, Sort: "due"}
	for _, who := range []struct {
		name string
		a    *ctip.Actor
		run  func(ctx context.Context) error
	}{
		{"investigator", cb.inv, func(ctx context.Context) error {
			if _, err := cb.svc.List(ctx, casefile.ViewMine, due, page); err != nil {
				return err
			}
			_, err := cb.svc.List(ctx, casefile.ViewOverdue, casefile.Filter{OfficerID: ctip.Some(cb.inv.UserID)}, ctip.PageRequest{Limit: 1})
			return err
		}},
		{"unit_leader", cb.lead, func(ctx context.Context) error {
			if _, err := cb.svc.Board(ctx, "", casefile.Filter{}); err != nil {
				return err
			}
			_, err := cb.svc.List(ctx, casefile.ViewOverdue, casefile.Filter{}, page)
			return err
		}},
		{"procurator", cb.proc, func(ctx context.Context) error {
			if _, err := cb.svc.Board(ctx, "", casefile.Filter{}); err != nil {
				return err
			}
			f := due
			f.Holder = casefile.BodyProcuracy
			_, err := cb.svc.List(ctx, "", f, page)
			return err
		}},
	} {
		b.Run(who.name, func(b *testing.B) {
			ctx := ctip.WithActor(context.Background(), who.a)
			var ds []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if err := who.run(ctx); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(t0))
			}
			b.ReportMetric(float64(p50(ds).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(p95(ds).Microseconds())/1000, "p95-ms")
		})
	}
}

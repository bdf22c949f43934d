package casefile_test

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/legal"
	"ctip/internal/store"
)

// The board reads a summary of the open cases that every case write keeps
// up to date in its own transaction (store/casefile_board.go). These tests
// drive the real service through random operations — sequential with the
// days moving on, then concurrent — and check, on both engines, that the
// summary equals a recount of the cases, that the rebuild and the
// migration's backfill give the same rows, and that the board read from the
// summary equals the board counted from the cases, for every actor, filter
// and day.

// driver performs random case operations.
type driver struct {
	f     *fx
	rng   *rand.Rand
	mu    *sync.Mutex // guards cases
	cases *[]ctip.ID
	ok    map[string]int
	errs  map[string]int
}

var boardCharges = [][]legal.Charge{
	{{Article: "150", Clause: "1"}}, {{Article: "150", Clause: "2"}}, {{Article: "151", Clause: "2"}},
	{{Article: "348", Clause: "1"}}, {{Article: "349", Clause: "1"}}, {{Article: "150", Clause: "3"}},
}

func (d *driver) pick() (ctip.ID, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(*d.cases) == 0 {
		return ctip.ID{}, false
	}
	return (*d.cases)[d.rng.IntN(len(*d.cases))], true
}

// result records an outcome; refusals (bad dates, exhausted extensions,
// stale versions) are expected, anything else fails the test.
func (d *driver) result(op string, err error) {
	if err == nil {
		d.ok[op]++
		return
	}
	if ctip.IsKind(err, ctip.Internal) {
		d.f.t.Errorf("%s: %v", op, err)
	}
	d.errs[op]++
}

func (d *driver) today() ctip.Date { return ctip.DateOf(d.f.clock.Now()) }

func (d *driver) step(calendar bool) {
	f, r := d.f, d.rng
	today := d.today()
	if calendar { // an announced day off: every stored deadline is recomputed
		day := today.AddDays(r.IntN(200))
		if r.IntN(3) == 0 {
			d.result("calendar_delete", ignoreNotFound(f.cals.DeleteDay(f.as("quantri"), day)))
		} else {
			d.result("calendar_put", f.cals.PutDay(f.as("quantri"), day, legal.AnnouncedDayOff, "Nghỉ bù"))
		}
		return
	}
	switch n := r.IntN(20); {
	case n < 2: // institute
		who := []string{"dtv1", "dtv2", "dtvxa"}[r.IntN(3)]
		in := f.input(today.AddDays(-r.IntN(300)).String(), boardCharges[r.IntN(len(boardCharges))]...)
		in.OfficerIDs = []ctip.ID{f.users[who].UserID}
		if who != "dtvxa" && r.IntN(2) == 0 {
			in.OfficerIDs = append(in.OfficerIDs, f.users["dtv1"].UserID, f.users["dtv2"].UserID)
		}
		if r.IntN(4) == 0 {
			in.ProcuracyUnitID = ctip.NullID{}
		}
		c, err := f.svc.Create(f.as(who), in)
		d.result("create", err)
		if err == nil {
			d.mu.Lock()
			*d.cases = append(*d.cases, c.ID)
			d.mu.Unlock()
		}
	case n < 5: // charge someone
		id, ok := d.pick()
		if !ok {
			return
		}
		who := []string{"dtv1", "dtvxa"}[r.IntN(2)]
		v, err := f.svc.Get(f.as(who), id)
		if err != nil || !v.CanWrite {
			return
		}
		_, err = f.svc.AddAccused(f.as(who), id, v.Case.Version, casefile.AccusedInput{Person: casefile.PersonInput{Name: "Bị can", Sex: "male", BirthYear: 1990},
			Charges: boardCharges[r.IntN(len(boardCharges))], DocumentNumber: "KTBC", DocumentDate: today, Signer: "Thủ trưởng"})
		d.result("accused", err)
	case n < 7: // a measure, or its extension or end
		id, ok := d.pick()
		if !ok {
			return
		}
		who := []string{"dtv1", "dtvxa", "ksv", "thamphan"}[r.IntN(4)]
		v, err := f.svc.Get(f.as(who), id)
		if err != nil || len(v.Accused) == 0 {
			return
		}
		if len(v.Measures) > 0 && r.IntN(2) == 0 {
			m := v.Measures[r.IntN(len(v.Measures))]
			op := []string{casefile.MeasureExtend, casefile.MeasureEnd}[r.IntN(2)]
			_, err = f.svc.MeasureAction(f.as(who), id, v.Case.Version, m.ID, op, casefile.ActionInput{DocumentNumber: "LTG", DocumentDate: today,
				Signer: "KSV", Months: 1, Days: 3})
			d.result("measure_"+op, err)
			return
		}
		x := v.Accused[r.IntN(len(v.Accused))]
		_, err = f.svc.AddMeasure(f.as(who), id, v.Case.Version, casefile.MeasureInput{AccusedID: x.ID, Type: []string{"custody", "detention", "bail"}[r.IntN(3)],
			StartOn: today.AddDays(-r.IntN(5)), DocumentNumber: "LTG", DocumentDate: today, Signer: "Thủ trưởng"})
		d.result("measure", err)
	case n < 9: // key case
		id, ok := d.pick()
		if !ok {
			return
		}
		who := []string{"truongpc02", "ksv", "thamphan"}[r.IntN(3)]
		v, err := f.svc.Get(f.as(who), id)
		if err != nil || len(v.KeyOps) == 0 {
			return
		}
		op := v.KeyOps[r.IntN(len(v.KeyOps))]
		_, err = f.svc.Key(f.as(who), id, v.Case.Version, op, "Đường dây lớn")
		d.result("key_"+op, err)
	default: // a decision that moves the stage or its clock
		id, ok := d.pick()
		if !ok {
			return
		}
		var who string
		var v *casefile.View
		for _, i := range r.Perm(6) {
			who = []string{"dtv1", "dtvxa", "ksv", "thamphan", "thamphan2", "truongpc02"}[i]
			if w, err := f.svc.Get(f.as(who), id); err == nil && len(w.Allowed) > 0 {
				v = w
				break
			}
		}
		if v == nil {
			return
		}
		act := v.Allowed[r.IntN(len(v.Allowed))]
		if r.IntN(2) == 0 { // mostly forward, so that cases reach the court
			for _, a := range v.Allowed {
				if slices.Contains([]casefile.Action{casefile.ActConclude, casefile.ActIndict, casefile.ActAccept, casefile.ActBringToTrial,
					casefile.ActJudge, casefile.ActAppeal, casefile.ActFinalize}, a) {
					act = a
				}
			}
		}
		in := casefile.ActionInput{DocumentNumber: "QĐ-" + string(act), DocumentDate: today, Signer: "Người ký", Months: 1 + r.IntN(2), Days: 5,
			HearingOn: today.AddDays(5), CourtUnitID: ctip.Some(f.units[[]string{"TA", "TA2"}[r.IntN(2)]].ID)}
		switch act {
		case casefile.ActSuspend:
			in.Ground = "illness"
		case casefile.ActTerminate:
			in.Ground = casefile.TerminateGrounds[r.IntN(len(casefile.TerminateGrounds))]
		case casefile.ActJudge:
			for _, x := range v.Accused {
				in.Verdicts = append(in.Verdicts, casefile.VerdictInput{AccusedID: x.ID, Verdict: "convicted", SentenceType: "prison", SentenceMonths: 36})
			}
		}
		_, err := f.svc.Do(f.as(who), id, v.Case.Version, act, in)
		d.result(string(act), err)
	}
}

func ignoreNotFound(err error) error {
	if ctip.IsKind(err, ctip.NotFound) {
		return nil
	}
	return err
}

// recount computes the summary's rows from the cases themselves.
func recount(t *testing.T, db *store.DB) (cases, officers map[string]int) {
	t.Helper()
	ctx := context.Background()
	type row struct {
		owner, stage string
		key          bool
		month        int
	}
	open := map[string]row{}
	rows, err := db.Query(ctx, `SELECT id, unit_id, stage, is_open, key_status, next_due FROM cases`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, unit ctip.ID
		var stage, keyStatus string
		var isOpen bool
		var due ctip.Date
		if err := rows.Scan(&id, &unit, &stage, &isOpen, &keyStatus, &due); err != nil {
			t.Fatal(err)
		}
		if isOpen {
			m := 0
			if !due.IsZero() {
				m = due.Year*100 + int(due.Month)
			}
			open[id.String()] = row{unit.String(), stage, keyStatus != "", m}
		}
	}
	rows.Close()
	pairs := func(q string) map[string][]string {
		out := map[string][]string{}
		rows, err := db.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a, b ctip.ID
			if err := rows.Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			out[a.String()] = append(out[a.String()], b.String())
		}
		return out
	}
	shares, assigned := pairs(`SELECT case_id, unit_id FROM case_shares`), pairs(`SELECT case_id, user_id FROM case_officers`)
	cases, officers = map[string]int{}, map[string]int{}
	for id, c := range open {
		viewers := []string{c.owner}
		for _, u := range shares[id] {
			if !slices.Contains(viewers, u) {
				viewers = append(viewers, u)
			}
		}
		for _, v := range viewers {
			cases[fmt.Sprintf("%s|%s|%s|%t|%d", v, c.owner, c.stage, c.key, c.month)]++
			for _, u := range assigned[id] {
				officers[fmt.Sprintf("%s|%s|%s|%d", v, c.owner, u, c.month)]++
			}
		}
	}
	return cases, officers
}

// tally reads the summary's rows (zero rows, left by changes, are skipped).
func tally(t *testing.T, db *store.DB) (cases, officers map[string]int) {
	t.Helper()
	ctx := context.Background()
	cases, officers = map[string]int{}, map[string]int{}
	rows, err := db.Query(ctx, `SELECT viewer_unit_id, owner_unit_id, stage, key_case, due_month, n FROM case_tally`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v, o ctip.ID
		var stage string
		var key bool
		var month, n int
		if err := rows.Scan(&v, &o, &stage, &key, &month, &n); err != nil {
			t.Fatal(err)
		}
		if n < 0 {
			t.Errorf("negative count %d for %s %s %s", n, v, o, stage)
		}
		if n != 0 {
			cases[fmt.Sprintf("%s|%s|%s|%t|%d", v, o, stage, key, month)] = n
		}
	}
	rows.Close()
	rows, err = db.Query(ctx, `SELECT viewer_unit_id, owner_unit_id, user_id, due_month, n FROM case_officer_tally`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v, o, u ctip.ID
		var month, n int
		if err := rows.Scan(&v, &o, &u, &month, &n); err != nil {
			t.Fatal(err)
		}
		if n < 0 {
			t.Errorf("negative officer count %d", n)
		}
		if n != 0 {
			officers[fmt.Sprintf("%s|%s|%s|%d", v, o, u, month)] = n
		}
	}
	return cases, officers
}

func sameTally(t *testing.T, what string, db *store.DB) {
	t.Helper()
	wc, wo := recount(t, db)
	gc, gotO := tally(t, db)
	if !reflect.DeepEqual(wc, gc) {
		t.Errorf("%s: case_tally differs from a recount:\n got %v\nwant %v", what, gc, wc)
	}
	if !reflect.DeepEqual(wo, gotO) {
		t.Errorf("%s: case_officer_tally differs from a recount:\n got %v\nwant %v", what, gotO, wo)
	}
	if len(wc) == 0 || len(wo) == 0 {
		t.Errorf("%s: nothing counted (%d, %d rows)", what, len(wc), len(wo))
	}
}

// sameBoards compares the board read from the summary with the board
// counted from the cases, for every actor's scope, several filters and days
// on both sides of month ends.
func sameBoards(t *testing.T, f *fx) {
	t.Helper()
	ctx := context.Background()
	today := ctip.DateOf(f.clock.Now())
	days := []ctip.Date{today, today.AddDays(-45), today.AddDays(40), ctip.NewDate(today.Year, today.Month, 1),
		ctip.NewDate(today.Year, today.Month+1, 0), ctip.NewDate(today.Year, today.Month+1, -3), today.AddDays(400)}
	filters := []casefile.Filter{{Open: true}, {Open: true, Key: true}, {Open: true, Stages: []casefile.Stage{casefile.Investigating, casefile.Prosecution}},
		{Open: true, Holder: casefile.BodyProcuracy}, {Open: true, Holder: casefile.BodyCourt, Key: true}, {Open: true, UnitID: ctip.Some(f.units["PC02"].ID)},
		{Open: true, Category: legal.VerySerious}}
	scopes := map[string]ctip.Scope{"two units": {UnitIDs: []ctip.ID{f.units["PC02"].ID, f.units["TA"].ID}}}
	for _, who := range []string{"ksv", "truongcat", "truongpc02", "dtv1", "dtvxa", "thamphan", "thamphan2"} {
		scopes[who] = ctip.VisibleScope(f.users[who], ctip.PermCaseOversight)
	}
	for name, scope := range scopes {
		for _, day := range days {
			for i, flt := range filters {
				got, err := f.db.CaseBoard(ctx, flt, scope, day, day.AddDays(casefile.DueSoonDays))
				if err != nil {
					t.Fatal(err)
				}
				want, err := f.db.CaseBoardLive(ctx, flt, scope, day, day.AddDays(casefile.DueSoonDays))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s on %s, filter %d: board from the summary\n %+v\ncounted\n %+v", name, day, i, got, want)
				}
			}
		}
	}
}

func TestBoardSummaryUnderRandomOperations(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		f.clock.T = time.Date(2025, 12, 20, 2, 0, 0, 0, time.UTC)
		var ids []ctip.ID
		var mu sync.Mutex
		d := &driver{f: f, rng: rand.New(rand.NewPCG(3, 2026)), mu: &mu, cases: &ids, ok: map[string]int{}, errs: map[string]int{}}
		// Sequential, the days moving on across month ends.
		for i := 0; i < 10; i++ {
			d.step(false) // a few cases first
		}
		for i := 0; i < 500; i++ {
			d.step(i%40 == 39)
			if i%20 == 19 {
				f.clock.T = f.clock.T.Add(time.Duration(1+d.rng.IntN(6)) * 24 * time.Hour)
			}
		}
		sameTally(t, "sequential", f.db)
		sameBoards(t, f)
		// Concurrent writers on the same cases (and a calendar change
		// recomputing every deadline), as several instances would.
		var wg sync.WaitGroup
		var outMu sync.Mutex
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				gd := &driver{f: f, rng: rand.New(rand.NewPCG(uint64(g), 7)), mu: &mu, cases: &ids, ok: map[string]int{}, errs: map[string]int{}}
				for i := 0; i < 60; i++ {
					gd.step(g == 0 && i%20 == 10)
				}
				outMu.Lock()
				for k, n := range gd.ok {
					d.ok[k] += n
				}
				outMu.Unlock()
			}(g)
		}
		wg.Wait()
		sameTally(t, "concurrent", f.db)
		sameBoards(t, f)
		// Many writers on three cases at once, and deadlines recomputed
		// under them.
		hot := []ctip.ID{f.newCase(ctip.DateOf(f.clock.Now()).AddDays(-100).String()).ID, f.newCase(ctip.DateOf(f.clock.Now()).AddDays(-20).String()).ID,
			f.newCase(ctip.DateOf(f.clock.Now()).AddDays(-50).String()).ID}
		var hotMu sync.Mutex
		for g := 0; g < 6; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				gd := &driver{f: f, rng: rand.New(rand.NewPCG(uint64(g), 11)), mu: &hotMu, cases: &hot, ok: map[string]int{}, errs: map[string]int{}}
				for i := 0; i < 40; i++ {
					if g == 0 && i%4 == 0 {
						if _, err := f.svc.Recompute(ctip.WithActor(context.Background(), ctip.SystemActor("test")), f.db); err != nil {
							t.Error(err)
						}
					}
					gd.step(g == 1 && i%10 == 5)
				}
			}(g)
		}
		wg.Wait()
		sameTally(t, "hot cases", f.db)
		sameBoards(t, f)
		// Enough of everything happened.
		for _, op := range []string{"create", "accused", "measure", "key_propose", "key_agree", "conclude", "extend_investigation", "suspend", "terminate",
			"resume", "indict", "accept", "bring_to_trial", "judge", "calendar_put"} {
			if d.ok[op] == 0 {
				t.Errorf("no successful %s (ok %v, refused %v)", op, d.ok, d.errs)
			}
		}
		t.Logf("%d cases; ok %v", len(ids), d.ok)

		// The rebuild and the migration's backfill give the same rows.
		ctx := context.Background()
		if err := f.db.RebuildCaseTally(ctx); err != nil {
			t.Fatal(err)
		}
		sameTally(t, "rebuilt", f.db)
		src, err := fs.ReadFile(store.MigrationFS(f.db.Engine), "00005_cases_perf.sql")
		if err != nil {
			t.Fatal(err)
		}
		up := strings.SplitN(string(src), "-- +goose Down", 2)[0]
		backfill := up[strings.Index(up, "-- Backfill"):]
		for _, q := range []string{"DELETE FROM case_tally", "DELETE FROM case_officer_tally"} {
			if _, err := f.db.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range strings.Split(backfill, ";") {
			if strings.Contains(q, "INSERT") {
				if _, err := f.db.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
		}
		sameTally(t, "migration backfill", f.db)
	})
}

// The board and the key board through the service: the same counts as the
// cases counted one by one, never a case outside the actor's scope.
func TestBoardScope(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		c1 := f.newCase("2026-01-05") // PC02, shared with the procuracy
		in := f.input("2026-02-10")
		in.OfficerIDs = []ctip.ID{f.users["dtvxa"].UserID}
		c2, err := f.svc.Create(f.as("dtvxa"), in) // CAX1
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Key(f.as("truongpc02"), c1.ID, c1.Version, "propose", "Đường dây"); err != nil {
			t.Fatal(err)
		}
		for who, want := range map[string]int{"ksv": 2, "truongcat": 2, "truongpc02": 1, "dtv1": 1, "dtvxa": 1, "thamphan": 0} {
			b, err := f.svc.Board(f.as(who), "", casefile.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if b.Counts.Total != want {
				t.Errorf("%s sees %d cases, want %d", who, b.Counts.Total, want)
			}
			for _, w := range b.Units {
				if w.ID == f.units["CAX1"].ID && (who == "truongpc02" || who == "dtv1") || w.ID == f.units["PC02"].ID && who == "dtvxa" {
					t.Errorf("%s sees the workload of another unit: %+v", who, w)
				}
			}
			k, err := f.svc.Board(f.as(who), casefile.ViewKey, casefile.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if wantKey := map[string]int{"ksv": 1, "truongcat": 1, "truongpc02": 1, "dtv1": 1}[who]; k.Counts.Total != wantKey || k.Counts.Key != wantKey {
				t.Errorf("%s: key board %+v, want %d", who, k.Counts, wantKey)
			}
		}
		_ = c2
	})
}

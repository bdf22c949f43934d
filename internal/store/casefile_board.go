package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"ctip"
	"ctip/internal/casefile"
)

// The case board reads a summary of the open cases (tables case_tally and
// case_officer_tally, migration 00005) that every case write maintains in
// its own transaction, instead of counting every open case on each view
// (docs/PERFORMANCE.md, "Cases").
//
// An open case contributes 1 to one row per unit that sees it — its owner
// (viewer = owner) and each unit it is shared with (viewer = that unit) —
// keyed by owner, stage, key flag and the month of its next deadline
// (yyyymm; 0 when no clock runs), and likewise per assigned investigator.
// "Overdue" and "due within 7 days" depend on the day: months before the
// current one are wholly overdue; the current month up to today + 7 is read
// from the cases themselves through the covering index cases_due_board (at
// most 38 days of deadlines).

// tallyKey is a row of case_tally.
type tallyKey struct {
	viewer, owner ctip.ID
	stage         string
	key           bool
	month         int
}

// officerTallyKey is a row of case_officer_tally.
type officerTallyKey struct {
	viewer, owner, user ctip.ID
	month               int
}

// boardState is what one case contributes to the summary.
type boardState struct {
	owner    ctip.ID
	stage    string
	key      bool
	month    int
	officers []ctip.ID
	shares   []ctip.ID
}

// dueMonth buckets a deadline: yyyymm, 0 for none.
func dueMonth(d ctip.Date) int {
	if d.IsZero() {
		return 0
	}
	return d.Year*100 + int(d.Month)
}

// readBoardState reads a case's contribution (nil: no such case, or closed).
// With lock it locks the case row first (PostgreSQL), so that two writers
// of one case compute their changes one after the other.
func (db *DB) readBoardState(ctx context.Context, tx *sql.Tx, id ctip.ID, lock bool) (*boardState, error) {
	var st boardState
	var open bool
	var keyStatus string
	var due ctip.Date
	q := `SELECT unit_id, stage, is_open, key_status, next_due FROM cases WHERE id = $1`
	if lock {
		q += db.forUpdate()
	}
	err := tx.QueryRowContext(ctx, q, id).Scan(&st.owner, &st.stage, &open, &keyStatus, &due)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err, "board state")
	}
	if !open {
		return nil, nil
	}
	st.key, st.month = keyStatus != "", dueMonth(due)
	for _, q := range []struct {
		sql string
		out *[]ctip.ID
	}{
		{`SELECT user_id FROM case_officers WHERE case_id = $1`, &st.officers},
		{`SELECT unit_id FROM case_shares WHERE case_id = $1`, &st.shares},
	} {
		rows, err := tx.QueryContext(ctx, q.sql, id)
		if err != nil {
			return nil, mapErr(err, "board state")
		}
		for rows.Next() {
			var u ctip.ID
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return nil, mapErr(err, "board state")
			}
			*q.out = append(*q.out, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err, "board state")
		}
	}
	return &st, nil
}

// add adds (sign 1) or removes (sign -1) a case's contribution.
func (st *boardState) add(cases map[tallyKey]int, officers map[officerTallyKey]int, sign int) {
	if st == nil {
		return
	}
	viewers := []ctip.ID{st.owner}
	for _, u := range st.shares {
		if !slices.Contains(viewers, u) {
			viewers = append(viewers, u)
		}
	}
	for _, v := range viewers {
		cases[tallyKey{v, st.owner, st.stage, st.key, st.month}] += sign
		for _, u := range st.officers {
			officers[officerTallyKey{v, st.owner, u, st.month}] += sign
		}
	}
}

// applyTally writes the difference between a case's contribution before
// and after a change. Rows are updated in one order (sorted keys), so that
// concurrent writers on PostgreSQL never wait for each other in a cycle.
func applyTally(ctx context.Context, tx *sql.Tx, before, after *boardState) error {
	cases, officers := map[tallyKey]int{}, map[officerTallyKey]int{}
	before.add(cases, officers, -1)
	after.add(cases, officers, 1)
	ck := make([]tallyKey, 0, len(cases))
	for k, n := range cases {
		if n != 0 {
			ck = append(ck, k)
		}
	}
	slices.SortFunc(ck, func(a, b tallyKey) int {
		return cmp.Or(cmp.Compare(a.viewer.String(), b.viewer.String()), cmp.Compare(a.owner.String(), b.owner.String()),
			cmp.Compare(a.stage, b.stage), cmp.Compare(b2i(a.key), b2i(b.key)), cmp.Compare(a.month, b.month))
	})
	for _, k := range ck {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_tally (viewer_unit_id, owner_unit_id, stage, key_case, due_month, n)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (owner_unit_id, stage, key_case, viewer_unit_id, due_month)
			DO UPDATE SET n = case_tally.n + excluded.n`, k.viewer, k.owner, k.stage, k.key, k.month, cases[k]); err != nil {
			return mapErr(err, "case tally")
		}
	}
	ok := make([]officerTallyKey, 0, len(officers))
	for k, n := range officers {
		if n != 0 {
			ok = append(ok, k)
		}
	}
	slices.SortFunc(ok, func(a, b officerTallyKey) int {
		return cmp.Or(cmp.Compare(a.viewer.String(), b.viewer.String()), cmp.Compare(a.owner.String(), b.owner.String()),
			cmp.Compare(a.user.String(), b.user.String()), cmp.Compare(a.month, b.month))
	})
	for _, k := range ok {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_officer_tally (viewer_unit_id, owner_unit_id, user_id, due_month, n)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, owner_unit_id, viewer_unit_id, due_month)
			DO UPDATE SET n = case_officer_tally.n + excluded.n`, k.viewer, k.owner, k.user, k.month, officers[k]); err != nil {
			return mapErr(err, "case officer tally")
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// RebuildCaseTally recomputes the board summary from the cases (the same
// statements as the backfill of migration 00005). Tools and benchmarks that
// write cases with raw SQL call it; the service never needs to.
func (db *DB) RebuildCaseTally(ctx context.Context) error {
	month := `COALESCE(CAST(strftime('%Y%m', i.next_due) AS INTEGER), 0)`
	if db.Engine == Postgres {
		month = `COALESCE(CAST(to_char(i.next_due, 'YYYYMM') AS INTEGER), 0)`
	}
	const viewers = `(SELECT id AS case_id, unit_id AS viewer FROM cases UNION SELECT case_id, unit_id FROM case_shares) v ON v.case_id = i.id`
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM case_tally`,
			`DELETE FROM case_officer_tally`,
			`INSERT INTO case_tally (viewer_unit_id, owner_unit_id, stage, key_case, due_month, n)
			SELECT v.viewer, i.unit_id, i.stage, i.key_status <> '', ` + month + `, COUNT(*)
			FROM cases i JOIN ` + viewers + ` WHERE i.is_open = TRUE
			GROUP BY v.viewer, i.unit_id, i.stage, i.key_status <> '', ` + month,
			`INSERT INTO case_officer_tally (viewer_unit_id, owner_unit_id, user_id, due_month, n)
			SELECT v.viewer, i.unit_id, o.user_id, ` + month + `, COUNT(*)
			FROM cases i JOIN ` + viewers + ` JOIN case_officers o ON o.case_id = i.id WHERE i.is_open = TRUE
			GROUP BY v.viewer, i.unit_id, o.user_id, ` + month,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return mapErr(err, "rebuild case tally")
			}
		}
		return nil
	})
}

// ---------- reading the board ----------

// tallyScope turns a resolved scope into a condition on case_tally t (or
// case_officer_tally): the rows of the cases owned by a unit of the scope,
// plus the rows of the cases shared with the actor's unit and owned outside
// the scope — each case once. A scope whose shares come from several units
// (never built by ctip.VisibleScope) could count a case twice: false, the
// board then counts the cases themselves.
func tallyScope(a *args, sc caseScope) (string, bool) {
	if sc.all {
		return "t.viewer_unit_id = t.owner_unit_id", true
	}
	if len(sc.shared) > 1 {
		return "", false
	}
	if len(sc.units) == 0 {
		return "1 = 0", true
	}
	ids := make([]any, len(sc.units))
	for i, id := range sc.units {
		ids[i] = id
	}
	in := a.in(ids...) // the same placeholders serve twice
	cond := "(t.viewer_unit_id = t.owner_unit_id AND t.owner_unit_id IN " + in + ")"
	if len(sc.shared) == 1 {
		cond = "(" + cond + " OR (t.viewer_unit_id = " + a.add(sc.shared[0]) + " AND t.owner_unit_id NOT IN " + in + "))"
	}
	return cond, true
}

// tallyAnswers reports whether the summary can answer a filter: open cases,
// filtered at most by stage, holding body, key flag and owning unit.
func tallyAnswers(f casefile.Filter) bool {
	return f.Open && f.Article == "" && f.Category == "" && f.Commune == "" && f.From.IsZero() && f.To.IsZero() &&
		!f.OfficerID.Valid && f.DueBy.IsZero() && f.DueFrom.IsZero() && f.Reference == "" && !f.CampaignID.Valid &&
		!f.DetentionOrders
}

// tallyStages lists the stages a filter keeps (nil: all).
func tallyStages(f casefile.Filter) []string {
	var out []string
	for _, st := range f.Stages {
		out = append(out, string(st))
	}
	if f.Holder != "" {
		var held []string
		for _, st := range casefile.Stages {
			if !st.Closed() && st != casefile.Suspended && casefile.Holder(st) == f.Holder && (len(f.Stages) == 0 || slices.Contains(out, string(st))) {
				held = append(held, string(st))
			}
		}
		if held == nil {
			held = []string{""} // no stage: nothing matches
		}
		out = held
	}
	return out
}

// boardAcc accumulates the board.
type boardAcc struct {
	counts   casefile.Counts
	units    map[ctip.ID]*casefile.Workload
	officers map[ctip.ID]*casefile.Workload
}

func (b *boardAcc) unit(id ctip.ID) *casefile.Workload {
	w := b.units[id]
	if w == nil {
		w = &casefile.Workload{ID: id}
		b.units[id] = w
	}
	return w
}

func (b *boardAcc) officer(id ctip.ID) *casefile.Workload {
	w := b.officers[id]
	if w == nil {
		w = &casefile.Workload{ID: id}
		b.officers[id] = w
	}
	return w
}

// eachRow runs a query and calls fn for every row.
func eachRow(ctx context.Context, q querier, what, query string, vals []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, vals...)
	if err != nil {
		return mapErr(err, what)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return mapErr(err, what)
		}
	}
	return mapErr(rows.Err(), what)
}

// CaseBoard counts the open cases of a scope for the board: by stage, due
// within [today, soon], overdue, key, and the workload per investigator and
// per investigating unit (the 50 busiest of each). All of it is read in one
// snapshot. The summary answers the board and its stage, body, key and unit
// filters; other filters (charge, category, commune, period) count the
// matching cases themselves.
func (db *DB) CaseBoard(ctx context.Context, f casefile.Filter, scope ctip.Scope, today, soon ctip.Date) (casefile.BoardData, error) {
	tx, err := db.r.BeginTx(ctx, db.snapshot())
	if err != nil {
		return casefile.BoardData{}, mapErr(err, "board")
	}
	defer tx.Rollback()
	b := &boardAcc{counts: casefile.Counts{ByStage: map[casefile.Stage]int{}}, units: map[ctip.ID]*casefile.Workload{},
		officers: map[ctip.ID]*casefile.Workload{}}
	sc, err := db.resolveCaseScope(ctx, tx, scope)
	if err != nil {
		return casefile.BoardData{}, err
	}
	var a args
	_, scoped := tallyScope(&a, sc)
	useTally := scoped && tallyAnswers(f)
	if useTally {
		err = db.boardCountsTally(ctx, tx, b, f, sc, today, soon)
	} else {
		err = db.boardCountsLive(ctx, tx, b, f, sc, today, soon)
	}
	if err != nil {
		return casefile.BoardData{}, err
	}
	if useTally && len(f.Stages) == 0 && f.Holder == "" && !f.Key {
		err = db.boardOfficersTally(ctx, tx, b, f, sc, today, soon)
	} else {
		err = db.boardOfficersLive(ctx, tx, b, f, sc, today, soon)
	}
	if err != nil {
		return casefile.BoardData{}, err
	}
	return db.boardNames(ctx, tx, b)
}

// CaseBoardLive is CaseBoard counting the cases themselves, never the
// summary (tests compare the two).
func (db *DB) CaseBoardLive(ctx context.Context, f casefile.Filter, scope ctip.Scope, today, soon ctip.Date) (casefile.BoardData, error) {
	tx, err := db.r.BeginTx(ctx, db.snapshot())
	if err != nil {
		return casefile.BoardData{}, mapErr(err, "board")
	}
	defer tx.Rollback()
	b := &boardAcc{counts: casefile.Counts{ByStage: map[casefile.Stage]int{}}, units: map[ctip.ID]*casefile.Workload{},
		officers: map[ctip.ID]*casefile.Workload{}}
	sc, err := db.resolveCaseScope(ctx, tx, scope)
	if err != nil {
		return casefile.BoardData{}, err
	}
	if err := db.boardCountsLive(ctx, tx, b, f, sc, today, soon); err != nil {
		return casefile.BoardData{}, err
	}
	if err := db.boardOfficersLive(ctx, tx, b, f, sc, today, soon); err != nil {
		return casefile.BoardData{}, err
	}
	return db.boardNames(ctx, tx, b)
}

// window is the filter of the board's day-dependent part: open cases whose
// next deadline falls between the first of today's month and soon.
func window(f casefile.Filter, today, soon ctip.Date) casefile.Filter {
	f.DueFrom, f.DueBy = ctip.NewDate(today.Year, today.Month, 1), soon
	return f
}

// boardCountsTally reads the counts and the unit workload from case_tally,
// and the day-dependent part from the cases due this month up to soon.
func (db *DB) boardCountsTally(ctx context.Context, q querier, b *boardAcc, f casefile.Filter, scope caseScope, today, soon ctip.Date) error {
	var a args
	ts, _ := tallyScope(&a, scope)
	conds := []string{ts}
	if sts := tallyStages(f); sts != nil {
		vs := make([]any, len(sts))
		for i, s := range sts {
			vs[i] = s
		}
		conds = append(conds, "t.stage IN "+a.in(vs...))
	}
	if f.Key {
		conds = append(conds, "t.key_case = "+a.add(true))
	}
	if f.UnitID.Valid {
		conds = append(conds, "t.owner_unit_id = "+a.add(f.UnitID.ID))
	}
	cur := a.add(dueMonth(today))
	err := eachRow(ctx, q, "board counts", `SELECT t.owner_unit_id, t.stage, t.key_case, SUM(t.n),
		SUM(CASE WHEN t.due_month > 0 AND t.due_month < `+cur+` THEN t.n ELSE 0 END)
		FROM case_tally t`+where(conds)+` GROUP BY t.owner_unit_id, t.stage, t.key_case`, a.v, func(rows *sql.Rows) error {
		var unit ctip.ID
		var stage string
		var key bool
		var n, over int
		if err := rows.Scan(&unit, &stage, &key, &n, &over); err != nil || n == 0 {
			return err // rows left at 0 by earlier changes add nothing
		}
		b.counts.ByStage[casefile.Stage(stage)] += n
		b.counts.Total += n
		b.counts.Overdue += over
		if key {
			b.counts.Key += n
		}
		w := b.unit(unit)
		w.Open += n
		w.Overdue += over
		return nil
	})
	if err != nil {
		return err
	}
	return db.boardWindow(ctx, q, b, window(f, today, soon), scope, today, soon, false)
}

// boardWindow adds the overdue and due-soon counts of the cases whose
// deadline falls in the window, read through the index on next_due (at most
// 38 days of deadlines, whatever the scope).
func (db *DB) boardWindow(ctx context.Context, q querier, b *boardAcc, f casefile.Filter, scope caseScope, today, soon ctip.Date, officers bool) error {
	var a args
	conds := caseConds(&a, f, scope)
	todayP, soonP := a.add(today), a.add(soon)
	sums := `SUM(CASE WHEN i.next_due < ` + todayP + ` THEN 1 ELSE 0 END), SUM(CASE WHEN i.next_due >= ` + todayP + ` AND i.next_due <= ` + soonP + ` THEN 1 ELSE 0 END)`
	if officers {
		return eachRow(ctx, q, "board window", `SELECT co.user_id, `+sums+` FROM cases i`+db.caseIndex(f)+` CROSS JOIN case_officers co`+where(append(conds, "co.case_id = i.id"))+` GROUP BY co.user_id`, a.v, func(rows *sql.Rows) error {
			var u ctip.ID
			var over, due int
			if err := rows.Scan(&u, &over, &due); err != nil {
				return err
			}
			w := b.officer(u)
			w.Overdue += over
			w.DueSoon += due
			return nil
		})
	}
	return eachRow(ctx, q, "board window", `SELECT i.unit_id, `+sums+` FROM cases i`+db.caseIndex(f)+where(conds)+` GROUP BY i.unit_id`, a.v,
		func(rows *sql.Rows) error {
			var u ctip.ID
			var over, due int
			if err := rows.Scan(&u, &over, &due); err != nil {
				return err
			}
			b.counts.Overdue += over
			b.counts.DueSoon += due
			w := b.unit(u)
			w.Overdue += over
			w.DueSoon += due
			return nil
		})
}

// boardCountsLive counts the matching cases themselves.
func (db *DB) boardCountsLive(ctx context.Context, q querier, b *boardAcc, f casefile.Filter, scope caseScope, today, soon ctip.Date) error {
	var a args
	conds := caseConds(&a, f, scope)
	todayP, soonP := a.add(today), a.add(soon)
	return eachRow(ctx, q, "board counts", `SELECT i.unit_id, i.stage, i.key_status, COUNT(*),
		SUM(CASE WHEN i.next_due < `+todayP+` THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.next_due >= `+todayP+` AND i.next_due <= `+soonP+` THEN 1 ELSE 0 END)
		FROM cases i`+db.caseIndex(f)+where(conds)+` GROUP BY i.unit_id, i.stage, i.key_status`, a.v, func(rows *sql.Rows) error {
		var unit ctip.ID
		var stage, key string
		var n, over, due int
		if err := rows.Scan(&unit, &stage, &key, &n, &over, &due); err != nil {
			return err
		}
		st := casefile.Stage(stage)
		b.counts.ByStage[st] += n
		b.counts.Total += n
		if !st.Closed() {
			b.counts.Overdue += over
			b.counts.DueSoon += due
			if key != "" {
				b.counts.Key += n
			}
		}
		w := b.unit(unit)
		w.Open += n
		w.Overdue += over
		w.DueSoon += due
		return nil
	})
}

// boardOfficersTally reads the investigators' workload from case_officer_tally.
func (db *DB) boardOfficersTally(ctx context.Context, q querier, b *boardAcc, f casefile.Filter, scope caseScope, today, soon ctip.Date) error {
	var a args
	ts, _ := tallyScope(&a, scope)
	conds := []string{ts}
	if f.UnitID.Valid {
		conds = append(conds, "t.owner_unit_id = "+a.add(f.UnitID.ID))
	}
	cur := a.add(dueMonth(today))
	err := eachRow(ctx, q, "board officers", `SELECT t.user_id, SUM(t.n), SUM(CASE WHEN t.due_month > 0 AND t.due_month < `+cur+` THEN t.n ELSE 0 END)
		FROM case_officer_tally t`+where(conds)+` GROUP BY t.user_id`, a.v, func(rows *sql.Rows) error {
		var u ctip.ID
		var n, over int
		if err := rows.Scan(&u, &n, &over); err != nil || n == 0 {
			return err
		}
		w := b.officer(u)
		w.Open += n
		w.Overdue += over
		return nil
	})
	if err != nil {
		return err
	}
	return db.boardWindow(ctx, q, b, window(f, today, soon), scope, today, soon, true)
}

// boardOfficersLive counts the investigators' workload from the cases.
func (db *DB) boardOfficersLive(ctx context.Context, q querier, b *boardAcc, f casefile.Filter, scope caseScope, today, soon ctip.Date) error {
	var a args
	conds := caseConds(&a, f, scope)
	todayP, soonP := a.add(today), a.add(soon)
	// CROSS JOIN keeps the cases as the outer loop on SQLite: the open cases
	// first, then their officers by primary key (not every officer row).
	return eachRow(ctx, q, "board officers", `SELECT co.user_id, COUNT(*),
		SUM(CASE WHEN i.next_due < `+todayP+` THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.next_due >= `+todayP+` AND i.next_due <= `+soonP+` THEN 1 ELSE 0 END)
		FROM cases i`+db.caseIndex(f)+` CROSS JOIN case_officers co`+where(append(conds, "co.case_id = i.id"))+` GROUP BY co.user_id`, a.v,
		func(rows *sql.Rows) error {
			var u ctip.ID
			var n, over, due int
			if err := rows.Scan(&u, &n, &over, &due); err != nil {
				return err
			}
			w := b.officer(u)
			w.Open += n
			w.Overdue += over
			w.DueSoon += due
			return nil
		})
}

// boardNames names the units and investigators and keeps the 50 busiest of
// each (most open cases first, then by name).
func (db *DB) boardNames(ctx context.Context, q querier, b *boardAcc) (casefile.BoardData, error) {
	out := casefile.BoardData{Counts: b.counts}
	var err error
	if out.Units, err = db.named(ctx, q, b.units, `SELECT id, name FROM units WHERE id IN `); err != nil {
		return out, err
	}
	out.Officers, err = db.named(ctx, q, b.officers, `SELECT id, display_name FROM users WHERE id IN `)
	return out, err
}

func (db *DB) named(ctx context.Context, q querier, m map[ctip.ID]*casefile.Workload, query string) ([]casefile.Workload, error) {
	// Only the 50 busiest, and those as busy as the 50th (names break the
	// tie), need a name.
	var opens []int
	for _, w := range m {
		if w.Open > 0 {
			opens = append(opens, w.Open)
		}
	}
	slices.SortFunc(opens, func(a, b int) int { return cmp.Compare(b, a) })
	least := 1
	if len(opens) > 50 {
		least = opens[49]
	}
	var ids []any
	for id, w := range m {
		if w.Open >= least {
			ids = append(ids, id)
		}
	}
	var out []casefile.Workload
	for start := 0; start < len(ids); start += 500 {
		var a args
		err := eachRow(ctx, q, "board names", query+a.in(ids[start:min(start+500, len(ids))]...), a.v, func(rows *sql.Rows) error {
			var id ctip.ID
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			w := *m[id]
			w.Name = name
			out = append(out, w)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b casefile.Workload) int {
		return cmp.Or(cmp.Compare(b.Open, a.Open), strings.Compare(a.Name, b.Name), strings.Compare(a.ID.String(), b.ID.String()))
	})
	if len(out) > 50 {
		out = out[:50]
	}
	return out, nil
}

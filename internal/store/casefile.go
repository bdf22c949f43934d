package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/crypt"
	"ctip/internal/intake"
	"ctip/internal/legal"
)

var (
	_ casefile.Store            = (*DB)(nil)
	_ casefile.ReminderStore    = (*DB)(nil)
	_ casefile.IntakeClockStore = (*DB)(nil)
	_ casefile.CalendarStore    = (*DB)(nil)
)

// encodeDues writes "stage=YYYY-MM-DD;…".
func encodeDues(m map[legal.Stage]ctip.Date) string {
	var parts []string
	for _, st := range legal.Stages {
		if d, ok := m[st]; ok && !d.IsZero() {
			parts = append(parts, string(st)+"="+d.String())
		}
	}
	return strings.Join(parts, ";")
}

func decodeDues(s string) map[legal.Stage]ctip.Date {
	m := map[legal.Stage]ctip.Date{}
	for _, part := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		if d, err := ctip.ParseDate(v); err == nil {
			m[legal.Stage(k)] = d
		}
	}
	return m
}

func nullDate(d ctip.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// WriteCase writes one change of a case in one transaction: the case row
// (version-checked, or inserted with its register number), children,
// shares, officers, charges, clocks, events, an attachment, the link from
// the source intake item, and the audit event.
func (db *DB) WriteCase(ctx context.Context, w casefile.Write) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var before *boardState
		if c := w.Case; c != nil && w.OldVersion != 0 {
			var err error
			if before, err = db.readBoardState(ctx, tx, c.ID, true); err != nil {
				return err
			}
		}
		if c := w.Case; c != nil {
			if err := db.writeCaseRow(ctx, tx, w); err != nil {
				return err
			}
			// Registry persons first: the rows below keep the pseudonym of a
			// protected person, allocated here.
			for _, rl := range w.Persons {
				if err := db.writeRecordLink(ctx, tx, rl); err != nil {
					return err
				}
				if !rl.Protected {
					continue
				}
				for _, x := range w.Accused {
					if x.Person.PersonID.Valid && x.Person.PersonID.ID == rl.Link.PersonID {
						x.Person.Name, x.Person.IDNumber = rl.Name, ""
					}
				}
				for _, pt := range w.Parties {
					if pt.Person.PersonID.Valid && pt.Person.PersonID.ID == rl.Link.PersonID {
						pt.Person.Name, pt.Person.IDNumber = rl.Name, ""
					}
				}
			}
			for _, x := range w.Accused {
				if err := db.upsertAccused(ctx, tx, x); err != nil {
					return err
				}
			}
			for _, m := range w.Measures {
				if err := db.upsertMeasure(ctx, tx, m); err != nil {
					return err
				}
			}
			for _, pt := range w.Parties {
				if err := db.insertParty(ctx, tx, pt); err != nil {
					return err
				}
			}
			for _, u := range w.Shares {
				if _, err := tx.ExecContext(ctx, `INSERT INTO case_shares (case_id, unit_id, created_at) VALUES ($1, $2, $3)
					ON CONFLICT (case_id, unit_id) DO NOTHING`, c.ID, u, c.UpdatedAt); err != nil {
					return mapErr(err, "case share")
				}
			}
			if err := db.writeCharges(ctx, tx, c.ID); err != nil {
				return err
			}
			if err := db.writeClocks(ctx, tx, c.ID, w.Clocks); err != nil {
				return err
			}
			if w.LinkIntake.Valid {
				res, err := tx.ExecContext(ctx, `UPDATE intake_items SET case_id = $1, version = version + 1, updated_at = $2
					WHERE id = $3 AND case_id IS NULL`, c.ID, c.UpdatedAt, w.LinkIntake.ID)
				if err != nil {
					return mapErr(err, "link intake")
				}
				if n, _ := res.RowsAffected(); n == 0 {
					return ctip.Errorf(ctip.Conflict, "case.intake_has_case")
				}
				if err := db.insertEvents(ctx, tx, intake.Event{ID: ctip.NewID(), ItemID: w.LinkIntake.ID, At: c.UpdatedAt,
					ActorID: ctip.Some(c.CreatedBy), ActorName: w.Audit.ActorName, Action: "case_linked",
					FromStatus: intake.Prosecuted, ToStatus: intake.Prosecuted, Detail: c.Reference}); err != nil {
					return err
				}
			}
			// The board's summary changes in the same transaction.
			after, err := db.readBoardState(ctx, tx, c.ID, false)
			if err != nil {
				return err
			}
			if err := applyTally(ctx, tx, before, after); err != nil {
				return err
			}
		}
		if a := w.Attachment; a != nil {
			const t = "case_attachments"
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_attachments (id, case_id, filename, content_type, size, sha256, content, uploaded_by, uploaded_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, a.ID, a.CaseID, db.seal(t, "filename", a.ID, a.Filename), a.ContentType, a.Size,
				a.SHA256, db.keys.Seal(a.Content, crypt.AD(t, "content", a.ID.String())), a.UploadedBy, a.UploadedAt); err != nil {
				return mapErr(err, "case attachment")
			}
		}
		for _, e := range w.Events {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_events (id, case_id, accused_id, at, actor_id, actor_name, action, body,
				from_stage, to_stage, document_number, document_date, signer, note, detail)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
				e.ID, e.CaseID, e.AccusedID, e.At, e.ActorID, e.ActorName, e.Action, string(e.Body), string(e.FromStage), string(e.ToStage),
				nullStr(e.DocumentNumber), e.DocumentDate, nullStr(e.Signer), db.seal("case_events", "note", e.ID, e.Note), e.Detail); err != nil {
				return mapErr(err, "case event")
			}
		}
		if _, err := insertNotifications(ctx, tx, w.Notifications); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, w.Audit)
	})
}

func (db *DB) writeCaseRow(ctx context.Context, tx *sql.Tx, w casefile.Write) error {
	c := w.Case
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_accused WHERE case_id = $1`, c.ID).Scan(&n); err != nil {
		return mapErr(err, "count accused")
	}
	for _, x := range w.Accused {
		if x.Version == 0 {
			n++
		}
	}
	c.AccusedCount = n
	vals := []any{c.ProcuracyUnitID, c.CourtUnitID, c.InstitutionNumber, c.InstitutionSigner, c.InstitutedOn, nullDate(c.OffenceOn),
		casefile.FormatCharges(c.Charges), string(c.Category), db.seal("cases", "summary", c.ID, c.Summary), nullStr(c.ProvinceCode),
		nullStr(c.CommuneCode), c.Ring, string(c.Stage), !c.Stage.Closed(), c.StageSince, string(c.SuspendedFrom), c.Ground,
		string(c.ClockKind), nullDate(c.ClockStart), casefile.FormatPeriods(c.ClockExt), c.ClockFlag, encodeDues(c.Dues),
		nullDate(c.CurrentDue), nullDate(c.NextDue), c.ReturnsProcuracy, c.ReturnsJudge, c.ReturnsPanel, string(c.LastReturner),
		c.KeyStatus(), string(c.KeyProposedBy), c.KeyReason, nullDate(c.KeyAgreed[casefile.BodyInvestigating]),
		nullDate(c.KeyAgreed[casefile.BodyProcuracy]), nullDate(c.KeyAgreed[casefile.BodyCourt]), c.AccusedCount, c.DetentionOrdersNeeded,
		c.Version, c.UpdatedAt}
	if w.OldVersion == 0 {
		num, err := nextNumber(ctx, tx, casefile.ReferenceScope(c.UnitID), c.InstitutedOn.Year)
		if err != nil {
			return err
		}
		c.Reference = casefile.FormatReference(c.InstitutedOn.Year, num)
		_, err = tx.ExecContext(ctx, `INSERT INTO cases (procuracy_unit_id, court_unit_id, institution_number, institution_signer,
			instituted_on, offence_on, charges, category, summary, province_code, commune_code, ring, stage, is_open, stage_since,
			suspended_from, ground, clock_kind, clock_start, clock_ext, clock_flag, dues, current_due, next_due, returns_procuracy,
			returns_judge, returns_panel, last_returner, key_status, key_proposed_by, key_reason, key_investigating_on,
			key_procuracy_on, key_court_on, accused_count, detention_orders_needed, version, updated_at, id, reference, unit_id,
			intake_item_id, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
			$25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44)`,
			append(vals, c.ID, c.Reference, c.UnitID, c.IntakeItemID, c.CreatedBy, c.CreatedAt)...)
		if err != nil {
			return mapErr(err, "create case")
		}
		for _, o := range c.Officers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_officers (case_id, user_id, lead) VALUES ($1, $2, $3)`, c.ID, o.UserID, o.Lead); err != nil {
				return mapErr(err, "case officer")
			}
		}
		return nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE cases SET procuracy_unit_id = $1, court_unit_id = $2, institution_number = $3,
		institution_signer = $4, instituted_on = $5, offence_on = $6, charges = $7, category = $8, summary = $9, province_code = $10,
		commune_code = $11, ring = $12, stage = $13, is_open = $14, stage_since = $15, suspended_from = $16, ground = $17,
		clock_kind = $18, clock_start = $19, clock_ext = $20, clock_flag = $21, dues = $22, current_due = $23, next_due = $24,
		returns_procuracy = $25, returns_judge = $26, returns_panel = $27, last_returner = $28, key_status = $29,
		key_proposed_by = $30, key_reason = $31, key_investigating_on = $32, key_procuracy_on = $33, key_court_on = $34,
		accused_count = $35, detention_orders_needed = $36, version = $37, updated_at = $38 WHERE id = $39 AND version = $40`, append(vals, c.ID, w.OldVersion)...)
	if err != nil {
		return mapErr(err, "update case")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ctip.ErrStale()
	}
	return nil
}

// writeCharges rewrites the charge index of a case (case-level and every accused's).
func (db *DB) writeCharges(ctx context.Context, tx *sql.Tx, caseID ctip.ID) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM case_charges WHERE case_id = $1`, caseID); err != nil {
		return mapErr(err, "charges")
	}
	type owner struct {
		key     string
		charges string
	}
	var owners []owner
	var cs string
	if err := tx.QueryRowContext(ctx, `SELECT charges FROM cases WHERE id = $1`, caseID).Scan(&cs); err != nil {
		return mapErr(err, "charges")
	}
	owners = append(owners, owner{"", cs})
	rows, err := tx.QueryContext(ctx, `SELECT id, charges FROM case_accused WHERE case_id = $1 AND status <> 'terminated'`, caseID)
	if err != nil {
		return mapErr(err, "charges")
	}
	for rows.Next() {
		var o owner
		if err := rows.Scan(&o.key, &o.charges); err != nil {
			rows.Close()
			return mapErr(err, "charges")
		}
		owners = append(owners, o)
	}
	rows.Close()
	for _, o := range owners {
		for i, ch := range casefile.ParseCharges(o.charges) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_charges (case_id, owner, seq, article, clause, point) VALUES ($1, $2, $3, $4, $5, $6)`,
				caseID, o.key, i, ch.Article, ch.Clause, ch.Point); err != nil {
				return mapErr(err, "charges")
			}
		}
	}
	return nil
}

func (db *DB) writeClocks(ctx context.Context, tx *sql.Tx, caseID ctip.ID, clocks []casefile.Clock) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM case_clocks WHERE case_id = $1`, caseID); err != nil {
		return mapErr(err, "clocks")
	}
	for _, k := range clocks {
		key := ""
		if k.MeasureID.Valid {
			key = k.MeasureID.ID.String()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_clocks (case_id, kind, measure_key, accused_id, start_on, due, basis, basis_en, holder)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, caseID, k.Kind, key, k.AccusedID, k.Start, k.Due, k.Basis, k.BasisEN, string(k.Holder)); err != nil {
			return mapErr(err, "clocks")
		}
	}
	return nil
}

func (db *DB) upsertAccused(ctx context.Context, tx *sql.Tx, x *casefile.Accused) error {
	const t = "case_accused"
	p := x.Person
	vals := []any{p.PersonID, db.seal(t, "name", x.ID, p.Name), p.Sex, p.BirthYear, db.seal(t, "id_number", x.ID, p.IDNumber),
		casefile.FormatCharges(x.Charges), string(x.Category), x.ChargeNumber, x.ChargedOn, string(x.Status), x.StatusGround,
		nullDate(x.StatusOn), x.Verdict, x.SentenceType, x.SentenceMonths}
	if x.Version == 0 {
		x.Version = 1
		_, err := tx.ExecContext(ctx, `INSERT INTO case_accused (person_id, name, sex, birth_year, id_number, charges, category,
			charge_number, charged_on, status, status_ground, status_on, verdict, sentence_type, sentence_months, id, case_id, version, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			append(vals, x.ID, x.CaseID, x.Version, x.CreatedAt)...)
		return mapErr(err, "insert accused")
	}
	x.Version++
	_, err := tx.ExecContext(ctx, `UPDATE case_accused SET person_id = $1, name = $2, sex = $3, birth_year = $4, id_number = $5,
		charges = $6, category = $7, charge_number = $8, charged_on = $9, status = $10, status_ground = $11, status_on = $12,
		verdict = $13, sentence_type = $14, sentence_months = $15, version = $16 WHERE id = $17`, append(vals, x.Version, x.ID)...)
	return mapErr(err, "update accused")
}

func (db *DB) upsertMeasure(ctx context.Context, tx *sql.Tx, m *casefile.Measure) error {
	vals := []any{m.Type, m.StartOn, casefile.FormatPeriods(m.Ext), nullDate(m.OrderEnd), nullDate(m.Due), nullDate(m.EndedOn), m.DocumentNumber, m.EndedBy}
	if m.Version == 0 {
		m.Version = 1
		_, err := tx.ExecContext(ctx, `INSERT INTO case_measures (type, start_on, ext, order_end, due, ended_on, document_number, ended_by, id, case_id, accused_id, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, append(vals, m.ID, m.CaseID, m.AccusedID, m.Version)...)
		return mapErr(err, "insert measure")
	}
	m.Version++
	_, err := tx.ExecContext(ctx, `UPDATE case_measures SET type = $1, start_on = $2, ext = $3, order_end = $4, due = $5, ended_on = $6,
		document_number = $7, ended_by = $8, version = $9 WHERE id = $10`, append(vals, m.Version, m.ID)...)
	return mapErr(err, "update measure")
}

func (db *DB) insertParty(ctx context.Context, tx *sql.Tx, pt *casefile.Party) error {
	const t = "case_parties"
	_, err := tx.ExecContext(ctx, `INSERT INTO case_parties (id, case_id, role, person_id, name, sex, birth_year, id_number, rescued, rescued_on, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, pt.ID, pt.CaseID, pt.Role, pt.Person.PersonID,
		db.seal(t, "name", pt.ID, pt.Person.Name), pt.Person.Sex, pt.Person.BirthYear, db.seal(t, "id_number", pt.ID, pt.Person.IDNumber),
		pt.Rescued, nullDate(pt.RescuedOn), pt.CreatedAt)
	return mapErr(err, "insert party")
}

// ---------- reads ----------

const caseCols = `i.id, i.reference, i.unit_id, i.procuracy_unit_id, i.court_unit_id, i.intake_item_id, i.created_by,
	i.institution_number, i.institution_signer, i.instituted_on, i.offence_on, i.charges, i.category, i.summary, i.province_code,
	i.commune_code, i.ring, i.stage, i.stage_since, i.suspended_from, i.ground, i.clock_kind, i.clock_start, i.clock_ext, i.clock_flag,
	i.dues, i.current_due, i.next_due, i.returns_procuracy, i.returns_judge, i.returns_panel, i.last_returner, i.key_proposed_by,
	i.key_reason, i.key_investigating_on, i.key_procuracy_on, i.key_court_on, i.accused_count, i.detention_orders_needed, i.version, i.created_at, i.updated_at,
	ou.path, ou.name, pu.name, cu.name`

const caseJoins = ` FROM cases i JOIN units ou ON ou.id = i.unit_id LEFT JOIN units pu ON pu.id = i.procuracy_unit_id
	LEFT JOIN units cu ON cu.id = i.court_unit_id`

func (db *DB) scanCase(sc interface{ Scan(...any) error }) (*casefile.Case, error) {
	c := &casefile.Case{KeyAgreed: map[casefile.Body]ctip.Date{}}
	var summary []byte
	var charges, cat, stage, susp, clockKind, clockExt, dues, lastRet, keyBy string
	var kInv, kPro, kCourt ctip.Date
	if err := sc.Scan(&c.ID, &c.Reference, &c.UnitID, &c.ProcuracyUnitID, &c.CourtUnitID, &c.IntakeItemID, &c.CreatedBy,
		&c.InstitutionNumber, &c.InstitutionSigner, &c.InstitutedOn, &c.OffenceOn, &charges, &cat, &summary, ns{&c.ProvinceCode},
		ns{&c.CommuneCode}, &c.Ring, &stage, &c.StageSince, &susp, &c.Ground, &clockKind, &c.ClockStart, &clockExt, &c.ClockFlag,
		&dues, &c.CurrentDue, &c.NextDue, &c.ReturnsProcuracy, &c.ReturnsJudge, &c.ReturnsPanel, &lastRet, &keyBy,
		&c.KeyReason, &kInv, &kPro, &kCourt, &c.AccusedCount, &c.DetentionOrdersNeeded, &c.Version, &c.CreatedAt, &c.UpdatedAt,
		&c.UnitPath, &c.UnitName, ns{&c.ProcuracyName}, ns{&c.CourtName}); err != nil {
		return nil, err
	}
	c.Charges, c.Category, c.Stage, c.SuspendedFrom = casefile.ParseCharges(charges), legal.Category(cat), casefile.Stage(stage), casefile.Stage(susp)
	c.ClockKind, c.ClockExt, c.Dues, c.LastReturner = legal.Stage(clockKind), casefile.ParsePeriods(clockExt), decodeDues(dues), legal.Returner(lastRet)
	c.KeyProposedBy = casefile.Body(keyBy)
	for b, d := range map[casefile.Body]ctip.Date{casefile.BodyInvestigating: kInv, casefile.BodyProcuracy: kPro, casefile.BodyCourt: kCourt} {
		if !d.IsZero() {
			c.KeyAgreed[b] = d
		}
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	var err error
	c.Summary, err = db.open("cases", "summary", c.ID, summary)
	return c, err
}

// GetCase reads a case with its officers and shares.
func (db *DB) GetCase(ctx context.Context, id ctip.ID) (*casefile.Case, error) {
	c, err := db.scanCase(db.r.QueryRowContext(ctx, `SELECT `+caseCols+caseJoins+` WHERE i.id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "get case")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT unit_id FROM case_shares WHERE case_id = $1`, id)
	if err != nil {
		return nil, mapErr(err, "case shares")
	}
	for rows.Next() {
		var u ctip.ID
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return nil, mapErr(err, "case shares")
		}
		c.SharedWith = append(c.SharedWith, u)
	}
	rows.Close()
	rows, err = db.r.QueryContext(ctx, `SELECT o.user_id, u.display_name, o.lead FROM case_officers o JOIN users u ON u.id = o.user_id
		WHERE o.case_id = $1 ORDER BY o.lead DESC, u.display_name`, id)
	if err != nil {
		return nil, mapErr(err, "case officers")
	}
	defer rows.Close()
	for rows.Next() {
		var o casefile.Officer
		if err := rows.Scan(&o.UserID, &o.Name, &o.Lead); err != nil {
			return nil, mapErr(err, "case officers")
		}
		c.Officers = append(c.Officers, o)
	}
	return c, mapErr(rows.Err(), "case officers")
}

// caseScope is a record scope resolved for case queries: the owning units
// it covers (the actor's unit and the units of its subtree, listed) and the
// units whose shares count. Conditions on listed unit IDs let both engines
// seek the indexes on cases.unit_id (SQLite: a multi-index OR with the
// shares), where a prefix match on the owner's path had to read every case.
type caseScope struct {
	all    bool
	units  []ctip.ID
	shared []ctip.ID
}

// resolveCaseScope lists the units of a scope's subtrees.
func (db *DB) resolveCaseScope(ctx context.Context, q querier, s ctip.Scope) (caseScope, error) {
	if s.All {
		return caseScope{all: true}, nil
	}
	sc := caseScope{units: slices.Clone(s.UnitIDs), shared: s.UnitIDs}
	for _, p := range s.SubtreePaths {
		err := eachRow(ctx, q, "scope", `SELECT id FROM units WHERE `+likePrefix("path", "$1")+` ORDER BY id`, []any{p}, func(rows *sql.Rows) error {
			var id ctip.ID
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if !slices.Contains(sc.units, id) {
				sc.units = append(sc.units, id)
			}
			return nil
		})
		if err != nil {
			return sc, err
		}
	}
	return sc, nil
}

// cond is the scope's condition on i (cases), "" for everything.
func (sc caseScope) cond(a *args) string {
	if sc.all {
		return ""
	}
	ids := func(l []ctip.ID) []any {
		out := make([]any, len(l))
		for i, id := range l {
			out[i] = id
		}
		return out
	}
	var or []string
	if len(sc.units) > 0 {
		or = append(or, "i.unit_id IN "+a.in(ids(sc.units)...))
	}
	if len(sc.shared) > 0 {
		or = append(or, "i.id IN (SELECT sh.case_id FROM case_shares sh WHERE sh.unit_id IN "+a.in(ids(sc.shared)...)+")")
	}
	if len(or) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// caseIndex names the index a filter's cases are best read through on
// SQLite, where the planner has no statistics to see it: key cases through
// cases_key (a few hundred), a window of deadlines through cases_due_board.
func (db *DB) caseIndex(f casefile.Filter) string {
	switch {
	case f.Key:
		return db.indexedBy("cases_key")
	case !f.DueBy.IsZero() || !f.DueFrom.IsZero():
		return db.indexedBy("cases_due_board")
	}
	return ""
}

// caseConds turns a filter and a resolved scope into conditions on i (cases).
func caseConds(a *args, f casefile.Filter, scope caseScope) []string {
	var conds []string
	if s := scope.cond(a); s != "" {
		conds = append(conds, s)
	}
	if len(f.Stages) > 0 {
		vs := make([]any, len(f.Stages))
		for i, s := range f.Stages {
			vs[i] = string(s)
		}
		conds = append(conds, "i.stage IN "+a.in(vs...))
	}
	if f.Holder != "" {
		var vs []any
		for _, st := range casefile.Stages {
			if !st.Closed() && st != casefile.Suspended && casefile.Holder(st) == f.Holder {
				vs = append(vs, string(st))
			}
		}
		conds = append(conds, "i.stage IN "+a.in(vs...))
	}
	if f.Open {
		conds = append(conds, "i.is_open = "+a.add(true))
	}
	if f.Article != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM case_charges cc WHERE cc.case_id = i.id AND cc.article = "+a.add(f.Article)+")")
	}
	if f.Category != "" {
		conds = append(conds, "i.category = "+a.add(string(f.Category)))
	}
	if f.Commune != "" {
		conds = append(conds, "i.commune_code = "+a.add(f.Commune))
	}
	if !f.From.IsZero() {
		conds = append(conds, "i.instituted_on >= "+a.add(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, "i.instituted_on <= "+a.add(f.To))
	}
	if f.UnitID.Valid {
		conds = append(conds, "i.unit_id = "+a.add(f.UnitID.ID))
	}
	if f.OfficerID.Valid {
		conds = append(conds, "i.id IN (SELECT co.case_id FROM case_officers co WHERE co.user_id = "+a.add(f.OfficerID.ID)+")")
	}
	if !f.DueBy.IsZero() || !f.DueFrom.IsZero() {
		conds = append(conds, "i.next_due IS NOT NULL")
		if !f.DueBy.IsZero() {
			conds = append(conds, "i.next_due <= "+a.add(f.DueBy))
		}
		if !f.DueFrom.IsZero() {
			conds = append(conds, "i.next_due >= "+a.add(f.DueFrom))
		}
	}
	if f.Key {
		conds = append(conds, "i.key_status IN ('proposed', 'agreed')")
	}
	if f.Reference != "" {
		conds = append(conds, "i.reference = "+a.add(strings.ToUpper(strings.TrimSpace(f.Reference))))
	}
	if f.DetentionOrders {
		conds = append(conds, "i.detention_orders_needed > 0")
	}
	return conds
}

// ListCases returns a page of cases matching the filter within the scope.
func (db *DB) ListCases(ctx context.Context, f casefile.Filter, scope ctip.Scope, p ctip.PageRequest) (ctip.Page[*casefile.Case], error) {
	page := ctip.Page[*casefile.Case]{Limit: p.Limit, Offset: p.Offset}
	sc, err := db.resolveCaseScope(ctx, db.r, scope)
	if err != nil {
		return page, err
	}
	var a args
	conds := caseConds(&a, f, sc)
	count := ` FROM cases i` + db.caseIndex(f)
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*)`+count+where(conds), a.v...).Scan(&page.Total); err != nil {
		return page, mapErr(err, "count cases")
	}
	if page.Total == 0 {
		return page, nil
	}
	from := count + strings.TrimPrefix(caseJoins, " FROM cases i")
	dir := " ASC"
	if p.Desc {
		dir = " DESC"
	}
	order := "i.instituted_on" + dir
	switch p.Sort {
	case "due":
		// Cases without a running clock come last in both directions (and on
		// both engines, which sort NULL differently): the cases with a
		// deadline in its order, then the others, latest instituted first.
		withDue, without := where(append(slices.Clone(conds), "i.next_due IS NOT NULL")), where(append(slices.Clone(conds), "i.next_due IS NULL"))
		var nDue int
		if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*)`+count+withDue, a.v...).Scan(&nDue); err != nil {
			return page, mapErr(err, "count cases")
		}
		if p.Offset < nDue {
			items, err := db.listPage(ctx, a, from+withDue, `i.next_due`+dir+`, i.id`+dir, min(p.Limit, nDue-p.Offset), p.Offset)
			if err != nil {
				return page, err
			}
			page.Items = items
		}
		if rest := p.Limit - len(page.Items); rest > 0 && page.Total > nDue {
			items, err := db.listPage(ctx, a, from+without, `i.instituted_on DESC, i.id DESC`, rest, max(0, p.Offset-nDue))
			if err != nil {
				return page, err
			}
			page.Items = append(page.Items, items...)
		}
		return page, nil
	case "reference":
		order = "i.reference" + dir
	case "stage":
		order = "i.stage" + dir
	}
	page.Items, err = db.listPage(ctx, a, from+where(conds), order+`, i.id`+dir, p.Limit, p.Offset)
	return page, err
}

// listPage reads a page of cases (fromWhere: the FROM and WHERE clauses built on a).
func (db *DB) listPage(ctx context.Context, a args, fromWhere, order string, limit, offset int) ([]*casefile.Case, error) {
	a.v = slices.Clone(a.v)
	q := `SELECT ` + caseCols + fromWhere + ` ORDER BY ` + order + ` LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset)
	rows, err := db.r.QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, mapErr(err, "list cases")
	}
	defer rows.Close()
	var out []*casefile.Case
	for rows.Next() {
		c, err := db.scanCase(rows)
		if err != nil {
			return nil, mapErr(err, "scan case")
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err(), "list cases")
}

// CaseAccused lists a case's accused persons (decrypted).
func (db *DB) CaseAccused(ctx context.Context, caseID ctip.ID) ([]*casefile.Accused, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, case_id, person_id, person_purged_on, name, sex, birth_year, id_number, charges, category,
		charge_number, charged_on, status, status_ground, status_on, verdict, sentence_type, sentence_months, version, created_at
		FROM case_accused WHERE case_id = $1 ORDER BY created_at, id`, caseID)
	if err != nil {
		return nil, mapErr(err, "accused")
	}
	defer rows.Close()
	var out []*casefile.Accused
	for rows.Next() {
		x := &casefile.Accused{}
		var name, idn []byte
		var charges, cat, status string
		if err := rows.Scan(&x.ID, &x.CaseID, &x.Person.PersonID, &x.Person.PurgedOn, &name, &x.Person.Sex, &x.Person.BirthYear, &idn, &charges, &cat,
			&x.ChargeNumber, &x.ChargedOn, &status, &x.StatusGround, &x.StatusOn, &x.Verdict, &x.SentenceType, &x.SentenceMonths,
			&x.Version, &x.CreatedAt); err != nil {
			return nil, mapErr(err, "accused")
		}
		x.Charges, x.Category, x.Status, x.CreatedAt = casefile.ParseCharges(charges), legal.Category(cat), casefile.AccusedStatus(status), x.CreatedAt.UTC()
		if x.Person.Name, err = db.open("case_accused", "name", x.ID, name); err != nil {
			return nil, err
		}
		if x.Person.IDNumber, err = db.open("case_accused", "id_number", x.ID, idn); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, mapErr(rows.Err(), "accused")
}

// CaseMeasures lists a case's measures.
func (db *DB) CaseMeasures(ctx context.Context, caseID ctip.ID) ([]*casefile.Measure, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, case_id, accused_id, type, start_on, ext, order_end, due, ended_on, document_number, ended_by, version
		FROM case_measures WHERE case_id = $1 ORDER BY start_on, id`, caseID)
	if err != nil {
		return nil, mapErr(err, "measures")
	}
	defer rows.Close()
	var out []*casefile.Measure
	for rows.Next() {
		m := &casefile.Measure{}
		var typ, ext string
		if err := rows.Scan(&m.ID, &m.CaseID, &m.AccusedID, &typ, &m.StartOn, &ext, &m.OrderEnd, &m.Due, &m.EndedOn, &m.DocumentNumber, &m.EndedBy, &m.Version); err != nil {
			return nil, mapErr(err, "measures")
		}
		m.Type, m.Ext = casefile.MeasureType(typ), casefile.ParsePeriods(ext)
		out = append(out, m)
	}
	return out, mapErr(rows.Err(), "measures")
}

// CaseParties lists a case's victims and witnesses (decrypted).
func (db *DB) CaseParties(ctx context.Context, caseID ctip.ID) ([]*casefile.Party, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, case_id, role, person_id, person_purged_on, name, sex, birth_year, id_number, rescued, rescued_on, created_at
		FROM case_parties WHERE case_id = $1 ORDER BY role DESC, created_at, id`, caseID)
	if err != nil {
		return nil, mapErr(err, "parties")
	}
	defer rows.Close()
	var out []*casefile.Party
	for rows.Next() {
		pt := &casefile.Party{}
		var name, idn []byte
		if err := rows.Scan(&pt.ID, &pt.CaseID, &pt.Role, &pt.Person.PersonID, &pt.Person.PurgedOn, &name, &pt.Person.Sex, &pt.Person.BirthYear, &idn,
			&pt.Rescued, &pt.RescuedOn, &pt.CreatedAt); err != nil {
			return nil, mapErr(err, "parties")
		}
		if pt.Person.Name, err = db.open("case_parties", "name", pt.ID, name); err != nil {
			return nil, err
		}
		if pt.Person.IDNumber, err = db.open("case_parties", "id_number", pt.ID, idn); err != nil {
			return nil, err
		}
		pt.CreatedAt = pt.CreatedAt.UTC()
		out = append(out, pt)
	}
	return out, mapErr(rows.Err(), "parties")
}

// CaseEvents returns a case's timeline, oldest first.
func (db *DB) CaseEvents(ctx context.Context, caseID ctip.ID) ([]casefile.Event, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, case_id, accused_id, at, actor_id, actor_name, action, body, from_stage, to_stage,
		document_number, document_date, signer, note, detail FROM case_events WHERE case_id = $1 ORDER BY at, id`, caseID)
	if err != nil {
		return nil, mapErr(err, "case events")
	}
	defer rows.Close()
	var out []casefile.Event
	for rows.Next() {
		var e casefile.Event
		var body, from, to string
		var note []byte
		if err := rows.Scan(&e.ID, &e.CaseID, &e.AccusedID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &body, &from, &to,
			ns{&e.DocumentNumber}, &e.DocumentDate, ns{&e.Signer}, &note, &e.Detail); err != nil {
			return nil, mapErr(err, "case events")
		}
		e.Body, e.FromStage, e.ToStage, e.At = casefile.Body(body), casefile.Stage(from), casefile.Stage(to), e.At.UTC()
		if e.Note, err = db.open("case_events", "note", e.ID, note); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err(), "case events")
}

// CaseClocks returns the stored clocks of a case.
func (db *DB) CaseClocks(ctx context.Context, caseID ctip.ID) ([]casefile.Clock, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT case_id, kind, measure_key, accused_id, start_on, due, basis, basis_en, holder
		FROM case_clocks WHERE case_id = $1 ORDER BY due`, caseID)
	if err != nil {
		return nil, mapErr(err, "clocks")
	}
	defer rows.Close()
	var out []casefile.Clock
	for rows.Next() {
		k, err := scanClock(rows)
		if err != nil {
			return nil, mapErr(err, "clocks")
		}
		out = append(out, k)
	}
	return out, mapErr(rows.Err(), "clocks")
}

func scanClock(sc interface{ Scan(...any) error }, extra ...any) (casefile.Clock, error) {
	var k casefile.Clock
	var key, holder string
	if err := sc.Scan(append([]any{&k.CaseID, &k.Kind, &key, &k.AccusedID, &k.Start, &k.Due, &k.Basis, &k.BasisEN, &holder}, extra...)...); err != nil {
		return k, err
	}
	if key != "" {
		if id, err := ctip.ParseID(key); err == nil {
			k.MeasureID = ctip.Some(id)
		}
	}
	k.Holder = casefile.Body(holder)
	return k, nil
}

// DueClocks lists running clocks whose last day is in [from, to] (the reminder job).
func (db *DB) DueClocks(ctx context.Context, from, to ctip.Date) ([]casefile.DueClock, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT k.case_id, k.kind, k.measure_key, k.accused_id, k.start_on, k.due, k.basis, k.basis_en, k.holder,
		i.reference, i.unit_id, i.procuracy_unit_id, i.court_unit_id
		FROM case_clocks k JOIN cases i ON i.id = k.case_id WHERE k.due >= $1 AND k.due <= $2`, from, to)
	if err != nil {
		return nil, mapErr(err, "due clocks")
	}
	defer rows.Close()
	var out []casefile.DueClock
	for rows.Next() {
		var d casefile.DueClock
		k, err := scanClock(rows, &d.Reference, &d.UnitID, &d.ProcuracyUnitID, &d.CourtUnitID)
		if err != nil {
			return nil, mapErr(err, "due clocks")
		}
		d.Clock = k
		out = append(out, d)
	}
	return out, mapErr(rows.Err(), "due clocks")
}

// CaseOfficerIDs maps case IDs to their officers.
func (db *DB) CaseOfficerIDs(ctx context.Context, caseIDs []ctip.ID) (map[ctip.ID][]ctip.ID, error) {
	out := map[ctip.ID][]ctip.ID{}
	for start := 0; start < len(caseIDs); start += 500 {
		var a args
		batch := caseIDs[start:min(start+500, len(caseIDs))]
		vs := make([]any, len(batch))
		for i, id := range batch {
			vs[i] = id
		}
		rows, err := db.r.QueryContext(ctx, `SELECT o.case_id, o.user_id FROM case_officers o JOIN users u ON u.id = o.user_id
			WHERE u.disabled = FALSE AND o.case_id IN `+a.in(vs...), a.v...)
		if err != nil {
			return nil, mapErr(err, "officers")
		}
		for rows.Next() {
			var c, u ctip.ID
			if err := rows.Scan(&c, &u); err != nil {
				rows.Close()
				return nil, mapErr(err, "officers")
			}
			out[c] = append(out[c], u)
		}
		rows.Close()
	}
	return out, nil
}

// OpenCaseIDs pages through cases with a running clock.
func (db *DB) OpenCaseIDs(ctx context.Context, after ctip.ID, limit int) ([]ctip.ID, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id FROM cases WHERE is_open = $1 AND id > $2 ORDER BY id LIMIT $3`, true, after, limit)
	if err != nil {
		return nil, mapErr(err, "open cases")
	}
	defer rows.Close()
	var out []ctip.ID
	for rows.Next() {
		var id ctip.ID
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err, "open cases")
		}
		out = append(out, id)
	}
	return out, mapErr(rows.Err(), "open cases")
}

// SetCaseClocks rewrites a case's computed deadlines (not its version: a
// calendar change is not an edit of the case), provided the case is still
// at the version they were computed from (else ErrStale).
func (db *DB) SetCaseClocks(ctx context.Context, c *casefile.Case, measures []*casefile.Measure, clocks []casefile.Clock) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := db.readBoardState(ctx, tx, c.ID, true)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE cases SET dues = $1, current_due = $2, next_due = $3, detention_orders_needed = $4
			WHERE id = $5 AND version = $6`, encodeDues(c.Dues), nullDate(c.CurrentDue), nullDate(c.NextDue), c.DetentionOrdersNeeded, c.ID, c.Version)
		if err != nil {
			return mapErr(err, "case clocks")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale() // changed since it was read: computed afresh by the caller
		}
		for _, m := range measures {
			if _, err := tx.ExecContext(ctx, `UPDATE case_measures SET due = $1 WHERE id = $2`, nullDate(m.Due), m.ID); err != nil {
				return mapErr(err, "case clocks")
			}
		}
		if err := db.writeClocks(ctx, tx, c.ID, clocks); err != nil {
			return err
		}
		after, err := db.readBoardState(ctx, tx, c.ID, false)
		if err != nil {
			return err
		}
		return applyTally(ctx, tx, before, after)
	})
}

// CaseAttachments lists a case's documents without content.
func (db *DB) CaseAttachments(ctx context.Context, caseID ctip.ID) ([]*casefile.Attachment, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT a.id, a.case_id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.uploaded_at, u.display_name
		FROM case_attachments a LEFT JOIN users u ON u.id = a.uploaded_by WHERE a.case_id = $1 ORDER BY a.uploaded_at`, caseID)
	if err != nil {
		return nil, mapErr(err, "case attachments")
	}
	defer rows.Close()
	var out []*casefile.Attachment
	for rows.Next() {
		a, err := db.scanCaseAttachment(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, mapErr(rows.Err(), "case attachments")
}

func (db *DB) scanCaseAttachment(sc interface{ Scan(...any) error }, withContent bool) (*casefile.Attachment, error) {
	a := &casefile.Attachment{}
	var name, content []byte
	dest := []any{&a.ID, &a.CaseID, &name, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, &a.UploadedAt, ns{&a.UploaderName}}
	if withContent {
		dest = append(dest, &content)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, mapErr(err, "case attachment")
	}
	const t = "case_attachments"
	var err error
	if a.Filename, err = db.open(t, "filename", a.ID, name); err != nil {
		return nil, err
	}
	if withContent {
		if a.Content, err = db.keys.Open(content, crypt.AD(t, "content", a.ID.String())); err != nil {
			return nil, err
		}
	}
	a.UploadedAt = a.UploadedAt.UTC()
	return a, nil
}

// CaseAttachment reads one document with its content.
func (db *DB) CaseAttachment(ctx context.Context, caseID, id ctip.ID) (*casefile.Attachment, error) {
	return db.scanCaseAttachment(db.r.QueryRowContext(ctx, `SELECT a.id, a.case_id, a.filename, a.content_type, a.size, a.sha256,
		a.uploaded_by, a.uploaded_at, u.display_name, a.content FROM case_attachments a LEFT JOIN users u ON u.id = a.uploaded_by
		WHERE a.case_id = $1 AND a.id = $2`, caseID, id), true)
}

// ---------- crime information: reminders and recomputation ----------

// IntakeDue lists open intake items whose limit ends in [from, to].
func (db *DB) IntakeDue(ctx context.Context, from, to ctip.Date) ([]casefile.IntakeDueItem, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, reference, unit_id, assigned_to, deadline FROM intake_items
		WHERE deadline IS NOT NULL AND deadline >= $1 AND deadline <= $2`, from, to)
	if err != nil {
		return nil, mapErr(err, "intake due")
	}
	defer rows.Close()
	var out []casefile.IntakeDueItem
	for rows.Next() {
		var it casefile.IntakeDueItem
		if err := rows.Scan(&it.ID, &it.Reference, &it.UnitID, &it.AssignedTo, &it.Deadline); err != nil {
			return nil, mapErr(err, "intake due")
		}
		out = append(out, it)
	}
	return out, mapErr(rows.Err(), "intake due")
}

// OpenIntakeClocks reads the clock fields of every intake item not yet decided.
func (db *DB) OpenIntakeClocks(ctx context.Context) ([]*intake.Item, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, received_on, status, clock_kind, clock_start, clock_months, deadline, notice_due
		FROM intake_items WHERE status NOT IN ('prosecuted', 'not_prosecuted')`)
	if err != nil {
		return nil, mapErr(err, "intake clocks")
	}
	defer rows.Close()
	var out []*intake.Item
	for rows.Next() {
		it := &intake.Item{}
		var st string
		if err := rows.Scan(&it.ID, &it.ReceivedOn, &st, &it.ClockKind, &it.ClockStart, &it.ClockMonths, &it.Deadline, &it.NoticeDue); err != nil {
			return nil, mapErr(err, "intake clocks")
		}
		it.Status = intake.Status(st)
		out = append(out, it)
	}
	return out, mapErr(rows.Err(), "intake clocks")
}

// SetIntakeDeadline rewrites an item's computed limits after a calendar change.
func (db *DB) SetIntakeDeadline(ctx context.Context, id ctip.ID, deadline, notice ctip.Date) error {
	_, err := db.w.ExecContext(ctx, `UPDATE intake_items SET deadline = $1, notice_due = $2 WHERE id = $3`, nullDate(deadline), notice, id)
	return mapErr(err, "intake deadline")
}

// ---------- calendar and settings ----------

// CalendarDays lists the stored announcements.
func (db *DB) CalendarDays(ctx context.Context) ([]casefile.Announcement, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT day, kind, note, updated_at FROM calendar_days ORDER BY day`)
	if err != nil {
		return nil, mapErr(err, "calendar")
	}
	defer rows.Close()
	var out []casefile.Announcement
	for rows.Next() {
		var a casefile.Announcement
		if err := rows.Scan(&a.Date, &a.Kind, &a.Note, &a.UpdatedAt); err != nil {
			return nil, mapErr(err, "calendar")
		}
		a.Source, a.UpdatedAt = "db", a.UpdatedAt.UTC()
		out = append(out, a)
	}
	return out, mapErr(rows.Err(), "calendar")
}

// PutCalendarDay adds or replaces an announcement, with its audit event.
func (db *DB) PutCalendarDay(ctx context.Context, a casefile.Announcement, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, note, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (day) DO UPDATE SET kind = $2, note = $3, updated_at = $4`, a.Date, a.Kind, a.Note, a.UpdatedAt); err != nil {
			return mapErr(err, "calendar")
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// DeleteCalendarDay removes an announcement, with its audit event.
func (db *DB) DeleteCalendarDay(ctx context.Context, d ctip.Date, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE day = $1`, d)
		if err != nil {
			return mapErr(err, "calendar")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrNotFound()
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// SaveSettings writes settings values with their audit event.
func (db *DB) SaveSettings(ctx context.Context, kv map[string]string, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		for k, v := range kv {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (key) DO UPDATE SET value = $2, version = settings.version + 1, updated_at = $3`, k, v, au.At); err != nil {
				return mapErr(err, "settings")
			}
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// BeginRawTx starts a write transaction (benchmark seeding and tools only).
func (db *DB) BeginRawTx(ctx context.Context) (*sql.Tx, error) { return db.w.BeginTx(ctx, nil) }

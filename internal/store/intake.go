package store

import (
	"context"
	"database/sql"
	"reflect"
	"slices"
	"strings"

	"ctip"
	"ctip/internal/crypt"
	"ctip/internal/intake"
)

var _ intake.Store = (*DB)(nil)

// nextNumber allocates the next number of a counter scope and year inside
// tx: one upsert, so concurrent transactions (and instances) queue on the
// counter row and numbers are never reused; a rolled-back transaction gives
// its number back, so there are no gaps.
func nextNumber(ctx context.Context, tx *sql.Tx, scope string, year int) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO counters (scope, year, value) VALUES ($1, $2, 1)
		ON CONFLICT (scope, year) DO UPDATE SET value = counters.value + 1 RETURNING value`, scope, year).Scan(&n)
	return n, mapErr(err, "counter")
}

// seal encrypts a column value of an intake row.
func (db *DB) seal(table, col string, id ctip.ID, v string) []byte {
	return db.keys.SealString(v, crypt.AD(table, col, id.String()))
}

func (db *DB) open(table, col string, id ctip.ID, b []byte) (string, error) {
	return db.keys.OpenString(b, crypt.AD(table, col, id.String()))
}

// CreateItem inserts an item with its register number, first event and audit event.
func (db *DB) CreateItem(ctx context.Context, it *intake.Item, ev intake.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		n, err := nextNumber(ctx, tx, intake.ReferenceScope(it.ReceivingUnitID), it.ReceivedOn.Year)
		if err != nil {
			return err
		}
		it.Reference = intake.FormatReference(it.ReceivedOn.Year, n)
		const t = "intake_items"
		r := it.Reporter
		_, err = tx.ExecContext(ctx, `INSERT INTO intake_items (id, reference, receiving_unit_id, unit_id, received_by, assigned_to,
			kind, channel, received_at, received_on, summary, persons, reporter_anonymous, reporter_name, reporter_organisation,
			reporter_phone, reporter_email, reporter_id_number, reporter_address, province_code, commune_code, country_code,
			offence_article, status, clock_kind, clock_start, clock_months, deadline, notice_due, procuracy_notified_on,
			body_extension_months, procuracy_extended, decision_ground, decided_on, decision_number, case_id, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
			$25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39)`,
			it.ID, it.Reference, it.ReceivingUnitID, it.UnitID, it.ReceivedBy, it.AssignedTo,
			string(it.Kind), string(it.Channel), it.ReceivedAt, it.ReceivedOn,
			db.seal(t, "summary", it.ID, it.Summary), db.seal(t, "persons", it.ID, it.Persons), r.Anonymous,
			db.seal(t, "reporter_name", it.ID, r.Name), db.seal(t, "reporter_organisation", it.ID, r.Organisation),
			db.seal(t, "reporter_phone", it.ID, r.Phone), db.seal(t, "reporter_email", it.ID, r.Email),
			db.seal(t, "reporter_id_number", it.ID, r.IDNumber), db.seal(t, "reporter_address", it.ID, r.Address),
			nullStr(it.ProvinceCode), nullStr(it.CommuneCode), nullStr(it.CountryCode), it.OffenceArticle, string(it.Status),
			it.ClockKind, it.ClockStart, it.ClockMonths, it.Deadline, it.NoticeDue, it.ProcuracyNotifiedOn,
			it.BodyExtensionMonths, it.ProcuracyExtended, nullStr(it.DecisionGround), it.DecidedOn, nullStr(it.DecisionNumber),
			it.CaseID, it.Version, it.CreatedAt, it.UpdatedAt)
		if err != nil {
			return mapErr(err, "create intake item")
		}
		if err := db.insertEvents(ctx, tx, ev); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

func (db *DB) insertEvents(ctx context.Context, tx *sql.Tx, evs ...intake.Event) error {
	for _, e := range evs {
		_, err := tx.ExecContext(ctx, `INSERT INTO intake_events (id, item_id, at, actor_id, actor_name, action, from_status,
			to_status, document_number, document_date, signer, note, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			e.ID, e.ItemID, e.At, e.ActorID, e.ActorName, e.Action, string(e.FromStatus), string(e.ToStatus),
			nullStr(e.DocumentNumber), e.DocumentDate, nullStr(e.Signer), db.seal("intake_events", "note", e.ID, e.Note), e.Detail)
		if err != nil {
			return mapErr(err, "intake event")
		}
	}
	return nil
}

// UpdateItem writes an item (version-checked), its new events, an optional
// share with a unit, and the audit event.
func (db *DB) UpdateItem(ctx context.Context, it *intake.Item, oldVersion int, evs []intake.Event, share ctip.NullID, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		const t = "intake_items"
		r := it.Reporter
		res, err := tx.ExecContext(ctx, `UPDATE intake_items SET unit_id = $1, assigned_to = $2, kind = $3, channel = $4,
			summary = $5, persons = $6, reporter_anonymous = $7, reporter_name = $8, reporter_organisation = $9,
			reporter_phone = $10, reporter_email = $11, reporter_id_number = $12, reporter_address = $13,
			province_code = $14, commune_code = $15, country_code = $16, offence_article = $17, status = $18,
			clock_kind = $19, clock_start = $20, clock_months = $21, deadline = $22, notice_due = $23,
			procuracy_notified_on = $24, body_extension_months = $25, procuracy_extended = $26, decision_ground = $27,
			decided_on = $28, decision_number = $29, case_id = $30, version = $31, updated_at = $32
			WHERE id = $33 AND version = $34`,
			it.UnitID, it.AssignedTo, string(it.Kind), string(it.Channel),
			db.seal(t, "summary", it.ID, it.Summary), db.seal(t, "persons", it.ID, it.Persons), r.Anonymous,
			db.seal(t, "reporter_name", it.ID, r.Name), db.seal(t, "reporter_organisation", it.ID, r.Organisation),
			db.seal(t, "reporter_phone", it.ID, r.Phone), db.seal(t, "reporter_email", it.ID, r.Email),
			db.seal(t, "reporter_id_number", it.ID, r.IDNumber), db.seal(t, "reporter_address", it.ID, r.Address),
			nullStr(it.ProvinceCode), nullStr(it.CommuneCode), nullStr(it.CountryCode), it.OffenceArticle, string(it.Status),
			it.ClockKind, it.ClockStart, it.ClockMonths, it.Deadline, it.NoticeDue, it.ProcuracyNotifiedOn,
			it.BodyExtensionMonths, it.ProcuracyExtended, nullStr(it.DecisionGround), it.DecidedOn, nullStr(it.DecisionNumber),
			it.CaseID, it.Version, it.UpdatedAt, it.ID, oldVersion)
		if err != nil {
			return mapErr(err, "update intake item")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale()
		}
		if share.Valid {
			_, err := tx.ExecContext(ctx, `INSERT INTO intake_shares (item_id, unit_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (item_id, unit_id) DO NOTHING`, it.ID, share.ID, it.UpdatedAt)
			if err != nil {
				return mapErr(err, "intake share")
			}
		}
		if err := db.insertEvents(ctx, tx, evs...); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

const itemListCols = `i.id, i.reference, i.receiving_unit_id, i.unit_id, i.received_by, i.assigned_to, i.kind, i.channel,
	i.received_at, i.received_on, i.summary, i.reporter_anonymous, i.province_code, i.commune_code, i.country_code,
	i.offence_article, i.status, i.clock_kind, i.clock_start, i.clock_months, i.deadline, i.notice_due,
	i.procuracy_notified_on, i.body_extension_months, i.procuracy_extended, i.decision_ground, i.decided_on,
	i.decision_number, i.case_id, i.version, i.created_at, i.updated_at, ou.path, ou.name, au.display_name,
	(SELECT ruc.code FROM units ruc WHERE ruc.id = i.receiving_unit_id),
	(i.reporter_name IS NOT NULL OR i.reporter_organisation IS NOT NULL OR i.reporter_phone IS NOT NULL
		OR i.reporter_email IS NOT NULL OR i.reporter_id_number IS NOT NULL OR i.reporter_address IS NOT NULL)`

const itemReporterCols = `, i.persons, i.reporter_name, i.reporter_organisation, i.reporter_phone, i.reporter_email,
	i.reporter_id_number, i.reporter_address, ru.path, ru.name, rb.display_name`

func (db *DB) scanItem(sc interface{ Scan(...any) error }, full bool) (*intake.Item, error) {
	it := &intake.Item{}
	var summary []byte
	var kind, channel, status, assigned string
	dest := []any{&it.ID, &it.Reference, &it.ReceivingUnitID, &it.UnitID, &it.ReceivedBy, &it.AssignedTo, &kind, &channel,
		&it.ReceivedAt, &it.ReceivedOn, &summary, &it.Reporter.Anonymous, ns{&it.ProvinceCode}, ns{&it.CommuneCode}, ns{&it.CountryCode},
		&it.OffenceArticle, &status, &it.ClockKind, &it.ClockStart, &it.ClockMonths, &it.Deadline, &it.NoticeDue,
		&it.ProcuracyNotifiedOn, &it.BodyExtensionMonths, &it.ProcuracyExtended, ns{&it.DecisionGround}, &it.DecidedOn,
		ns{&it.DecisionNumber}, &it.CaseID, &it.Version, &it.CreatedAt, &it.UpdatedAt, &it.UnitPath, &it.UnitName, ns{&assigned}, &it.ReceivingUnitCode, &it.Reporter.Held}
	var persons, name, org, phone, email, idn, addr []byte
	if full {
		dest = append(dest, &persons, &name, &org, &phone, &email, &idn, &addr, &it.ReceivingUnitPath, &it.ReceivingUnitName, ns{&it.ReceivedByName})
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	it.Kind, it.Channel, it.Status, it.AssignedName = intake.Kind(kind), intake.Channel(channel), intake.Status(status), assigned
	it.ReceivedAt, it.CreatedAt, it.UpdatedAt = it.ReceivedAt.UTC(), it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	const t = "intake_items"
	var err error
	if it.Summary, err = db.open(t, "summary", it.ID, summary); err != nil {
		return nil, err
	}
	if full {
		for _, f := range []struct {
			col string
			src []byte
			dst *string
		}{{"persons", persons, &it.Persons}, {"reporter_name", name, &it.Reporter.Name}, {"reporter_organisation", org, &it.Reporter.Organisation},
			{"reporter_phone", phone, &it.Reporter.Phone}, {"reporter_email", email, &it.Reporter.Email},
			{"reporter_id_number", idn, &it.Reporter.IDNumber}, {"reporter_address", addr, &it.Reporter.Address}} {
			if *f.dst, err = db.open(t, f.col, it.ID, f.src); err != nil {
				return nil, err
			}
		}
	}
	return it, nil
}

// GetItem reads an item with every field (decrypted) and the units it is shared with.
func (db *DB) GetItem(ctx context.Context, id ctip.ID) (*intake.Item, error) {
	it, err := db.scanItem(db.r.QueryRowContext(ctx, `SELECT `+itemListCols+itemReporterCols+`
		FROM intake_items i JOIN units ou ON ou.id = i.unit_id JOIN units ru ON ru.id = i.receiving_unit_id
		LEFT JOIN users au ON au.id = i.assigned_to LEFT JOIN users rb ON rb.id = i.received_by
		WHERE i.id = $1`, id), true)
	if err != nil {
		return nil, mapErr(err, "get intake item")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT unit_id FROM intake_shares WHERE item_id = $1`, id)
	if err != nil {
		return nil, mapErr(err, "intake shares")
	}
	defer rows.Close()
	for rows.Next() {
		var u ctip.ID
		if err := rows.Scan(&u); err != nil {
			return nil, mapErr(err, "intake shares")
		}
		it.SharedWith = append(it.SharedWith, u)
	}
	return it, mapErr(rows.Err(), "intake shares")
}

// scopeSQL turns a record scope into a condition on i (items) and ou (owner unit).
func scopeSQL(a *args, s ctip.Scope, shareTable, shareKey string) string {
	if s.All {
		return ""
	}
	var or []string
	if len(s.UnitIDs) > 0 {
		ids := make([]any, len(s.UnitIDs))
		for i, u := range s.UnitIDs {
			ids[i] = u
		}
		in := a.in(ids...)
		or = append(or, "i.unit_id IN "+in)
		or = append(or, "EXISTS (SELECT 1 FROM "+shareTable+" sh WHERE sh."+shareKey+" = i.id AND sh.unit_id IN "+in+")")
	}
	for _, p := range s.SubtreePaths {
		or = append(or, likePrefix("ou.path", a.add(p)))
	}
	if len(or) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

func itemConds(a *args, f intake.Filter, scope ctip.Scope) []string {
	var conds []string
	if !scopeImplied(f, scope) {
		if s := scopeSQL(a, scope, "intake_shares", "item_id"); s != "" {
			conds = append(conds, s)
		}
	}
	return append(conds, filterConds(a, f)...)
}

// scopeImplied tells whether every item the filter selects is in the scope
// anyway: the unit view of one's own unit. The scope condition (an OR over
// owner, shares and subtree) then only hides the (unit_id, …) indexes from
// the planner.
func scopeImplied(f intake.Filter, scope ctip.Scope) bool {
	return scope.All || f.UnitID.Valid && slices.Contains(scope.UnitIDs, f.UnitID.ID)
}

// filterConds turns a filter (without the scope) into conditions on i.
func filterConds(a *args, f intake.Filter) []string {
	var conds []string
	if len(f.Statuses) > 0 {
		vs := make([]any, len(f.Statuses))
		for i, s := range f.Statuses {
			vs[i] = string(s)
		}
		conds = append(conds, "i.status IN "+a.in(vs...))
	}
	if f.Kind != "" {
		conds = append(conds, "i.kind = "+a.add(string(f.Kind)))
	}
	if f.Channel != "" {
		conds = append(conds, "i.channel = "+a.add(string(f.Channel)))
	}
	if f.CommuneCode != "" {
		conds = append(conds, "i.commune_code = "+a.add(f.CommuneCode))
	}
	if f.Offence != "" {
		conds = append(conds, "i.offence_article = "+a.add(f.Offence))
	}
	if !f.From.IsZero() {
		conds = append(conds, "i.received_at >= "+a.add(startOfDay(f.From)))
	}
	if !f.To.IsZero() {
		conds = append(conds, "i.received_at < "+a.add(startOfDay(f.To.AddDays(1))))
	}
	if f.AssignedTo.Valid {
		conds = append(conds, "i.assigned_to = "+a.add(f.AssignedTo.ID))
	}
	if f.UnitID.Valid {
		conds = append(conds, "i.unit_id = "+a.add(f.UnitID.ID))
	}
	if !f.DueBy.IsZero() || !f.DueFrom.IsZero() {
		// Only running clocks: the deadline column is NULL when suspended or decided.
		conds = append(conds, "i.deadline IS NOT NULL")
		if !f.DueBy.IsZero() {
			conds = append(conds, "i.deadline <= "+a.add(f.DueBy))
		}
		if !f.DueFrom.IsZero() {
			conds = append(conds, "i.deadline >= "+a.add(f.DueFrom))
		}
	}
	if f.Reference != "" {
		conds = append(conds, "i.reference = "+a.add(strings.ToUpper(strings.TrimSpace(f.Reference))))
	}
	return conds
}

// ListItems returns a page of items matching the filter within the scope.
func (db *DB) ListItems(ctx context.Context, f intake.Filter, scope ctip.Scope, p ctip.PageRequest) (ctip.Page[*intake.Item], error) {
	page := ctip.Page[*intake.Item]{Limit: p.Limit, Offset: p.Offset}
	var err error
	if page.Total, err = db.countItems(ctx, f, scope); err != nil {
		return page, err
	}
	if page.Total == 0 {
		return page, nil
	}
	var a args
	conds := itemConds(&a, f, scope)
	dir := " ASC"
	if p.Desc {
		dir = " DESC"
	}
	order := "i.received_at" + dir
	switch p.Sort {
	case "deadline":
		// Items without a running clock (decided, suspended: deadline NULL)
		// come last in both directions and on both engines, which sort NULL
		// differently: the items with a deadline in its order through
		// (unit_id, deadline) or (deadline, status), then the others, latest
		// received first. In one ORDER BY, SQLite put the hundreds of
		// thousands of decided items first and sorted them all by id for
		// every page (3.5–7 s at a million items, docs/PERFORMANCE.md).
		withDue := where(append(slices.Clone(conds), "i.deadline IS NOT NULL"))
		without := where(append(slices.Clone(conds), "i.deadline IS NULL"))
		// The page usually lies among the running clocks: no count is needed
		// then. A short page tells how many there are; only a page wholly
		// past them counts them.
		if page.Items, err = db.listItemsPage(ctx, a, withDue, "i.deadline"+dir+", i.id"+dir, p.Limit, p.Offset); err != nil {
			return page, err
		}
		nDue := p.Offset + len(page.Items)
		if len(page.Items) == 0 && p.Offset > 0 {
			if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM intake_items i JOIN units ou ON ou.id = i.unit_id`+withDue, a.v...).Scan(&nDue); err != nil {
				return page, mapErr(err, "count intake")
			}
		}
		if rest := p.Limit - len(page.Items); rest > 0 && page.Total > nDue {
			items, err := db.listItemsPage(ctx, a, without, "i.received_at DESC, i.id DESC", rest, max(0, p.Offset-nDue))
			if err != nil {
				return page, err
			}
			page.Items = append(page.Items, items...)
		}
		return page, nil
	case "reference":
		order = "i.reference" + dir
	case "status":
		order = "i.status" + dir
	}
	page.Items, err = db.listItemsPage(ctx, a, where(conds), order+", i.id"+dir, p.Limit, p.Offset)
	return page, err
}

// listItemsPage reads a page of items (w: the WHERE clause built on a).
func (db *DB) listItemsPage(ctx context.Context, a args, w, order string, limit, offset int) ([]*intake.Item, error) {
	a.v = slices.Clone(a.v)
	q := `SELECT ` + itemListCols + ` FROM intake_items i JOIN units ou ON ou.id = i.unit_id LEFT JOIN users au ON au.id = i.assigned_to` +
		w + ` ORDER BY ` + order + ` LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset)
	rows, err := db.r.QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, mapErr(err, "list intake")
	}
	defer rows.Close()
	var items []*intake.Item
	for rows.Next() {
		it, err := db.scanItem(rows, false)
		if err != nil {
			return nil, mapErr(err, "scan intake")
		}
		items = append(items, it)
	}
	return items, mapErr(rows.Err(), "list intake")
}

// countItems counts the items a list shows without visiting a million rows
// for the common lists (see docs/PERFORMANCE.md):
//   - a unit's own items or the whole province, by status or not (the unit
//     view, the procuracy's oversight list): a sum over intake_counts, the
//     per-unit, per-status totals that triggers keep in step with
//     intake_items;
//   - the "all" view of a unit or a leader (owned by the scope's units, or
//     shared with them): owned + shared − both, each term read through its
//     own index; with more filters, owned plus shared-and-not-owned. (One
//     OR over owner, shares and subtree makes the planner scan the table.)
//   - anything else: COUNT(*) through the filter's indexes.
func (db *DB) countItems(ctx context.Context, f intake.Filter, scope ctip.Scope) (int, error) {
	count := func(q string, args []any) (int, error) {
		var n int
		err := db.r.QueryRowContext(ctx, q, args...).Scan(&n)
		return n, mapErr(err, "count intake")
	}
	var a args
	if scopeImplied(f, scope) {
		if !onlyUnitAndStatus(f) {
			return count(`SELECT COUNT(*) FROM intake_items i`+where(filterConds(&a, f)), a.v)
		}
		var conds []string
		if f.UnitID.Valid {
			conds = append(conds, "unit_id = "+a.add(f.UnitID.ID))
		}
		if len(f.Statuses) > 0 {
			conds = append(conds, "status IN "+a.in(statusArgs(f.Statuses)...))
		}
		return count(`SELECT COALESCE(SUM(n), 0) FROM intake_counts`+where(conds), a.v)
	}
	if reflect.DeepEqual(f, intake.Filter{}) {
		return db.countScope(ctx, scope, count)
	}
	units := scopeUnits(&a, scope) // the units whose items the scope holds as owner
	if units == "" {
		return 0, nil
	}
	fc := filterConds(&a, f)
	and := ""
	if len(fc) > 0 {
		and = " AND " + strings.Join(fc, " AND ")
	}
	q := `SELECT (SELECT COUNT(*) FROM intake_items i WHERE i.unit_id IN ` + units + and + `)`
	if len(scope.UnitIDs) > 0 {
		q += ` + (SELECT COUNT(*) FROM intake_items i WHERE i.id IN (SELECT sh.item_id FROM intake_shares sh
			WHERE sh.unit_id IN ` + a.in(idArgs(scope.UnitIDs)...) + `) AND NOT (i.unit_id IN ` + units + `)` + and + `)`
	}
	return count(q, a.v)
}

// countScope counts everything a scope sees: owned + shared − both. Owned
// comes from intake_counts, shared from the shares index, and "both" walks
// the smaller of the two sides.
func (db *DB) countScope(ctx context.Context, scope ctip.Scope, count func(string, []any) (int, error)) (int, error) {
	var oa args
	units := scopeUnits(&oa, scope)
	if units == "" {
		return 0, nil
	}
	owned, err := count(`SELECT COALESCE(SUM(n), 0) FROM intake_counts WHERE unit_id IN `+units, oa.v)
	if err != nil || len(scope.UnitIDs) == 0 {
		return owned, err
	}
	distinct := func(col string) string {
		if len(scope.UnitIDs) == 1 {
			return "COUNT(*)" // (item_id, unit_id) is the key of intake_shares
		}
		return "COUNT(DISTINCT " + col + ")"
	}
	var sa args
	shared, err := count(`SELECT `+distinct("sh.item_id")+` FROM intake_shares sh WHERE sh.unit_id IN `+sa.in(idArgs(scope.UnitIDs)...), sa.v)
	if err != nil || shared == 0 {
		return owned + shared, err
	}
	var ba args
	units = scopeUnits(&ba, scope)
	var q string
	if shared <= owned {
		q = `SELECT ` + distinct("sh.item_id") + ` FROM intake_shares sh CROSS JOIN intake_items i
			WHERE sh.unit_id IN ` + ba.in(idArgs(scope.UnitIDs)...) + ` AND i.id = sh.item_id AND i.unit_id IN ` + units
	} else {
		q = `SELECT COUNT(*) FROM intake_items i WHERE i.unit_id IN ` + units + ` AND EXISTS (SELECT 1 FROM intake_shares sh
			WHERE sh.item_id = i.id AND sh.unit_id IN ` + ba.in(idArgs(scope.UnitIDs)...) + `)`
	}
	both, err := count(q, ba.v)
	return owned + shared - both, err
}

// scopeUnits returns a subquery of the units whose items a scope holds as
// owner (its units and subtrees; shares aside), or "" for an empty scope.
func scopeUnits(a *args, scope ctip.Scope) string {
	var or []string
	if len(scope.UnitIDs) > 0 {
		or = append(or, "su.id IN "+a.in(idArgs(scope.UnitIDs)...))
	}
	for _, p := range scope.SubtreePaths {
		or = append(or, likePrefix("su.path", a.add(p)))
	}
	if len(or) == 0 {
		return ""
	}
	return "(SELECT su.id FROM units su WHERE " + strings.Join(or, " OR ") + ")"
}

// onlyUnitAndStatus tells whether a filter selects by owning unit and status
// only (a filter field added later counts as a condition: COUNT(*) then).
func onlyUnitAndStatus(f intake.Filter) bool {
	f.Statuses, f.UnitID = nil, ctip.NullID{}
	return reflect.DeepEqual(f, intake.Filter{})
}

func statusArgs(sts []intake.Status) []any {
	vs := make([]any, len(sts))
	for i, s := range sts {
		vs[i] = string(s)
	}
	return vs
}

func idArgs(ids []ctip.ID) []any {
	vs := make([]any, len(ids))
	for i, id := range ids {
		vs[i] = id
	}
	return vs
}

// CountByStatus counts the scope's items by status, overdue and due soon.
// Items owned by the scope's units are counted from intake_counts (totals)
// and the (unit_id, deadline) index (deadlines: only running clocks have
// one); items only shared with the scope are counted from their shares.
func (db *DB) CountByStatus(ctx context.Context, scope ctip.Scope, today, soon ctip.Date) (intake.StatusCounts, error) {
	c := intake.StatusCounts{ByStatus: map[intake.Status]int{}}
	var a args
	owned := "" // condition on a unit_id column: the unit belongs to the scope
	if !scope.All {
		var or []string
		if len(scope.UnitIDs) > 0 {
			or = append(or, "su.id IN "+a.in(idArgs(scope.UnitIDs)...))
		}
		for _, p := range scope.SubtreePaths {
			or = append(or, likePrefix("su.path", a.add(p)))
		}
		if len(or) == 0 {
			return c, nil
		}
		owned = "IN (SELECT su.id FROM units su WHERE " + strings.Join(or, " OR ") + ")"
	}
	ownedWhere := func(col string) string {
		if owned == "" {
			return ""
		}
		return " WHERE " + col + " " + owned
	}
	add := func(rows *sql.Rows, withDeadlines bool) error {
		defer rows.Close()
		for rows.Next() {
			var st string
			var n, over, due int
			dest := []any{&st, &n}
			if withDeadlines {
				dest = append(dest, &over, &due)
			}
			if err := rows.Scan(dest...); err != nil {
				return mapErr(err, "count intake")
			}
			if n != 0 {
				c.ByStatus[intake.Status(st)] += n
			}
			c.Total += n
			c.Overdue += over
			c.DueSoon += due
		}
		return mapErr(rows.Err(), "count intake")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT status, SUM(n) FROM intake_counts`+ownedWhere("unit_id")+` GROUP BY status`, a.v...)
	if err != nil {
		return c, mapErr(err, "count intake")
	}
	if err := add(rows, false); err != nil {
		return c, err
	}
	todayP, soonP := a.add(today), a.add(soon)
	deadlines := `SUM(CASE WHEN i.deadline < ` + todayP + ` THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.deadline >= ` + todayP + ` THEN 1 ELSE 0 END)`
	w := " WHERE i.deadline <= " + soonP
	if owned != "" {
		w += " AND i.unit_id " + owned
	}
	var over, due sql.NullInt64
	if err := db.r.QueryRowContext(ctx, `SELECT `+deadlines+` FROM intake_items i`+w, a.v...).Scan(&over, &due); err != nil {
		return c, mapErr(err, "count intake")
	}
	c.Overdue, c.DueSoon = int(over.Int64), int(due.Int64)
	if scope.All || len(scope.UnitIDs) == 0 {
		return c, nil
	}
	// Shared with the scope, owned outside it.
	q := `SELECT i.status, COUNT(*), SUM(CASE WHEN i.deadline < ` + todayP + ` THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.deadline >= ` + todayP + ` AND i.deadline <= ` + soonP + ` THEN 1 ELSE 0 END)
		FROM intake_items i WHERE i.id IN (SELECT sh.item_id FROM intake_shares sh WHERE sh.unit_id IN ` + a.in(idArgs(scope.UnitIDs)...) + `)
		AND NOT (i.unit_id ` + owned + `) GROUP BY i.status`
	if rows, err = db.r.QueryContext(ctx, q, a.v...); err != nil {
		return c, mapErr(err, "count intake")
	}
	return c, add(rows, true)
}

// ItemEvents returns an item's timeline, oldest first.
func (db *DB) ItemEvents(ctx context.Context, id ctip.ID) ([]intake.Event, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, item_id, at, actor_id, actor_name, action, from_status, to_status,
		document_number, document_date, signer, note, detail FROM intake_events WHERE item_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, mapErr(err, "intake events")
	}
	defer rows.Close()
	var out []intake.Event
	for rows.Next() {
		var e intake.Event
		var from, to string
		var note []byte
		if err := rows.Scan(&e.ID, &e.ItemID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &from, &to,
			ns{&e.DocumentNumber}, &e.DocumentDate, ns{&e.Signer}, &note, &e.Detail); err != nil {
			return nil, mapErr(err, "intake events")
		}
		e.FromStatus, e.ToStatus, e.At = intake.Status(from), intake.Status(to), e.At.UTC()
		if e.Note, err = db.open("intake_events", "note", e.ID, note); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err(), "intake events")
}

// AddAttachment stores an encrypted file with its event and audit event.
func (db *DB) AddAttachment(ctx context.Context, att *intake.Attachment, ev intake.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		const t = "intake_attachments"
		_, err := tx.ExecContext(ctx, `INSERT INTO intake_attachments (id, item_id, filename, content_type, size, sha256, content, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			att.ID, att.ItemID, db.seal(t, "filename", att.ID, att.Filename), att.ContentType, att.Size, att.SHA256,
			db.keys.Seal(att.Content, crypt.AD(t, "content", att.ID.String())), att.UploadedBy, att.UploadedAt)
		if err != nil {
			return mapErr(err, "attachment")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE intake_items SET updated_at = $1 WHERE id = $2`, att.UploadedAt, att.ItemID); err != nil {
			return mapErr(err, "attachment")
		}
		if err := db.insertEvents(ctx, tx, ev); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

func (db *DB) scanAttachment(sc interface{ Scan(...any) error }, withContent bool) (*intake.Attachment, error) {
	a := &intake.Attachment{}
	var name, content []byte
	dest := []any{&a.ID, &a.ItemID, &name, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, &a.UploadedAt, ns{&a.UploaderName}}
	if withContent {
		dest = append(dest, &content)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	const t = "intake_attachments"
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

const attCols = `a.id, a.item_id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.uploaded_at, u.display_name`

// ListAttachments lists an item's files without their content.
func (db *DB) ListAttachments(ctx context.Context, itemID ctip.ID) ([]*intake.Attachment, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+attCols+` FROM intake_attachments a LEFT JOIN users u ON u.id = a.uploaded_by
		WHERE a.item_id = $1 ORDER BY a.uploaded_at`, itemID)
	if err != nil {
		return nil, mapErr(err, "attachments")
	}
	defer rows.Close()
	var out []*intake.Attachment
	for rows.Next() {
		a, err := db.scanAttachment(rows, false)
		if err != nil {
			return nil, mapErr(err, "attachments")
		}
		out = append(out, a)
	}
	return out, mapErr(rows.Err(), "attachments")
}

// GetAttachment reads one file with its content.
func (db *DB) GetAttachment(ctx context.Context, itemID, id ctip.ID) (*intake.Attachment, error) {
	a, err := db.scanAttachment(db.r.QueryRowContext(ctx, `SELECT `+attCols+`, a.content FROM intake_attachments a
		LEFT JOIN users u ON u.id = a.uploaded_by WHERE a.item_id = $1 AND a.id = $2`, itemID, id), true)
	return a, mapErr(err, "attachment")
}

// DeleteAttachment removes a file, recording the event and audit event.
func (db *DB) DeleteAttachment(ctx context.Context, itemID, id ctip.ID, ev intake.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM intake_attachments WHERE item_id = $1 AND id = $2`, itemID, id)
		if err != nil {
			return mapErr(err, "delete attachment")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrNotFound()
		}
		if err := db.insertEvents(ctx, tx, ev); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// IntakeCount counts all intake items (demo loader's "already holds records" check).
func (db *DB) IntakeCount(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM intake_items`).Scan(&n)
	return n, mapErr(err, "count intake")
}

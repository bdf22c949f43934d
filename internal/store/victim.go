package store

import (
	"context"
	"database/sql"
	"sort"
	"strings"

	"ctip"
	"ctip/internal/person"
	"ctip/internal/victim"
)

var _ victim.Store = (*DB)(nil)

func joinCodes(vs []string) string { return strings.Join(vs, ";") }

func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

func nullTimeOf(f *victim.File) (any, any) {
	return nullTime(f.CommuneNotifiedAt), nullTime(f.HealthReceivedAt)
}

// CreateFile inserts the person and the victim file in one transaction.
func (db *DB) CreateFile(ctx context.Context, p *person.Person, roles []person.RoleLink, team []person.TeamUnit, f *victim.File, ev victim.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.createPerson(ctx, tx, p, roles, team); err != nil {
			return err
		}
		f.Pseudonym = p.Pseudonym
		return db.insertFile(ctx, tx, f, ev, au)
	})
}

// ReceivePerson opens a victim file on an existing person (version-checked):
// the person is protected from now on (a pseudonym is allocated if they
// have none), kept while the file is open (retention cleared), takes the
// role and the team units, all in one transaction.
func (db *DB) ReceivePerson(ctx context.Context, personID ctip.ID, version int, role person.RoleLink, team []person.TeamUnit, f *victim.File, ev victim.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var pseudo string
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(pseudonym, '') FROM persons WHERE id = $1 AND version = $2 AND merged_into IS NULL`,
			personID, version).Scan(&pseudo)
		if err == sql.ErrNoRows {
			return ctip.ErrStale()
		}
		if err != nil {
			return mapErr(err, "person")
		}
		if pseudo == "" {
			year := ctip.DateOf(f.CreatedAt).Year
			n, err := nextNumber(ctx, tx, person.PseudonymScope, year)
			if err != nil {
				return err
			}
			pseudo = person.FormatPseudonym(year, n)
		}
		res, err := tx.ExecContext(ctx, `UPDATE persons SET protected = TRUE, pseudonym = $1, retain_until = NULL, version = version + 1,
			updated_at = $2 WHERE id = $3 AND version = $4`, pseudo, f.CreatedAt, personID, version)
		if err != nil {
			return mapErr(err, "protect person")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale()
		}
		if err := db.insertRole(ctx, tx, role); err != nil {
			return err
		}
		for _, t := range team {
			if err := db.insertTeam(ctx, tx, personID, t, f.CreatedAt); err != nil {
				return err
			}
		}
		f.Pseudonym = pseudo
		return db.insertFile(ctx, tx, f, ev, au)
	})
}

// HealthUnits lists the active units of kind health whose parent is not of
// that kind (the provincial health departments).
func (db *DB) HealthUnits(ctx context.Context) ([]ctip.ID, error) {
	var out []ctip.ID
	err := db.eachRow(ctx, `SELECT u.id FROM units u LEFT JOIN units p ON p.id = u.parent_id
		WHERE u.kind = $1 AND u.active AND (p.id IS NULL OR p.kind <> $1) ORDER BY u.path`, []any{ctip.UnitHealth}, func(sc *sql.Rows) error {
		var id ctip.ID
		if err := sc.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	return out, err
}

// insertFile inserts a victim file, its first event and the audit event in tx.
func (db *DB) insertFile(ctx context.Context, tx *sql.Tx, f *victim.File, ev victim.Event, au ctip.AuditEvent) error {
	cn, hr := nullTimeOf(f)
	const t = "victims"
	x := f.Exploitation
	_, err := tx.ExecContext(ctx, `INSERT INTO victims (id, person_id, owner_unit_id, status, found_abroad, stateless_resident, accompanies_id,
		received_at, reception_channel, reception_body, reception_commune, reception_country, commune_notified_at, health_received_at,
		verification_due, verified_on, police_unit_id, decided_on, deciding_body, decision_number, grounds, documents, exploitation,
		sex_exploitation, control_means, recruitment, platforms, recruiter_relation, age_trafficked, origin_commune, transit,
		destination_province, destination_country, departed_on, arrived_on, guardian, schooling, essential_start, essential_extension,
		closed_on, close_reason, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25,
		$26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44)`,
		f.ID, f.PersonID, f.OwnerUnitID, string(f.Status), f.FoundAbroad, f.StatelessResident, f.AccompaniesID,
		f.ReceivedAt, f.Channel, f.ReceptionBody, nullStr(f.ReceptionCommune), nullStr(f.ReceptionCountry), cn, hr,
		f.VerificationDue, f.VerifiedOn, f.PoliceUnitID, f.DecidedOn, nullStr(f.DecidingBody), nullStr(f.DecisionNumber), joinCodes(f.Grounds),
		db.seal(t, "documents", f.ID, f.Documents), joinCodes(x.Types), joinCodes(x.SexTypes), joinCodes(x.Control), joinCodes(x.Recruitment),
		joinCodes(x.Platforms), x.RecruiterRelation, x.AgeWhenTrafficked, nullStr(x.OriginCommune), db.seal(t, "transit", f.ID, x.Transit),
		nullStr(x.DestinationProvince), nullStr(x.DestinationCountry), x.DepartedOn, x.ArrivedOn, db.seal(t, "guardian", f.ID, f.Guardian),
		f.Schooling, f.EssentialStart, nullStr(f.EssentialExt), f.ClosedOn, nullStr(f.CloseReason), f.Version, f.CreatedAt, f.UpdatedAt)
	if err != nil {
		return mapErr(err, "create victim file")
	}
	if err := db.insertVictimEvent(ctx, tx, ev); err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, au)
}

func (db *DB) insertVictimEvent(ctx context.Context, tx *sql.Tx, e victim.Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO victim_events (id, victim_id, at, actor_id, actor_name, action, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.ID, e.VictimID, e.At, e.ActorID, e.ActorName, e.Action, e.Detail)
	return mapErr(err, "victim event")
}

// UpdateFile writes a victim file (version-checked) with its event and audit event.
func (db *DB) UpdateFile(ctx context.Context, f *victim.File, oldVersion int, ev victim.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		cn, hr := nullTimeOf(f)
		const t = "victims"
		x := f.Exploitation
		res, err := tx.ExecContext(ctx, `UPDATE victims SET status = $1, commune_notified_at = $2, health_received_at = $3,
			verification_due = $4, verified_on = $5, police_unit_id = $6, decided_on = $7, deciding_body = $8, decision_number = $9,
			grounds = $10, documents = $11, exploitation = $12, sex_exploitation = $13, control_means = $14, recruitment = $15,
			platforms = $16, recruiter_relation = $17, age_trafficked = $18, origin_commune = $19, transit = $20,
			destination_province = $21, destination_country = $22, departed_on = $23, arrived_on = $24, guardian = $25,
			schooling = $26, essential_start = $27, essential_extension = $28, closed_on = $29, close_reason = $30,
			version = $31, updated_at = $32 WHERE id = $33 AND version = $34`,
			string(f.Status), cn, hr, f.VerificationDue, f.VerifiedOn, f.PoliceUnitID, f.DecidedOn, nullStr(f.DecidingBody),
			nullStr(f.DecisionNumber), joinCodes(f.Grounds), db.seal(t, "documents", f.ID, f.Documents), joinCodes(x.Types),
			joinCodes(x.SexTypes), joinCodes(x.Control), joinCodes(x.Recruitment), joinCodes(x.Platforms), x.RecruiterRelation,
			x.AgeWhenTrafficked, nullStr(x.OriginCommune), db.seal(t, "transit", f.ID, x.Transit), nullStr(x.DestinationProvince),
			nullStr(x.DestinationCountry), x.DepartedOn, x.ArrivedOn, db.seal(t, "guardian", f.ID, f.Guardian), f.Schooling,
			f.EssentialStart, nullStr(f.EssentialExt), f.ClosedOn, nullStr(f.CloseReason), f.Version, f.UpdatedAt, f.ID, oldVersion)
		if err != nil {
			return mapErr(err, "update victim file")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale()
		}
		if !f.RetainUntil.IsZero() {
			if _, err := tx.ExecContext(ctx, `UPDATE persons SET retain_until = $1 WHERE id = $2`, f.RetainUntil, f.PersonID); err != nil {
				return mapErr(err, "retention")
			}
		}
		if err := db.insertVictimEvent(ctx, tx, ev); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

const fileCols = `v.id, v.person_id, v.owner_unit_id, v.status, v.found_abroad, v.stateless_resident, v.accompanies_id, v.received_at,
	v.reception_channel, v.reception_body, v.reception_commune, v.reception_country, v.commune_notified_at, v.health_received_at,
	v.verification_due, v.verified_on, v.police_unit_id, v.decided_on, v.deciding_body, v.decision_number, v.grounds, v.documents,
	v.exploitation, v.sex_exploitation, v.control_means, v.recruitment, v.platforms, v.recruiter_relation, v.age_trafficked,
	v.origin_commune, v.transit, v.destination_province, v.destination_country, v.departed_on, v.arrived_on, v.guardian, v.schooling,
	v.essential_start, v.essential_extension, v.closed_on, v.close_reason, v.version, v.created_at, v.updated_at,
	p.pseudonym, p.sex, p.birth_year, p.nationality, u.name, u.path`

func (db *DB) scanFile(sc interface{ Scan(...any) error }, full bool) (*victim.File, error) {
	f := &victim.File{}
	var status, grounds, types, sexTypes, control, recruitment, platforms, sex string
	var docs, transit, guardian []byte
	x := &f.Exploitation
	err := sc.Scan(&f.ID, &f.PersonID, &f.OwnerUnitID, &status, &f.FoundAbroad, &f.StatelessResident, &f.AccompaniesID, &f.ReceivedAt,
		&f.Channel, &f.ReceptionBody, ns{&f.ReceptionCommune}, ns{&f.ReceptionCountry}, nt{&f.CommuneNotifiedAt}, nt{&f.HealthReceivedAt},
		&f.VerificationDue, &f.VerifiedOn, &f.PoliceUnitID, &f.DecidedOn, ns{&f.DecidingBody}, ns{&f.DecisionNumber}, &grounds, &docs,
		&types, &sexTypes, &control, &recruitment, &platforms, &x.RecruiterRelation, &x.AgeWhenTrafficked,
		ns{&x.OriginCommune}, &transit, ns{&x.DestinationProvince}, ns{&x.DestinationCountry}, &x.DepartedOn, &x.ArrivedOn, &guardian, &f.Schooling,
		&f.EssentialStart, ns{&f.EssentialExt}, &f.ClosedOn, ns{&f.CloseReason}, &f.Version, &f.CreatedAt, &f.UpdatedAt,
		ns{&f.Pseudonym}, &sex, &f.BirthYear, ns{&f.Nationality}, &f.OwnerUnitName, &f.OwnerUnitPath)
	if err != nil {
		return nil, err
	}
	f.Status, f.Sex, f.Grounds = victim.Status(status), person.Sex(sex), splitCodes(grounds)
	x.Types, x.SexTypes, x.Control, x.Recruitment, x.Platforms = splitCodes(types), splitCodes(sexTypes), splitCodes(control), splitCodes(recruitment), splitCodes(platforms)
	f.ReceivedAt, f.CreatedAt, f.UpdatedAt = f.ReceivedAt.UTC(), f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	if full {
		const t = "victims"
		if f.Documents, err = db.open(t, "documents", f.ID, docs); err != nil {
			return nil, err
		}
		if x.Transit, err = db.open(t, "transit", f.ID, transit); err != nil {
			return nil, err
		}
		if f.Guardian, err = db.open(t, "guardian", f.ID, guardian); err != nil {
			return nil, err
		}
	}
	return f, nil
}

const fileFrom = ` FROM victims v JOIN persons p ON p.id = v.person_id JOIN units u ON u.id = v.owner_unit_id`

// GetFile reads a victim file.
func (db *DB) GetFile(ctx context.Context, id ctip.ID) (*victim.File, error) {
	f, err := db.scanFile(db.r.QueryRowContext(ctx, `SELECT `+fileCols+fileFrom+` WHERE v.id = $1`, id), true)
	return f, mapErr(err, "victim file")
}

// OpenFileOfPerson reads the open victim file of a person (at most one:
// the partial unique index victims_open_person).
func (db *DB) OpenFileOfPerson(ctx context.Context, personID ctip.ID) (*victim.File, error) {
	f, err := db.scanFile(db.r.QueryRowContext(ctx, `SELECT `+fileCols+fileFrom+` WHERE v.person_id = $1 AND v.closed_on IS NULL`, personID), true)
	return f, mapErr(err, "victim file")
}

// FilesOfPerson lists all victim files of a person (a person trafficked
// again has earlier, closed files), the latest reception first.
func (db *DB) FilesOfPerson(ctx context.Context, personID ctip.ID) ([]*victim.File, error) {
	var out []*victim.File
	err := db.eachRow(ctx, `SELECT `+fileCols+fileFrom+` WHERE v.person_id = $1 ORDER BY v.received_at DESC, v.id`, []any{personID}, func(sc *sql.Rows) error {
		f, err := db.scanFile(sc, true)
		if err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// FileByPseudonym reads the victim file of the person with a pseudonym: the
// open one, else the latest (the pseudonym is the person's, kept across files).
func (db *DB) FileByPseudonym(ctx context.Context, pseudonym string) (*victim.File, error) {
	f, err := db.scanFile(db.r.QueryRowContext(ctx, `SELECT `+fileCols+fileFrom+` WHERE p.pseudonym = $1
		ORDER BY CASE WHEN v.closed_on IS NULL THEN 0 ELSE 1 END, v.received_at DESC, v.id LIMIT 1`, pseudonym), true)
	return f, mapErr(err, "victim file")
}

// victimClassSQL is victim.ClassOf in SQL, for the file v of person p (its
// principal pv/pp when it accompanies someone); a test checks it against
// ClassOf on every combination.
func victimClassSQL() string {
	base := func(v, p string) string {
		citizen := "(" + p + ".nationality = 'VN' OR " + p + ".nationality IS NULL OR " + p + ".nationality = '')"
		resident := "(" + citizen + " OR (" + v + ".stateless_resident AND " + p + ".nationality = 'XX'))"
		return "CASE WHEN " + v + ".status = 'not_victim' THEN 'none'" +
			" WHEN " + v + ".status = 'victim' THEN CASE WHEN " + resident + " THEN 'citizen_victim' ELSE 'foreign' END" +
			" WHEN NOT " + resident + " THEN 'foreign'" +
			" WHEN " + v + ".found_abroad AND " + citizen + " THEN 'identified_abroad' ELSE 'identified_in_vn' END"
	}
	principal := base("pv", "pp")
	return "CASE WHEN pv.id IS NULL THEN " + base("v", "p") +
		" WHEN (" + principal + ") IN ('citizen_victim', 'accompanying_victim') THEN 'accompanying_victim' ELSE " + principal + " END"
}

// ListFiles lists victim files (pseudonyms, no identity), newest reception
// first, or by pseudonym or status.
func (db *DB) ListFiles(ctx context.Context, f victim.Filter, pr ctip.PageRequest) (ctip.Page[*victim.File], error) {
	var a args
	var conds []string
	from := fileFrom
	count := ` FROM victims v`
	if f.Status != "" {
		conds = append(conds, "v.status = "+a.add(string(f.Status)))
	}
	if !f.UnitID.IsZero() {
		conds = append(conds, "(v.owner_unit_id = "+a.add(f.UnitID)+" OR EXISTS (SELECT 1 FROM person_team t WHERE t.person_id = v.person_id AND t.reason <> 'share' AND t.unit_id = "+a.add(f.UnitID)+"))")
	}
	if !f.Owner.IsZero() {
		conds = append(conds, "v.owner_unit_id = "+a.add(f.Owner))
	}
	if !f.From.IsZero() {
		conds = append(conds, "v.received_at >= "+a.add(f.From.Time().Add(-12*60*60*1e9).UTC()))
	}
	if !f.To.IsZero() {
		conds = append(conds, "v.received_at < "+a.add(f.To.End().UTC()))
	}
	if f.Class != "" {
		join := " JOIN persons p ON p.id = v.person_id LEFT JOIN victims pv ON pv.id = v.accompanies_id LEFT JOIN persons pp ON pp.id = pv.person_id"
		count += join
		from += " LEFT JOIN victims pv ON pv.id = v.accompanies_id LEFT JOIN persons pp ON pp.id = pv.person_id"
		conds = append(conds, "("+victimClassSQL()+") = "+a.add(string(f.Class)))
	}
	if f.Clock != "" {
		// The 120-day clock (victim.EssentialClockOf): last day = start + 119;
		// over when today is past it and no extension was decided.
		today := f.Today
		lastBefore := today.AddDays(-(victim.EssentialDays - 1)) // start < this: last day before today
		verification := "v.verification_due IS NOT NULL AND v.verified_on IS NULL AND v.verification_due "
		essential := "v.essential_start IS NOT NULL AND (v.essential_extension IS NULL OR v.essential_extension = '') AND v.essential_start "
		if f.Clock == victim.ClockOverdue {
			conds = append(conds, "v.closed_on IS NULL", "(("+verification+"< "+a.add(today)+") OR ("+essential+"< "+a.add(lastBefore)+"))")
		} else {
			conds = append(conds, "v.closed_on IS NULL", "(("+verification+">= "+a.add(today)+") OR ("+essential+">= "+a.add(lastBefore)+
				" AND v.essential_start <= "+a.add(lastBefore.AddDays(victim.ClockSoonDays))+"))")
		}
	}
	w := where(conds)
	page := ctip.Page[*victim.File]{Limit: pr.Limit, Offset: pr.Offset}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*)`+count+w, a.v...).Scan(&page.Total); err != nil {
		return page, mapErr(err, "count victims")
	}
	if page.Total == 0 {
		return page, nil
	}
	dir := " DESC"
	if pr.Sort != "" && !pr.Desc {
		dir = " ASC"
	}
	order := "v.received_at" + dir + ", v.id" + dir
	switch pr.Sort {
	case victim.SortPseudonym:
		// Pseudonyms (NN-YYYY-NNNN, person.FormatPseudonym) by (year,
		// number): the number grows past 4 digits after 9,999 people in a
		// year, so within the "NN-YYYY-" prefix a longer one is a larger
		// number; as plain text NN-2026-10000 would sort before -9999.
		order = "SUBSTR(p.pseudonym, 1, 8)" + dir + ", LENGTH(p.pseudonym)" + dir + ", p.pseudonym" + dir + ", v.id" + dir
	case victim.SortStatus:
		order = "v.status" + dir + ", v.received_at DESC, v.id DESC"
	}
	q := `SELECT ` + fileCols + from + w + ` ORDER BY ` + order + ` LIMIT ` + a.add(pr.Limit) + ` OFFSET ` + a.add(pr.Offset)
	err := db.eachRow(ctx, q, a.v, func(sc *sql.Rows) error {
		fl, err := db.scanFile(sc, false)
		if err != nil {
			return err
		}
		page.Items = append(page.Items, fl)
		return nil
	})
	return page, err
}

// FileEvents lists a file's timeline.
func (db *DB) FileEvents(ctx context.Context, id ctip.ID) ([]victim.Event, error) {
	var out []victim.Event
	err := db.eachRow(ctx, `SELECT id, victim_id, at, actor_id, actor_name, action, detail FROM victim_events WHERE victim_id = $1 ORDER BY at, id`,
		[]any{id}, func(sc *sql.Rows) error {
			var e victim.Event
			if err := sc.Scan(&e.ID, &e.VictimID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.Detail); err != nil {
				return err
			}
			e.At = e.At.UTC()
			out = append(out, e)
			return nil
		})
	return out, err
}

// AddSupport records a support service.
func (db *DB) AddSupport(ctx context.Context, s victim.Support, ev victim.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO victim_support (id, victim_id, regime, provider, provided_on, amount, status, referral_to,
			consent_id, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			s.ID, s.VictimID, string(s.Regime), s.Provider, s.ProvidedOn, s.Amount, s.Status, s.ReferralTo, s.ConsentID,
			db.seal("victim_support", "note", s.ID, s.Note), s.CreatedBy, s.CreatedAt)
		if err != nil {
			return mapErr(err, "support")
		}
		if err := db.insertVictimEvent(ctx, tx, ev); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// ListSupport lists a file's support services.
func (db *DB) ListSupport(ctx context.Context, victimID ctip.ID) ([]victim.Support, error) {
	var out []victim.Support
	err := db.eachRow(ctx, `SELECT id, victim_id, regime, provider, provided_on, amount, status, referral_to, consent_id, note, created_by, created_at
		FROM victim_support WHERE victim_id = $1 ORDER BY provided_on, created_at`, []any{victimID}, func(sc *sql.Rows) error {
		var s victim.Support
		var regime string
		var note []byte
		if err := sc.Scan(&s.ID, &s.VictimID, &regime, &s.Provider, &s.ProvidedOn, &s.Amount, &s.Status, &s.ReferralTo, &s.ConsentID, &note, &s.CreatedBy, &s.CreatedAt); err != nil {
			return err
		}
		s.Regime = victim.Regime(regime)
		var err error
		s.Note, err = db.open("victim_support", "note", s.ID, note)
		out = append(out, s)
		return err
	})
	return out, err
}

// AddFollowUp records a follow-up.
func (db *DB) AddFollowUp(ctx context.Context, f victim.FollowUp, ev victim.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO victim_followups (id, victim_id, planned_on, done_on, findings, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, f.ID, f.VictimID, f.PlannedOn, f.DoneOn, db.seal("victim_followups", "findings", f.ID, f.Findings), f.CreatedBy, f.CreatedAt)
		if err != nil {
			return mapErr(err, "follow-up")
		}
		if err := db.insertVictimEvent(ctx, tx, ev); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// CompleteFollowUp records a planned visit as done (once).
func (db *DB) CompleteFollowUp(ctx context.Context, f victim.FollowUp, ev victim.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE victim_followups SET done_on = $1, findings = $2 WHERE id = $3 AND victim_id = $4 AND done_on IS NULL`,
			f.DoneOn, db.seal("victim_followups", "findings", f.ID, f.Findings), f.ID, f.VictimID)
		if err != nil {
			return mapErr(err, "follow-up")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale()
		}
		if err := db.insertVictimEvent(ctx, tx, ev); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// ListFollowUps lists a file's follow-ups.
func (db *DB) ListFollowUps(ctx context.Context, victimID ctip.ID) ([]victim.FollowUp, error) {
	var out []victim.FollowUp
	err := db.eachRow(ctx, `SELECT id, victim_id, planned_on, done_on, findings, created_by, created_at FROM victim_followups
		WHERE victim_id = $1 ORDER BY planned_on, created_at`, []any{victimID}, func(sc *sql.Rows) error {
		var f victim.FollowUp
		var fin []byte
		if err := sc.Scan(&f.ID, &f.VictimID, &f.PlannedOn, &f.DoneOn, &fin, &f.CreatedBy, &f.CreatedAt); err != nil {
			return err
		}
		var err error
		f.Findings, err = db.open("victim_followups", "findings", f.ID, fin)
		out = append(out, f)
		return err
	})
	return out, err
}

// AddProtection records a protection measure or rescue event.
func (db *DB) AddProtection(ctx context.Context, m victim.Protection, ev victim.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		const t = "victim_protection"
		_, err := tx.ExecContext(ctx, `INSERT INTO victim_protection (id, victim_id, kind, protected_who, relative, measure, force_name, risk,
			assessment, from_on, to_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			m.ID, m.VictimID, m.Kind, m.ProtectedWho, db.seal(t, "relative", m.ID, m.Relative), m.Measure, m.Force, m.Risk,
			db.seal(t, "assessment", m.ID, m.Assessment), m.From, m.To, m.CreatedBy, m.CreatedAt)
		if err != nil {
			return mapErr(err, "protection")
		}
		if err := db.insertVictimEvent(ctx, tx, ev); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// ListProtection lists a file's protection measures and rescue events.
func (db *DB) ListProtection(ctx context.Context, victimID ctip.ID) ([]victim.Protection, error) {
	var out []victim.Protection
	const t = "victim_protection"
	err := db.eachRow(ctx, `SELECT id, victim_id, kind, protected_who, relative, measure, force_name, risk, assessment, from_on, to_on, created_by, created_at
		FROM victim_protection WHERE victim_id = $1 ORDER BY from_on, created_at`, []any{victimID}, func(sc *sql.Rows) error {
		var m victim.Protection
		var rel, as []byte
		if err := sc.Scan(&m.ID, &m.VictimID, &m.Kind, &m.ProtectedWho, &rel, &m.Measure, &m.Force, &m.Risk, &as, &m.From, &m.To, &m.CreatedBy, &m.CreatedAt); err != nil {
			return err
		}
		var err error
		if m.Relative, err = db.open(t, "relative", m.ID, rel); err != nil {
			return err
		}
		m.Assessment, err = db.open(t, "assessment", m.ID, as)
		out = append(out, m)
		return err
	})
	return out, err
}

// AddNeeds stores an anonymous survey answer.
func (db *DB) AddNeeds(ctx context.Context, n victim.NeedsAnswer, ev victim.Event, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO victim_needs (id, unit_id, month, sex, age_band, needs, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			n.ID, n.UnitID, n.Month, string(n.Sex), n.AgeBand, joinCodes(n.Needs), n.CreatedAt)
		if err != nil {
			return mapErr(err, "needs")
		}
		if err := db.insertVictimEvent(ctx, tx, ev); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// NeedsAggregate counts answers and needs in a period of months.
func (db *DB) NeedsAggregate(ctx context.Context, from, to string) (int, []victim.Cell, error) {
	counts := map[string]int{}
	total := 0
	err := db.eachRow(ctx, `SELECT needs FROM victim_needs WHERE month >= $1 AND month <= $2`, []any{from, to}, func(sc *sql.Rows) error {
		var s string
		if err := sc.Scan(&s); err != nil {
			return err
		}
		total++
		for _, n := range splitCodes(s) {
			counts[n]++
		}
		return nil
	})
	var cells []victim.Cell
	for _, n := range victim.Needs {
		cells = append(cells, victim.Cell{Need: n, Count: counts[n]})
	}
	sort.SliceStable(cells, func(i, j int) bool { return cells[i].Count > cells[j].Count })
	return total, cells, err
}

package store

import (
	"context"
	"database/sql"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/person"
)

// Placeholders lists accused and parties without a registry person (never
// those whose person was purged under the retention rules), oldest first,
// with the case's unit, stage and author.
func (db *DB) Placeholders(ctx context.Context, limit int) ([]casefile.Placeholder, error) {
	var out []casefile.Placeholder
	for _, q := range []struct{ table, query string }{
		{"case_accused", `SELECT x.id, x.case_id, c.unit_id, c.created_by, c.stage, '', x.name, x.sex, x.birth_year, x.id_number, x.created_at
			FROM case_accused x JOIN cases c ON c.id = x.case_id WHERE x.person_id IS NULL AND x.person_purged_on IS NULL ORDER BY x.created_at, x.id LIMIT $1`},
		{"case_parties", `SELECT x.id, x.case_id, c.unit_id, c.created_by, c.stage, x.role, x.name, x.sex, x.birth_year, x.id_number, x.created_at
			FROM case_parties x JOIN cases c ON c.id = x.case_id WHERE x.person_id IS NULL AND x.person_purged_on IS NULL ORDER BY x.created_at, x.id LIMIT $1`},
	} {
		err := db.eachRow(ctx, q.query, []any{limit}, func(sc *sql.Rows) error {
			ph := casefile.Placeholder{Table: q.table}
			var stage string
			var name, idn []byte
			if err := sc.Scan(&ph.RowID, &ph.CaseID, &ph.UnitID, &ph.CreatedBy, &stage, &ph.Role, &name, &ph.Person.Sex, &ph.Person.BirthYear,
				&idn, &ph.CreatedAt); err != nil {
				return err
			}
			ph.Stage, ph.CreatedAt = casefile.Stage(stage), ph.CreatedAt.UTC()
			var err error
			if ph.Person.Name, err = db.open(q.table, "name", ph.RowID, name); err != nil {
				return err
			}
			if ph.Person.IDNumber, err = db.open(q.table, "id_number", ph.RowID, idn); err != nil {
				return err
			}
			out = append(out, ph)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LinkPlaceholder creates the registry person of a placeholder, links it to
// the case and sets the row's person_id, with the audit event, in one
// transaction. The row is claimed first ("person_id IS NULL"): when another
// instance linked it meanwhile, nothing is written and it reports false. A
// protected person's row then keeps the pseudonym instead of the name and
// ID number (they are in the registry, encrypted).
func (db *DB) LinkPlaceholder(ctx context.Context, ph casefile.Placeholder, rl *person.RecordLink, au ctip.AuditEvent) (bool, error) {
	if ph.Table != "case_accused" && ph.Table != "case_parties" {
		return false, ctip.Errorf(ctip.Internal, "error.internal")
	}
	done := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE `+ph.Table+` SET person_id = $1 WHERE id = $2 AND person_id IS NULL AND person_purged_on IS NULL`, rl.Link.PersonID, ph.RowID)
		if err != nil {
			return mapErr(err, "claim placeholder")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := db.writeRecordLink(ctx, tx, rl); err != nil {
			return err
		}
		if rl.Protected {
			idn := ""
			if ph.KeepIDNumber {
				idn = ph.Person.IDNumber
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+ph.Table+` SET name = $1, id_number = $2 WHERE id = $3`,
				db.seal(ph.Table, "name", ph.RowID, rl.Name), db.seal(ph.Table, "id_number", ph.RowID, idn), ph.RowID); err != nil {
				return mapErr(err, "placeholder")
			}
		}
		done = true
		return db.appendAudit(ctx, tx, au)
	})
	return done, err
}

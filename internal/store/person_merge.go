package store

import (
	"context"
	"database/sql"

	"ctip"
	"ctip/internal/match"
	"ctip/internal/person"
)

// FindDuplicates returns the persons that share a search key with a new
// record: an identity-document number or a phone (exact keys), or a whole
// name (the pair key of its two first tokens, or the token of a one-word
// name). The keys are keyed blind indexes (person_search); nothing is
// compared in clear here, and the service verifies the candidates on the
// decrypted values. Tombstones have no search keys.
func (db *DB) FindDuplicates(ctx context.Context, q person.DuplicateQuery) ([]*person.Person, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = person.DuplicateLimit
	}
	var hs []any
	seen := map[string]bool{}
	add := func(k match.Key) {
		if h := db.blind(k); !seen[h] {
			seen[h] = true
			hs = append(hs, h)
		}
	}
	for _, n := range q.IDNumbers {
		add(match.Key{Kind: match.KindID, Value: n})
	}
	for _, p := range q.Phones {
		add(match.Key{Kind: match.KindPhone, Value: p})
	}
	for _, toks := range q.Names {
		switch {
		case len(toks) > 1:
			for _, k := range match.QueryPairKeys(toks[0], toks[1]) {
				add(k)
			}
		case len(toks) == 1:
			add(match.Key{Kind: match.KindToken, Value: toks[0]})
		}
	}
	if len(hs) == 0 {
		return nil, nil
	}
	var a args
	query := `SELECT DISTINCT person_id FROM person_search WHERE hash IN ` + a.in(hs...) + ` LIMIT ` + a.add(limit)
	var ids []ctip.ID
	if err := db.eachRow(ctx, query, a.v, func(sc *sql.Rows) error {
		var id ctip.ID
		if err := sc.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}); err != nil {
		return nil, err
	}
	return db.loadPersons(ctx, ids, false)
}

// personMergeMoves move the merged record's rows to the survivor ($1
// survivor, $2 merged). Rows the survivor already holds (the same link or
// team place) are dropped first, so the primary keys hold.
var personMergeMoves = []string{
	`DELETE FROM person_links WHERE person_id = $2 AND EXISTS (SELECT 1 FROM person_links s WHERE s.person_id = $1
		AND s.record_type = person_links.record_type AND s.record_id = person_links.record_id AND s.role = person_links.role)`,
	`UPDATE person_links SET person_id = $1 WHERE person_id = $2`,
	`DELETE FROM person_team WHERE person_id = $2 AND EXISTS (SELECT 1 FROM person_team s WHERE s.person_id = $1
		AND s.unit_id = person_team.unit_id AND s.reason = person_team.reason)`,
	`UPDATE person_team SET person_id = $1 WHERE person_id = $2`,
	`DELETE FROM person_roles WHERE person_id = $2 AND EXISTS (SELECT 1 FROM person_roles s WHERE s.person_id = $1
		AND s.role = person_roles.role AND s.record_type = person_roles.record_type AND s.record_id = person_roles.record_id)`,
	`UPDATE person_roles SET person_id = $1 WHERE person_id = $2`,
	`UPDATE person_priors SET person_id = $1 WHERE person_id = $2`,
	`UPDATE person_wanted SET person_id = $1 WHERE person_id = $2`,
	`UPDATE person_consents SET person_id = $1 WHERE person_id = $2`,
	`UPDATE victims SET person_id = $1 WHERE person_id = $2`,
	`UPDATE case_accused SET person_id = $1 WHERE person_id = $2`,
	`UPDATE case_parties SET person_id = $1 WHERE person_id = $2`,
	`UPDATE persons SET merged_into = $1 WHERE merged_into = $2`, // older tombstones point to the survivor
}

// MergePersons writes a merge in one transaction: the merged record becomes
// a tombstone (identity emptied, pointing to the survivor), its rows move to
// the survivor, the survivor's fields and search keys are rewritten, and
// the audit event is appended. Either record changed since it was read:
// Stale, nothing written.
func (db *DB) MergePersons(ctx context.Context, m person.Merge, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		mg, sv := m.Merged, m.Survivor
		tombPseudonym := mg.Pseudonym // the survivor may take it over (unique)
		if m.MovePseudonym {
			tombPseudonym = ""
		}
		res, err := tx.ExecContext(ctx, `UPDATE persons SET full_name = NULL, aliases = NULL, date_of_birth = NULL, documents = NULL,
			phones = NULL, accounts = NULL, addresses = NULL, occupation = NULL, photo = NULL, notes = NULL, watch = FALSE,
			watch_reason = NULL, watch_until = NULL, retain_until = NULL,
			pseudonym = $1,
			merged_into = $2, merged_at = $3, version = version + 1, updated_at = $3
			WHERE id = $4 AND version = $5 AND merged_into IS NULL`, nullStr(tombPseudonym), sv.ID, m.At, mg.ID, m.MergedVersion)
		if err != nil {
			return mapErr(err, "merge person")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale()
		}
		args := db.personArgs(sv)
		args = append(args, string(sv.Sex), sv.BirthYear, sv.BirthPrecision, nullStr(sv.EthnicCode), nullStr(sv.Nationality), sv.Watch,
			db.seal("persons", "watch_reason", sv.ID, sv.WatchReason), sv.WatchUntil, sv.Version, sv.UpdatedAt,
			sv.Protected, nullStr(sv.Pseudonym), sv.RetainUntil, sv.ID, m.SurvivorVersion)
		res, err = tx.ExecContext(ctx, `UPDATE persons SET full_name = $1, aliases = $2, date_of_birth = $3, documents = $4, phones = $5,
			accounts = $6, addresses = $7, occupation = $8, photo = $9, notes = $10, sex = $11, birth_year = $12, birth_precision = $13,
			ethnic_code = $14, nationality = $15, watch = $16, watch_reason = $17, watch_until = $18, version = $19, updated_at = $20,
			protected = $21, pseudonym = $22, retain_until = $23
			WHERE id = $24 AND version = $25 AND merged_into IS NULL`, args...)
		if err != nil {
			return mapErr(err, "merge person")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale()
		}
		for _, q := range personMergeMoves {
			if _, err := tx.ExecContext(ctx, q, sv.ID, mg.ID); err != nil {
				return mapErr(err, "merge person")
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM person_search WHERE person_id = $1`, mg.ID); err != nil {
			return mapErr(err, "merge person")
		}
		if err := db.writeSearch(ctx, tx, sv, true); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, au)
	})
}

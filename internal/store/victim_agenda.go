package store

import (
	"context"
	"database/sql"

	"ctip"
	"ctip/internal/victim"
)

// VictimAgenda selects the victim files of a unit (owner or team) with a
// clock ending by the query's days, and the follow-ups planned in its week.
func (db *DB) VictimAgenda(ctx context.Context, q victim.AgendaQuery) (*victim.Agenda, error) {
	ag := &victim.Agenda{}
	unit := func(a *args) string {
		return "(v.owner_unit_id = " + a.add(q.UnitID) + " OR EXISTS (SELECT 1 FROM person_team t WHERE t.person_id = v.person_id AND t.reason <> 'share' AND t.unit_id = " + a.add(q.UnitID) + "))"
	}
	files := func(kind, cond, order string, a *args, dst *[]victim.AgendaItem, due func(f *victim.File) ctip.Date) error {
		qs := `SELECT ` + fileCols + fileFrom + ` WHERE v.closed_on IS NULL AND ` + cond + ` AND ` + unit(a) + ` ORDER BY ` + order + ` LIMIT ` + a.add(q.Limit)
		return db.eachRow(ctx, qs, a.v, func(sc *sql.Rows) error {
			f, err := db.scanFile(sc, false)
			if err != nil {
				return err
			}
			*dst = append(*dst, victim.AgendaItem{File: f, Kind: kind, Due: due(f)})
			return nil
		})
	}
	var a1 args
	if err := files("verification", "v.verified_on IS NULL AND v.verification_due <= "+a1.add(q.VerifyBy), "v.verification_due, v.id", &a1, &ag.Verification,
		func(f *victim.File) ctip.Date { return f.VerificationDue }); err != nil {
		return nil, mapErr(err, "victim agenda")
	}
	var a2 args
	if err := files("essential", "v.essential_start <= "+a2.add(q.EssentialStartBy)+" AND (v.essential_extension IS NULL OR v.essential_extension = '')",
		"v.essential_start, v.id", &a2, &ag.Essential,
		func(f *victim.File) ctip.Date { return f.EssentialStart.AddDays(victim.EssentialDays - 1) }); err != nil {
		return nil, mapErr(err, "victim agenda")
	}
	var a3 args
	type fu struct {
		id      ctip.ID
		planned ctip.Date
	}
	var fus []fu
	qs := `SELECT fu.victim_id, fu.planned_on FROM victim_followups fu JOIN victims v ON v.id = fu.victim_id
		WHERE fu.done_on IS NULL AND fu.planned_on >= ` + a3.add(q.WeekFrom) + ` AND fu.planned_on <= ` + a3.add(q.WeekTo) + `
		AND v.closed_on IS NULL AND ` + unit(&a3) + ` ORDER BY fu.planned_on, fu.id LIMIT ` + a3.add(q.Limit)
	if err := db.eachRow(ctx, qs, a3.v, func(sc *sql.Rows) error {
		var x fu
		if err := sc.Scan(&x.id, &x.planned); err != nil {
			return err
		}
		fus = append(fus, x)
		return nil
	}); err != nil {
		return nil, mapErr(err, "victim agenda")
	}
	for _, x := range fus {
		f, err := db.scanFile(db.r.QueryRowContext(ctx, `SELECT `+fileCols+fileFrom+` WHERE v.id = $1`, x.id), false)
		if err != nil {
			return nil, mapErr(err, "victim agenda")
		}
		ag.FollowUps = append(ag.FollowUps, victim.AgendaItem{File: f, Kind: "follow_up", Due: x.planned})
	}
	return ag, nil
}

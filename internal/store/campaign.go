package store

import (
	"context"
	"database/sql"

	"ctip"
	"ctip/internal/casefile"
)

const campaignCols = `id, name, starts_on, ends_on, target_intake, target_cases, target_accused, target_rings, target_rescued,
	description, created_by, version, created_at`

func scanCampaign(sc interface{ Scan(...any) error }) (*casefile.Campaign, error) {
	c := &casefile.Campaign{}
	t := &c.Targets
	if err := sc.Scan(&c.ID, &c.Name, &c.StartsOn, &c.EndsOn, &t.Intake, &t.Cases, &t.Accused, &t.Rings, &t.Rescued,
		&c.Description, &c.CreatedBy, &c.Version, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return c, nil
}

// CreateCampaign inserts a peak campaign with its audit event.
func (db *DB) CreateCampaign(ctx context.Context, c *casefile.Campaign, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		t := c.Targets
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaigns (`+campaignCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			c.ID, c.Name, c.StartsOn, c.EndsOn, t.Intake, t.Cases, t.Accused, t.Rings, t.Rescued, c.Description, c.CreatedBy, c.Version, c.CreatedAt); err != nil {
			return mapErr(err, "create campaign")
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// UpdateCampaign writes a campaign (version-checked) with its audit event.
func (db *DB) UpdateCampaign(ctx context.Context, c *casefile.Campaign, oldVersion int, au ctip.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		t := c.Targets
		res, err := tx.ExecContext(ctx, `UPDATE campaigns SET name = $1, starts_on = $2, ends_on = $3, target_intake = $4, target_cases = $5,
			target_accused = $6, target_rings = $7, target_rescued = $8, description = $9, version = $10 WHERE id = $11 AND version = $12`,
			c.Name, c.StartsOn, c.EndsOn, t.Intake, t.Cases, t.Accused, t.Rings, t.Rescued, c.Description, c.Version, c.ID, oldVersion)
		if err != nil {
			return mapErr(err, "update campaign")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ctip.ErrStale()
		}
		return db.appendAudit(ctx, tx, au)
	})
}

// GetCampaign reads a campaign.
func (db *DB) GetCampaign(ctx context.Context, id ctip.ID) (*casefile.Campaign, error) {
	c, err := scanCampaign(db.r.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE id = $1`, id))
	return c, mapErr(err, "get campaign")
}

// ListCampaigns lists the campaigns, newest first.
func (db *DB) ListCampaigns(ctx context.Context) ([]*casefile.Campaign, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+campaignCols+` FROM campaigns ORDER BY starts_on DESC, id`)
	if err != nil {
		return nil, mapErr(err, "campaigns")
	}
	defer rows.Close()
	var out []*casefile.Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, mapErr(err, "campaigns")
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err(), "campaigns")
}

// ListCampaignPage lists a page of campaigns by start date.
func (db *DB) ListCampaignPage(ctx context.Context, f casefile.CampaignFilter, p ctip.PageRequest) (ctip.Page[*casefile.Campaign], error) {
	var a args
	var conds []string
	switch f.State {
	case casefile.CampaignActive:
		conds = append(conds, "starts_on <= "+a.add(f.Today), "ends_on >= "+a.add(f.Today))
	case casefile.CampaignPast:
		conds = append(conds, "ends_on < "+a.add(f.Today))
	case casefile.CampaignUpcoming:
		conds = append(conds, "starts_on > "+a.add(f.Today))
	}
	w := where(conds)
	page := ctip.Page[*casefile.Campaign]{Limit: p.Limit, Offset: p.Offset}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM campaigns`+w, a.v...).Scan(&page.Total); err != nil {
		return page, mapErr(err, "count campaigns")
	}
	dir := " DESC"
	if p.Sort != "" && !p.Desc {
		dir = " ASC"
	}
	err := db.eachRow(ctx, `SELECT `+campaignCols+` FROM campaigns`+w+` ORDER BY starts_on`+dir+`, id`+dir+` LIMIT `+a.add(p.Limit)+` OFFSET `+a.add(p.Offset), a.v,
		func(sc *sql.Rows) error {
			c, err := scanCampaign(sc)
			if err != nil {
				return err
			}
			page.Items = append(page.Items, c)
			return nil
		})
	return page, err
}

// CampaignTally counts, in [from, to] and within the scope: intake items
// received, cases instituted, persons charged, rings broken up (cases
// flagged "ring") and victims rescued.
func (db *DB) CampaignTally(ctx context.Context, from, to ctip.Date, scope ctip.Scope) (casefile.Tally, error) {
	var t casefile.Tally
	sc, err := db.resolveCaseScope(ctx, db.r, scope)
	if err != nil {
		return t, err
	}
	caseScope := func(a *args) (string, string) {
		s := sc.cond(a)
		if s != "" {
			s = " AND " + s
		}
		return "", s
	}
	{
		var a args
		s := scopeSQL(&a, scope, "intake_shares", "item_id")
		join := ""
		if !scope.All && len(scope.SubtreePaths) > 0 {
			join = " JOIN units ou ON ou.id = i.unit_id"
		}
		if s != "" {
			s = " AND " + s
		}
		q := `SELECT COUNT(*) FROM intake_items i` + join + ` WHERE i.received_on >= ` + a.add(from) + ` AND i.received_on <= ` + a.add(to) + s
		if err := db.r.QueryRowContext(ctx, q, a.v...).Scan(&t.Intake); err != nil {
			return t, mapErr(err, "tally intake")
		}
	}
	{
		var a args
		join, s := caseScope(&a)
		q := `SELECT COUNT(*), COALESCE(SUM(CASE WHEN i.ring THEN 1 ELSE 0 END), 0) FROM cases i` + join +
			` WHERE i.instituted_on >= ` + a.add(from) + ` AND i.instituted_on <= ` + a.add(to) + s
		if err := db.r.QueryRowContext(ctx, q, a.v...).Scan(&t.Cases, &t.Rings); err != nil {
			return t, mapErr(err, "tally cases")
		}
	}
	{
		var a args
		join, s := caseScope(&a)
		q := `SELECT COUNT(*) FROM case_accused x JOIN cases i ON i.id = x.case_id` + join +
			` WHERE x.charged_on >= ` + a.add(from) + ` AND x.charged_on <= ` + a.add(to) + s
		if err := db.r.QueryRowContext(ctx, q, a.v...).Scan(&t.Accused); err != nil {
			return t, mapErr(err, "tally accused")
		}
	}
	{
		var a args
		join, s := caseScope(&a)
		q := `SELECT COUNT(*) FROM case_parties pt JOIN cases i ON i.id = pt.case_id` + join +
			` WHERE pt.rescued = ` + a.add(true) + ` AND pt.rescued_on >= ` + a.add(from) + ` AND pt.rescued_on <= ` + a.add(to) + s
		if err := db.r.QueryRowContext(ctx, q, a.v...).Scan(&t.Rescued); err != nil {
			return t, mapErr(err, "tally rescued")
		}
	}
	return t, nil
}

package casefile

import (
	"context"

	"ctip"
)

// CampaignInput is a peak campaign as entered.
type CampaignInput struct {
	Name        string
	StartsOn    ctip.Date
	EndsOn      ctip.Date
	Targets     Tally
	Description string
}

func (s *Service) validateCampaign(in *CampaignInput) ctip.Problems {
	var p ctip.Problems
	in.Name, in.Description = clean(in.Name), clean(in.Description)
	if in.Name == "" {
		p.Add("name", "error.required")
	}
	tooLong(&p, "name", in.Name, MaxShort)
	tooLong(&p, "description", in.Description, MaxNote)
	if in.StartsOn.IsZero() {
		p.Add("starts_on", "error.required")
	}
	if in.EndsOn.IsZero() {
		p.Add("ends_on", "error.required")
	}
	if !in.StartsOn.IsZero() && !in.EndsOn.IsZero() && in.EndsOn.Before(in.StartsOn) {
		p.Add("ends_on", "error.date_range")
	}
	for f, n := range map[string]int{"target_intake": in.Targets.Intake, "target_cases": in.Targets.Cases, "target_accused": in.Targets.Accused,
		"target_rings": in.Targets.Rings, "target_rescued": in.Targets.Rescued} {
		if n < 0 || n > 1000000 {
			p.Add(f, "error.max", 1000000)
		}
	}
	return p
}

// CreateCampaign records a peak campaign (holders of campaign.manage).
func (s *Service) CreateCampaign(ctx context.Context, in CampaignInput) (*Campaign, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermCampaigns) {
		return nil, ctip.ErrForbidden()
	}
	if p := s.validateCampaign(&in); len(p) > 0 {
		return nil, p.Err()
	}
	now := s.now()
	c := &Campaign{ID: ctip.NewID(), Name: in.Name, StartsOn: in.StartsOn, EndsOn: in.EndsOn, Targets: in.Targets,
		Description: in.Description, CreatedBy: a.UserID, Version: 1, CreatedAt: now}
	au := ctip.NewAuditEvent(a, now, "campaign.create", "campaign", c.ID)
	au.Fields = []string{"name", "period", "targets"}
	if err := s.Store.CreateCampaign(ctx, c, au); err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCampaign edits a campaign (version-checked).
func (s *Service) UpdateCampaign(ctx context.Context, id ctip.ID, version int, in CampaignInput) (*Campaign, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermCampaigns) {
		return nil, ctip.ErrForbidden()
	}
	c, err := s.Store.GetCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Version != version {
		return nil, ctip.ErrStale()
	}
	if p := s.validateCampaign(&in); len(p) > 0 {
		return nil, p.Err()
	}
	c.Name, c.StartsOn, c.EndsOn, c.Targets, c.Description = in.Name, in.StartsOn, in.EndsOn, in.Targets, in.Description
	c.Version++
	au := ctip.NewAuditEvent(a, s.now(), "campaign.update", "campaign", c.ID)
	au.Fields = []string{"name", "period", "targets"}
	if err := s.Store.UpdateCampaign(ctx, c, version, au); err != nil {
		return nil, err
	}
	return c, nil
}

// canSeeCampaigns: campaign managers, case readers and statistics readers
// (the summary is aggregate, without personal data).
func canSeeCampaigns(a *ctip.Actor) bool {
	return a.Can(ctip.PermCampaigns) || a.Can(ctip.PermCaseRead) || a.Can(ctip.PermStatsRead)
}

// Campaigns lists the campaigns.
func (s *Service) Campaigns(ctx context.Context) ([]*Campaign, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !canSeeCampaigns(a) {
		return nil, ctip.ErrForbidden()
	}
	return s.Store.ListCampaigns(ctx)
}

// CampaignFilter narrows the campaign list: "active" (running today),
// "past" (ended), "upcoming" (not started); Today is set by the service.
type CampaignFilter struct {
	State string
	Today ctip.Date
}

// Campaign list states.
const (
	CampaignActive   = "active"
	CampaignPast     = "past"
	CampaignUpcoming = "upcoming"
)

// CampaignPage lists the campaigns a page at a time, by start date (latest
// first by default).
func (s *Service) CampaignPage(ctx context.Context, f CampaignFilter, p ctip.PageRequest) (ctip.Page[*Campaign], error) {
	a, err := actorOf(ctx)
	if err != nil {
		return ctip.Page[*Campaign]{}, err
	}
	if !canSeeCampaigns(a) {
		return ctip.Page[*Campaign]{}, ctip.ErrForbidden()
	}
	var pr ctip.Problems
	if f.State != "" && f.State != CampaignActive && f.State != CampaignPast && f.State != CampaignUpcoming {
		pr.Add("state", "error.choice")
	}
	if p.Sort != "" && p.Sort != "start" {
		pr.Add("sort", "error.choice")
	}
	if err := pr.Err(); err != nil {
		return ctip.Page[*Campaign]{}, err
	}
	f.Today = s.today()
	return s.Store.ListCampaignPage(ctx, f, p.Normalize())
}

// Campaign returns one campaign (its edit form).
func (s *Service) Campaign(ctx context.Context, id ctip.ID) (*Campaign, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !canSeeCampaigns(a) {
		return nil, ctip.ErrForbidden()
	}
	return s.Store.GetCampaign(ctx, id)
}

// Summary is a campaign's results in its window against its targets.
type Summary struct {
	Campaign *Campaign
	Actual   Tally
	Rows     []SummaryRow
	Scope    string // "province" or "unit"
}

// SummaryRow is one measure of a campaign.
type SummaryRow struct {
	Key     string // "intake_items", …
	Target  int
	Actual  int
	Percent int // actual / target, 0 when no target
}

// CampaignSummary counts, in the campaign's window, the crime information
// received, the cases instituted, the persons charged, the rings broken up
// (cases flagged "ring") and the victims rescued — against the targets.
// Statistics readers and the procuracy's oversight see the province; others
// their scope.
func (s *Service) CampaignSummary(ctx context.Context, id ctip.ID) (*Summary, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !canSeeCampaigns(a) {
		return nil, ctip.ErrForbidden()
	}
	c, err := s.Store.GetCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	scope := ctip.VisibleScope(a, ctip.PermCaseOversight)
	label := "unit"
	if a.Can(ctip.PermStatsRead) || a.Can(ctip.PermCampaigns) && a.Can(ctip.PermLeaderSubtree) && a.UnitPath != "" && pathDepth(a.UnitPath) <= 1 {
		scope = ctip.Scope{All: true}
	}
	if scope.All {
		label = "province"
	}
	t, err := s.Store.CampaignTally(ctx, c.StartsOn, c.EndsOn, scope)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Campaign: c, Actual: t, Scope: label}
	for _, r := range []struct {
		k    string
		t, a int
	}{{"intake_items", c.Targets.Intake, t.Intake}, {"cases_instituted", c.Targets.Cases, t.Cases}, {"accused", c.Targets.Accused, t.Accused},
		{"rings_broken", c.Targets.Rings, t.Rings}, {"victims_rescued", c.Targets.Rescued, t.Rescued}} {
		row := SummaryRow{Key: r.k, Target: r.t, Actual: r.a}
		if r.t > 0 {
			row.Percent = r.a * 100 / r.t
		}
		sum.Rows = append(sum.Rows, row)
	}
	return sum, nil
}

// pathDepth returns the depth of a unit path ("/a/" → 1): a root unit's
// leaders (the provincial police) see the province's campaign results.
func pathDepth(path string) int {
	n := 0
	for _, r := range path {
		if r == '/' {
			n++
		}
	}
	return n - 1
}

// Totals is what CampaignSummary counts, over a period without a campaign
// (the start page's "this year so far").
type Totals struct {
	From, To ctip.Date
	Tally    Tally
	Scope    string // "province" or "unit"
}

// YearTotals counts, from 1 January to today, the crime information
// received, the cases instituted, the persons charged, the rings broken up
// and the victims rescued: aggregate counts without personal data, over
// the province for statistics readers (the same scope rule as
// CampaignSummary).
func (s *Service) YearTotals(ctx context.Context) (*Totals, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !canSeeCampaigns(a) {
		return nil, ctip.ErrForbidden()
	}
	today := s.today()
	t := &Totals{From: ctip.NewDate(today.Year, 1, 1), To: today, Scope: "unit"}
	scope := ctip.VisibleScope(a, ctip.PermCaseOversight)
	if a.Can(ctip.PermStatsRead) || a.Can(ctip.PermCampaigns) && a.Can(ctip.PermLeaderSubtree) && a.UnitPath != "" && pathDepth(a.UnitPath) <= 1 {
		scope = ctip.Scope{All: true}
	}
	if scope.All {
		t.Scope = "province"
	}
	t.Tally, err = s.Store.CampaignTally(ctx, t.From, t.To, scope)
	return t, err
}

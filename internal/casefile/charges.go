package casefile

import (
	"context"
	"slices"
	"strings"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/legal"
	"ctip/internal/notify"
)

// Changing or supplementing a decision to institute proceedings (thay đổi,
// bổ sung quyết định khởi tố): of the case, CPC Art. 156; against an
// accused, CPC Art. 180. LEGAL.md names the consequence only (§2.2
// implementation rule: when charges change, recompute the category and every
// deadline); the rest is from the CPC 2015 text and marked S there until
// LEGAL.md cites it:
//
//   - the decision is changed when the crime instituted does not match the
//     act committed, supplemented when there is another crime (Arts 156, 180);
//   - the investigating body decides during the investigation; the procuracy
//     may decide itself, during the investigation (when the investigating body
//     did not act on its request) and during prosecution (Arts 156, 180);
//   - within 24 hours the investigating body sends its decision to the
//     procuracy (Art. 156: to supervise it; Art. 180: for approval, phê
//     chuẩn), and the procuracy sends its own to the investigating body.
//
// The case category is recomputed over the charges in force (the most
// serious drives, a U design assumption, LEGAL.md §2.2), and with it every
// clock that depends on it: the stage's limit and the accused's detention.

// The two decisions.
const (
	// ChargeChange — thay đổi: the new list replaces the charges.
	ChargeChange = "change"
	// ChargeSupplement — bổ sung: the charges are added to those in force.
	ChargeSupplement = "supplement"
)

// ChargeOps lists the decisions.
var ChargeOps = []string{ChargeChange, ChargeSupplement}

// ChargeBasis is the article of a change of the case's decision (Art. 156)
// or of an accused's (Art. 180).
func ChargeBasis(accused bool, english bool) string {
	switch {
	case accused && english:
		return "CPC Art. 180"
	case accused:
		return "BLTTHS Điều 180"
	case english:
		return "CPC Art. 156"
	}
	return "BLTTHS Điều 156"
}

// chargeStages are the stages in which a decision to institute may be
// changed or supplemented, by body (Arts 156, 180).
var chargeStages = map[Body][]Stage{
	BodyInvestigating: {Investigating, Resumed, Supplementary},
	BodyProcuracy:     {Investigating, Resumed, Supplementary, Prosecution},
}

// ChargeBody returns the body as which an actor may change or supplement
// the case's charges now, or an error: Forbidden when the actor's unit may
// not, Conflict (naming the articles) when the stage does not allow it.
func ChargeBody(a *ctip.Actor, c *Case) (Body, error) {
	var body Body
	switch {
	case CanWrite(a, c):
		body = BodyInvestigating
	case canAs(a, c, ctip.PermCaseProcuracy) && BodyOfUnit(a.UnitKind) == BodyProcuracy:
		body = BodyProcuracy
	default:
		return "", ctip.ErrForbidden()
	}
	if !slices.Contains(chargeStages[body], c.Stage) {
		return "", ctip.Errorf(ctip.Conflict, "case.charges_stage", ctip.Text{VI: "BLTTHS Điều 156, 180", EN: "CPC Arts 156, 180"})
	}
	return body, nil
}

// ClockChange is one running clock recomputed by a change of charges.
type ClockChange struct {
	Kind    string // a legal.Stage or a measure type
	Old     ctip.Date
	New     ctip.Date
	Basis   string
	BasisEN string
	// Trimmed: extensions granted under the former category exceed what the
	// new one allows; the clock counts only those it allows.
	Trimmed bool
}

// ChargeDetail is what a change of charges records on the timeline: the
// charges in force after it, the category before and after, and the clocks
// it moved.
type ChargeDetail struct {
	Charges []legal.Charge
	From    legal.Category
	To      legal.Category
	Clocks  []ClockChange
}

// Format encodes the detail ("charges|from|to|kind~old~new~basis~basisEN~t|…").
func (d ChargeDetail) Format() string {
	parts := []string{FormatCharges(d.Charges), string(d.From), string(d.To)}
	for _, k := range d.Clocks {
		t := ""
		if k.Trimmed {
			t = "t"
		}
		parts = append(parts, strings.Join([]string{k.Kind, k.Old.String(), k.New.String(), k.Basis, k.BasisEN, t}, "~"))
	}
	return strings.Join(parts, "|")
}

// ParseChargeDetail reads Format's encoding.
func ParseChargeDetail(s string) ChargeDetail {
	parts := strings.Split(s, "|")
	var d ChargeDetail
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	d.Charges, d.From, d.To = ParseCharges(parts[0]), legal.Category(parts[1]), legal.Category(parts[2])
	for _, p := range parts[3:] {
		f := strings.Split(p, "~")
		if len(f) != 6 {
			continue
		}
		old, _ := ctip.ParseDate(f[1])
		nw, _ := ctip.ParseDate(f[2])
		d.Clocks = append(d.Clocks, ClockChange{Kind: f[0], Old: old, New: nw, Basis: f[3], BasisEN: f[4], Trimmed: f[5] == "t"})
	}
	return d
}

// ChargeDetail returns the detail of a change of charges (nil for other events).
func (e Event) ChargeDetail() *ChargeDetail {
	if !strings.HasSuffix(e.Action, "_charges") {
		return nil
	}
	d := ParseChargeDetail(e.Detail)
	return &d
}

// FitExtensions keeps of the granted extensions those a rule allows: at
// most as many as it has, each at most its maximum. A change of charges to
// a less serious crime can leave a clock with more extension than the new
// category allows; the clock then counts what the law allows for it (and
// may be overdue at once). trimmed reports whether anything was cut.
func FitExtensions(r legal.TimeRule, p legal.Policy, cal *legal.Calendar, start ctip.Date, granted []legal.Period) (fit []legal.Period, trimmed bool) {
	for i, g := range granted {
		if i >= len(r.Extensions) {
			return fit, true
		}
		if _, err := r.Limit(p, cal, start, append(slices.Clone(fit), g)...); err != nil {
			fit, trimmed = append(fit, r.Extensions[i].Max), true
			continue
		}
		fit = append(fit, g)
	}
	return fit, trimmed
}

// stageOfMeasure is the time rule's stage of a measure with extensions.
// Only detention depends on the category (custody, Art. 118, does not).
func stageOfMeasure(t MeasureType) legal.Stage {
	if t == Detention {
		return legal.StageDetention
	}
	return ""
}

// ChargeInput is a decision changing or supplementing the decision to
// institute proceedings, of the case or of one accused.
type ChargeInput struct {
	Op        string
	AccusedID ctip.NullID // the accused (Art. 180); none: the case (Art. 156)
	// Charges: for a change, the full list in force afterwards; for a
	// supplement, the charges added.
	Charges        []legal.Charge
	DocumentNumber string
	DocumentDate   ctip.Date
	Signer         string
	Reason         string
}

// ChangeCharges records a decision changing or supplementing the decision
// to institute proceedings (CPC Arts 156, 180): the charges change, the
// category is recomputed by the rules in force, and so is every running
// clock that depends on it; the timeline records the decision with the
// clocks it moved, and the other body is notified (within 24 hours, Arts
// 156, 180) in the same transaction.
func (s *Service) ChangeCharges(ctx context.Context, id ctip.ID, version int, in ChargeInput) (*View, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	body, err := ChargeBody(a, c)
	if err != nil {
		return nil, err
	}
	if c.Version != version {
		return nil, ctip.ErrStale()
	}
	accused, err := s.Store.CaseAccused(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	measures, err := s.Store.CaseMeasures(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var x *Accused
	if in.AccusedID.Valid {
		for _, y := range accused {
			if y.ID == in.AccusedID.ID {
				x = y
			}
		}
		if x == nil {
			return nil, ctip.ErrNotFound()
		}
		if x.Status != AccusedActive && x.Status != AccusedSuspended {
			return nil, ctip.Errorf(ctip.Conflict, "case.charges_accused_status", string(x.Status), "BLTTHS Điều 180")
		}
	}
	basis := ChargeBasis(x != nil, false)
	var p ctip.Problems
	if !slices.Contains(ChargeOps, in.Op) {
		p.Add("op", "error.choice")
	}
	in.Reason = clean(in.Reason)
	if in.Reason == "" {
		p.Add("reason", "error.required")
	}
	tooLong(&p, "reason", in.Reason, MaxNote)
	since := c.InstitutedOn
	if x != nil {
		since = x.ChargedOn
	}
	ai := ActionInput{DocumentNumber: in.DocumentNumber, DocumentDate: in.DocumentDate, Signer: in.Signer}
	s.decision(&p, &ai, &Case{StageSince: since}, basis)
	on := c.OffenceOn
	if on.IsZero() {
		on = c.InstitutedOn
	}
	current := c.Charges
	if x != nil {
		current = x.Charges
	}
	s.validateCharges(&p, "charges", on, in.Charges)
	var next []legal.Charge
	if !p.Has("charges") && !hasPrefixed(p, "charges.") {
		switch in.Op {
		case ChargeSupplement:
			for i, ch := range in.Charges {
				if slices.Contains(current, ch) {
					p.Add("charges."+itoa(i)+".clause", "case.charge_in_force", ch.Article, ch.Clause)
				}
			}
			next = append(slices.Clone(current), in.Charges...)
			if len(next) > MaxCharges {
				p.Add("charges", "error.max", MaxCharges)
			}
		case ChargeChange:
			if sameCharges(current, in.Charges) {
				p.Add("charges", "case.charges_unchanged", basis)
			}
			next = slices.Clone(in.Charges)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}

	// The clocks before, then the charges, the category and the clocks after.
	before, _ := Clocks(c, accused, measures, s.Policy, s.cal())
	fromCat := c.Category
	if x != nil {
		fromCat = x.Category
		x.Charges = next
		x.Category, _ = s.catalogue().CaseCategory(on, next...)
	} else {
		c.Charges = next
	}
	c.Category = Category(&Case{Category: s.caseChargesCategory(c)}, accused)
	toCat := c.Category
	if x != nil {
		toCat = x.Category
	}
	trimmed := map[string]bool{}
	if r, ok := s.clockRule(c); ok {
		if fit, cut := FitExtensions(r, s.Policy, s.cal(), c.ClockStart, c.ClockExt); cut {
			c.ClockExt, trimmed[string(c.ClockKind)] = fit, true
		}
	}
	cats := map[ctip.ID]legal.Category{}
	for _, y := range accused {
		cats[y.ID] = y.Category
	}
	for _, m := range measures {
		st := stageOfMeasure(m.Type)
		if !m.Running() || st == "" || len(m.Ext) == 0 {
			continue
		}
		cat := cats[m.AccusedID]
		if cat == "" {
			cat = c.Category
		}
		r, err := legal.DefaultProcedure().Rule(s.Policy, m.StartOn, st, cat)
		if err != nil {
			continue
		}
		if fit, cut := FitExtensions(r, s.Policy, s.cal(), m.StartOn, m.Ext); cut {
			m.Ext, trimmed[m.ID.String()] = fit, true
		}
	}
	after, err := Clocks(c, accused, measures, s.Policy, s.cal())
	if err != nil {
		return nil, fieldErr(err, "charges")
	}
	detail := ChargeDetail{Charges: next, From: fromCat, To: toCat}
	for _, k := range after {
		key := k.Kind
		if k.MeasureID.Valid {
			key = k.MeasureID.ID.String()
		}
		old := ctip.Date{}
		for _, b := range before {
			if b.Kind == k.Kind && b.MeasureID == k.MeasureID {
				old = b.Due
			}
		}
		if old != k.Due || trimmed[key] {
			detail.Clocks = append(detail.Clocks, ClockChange{Kind: k.Kind, Old: old, New: k.Due, Basis: k.Basis, BasisEN: k.BasisEN, Trimmed: trimmed[key]})
		}
	}

	now := s.now()
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName, Action: in.Op + "_charges",
		Body: body, FromStage: c.Stage, ToStage: c.Stage, DocumentNumber: ai.DocumentNumber, DocumentDate: ai.DocumentDate, Signer: ai.Signer,
		Note: in.Reason, Detail: detail.Format()}
	w := Write{Case: c, OldVersion: version}
	fields := []string{"charges"}
	if x != nil {
		ev.AccusedID = ctip.Some(x.ID)
		w.Accused = []*Accused{x}
		fields = []string{"accused.charges"}
	}
	w.Notifications, err = s.chargeNotices(ctx, c, body, ev, x != nil)
	if err != nil {
		return nil, err
	}
	return s.save(ctx, a, w, accused, measures, []Event{ev}, "case."+in.Op+"_charges", fields)
}

// chargeNotices are the notifications of a change of charges: the
// investigating body's decision goes to the supervising procuracy's
// procurators and leaders, the procuracy's to the case's investigators and
// the investigating unit's leaders (Arts 156, 180: within 24 hours).
func (s *Service) chargeNotices(ctx context.Context, c *Case, body Body, ev Event, accused bool) ([]notify.Notification, error) {
	if s.Notify == nil {
		return nil, nil
	}
	var users []ctip.ID
	var err error
	switch body {
	case BodyInvestigating:
		if !c.ProcuracyUnitID.Valid {
			return nil, nil
		}
		users, err = s.Notify.Store.UsersWithRoles(ctx, c.ProcuracyUnitID.ID, []string{auth.RoleProcurator, auth.RoleLeader})
	case BodyProcuracy:
		for _, o := range c.Officers {
			users = append(users, o.UserID)
		}
		var leaders []ctip.ID
		leaders, err = s.Notify.Store.UsersWithRoles(ctx, c.UnitID, []string{auth.RoleLeader})
		users = append(users, leaders...)
	}
	if err != nil {
		return nil, err
	}
	key := "case.notify.charges_" + string(body)
	var out []notify.Notification
	seen := map[ctip.ID]bool{}
	for _, u := range users {
		if seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, notify.Notification{ID: ctip.NewID(), UserID: u, Kind: "decision", Key: key,
			Args: []string{c.Reference, ev.DocumentNumber, ev.DocumentDate.Format(), ChargeBasis(accused, false)}, Link: "/cases/" + c.ID.String() + "#timeline",
			RecordType: "case", RecordID: c.ID.String(), DedupKey: "charges:" + ev.ID.String(), CreatedAt: ev.At})
	}
	return out, nil
}

func hasPrefixed(p ctip.Problems, prefix string) bool {
	for _, f := range p {
		if strings.HasPrefix(f.Field, prefix) {
			return true
		}
	}
	return false
}

// sameCharges reports whether two charge lists hold the same charges (in any order).
func sameCharges(a, b []legal.Charge) bool {
	if len(a) != len(b) {
		return false
	}
	for _, ch := range a {
		if !slices.Contains(b, ch) {
			return false
		}
	}
	return true
}

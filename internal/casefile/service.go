package casefile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/filetype"
	"ctip/internal/intake"
	"ctip/internal/legal"
	"ctip/internal/notify"
	"ctip/internal/person"
)

// Places validates place codes (internal/geo).
type Places interface {
	CommuneProvince(code string) (province string, ok bool)
	ProvinceExists(code string) bool
}

// Service implements criminal cases. Every method takes the actor from the
// context, checks the permission and the record's scope, validates, applies
// the rules and writes the change, its timeline events and its audit event
// in one transaction (optimistic locking on the case's version).
type Service struct {
	Store     Store
	Directory Directory
	Intake    IntakeSource
	Places    Places
	Notify    *notify.Service
	Registry  Registry // the person registry: accused and parties are registry persons
	Catalogue legal.Catalogue
	Clock     ctip.Clock
	Policy    legal.Policy
	// Calendar returns the working-day calendar in force.
	Calendar func() *legal.Calendar
	// Settings returns the module's settings in force.
	Settings func(ctx context.Context) Settings
	// MaxAttachment is the largest document accepted, in bytes.
	MaxAttachment int64
}

// Limits on free text (characters).
const (
	MaxSummary = 4000
	MaxNote    = 2000
	MaxShort   = 200
	MaxCharges = 10
)

func (s *Service) now() time.Time   { return s.Clock.Now() }
func (s *Service) today() ctip.Date { return ctip.DateOf(s.now()) }

func (s *Service) cal() *legal.Calendar {
	if s.Calendar == nil {
		return legal.NewCalendar()
	}
	return s.Calendar()
}

func (s *Service) settings(ctx context.Context) Settings {
	if s.Settings == nil {
		return DefaultSettings()
	}
	return s.Settings(ctx)
}

func (s *Service) catalogue() legal.Catalogue {
	if len(s.Catalogue.Versions) == 0 {
		return legal.DefaultCatalogue()
	}
	return s.Catalogue
}

func actorOf(ctx context.Context) (*ctip.Actor, error) {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	return a, nil
}

func clean(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\x00", "")) }

func tooLong(p *ctip.Problems, field, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		p.Add(field, "error.too_long", n)
	}
}

var idRe = regexp.MustCompile(`^(\d{9}|\d{12}|[A-Z][0-9]{7,8}|[A-Z0-9]{6,20})$`)

// rulesStart is the day the 2015 codes took effect: no rules before it.
var rulesStart = ctip.Date{Year: 2018, Month: 1, Day: 1}

// ---------- scope ----------

// CanWrite reports whether the actor's unit investigates the case: the
// owning unit itself, or a leader above it.
func CanWrite(a *ctip.Actor, c *Case) bool {
	if a == nil || !a.Can(ctip.PermCaseWrite) {
		return false
	}
	if a.UnitID == c.UnitID {
		return true
	}
	return a.Can(ctip.PermLeaderSubtree) && a.UnitPath != "" && strings.HasPrefix(c.UnitPath, a.UnitPath)
}

// canAs reports whether the actor may record a decision of a body on the case.
func canAs(a *ctip.Actor, c *Case, perm ctip.Permission) bool {
	if !a.Can(perm) {
		return false
	}
	switch perm {
	case ctip.PermCaseWrite:
		return CanWrite(a, c)
	case ctip.PermCaseCourt:
		return c.CourtUnitID.Valid && (a.UnitID == c.CourtUnitID.ID || slices.Contains(c.SharedWith, a.UnitID))
	}
	return true // the procuracy: supervising any case it may see
}

func (s *Service) load(ctx context.Context, a *ctip.Actor, id ctip.ID) (*Case, error) {
	c, err := s.Store.GetCase(ctx, id)
	if err != nil {
		if ctip.IsKind(err, ctip.NotFound) {
			s.denied(ctx, a, id)
		}
		return nil, err
	}
	if !a.Can(ctip.PermCaseRead) || !ctip.VisibleScope(a, ctip.PermCaseOversight).Sees(c.UnitID, c.UnitPath, c.SharedWith) {
		s.denied(ctx, a, id)
		return nil, ctip.ErrNotFound()
	}
	return c, nil
}

// loadAs reads a case for the actor of ctx, as load.
func (s *Service) loadAs(ctx context.Context, id ctip.ID) (*ctip.Actor, *Case, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.load(ctx, a, id)
	return a, c, err
}

func (s *Service) denied(ctx context.Context, a *ctip.Actor, id ctip.ID) {
	ev := ctip.NewAuditEvent(a, s.now(), "case.access_denied", "case", id)
	s.Store.AppendAudit(ctx, ev)
}

// ---------- create ----------

// Input is a new case: the decision to institute it (CPC Art. 154).
type Input struct {
	InstitutionNumber string
	Signer            string
	InstitutedOn      ctip.Date
	OffenceOn         ctip.Date
	Charges           []legal.Charge
	Summary           string
	ProvinceCode      string
	CommuneCode       string
	ProcuracyUnitID   ctip.NullID
	OfficerIDs        []ctip.ID
	LeadOfficerID     ctip.NullID
	IntakeItemID      ctip.NullID
	Ring              bool
}

// validateCharges checks each charge against the Penal Code catalogue in
// force on the day and returns the most serious category.
func (s *Service) validateCharges(p *ctip.Problems, field string, on ctip.Date, charges []legal.Charge) legal.Category {
	if len(charges) == 0 {
		p.Add(field, "legal.no_charges")
		return ""
	}
	if len(charges) > MaxCharges {
		p.Add(field, "error.max", MaxCharges)
		return ""
	}
	var cats []legal.Category
	seen := map[string]bool{}
	for i, ch := range charges {
		ch.Article, ch.Clause, ch.Point = clean(ch.Article), clean(ch.Clause), strings.ToLower(clean(ch.Point))
		charges[i] = ch
		f := field + "." + itoa(i)
		if ch.Article == "" {
			p.Add(f+".article", "error.required")
			continue
		}
		if ch.Clause == "" {
			p.Add(f+".clause", "error.required")
			continue
		}
		if seen[ch.Article+"/"+ch.Clause+"/"+ch.Point] {
			p.Add(f+".clause", "case.charge_twice", ch.Article, ch.Clause)
			continue
		}
		seen[ch.Article+"/"+ch.Clause+"/"+ch.Point] = true
		_, cat, err := s.catalogue().ChargeCategory(on, ch)
		if err != nil {
			var ce *ctip.Error
			if errors.As(err, &ce) {
				sub := ".clause"
				switch ce.Key {
				case legal.KeyUnknownArticle:
					sub = ".article"
				case legal.KeyUnknownPoint:
					sub = ".point"
				case legal.KeyNoRulesInForce:
					p.Add("offence_on", ce.Key, ce.Args...)
					continue
				}
				p.Add(f+sub, ce.Key, ce.Args...)
				continue
			}
			p.Add(f+".article", "error.invalid")
			continue
		}
		if utf8.RuneCountInString(ch.Point) > 2 {
			p.Add(f+".point", "error.too_long", 2)
		}
		cats = append(cats, cat)
	}
	return legal.MostSerious(cats...)
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}

func (s *Service) validateDate(p *ctip.Problems, field string, d ctip.Date, required bool) {
	switch {
	case d.IsZero():
		if required {
			p.Add(field, "error.required")
		}
	case d.After(s.today()):
		p.Add(field, "error.future")
	case d.Before(rulesStart):
		p.Add(field, "case.date_before_code")
	}
}

// Create institutes a case, directly (the investigating body's own
// detection) or from crime information decided `prosecute` (CPC Art.
// 147(1)(a)), linking both ways; allocates its number and starts the
// investigation clock (Art. 172) from the institution date.
func (s *Service) Create(ctx context.Context, in Input) (*Case, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermCaseWrite) {
		return nil, ctip.ErrForbidden()
	}
	if BodyOfUnit(a.UnitKind) != BodyInvestigating {
		return nil, ctip.Errorf(ctip.Forbidden, "case.not_investigating_body")
	}
	var p ctip.Problems
	in.InstitutionNumber, in.Signer, in.Summary = clean(in.InstitutionNumber), clean(in.Signer), clean(in.Summary)
	in.CommuneCode, in.ProvinceCode = clean(in.CommuneCode), clean(in.ProvinceCode)
	var item *intake.Item
	if in.IntakeItemID.Valid {
		it, err := s.Intake.GetItem(ctx, in.IntakeItemID.ID)
		switch {
		case err != nil || !a.Can(ctip.PermIntakeRead) || !intake.CanWrite(a, it):
			p.Add("intake_item_id", "case.intake_unknown")
		case it.Status != intake.Prosecuted:
			p.Add("intake_item_id", "case.intake_not_prosecuted")
		case it.CaseID.Valid:
			p.Add("intake_item_id", "case.intake_has_case")
		default:
			item = it
		}
	}
	if in.InstitutionNumber == "" {
		p.Add("institution_number", "error.required")
	}
	tooLong(&p, "institution_number", in.InstitutionNumber, 60)
	if in.Signer == "" {
		p.Add("signer", "error.required")
	}
	tooLong(&p, "signer", in.Signer, MaxShort)
	s.validateDate(&p, "instituted_on", in.InstitutedOn, true)
	if item != nil && !in.InstitutedOn.IsZero() && in.InstitutedOn.Before(item.ReceivedOn) {
		// The decision cannot precede the receipt of the information it resolves.
		p.Add("instituted_on", "case.date_before_previous", item.ReceivedOn.Format(), "BLTTHS Điều 147, 153")
	}
	if !in.OffenceOn.IsZero() {
		if in.OffenceOn.After(s.today()) {
			p.Add("offence_on", "error.future")
		} else if !in.InstitutedOn.IsZero() && in.OffenceOn.After(in.InstitutedOn) {
			p.Add("offence_on", "case.offence_after_institution")
		}
	}
	on := in.OffenceOn
	if on.IsZero() {
		on = in.InstitutedOn
	}
	var cat legal.Category
	if !on.IsZero() && !p.Has("instituted_on") {
		cat = s.validateCharges(&p, "charges", on, in.Charges)
	} else if len(in.Charges) == 0 {
		p.Add("charges", "legal.no_charges")
	}
	if in.Summary == "" {
		p.Add("summary", "error.required")
	}
	tooLong(&p, "summary", in.Summary, MaxSummary)
	if in.CommuneCode != "" && s.Places != nil {
		prov, ok := s.Places.CommuneProvince(in.CommuneCode)
		if !ok {
			p.Add("commune_code", "error.commune_code")
		} else {
			in.ProvinceCode = prov
		}
	} else if in.ProvinceCode != "" && s.Places != nil && !s.Places.ProvinceExists(in.ProvinceCode) {
		p.Add("province_code", "error.province_code")
	}
	c := &Case{ID: ctip.NewID(), UnitID: a.UnitID, UnitPath: a.UnitPath, UnitName: a.UnitName, CreatedBy: a.UserID,
		InstitutionNumber: in.InstitutionNumber, InstitutionSigner: in.Signer, InstitutedOn: in.InstitutedOn, OffenceOn: in.OffenceOn,
		Charges: in.Charges, Category: cat, Summary: in.Summary, ProvinceCode: in.ProvinceCode, CommuneCode: in.CommuneCode,
		Ring: in.Ring, IntakeItemID: in.IntakeItemID, Stage: Investigating, StageSince: in.InstitutedOn,
		ClockKind: legal.StageInvestigation, ClockStart: in.InstitutedOn, Dues: map[legal.Stage]ctip.Date{}, KeyAgreed: map[Body]ctip.Date{}, Version: 1}
	if in.ProcuracyUnitID.Valid {
		u, err := s.Directory.GetUnit(ctx, in.ProcuracyUnitID.ID)
		if err != nil || !u.Active || u.Kind != ctip.UnitProcuracy {
			p.Add("procuracy_unit_id", "case.procuracy_unit_invalid")
		} else {
			c.ProcuracyUnitID, c.ProcuracyName = ctip.Some(u.ID), u.Name
		}
	}
	s.officers(ctx, &p, c, in.OfficerIDs, in.LeadOfficerID)
	if err := p.Err(); err != nil {
		return nil, err
	}
	clocks, err := Clocks(c, nil, nil, s.Policy, s.cal())
	if err != nil {
		return nil, fieldErr(err, "charges")
	}
	now := s.now()
	c.CreatedAt, c.UpdatedAt = now, now
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName, Action: "institute",
		Body: BodyInvestigating, ToStage: Investigating, DocumentNumber: c.InstitutionNumber, DocumentDate: c.InstitutedOn,
		Signer: c.InstitutionSigner, Detail: FormatCharges(c.Charges)}
	w := Write{Case: c, Events: []Event{ev}, Clocks: clocks, Audit: ctip.NewAuditEvent(a, now, "case.create", "case", c.ID)}
	w.Audit.Fields = []string{"institution", "charges", "summary", "place", "officers"}
	if c.ProcuracyUnitID.Valid {
		w.Shares = append(w.Shares, c.ProcuracyUnitID.ID)
	}
	if item != nil {
		w.LinkIntake = ctip.Some(item.ID)
		w.Audit.Fields = append(w.Audit.Fields, "intake:"+item.ID.String())
	}
	if err := s.Store.WriteCase(ctx, w); err != nil {
		return nil, err
	}
	return c, nil
}

// officers validates the assigned investigators: active users of the
// investigating unit holding the investigator or leader role.
func (s *Service) officers(ctx context.Context, p *ctip.Problems, c *Case, ids []ctip.ID, lead ctip.NullID) {
	c.Officers = nil
	for _, id := range ids {
		if slices.ContainsFunc(c.Officers, func(o Officer) bool { return o.UserID == id }) {
			continue
		}
		u, err := s.Directory.GetUser(ctx, id)
		if err != nil || u.Disabled || u.UnitID != c.UnitID || !(slices.Contains(u.Roles, auth.RoleInvestigator) || slices.Contains(u.Roles, auth.RoleLeader)) {
			p.Add("officers", "case.officer_invalid")
			return
		}
		c.Officers = append(c.Officers, Officer{UserID: u.ID, Name: u.DisplayName, Lead: lead.Valid && lead.ID == u.ID})
	}
	if len(c.Officers) > 0 && !slices.ContainsFunc(c.Officers, func(o Officer) bool { return o.Lead }) {
		c.Officers[0].Lead = true
	}
}

// fieldErr re-labels a legal-rule error onto a form field.
func fieldErr(err error, field string) error {
	var ce *ctip.Error
	if errors.As(err, &ce) && ce.Kind == ctip.Invalid && len(ce.Fields) == 0 {
		return &ctip.Error{Kind: ctip.Invalid, Key: "error.invalid", Fields: []ctip.FieldError{{Field: field, Key: ce.Key, Args: ce.Args}}}
	}
	return err
}

// ---------- read ----------

// ClockView is a running clock as shown: days left, state, the last day
// to ask for an extension, and a key case's internal target.
type ClockView struct {
	Clock
	DaysLeft  int
	State     DeadlineState
	RequestBy ctip.Date // extension request limit (Arts 172, 173: 10 days); zero when none
	Target    ctip.Date // key case's internal target; zero when none
	Accused   string    // the accused's name, for measures
	Counting  string    // how its days are counted (Counting)
	Label     string    // DueLabel: "ok", "due_soon", "today", "overdue"
	Days      int       // days left, or overdue, as a positive number
}

// View is a case as one actor may see it, with what they may do.
type View struct {
	Case        *Case
	Accused     []*Accused
	Measures    []*Measure
	Parties     []*Party
	Events      []Event
	Attachments []*Attachment
	Clocks      []ClockView
	Allowed     []Action
	CanWrite    bool // investigating body: accused, measures, parties
	CanMeasure  bool // the holder may apply and extend measures
	CanNote     bool
	KeyOps      []string // "propose", "agree", "withdraw"
	MyBody      Body
	Holder      Body
	// NextExtension is the longest the running stage clock's next
	// extension may be (zero: none left).
	NextExtension legal.Period
	// CanCharge: the actor may change or supplement the decisions to
	// institute proceedings now (CPC Arts 156, 180; ChargeBody).
	CanCharge bool
	// MeasureChoices: for each active accused, the new measures valid now;
	// Extensions: for each running measure, whether it may be extended.
	MeasureChoices map[ctip.ID][]MeasureChoice
	Extensions     map[ctip.ID]ExtensionChoice
	// DetentionOrders: the accused who need a detention order of the body
	// now in charge (DetentionOrderNeeded), with the measure it orders.
	DetentionOrders map[ctip.ID]MeasureType
}

// Get returns a case with everything on its page.
func (s *Service) Get(ctx context.Context, id ctip.ID) (*View, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, a, c)
}

func (s *Service) view(ctx context.Context, a *ctip.Actor, c *Case) (*View, error) {
	v := &View{Case: c}
	var err error
	if v.Accused, err = s.Store.CaseAccused(ctx, c.ID); err != nil {
		return nil, err
	}
	if v.Measures, err = s.Store.CaseMeasures(ctx, c.ID); err != nil {
		return nil, err
	}
	if v.Parties, err = s.Store.CaseParties(ctx, c.ID); err != nil {
		return nil, err
	}
	if v.Events, err = s.Store.CaseEvents(ctx, c.ID); err != nil {
		return nil, err
	}
	if v.Attachments, err = s.Store.CaseAttachments(ctx, c.ID); err != nil {
		return nil, err
	}
	today := s.today()
	clocks, err := Clocks(c, v.Accused, v.Measures, s.Policy, s.cal())
	if err != nil {
		clocks, _ = s.Store.CaseClocks(ctx, c.ID)
	}
	names := map[ctip.ID]string{}
	for _, x := range v.Accused {
		names[x.ID] = x.Person.Name
	}
	pct := s.settings(ctx).KeyTargetPercent
	for _, k := range clocks {
		cv := ClockView{Clock: k, DaysLeft: today.DaysUntil(k.Due), State: StateOf(k.Due, today)}
		cv.Label, cv.Days = DueLabel(k.Due, today)
		var orderEnd ctip.Date
		if k.AccusedID.Valid {
			cv.Accused = names[k.AccusedID.ID]
		}
		for _, m := range v.Measures {
			if k.MeasureID.Valid && m.ID == k.MeasureID.ID {
				orderEnd = m.OrderEnd
			}
		}
		cv.Counting = Counting(k, orderEnd, s.Policy)
		if k.Kind == string(legal.StageInvestigation) || k.Kind == string(Detention) {
			cv.RequestBy = legal.RequestBy(legal.Limit{Due: k.Due}, 10)
		}
		if !k.AccusedID.Valid && c.KeyStatus() != KeyNone {
			cv.Target = KeyTarget(legal.Limit{Start: k.Start, Due: k.Due}, pct)
		}
		v.Clocks = append(v.Clocks, cv)
	}
	v.NextExtension = s.nextExtension(c)
	v.Holder = Holder(c.Stage)
	if c.Stage == Suspended || c.Stage == Terminated {
		v.Holder = Holder(c.SuspendedFrom)
	}
	for _, act := range Actions {
		if s.permitted(a, c, act) == nil {
			v.Allowed = append(v.Allowed, act)
		}
	}
	v.CanWrite = CanWrite(a, c) && !c.Stage.Closed()
	v.CanMeasure = !c.Stage.Closed() && canAs(a, c, PermOf(v.Holder))
	v.CanNote = CanWrite(a, c) || canAs(a, c, ctip.PermCaseProcuracy) || canAs(a, c, ctip.PermCaseCourt)
	_, cerr := ChargeBody(a, c)
	v.CanCharge = cerr == nil
	v.MeasureChoices, v.Extensions = map[ctip.ID][]MeasureChoice{}, map[ctip.ID]ExtensionChoice{}
	cats := map[ctip.ID]legal.Category{}
	for _, x := range v.Accused {
		cats[x.ID] = x.Category
		if x.Status == AccusedActive {
			v.MeasureChoices[x.ID] = NewMeasureChoices(c, x, v.Measures, s.catalogue(), s.Policy, today)
		}
	}
	for _, m := range v.Measures {
		if m.Running() && (m.Type == Custody || m.Type == Detention) {
			v.Extensions[m.ID] = MeasureExtension(m, cats[m.AccusedID], c, s.Policy, today)
		}
	}
	v.DetentionOrders = map[ctip.ID]MeasureType{}
	own, _, _ := StageDetentionType(c.Stage)
	for _, id := range DetentionOrderNeeded(c, v.Accused, v.Measures) {
		v.DetentionOrders[id] = own
	}
	v.MyBody = BodyOfUnit(a.UnitKind)
	for _, op := range []string{"propose", "agree", "withdraw"} {
		if s.keyPermitted(a, c, op) == nil {
			v.KeyOps = append(v.KeyOps, op)
		}
	}
	return v, nil
}

// ---------- stage actions ----------

// nextExtension returns the maximum of the running clock's next extension
// (zero when it allows no more).
func (s *Service) nextExtension(c *Case) legal.Period {
	r, ok := s.clockRule(c)
	if !ok || len(c.ClockExt) >= len(r.Extensions) {
		return legal.Period{}
	}
	return r.Extensions[len(c.ClockExt)].Max
}

// maxExtensions returns how many extensions the running clock allows.
func (s *Service) maxExtensions(c *Case) int {
	r, ok := s.clockRule(c)
	if !ok {
		return 0
	}
	return len(r.Extensions)
}

// clockRule is the time rule of the running stage clock, for the stages
// that may be extended.
func (s *Service) clockRule(c *Case) (legal.TimeRule, bool) {
	var st legal.Stage
	switch c.Stage {
	case Investigating:
		st = legal.StageInvestigation
	case Resumed:
		st = legal.StageResumedInvestigation
	case Prosecution:
		st = legal.StageProsecution
	case TrialPreparation:
		if c.ClockKind != legal.StageTrialPreparation {
			return legal.TimeRule{}, false
		}
		st = legal.StageTrialPreparation
	default:
		return legal.TimeRule{}, false
	}
	r, err := legal.DefaultProcedure().Rule(s.Policy, c.ClockStart, st, c.Category)
	return r, err == nil
}

// permitted checks permission, scope, the transition table and the counters.
func (s *Service) permitted(a *ctip.Actor, c *Case, act Action) error {
	r, ok := Rules[act]
	if !ok {
		return ctip.Errorf(ctip.Invalid, "case.action_unknown")
	}
	allowed := false
	for _, p := range r.perms(c) {
		if canAs(a, c, p) {
			allowed = true
		}
	}
	if !allowed {
		return ctip.ErrForbidden()
	}
	if !Allowed(act, c.Stage) {
		return ctip.Errorf(ctip.Conflict, "case.transition_refused", ctip.Label("case.act."+string(act)), ctip.Label("case.stage."+string(c.Stage)), citeOf(act, c))
	}
	switch act {
	case ActExtendInvestigation, ActExtendResumed, ActExtendProsecution, ActExtendTrialPreparation:
		if len(c.ClockExt) >= s.maxExtensions(c) {
			return ctip.Errorf(ctip.Conflict, "case.extensions_exhausted", s.maxExtensions(c), r.Basis)
		}
	case ActPostponeHearing:
		if len(c.ClockExt) > 0 {
			return ctip.Errorf(ctip.Conflict, "case.extensions_exhausted", 1, r.Basis)
		}
	case ActReturnProcuracy:
		if c.ReturnsProcuracy >= 2 {
			return ctip.Errorf(ctip.Conflict, "case.returns_exhausted", 2, r.Basis)
		}
	case ActReturnJudge:
		if c.ReturnsJudge >= 1 {
			return ctip.Errorf(ctip.Conflict, "case.returns_exhausted", 1, r.Basis)
		}
	case ActReturnPanel:
		if c.ReturnsPanel >= 1 {
			return ctip.Errorf(ctip.Conflict, "case.returns_exhausted", 1, r.Basis)
		}
	case ActResume:
		if c.SuspendedFrom == "" {
			return ctip.Errorf(ctip.Conflict, "case.transition_refused", string(act), string(c.Stage), r.Basis)
		}
	}
	return nil
}

// Permitted tells whether the actor may take an action on a case now.
func (s *Service) Permitted(ctx context.Context, c *Case, act Action) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	return s.permitted(a, c, act)
}

// VerdictInput is the first-instance judgment for one defendant.
type VerdictInput struct {
	AccusedID      ctip.ID
	Verdict        string
	SentenceType   string
	SentenceMonths int
}

// ActionInput carries what a decision records.
type ActionInput struct {
	DocumentNumber string
	DocumentDate   ctip.Date
	Signer         string
	Note           string
	Months         int
	Days           int
	Ground         string
	ReceivedOn     ctip.Date   // conclude: the procuracy receives the file; returns: the investigating body receives it back; accept: thụ lý
	CourtUnitID    ctip.NullID // indict
	HearingOn      ctip.Date   // bring_to_trial: the planned hearing day
	Verdicts       []VerdictInput
}

func (s *Service) decision(p *ctip.Problems, in *ActionInput, c *Case, basis any) {
	in.DocumentNumber, in.Signer, in.Note, in.Ground = clean(in.DocumentNumber), clean(in.Signer), clean(in.Note), clean(in.Ground)
	if in.DocumentNumber == "" {
		p.Add("document_number", "error.required")
	}
	tooLong(p, "document_number", in.DocumentNumber, 60)
	if in.Signer == "" {
		p.Add("signer", "error.required")
	}
	tooLong(p, "signer", in.Signer, MaxShort)
	tooLong(p, "note", in.Note, MaxNote)
	s.validateDate(p, "document_date", in.DocumentDate, true)
	// A decision cannot be dated before the decision that opened the stage.
	if !in.DocumentDate.IsZero() && !p.Has("document_date") && in.DocumentDate.Before(c.StageSince) {
		p.Add("document_date", "case.date_before_previous", c.StageSince.Format(), basis)
	}
}

// lastDecision returns the case-level stage decision with the latest
// document date (not the decisions about one accused or a measure).
func lastDecision(evs []Event) (Event, bool) {
	var last Event
	found := false
	for _, e := range evs {
		if e.AccusedID.Valid || e.DocumentDate.IsZero() || !slices.Contains(Actions, Action(e.Action)) {
			continue
		}
		if !found || e.DocumentDate.After(last.DocumentDate) {
			last, found = e, true
		}
	}
	return last, found
}

func (s *Service) receivedOn(p *ctip.Problems, in *ActionInput) ctip.Date {
	if in.ReceivedOn.IsZero() {
		return in.DocumentDate
	}
	if in.ReceivedOn.After(s.today()) {
		p.Add("received_on", "error.future")
	} else if !in.DocumentDate.IsZero() && in.ReceivedOn.Before(in.DocumentDate) {
		p.Add("received_on", "case.received_before_decision")
	}
	return in.ReceivedOn
}

// Do applies a stage action to a case (version-checked). Bad input writes
// nothing and names the rule and its article.
func (s *Service) Do(ctx context.Context, id ctip.ID, version int, act Action, in ActionInput) (*View, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.permitted(a, c, act); err != nil {
		return nil, err
	}
	if c.Version != version {
		return nil, ctip.ErrStale()
	}
	rule := Rules[act]
	basis := citeOf(act, c) // in the message's language
	var p ctip.Problems
	s.decision(&p, &in, c, basis)
	if !in.DocumentDate.IsZero() && !p.Has("document_date") {
		// Nor before the case's latest stage decision: decisions follow one
		// another (e.g. a 2nd extension of the investigation cannot predate
		// the 1st, Art. 172).
		evs, err := s.Store.CaseEvents(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if last, ok := lastDecision(evs); ok && in.DocumentDate.Before(last.DocumentDate) {
			p.Add("document_date", "case.date_before_last_decision", last.DocumentDate.Format(), last.DocumentNumber, basis)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	accused, err := s.Store.CaseAccused(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	measures, err := s.Store.CaseMeasures(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	from := c.Stage
	body := rule.BodyOf(c)
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName, Action: string(act),
		Body: body, FromStage: from, DocumentNumber: in.DocumentNumber, DocumentDate: in.DocumentDate, Signer: in.Signer, Note: in.Note}
	w := Write{Case: c, OldVersion: version}
	fields := []string{"stage"}
	cur, running, _ := StageLimit(c, s.Policy, s.cal())
	next := NextStage(act, c)
	switch act {
	case ActExtendInvestigation, ActExtendResumed, ActExtendProsecution, ActExtendTrialPreparation:
		var ext legal.Period
		if rule.Months {
			if in.Months <= 0 {
				p.Add("months", "error.required")
			}
			ext = legal.Months(in.Months)
		} else {
			if in.Days <= 0 {
				p.Add("days", "error.required")
			}
			ext = legal.Days(in.Days)
		}
		if running && in.DocumentDate.After(cur.Due) {
			// An extension must be decided before the limit runs out.
			p.Add("document_date", "case.extension_after_expiry", cur.Due.Format(), basis)
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		c.ClockExt = append(slices.Clone(c.ClockExt), ext)
		l, ok, err := StageLimit(c, s.Policy, s.cal())
		if err != nil || !ok {
			field := "months"
			if rule.Days {
				field = "days"
			}
			return nil, fieldErr(err, field)
		}
		ev.Detail = l.Due.String()
		fields = []string{"deadline"}
	case ActConclude:
		if !slices.ContainsFunc(accused, func(x *Accused) bool { return x.Status == AccusedActive }) {
			return nil, ctip.Errorf(ctip.Conflict, "case.no_accused", basis)
		}
		rec := s.receivedOn(&p, &in)
		if err := p.Err(); err != nil {
			return nil, err
		}
		if next == Prosecution {
			c.ClockKind, c.ClockStart, c.ClockExt, c.ClockFlag = legal.StageProsecution, rec, nil, ""
		} else {
			c.ClockKind, c.ClockStart, c.ClockExt, c.ClockFlag = "", ctip.Date{}, nil, "after_return"
		}
		ev.Detail = rec.String()
	case ActSuspend, ActTerminate:
		grounds := SuspendGrounds
		if act == ActTerminate {
			grounds = TerminateGrounds
		}
		if !slices.Contains(grounds, in.Ground) {
			p.Add("ground", "error.choice")
		}
		if act == ActSuspend && Holder(c.Stage) == BodyInvestigating && slices.Contains(AfterExpiryGrounds, in.Ground) &&
			running && in.DocumentDate.Before(cur.Due) {
			// Art. 229(1)(a), (c): only once the investigation limit has run out.
			p.Add("document_date", "case.suspend_before_expiry", cur.Due.Format(), basis)
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		if c.Stage != Suspended {
			c.SuspendedFrom = c.Stage
		}
		c.Ground = in.Ground
		c.ClockKind, c.ClockStart, c.ClockExt, c.ClockFlag = "", ctip.Date{}, nil, ""
		ev.Detail = in.Ground
		if act == ActTerminate {
			for _, m := range measures {
				if m.Running() {
					m.EndedOn = in.DocumentDate
					w.Measures = append(w.Measures, m)
				}
			}
		}
	case ActResume:
		switch next {
		case Prosecution:
			c.ClockKind = legal.StageProsecution
		case TrialPreparation:
			c.ClockKind = legal.StageTrialPreparation
		default:
			c.ClockKind = legal.StageResumedInvestigation
		}
		c.ClockStart, c.ClockExt, c.ClockFlag, c.Ground, c.SuspendedFrom = in.DocumentDate, nil, "", "", ""
	case ActReturnProcuracy, ActReturnJudge, ActReturnPanel:
		by := map[Action]legal.Returner{ActReturnProcuracy: legal.ReturnedByProcuracy, ActReturnJudge: legal.ReturnedByJudge, ActReturnPanel: legal.ReturnedByTrialPanel}[act]
		rec := s.receivedOn(&p, &in)
		if err := p.Err(); err != nil {
			return nil, err
		}
		if _, err := legal.SupplementaryInvestigation(s.Policy, s.cal(), by, c.returnsBy(by), rec); err != nil {
			return nil, fieldErr(err, "document_number")
		}
		switch by {
		case legal.ReturnedByProcuracy:
			c.ReturnsProcuracy++
		case legal.ReturnedByJudge:
			c.ReturnsJudge++
		default:
			c.ReturnsPanel++
		}
		c.LastReturner = by
		c.ClockKind, c.ClockStart, c.ClockExt, c.ClockFlag = legal.StageSupplementaryInvestigation, rec, nil, ""
		ev.Detail = string(by)
		fields = append(fields, "returns")
	case ActIndict:
		if !in.CourtUnitID.Valid {
			p.Add("court_unit_id", "error.required")
			return nil, p.Err()
		}
		u, err := s.Directory.GetUnit(ctx, in.CourtUnitID.ID)
		if err != nil || !u.Active || u.Kind != ctip.UnitCourt {
			p.Add("court_unit_id", "case.court_unit_invalid")
			return nil, p.Err()
		}
		c.CourtUnitID, c.CourtName = ctip.Some(u.ID), u.Name
		w.Shares = append(w.Shares, u.ID) // the court reads the case from the indictment on
		c.ClockKind, c.ClockStart, c.ClockExt = "", ctip.Date{}, nil
		ev.Detail = u.ID.String()
		fields = append(fields, "court")
	case ActAccept:
		rec := s.receivedOn(&p, &in)
		if err := p.Err(); err != nil {
			return nil, err
		}
		if c.ClockFlag == "after_return" {
			// After a court's return: decide to bring to trial within 15 days (Art. 277).
			c.ClockKind = legal.StageTrialDecisionAfterReturn
		} else {
			c.ClockKind = legal.StageTrialPreparation
		}
		c.ClockStart, c.ClockExt = rec, nil
	case ActBringToTrial:
		if !in.HearingOn.IsZero() && in.HearingOn.Before(in.DocumentDate) {
			p.Add("hearing_on", "case.hearing_before_decision")
			return nil, p.Err()
		}
		c.ClockKind, c.ClockStart, c.ClockExt, c.ClockFlag = legal.StageHearing, in.DocumentDate, nil, ""
		ev.Detail = in.HearingOn.String()
	case ActPostponeHearing:
		c.ClockExt = []legal.Period{legal.Days(15)}
	case ActJudge:
		if err := s.applyVerdicts(&p, accused, in.Verdicts, in.DocumentDate); err != nil {
			return nil, err
		}
		for _, x := range accused {
			if x.Status == AccusedJudged && x.StatusOn == in.DocumentDate {
				w.Accused = append(w.Accused, x)
			}
		}
		for _, m := range measures {
			if m.Running() && m.Type == Custody {
				m.EndedOn = in.DocumentDate
				w.Measures = append(w.Measures, m)
			}
		}
		c.ClockKind, c.ClockStart, c.ClockExt = "", ctip.Date{}, nil
		fields = append(fields, "verdicts")
	case ActAppeal, ActFinalize:
		c.ClockKind, c.ClockStart, c.ClockExt = "", ctip.Date{}, nil
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var evs []Event
	if next != from {
		// Entering prosecution or trial preparation: the earlier stage's
		// detention ends; the procuracy / court orders its own (Arts 241, 278).
		for _, m := range EndDetentionsWithStage(next, in.DocumentDate, measures) {
			evs = append(evs, Event{ID: ctip.NewID(), CaseID: c.ID, AccusedID: ctip.Some(m.AccusedID), At: ev.At, ActorID: ev.ActorID,
				ActorName: ev.ActorName, Action: "measure_ended_with_stage", Body: ev.Body, FromStage: from, ToStage: next,
				DocumentNumber: ev.DocumentNumber, DocumentDate: ev.DocumentDate, Signer: ev.Signer, Detail: string(m.Type)})
		}
	}
	c.Stage = next
	if next != from {
		c.StageSince = in.DocumentDate
	}
	ev.ToStage = next
	return s.save(ctx, a, w, accused, measures, append([]Event{ev}, evs...), "case."+string(act), fields)
}

func (s *Service) applyVerdicts(p *ctip.Problems, accused []*Accused, vs []VerdictInput, on ctip.Date) error {
	byID := map[ctip.ID]VerdictInput{}
	for _, v := range vs {
		byID[v.AccusedID] = v
	}
	for i, x := range accused {
		if x.Status != AccusedActive {
			continue
		}
		f := "verdicts." + itoa(i)
		v, ok := byID[x.ID]
		if !ok || v.Verdict == "" {
			p.Add(f+".verdict", "case.verdict_required")
			continue
		}
		if !slices.Contains(Verdicts, v.Verdict) {
			p.Add(f+".verdict", "error.choice")
			continue
		}
		if v.Verdict == "convicted" {
			if !slices.Contains(SentenceTypes, v.SentenceType) {
				p.Add(f+".sentence_type", "error.choice")
				continue
			}
			// Penal Code Art. 38: imprisonment from 3 months to 20 years.
			if v.SentenceType == "prison" && (v.SentenceMonths < 3 || v.SentenceMonths > 240) {
				p.Add(f+".sentence_months", "case.prison_term", "BLHS Điều 38")
				continue
			}
		} else {
			v.SentenceType, v.SentenceMonths = "", 0
		}
		x.Verdict, x.SentenceType, x.SentenceMonths = v.Verdict, v.SentenceType, v.SentenceMonths
		if v.SentenceType != "prison" {
			x.SentenceMonths = 0
		}
		x.Status, x.StatusOn = AccusedJudged, on
	}
	return p.Err()
}

// save recomputes the category and clocks, bumps the version and writes.
func (s *Service) save(ctx context.Context, a *ctip.Actor, w Write, accused []*Accused, measures []*Measure, evs []Event, action string, fields []string) (*View, error) {
	c := w.Case
	now := s.now()
	c.Category = Category(&Case{Category: s.caseChargesCategory(c)}, accused)
	clocks, err := Clocks(c, accused, measures, s.Policy, s.cal())
	if err != nil {
		return nil, fieldErr(err, "charges")
	}
	w.Clocks = clocks
	// Measures whose computed last day moved are written too.
	for _, m := range measures {
		if !slices.Contains(w.Measures, m) {
			w.Measures = append(w.Measures, m)
		}
	}
	c.UpdatedAt = now
	c.Version++
	w.Events = evs
	w.Audit = ctip.NewAuditEvent(a, now, action, "case", c.ID)
	w.Audit.Fields = fields
	if err := s.Store.WriteCase(ctx, w); err != nil {
		return nil, err
	}
	fresh, err := s.Store.GetCase(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, a, fresh)
}

// caseChargesCategory is the category of the case-level charges.
func (s *Service) caseChargesCategory(c *Case) legal.Category {
	on := c.OffenceOn
	if on.IsZero() {
		on = c.InstitutedOn
	}
	cat, err := s.catalogue().CaseCategory(on, c.Charges...)
	if err != nil {
		return c.Category
	}
	return cat
}

// ---------- accused ----------

// PersonInput is a person as entered.
type PersonInput struct {
	Name       string
	Sex        string
	BirthYear  int
	IDNumber   string
	PersonID   ctip.NullID
	ConfirmNew bool // a new registry person even if it looks like an existing one
}

func (s *Service) person(p *ctip.Problems, in PersonInput) Person {
	in.Name, in.Sex, in.IDNumber, in.PersonID = clean(in.Name), clean(in.Sex), strings.ToUpper(clean(in.IDNumber)), ctip.NullID{}
	if in.Name == "" {
		p.Add("name", "error.required")
	}
	tooLong(p, "name", in.Name, MaxShort)
	if in.Sex != "" && !slices.Contains(Sexes, in.Sex) {
		p.Add("sex", "error.choice")
	}
	if in.BirthYear != 0 && (in.BirthYear < 1900 || in.BirthYear > s.today().Year) {
		p.Add("birth_year", "case.birth_year")
	}
	if in.IDNumber != "" && !idRe.MatchString(in.IDNumber) {
		p.Add("id_number", "error.id_number")
	}
	return Person{Name: in.Name, Sex: in.Sex, BirthYear: in.BirthYear, IDNumber: in.IDNumber, PersonID: in.PersonID, ConfirmNew: in.ConfirmNew}
}

// AccusedInput is the decision to institute proceedings against a person
// (quyết định khởi tố bị can, CPC Art. 179) with the person and charges.
type AccusedInput struct {
	Person         PersonInput
	Charges        []legal.Charge
	DocumentNumber string
	DocumentDate   ctip.Date
	Signer         string
}

// AddAccused charges a person in the case (investigation stages only).
func (s *Service) AddAccused(ctx context.Context, id ctip.ID, version int, in AccusedInput) (*View, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	if !CanWrite(a, c) {
		return nil, ctip.ErrForbidden()
	}
	if !slices.Contains(investigating, c.Stage) {
		return nil, ctip.Errorf(ctip.Conflict, "case.accused_stage", "BLTTHS Điều 179")
	}
	if c.Version != version {
		return nil, ctip.ErrStale()
	}
	accused, err := s.Store.CaseAccused(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var taken []ctip.ID
	for _, x := range accused {
		if x.Person.PersonID.Valid {
			taken = append(taken, x.Person.PersonID.ID)
		}
	}
	var p ctip.Problems
	who, link, err := s.registryPerson(ctx, &p, c, in.Person, accusedRole(c.Stage), taken)
	if err != nil {
		return nil, err
	}
	ai := ActionInput{DocumentNumber: in.DocumentNumber, DocumentDate: in.DocumentDate, Signer: in.Signer}
	s.decision(&p, &ai, &Case{StageSince: c.InstitutedOn}, "BLTTHS Điều 179")
	on := c.OffenceOn
	if on.IsZero() {
		on = c.InstitutedOn
	}
	cat := s.validateCharges(&p, "charges", on, in.Charges)
	if err := p.Err(); err != nil {
		return nil, err
	}
	measures, err := s.Store.CaseMeasures(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	x := &Accused{ID: ctip.NewID(), CaseID: c.ID, Person: who, Charges: in.Charges, Category: cat, ChargeNumber: ai.DocumentNumber,
		ChargedOn: ai.DocumentDate, Status: AccusedActive, CreatedAt: now}
	accused = append(accused, x)
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, AccusedID: ctip.Some(x.ID), At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName,
		Action: "charge", Body: BodyInvestigating, FromStage: c.Stage, ToStage: c.Stage, DocumentNumber: ai.DocumentNumber,
		DocumentDate: ai.DocumentDate, Signer: ai.Signer, Detail: FormatCharges(in.Charges)}
	w := Write{Case: c, OldVersion: version, Accused: []*Accused{x}}
	if link != nil {
		w.Persons = []*person.RecordLink{link}
	}
	return s.save(ctx, a, w, accused, measures, []Event{ev}, "case.charge", []string{"accused", "charges"})
}

// Per-person actions (CPC Arts 229(2), 230, 235: suspension, termination
// and resumption in respect of one accused).
const (
	AccSuspend   = "suspend"
	AccTerminate = "terminate"
	AccResume    = "resume"
)

// AccusedActions lists the per-person actions.
var AccusedActions = []string{AccSuspend, AccTerminate, AccResume}

// AccusedAction suspends, terminates or resumes the proceedings against one accused.
func (s *Service) AccusedAction(ctx context.Context, id ctip.ID, version int, accID ctip.ID, op string, in ActionInput) (*View, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	holder := Holder(c.Stage)
	if !canAs(a, c, PermOf(holder)) || c.Stage.Closed() || c.Stage == Suspended {
		return nil, ctip.ErrForbidden()
	}
	accused, err := s.Store.CaseAccused(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var x *Accused
	for _, y := range accused {
		if y.ID == accID {
			x = y
		}
	}
	if x == nil {
		return nil, ctip.ErrNotFound()
	}
	basis := map[string]string{AccSuspend: "BLTTHS Điều 229 khoản 2", AccTerminate: "BLTTHS Điều 230", AccResume: "BLTTHS Điều 235"}[op]
	switch {
	case basis == "":
		return nil, ctip.Errorf(ctip.Invalid, "case.action_unknown")
	case op == AccResume && x.Status != AccusedSuspended && x.Status != AccusedTerminated,
		op != AccResume && x.Status != AccusedActive && !(op == AccTerminate && x.Status == AccusedSuspended):
		return nil, ctip.Errorf(ctip.Conflict, "case.accused_transition_refused", op, string(x.Status), basis)
	}
	if c.Version != version {
		return nil, ctip.ErrStale()
	}
	var p ctip.Problems
	s.decision(&p, &in, &Case{StageSince: x.ChargedOn}, basis)
	switch op {
	case AccSuspend:
		if !slices.Contains(SuspendGrounds, in.Ground) {
			p.Add("ground", "error.choice")
		}
	case AccTerminate:
		if !slices.Contains(TerminateGrounds, in.Ground) {
			p.Add("ground", "error.choice")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	measures, err := s.Store.CaseMeasures(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	w := Write{Case: c, OldVersion: version, Accused: []*Accused{x}}
	switch op {
	case AccSuspend:
		x.Status, x.StatusGround = AccusedSuspended, in.Ground
	case AccTerminate:
		x.Status, x.StatusGround = AccusedTerminated, in.Ground
		for _, m := range measures {
			if m.AccusedID == x.ID && m.Running() {
				m.EndedOn = in.DocumentDate // measures are cancelled with the termination
			}
		}
	case AccResume:
		x.Status, x.StatusGround = AccusedActive, ""
	}
	x.StatusOn = in.DocumentDate
	now := s.now()
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, AccusedID: ctip.Some(x.ID), At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName,
		Action: "accused_" + op, Body: holder, FromStage: c.Stage, ToStage: c.Stage, DocumentNumber: in.DocumentNumber,
		DocumentDate: in.DocumentDate, Signer: in.Signer, Note: in.Note, Detail: in.Ground}
	return s.save(ctx, a, w, accused, measures, []Event{ev}, "case.accused_"+op, []string{"accused.status"})
}

// ---------- measures ----------

// MeasureInput applies a preventive measure to an accused.
type MeasureInput struct {
	AccusedID      ctip.ID
	Type           string
	StartOn        ctip.Date
	OrderEnd       ctip.Date
	DocumentNumber string
	DocumentDate   ctip.Date
	Signer         string
}

// AddMeasure records a preventive measure with its deadline.
func (s *Service) AddMeasure(ctx context.Context, id ctip.ID, version int, in MeasureInput) (*View, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Stage.Closed() || c.Stage == Suspended || !canAs(a, c, PermOf(Holder(c.Stage))) {
		return nil, ctip.ErrForbidden()
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
	var p ctip.Problems
	var x *Accused
	for _, y := range accused {
		if y.ID == in.AccusedID && y.Status == AccusedActive {
			x = y
		}
	}
	if x == nil {
		p.Add("accused_id", "case.accused_unknown")
	}
	mt := MeasureType(clean(in.Type))
	if !slices.Contains(MeasureTypes, mt) {
		p.Add("type", "error.choice")
	}
	ai := ActionInput{DocumentNumber: in.DocumentNumber, DocumentDate: in.DocumentDate, Signer: in.Signer}
	s.decision(&p, &ai, &Case{}, "BLTTHS Điều 109")
	s.validateDate(&p, "start_on", in.StartOn, true)
	if x != nil && !p.Has("type") {
		// Only the measures valid for the accused now (NewMeasureChoices).
		if ch := MeasureChoiceOf(NewMeasureChoices(c, x, measures, s.catalogue(), s.Policy, in.StartOn), mt); !ch.OK {
			p.Add("type", ch.Reason, ch.Args...)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	m := &Measure{ID: ctip.NewID(), CaseID: c.ID, AccusedID: x.ID, Type: mt, StartOn: in.StartOn, DocumentNumber: ai.DocumentNumber}
	if _, st, ok := StageDetentionType(c.Stage); ok && (mt == ProsecutionDetention || mt == TrialDetention) {
		// The procuracy's / court's order states its end date, no later
		// than the stage's limit (Arts 241, 278; the cap is a setting).
		if in.OrderEnd.IsZero() {
			p.Add("order_end", "error.required")
			return nil, p.Err()
		}
		if _, err := legal.OrderedDetention(s.Policy, st, in.StartOn, in.OrderEnd, c.CurrentDue); err != nil {
			return nil, fieldErr(err, "order_end")
		}
	}
	if !in.OrderEnd.IsZero() {
		if in.OrderEnd.Before(in.StartOn) {
			p.Add("order_end", "error.date_range")
			return nil, p.Err()
		}
		if l, ok, err := MeasureLimit(m, x.Category, c, s.Policy); err == nil && ok && in.OrderEnd.After(l.Due) {
			p.Add("order_end", "case.order_beyond_law", l.Due.Format(), l.Basis)
			return nil, p.Err()
		}
		m.OrderEnd = in.OrderEnd
	}
	measures = append(measures, m)
	now := s.now()
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, AccusedID: ctip.Some(x.ID), At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName,
		Action: "measure_" + string(mt), Body: Holder(c.Stage), FromStage: c.Stage, ToStage: c.Stage, DocumentNumber: ai.DocumentNumber,
		DocumentDate: ai.DocumentDate, Signer: ai.Signer, Detail: in.StartOn.String()}
	return s.save(ctx, a, Write{Case: c, OldVersion: version}, accused, measures, []Event{ev}, "case.measure", []string{"measure"})
}

// MeasureOps.
const (
	MeasureExtend = "extend"
	MeasureEnd    = "end"
)

// MeasureAction extends (custody Art. 118, detention Art. 173) or ends a measure.
func (s *Service) MeasureAction(ctx context.Context, id ctip.ID, version int, mID ctip.ID, op string, in ActionInput) (*View, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	// The holder ends a measure; extensions of custody and detention are
	// approved or decided by the procuracy (Arts 118, 173), recorded by it
	// or by the holder that received the decision.
	if c.Stage.Closed() || !(canAs(a, c, PermOf(Holder(c.Stage))) || op == MeasureExtend && canAs(a, c, ctip.PermCaseProcuracy)) {
		return nil, ctip.ErrForbidden()
	}
	accused, err := s.Store.CaseAccused(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	measures, err := s.Store.CaseMeasures(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var m *Measure
	for _, y := range measures {
		if y.ID == mID {
			m = y
		}
	}
	if m == nil {
		return nil, ctip.ErrNotFound()
	}
	// "End" on a detention that ended with the previous stage records the
	// decision of the body now in charge not to order detention (release,
	// CPC Arts 241, 278): the "order needed" state clears.
	release := op == MeasureEnd && !m.Running() && m.EndedBy == EndedByStage &&
		slices.Contains(DetentionOrderNeeded(c, accused, measures), m.AccusedID)
	if !m.Running() && !release || (op == MeasureExtend && m.Type != Custody && m.Type != Detention) || (op != MeasureExtend && op != MeasureEnd) {
		return nil, ctip.Errorf(ctip.Conflict, "case.measure_refused", op)
	}
	if c.Version != version {
		return nil, ctip.ErrStale()
	}
	cat := c.Category
	for _, x := range accused {
		if x.ID == m.AccusedID {
			cat = x.Category
		}
	}
	if op == MeasureExtend {
		// As many extensions as the law allows for the category, in the
		// investigation only (MeasureExtension).
		if e := MeasureExtension(m, cat, c, s.Policy, ctip.Date{}); !e.OK {
			return nil, ctip.Errorf(ctip.Conflict, e.Reason, e.Args...)
		}
	}
	basis := "BLTTHS Điều 118"
	if m.Type == Detention {
		basis = "BLTTHS Điều 173"
	}
	if _, st, ok := StageDetentionType(c.Stage); ok && release {
		basis, _, _ = legal.StageDetentionBasis(st)
	}
	var p ctip.Problems
	s.decision(&p, &in, &Case{StageSince: m.StartOn}, basis)
	if err := p.Err(); err != nil {
		return nil, err
	}
	detail := ""
	if op == MeasureExtend {
		cur, _, _ := MeasureLimit(m, cat, c, s.Policy)
		var ext legal.Period
		field := "days"
		if m.Type == Detention {
			ext, field = legal.Months(in.Months), "months"
		} else {
			ext = legal.Days(in.Days)
		}
		if ext.IsZero() {
			p.Add(field, "error.required")
		} else if in.DocumentDate.After(cur.Due) {
			p.Add("document_date", "case.extension_after_expiry", cur.Due.Format(), basis)
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		m.Ext = append(slices.Clone(m.Ext), ext)
		m.OrderEnd = ctip.Date{}
		l, _, err := MeasureLimit(m, cat, c, s.Policy)
		if err != nil {
			return nil, fieldErr(err, field)
		}
		detail = l.Due.String()
	} else if release {
		m.EndedBy = EndedByRelease
		op = "release"
	} else {
		m.EndedOn = in.DocumentDate
	}
	now := s.now()
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, AccusedID: ctip.Some(m.AccusedID), At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName,
		Action: "measure_" + op, Body: Holder(c.Stage), FromStage: c.Stage, ToStage: c.Stage, DocumentNumber: in.DocumentNumber,
		DocumentDate: in.DocumentDate, Signer: in.Signer, Note: in.Note, Detail: string(m.Type) + " " + detail}
	return s.save(ctx, a, Write{Case: c, OldVersion: version}, accused, measures, []Event{ev}, "case.measure_"+op, []string{"measure"})
}

// ---------- victims and witnesses ----------

// PartyInput links a victim or witness.
type PartyInput struct {
	Role      string
	Person    PersonInput
	Rescued   bool
	RescuedOn ctip.Date
}

// AddParty links a victim or a witness to the case.
func (s *Service) AddParty(ctx context.Context, id ctip.ID, version int, in PartyInput) (*View, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	if !CanWrite(a, c) || c.Stage.Closed() {
		return nil, ctip.ErrForbidden()
	}
	if c.Version != version {
		return nil, ctip.ErrStale()
	}
	var p ctip.Problems
	var who Person
	var link *person.RecordLink
	if !slices.Contains(PartyRoles, in.Role) {
		p.Add("role", "error.choice")
		who = s.person(&p, in.Person)
	} else {
		parties, err := s.Store.CaseParties(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		var taken []ctip.ID
		for _, pt := range parties {
			if pt.Role == in.Role && pt.Person.PersonID.Valid {
				taken = append(taken, pt.Person.PersonID.ID)
			}
		}
		if who, link, err = s.registryPerson(ctx, &p, c, in.Person, in.Role, taken); err != nil {
			return nil, err
		}
	}
	if in.Role != RoleVictim {
		in.Rescued, in.RescuedOn = false, ctip.Date{}
	}
	if in.Rescued {
		s.validateDate(&p, "rescued_on", in.RescuedOn, true)
	} else {
		in.RescuedOn = ctip.Date{}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	accused, err := s.Store.CaseAccused(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	measures, err := s.Store.CaseMeasures(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	pt := &Party{ID: ctip.NewID(), CaseID: c.ID, Role: in.Role, Person: who, Rescued: in.Rescued, RescuedOn: in.RescuedOn, CreatedAt: now}
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName,
		Action: "party_" + in.Role, Body: BodyInvestigating, FromStage: c.Stage, ToStage: c.Stage, Detail: pt.ID.String()}
	w := Write{Case: c, OldVersion: version, Parties: []*Party{pt}}
	if link != nil {
		w.Persons = []*person.RecordLink{link}
	}
	return s.save(ctx, a, w, accused, measures, []Event{ev}, "case.party", []string{"party:" + in.Role})
}

// ---------- key cases ----------

func (s *Service) keyPermitted(a *ctip.Actor, c *Case, op string) error {
	body := BodyOfUnit(a.UnitKind)
	if !a.Can(ctip.PermCaseKey) || body == "" || c.Stage.Closed() {
		return ctip.ErrForbidden()
	}
	if body == BodyInvestigating && !CanWrite(a, c) && !(a.UnitID == c.UnitID) {
		return ctip.ErrForbidden()
	}
	switch op {
	case "propose":
		if c.KeyProposedBy != "" {
			return ctip.Errorf(ctip.Conflict, "case.key_already")
		}
	case "agree":
		if c.KeyProposedBy == "" || !c.KeyAgreed[body].IsZero() {
			return ctip.Errorf(ctip.Conflict, "case.key_agree_refused")
		}
	case "withdraw":
		if c.KeyProposedBy != body {
			return ctip.Errorf(ctip.Conflict, "case.key_withdraw_refused")
		}
	default:
		return ctip.Errorf(ctip.Invalid, "case.action_unknown")
	}
	return nil
}

// Key proposes, agrees to or withdraws a key-case designation (vụ án trọng
// điểm): proposed by one body with a reason, agreed by the others
// (investigating body, procuracy, court) — the provincial plan's
// "thống nhất xác định các vụ án trọng điểm".
func (s *Service) Key(ctx context.Context, id ctip.ID, version int, op, reason string) (*View, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.keyPermitted(a, c, op); err != nil {
		return nil, err
	}
	if c.Version != version {
		return nil, ctip.ErrStale()
	}
	reason = clean(reason)
	var p ctip.Problems
	if op == "propose" && reason == "" {
		p.Add("reason", "error.required")
	}
	tooLong(&p, "reason", reason, MaxNote)
	if err := p.Err(); err != nil {
		return nil, err
	}
	body := BodyOfUnit(a.UnitKind)
	today := s.today()
	if c.KeyAgreed == nil {
		c.KeyAgreed = map[Body]ctip.Date{}
	}
	switch op {
	case "propose":
		c.KeyProposedBy, c.KeyReason = body, reason
		c.KeyAgreed = map[Body]ctip.Date{body: today}
	case "agree":
		c.KeyAgreed[body] = today
	case "withdraw":
		c.KeyProposedBy, c.KeyReason, c.KeyAgreed = "", "", map[Body]ctip.Date{}
	}
	accused, err := s.Store.CaseAccused(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	measures, err := s.Store.CaseMeasures(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName, Action: "key_" + op,
		Body: body, FromStage: c.Stage, ToStage: c.Stage, Note: reason, Detail: c.KeyStatus()}
	return s.save(ctx, a, Write{Case: c, OldVersion: version}, accused, measures, []Event{ev}, "case.key_"+op, []string{"key"})
}

// ---------- notes and documents ----------

// AddNote adds a note to the case's timeline (encrypted at rest) and
// returns it.
func (s *Service) AddNote(ctx context.Context, id ctip.ID, note string) (*Event, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	if !(CanWrite(a, c) || canAs(a, c, ctip.PermCaseProcuracy) || canAs(a, c, ctip.PermCaseCourt)) {
		return nil, ctip.ErrForbidden()
	}
	note = clean(note)
	var p ctip.Problems
	if note == "" {
		p.Add("note", "error.required")
	}
	tooLong(&p, "note", note, MaxNote)
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName, Action: "note",
		Body: BodyOfUnit(a.UnitKind), FromStage: c.Stage, ToStage: c.Stage, Note: note}
	au := ctip.NewAuditEvent(a, now, "case.note", "case", c.ID)
	au.Fields = []string{"note"}
	if err := s.Store.WriteCase(ctx, Write{Events: []Event{ev}, Audit: au}); err != nil {
		return nil, err
	}
	return &ev, nil
}

// Notes lists a case's notes, oldest first, to someone who may see the case.
func (s *Service) Notes(ctx context.Context, id ctip.ID) ([]Event, error) {
	_, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	evs, err := s.Store.CaseEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := []Event{}
	for _, e := range evs {
		if e.Action == "note" {
			out = append(out, e)
		}
	}
	return out, nil
}

// Documents lists a case's documents (without their content) to someone
// who may see the case.
func (s *Service) Documents(ctx context.Context, id ctip.ID) ([]*Attachment, error) {
	_, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.Store.CaseAttachments(ctx, c.ID)
}

// Attach stores a document on the case, encrypted, after sniffing its type.
func (s *Service) Attach(ctx context.Context, id ctip.ID, filename string, content []byte) (*Attachment, error) {
	a, c, err := s.loadAs(ctx, id)
	if err != nil {
		return nil, err
	}
	if !(CanWrite(a, c) || canAs(a, c, ctip.PermCaseProcuracy) || canAs(a, c, ctip.PermCaseCourt)) {
		return nil, ctip.ErrForbidden()
	}
	var p ctip.Problems
	filename = clean(filename)
	if i := strings.LastIndexAny(filename, `/\`); i >= 0 {
		filename = filename[i+1:]
	}
	if filename == "" {
		p.Add("file", "error.required")
	}
	tooLong(&p, "file", filename, MaxShort)
	max := s.MaxAttachment
	if max <= 0 {
		max = 20 << 20
	}
	if len(content) == 0 {
		p.Add("file", "case.file_empty")
	} else if int64(len(content)) > max {
		p.Add("file", "case.file_too_large", max>>20)
	}
	ct := filetype.Detect(content, filename)
	if len(content) > 0 && !slices.Contains(filetype.Accepted, ct) {
		p.Add("file", "case.file_type", ct)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	sum := sha256.Sum256(content)
	att := &Attachment{ID: ctip.NewID(), CaseID: c.ID, Filename: filename, ContentType: ct, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: a.UserID, UploaderName: a.DisplayName, UploadedAt: now, Content: content}
	ev := Event{ID: ctip.NewID(), CaseID: c.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName, Action: "attach",
		Body: BodyOfUnit(a.UnitKind), FromStage: c.Stage, ToStage: c.Stage, Detail: att.ID.String()}
	au := ctip.NewAuditEvent(a, now, "case.attach", "case_attachment", att.ID)
	au.Fields = []string{"case:" + c.ID.String()}
	if err := s.Store.WriteCase(ctx, Write{Attachment: att, Events: []Event{ev}, Audit: au}); err != nil {
		return nil, err
	}
	att.Content = nil
	return att, nil
}

// Attachment returns a document to someone who may see the case (audited).
func (s *Service) Attachment(ctx context.Context, id, attID ctip.ID) (*Attachment, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.load(ctx, a, id); err != nil {
		return nil, err
	}
	att, err := s.Store.CaseAttachment(ctx, id, attID)
	if err != nil {
		return nil, err
	}
	ev := ctip.NewAuditEvent(a, s.now(), "case.download", "case_attachment", attID)
	ev.Fields = []string{"case:" + id.String()}
	if err := s.Store.AppendAudit(ctx, ev); err != nil {
		return nil, err
	}
	return att, nil
}

// ---------- lists and the board ----------

// Views of the case list.
const (
	ViewAll     = "all"
	ViewUnit    = "unit"
	ViewMine    = "mine"
	ViewDue     = "due"
	ViewOverdue = "overdue"
	ViewKey     = "key"
)

// Views lists the views.
var Views = []string{ViewUnit, ViewMine, ViewDue, ViewOverdue, ViewKey, ViewAll}

func (s *Service) filter(ctx context.Context, a *ctip.Actor, view string, f *Filter) error {
	var pr ctip.Problems
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		pr.Add("to", "error.date_range")
	}
	for _, st := range f.Stages {
		if !slices.Contains(Stages, st) {
			pr.Add("stage", "error.choice")
			break
		}
	}
	if f.Holder != "" && !slices.Contains(Bodies, f.Holder) {
		pr.Add("holder", "error.choice")
	}
	if f.Category != "" && !f.Category.Valid() {
		pr.Add("category", "error.choice")
	}
	if f.CampaignID.Valid {
		cp, err := s.Store.GetCampaign(ctx, f.CampaignID.ID)
		if err != nil {
			pr.Add("campaign", "error.choice")
		} else {
			f.From, f.To = cp.StartsOn, cp.EndsOn
		}
	}
	today := s.today()
	switch view {
	case ViewUnit:
		f.UnitID = ctip.Some(a.UnitID)
	case ViewMine:
		f.OfficerID = ctip.Some(a.UserID)
	case ViewDue:
		f.DueFrom, f.DueBy = today, today.AddDays(DueSoonDays)
	case ViewOverdue:
		f.DueBy = today.AddDays(-1)
	case ViewKey:
		f.Key = true
	case ViewAll, "":
	default:
		pr.Add("view", "error.choice")
	}
	return pr.Err()
}

// List returns a page of cases in the actor's scope.
func (s *Service) List(ctx context.Context, view string, f Filter, p ctip.PageRequest) (ctip.Page[*Case], error) {
	a, err := actorOf(ctx)
	if err != nil {
		return ctip.Page[*Case]{}, err
	}
	if !a.Can(ctip.PermCaseRead) {
		return ctip.Page[*Case]{}, ctip.ErrForbidden()
	}
	if err := s.filter(ctx, a, view, &f); err != nil {
		return ctip.Page[*Case]{}, err
	}
	return s.Store.ListCases(ctx, f, ctip.VisibleScope(a, ctip.PermCaseOversight), p.Normalize())
}

// Board is the case board of a scope.
type Board struct {
	Counts    Counts
	ByHolder  map[Body]int
	Officers  []Workload
	Units     []Workload
	Campaigns []*Campaign
}

// Board summarises the actor's scope: by stage and holding body, due
// within 7 days, overdue, key cases, workload per investigator and unit.
func (s *Service) Board(ctx context.Context, view string, f Filter) (*Board, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermCaseRead) {
		return nil, ctip.ErrForbidden()
	}
	if err := s.filter(ctx, a, view, &f); err != nil {
		return nil, err
	}
	scope := ctip.VisibleScope(a, ctip.PermCaseOversight)
	today := s.today()
	b := &Board{ByHolder: map[Body]int{}}
	f.Open = true // the board is about the cases still running
	data, err := s.Store.CaseBoard(ctx, f, scope, today, today.AddDays(DueSoonDays))
	if err != nil {
		return nil, err
	}
	b.Counts, b.Officers, b.Units = data.Counts, data.Officers, data.Units
	for st, n := range b.Counts.ByStage {
		if !st.Closed() && st != Suspended {
			b.ByHolder[Holder(st)] += n
		}
	}
	b.Campaigns, err = s.Store.ListCampaigns(ctx)
	return b, err
}

package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/filetype"
	"ctip/internal/legal"
	"ctip/internal/person"
)

// Directory resolves units and users (implemented by the store).
type Directory interface {
	GetUnit(ctx context.Context, id ctip.ID) (*auth.Unit, error)
	GetUser(ctx context.Context, id ctip.ID) (*auth.User, error)
}

// Places validates place codes (implemented by internal/geo).
type Places interface {
	CommuneProvince(code string) (province string, ok bool)
	ProvinceExists(code string) bool
	CountryExists(code string) bool
}

// Service implements crime-information intake and resolution. Every method
// takes the actor from the context, checks permission and record scope,
// validates, applies the rules and writes the change with its audit event in
// one transaction.
type Service struct {
	Store     Store
	Directory Directory
	Places    Places
	Clock     ctip.Clock
	Policy    legal.Policy
	// Calendar returns the working-day calendar in force (it changes when
	// the government announces days off).
	Calendar func() *legal.Calendar
	// MaxAttachment is the largest attachment accepted, in bytes.
	MaxAttachment int64
	// Registry records reporters in the person registry (internal/person).
	Registry ReporterRegistry
}

// ReporterRegistry records an item's reporter in the person registry as a
// protected person linked to the item (internal/person).
type ReporterRegistry interface {
	LinkReporter(ctx context.Context, itemID, receivingUnit ctip.ID, in person.ReporterInput) (*person.Person, error)
}

// Limits on free text (characters).
const (
	MaxSummary = 4000
	MaxPersons = 2000
	MaxNote    = 2000
	MaxShort   = 200
)

func (s *Service) now() time.Time   { return s.Clock.Now() }
func (s *Service) today() ctip.Date { return ctip.DateOf(s.now()) }
func (s *Service) cal() *legal.Calendar {
	if s.Calendar == nil {
		return legal.NewCalendar()
	}
	return s.Calendar()
}

func actorOf(ctx context.Context) (*ctip.Actor, error) {
	a := ctip.ActorFrom(ctx)
	if a == nil {
		return nil, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	return a, nil
}

// ReporterInput is the reporter as entered.
type ReporterInput struct {
	Anonymous    bool   `json:"anonymous"`
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	IDNumber     string `json:"id_number"`
	Address      string `json:"address"`
}

// Input is the editable content of an item (create and update).
type Input struct {
	Kind           string
	Channel        string
	ReceivedAt     time.Time
	Summary        string
	Persons        string
	CommuneCode    string
	ProvinceCode   string
	CountryCode    string
	OffenceArticle string
	Reporter       ReporterInput
}

var (
	phoneRe = regexp.MustCompile(`^\+?[0-9 .\-()]{8,20}$`)
	emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	idRe    = regexp.MustCompile(`^(\d{9}|\d{12}|[A-Z][0-9]{7,8}|[A-Z0-9]{6,20})$`)
)

func clean(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\x00", "")) }

func tooLong(p *ctip.Problems, field, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		p.Add(field, "error.too_long", n)
	}
}

// validate checks and normalises input. It returns every problem at once.
func (s *Service) validate(in *Input) ctip.Problems {
	var p ctip.Problems
	in.Kind, in.Channel = clean(in.Kind), clean(in.Channel)
	in.Summary, in.Persons = clean(in.Summary), clean(in.Persons)
	in.CommuneCode, in.ProvinceCode = clean(in.CommuneCode), clean(in.ProvinceCode)
	in.CountryCode, in.OffenceArticle = strings.ToUpper(clean(in.CountryCode)), clean(in.OffenceArticle)
	if in.Kind == "" {
		p.Add("kind", "error.required")
	} else if !slices.Contains(Kinds, Kind(in.Kind)) {
		p.Add("kind", "error.choice")
	}
	if in.Channel == "" {
		p.Add("channel", "error.required")
	} else if !slices.Contains(Channels, Channel(in.Channel)) {
		p.Add("channel", "error.choice")
	}
	now := s.now()
	switch {
	case in.ReceivedAt.IsZero():
		p.Add("received_at", "error.required")
	case in.ReceivedAt.After(now.Add(5 * time.Minute)):
		p.Add("received_at", "error.future")
	case in.ReceivedAt.Before(time.Date(2018, 1, 1, 0, 0, 0, 0, ctip.Vietnam)):
		// The 2015 Criminal Procedure Code applies from 1 Jan 2018.
		p.Add("received_at", "intake.received_too_old")
	}
	if in.Summary == "" {
		p.Add("summary", "error.required")
	}
	tooLong(&p, "summary", in.Summary, MaxSummary)
	tooLong(&p, "persons", in.Persons, MaxPersons)
	if in.CommuneCode != "" {
		if in.CommuneCode == "06978" { // accepted alias of Ba Chẽ (see shared/data/SOURCES.md)
			in.CommuneCode = "06970"
		}
		prov, ok := s.Places.CommuneProvince(in.CommuneCode)
		if !ok {
			p.Add("commune_code", "error.commune_code")
		} else if in.ProvinceCode != "" && in.ProvinceCode != prov {
			p.Add("province_code", "intake.province_mismatch")
		} else {
			in.ProvinceCode = prov
		}
	} else if in.ProvinceCode != "" && !s.Places.ProvinceExists(in.ProvinceCode) {
		p.Add("province_code", "error.province_code")
	}
	if in.CountryCode != "" {
		if !s.Places.CountryExists(in.CountryCode) {
			p.Add("country_code", "error.country_code")
		} else if in.CountryCode == "VN" {
			in.CountryCode = ""
		} else if in.CommuneCode != "" || in.ProvinceCode != "" {
			p.Add("country_code", "intake.place_both")
		}
	}
	if in.OffenceArticle == "" {
		p.Add("offence_article", "error.required")
	} else if !slices.Contains(Offences, in.OffenceArticle) {
		p.Add("offence_article", "error.choice")
	}
	r := &in.Reporter
	r.Name, r.Organisation, r.Phone = clean(r.Name), clean(r.Organisation), clean(r.Phone)
	r.Email, r.IDNumber, r.Address = clean(r.Email), strings.ToUpper(clean(r.IDNumber)), clean(r.Address)
	switch {
	case Kind(in.Kind) == Petition && (r.Anonymous || *r == ReporterInput{}):
		// A prosecution request is by definition a written request of a
		// competent State agency (BLTTHS Art. 144(3)): the agency is always
		// known and is recorded, so neither "anonymous" nor "not recorded".
		p.Add("reporter.organisation", "intake.petition_agency_required")
	case r.Anonymous:
		*r = ReporterInput{Anonymous: true} // nothing identifying is kept for an anonymous reporter
	case *r == ReporterInput{} && Kind(in.Kind) == Report:
		// A crime report is defined by its source: an agency or organisation
		// that notifies, or the mass media that published it (Art. 144(2)).
		// The source is part of the receipt record; a person who will not be
		// named is recorded as anonymous instead.
		p.Add("reporter.organisation", "intake.report_source_required")
	case *r == ReporterInput{}:
		// A denunciation with no reporter given: "not recorded". The law
		// requires every denunciation to be received (Art. 145(1)) and may be
		// oral (Art. 144(4)); it does not make the denouncer's identity a
		// condition of receipt, so nothing is required here (a caller who
		// asks not to be named is better marked anonymous).
	default:
		if r.Name == "" && r.Organisation == "" {
			p.Add("reporter.name", "intake.reporter_required")
		}
		if Kind(in.Kind) != Denunciation && r.Organisation == "" {
			p.Add("reporter.organisation", "intake.organisation_required")
		}
		tooLong(&p, "reporter.name", r.Name, MaxShort)
		tooLong(&p, "reporter.organisation", r.Organisation, MaxShort)
		tooLong(&p, "reporter.address", r.Address, 500)
		if r.Phone != "" && !phoneRe.MatchString(r.Phone) {
			p.Add("reporter.phone", "error.phone")
		}
		if r.Email != "" && (!emailRe.MatchString(r.Email) || len(r.Email) > 254) {
			p.Add("reporter.email", "error.email")
		}
		if r.IDNumber != "" && !idRe.MatchString(r.IDNumber) {
			p.Add("reporter.id_number", "error.id_number")
		}
	}
	return p
}

func (in *Input) apply(it *Item) []string {
	var changed []string
	set := func(field string, dst *string, v string) {
		if *dst != v {
			*dst = v
			changed = append(changed, field)
		}
	}
	k, c := string(it.Kind), string(it.Channel)
	set("kind", &k, in.Kind)
	set("channel", &c, in.Channel)
	it.Kind, it.Channel = Kind(k), Channel(c)
	set("summary", &it.Summary, in.Summary)
	set("persons", &it.Persons, in.Persons)
	set("commune_code", &it.CommuneCode, in.CommuneCode)
	set("province_code", &it.ProvinceCode, in.ProvinceCode)
	set("country_code", &it.CountryCode, in.CountryCode)
	set("offence_article", &it.OffenceArticle, in.OffenceArticle)
	r := Reporter{Anonymous: in.Reporter.Anonymous, Name: in.Reporter.Name, Organisation: in.Reporter.Organisation,
		Phone: in.Reporter.Phone, Email: in.Reporter.Email, IDNumber: in.Reporter.IDNumber, Address: in.Reporter.Address}
	r.Held = !r.Empty()
	if r != it.Reporter {
		// Name the protected fields that changed, never their values.
		for _, f := range []struct {
			name string
			a, b string
		}{{"reporter.name", r.Name, it.Reporter.Name}, {"reporter.organisation", r.Organisation, it.Reporter.Organisation},
			{"reporter.phone", r.Phone, it.Reporter.Phone}, {"reporter.email", r.Email, it.Reporter.Email},
			{"reporter.id_number", r.IDNumber, it.Reporter.IDNumber}, {"reporter.address", r.Address, it.Reporter.Address}} {
			if f.a != f.b {
				changed = append(changed, f.name)
			}
		}
		if r.Anonymous != it.Reporter.Anonymous {
			changed = append(changed, "reporter.anonymous")
		}
		it.Reporter = r
	}
	return changed
}

// Create records a new item received by the actor's unit, allocates its
// register number and starts the 20-day clock (Art. 147(1)).
func (s *Service) Create(ctx context.Context, in Input) (*Item, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermIntakeCreate) {
		return nil, ctip.ErrForbidden()
	}
	if p := s.validate(&in); len(p) > 0 {
		return nil, p.Err()
	}
	now := s.now()
	it := &Item{ID: ctip.NewID(), ReceivingUnitID: a.UnitID, UnitID: a.UnitID, ReceivedBy: a.UserID,
		ReceivedAt: in.ReceivedAt.UTC().Truncate(time.Microsecond), Status: Received, ClockKind: ClockBase,
		Version: 1, CreatedAt: now, UpdatedAt: now,
		ReceivingUnitPath: a.UnitPath, UnitPath: a.UnitPath, ReceivingUnitName: a.UnitName, UnitName: a.UnitName}
	it.ReceivedOn = ctip.DateOf(it.ReceivedAt)
	it.ClockStart = it.ReceivedOn
	in.apply(it)
	s.refresh(it)
	ev := Event{ID: ctip.NewID(), ItemID: it.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName, Action: "create", ToStatus: Received}
	au := ctip.NewAuditEvent(a, now, "intake.create", "intake_item", it.ID)
	au.Fields = []string{"kind", "channel", "received_at", "summary", "persons", "place", "offence_article"}
	if !it.Reporter.Anonymous && !it.Reporter.NotRecorded() {
		au.Fields = append(au.Fields, "reporter")
	}
	if err := s.Store.CreateItem(ctx, it, ev, au); err != nil {
		return nil, err
	}
	return it, nil
}

// refresh recomputes the stored deadline fields from the clock.
func (s *Service) refresh(it *Item) {
	run, notice := Deadlines(it, s.Policy, s.cal())
	it.Deadline = run.Due
	it.NoticeDue = notice.Due
}

// load reads an item and checks that the actor may see it. An item out of
// scope answers NotFound (its existence stays hidden) and the attempt is audited.
func (s *Service) load(ctx context.Context, a *ctip.Actor, id ctip.ID) (*Item, error) {
	it, err := s.Store.GetItem(ctx, id)
	if err != nil {
		return nil, err
	}
	scope := ctip.VisibleScope(a, ctip.PermIntakeOversight)
	if !a.Can(ctip.PermIntakeRead) || !scope.Sees(it.UnitID, it.UnitPath, it.SharedWith) {
		ev := ctip.NewAuditEvent(a, s.now(), "intake.access_denied", "intake_item", id)
		s.Store.AppendAudit(ctx, ev)
		return nil, ctip.ErrNotFound()
	}
	return it, nil
}

// View is an item as one actor may see it, with what they may do to it.
type View struct {
	Item           *Item
	Run            legal.Limit
	Notice         legal.Limit
	DaysLeft       int
	State          DeadlineState
	CanSeeReporter bool
	Allowed        []Action
	CanEdit        bool
	Events         []Event
	Attachments    []*Attachment
	RequestBy      ctip.Date // last day to ask the procuracy for the Art. 147(3) extension
}

// Get returns an item with its timeline and attachments. The reporter's
// identity is never included: see Reporter.
func (s *Service) Get(ctx context.Context, id ctip.ID) (*View, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	it, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	v := s.view(a, it)
	if v.Events, err = s.Store.ItemEvents(ctx, id); err != nil {
		return nil, err
	}
	if v.Attachments, err = s.Store.ListAttachments(ctx, id); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Service) view(a *ctip.Actor, it *Item) *View {
	protected := it.Reporter
	it.Reporter = Reporter{Anonymous: protected.Anonymous, Held: protected.Held || !protected.Empty()}
	v := &View{Item: it, CanSeeReporter: !protected.Anonymous && !protected.Empty() && CanSeeReporter(a, it)}
	v.Run, v.Notice = Deadlines(it, s.Policy, s.cal())
	today := s.today()
	v.State = StateOf(it, today)
	if !v.Run.Due.IsZero() {
		v.DaysLeft = legal.DaysLeft(today, v.Run)
		v.RequestBy = legal.RequestBy(v.Run, legal.IntakeExtensionRequestLeadDays)
	}
	for _, act := range Actions {
		if s.permitted(a, it, act) == nil {
			v.Allowed = append(v.Allowed, act)
		}
	}
	v.CanEdit = a.Can(ctip.PermIntakeProcess) && CanWrite(a, it) && !it.Status.Closed()
	return v
}

// permitted checks permission, write scope and the transition table.
func (s *Service) permitted(a *ctip.Actor, it *Item, act Action) error {
	r, ok := Rules[act]
	if !ok {
		return ctip.Errorf(ctip.Invalid, "intake.action_unknown")
	}
	if !a.Can(r.Perm) {
		return ctip.ErrForbidden()
	}
	if !ProcuracyAction(act) && !CanWrite(a, it) {
		return ctip.ErrForbidden()
	}
	if !Allowed(act, it.Status) {
		// The action and the status by their labels, never the codes.
		return ctip.Errorf(ctip.Conflict, "intake.transition_refused", ctip.Label("action."+string(act)), ctip.Label("status."+string(it.Status)))
	}
	switch act {
	case ActExtend:
		if it.BodyExtensionMonths >= legal.IntakeBodyMaxMonths || it.ProcuracyExtended || it.ClockKind == ClockResumed || it.ClockKind == ClockCancelled {
			return ctip.Errorf(ctip.Conflict, "intake.extension_exhausted", r.Basis)
		}
	case ActProcuracyExtend:
		if it.ProcuracyExtended {
			return ctip.Errorf(ctip.Conflict, "intake.procuracy_extension_once", r.Basis)
		}
		if it.BodyExtensionMonths < legal.IntakeBodyMaxMonths {
			return ctip.Errorf(ctip.Conflict, "intake.procuracy_extension_needs_body", r.Basis)
		}
	case ActNotify:
		if !it.ProcuracyNotifiedOn.IsZero() {
			return ctip.Errorf(ctip.Conflict, "intake.already_notified")
		}
	}
	return nil
}

// Permitted tells whether the actor may take an action on an item now:
// Forbidden when their role or unit may not, Conflict when the item's state
// or history does not allow it.
func (s *Service) Permitted(ctx context.Context, it *Item, act Action) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	return s.permitted(a, it, act)
}

// ActionInput carries what an action records.
type ActionInput struct {
	TargetUnitID   ctip.NullID // transfer
	OfficerID      ctip.NullID // assign
	Note           string
	DocumentNumber string
	DocumentDate   ctip.Date
	Signer         string
	Months         int       // extend: new total (1–2); procuracy_extend: extra months (1–2)
	RequestedOn    ctip.Date // procuracy_extend: the day the investigating body asked
	Ground         string    // not_prosecute, suspend
}

// Do applies an action to an item (version-checked).
func (s *Service) Do(ctx context.Context, id ctip.ID, version int, act Action, in ActionInput) (*View, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	it, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := s.permitted(a, it, act); err != nil {
		return nil, err
	}
	if it.Version != version {
		return nil, ctip.ErrStale()
	}
	rule := Rules[act]
	today := s.today()
	in.Note, in.DocumentNumber, in.Signer, in.Ground = clean(in.Note), clean(in.DocumentNumber), clean(in.Signer), clean(in.Ground)
	var p ctip.Problems
	tooLong(&p, "note", in.Note, MaxNote)
	tooLong(&p, "document_number", in.DocumentNumber, 60)
	tooLong(&p, "signer", in.Signer, MaxShort)
	if rule.Decision {
		if in.DocumentNumber == "" {
			p.Add("document_number", "error.required")
		}
		if in.Signer == "" {
			p.Add("signer", "error.required")
		}
		switch {
		case in.DocumentDate.IsZero():
			p.Add("document_date", "error.required")
		case in.DocumentDate.After(today):
			p.Add("document_date", "error.future")
		case in.DocumentDate.Before(it.ReceivedOn):
			p.Add("document_date", "intake.date_before_receipt")
		}
	} else if !in.DocumentDate.IsZero() && in.DocumentDate.After(today) {
		p.Add("document_date", "error.future")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	events, err := s.Store.ItemEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	// A decision cannot be dated before the previous decision of the item.
	if rule.Decision {
		for _, e := range events {
			if !e.DocumentDate.IsZero() && in.DocumentDate.Before(e.DocumentDate) && e.Action != "notify" {
				p.Add("document_date", "intake.date_before_previous", e.DocumentDate.Format())
				return nil, p.Err()
			}
		}
	}
	now := s.now()
	run, _ := Deadlines(it, s.Policy, s.cal())
	ev := Event{ID: ctip.NewID(), ItemID: it.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName,
		Action: string(act), FromStatus: it.Status, DocumentNumber: in.DocumentNumber, DocumentDate: in.DocumentDate,
		Signer: in.Signer, Note: in.Note}
	fields := []string{"status"}
	share := ctip.NullID{}
	switch act {
	case ActTransfer:
		if !in.TargetUnitID.Valid {
			p.Add("target_unit", "error.required")
			return nil, p.Err()
		}
		target, err := s.Directory.GetUnit(ctx, in.TargetUnitID.ID)
		switch {
		case err != nil:
			p.Add("target_unit", "auth.unit_unknown")
		case !target.Active:
			p.Add("target_unit", "auth.unit_inactive")
		case target.ID == it.UnitID:
			p.Add("target_unit", "intake.transfer_same_unit")
		case !slices.Contains([]string{ctip.UnitPolice, ctip.UnitCommunePolice, ctip.UnitBorderGuard, ctip.UnitProcuracy}, target.Kind):
			// Only bodies that receive or resolve crime information (Art. 145).
			p.Add("target_unit", "intake.transfer_not_competent")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		share = ctip.Some(it.UnitID) // the sending unit keeps read access
		it.UnitID, it.UnitPath, it.UnitName = target.ID, target.Path, target.Name
		it.AssignedTo = ctip.NullID{}
		ev.Detail = target.ID.String()
		fields = append(fields, "unit", "assigned_to")
	case ActAssign:
		if !in.OfficerID.Valid {
			p.Add("officer", "error.required")
			return nil, p.Err()
		}
		u, err := s.Directory.GetUser(ctx, in.OfficerID.ID)
		if err != nil || u.Disabled || u.UnitID != it.UnitID ||
			!(slices.Contains(u.Roles, auth.RoleInvestigator) || slices.Contains(u.Roles, auth.RoleIntake) || slices.Contains(u.Roles, auth.RoleLeader)) {
			p.Add("officer", "intake.officer_invalid")
			return nil, p.Err()
		}
		it.AssignedTo = ctip.Some(u.ID)
		ev.Detail = u.ID.String()
		fields = append(fields, "assigned_to")
	case ActVerify:
		if in.Note == "" {
			p.Add("note", "error.required")
			return nil, p.Err()
		}
	case ActNotify:
		d := in.DocumentDate
		if d.IsZero() {
			d = today
		}
		if d.Before(it.ReceivedOn) {
			p.Add("document_date", "intake.date_before_receipt")
			return nil, p.Err()
		}
		it.ProcuracyNotifiedOn = d
		ev.DocumentDate = d
		fields = []string{"procuracy_notified_on"}
	case ActExtend:
		if in.Months <= it.BodyExtensionMonths {
			p.Add("months", "intake.extension_not_longer")
			return nil, p.Err()
		}
		l, err := legal.IntakeBodyExtension(s.Policy, s.cal(), it.ReceivedOn, in.Months)
		if err != nil {
			return nil, fieldErr(err, "months")
		}
		if in.DocumentDate.After(run.Due) {
			p.Add("document_date", "intake.extension_after_expiry", run.Due.Format(), rule.Basis)
			return nil, p.Err()
		}
		it.BodyExtensionMonths, it.ClockKind, it.ClockMonths = in.Months, ClockBodyExtension, in.Months
		ev.Detail = l.Due.String()
		fields = []string{"deadline"}
	case ActProcuracyExtend:
		l, err := legal.IntakeProcuracyExtension(s.Policy, s.cal(), it.ReceivedOn, in.Months)
		if err != nil {
			return nil, fieldErr(err, "months")
		}
		if in.DocumentDate.After(run.Due) {
			p.Add("document_date", "intake.extension_after_expiry", run.Due.Format(), rule.Basis)
		}
		if !in.RequestedOn.IsZero() {
			if last := legal.RequestBy(run, legal.IntakeExtensionRequestLeadDays); in.RequestedOn.After(last) {
				p.Add("requested_on", "intake.request_too_late", legal.IntakeExtensionRequestLeadDays, last.Format(), rule.Basis)
			}
			if in.RequestedOn.After(in.DocumentDate) {
				p.Add("requested_on", "intake.request_after_decision")
			}
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		it.ProcuracyExtended, it.ClockKind, it.ClockMonths = true, ClockProcuracyExt, in.Months
		ev.Detail = l.Due.String()
		fields = []string{"deadline"}
	case ActNotProsecute:
		if !slices.Contains(NotProsecuteGrounds, in.Ground) {
			p.Add("ground", "error.choice")
			return nil, p.Err()
		}
		it.DecisionGround = in.Ground
		ev.Detail = in.Ground
	case ActSuspend:
		if !slices.Contains(SuspensionGrounds, in.Ground) {
			p.Add("ground", "error.choice")
		}
		// Art. 148(1): suspension only when the resolution period has run out.
		if !run.Due.IsZero() && in.DocumentDate.Before(run.Due) {
			p.Add("document_date", "intake.suspend_before_expiry", run.Due.Format(), rule.Basis)
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		it.DecisionGround = in.Ground
		ev.Detail = in.Ground
	case ActResume:
		it.ClockKind, it.ClockStart, it.ClockMonths = ClockResumed, in.DocumentDate, 1
		it.DecisionGround = ""
	case ActCancelSuspension:
		it.ClockKind, it.ClockStart, it.ClockMonths = ClockCancelled, in.DocumentDate, 1
		it.DecisionGround = ""
	}
	if rule.Decision && (act == ActProsecute || act == ActNotProsecute || act == ActSuspend) {
		it.DecidedOn, it.DecisionNumber = in.DocumentDate, in.DocumentNumber
		fields = append(fields, "decision")
	}
	it.Status = NextStatus(act, it.Status)
	ev.ToStatus = it.Status
	s.refresh(it)
	it.UpdatedAt = now
	it.Version++
	au := ctip.NewAuditEvent(a, now, "intake."+string(act), "intake_item", it.ID)
	au.Fields = fields
	if err := s.Store.UpdateItem(ctx, it, version, []Event{ev}, share, au); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// fieldErr re-labels a legal-rule error onto a form field.
func fieldErr(err error, field string) error {
	if ce, ok := err.(*ctip.Error); ok && ce.Kind == ctip.Invalid && len(ce.Fields) == 0 {
		return &ctip.Error{Kind: ctip.Invalid, Key: "error.invalid", Fields: []ctip.FieldError{{Field: field, Key: ce.Key, Args: ce.Args}}}
	}
	return err
}

// Update edits an item's content (version-checked). Only the handling unit
// may edit, and not after a decision.
func (s *Service) Update(ctx context.Context, id ctip.ID, version int, in Input) (*View, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	it, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermIntakeProcess) || !CanWrite(a, it) {
		return nil, ctip.ErrForbidden()
	}
	if it.Status.Closed() {
		return nil, ctip.Errorf(ctip.Conflict, "intake.closed")
	}
	if it.Version != version {
		return nil, ctip.ErrStale()
	}
	// The receipt time is fixed by the register entry; edits keep it.
	in.ReceivedAt = it.ReceivedAt
	// Keeping the reporter: the form does not show protected values to
	// users who may not see them, so an empty reporter block means "unchanged".
	if !CanSeeReporter(a, it) || (in.Reporter == ReporterInput{}) {
		in.Reporter = ReporterInput{Anonymous: it.Reporter.Anonymous, Name: it.Reporter.Name, Organisation: it.Reporter.Organisation,
			Phone: it.Reporter.Phone, Email: it.Reporter.Email, IDNumber: it.Reporter.IDNumber, Address: it.Reporter.Address}
	}
	if p := s.validate(&in); len(p) > 0 {
		return nil, p.Err()
	}
	changed := in.apply(it)
	if len(changed) == 0 {
		return s.Get(ctx, id)
	}
	now := s.now()
	it.UpdatedAt = now
	it.Version++
	ev := Event{ID: ctip.NewID(), ItemID: it.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName,
		Action: "update", FromStatus: it.Status, ToStatus: it.Status, Detail: strings.Join(changed, ",")}
	au := ctip.NewAuditEvent(a, now, "intake.update", "intake_item", it.ID)
	au.Fields = changed
	if err := s.Store.UpdateItem(ctx, it, version, []Event{ev}, ctip.NullID{}, au); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Reporter reveals the protected identity of an item's reporter to an
// entitled user, and audits the view. Anyone else gets NotFound.
func (s *Service) Reporter(ctx context.Context, id ctip.ID) (Reporter, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return Reporter{}, err
	}
	it, err := s.load(ctx, a, id)
	if err != nil {
		return Reporter{}, err
	}
	if !CanSeeReporter(a, it) || it.Reporter.Anonymous {
		ev := ctip.NewAuditEvent(a, s.now(), "intake.reporter_denied", "intake_item", id)
		s.Store.AppendAudit(ctx, ev)
		return Reporter{}, ctip.ErrNotFound()
	}
	ev := ctip.NewAuditEvent(a, s.now(), "intake.reporter_view", "intake_item", id)
	ev.Fields = []string{"reporter"}
	if err := s.Store.AppendAudit(ctx, ev); err != nil {
		return Reporter{}, err // no audit, no view
	}
	return it.Reporter, nil
}

// LinkReporter records the item's reporter in the person registry: a new
// protected person (pseudonym; identity encrypted) made from the reporter's
// details, owned by the receiving unit and linked to the item as its
// reporter. Only a user who may see the reporter may do it (the assigned
// officer, the leaders above the receiving unit); in the registry the
// identity stays with those leaders (person.CanReveal), so linking reveals
// nothing to anyone else. Anyone else, and any anonymous reporter, gets
// NotFound, audited like a refused view of the reporter.
func (s *Service) LinkReporter(ctx context.Context, id ctip.ID) (ctip.ID, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return ctip.NilID, err
	}
	it, err := s.load(ctx, a, id)
	if err != nil {
		return ctip.NilID, err
	}
	if !CanSeeReporter(a, it) || it.Reporter.Anonymous || it.Reporter.Empty() || s.Registry == nil {
		ev := ctip.NewAuditEvent(a, s.now(), "intake.reporter_denied", "intake_item", id)
		s.Store.AppendAudit(ctx, ev)
		return ctip.NilID, ctip.ErrNotFound()
	}
	if it.Reporter.Name == "" {
		var p ctip.Problems
		p.Add("reporter.name", "intake.reporter_link_name")
		return ctip.NilID, p.Err()
	}
	r := it.Reporter
	p, err := s.Registry.LinkReporter(ctx, it.ID, it.ReceivingUnitID, person.ReporterInput{Name: r.Name, Phone: r.Phone, IDNumber: r.IDNumber, Address: r.Address})
	if err != nil {
		return ctip.NilID, err
	}
	return p.ID, nil
}

// Views of the intake lists.
const (
	ViewMine    = "mine"    // assigned to me
	ViewUnit    = "unit"    // handled by my unit
	ViewDue     = "due"     // open, deadline within DueSoonDays
	ViewOverdue = "overdue" // open, deadline passed
	ViewAll     = "all"     // everything in my scope
)

// Views lists the list views.
var Views = []string{ViewMine, ViewUnit, ViewDue, ViewOverdue, ViewAll}

// List returns a page of items in the actor's scope.
func (s *Service) List(ctx context.Context, view string, f Filter, p ctip.PageRequest) (ctip.Page[*Item], error) {
	a, err := actorOf(ctx)
	if err != nil {
		return ctip.Page[*Item]{}, err
	}
	if !a.Can(ctip.PermIntakeRead) {
		return ctip.Page[*Item]{}, ctip.ErrForbidden()
	}
	var pr ctip.Problems
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		pr.Add("to", "error.date_range")
	}
	for _, st := range f.Statuses {
		if !slices.Contains(Statuses, st) {
			pr.Add("status", "error.choice")
			break
		}
	}
	if f.Kind != "" && !slices.Contains(Kinds, f.Kind) {
		pr.Add("kind", "error.choice")
	}
	if f.Channel != "" && !slices.Contains(Channels, f.Channel) {
		pr.Add("channel", "error.choice")
	}
	if f.Offence != "" && !slices.Contains(Offences, f.Offence) {
		pr.Add("offence", "error.choice")
	}
	if err := pr.Err(); err != nil {
		return ctip.Page[*Item]{}, err
	}
	scope := ctip.VisibleScope(a, ctip.PermIntakeOversight)
	today := s.today()
	switch view {
	case ViewMine:
		f.AssignedTo = ctip.Some(a.UserID)
	case ViewUnit:
		f.UnitID = ctip.Some(a.UnitID)
	case ViewDue:
		f.DueFrom, f.DueBy = today, today.AddDays(DueSoonDays)
	case ViewOverdue:
		f.DueBy = today.AddDays(-1)
	case ViewAll, "":
	default:
		pr.Add("view", "error.choice")
		return ctip.Page[*Item]{}, pr.Err()
	}
	if p.Sort == "" && (view == ViewDue || view == ViewOverdue) {
		// The lists of clocks running out: the most urgent first, unless the
		// user sorts otherwise (and the deadline index serves them: sorting a
		// province's overdue items by reception took 450 ms at a million items).
		p.Sort, p.Desc = "deadline", false
	}
	page, err := s.Store.ListItems(ctx, f, scope, p.Normalize())
	for _, it := range page.Items {
		it.Reporter = Reporter{Anonymous: it.Reporter.Anonymous, Held: it.Reporter.Held}
	}
	return page, err
}

// Counts summarises the actor's scope for the dashboard.
func (s *Service) Counts(ctx context.Context) (StatusCounts, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return StatusCounts{}, err
	}
	if !a.Can(ctip.PermIntakeRead) {
		return StatusCounts{}, ctip.ErrForbidden()
	}
	today := s.today()
	return s.Store.CountByStatus(ctx, ctip.VisibleScope(a, ctip.PermIntakeOversight), today, today.AddDays(DueSoonDays))
}

// Attach stores a file on an item, encrypted, after sniffing its type.
func (s *Service) Attach(ctx context.Context, id ctip.ID, filename string, content []byte) (*Attachment, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	it, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermIntakeProcess) || !CanWrite(a, it) {
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
		p.Add("file", "intake.file_empty")
	} else if int64(len(content)) > max {
		p.Add("file", "intake.file_too_large", max>>20)
	}
	ct := filetype.Detect(content, filename)
	if len(content) > 0 && !slices.Contains(filetype.Accepted, ct) {
		p.Add("file", "intake.file_type", ct)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	sum := sha256.Sum256(content)
	att := &Attachment{ID: ctip.NewID(), ItemID: it.ID, Filename: filename, ContentType: ct, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: a.UserID, UploadedAt: now, Content: content}
	ev := Event{ID: ctip.NewID(), ItemID: it.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName,
		Action: "attach", FromStatus: it.Status, ToStatus: it.Status, Detail: att.ID.String()}
	au := ctip.NewAuditEvent(a, now, "intake.attach", "intake_attachment", att.ID)
	au.Fields = []string{"item:" + it.ID.String()}
	if err := s.Store.AddAttachment(ctx, att, ev, au); err != nil {
		return nil, err
	}
	att.Content = nil
	return att, nil
}

// Attachment returns a file (with content) to someone who may see the item,
// and audits the download.
func (s *Service) Attachment(ctx context.Context, id, attID ctip.ID) (*Attachment, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.load(ctx, a, id); err != nil {
		return nil, err
	}
	att, err := s.Store.GetAttachment(ctx, id, attID)
	if err != nil {
		return nil, err
	}
	ev := ctip.NewAuditEvent(a, s.now(), "intake.download", "intake_attachment", attID)
	ev.Fields = []string{"item:" + id.String()}
	if err := s.Store.AppendAudit(ctx, ev); err != nil {
		return nil, err
	}
	return att, nil
}

// Detach removes an attachment (the handling unit, before a decision).
func (s *Service) Detach(ctx context.Context, id, attID ctip.ID) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	it, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	if !a.Can(ctip.PermIntakeProcess) || !CanWrite(a, it) {
		return ctip.ErrForbidden()
	}
	if it.Status.Closed() {
		return ctip.Errorf(ctip.Conflict, "intake.closed")
	}
	now := s.now()
	ev := Event{ID: ctip.NewID(), ItemID: it.ID, At: now, ActorID: ctip.Some(a.UserID), ActorName: a.DisplayName,
		Action: "detach", FromStatus: it.Status, ToStatus: it.Status, Detail: attID.String()}
	au := ctip.NewAuditEvent(a, now, "intake.detach", "intake_attachment", attID)
	au.Fields = []string{"item:" + id.String()}
	return s.Store.DeleteAttachment(ctx, id, attID, ev, au)
}

package casefile

import (
	"context"
	"strconv"
	"sync"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/intake"
	"ctip/internal/legal"
	"ctip/internal/notify"
)

// ReminderStore is what the reminder job reads besides the case store.
type ReminderStore interface {
	// IntakeDue lists open crime-information items whose limit ends in [from, to].
	IntakeDue(ctx context.Context, from, to ctip.Date) ([]IntakeDueItem, error)
	// UsersWithRoles lists the active users of a unit holding one of the roles.
	UsersWithRoles(ctx context.Context, unitID ctip.ID, roles []string) ([]ctip.ID, error)
}

// IntakeDueItem is an open intake item's running limit.
type IntakeDueItem struct {
	ID         ctip.ID
	Reference  string
	UnitID     ctip.ID
	AssignedTo ctip.NullID
	Deadline   ctip.Date
}

// Remind is the reminder job: for every running clock — each case's stage
// limit, each accused's measure, each open crime-information item — whose
// last day is within the configured number of days (Settings.ReminderDays),
// it notifies the assigned officers and their leaders (and, for stages the
// procuracy or court holds, that body's users). Each notification has a
// dedup key naming the clock and its last day, so several instances, or
// several runs, never notify twice; an extension (a new last day) notifies
// anew. It returns the number of notifications added.
func (s *Service) Remind(ctx context.Context, rs ReminderStore) (int, error) {
	if s.Notify == nil {
		return 0, nil
	}
	set := s.settings(ctx)
	maxLead := 0
	for _, n := range set.ReminderDays {
		maxLead = max(maxLead, n)
	}
	today := s.today()
	clocks, err := s.Store.DueClocks(ctx, today, today.AddDays(maxLead))
	if err != nil {
		return 0, err
	}
	var ids []ctip.ID
	for _, k := range clocks {
		ids = append(ids, k.CaseID)
	}
	officers, err := s.Store.CaseOfficerIDs(ctx, ids)
	if err != nil {
		return 0, err
	}
	cache := map[string][]ctip.ID{}
	users := func(unit ctip.ID, roles ...string) []ctip.ID {
		key := unit.String()
		for _, r := range roles {
			key += "/" + r
		}
		if u, ok := cache[key]; ok {
			return u
		}
		u, _ := rs.UsersWithRoles(ctx, unit, roles)
		cache[key] = u
		return u
	}
	var out []notify.Notification
	add := func(recips []ctip.ID, n notify.Notification) {
		seen := map[ctip.ID]bool{}
		for _, u := range recips {
			if seen[u] {
				continue
			}
			seen[u] = true
			c := n
			c.UserID = u
			out = append(out, c)
		}
	}
	for _, k := range clocks {
		lead, ok := set.ReminderDays[k.Kind]
		left := today.DaysUntil(k.Due)
		if !ok || left > lead || left < 0 {
			continue
		}
		var recips []ctip.ID
		switch k.Holder {
		case BodyProcuracy:
			if k.ProcuracyUnitID.Valid {
				recips = users(k.ProcuracyUnitID.ID, auth.RoleProcurator, auth.RoleLeader)
			}
		case BodyCourt:
			if k.CourtUnitID.Valid {
				recips = users(k.CourtUnitID.ID, auth.RoleCourt, auth.RoleLeader)
			}
		default:
			recips = append(append(recips, officers[k.CaseID]...), users(k.UnitID, auth.RoleLeader)...)
		}
		add(recips, notify.Notification{Kind: "deadline", Key: "case.notify." + k.Kind,
			Args: []string{k.Reference, k.Due.Format(), strconv.Itoa(left), k.Basis}, Link: "/cases/" + k.CaseID.String(),
			RecordType: "case", RecordID: k.CaseID.String(),
			DedupKey: "case:" + k.CaseID.String() + ":" + k.Kind + ":" + k.MeasureID.ID.String() + ":" + k.Due.String()})
	}
	if lead, ok := set.ReminderDays["intake"]; ok && rs != nil {
		items, err := rs.IntakeDue(ctx, today, today.AddDays(lead))
		if err != nil {
			return 0, err
		}
		for _, it := range items {
			recips := users(it.UnitID, auth.RoleLeader)
			if it.AssignedTo.Valid {
				recips = append([]ctip.ID{it.AssignedTo.ID}, recips...)
			}
			left := today.DaysUntil(it.Deadline)
			add(recips, notify.Notification{Kind: "deadline", Key: "case.notify.intake",
				Args: []string{it.Reference, it.Deadline.Format(), strconv.Itoa(left), "BLTTHS Điều 147"}, Link: "/intake/" + it.ID.String(),
				RecordType: "intake_item", RecordID: it.ID.String(), DedupKey: "intake:" + it.ID.String() + ":" + it.Deadline.String()})
		}
	}
	if len(out) == 0 {
		return 0, nil
	}
	return s.Notify.Send(ctx, out...)
}

// ---------- recomputing stored deadlines ----------

// IntakeClockStore reads and rewrites the stored limits of open crime information.
type IntakeClockStore interface {
	OpenIntakeClocks(ctx context.Context) ([]*intake.Item, error)
	SetIntakeDeadline(ctx context.Context, id ctip.ID, deadline, notice ctip.Date) error
}

// Recompute rewrites every stored deadline with the calendar in force (after
// announced days off change): each case with a running clock, and each
// open crime-information item. It returns how many records changed.
func (s *Service) Recompute(ctx context.Context, is IntakeClockStore) (int, error) {
	changed := 0
	after := ctip.NilID
	for {
		ids, err := s.Store.OpenCaseIDs(ctx, after, 500)
		if err != nil {
			return changed, err
		}
		if len(ids) == 0 {
			break
		}
		for _, id := range ids {
			after = id
			// A case changed meanwhile (ErrStale) is read and computed again.
			for try := 0; ; try++ {
				n, err := s.recomputeCase(ctx, id)
				if ctip.IsKind(err, ctip.Conflict) && try < 3 {
					continue
				}
				if err != nil {
					return changed, err
				}
				changed += n
				break
			}
		}
	}
	if is != nil {
		items, err := is.OpenIntakeClocks(ctx)
		if err != nil {
			return changed, err
		}
		for _, it := range items {
			run, notice := intake.Deadlines(it, s.Policy, s.cal())
			if run.Due != it.Deadline || notice.Due != it.NoticeDue {
				if err := is.SetIntakeDeadline(ctx, it.ID, run.Due, notice.Due); err != nil {
					return changed, err
				}
				changed++
			}
		}
	}
	return changed, nil
}

// recomputeCase rewrites one case's stored deadlines if the calendar in
// force moves them (1: changed).
func (s *Service) recomputeCase(ctx context.Context, id ctip.ID) (int, error) {
	c, err := s.Store.GetCase(ctx, id)
	if err != nil {
		return 0, err
	}
	accused, err := s.Store.CaseAccused(ctx, id)
	if err != nil {
		return 0, err
	}
	measures, err := s.Store.CaseMeasures(ctx, id)
	if err != nil {
		return 0, err
	}
	before, nextBefore := c.CurrentDue, c.NextDue
	dues := map[ctip.ID]ctip.Date{}
	for _, m := range measures {
		dues[m.ID] = m.Due
	}
	clocks, err := Clocks(c, accused, measures, s.Policy, s.cal())
	if err != nil {
		return 0, nil // the stored state no longer fits the rules: left for a person to look at
	}
	diff := before != c.CurrentDue || nextBefore != c.NextDue
	for _, m := range measures {
		diff = diff || dues[m.ID] != m.Due
	}
	if !diff {
		return 0, nil
	}
	if err := s.Store.SetCaseClocks(ctx, c, measures, clocks); err != nil {
		return 0, err
	}
	return 1, nil
}

// ---------- the calendar in force ----------

// CalendarStore keeps the announced days off and make-up days, and settings.
type CalendarStore interface {
	CalendarDays(ctx context.Context) ([]Announcement, error)
	PutCalendarDay(ctx context.Context, a Announcement, audit ctip.AuditEvent) error
	DeleteCalendarDay(ctx context.Context, d ctip.Date, audit ctip.AuditEvent) error
	Setting(ctx context.Context, key string) (string, bool, error)
	SaveSettings(ctx context.Context, kv map[string]string, audit ctip.AuditEvent) error
}

// Settings keys.
const (
	SettingReminderDays = "cases.reminder_days"
	SettingKeyTarget    = "cases.key_target_percent"
)

// Calendars is the working-day calendar in force: the statutory calendar,
// the announcements of the optional data file (CTIP_HOLIDAYS_FILE) and
// those entered on the admin page (stored; the page wins for the same
// date). Instances reload the stored part every TTL, so a change made on
// one instance reaches the others within it. It also serves the module's
// settings.
type Calendars struct {
	Store CalendarStore
	File  []legal.Announcement
	Clock ctip.Clock
	TTL   time.Duration // default 30 s
	// OnChange runs after a change (recompute the stored deadlines).
	OnChange func(ctx context.Context) error

	mu     sync.Mutex
	cal    *legal.Calendar
	set    *Settings
	loaded time.Time
}

func (cs *Calendars) ttl() time.Duration {
	if cs.TTL <= 0 {
		return 30 * time.Second
	}
	return cs.TTL
}

// Current returns the calendar in force (never nil).
func (cs *Calendars) Current() *legal.Calendar {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.cal == nil || time.Since(cs.loaded) > cs.ttl() {
		cs.reload(context.Background())
	}
	return cs.cal
}

// reload reads the stored announcements and settings (mu held).
func (cs *Calendars) reload(ctx context.Context) {
	cal := legal.NewCalendar().WithAnnouncements(cs.File)
	set := DefaultSettings()
	if cs.Store != nil {
		if days, err := cs.Store.CalendarDays(ctx); err == nil {
			var ann []legal.Announcement
			for _, d := range days {
				ann = append(ann, d.Announcement)
			}
			cal = cal.WithAnnouncements(ann)
		} else if cs.cal != nil {
			cal = cs.cal // keep the last good calendar on a read error
		}
		if v, ok, err := cs.Store.Setting(ctx, SettingReminderDays); err == nil && ok {
			set.ReminderDays = ParseReminderDays(v)
		}
		if v, ok, err := cs.Store.Setting(ctx, SettingKeyTarget); err == nil && ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 && n <= 100 {
				set.KeyTargetPercent = n
			}
		}
	}
	cs.cal, cs.set, cs.loaded = cal, &set, time.Now()
}

// Settings returns the module's settings in force.
func (cs *Calendars) Settings(ctx context.Context) Settings {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.set == nil || time.Since(cs.loaded) > cs.ttl() {
		cs.reload(ctx)
	}
	return *cs.set
}

func (cs *Calendars) invalidate() {
	cs.mu.Lock()
	cs.cal = nil
	cs.set = nil
	cs.mu.Unlock()
}

// Days lists the announcements: the data file's and the stored ones.
func (cs *Calendars) Days(ctx context.Context) ([]Announcement, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(ctip.PermAdminSettings) {
		return nil, ctip.ErrForbidden()
	}
	stored, err := cs.Store.CalendarDays(ctx)
	if err != nil {
		return nil, err
	}
	byDate := map[ctip.Date]bool{}
	for _, d := range stored {
		byDate[d.Date] = true
	}
	var out []Announcement
	for _, f := range cs.File {
		if !byDate[f.Date] {
			out = append(out, Announcement{Announcement: f, Source: "file"})
		}
	}
	out = append(out, stored...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Date.Before(out[j-1].Date); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// PutDay adds or replaces an announced day off or make-up working day,
// then recomputes the stored deadlines.
func (cs *Calendars) PutDay(ctx context.Context, d ctip.Date, kind, note string) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !a.Can(ctip.PermAdminSettings) {
		return ctip.ErrForbidden()
	}
	var p ctip.Problems
	note = clean(note)
	switch {
	case d.IsZero():
		p.Add("date", "error.required")
	case d.Year < legal.MinAnnouncementYear || d.Year > legal.MaxAnnouncementYear:
		p.Add("date", "case.calendar_year", legal.MinAnnouncementYear, legal.MaxAnnouncementYear)
	}
	if kind != legal.AnnouncedDayOff && kind != legal.AnnouncedWorkingDay {
		p.Add("kind", "error.choice")
	}
	tooLong(&p, "note", note, MaxShort)
	if err := p.Err(); err != nil {
		return err
	}
	now := cs.Clock.Now()
	au := ctip.NewAuditEvent(a, now, "calendar.put", "calendar_day", ctip.NilID)
	au.RecordID = d.String()
	au.Fields = []string{"kind", "note"}
	if err := cs.Store.PutCalendarDay(ctx, Announcement{Announcement: legal.Announcement{Date: d, Kind: kind, Note: note}, Source: "db", UpdatedAt: now}, au); err != nil {
		return err
	}
	return cs.changed(ctx)
}

// DeleteDay removes a stored announcement, then recomputes.
func (cs *Calendars) DeleteDay(ctx context.Context, d ctip.Date) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !a.Can(ctip.PermAdminSettings) {
		return ctip.ErrForbidden()
	}
	au := ctip.NewAuditEvent(a, cs.Clock.Now(), "calendar.delete", "calendar_day", ctip.NilID)
	au.RecordID = d.String()
	if err := cs.Store.DeleteCalendarDay(ctx, d, au); err != nil {
		return err
	}
	return cs.changed(ctx)
}

func (cs *Calendars) changed(ctx context.Context) error {
	cs.invalidate()
	if cs.OnChange != nil {
		return cs.OnChange(ctip.WithActor(ctx, ctip.SystemActor("calendar.recompute")))
	}
	return nil
}

// SaveSettings stores the reminder lead days and the key-case target.
func (cs *Calendars) SaveSettings(ctx context.Context, set Settings) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !a.Can(ctip.PermAdminSettings) {
		return ctip.ErrForbidden()
	}
	var p ctip.Problems
	for _, k := range ReminderKinds {
		if n := set.ReminderDays[k]; n < 0 || n > 60 {
			p.Add("remind."+k, "case.reminder_range", 0, 60)
		}
	}
	if set.KeyTargetPercent < 10 || set.KeyTargetPercent > 100 {
		p.Add("key_target_percent", "case.percent_range", 10, 100)
	}
	if err := p.Err(); err != nil {
		return err
	}
	au := ctip.NewAuditEvent(a, cs.Clock.Now(), "settings.cases", "settings", ctip.NilID)
	au.RecordID = "cases"
	au.Fields = []string{SettingReminderDays, SettingKeyTarget}
	err = cs.Store.SaveSettings(ctx, map[string]string{SettingReminderDays: EncodeReminderDays(set.ReminderDays),
		SettingKeyTarget: strconv.Itoa(set.KeyTargetPercent)}, au)
	cs.invalidate()
	return err
}

package main

import (
	"context"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/legal"
)

// buildCases wires the criminal-case module: the calendar in force (the
// statutory calendar, CTIP_HOLIDAYS_FILE and the days entered on the admin
// page), shared with the intake service, and the case service.
func (a *app) buildCases(clock ctip.Clock) {
	var file []legal.Announcement
	if a.calendar != nil {
		file = a.calendar.Announcements()
	}
	a.cals = &casefile.Calendars{Store: a.db, File: file, Clock: clock}
	a.intake.Calendar = a.cals.Current
	a.cases = &casefile.Service{Store: a.db, Directory: a.db, Intake: a.db, Places: a.places, Notify: a.notify, Registry: a.persons,
		Catalogue: legal.DefaultCatalogue(), Clock: clock, Policy: a.intake.Policy, Calendar: a.cals.Current,
		Settings: a.cals.Settings, MaxAttachment: int64(a.cfg.MaxAttachmentMB) << 20}
	a.cals.OnChange = func(ctx context.Context) error {
		n, err := a.cases.Recompute(ctx, a.db)
		if err == nil && n > 0 {
			a.log.Info("deadlines recomputed after a calendar change", "records", n)
		}
		return err
	}
}

// remindCases is the reminder job (lease-coordinated; dedup keys make a
// second run or instance harmless).
func (a *app) remindCases(ctx context.Context) error {
	n, err := a.cases.Remind(ctx, a.db)
	if err == nil && n > 0 {
		a.log.Info("deadline reminders sent", "notifications", n)
	}
	return err
}

package main

import (
	"context"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/geo"
	"ctip/internal/notify"
	"ctip/internal/person"
	"ctip/internal/victim"
)

const (
	keyReloadInterval        = 10 * time.Second
	breakGlassNotificationTo = auth.RoleLeader
)

// placesAdapter adds the ethnic-group check to geo.Places.
type placesAdapter struct{ *geo.Places }

func (p placesAdapter) EthnicExists(code string) bool {
	for _, e := range p.Ethnics {
		if e.Code == code {
			return true
		}
	}
	return false
}

// glassNotifier tells the owning unit's leaders about a break-the-glass view.
type glassNotifier struct{ n *notify.Service }

func (g glassNotifier) BreakGlass(ctx context.Context, owner, personID ctip.ID, pseudonym string) error {
	_, err := g.n.ToUnitRoles(ctx, owner, []string{breakGlassNotificationTo}, notify.Notification{Kind: "break_glass", Key: "notify.break_glass",
		Args: []string{pseudonym}, Link: "/persons/" + personID.String(), RecordType: "person", RecordID: personID.String()})
	return err
}

// CaseLinked tells the owning unit's victim-support officers and leaders
// that a case was linked to one of its victim files.
func (g glassNotifier) CaseLinked(ctx context.Context, owner, fileID ctip.ID, pseudonym string) error {
	_, err := g.n.ToUnitRoles(ctx, owner, []string{auth.RoleLeader, auth.RoleVictimSupport}, notify.Notification{Kind: "case_linked", Key: "notify.case_linked",
		Args: []string{pseudonym}, Link: "/victims/" + fileID.String(), RecordType: "victim", RecordID: fileID.String()})
	return err
}

// Received tells the health department's victim-support officers that a
// person received by another unit (police, border guard) is handed over to
// them (Law 53/2024 Art. 27(3)–(4) as amended by Law 86/2025).
func (g glassNotifier) Received(ctx context.Context, health, fileID ctip.ID, pseudonym string) error {
	_, err := g.n.ToUnitRoles(ctx, health, []string{auth.RoleVictimSupport}, notify.Notification{Kind: "victim_received", Key: "notify.victim_received",
		Args: []string{pseudonym}, Link: "/victims/" + fileID.String(), RecordType: "victim", RecordID: fileID.String()})
	return err
}

// buildPersons makes the person and victim services.
func (a *app) buildPersons(clock ctip.Clock) {
	pl := placesAdapter{a.places}
	a.persons = &person.Service{Store: a.db, Places: pl, Clock: clock, Notify: glassNotifier{a.notify}, Records: recordChecker{a}, Config: a.db}
	a.intake.Registry = a.persons
	a.victims = &victim.Service{Store: a.db, Persons: a.persons, People: a.db, Places: pl, Clock: clock, Notify: glassNotifier{a.notify}}
}

// personSettings reads the reveal windows and retention periods (the
// admin page /admin/persons changes them while the server runs).
func (a *app) personSettings(ctx context.Context) error {
	a.keys.SetSource(a.cfg.KeyFile)
	return a.persons.LoadSettings(ctx)
}

// purgePersons is the retention job.
func (a *app) purgePersons(ctx context.Context) error {
	n, err := a.persons.Purge(system(ctx, "persons.purge"))
	if n > 0 {
		a.log.Info("retention purge", "persons", n)
	}
	return err
}

// watchKeys reloads the key file now and then, so that a running server
// seals with a key added by `ctip keys rotate` (and can open what it rewrote),
// and the registry settings, so that a change made on /admin/persons through
// another instance applies here too.
func (a *app) watchKeys(ctx context.Context) {
	t := time.NewTicker(keyReloadInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if changed, err := a.keys.Reload(a.cfg.KeyFile); err != nil {
				a.log.Warn("key file reload failed", "err", err)
			} else if changed {
				a.log.Info("key file reloaded", "active_key", a.keys.ActiveKeyID())
			}
			if err := a.persons.LoadSettings(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("person settings reload failed", "err", err)
			}
		}
	}
}

// recordChecker lets the registry link persons only to records the actor
// may see (an intake item, a case).
type recordChecker struct{ a *app }

func (rc recordChecker) CheckRecord(ctx context.Context, recordType, recordID string) (ctip.ID, error) {
	id, err := ctip.ParseID(recordID)
	if err != nil {
		return ctip.NilID, ctip.ErrNotFound()
	}
	switch recordType {
	case "intake_item":
		v, err := rc.a.intake.Get(ctx, id)
		if err != nil {
			return ctip.NilID, err
		}
		return v.Item.UnitID, nil
	case "case":
		if rc.a.cases == nil {
			return ctip.NilID, ctip.ErrNotFound()
		}
		v, err := rc.a.cases.Get(ctx, id)
		if err != nil {
			return ctip.NilID, err
		}
		return v.Case.UnitID, nil
	}
	return ctip.NilID, ctip.ErrNotFound()
}

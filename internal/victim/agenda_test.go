package victim_test

import (
	"testing"

	"ctip"
	"ctip/internal/dbtest"
	"ctip/internal/store"
	"ctip/internal/victim"
)

// TestAgenda: the victim-support start page lists the unit's files whose
// 3-day verification or 120-day essential-needs support ends within 7 days,
// and the follow-ups planned this week; other units see none of them.
func TestAgenda(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := f.as("yte")
		today := ctip.DateOf(f.clock.Now()) // Monday 2 March 2026
		a := receive(t, f, "Lò Thị Xuân")
		b := receive(t, f, "Vàng Thị Mai")
		v, err := f.victims.Identify(ctx, b.File.ID, b.File.Version, victim.IdentifyInput{Status: victim.Victim, DecidedOn: today,
			DecidingBody: "Police", DecisionNumber: "12/QĐ", Grounds: []string{"mission_abroad", "person_statement"}})
		if err != nil {
			t.Fatal(err)
		}
		// Essential needs from today; 112 days later (Monday 22 June) its
		// 120th day is within the week, and a's verification is overdue.
		if _, err := f.victims.AddSupport(ctx, v.File.ID, victim.SupportInput{Regime: "essential_needs", Provider: "Cơ sở", ProvidedOn: today, Status: "delivered"}); err != nil {
			t.Fatal(err)
		}
		f.clock.T = f.clock.T.AddDate(0, 0, 112)
		today = ctip.DateOf(f.clock.Now())
		for _, day := range []ctip.Date{today.AddDays(2), today.AddDays(10)} {
			if _, err := f.victims.AddFollowUp(ctx, b.File.ID, victim.FollowUpInput{PlannedOn: day}); err != nil {
				t.Fatal(err)
			}
		}
		ag, err := f.victims.Agenda(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		has := func(items []victim.AgendaItem, id ctip.ID, due ctip.Date) bool {
			for _, it := range items {
				if it.File.ID == id && it.Due == due && it.File.Pseudonym != "" {
					return true
				}
			}
			return false
		}
		if !has(ag.Verification, a.File.ID, a.File.VerificationDue) {
			t.Errorf("verification: %+v", ag.Verification)
		}
		if len(ag.Essential) != 1 || !has(ag.Essential, b.File.ID, today.AddDays(7)) {
			t.Errorf("essential: %+v", ag.Essential)
		}
		if len(ag.FollowUps) != 1 || !has(ag.FollowUps, b.File.ID, today.AddDays(2)) || ag.WeekFrom != today || ag.WeekTo != today.AddDays(6) {
			t.Errorf("follow-ups: %+v", ag)
		}
		// Another unit sees none of them; a statistics reader may not ask.
		if ag, err := f.victims.Agenda(f.as("dtvkhac"), 10); err != nil || len(ag.Verification)+len(ag.Essential)+len(ag.FollowUps) != 0 {
			t.Errorf("another unit: %+v %v", ag, err)
		}
		if _, err := f.victims.Agenda(f.as("phantich"), 10); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("analyst: %v", err)
		}
	})
}

package victim

import (
	"context"

	"ctip"
)

// AgendaDays is the window of the victim-support start page: clocks ending
// within it (or already over) are listed.
const AgendaDays = 7

// AgendaItem is a victim file (under its pseudonym, no identity) with what
// is due on it: the 3-day initial verification (Law 53/2024 Art. 27(4) as
// amended), the 120-day essential-needs support (Decree 162/2025 Art. 17),
// or a planned follow-up visit.
type AgendaItem struct {
	File *File
	Kind string // "verification", "essential", "follow_up"
	Due  ctip.Date
}

// Agenda is a unit's victim-support work now.
type Agenda struct {
	Verification []AgendaItem // initial verification ending within AgendaDays or over
	Essential    []AgendaItem // essential-needs support ending within AgendaDays or over (not extended)
	FollowUps    []AgendaItem // follow-ups planned this week (Monday–Sunday), not done
	WeekFrom     ctip.Date
	WeekTo       ctip.Date
}

// AgendaQuery is what the store selects, for the actor's unit (owner or team).
type AgendaQuery struct {
	UnitID ctip.ID
	// VerifyBy: verification_due on or before (not verified, not closed).
	VerifyBy ctip.Date
	// EssentialStartBy: essential_start on or before (its 120th day is
	// within the window), not extended, not closed.
	EssentialStartBy ctip.Date
	// Follow-ups planned in [WeekFrom, WeekTo], not done.
	WeekFrom, WeekTo ctip.Date
	Limit            int
}

// Agenda lists, for the actor's unit, the victim files whose clocks end
// within AgendaDays days (or are over) and the follow-up visits planned
// this week, at most limit of each, soonest first.
func (s *Service) Agenda(ctx context.Context, limit int) (*Agenda, error) {
	a, err := s.actor(ctx, ctip.PermVictimRead)
	if err != nil {
		return nil, err
	}
	today := ctip.DateOf(s.Clock.Now())
	monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	q := AgendaQuery{UnitID: a.UnitID, VerifyBy: today.AddDays(AgendaDays), EssentialStartBy: today.AddDays(AgendaDays - (EssentialDays - 1)),
		WeekFrom: monday, WeekTo: monday.AddDays(6), Limit: limit}
	ag, err := s.Store.VictimAgenda(ctx, q)
	if err != nil {
		return nil, err
	}
	ag.WeekFrom, ag.WeekTo = q.WeekFrom, q.WeekTo
	return ag, nil
}

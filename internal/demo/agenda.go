package demo

import (
	"context"
	"sort"
	"time"

	"ctip"
)

// agenda collects the calls of one record by day, in any order, and turns
// them into a track's steps: sorted by day, then by their priority on the
// day (a measure ended before the stage decision that needs it ended, a
// renewal after the stage decision that changes who holds the file), then
// in the order they were added; each placed in office hours, a few minutes
// after the previous one.
type agenda struct {
	l     *loader
	items []agItem
}

type agItem struct {
	day  ctip.Date
	at   time.Time // an exact time (zero: placed in office hours)
	prio int
	seq  int
	name string
	by   string
	do   func(ctx context.Context) error
}

// Priorities of calls on the same day.
const (
	prFirst        = 0  // the record's creation
	prPerson       = 10 // a person recorded before being charged
	prCharge       = 11
	prLink         = 12
	prRole         = 13
	prCustody      = 20
	prCustodyExt   = 21
	prCustodyEnd   = 22
	prDetention    = 23
	prMeasureExt   = 25
	prParty        = 30
	prKey          = 35
	prBeforeStage  = 40 // measures ended before a suspension or the final judgment
	prStage        = 50
	prAfterStage   = 60 // a measure ended by the new holder of the file
	prAfterStage2  = 61 // … and its new order
	prLate         = 70
	prVictimLater  = 80
	prVictimLatest = 90
)

// add plans a call on a day.
func (a *agenda) add(day ctip.Date, prio int, by, name string, do func(ctx context.Context) error) {
	a.items = append(a.items, agItem{day: day, prio: prio, seq: len(a.items), name: name, by: by, do: do})
}

// addAt plans a call at an exact time.
func (a *agenda) addAt(at time.Time, prio int, by, name string, do func(ctx context.Context) error) {
	a.items = append(a.items, agItem{day: ctip.DateOf(at), at: at, prio: prio, seq: len(a.items), name: name, by: by, do: do})
}

// steps returns the calls in order with their times. What would fall at or
// after "now" is left out, with everything after it.
func (a *agenda) steps() []tstep {
	l := a.l
	sort.SliceStable(a.items, func(i, j int) bool {
		x, y := a.items[i], a.items[j]
		if c := x.day.Compare(y.day); c != 0 {
			return c < 0
		}
		if x.prio != y.prio {
			return x.prio < y.prio
		}
		return x.seq < y.seq
	})
	var out []tstep
	var cursor time.Time
	for _, it := range a.items {
		var t time.Time
		switch {
		case !it.at.IsZero():
			t = it.at
		case !cursor.IsZero() && ctip.DateOf(cursor) == it.day:
			t = cursor.Add(time.Duration(3+l.crng.IntN(22)) * time.Minute)
		default:
			d := it.day
			t = time.Date(d.Year, d.Month, d.Day, 7, 30, 0, 0, ctip.Vietnam).Add(time.Duration(l.crng.IntN(180)) * time.Minute).UTC()
		}
		if !cursor.IsZero() && !t.After(cursor) {
			t = cursor.Add(time.Duration(2+l.crng.IntN(10)) * time.Minute)
		}
		if !t.Before(l.end.Add(-time.Minute)) {
			break
		}
		out = append(out, tstep{at: t, name: it.name, by: it.by, do: it.do})
		cursor = t
	}
	return out
}

// work returns a working day near d within [lo, hi]: d itself, else the
// closest earlier one, else the closest later one; d when there is none.
func (l *loader) work(d, lo, hi ctip.Date) ctip.Date {
	if !l.cal.IsDayOff(d) {
		return d
	}
	for i := 1; i <= 7; i++ {
		x := d.AddDays(-i)
		if x.Before(lo) {
			break
		}
		if !l.cal.IsDayOff(x) {
			return x
		}
	}
	for i := 1; i <= 7; i++ {
		x := d.AddDays(i)
		if x.After(hi) {
			break
		}
		if !l.cal.IsDayOff(x) {
			return x
		}
	}
	return d
}

// dayIn returns a day drawn in [lo, hi] (lo when the range is empty).
func (l *loader) dayIn(lo, hi ctip.Date) ctip.Date {
	n := lo.DaysUntil(hi)
	if n <= 0 {
		return lo
	}
	return lo.AddDays(l.crng.IntN(n + 1))
}

func (l *loader) chance(percent int) bool { return l.crng.IntN(100) < percent }

// today is the current day of the clock.
func (l *loader) today() ctip.Date { return ctip.DateOf(l.d.Clock.Now()) }

func minD(a, b ctip.Date) ctip.Date {
	if b.Before(a) {
		return b
	}
	return a
}

func maxD(a, b ctip.Date) ctip.Date {
	if b.After(a) {
		return b
	}
	return a
}

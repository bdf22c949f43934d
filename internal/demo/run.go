package demo

import (
	"container/heap"
	"context"
	"fmt"
	"time"

	"ctip"
	"ctip/internal/intake"
)

// trackKind is what a track builds.
type trackKind int

const (
	kindItem trackKind = iota
	kindCase
	kindVictim
	kindPerson
	kindCampaign
)

// A track is the life of one record of the demo province (an intake item, a
// case, a victim file, a person, a campaign): its planned service calls in
// time order. The tracks of the whole province run interleaved in one
// chronological order, so that the clock only moves forward and the audit
// trail is in time order.
type track struct {
	idx   int // breaks ties between steps planned for the same instant
	kind  trackKind
	label string // for error messages: "item 12 (quick)", "case 3 (final)"
	steps []tstep
	pos   int
}

// tstep is one planned call, made as the account by at the time at.
type tstep struct {
	at   time.Time
	name string
	by   string
	do   func(ctx context.Context) error
}

// queue orders the tracks by the time of their next step.
type queue []*track

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	a, b := q[i].steps[q[i].pos].at, q[j].steps[q[j].pos].at
	if !a.Equal(b) {
		return a.Before(b)
	}
	return q[i].idx < q[j].idx
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*track)) }
func (q *queue) Pop() any {
	old := *q
	t := old[len(old)-1]
	*q = old[:len(old)-1]
	return t
}

// Progress tells how far a load is: the records whose planned life is
// complete, out of the planned totals, by kind. Done and Total count every
// record (persons and campaigns too).
type Progress struct {
	Done, Total           int
	Items, ItemsTotal     int
	Cases, CasesTotal     int
	Victims, VictimsTotal int
}

func (p *Progress) count(k trackKind, total bool) {
	n := &p.Done
	if total {
		n = &p.Total
	}
	*n++
	switch k {
	case kindItem:
		if total {
			p.ItemsTotal++
		} else {
			p.Items++
		}
	case kindCase:
		if total {
			p.CasesTotal++
		} else {
			p.Cases++
		}
	case kindVictim:
		if total {
			p.VictimsTotal++
		} else {
			p.Victims++
		}
	}
}

// run executes the steps of every track in time order, as their accounts,
// moving the clock forward to each step's time.
func (l *loader) run(ctx context.Context, tracks []*track, progress func(Progress)) error {
	q := &queue{}
	var pr Progress
	for _, t := range tracks {
		pr.count(t.kind, true)
	}
	for _, t := range tracks {
		if len(t.steps) > 0 {
			*q = append(*q, t)
		} else {
			pr.count(t.kind, false)
		}
	}
	heap.Init(q)
	for q.Len() > 0 {
		t := heap.Pop(q).(*track)
		s := t.steps[t.pos]
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.at.After(l.d.Clock.T) {
			l.d.Clock.T = s.at
		}
		actor := l.actors[s.by]
		if actor == nil {
			return fmt.Errorf("demo: %s: no demo account %q", t.label, s.by)
		}
		if err := s.do(ctip.WithActor(ctx, actor)); err != nil {
			return fmt.Errorf("demo: %s, step %d (%s by %s on %s): %w", t.label, t.pos, s.name, s.by, ctip.DateOf(s.at), err)
		}
		t.pos++
		if t.pos < len(t.steps) {
			heap.Push(q, t)
			continue
		}
		pr.count(t.kind, false)
		progress(pr)
	}
	return nil
}

// itemTrack turns an item's planned steps into a track.
func (l *loader) itemTrack(p *plan) *track {
	t := &track{idx: p.idx, kind: kindItem, label: fmt.Sprintf("item %d (%s)", p.idx, p.sc)}
	for _, s := range p.steps {
		t.steps = append(t.steps, tstep{at: s.at, name: stepName(s.kind), by: s.by, do: func(ctx context.Context) error { return l.exec(ctx, p, s) }})
	}
	return t
}

func stepName(k stepKind) string {
	if k == stCreate {
		return "create"
	}
	return string(stepActions[k])
}

// exec performs one step of an item as its actor.
func (l *loader) exec(ctx context.Context, p *plan, s step) error {
	if s.kind == stCreate {
		it, err := l.d.Intake.Create(ctx, p.in)
		if err != nil {
			return err
		}
		p.id, p.version, p.status, p.item = it.ID, it.Version, it.Status, it
		return nil
	}
	act := stepActions[s.kind]
	today := ctip.DateOf(l.d.Clock.Now())
	in := intake.ActionInput{Note: s.note}
	switch s.kind {
	case stTransfer:
		in.TargetUnitID = ctip.Some(l.units[CodePC02].ID)
	case stAssign:
		in.OfficerID = ctip.Some(l.actors[s.officer].UserID)
	case stNotify:
		in.DocumentNumber = l.number("TB-CSĐT", today)
	}
	if intake.Rules[act].Decision {
		series := "QĐ-CSĐT"
		if intake.ProcuracyAction(act) {
			series = "QĐ-VKS-P2"
		}
		in.DocumentNumber, in.DocumentDate, in.Signer = l.number(series, today), today, s.signer
		in.Months, in.RequestedOn, in.Ground = s.months, s.requested, s.ground
	}
	v, err := l.d.Intake.Do(ctx, p.id, p.version, act, in)
	if err != nil {
		return err
	}
	p.version, p.status, p.item = v.Item.Version, v.Item.Status, v.Item
	return nil
}

// number returns the next document number of a series in the year of day:
// "15/QĐ-CSĐT".
func (l *loader) number(series string, day ctip.Date) string {
	return fmt.Sprintf("%d/%s", l.next(series, day), series)
}

// yearNumber returns the next number of a court series, with the year in it
// as courts write them: "15/2026/HS-ST".
func (l *loader) yearNumber(series string, day ctip.Date) string {
	return fmt.Sprintf("%d/%d/%s", l.next(series, day), day.Year, series)
}

// yearly is about how many documents of a series a unit issues in a year:
// the numbering of the demo's first year starts where the months before the
// demo would have left it.
var yearly = map[string]int{"QĐ-CSĐT": 420, "TB-CSĐT": 330, "QĐ-VKS-P2": 110}

func (l *loader) next(series string, day ctip.Date) int {
	key := fmt.Sprintf("%s/%d", series, day.Year)
	if _, ok := l.docNo[key]; !ok && day.Year == l.start.Year() {
		n, ok := yearly[series]
		if !ok {
			n = 40
		}
		l.docNo[key] = n * ctip.NewDate(day.Year, 1, 1).DaysUntil(ctip.DateOf(l.start)) / 365
	}
	l.docNo[key]++
	return l.docNo[key]
}

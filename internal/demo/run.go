package demo

import (
	"container/heap"
	"context"
	"fmt"

	"ctip"
	"ctip/internal/intake"
)

// queue orders the items by the time of their next step, so that every
// event of the province happens in one chronological order and the clock
// only moves forward.
type queue []*plan

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	a, b := q[i].steps[q[i].pos].at, q[j].steps[q[j].pos].at
	if !a.Equal(b) {
		return a.Before(b)
	}
	return q[i].idx < q[j].idx
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*plan)) }
func (q *queue) Pop() any {
	old := *q
	p := old[len(old)-1]
	*q = old[:len(old)-1]
	return p
}

// run executes the planned steps of every item in time order.
func (l *loader) run(ctx context.Context, plans []*plan, progress func(done, total int)) error {
	q := &queue{}
	done := 0
	for _, p := range plans {
		if len(p.steps) > 0 {
			*q = append(*q, p)
		} else {
			done++
		}
	}
	heap.Init(q)
	for q.Len() > 0 {
		p := heap.Pop(q).(*plan)
		s := p.steps[p.pos]
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.at.After(l.d.Clock.T) {
			l.d.Clock.T = s.at
		}
		if err := l.exec(ctx, p, s); err != nil {
			return fmt.Errorf("demo: item %d (%s), step %d (%s by %s on %s): %w", p.idx, p.sc, p.pos,
				stepName(s.kind), s.by, ctip.DateOf(s.at), err)
		}
		p.pos++
		if p.pos < len(p.steps) {
			heap.Push(q, p)
			continue
		}
		done++
		progress(done, len(plans))
	}
	return nil
}

func stepName(k stepKind) string {
	if k == stCreate {
		return "create"
	}
	return string(stepActions[k])
}

// exec performs one step as its actor.
func (l *loader) exec(ctx context.Context, p *plan, s step) error {
	actor := l.actors[s.by]
	if actor == nil {
		return fmt.Errorf("no demo account %q", s.by)
	}
	ctx = ctip.WithActor(ctx, actor)
	if s.kind == stCreate {
		it, err := l.d.Intake.Create(ctx, p.in)
		if err != nil {
			return err
		}
		p.id, p.version, p.status = it.ID, it.Version, it.Status
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
	p.version, p.status = v.Item.Version, v.Item.Status
	return nil
}

// number returns the next document number of a series in the year of day:
// "15/QĐ-CSĐT".
func (l *loader) number(series string, day ctip.Date) string {
	key := fmt.Sprintf("%s/%d", series, day.Year)
	l.docNo[key]++
	return fmt.Sprintf("%d/%s", l.docNo[key], series)
}

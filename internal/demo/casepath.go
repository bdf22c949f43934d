package demo

import (
	"ctip"
	"ctip/internal/legal"
)

// ---------- the legal limits ----------

// invDues returns the investigation limits of a case instituted on d0 with
// 0, 1, … extensions, each at its maximum (the Procurator General's
// extraordinary extension aside), and the months of each extension.
func (l *loader) invDues(cat legal.Category, d0 ctip.Date) ([]ctip.Date, []int) {
	r, err := legal.DefaultProcedure().Rule(l.pol, d0, legal.StageInvestigation, cat)
	if err != nil {
		return nil, nil
	}
	var dues []ctip.Date
	var months []int
	var granted []legal.Period
	for k := 0; ; k++ {
		lim, err := legal.Investigation(l.pol, l.cal, cat, d0, granted...)
		if err != nil {
			break
		}
		dues = append(dues, lim.Due)
		if k >= len(r.Extensions) || r.Extensions[k].Extraordinary {
			break
		}
		granted = append(granted, r.Extensions[k].Max)
		months = append(months, r.Extensions[k].Max.Months)
	}
	return dues, months
}

func (l *loader) prosDue(cat legal.Category, recv ctip.Date) ctip.Date {
	lim, _ := legal.Prosecution(l.pol, l.cal, cat, recv)
	return lim.Due
}

func (l *loader) prepDue(cat legal.Category, accepted ctip.Date) ctip.Date {
	lim, _ := legal.TrialPreparation(l.pol, l.cal, cat, accepted)
	return lim.Due
}

func (l *loader) suppDue(recv ctip.Date) ctip.Date {
	lim, _ := legal.SupplementaryInvestigation(l.pol, l.cal, legal.ReturnedByProcuracy, 0, recv)
	return lim.Due
}

func (l *loader) resumedDue(cat legal.Category, resumed ctip.Date) ctip.Date {
	lim, _ := legal.ResumedInvestigation(l.pol, l.cal, cat, resumed)
	return lim.Due
}

// detention returns the last day of a detention from start with the
// extensions granted, and how many extensions the category allows.
func (l *loader) detention(cat legal.Category, start ctip.Date, exts ...legal.Period) (ctip.Date, []legal.Period) {
	r, err := legal.DefaultProcedure().Rule(l.pol, start, legal.StageDetention, cat)
	if err != nil {
		return start, nil
	}
	lim, err := legal.Detention(l.pol, cat, start, exts...)
	if err != nil {
		return start, nil
	}
	var allowed []legal.Period
	for _, e := range r.Extensions {
		if !e.Extraordinary {
			allowed = append(allowed, e.Max)
		}
	}
	return lim.Due, allowed
}

// ---------- paths ----------

// tryPath plans the decisions that bring a case to a target stage now.
func (l *loader) tryPath(cp *casePlan, t caseTarget, variant string) (path, bool) {
	for try := 0; try < 30; try++ {
		if p, ok := l.pathFor(cp, t, variant); ok {
			return p, true
		}
	}
	return path{}, false
}

// extensions plans the decisions extending the investigation for the
// limits dues[:k], each a few days before the limit runs out.
func (l *loader) extensions(cp *casePlan, k int, last ctip.Date) ([]ctip.Date, bool) {
	var out []ctip.Date
	prev := cp.d0.AddDays(10)
	for j := 0; j < k; j++ {
		lo, hi := maxD(cp.dues[j].AddDays(-14), prev.AddDays(1)), minD(cp.dues[j].AddDays(-2), last)
		if hi.Before(lo) {
			return nil, false
		}
		d := l.work(l.dayIn(lo, hi), lo, hi)
		out = append(out, d)
		prev = d
	}
	return out, true
}

func (l *loader) pathFor(cp *casePlan, t caseTarget, variant string) (path, bool) {
	last := l.lastDay
	dues := cp.dues
	var p path
	switch t {
	case tgInv:
		// Within the first limit (overdue: just past it, no decision yet).
		if variant == "overdue" {
			return p, !dues[0].Before(last.AddDays(-6)) && !dues[0].After(last)
		}
		return p, !dues[0].Before(last.AddDays(-3))
	case tgInvExt:
		k := 0
		for k < len(dues) && dues[k].Before(last.AddDays(1)) {
			k++
		}
		if variant == "overdue" {
			// The last extension ran out in the last days, undecided.
			if k < 2 || dues[k-1].Before(last.AddDays(-6)) {
				return p, false
			}
			k--
		}
		if k == 0 && dues[0].DaysUntil(last) > -12 && len(dues) > 1 {
			k = 1 // extended a few days before the limit runs out
		}
		if k == 0 || k >= len(dues) {
			return p, false
		}
		var ok bool
		p.exts, ok = l.extensions(cp, k, last)
		return p, ok
	case tgSuspended, tgResumed:
		var ks []int
		for k, d := range dues {
			if !d.After(last.AddDays(-22)) && d.After(cp.d0.AddDays(50)) {
				ks = append(ks, k)
			}
		}
		if len(ks) == 0 {
			return p, false
		}
		k := ks[l.crng.IntN(len(ks))]
		var ok bool
		if p.exts, ok = l.extensions(cp, k, last); !ok {
			return p, false
		}
		p.suspended, p.ground = dues[k], "suspect_unknown"
		if l.chance(45) {
			p.ground = "expert_pending"
		}
		if t == tgResumed {
			lo := maxD(p.suspended.AddDays(20), last.AddDays(-55))
			if last.AddDays(-1).Before(lo) {
				return p, false
			}
			p.resumed = l.work(l.dayIn(lo, last.AddDays(-1)), lo, last.AddDays(-1))
			p.ground = "expert_pending"
		}
		return p, true
	case tgTerminated:
		lo, hi := cp.d0.AddDays(25), minD(dues[0].AddDays(-1), last.AddDays(-1))
		if hi.Before(lo) {
			return p, false
		}
		p.terminated = l.work(l.dayIn(lo, hi), lo, hi)
		return p, true
	}
	return l.laterPath(cp, t, variant)
}

// laterPath plans a case concluded and beyond: the stages after the
// conclusion are drawn first, then the conclusion day that brings the case
// to its target stage now; an investigation that would outlast every
// extension is suspended and resumed on the way.
func (l *loader) laterPath(cp *casePlan, t caseTarget, variant string) (path, bool) {
	last := l.lastDay
	r := make([]float64, 12)
	for i := range r {
		r[i] = l.crng.Float64()
	}
	withReturn := t == tgSupplementary || t > tgSupplementary && r[10] < 0.2 || t == tgProsecution && variant == "" && r[10] < 0.3
	appeal := t == tgAppeal || t == tgFinal && r[11] < 0.3
	var c ctip.Date
	if t == tgFinal {
		span := min(cp.d0.DaysUntil(cp.dues[len(cp.dues)-1]), 300)
		if span < 60 {
			return path{}, false
		}
		c = cp.d0.AddDays(55 + int(r[9]*float64(span-55)))
	} else {
		// Aim at the middle of the target's window, then correct once.
		var aim ctip.Date
		switch t {
		case tgProsecution:
			aim = last.AddDays(-3 - int(r[9]*12))
			switch variant {
			case "overdue":
				aim = last.AddDays(-(l.prosDays(cp.cat) + 2))
			case "due_soon":
				aim = last.AddDays(-(l.prosDays(cp.cat) - 4))
			}
		case tgSupplementary:
			aim = last.AddDays(-3 - int(r[9]*40))
		case tgIndicted:
			aim = last.AddDays(-1 - int(r[9]*5))
		case tgTrialPrep:
			aim = last.AddDays(-3 - int(r[9]*35))
		case tgScheduled:
			aim = last.AddDays(-1 - int(r[9]*8))
		case tgJudged:
			aim = last.AddDays(-1 - int(r[9]*12))
		case tgAppeal:
			aim = last.AddDays(-3 - int(r[9]*45))
		}
		c = aim
		for i := 0; i < 2; i++ {
			p := l.forward(cp, c, withReturn, appeal, r)
			c = c.AddDays(p.entry(t).DaysUntil(aim))
		}
	}
	if c.Before(cp.d0.AddDays(45)) || c.After(last) {
		return path{}, false
	}
	c = l.work(c, cp.d0.AddDays(45), last)
	p := l.forward(cp, c, withReturn, appeal, r)
	if !l.inWindow(cp, &p, t, variant) {
		return path{}, false
	}
	// The investigation that leads to the conclusion.
	k := 0
	for k < len(cp.dues) && c.After(cp.dues[k]) {
		k++
	}
	if k < len(cp.dues) {
		exts, ok := l.extensions(cp, k, c.AddDays(-1))
		p.exts = exts
		return p, ok
	}
	// Longer than every extension: suspended (foreign legal assistance
	// pending) after one of the limits, then resumed.
	var ks []int
	for j, d := range cp.dues {
		if !d.After(c.AddDays(-55)) && d.After(cp.d0.AddDays(50)) {
			ks = append(ks, j)
		}
	}
	if len(ks) == 0 {
		return path{}, false
	}
	j := ks[l.crng.IntN(len(ks))]
	exts, ok := l.extensions(cp, j, last)
	if !ok {
		return path{}, false
	}
	p.exts, p.suspended, p.ground, p.episode = exts, cp.dues[j], "expert_pending", true
	p.resumed = l.work(c.AddDays(-30-l.crng.IntN(25)), p.suspended.AddDays(20), c.AddDays(-20))
	if p.resumed.Before(p.suspended.AddDays(15)) || l.resumedDue(cp.cat, p.resumed).Before(c) {
		return path{}, false
	}
	return p, true
}

// prosDays is the prosecution limit in days for a category.
func (l *loader) prosDays(cat legal.Category) int {
	d := ctip.NewDate(2026, 3, 2)
	return d.DaysUntil(l.prosDue(cat, d))
}

// forward plans the decisions after a conclusion on day c; r are the
// case's random draws.
func (l *loader) forward(cp *casePlan, c ctip.Date, withReturn, appeal bool, r []float64) path {
	span := func(lo, hi int, f float64) int {
		if hi <= lo {
			return lo
		}
		return lo + int(f*float64(hi-lo+1))
	}
	var p path
	// The file is handed over the day the decision is made (the receipt
	// is recorded with the decision and cannot be after it).
	p.concluded = c
	p.received = c
	base := p.received
	if withReturn {
		due := l.prosDue(cp.cat, base)
		p.returned = l.work(base.AddDays(span(6, base.DaysUntil(due)-3, r[1])), base.AddDays(1), due)
		p.returnedRecv = p.returned
		sdue := l.suppDue(p.returnedRecv)
		p.concluded2 = l.work(p.returnedRecv.AddDays(span(18, 48, r[3])), p.returnedRecv.AddDays(5), sdue)
		p.received2 = p.concluded2
		base = p.received2
	}
	due := l.prosDue(cp.cat, base)
	p.indicted = l.work(base.AddDays(span(7, base.DaysUntil(due)-2, r[5])), base.AddDays(3), due)
	p.accepted = l.work(p.indicted.AddDays(span(2, 8, r[6])), p.indicted.AddDays(1), p.indicted.AddDays(14))
	pdue := l.prepDue(cp.cat, p.accepted)
	p.brought = l.work(p.accepted.AddDays(span(15, p.accepted.DaysUntil(pdue)-4, r[7])), p.accepted.AddDays(10), pdue)
	p.hearing = l.work(p.brought.AddDays(span(5, 14, r[8])), p.brought.AddDays(3), p.brought.AddDays(15))
	p.judged = p.hearing
	if appeal {
		p.appealed = l.work(p.judged.AddDays(span(4, 14, r[1])), p.judged.AddDays(1), p.judged.AddDays(15))
		p.final = l.work(p.appealed.AddDays(span(35, 57, r[3])), p.appealed.AddDays(30), p.appealed.AddDays(58))
	} else {
		p.final = l.work(p.judged.AddDays(span(16, 24, r[2])), p.judged.AddDays(16), p.judged.AddDays(30))
	}
	return p
}

// entry is the day a path enters a target stage.
func (p path) entry(t caseTarget) ctip.Date {
	switch t {
	case tgProsecution:
		if !p.received2.IsZero() {
			return p.received2
		}
		return p.received
	case tgSupplementary:
		return p.returnedRecv
	case tgIndicted:
		return p.indicted
	case tgTrialPrep:
		return p.accepted
	case tgScheduled:
		return p.brought
	case tgJudged:
		return p.judged
	case tgAppeal:
		return p.appealed
	}
	return p.final
}

// inWindow checks that a path is at its target stage now (and cuts off
// what comes later).
func (l *loader) inWindow(cp *casePlan, p *path, t caseTarget, variant string) bool {
	last := l.lastDay
	e := p.entry(t)
	if e.IsZero() || e.After(last) {
		return false
	}
	cut := func() {
		// Leave only the decisions up to the target stage.
		if t < tgIndicted {
			p.indicted = ctip.Date{}
		}
		if t < tgTrialPrep {
			p.accepted = ctip.Date{}
		}
		if t < tgScheduled {
			p.brought, p.hearing = ctip.Date{}, ctip.Date{}
		}
		if t < tgJudged {
			p.judged = ctip.Date{}
		}
		if t < tgAppeal {
			p.appealed = ctip.Date{}
		}
		if t < tgFinal {
			p.final = ctip.Date{}
		}
	}
	switch t {
	case tgProsecution:
		if !p.received2.IsZero() && p.received2.After(last) || p.received.After(last) {
			return false
		}
		due := l.prosDue(cp.cat, e)
		switch variant {
		case "overdue":
			if due.Before(last.AddDays(-3)) || !due.Before(last.AddDays(1)) {
				return false
			}
		case "due_soon":
			if !due.After(last) || due.After(last.AddDays(7)) {
				return false
			}
		default:
			if !due.After(last) {
				return false
			}
		}
		if !p.returned.IsZero() && p.received2.IsZero() {
			return false
		}
	case tgSupplementary:
		if e.Before(last.AddDays(-50)) || !l.suppDue(e).After(last) {
			return false
		}
		p.concluded2, p.received2 = ctip.Date{}, ctip.Date{}
	case tgIndicted:
		if e.Before(last.AddDays(-6)) {
			return false
		}
	case tgTrialPrep:
		if e.Before(last.AddDays(-60)) || !l.prepDue(cp.cat, e).After(last) {
			return false
		}
	case tgScheduled:
		if e.Before(last.AddDays(-10)) {
			return false
		}
		// The hearing is still ahead, within 15 days of the decision.
		lo := last.AddDays(1)
		hi := p.brought.AddDays(14)
		if hi.Before(lo) {
			return false
		}
		p.hearing = l.work(l.dayIn(lo, hi), lo, hi)
	case tgJudged:
		if e.Before(last.AddDays(-13)) {
			return false
		}
	case tgAppeal:
		if e.Before(last.AddDays(-50)) {
			return false
		}
	case tgFinal:
		if e.After(last.AddDays(-1)) {
			return false
		}
	}
	cut()
	return true
}

package demo

import (
	"slices"
	"time"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/legal"
	"ctip/internal/person"
)

// caseTarget is where a case stands "now": each case is planned backwards
// from it, so that every stage of the procedure shows in the demo.
type caseTarget int

const (
	tgInv           caseTarget = iota // investigation within its first limit
	tgInvExt                          // investigation extended by the procuracy
	tgSuspended                       // investigation suspended after the limit ran out
	tgResumed                         // resumed after a suspension
	tgTerminated                      // terminated
	tgProsecution                     // concluded: the procuracy decides on prosecution
	tgSupplementary                   // returned by the procuracy for supplementary investigation
	tgIndicted                        // indicted, awaiting the court's acceptance
	tgTrialPrep                       // trial preparation
	tgScheduled                       // brought to trial, hearing ahead
	tgJudged                          // first-instance judgment, appeal period running
	tgAppeal                          // appealed
	tgFinal                           // final judgment
)

var targetNames = [...]string{"investigation", "extended", "suspended", "resumed", "terminated", "prosecution", "supplementary",
	"indicted", "trial_preparation", "trial_scheduled", "judged", "appeal", "final"}

func (t caseTarget) String() string { return targetNames[t] }

// caseShares are the shares of cases per thousand, with a minimum, dealt
// in this order (the stages that fit fewest cases first); variants of the
// prosecution stage put one case past its limit and one within 7 days of it,
// for the board.
var caseShares = []struct {
	t        caseTarget
	variant  string
	perMille int
	min      int
}{
	{tgIndicted, "", 15, 1}, {tgScheduled, "", 20, 1}, {tgJudged, "", 25, 1}, {tgProsecution, "overdue", 0, 1},
	{tgProsecution, "due_soon", 0, 1}, {tgSupplementary, "", 30, 1}, {tgProsecution, "", 40, 1}, {tgAppeal, "", 40, 1},
	{tgResumed, "", 25, 1}, {tgSuspended, "", 60, 1}, {tgTrialPrep, "", 50, 1}, {tgInv, "overdue", 0, 1}, {tgInvExt, "overdue", 0, 1},
	{tgInv, "", 80, 2}, {tgInvExt, "", 120, 2},
	{tgTerminated, "", 10, 0}, {tgFinal, "", 200, 2},
}

// naturalWeights choose the stage of the other cases among those that fit.
var naturalWeights = map[caseTarget]int{tgInv: 20, tgInvExt: 22, tgSuspended: 4, tgResumed: 2, tgTerminated: 1, tgProsecution: 5,
	tgSupplementary: 2, tgIndicted: 1, tgTrialPrep: 6, tgScheduled: 2, tgJudged: 2, tgAppeal: 5, tgFinal: 45}

// caseShare is the share (percent) of the items decided "prosecute" under a
// chargeable article whose case the demo institutes; the others are the
// items joined to another case or still being drafted.
const caseShare = 82

// casePlan is one criminal case.
type casePlan struct {
	idx        int
	item       *plan
	art        string
	charge     legal.Charge
	cat        legal.Category
	d0         ctip.Date // instituted on (the decision to prosecute)
	created    time.Time
	offence    ctip.Date
	creator    string
	officers   []string // the lead first
	signer     string
	target     caseTarget
	variant    string
	path       path
	dues       []ctip.Date // investigation limits with 0, 1, … extensions at their maximum
	extMonths  []int
	ring       bool
	key        int // 0 none, 1 proposed, 2 agreed
	keyReason  string
	supplement ctip.Date // a supplement to the decision to institute (CPC Art. 156), or zero
	accused    []*accPlan
	parties    []*partyPlan

	// Runtime.
	id      ctip.ID
	version int
	ref     string
	stage   casefile.Stage
}

// path is the dates of a case's decisions (zero: not taken).
type path struct {
	exts                    []ctip.Date
	suspended               ctip.Date
	ground                  string
	resumed                 ctip.Date
	concluded, received     ctip.Date
	returned, returnedRecv  ctip.Date
	concluded2, received2   ctip.Date
	indicted, accepted      ctip.Date
	brought, hearing        ctip.Date
	judged, appealed, final ctip.Date
	terminated              ctip.Date
	episode                 bool // suspended and resumed on the way to a later stage
}

// invEnd is the last day of the (first) investigation: the conclusion,
// suspension or termination, else the last day of the demo.
func (cp *casePlan) invEnd(last ctip.Date) ctip.Date {
	p := cp.path
	for _, d := range []ctip.Date{p.suspended, p.terminated, p.concluded} {
		if !d.IsZero() {
			return d
		}
	}
	return last
}

// accPlan is one accused person.
type accPlan struct {
	name, alias string
	female      bool
	born        int
	ethnic      string
	idNumber    string
	phone       string
	home        string // commune code
	village     string
	occupation  string
	role        string // person-registry role: organiser, recruiter, …
	charge      legal.Charge
	charged     ctip.Date
	detained    bool
	custody     bool
	fled        ctip.Date // charged, then fled: suspended in respect of them and wanted
	bail        bool      // bail rather than a residence ban when not detained
	prior       *person.Prior
	verdict     casefile.VerdictInput
	suspect     *suspectPlan

	// Runtime.
	personID ctip.ID
	accID    ctip.ID
	measure  map[casefile.MeasureType]ctip.ID // running measures
	active   bool
}

// partyPlan is a victim or a witness of a case.
type partyPlan struct {
	role    string // casefile.RoleVictim, RoleWitness
	name    string
	female  bool
	born    int
	day     ctip.Date
	back    ctip.Date // a victim's return (escaped, rescued, handed over); zero: still missing
	rescued bool
	channel string // how the victim came back (victim.Channels)
	victim  *victimPlan
	// personID is the registry person linked when the party was added.
	personID ctip.ID
}

// caseArticle is the article a case is instituted under for an item's
// article ("" for none): organisers of illegal exit are charged under 348
// when a group is caught crossing (347 is not charged in a case).
func caseArticle(a string) string {
	switch a {
	case "150", "151", "153", "154", "348", "349":
		return a
	case "347":
		return "348"
	}
	return ""
}

func (l *loader) catalogue() legal.Catalogue {
	if len(l.d.Cases.Catalogue.Versions) == 0 {
		return legal.DefaultCatalogue()
	}
	return l.d.Cases.Catalogue
}

// chooseCharge picks a clause (and, where the case shows it, a point) of
// the article: organised rings and victims taken across the border are the
// aggravated clauses.
func (l *loader) chooseCharge(art string, ring bool, st story) legal.Charge {
	ch := legal.Charge{Article: art, Clause: "1"}
	r := l.crng.IntN(100)
	switch art {
	case "150":
		switch {
		case ring && r < 15:
			ch.Clause = "3"
		case ring, st.dest != "" && r < 60:
			// Organised, or the victim taken across the border (points a,
			// d). The points are left out: the case page shows a point
			// after "BLHS" ("khoản 2 Điều 150 BLHSa", catalogue key
			// case.charge_full).
			ch.Clause = "2"
		}
	case "151":
		switch {
		case ring && r < 30:
			ch.Clause = "3"
		case st.dest != "" && r < 55 || ring:
			ch.Clause = "2"
		}
	case "153", "154":
		if ring || r < 25 {
			ch.Clause = "2"
		}
	case "348", "349":
		if ring || r < 30 {
			ch.Clause = "2"
		}
	}
	return ch
}

// planSupplement picks one trafficking case (Art. 150) still under
// investigation 30 days after its institution, and plans a supplement to
// the decision to institute then (CPC Art. 156): the ring also organised
// the victims' illegal exit, Art. 348(1). Art. 348(1) is less serious than
// any clause of Art. 150, so the case's category and clocks stay as
// planned; the case page shows the decision on its timeline.
func (l *loader) planSupplement(cases []*casePlan) {
	for _, cp := range cases {
		on := cp.d0.AddDays(30)
		if cp.art == "150" && on.Before(cp.invEnd(l.lastDay)) && on.Before(l.lastDay) && (len(cp.path.exts) == 0 || on.Before(cp.path.exts[0])) {
			cp.supplement = on
			return
		}
	}
}

// planCases plans the cases instituted from the items decided "prosecute".
func (l *loader) planCases(plans []*plan, suspects map[*plan]*suspectPlan) []*casePlan {
	var all []*casePlan
	for _, p := range plans {
		n := len(p.steps)
		if n == 0 || p.steps[n-1].kind != stProsecute {
			continue
		}
		art := caseArticle(p.in.OffenceArticle)
		if art == "" || !l.chance(caseShare) {
			continue
		}
		s := p.steps[n-1]
		created := s.at.Add(time.Duration(5+l.crng.IntN(40)) * time.Minute)
		if !created.Before(l.end.Add(-time.Minute)) {
			continue
		}
		cp := &casePlan{item: p, art: art, d0: ctip.DateOf(s.at), created: created, signer: s.signer}
		cp.ring = (art == "150" || art == "151" || art == "348" || art == "349") && l.chance(22)
		cp.charge = l.chooseCharge(art, cp.ring, p.story)
		received := ctip.DateOf(p.in.ReceivedAt)
		cp.offence = received.AddDays(-3 - l.crng.IntN(50))
		cat, err := l.catalogue().CaseCategory(cp.offence, cp.charge)
		if err != nil {
			cp.charge = legal.Charge{Article: art, Clause: "1"}
			if cat, err = l.catalogue().CaseCategory(cp.offence, cp.charge); err != nil {
				continue
			}
		}
		cp.cat = cat
		lead := p.officer
		if lead != "dieutra" && lead != "dieutra2" {
			lead = "dieutra"
			if l.chance(45) {
				lead = "dieutra2"
			}
		}
		cp.officers = []string{lead}
		if l.chance(40) {
			other := "dieutra2"
			if lead == "dieutra2" {
				other = "dieutra"
			}
			cp.officers = append(cp.officers, other)
		}
		cp.creator = lead
		if s.by == "lanhdao" {
			cp.creator = "lanhdao"
		}
		cp.dues, cp.extMonths = l.invDues(cp.cat, cp.d0)
		if len(cp.dues) == 0 {
			continue
		}
		all = append(all, cp)
	}
	l.assignTargets(all)
	var out []*casePlan
	wanted := 0
	for _, cp := range all {
		if cp.target < 0 {
			continue
		}
		cp.idx = len(out)
		l.planAccused(cp, suspects[cp.item], &wanted)
		l.planParties(cp)
		out = append(out, cp)
	}
	l.planKeyCases(out)
	l.detentionDueSoon(out)
	if wanted == 0 {
		l.oneFled(out)
	}
	return out
}

// oneFled makes sure the registry shows a wanted notice: one accused of a
// case with several flees after being charged (suspended in respect of
// them, the others go on).
func (l *loader) oneFled(cases []*casePlan) {
	last := l.lastDay
	for _, cp := range cases {
		if len(cp.accused) < 2 || cp.target == tgSuspended || cp.target == tgTerminated || !cp.path.suspended.IsZero() {
			continue
		}
		x := cp.accused[len(cp.accused)-1]
		flee := x.charged.AddDays(10 + l.crng.IntN(15))
		if flee.After(minD(cp.invEnd(last).AddDays(-3), last)) {
			continue
		}
		x.fled, x.detained, x.custody = flee, false, false
		return
	}
}

// detentionDueSoon makes one detention under investigation end within
// the board's week, undecided yet (the reminders and the board show it):
// its accused is charged and detained the right number of days ago.
func (l *loader) detentionDueSoon(cases []*casePlan) {
	last := l.lastDay
	for _, cp := range cases {
		if cp.target != tgInvExt && cp.target != tgInv || cp.variant != "" || len(cp.accused) == 0 || cp.d0.After(last.AddDays(-130)) {
			continue
		}
		x := cp.accused[0]
		if !x.fled.IsZero() {
			continue
		}
		for k := 2; k <= 6; k++ {
			for back := 50; back <= 130; back++ {
				day := last.AddDays(-back)
				if day.Before(cp.d0) || l.cal.IsDayOff(day) {
					continue
				}
				if due, _ := l.detention(cp.cat, day); due == last.AddDays(k) {
					x.charged, x.detained, x.custody = day, true, false
					cp.variant = "detention_due_soon"
					return
				}
			}
		}
	}
}

// assignTargets deals the stages by quota to the cases they fit, then
// chooses the others' stages by weight among those that fit; a case that
// fits none is left out (target -1).
func (l *loader) assignTargets(all []*casePlan) {
	type key struct {
		t caseTarget
		v string
	}
	fits := make([]map[key]path, len(all))
	for i, cp := range all {
		fits[i] = map[key]path{}
		for _, sh := range caseShares {
			if p, ok := l.tryPath(cp, sh.t, sh.variant); ok {
				fits[i][key{sh.t, sh.variant}] = p
			}
		}
	}
	done := make([]bool, len(all))
	for _, sh := range caseShares {
		want := max(sh.min, len(all)*sh.perMille/1000)
		var cands []int
		for i := range all {
			if _, ok := fits[i][key{sh.t, sh.variant}]; ok && !done[i] {
				cands = append(cands, i)
			}
		}
		l.crng.Shuffle(len(cands), func(a, b int) { cands[a], cands[b] = cands[b], cands[a] })
		// Cases that reach the stage without a suspension on the way first.
		slices.SortStableFunc(cands, func(a, b int) int {
			return btoi(fits[a][key{sh.t, sh.variant}].episode) - btoi(fits[b][key{sh.t, sh.variant}].episode)
		})
		for _, i := range cands[:min(want, len(cands))] {
			all[i].target, all[i].variant, all[i].path = sh.t, sh.variant, fits[i][key{sh.t, sh.variant}]
			done[i] = true
		}
	}
	for i, cp := range all {
		if done[i] {
			continue
		}
		total := 0
		var opts []key
		for k := range fits[i] {
			if k.v == "" {
				opts = append(opts, k)
			}
		}
		slices.SortFunc(opts, func(a, b key) int { return int(a.t) - int(b.t) })
		// A suspension on the way is rarer than a straight course.
		weight := func(k key) int {
			if fits[i][k].episode {
				return max(1, naturalWeights[k.t]/6)
			}
			return naturalWeights[k.t] * 6
		}
		for _, k := range opts {
			total += weight(k)
		}
		if total == 0 {
			cp.target = -1
			continue
		}
		n := l.crng.IntN(total)
		for _, k := range opts {
			if n < weight(k) {
				cp.target, cp.path = k.t, fits[i][k]
				break
			}
			n -= weight(k)
		}
	}
}

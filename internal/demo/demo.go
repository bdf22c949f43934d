// Package demo loads a living demo province into an empty database: the
// agency tree of Điện Biên (province 11), demo accounts for every role, two
// years of crime information (tố giác, tin báo, kiến nghị khởi tố) about
// trafficking and illegal exit, the criminal cases instituted from it at
// every stage of the procedure (accused, measures, parties, key cases, peak
// campaigns), the suspects and accused in the person registry, and the
// victims received, identified, protected, supported and followed up. Every
// record is made through the real services, so that deadlines, decisions,
// timelines and the audit trail are all consistent.
//
// The loader owns the clock while it runs: it moves the shared FixedClock two
// years back, then forward event by event (every event of every record, in
// one chronological order), and leaves it at the original "now" at the end.
// People, phone numbers, ID numbers and stories are invented.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/geo"
	"ctip/internal/intake"
	"ctip/internal/legal"
	"ctip/internal/person"
	"ctip/internal/victim"
)

// Deps are the services the loader drives; every one must use Clock. The
// person service must be able to check the records persons are linked to
// (Records: intake items and cases), and the victim service must use that
// person service. Cases, Persons and Victims go together: without all three
// the loader builds only the units, the accounts and the intake items (as
// tools/seed does for its performance measurements).
type Deps struct {
	Auth    *auth.Service
	Intake  *intake.Service
	Cases   *casefile.Service
	Persons *person.Service
	Victims *victim.Service
	Places  *geo.Places
	// Clock is the clock of the services, set to the current time by the
	// caller. The loader moves it through the two years it simulates and
	// leaves it at its starting value.
	Clock *ctip.FixedClock
	// Counts tells whether the database already holds records (*store.DB).
	Counts interface {
		CountUnits(ctx context.Context) (int, error)
		IntakeCount(ctx context.Context) (int, error)
	}
	// Seed drives math/rand/v2: the same seed builds the same province
	// (passwords excepted: they come from crypto/rand).
	Seed int64
	// Items is the number of intake items (default DefaultItems).
	Items int
}

// DefaultItems is the number of intake items when Deps.Items is not set.
const DefaultItems = 500

// DefaultSeed is the random seed of `ctip demo` when none is given.
const DefaultSeed = 2026

// Account is a demo account as it should be shown to the newcomer: the
// password is set (not one-time) and the account needs no second factor.
type Account struct {
	Username string
	Password string
	Role     string
	Unit     string // unit code
}

// Result summarises what Load built.
type Result struct {
	Units    int // units in the database after loading (ROOT included)
	Accounts []Account
	Items    int
	ByStatus map[intake.Status]int
	Cases    int
	ByStage  map[casefile.Stage]int
	Accused  int
	// Persons registered as suspects, accused or witnesses (victims are counted apart).
	Persons   int
	Victims   int
	ByVictim  map[victim.Status]int // victim files by identification status
	Campaigns int
}

// Load builds the demo province. It refuses, with a Conflict "demo.not_empty"
// and without writing anything, when the database already holds records: an
// intake item, a unit other than the bootstrap unit ROOT, or an account with
// one of the demo usernames. progress, if not nil, is called after each
// record (item, case, victim file, person, campaign) is complete.
func Load(ctx context.Context, d Deps, progress func(Progress)) (*Result, error) {
	if d.Auth == nil || d.Intake == nil || d.Places == nil || d.Clock == nil || d.Counts == nil {
		return nil, ctip.Wrap(fmt.Errorf("missing dependency"), "demo")
	}
	clocks := map[string]ctip.Clock{"intake": d.Intake.Clock, "auth": d.Auth.Clock}
	full := d.Cases != nil || d.Persons != nil || d.Victims != nil
	if full {
		if d.Cases == nil || d.Persons == nil || d.Victims == nil {
			return nil, ctip.Wrap(fmt.Errorf("the case, person and victim services go together"), "demo")
		}
		if d.Victims.Persons != d.Persons || d.Persons.Records == nil {
			return nil, ctip.Wrap(fmt.Errorf("the victim service must use Deps.Persons, which must check records"), "demo")
		}
		clocks["case"], clocks["person"], clocks["victim"] = d.Cases.Clock, d.Persons.Clock, d.Victims.Clock
	}
	for name, c := range clocks {
		if fc, ok := c.(*ctip.FixedClock); !ok || fc != d.Clock {
			return nil, ctip.Wrap(fmt.Errorf("the %s service must use Deps.Clock", name), "demo")
		}
	}
	if d.Items <= 0 {
		d.Items = DefaultItems
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	l := newLoader(d)
	communes := pickCommunes(d.Places, communePolice, 7)
	specs := unitTree(communes)
	var communeUnits []string
	for _, s := range specs {
		if s.kind == ctip.UnitCommunePolice {
			communeUnits = append(communeUnits, s.code)
		}
	}
	users := userList(communeUnits, l.g)
	if err := l.checkEmpty(ctx, users); err != nil {
		return nil, err
	}

	now := d.Clock.T
	defer func() { d.Clock.T = now }()
	l.end = now.UTC()
	l.start = l.end.AddDate(-2, 0, 0)
	l.lastDay = ctip.DateOf(l.end).AddDays(-1)
	d.Clock.T = l.start.Add(-24 * time.Hour)

	if err := l.buildTree(ctx, specs, users); err != nil {
		return nil, err
	}
	l.setupReceivers()
	plans := l.planAll(d.Items)
	var tracks []*track
	for _, p := range plans {
		tracks = append(tracks, l.itemTrack(p))
	}
	var suspects []*suspectPlan
	var cases []*casePlan
	var victims []*victimPlan
	var campaigns []*campaignPlan
	if full {
		suspects = l.planSuspects(plans)
		cases = l.planCases(plans, suspectsByItem(suspects))
		victims = l.planVictims(plans, cases)
		campaigns = l.planCampaigns(plans, cases)
	}
	for _, s := range suspects {
		tracks = append(tracks, l.suspectTrack(s, len(tracks)))
	}
	l.planSupplement(cases)
	for _, c := range cases {
		tracks = append(tracks, l.caseTrack(c, len(tracks)))
	}
	for _, v := range victims {
		tracks = append(tracks, l.victimTrack(v, len(tracks)))
	}
	for _, c := range campaigns {
		tracks = append(tracks, l.campaignTrack(c, len(tracks)))
	}
	if err := l.run(ctx, tracks, progress); err != nil {
		return nil, err
	}
	res := &Result{Accounts: l.accounts, Items: len(plans), ByStatus: map[intake.Status]int{}, ByStage: map[casefile.Stage]int{},
		ByVictim: map[victim.Status]int{}, Campaigns: len(campaigns)}
	for _, p := range plans {
		res.ByStatus[p.status]++
	}
	persons := map[ctip.ID]bool{}
	for _, s := range suspects {
		if !s.personID.IsZero() {
			persons[s.personID] = true
		}
	}
	for _, c := range cases {
		if c.id.IsZero() {
			continue
		}
		res.Cases++
		res.ByStage[c.stage]++
		for _, a := range c.accused {
			if !a.accID.IsZero() {
				res.Accused++
			}
			if !a.personID.IsZero() {
				persons[a.personID] = true
			}
		}
		for _, pt := range c.parties {
			if pt.role == casefile.RoleWitness && !pt.personID.IsZero() {
				persons[pt.personID] = true
			}
		}
	}
	res.Persons = len(persons)
	for _, v := range victims {
		if !v.id.IsZero() {
			res.Victims++
			res.ByVictim[v.status]++
		}
	}
	n, err := d.Counts.CountUnits(ctx)
	if err != nil {
		return nil, err
	}
	res.Units = n
	return res, nil
}

// checkEmpty refuses a database that already holds records.
func (l *loader) checkEmpty(ctx context.Context, users []userSpec) error {
	refuse := ctip.Errorf(ctip.Conflict, "demo.not_empty")
	n, err := l.d.Counts.IntakeCount(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return refuse
	}
	n, err = l.d.Counts.CountUnits(ctx)
	if err != nil {
		return err
	}
	switch {
	case n > 1:
		return refuse
	case n == 1:
		if _, err := l.d.Auth.Store.GetUnitByCode(ctx, CodeRoot); err != nil {
			if ctip.IsKind(err, ctip.NotFound) {
				return refuse
			}
			return err
		}
	}
	for _, u := range users {
		_, err := l.d.Auth.Store.GetUserByUsername(ctx, u.username)
		if err == nil {
			return refuse
		}
		if !ctip.IsKind(err, ctip.NotFound) {
			return err
		}
	}
	return nil
}

// loader holds the state of one Load.
type loader struct {
	d          Deps
	rng        *rand.Rand
	g          gen
	pol        legal.Policy
	cal        *legal.Calendar
	start, end time.Time

	units        map[string]*auth.Unit
	actors       map[string]*ctip.Actor
	accounts     []Account
	communeOf    map[string]string // commune police unit code → commune code
	communeUnits []string
	receivers    []*receiver
	docNo        map[string]int // "<series>/<year>" → last number

	// The cases, persons and victims are drawn from their own random
	// stream, so that they do not change the intake items of a seed.
	crng    *rand.Rand
	cg      gen
	lastDay ctip.Date // the last day the loader records decisions on (yesterday)
}

func newLoader(d Deps) *loader {
	rng := rand.New(rand.NewPCG(uint64(d.Seed), 0x63746970_64656d6f)) // "ctipdemo"
	cal := legal.NewCalendar()
	if d.Intake.Calendar != nil {
		cal = d.Intake.Calendar()
	}
	crng := rand.New(rand.NewPCG(uint64(d.Seed), 0x63746970_63617365)) // "ctipcase"
	return &loader{d: d, rng: rng, g: gen{rng}, pol: d.Intake.Policy, cal: cal,
		units: map[string]*auth.Unit{}, actors: map[string]*ctip.Actor{}, communeOf: map[string]string{}, docNo: map[string]int{},
		crng: crng, cg: gen{crng}}
}

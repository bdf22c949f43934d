// Package demo loads a living demo province into an empty database: the
// agency tree of Điện Biên (province 11), demo accounts for every role, and
// two years of crime information (tố giác, tin báo, kiến nghị khởi tố) about
// trafficking and illegal exit, driven through the real intake service so
// that deadlines, decisions, the timeline and the audit trail are all
// consistent.
//
// The loader owns the clock while it runs: it moves the shared FixedClock two
// years back, then forward event by event (every event of every item, in one
// chronological order), and leaves it at the original "now" at the end.
// People, phone numbers, ID numbers and stories are invented.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/geo"
	"ctip/internal/intake"
	"ctip/internal/legal"
)

// Deps are the services the loader drives. Auth and Intake must use Clock.
type Deps struct {
	Auth   *auth.Service
	Intake *intake.Service
	Places *geo.Places
	// Clock is the clock of Auth and Intake, set to the current time by the
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
}

// Load builds the demo province. It refuses, with a Conflict "demo.not_empty"
// and without writing anything, when the database already holds records: an
// intake item, a unit other than the bootstrap unit ROOT, or an account with
// one of the demo usernames. progress, if not nil, is called after each item
// is complete.
func Load(ctx context.Context, d Deps, progress func(done, total int)) (*Result, error) {
	if d.Auth == nil || d.Intake == nil || d.Places == nil || d.Clock == nil || d.Counts == nil {
		return nil, ctip.Wrap(fmt.Errorf("missing dependency"), "demo")
	}
	if c, ok := d.Intake.Clock.(*ctip.FixedClock); !ok || c != d.Clock {
		return nil, ctip.Wrap(fmt.Errorf("the intake service must use Deps.Clock"), "demo")
	}
	if c, ok := d.Auth.Clock.(*ctip.FixedClock); !ok || c != d.Clock {
		return nil, ctip.Wrap(fmt.Errorf("the auth service must use Deps.Clock"), "demo")
	}
	if d.Items <= 0 {
		d.Items = DefaultItems
	}
	if progress == nil {
		progress = func(int, int) {}
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
	d.Clock.T = l.start.Add(-24 * time.Hour)

	if err := l.buildTree(ctx, specs, users); err != nil {
		return nil, err
	}
	l.setupReceivers()
	plans := l.planAll(d.Items)
	if err := l.run(ctx, plans, progress); err != nil {
		return nil, err
	}
	res := &Result{Accounts: l.accounts, Items: len(plans), ByStatus: map[intake.Status]int{}}
	for _, p := range plans {
		res.ByStatus[p.status]++
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
}

func newLoader(d Deps) *loader {
	rng := rand.New(rand.NewPCG(uint64(d.Seed), 0x63746970_64656d6f)) // "ctipdemo"
	cal := legal.NewCalendar()
	if d.Intake.Calendar != nil {
		cal = d.Intake.Calendar()
	}
	return &loader{d: d, rng: rng, g: gen{rng}, pol: d.Intake.Policy, cal: cal,
		units: map[string]*auth.Unit{}, actors: map[string]*ctip.Actor{}, communeOf: map[string]string{}, docNo: map[string]int{}}
}

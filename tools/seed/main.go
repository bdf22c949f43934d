// Command seed fills a ctip database with a large demo province for the
// performance measurements of docs/PERFORMANCE.md: the demo loader's unit
// tree and accounts, and as many intake items as asked (1,000,000 by
// default) over the two years before now, every one driven through the real
// intake service (validation, deadlines, the state machine, events, audit
// events) and written by the real store (encrypted columns, register
// numbers from the counters, the hash-chained audit trail).
//
// What makes it take minutes instead of hours: the store's writes are
// grouped into large transactions (store.DB.Batch, a few thousand records
// each) and the service's reads of the items it is processing are answered
// from memory (they were written by this process, so the copy is exact).
//
//	go run ./tools/seed -data /tmp/ctip-1m [-items 1000000] [-seed 2026]
//
// The database must be empty (as for "ctip demo"). It prints the demo
// accounts and their passwords at the end; `ctip audit verify` checks the
// trail afterwards.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/crypt"
	"ctip/internal/demo"
	"ctip/internal/geo"
	"ctip/internal/intake"
	"ctip/internal/legal"
	"ctip/internal/store"
)

func main() {
	data := flag.String("data", "", "data folder (SQLite file ctip.db and key file ctip.keys, as `ctip serve --data`)")
	dbURL := flag.String("database", "", "database URL (default: ctip.db in the data folder)")
	items := flag.Int("items", 1_000_000, "intake items")
	seed := flag.Int64("seed", 2026, "random seed of the demo loader")
	batch := flag.Int("batch", 20_000, "store writes per transaction")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "seed:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *data == "" {
		fmt.Fprintln(os.Stderr, "seed: -data is required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *data, *dbURL, *items, *seed, *batch); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(ctx context.Context, data, dbURL string, items int, seed int64, batchSize int) error {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	if dbURL == "" {
		dbURL = filepath.Join(data, "ctip.db")
	}
	keys, _, err := crypt.LoadOrCreate(filepath.Join(data, "ctip.keys"))
	if err != nil {
		return err
	}
	clock := &ctip.FixedClock{T: time.Now().UTC()}
	db, err := store.Open(ctx, store.Options{URL: dbURL, Keys: keys, Clock: clock})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	places, err := geo.Load()
	if err != nil {
		return err
	}
	cal := legal.NewCalendar()
	bs := newBatcher(ctx, db, batchSize)
	dir := &directory{db: db, units: map[ctip.ID]*auth.Unit{}, users: map[ctip.ID]*auth.User{}}
	svc := &intake.Service{Store: bs, Directory: dir, Places: places, Clock: clock, Policy: legal.DefaultPolicy(),
		Calendar: func() *legal.Calendar { return cal }, MaxAttachment: 20 << 20}
	authSvc := auth.New(db, clock)

	start := time.Now()
	last := time.Time{}
	res, err := demo.Load(ctx, demo.Deps{Auth: authSvc, Intake: svc, Places: places, Clock: clock, Counts: db, Seed: seed, Items: items},
		func(p demo.Progress) {
			done, total := p.Items, p.ItemsTotal
			if time.Since(last) > 5*time.Second || p.Done == p.Total {
				last = time.Now()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				rate := float64(done) / time.Since(start).Seconds()
				fmt.Fprintf(os.Stderr, "%s  %d/%d items complete (%.0f/s), %d store writes in %d transactions, heap %d MB\n",
					time.Since(start).Round(time.Second), done, total, rate, bs.seq, bs.commits.Load(), ms.HeapAlloc>>20)
			}
		})
	if ferr := bs.close(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if err := db.SetSetting(ctx, "demo", "true"); err != nil {
		return err
	}
	n, err := db.IntakeCount(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("Seeded in %s: %d units, %d intake items (%d store writes in %d transactions).\n",
		time.Since(start).Round(time.Second), res.Units, n, bs.seq, bs.commits.Load())
	fmt.Println("By status:")
	for _, st := range intake.Statuses {
		fmt.Printf("  %-14s %d\n", st, res.ByStatus[st])
	}
	fmt.Println("\nDemo accounts (no second factor; passwords shown only now):")
	tw := tabwriter.NewWriter(os.Stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tUSERNAME\tPASSWORD\tUNIT")
	for _, acc := range res.Accounts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", acc.Role, acc.Username, acc.Password, acc.Unit)
	}
	return tw.Flush()
}

// directory caches units and users: they do not change while items load.
type directory struct {
	db    *store.DB
	mu    sync.Mutex
	units map[ctip.ID]*auth.Unit
	users map[ctip.ID]*auth.User
}

func (d *directory) GetUnit(ctx context.Context, id ctip.ID) (*auth.Unit, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if u := d.units[id]; u != nil {
		c := *u
		return &c, nil
	}
	u, err := d.db.GetUnit(ctx, id)
	if err != nil {
		return nil, err
	}
	d.units[id] = u
	c := *u
	return &c, nil
}

func (d *directory) GetUser(ctx context.Context, id ctip.ID) (*auth.User, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if u := d.users[id]; u != nil {
		c := *u
		c.Roles = slices.Clone(u.Roles)
		return &c, nil
	}
	u, err := d.db.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	d.users[id] = u
	c := *u
	c.Roles = slices.Clone(u.Roles)
	return &c, nil
}

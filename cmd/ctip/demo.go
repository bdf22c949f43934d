package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"ctip"
	"ctip/internal/config"
	"ctip/internal/demo"
)

func cmdDemo(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("demo", "demo [--items N] [--seed N]", e, cfg)
	items := fs.Int("items", demo.DefaultItems, "number of intake items to create")
	seed := fs.Int64("seed", demo.DefaultSeed, "random seed (the same seed builds the same province)")
	if pos, err := parse(fs, e.args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("demo: unexpected argument %q", pos[0])
	}
	if *items < 0 || *items > 100000 {
		return usagef("demo: --items must be between 0 and 100000")
	}
	if err := cfg.Resolve(); err != nil {
		return usageError{err.Error()}
	}
	clock := &ctip.FixedClock{T: time.Now().UTC()}
	a, err := openApp(ctx, cfg, e, clock)
	if err != nil {
		return err
	}
	defer a.close()
	start := time.Now()
	last := time.Time{}
	res, err := demo.Load(ctx, demo.Deps{Auth: a.auth, Intake: a.intake, Cases: a.cases, Persons: a.persons, Victims: a.victims, Places: a.places,
		Clock: clock, Counts: a.db, Seed: *seed, Items: *items},
		func(p demo.Progress) {
			if time.Since(last) > time.Second || p.Done == p.Total {
				last = time.Now()
				fmt.Fprintf(e.stderr, "\rloading the demo province: %d/%d intake items, %d/%d cases, %d/%d victim files",
					p.Items, p.ItemsTotal, p.Cases, p.CasesTotal, p.Victims, p.VictimsTotal)
				if p.Done == p.Total {
					fmt.Fprintln(e.stderr)
				}
			}
		})
	if err != nil {
		if ce, ok := err.(*ctip.Error); ok && ce.Key == "demo.not_empty" {
			return exitError{code: 1, msg: "demo: the database already holds records; the demo loads only into an empty database (use a new --data folder or database)"}
		}
		return err
	}
	if err := a.db.SetSetting(ctx, "demo", "true"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Demo province loaded in %s: %d units, %d intake items, %d criminal cases (%d accused), %d persons in the registry, %d victim files, %d campaigns.\n\n"+
		"Demo accounts (no second factor needed; passwords shown only now):\n",
		time.Since(start).Round(time.Second), res.Units, res.Items, res.Cases, res.Accused, res.Persons, res.Victims, res.Campaigns)
	tw := tabwriter.NewWriter(e.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tUSERNAME\tPASSWORD\tUNIT")
	for _, acc := range res.Accounts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", acc.Role, acc.Username, acc.Password, acc.Unit)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "\nStart the server with: go run ./cmd/ctip serve"+storageFlags(fs))
	return nil
}

// storageFlags repeats the --data and --database given on the command line
// (shell-quoted), so that the printed serve command opens the same database.
func storageFlags(fs *flag.FlagSet) string {
	var b strings.Builder
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "data" || f.Name == "database" {
			b.WriteString(" --" + f.Name + " " + shellQuote(f.Value.String()))
		}
	})
	return b.String()
}

// shellQuote quotes a value for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

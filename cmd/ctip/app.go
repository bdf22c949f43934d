package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"ctip"
	"ctip/internal/audit"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/config"
	"ctip/internal/crypt"
	"ctip/internal/geo"
	"ctip/internal/i18n"
	"ctip/internal/intake"
	"ctip/internal/legal"
	"ctip/internal/notify"
	"ctip/internal/person"
	"ctip/internal/store"
	"ctip/internal/victim"
)

// app is everything wired together: the only place that knows every package.
type app struct {
	cfg      *config.Config
	log      *slog.Logger
	clock    ctip.Clock
	keys     *crypt.Keyring
	db       *store.DB
	places   *geo.Places
	cat      *i18n.Catalog
	calendar *legal.Calendar
	auth     *auth.Service
	intake   *intake.Service
	audit    *audit.Service
	notify   *notify.Service
	persons  *person.Service
	victims  *victim.Service
	cases    *casefile.Service
	cals     *casefile.Calendars
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// keyCheckSetting holds a value sealed with the field keys, so that a server
// started with the wrong key file refuses to run instead of writing data
// nobody can read.
const keyCheckSetting = "keys.check"

var keyCheckAD = crypt.AD("settings", "value", keyCheckSetting)

// openApp opens the keys and the database, migrates, and builds the services.
func openApp(ctx context.Context, cfg *config.Config, e env, clock ctip.Clock) (*app, error) {
	if clock == nil {
		clock = ctip.SystemClock{}
	}
	a := &app{cfg: cfg, log: newLogger(cfg, e.stderr), clock: clock}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder %s: %w", cfg.DataDir, err)
	}
	keys, created, err := crypt.LoadOrCreate(cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("field-encryption keys %s: %w", cfg.KeyFile, err)
	}
	if created {
		abs, _ := filepath.Abs(cfg.KeyFile)
		fmt.Fprintf(e.stderr, "\n*** A new field-encryption key file was created: %s (mode 0600).\n"+
			"*** BACK IT UP NOW, separately from the database. Without it, protected data\n"+
			"*** (victims, reporters, attachments) cannot be read. Every instance needs the same file.\n\n", abs)
	}
	a.keys = keys
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, Keys: keys, Clock: clock})
	if err != nil {
		return nil, err
	}
	a.db = db
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := a.checkKeys(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a.places, err = geo.Load()
	if err != nil {
		db.Close()
		return nil, err
	}
	a.cat, err = i18n.Load()
	if err != nil {
		db.Close()
		return nil, err
	}
	a.calendar = legal.NewCalendar()
	if cfg.Holidays != "" {
		f, err := os.Open(cfg.Holidays)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("CTIP_HOLIDAYS_FILE: %w", err)
		}
		ann, err := legal.ParseAnnouncements(f)
		f.Close()
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("CTIP_HOLIDAYS_FILE %s: %w", cfg.Holidays, err)
		}
		a.calendar = a.calendar.WithAnnouncements(ann)
	}
	a.build(clock)
	if err := a.personSettings(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Accused and parties recorded before the person registry get their
	// registry person (idempotent; docs/OPERATIONS.md).
	n, err := a.cases.BackfillPersons(system(ctx, "persons.backfill"))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("linking case persons to the registry: %w", err)
	}
	if n > 0 {
		a.log.Info("case persons linked to the registry", "rows", n)
	}
	return a, nil
}

// build makes the services on a clock.
func (a *app) build(clock ctip.Clock) {
	a.auth = auth.New(a.db, clock)
	if a.cfg.SessionIdle > 0 {
		a.auth.Settings.SessionIdle = a.cfg.SessionIdle
	}
	if a.cfg.SessionAbsolute > 0 {
		a.auth.Settings.SessionAbsolute = a.cfg.SessionAbsolute
	}
	policy := legal.DefaultPolicy()
	policy.RollDayLimits = a.cfg.RollDayLimits
	policy.StageDetentionUncapped = !a.cfg.StageDetentionCap
	cal := a.calendar
	a.intake = &intake.Service{Store: a.db, Directory: a.db, Places: a.places, Clock: clock, Policy: policy,
		Calendar: func() *legal.Calendar { return cal }, MaxAttachment: int64(a.cfg.MaxAttachmentMB) << 20}
	a.audit = &audit.Service{Store: a.db}
	a.notify = &notify.Service{Store: a.db, Clock: clock}
	a.buildPersons(clock)
	a.buildCases(clock)
}

func (a *app) checkKeys(ctx context.Context) error {
	v, ok, err := a.db.Setting(ctx, keyCheckSetting)
	if err != nil {
		return err
	}
	if !ok {
		sealed := base64.StdEncoding.EncodeToString(a.keys.SealString("ctip-key-check", keyCheckAD))
		_, err := a.db.InsertSettingIfAbsent(ctx, keyCheckSetting, sealed)
		return err
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err == nil {
		_, err = a.keys.Open(b, keyCheckAD)
	}
	if err != nil {
		return fmt.Errorf("the key file %s does not match this database: protected data could not be read. "+
			"Use the key file that was created with this database (see docs/OPERATIONS.md)", a.cfg.KeyFile)
	}
	return nil
}

func (a *app) close() { a.db.Close() }

// system returns a context acting as the system (CLI commands).
func system(ctx context.Context, what string) context.Context {
	return ctip.WithActor(ctx, ctip.SystemActor(what))
}

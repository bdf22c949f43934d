package person

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"ctip"
)

// Settings of the registry kept in the settings table and changed by an
// administrator on /admin/persons: the identity windows and the retention
// periods per record type (Decree 13/2023 Art. 9(8) and Law 91/2025: data
// kept only as long as the purpose requires — programme decisions, not
// statute).
type Settings struct {
	RevealMinutes int // a team member's reveal of a protected identity
	GlassMinutes  int // a leader's break-the-glass view
	Retention     Retention
}

// Keys of the settings table.
const (
	SettingRevealMinutes   = "persons.reveal_minutes"
	SettingGlassMinutes    = "persons.break_glass_minutes"
	SettingRetainProtected = "persons.retain_protected_years"
	SettingRetainWitness   = "persons.retain_witness_years"
	SettingRetainNotVictim = "persons.retain_not_victim_years"
)

// Bounds of the settings (the page names them in its messages).
const (
	MinRevealMinutes, MaxRevealMinutes = 5, 60
	MinGlassMinutes, MaxGlassMinutes   = 5, 30
	MinRetainYears, MaxRetainYears     = 1, 50
)

// DefaultSettings are in force when the settings table says nothing.
func DefaultSettings() Settings {
	return Settings{RevealMinutes: int(DefaultRevealWindow / time.Minute), GlassMinutes: int(DefaultBreakGlassWindow / time.Minute), Retention: DefaultRetention}
}

// Stamp is the optimistic-concurrency token of a settings form: the values
// the form was filled from.
func (st Settings) Stamp() string {
	r := st.Retention
	return fmt.Sprintf("%d.%d.%d.%d.%d", st.RevealMinutes, st.GlassMinutes, r.ProtectedYears, r.WitnessYears, r.NotVictimYears)
}

// SettingsStore reads and writes settings values.
type SettingsStore interface {
	Setting(ctx context.Context, key string) (string, bool, error)
	SaveSettings(ctx context.Context, kv map[string]string, au ctip.AuditEvent) error
}

// fields of the settings, in page order.
func (st *Settings) fields() []struct {
	key, field string
	v          *int
} {
	return []struct {
		key, field string
		v          *int
	}{
		{SettingRevealMinutes, "reveal_minutes", &st.RevealMinutes},
		{SettingGlassMinutes, "break_glass_minutes", &st.GlassMinutes},
		{SettingRetainProtected, "retain_protected_years", &st.Retention.ProtectedYears},
		{SettingRetainWitness, "retain_witness_years", &st.Retention.WitnessYears},
		{SettingRetainNotVictim, "retain_not_victim_years", &st.Retention.NotVictimYears},
	}
}

// readSettings reads the stored settings over the defaults (a missing,
// unreadable or non-positive value keeps the default).
func (s *Service) readSettings(ctx context.Context) (Settings, error) {
	st := DefaultSettings()
	if s.Config == nil {
		return st, nil
	}
	for _, f := range st.fields() {
		v, ok, err := s.Config.Setting(ctx, f.key)
		if err != nil {
			return st, err
		}
		if n, err := strconv.Atoi(v); ok && err == nil && n > 0 {
			*f.v = n
		}
	}
	return st, nil
}

// LoadSettings reads the settings into the service (at start-up).
func (s *Service) LoadSettings(ctx context.Context) error {
	st, err := s.readSettings(ctx)
	if err != nil {
		return err
	}
	s.settings.Store(&st)
	return nil
}

// Settings returns the settings in force.
func (s *Service) Settings() Settings {
	if st := s.settings.Load(); st != nil {
		return *st
	}
	st := DefaultSettings()
	if s.RevealWindow > 0 {
		st.RevealMinutes = int(s.RevealWindow / time.Minute)
	}
	if s.BreakGlassWindow > 0 {
		st.GlassMinutes = int(s.BreakGlassWindow / time.Minute)
	}
	if s.Retention.ProtectedYears > 0 {
		st.Retention = s.Retention
	}
	return st
}

// ValidateSettings checks settings against their bounds; a person found
// not to be a victim is never kept longer than a victim.
func ValidateSettings(st Settings) ctip.Problems {
	var p ctip.Problems
	if st.RevealMinutes < MinRevealMinutes || st.RevealMinutes > MaxRevealMinutes {
		p.Add("reveal_minutes", "settings.minutes_range", MinRevealMinutes, MaxRevealMinutes)
	}
	if st.GlassMinutes < MinGlassMinutes || st.GlassMinutes > MaxGlassMinutes {
		p.Add("break_glass_minutes", "settings.minutes_range", MinGlassMinutes, MaxGlassMinutes)
	}
	r := st.Retention
	for _, f := range []struct {
		field string
		n     int
	}{{"retain_protected_years", r.ProtectedYears}, {"retain_witness_years", r.WitnessYears}, {"retain_not_victim_years", r.NotVictimYears}} {
		if f.n < MinRetainYears || f.n > MaxRetainYears {
			p.Add(f.field, "settings.years_range", MinRetainYears, MaxRetainYears)
		}
	}
	if !p.Has("retain_not_victim_years") && !p.Has("retain_protected_years") && r.NotVictimYears > r.ProtectedYears {
		p.Add("retain_not_victim_years", "settings.not_victim_longer")
	}
	return p
}

// SaveSettings stores new settings (administrators only), audited with the
// old and new value of every changed setting. stamp is the Stamp of the
// settings the form was filled from: if they changed since, the save is
// refused as stale.
func (s *Service) SaveSettings(ctx context.Context, stamp string, st Settings) error {
	a, err := ActorOf(ctx)
	if err != nil {
		return err
	}
	if !a.Can(ctip.PermAdminSettings) {
		return ctip.ErrForbidden()
	}
	if s.Config == nil {
		return ctip.ErrNotFound()
	}
	if p := ValidateSettings(st); len(p) > 0 {
		return p.Err()
	}
	cur, err := s.readSettings(ctx)
	if err != nil {
		return err
	}
	if stamp != cur.Stamp() {
		return ctip.ErrStale()
	}
	kv := map[string]string{}
	var changed []string
	old, nw := cur.fields(), st.fields()
	for i := range nw {
		if *old[i].v != *nw[i].v {
			kv[nw[i].key] = strconv.Itoa(*nw[i].v)
			changed = append(changed, fmt.Sprintf("%s:%d->%d", nw[i].key, *old[i].v, *nw[i].v))
		}
	}
	if len(kv) == 0 {
		return nil
	}
	au := ctip.NewAuditEvent(a, s.now(), "settings.persons", "settings", ctip.NilID)
	au.RecordID = "persons"
	au.Fields = changed
	if err := s.Config.SaveSettings(ctx, kv, au); err != nil {
		return err
	}
	s.settings.Store(&st)
	return nil
}

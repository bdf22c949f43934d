package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"ctip/internal/config"
	"ctip/internal/crypt"
	"ctip/internal/store"
)

// cmdKeys manages the field-encryption keys:
//
//	ctip keys rotate   add a key, make it active, re-encrypt every encrypted
//	                   column under it (resumable; servers may keep running)
//	ctip keys status   count values per key
func cmdKeys(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("keys", "keys rotate|status [--data DIR] [--database URL]", e, cfg)
	batch := fs.Int("batch", store.RotateBatchSize, "rows per batch")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || !slices.Contains([]string{"rotate", "status"}, pos[0]) {
		return usagef("keys: say rotate or status")
	}
	if err := cfg.Resolve(); err != nil {
		return usageError{err.Error()}
	}
	a, err := openApp(ctx, cfg, e, nil)
	if err != nil {
		return err
	}
	defer a.close()
	if pos[0] == "status" {
		return keyStatus(ctx, a, e)
	}
	store.RotateBatchSize = max(*batch, 1)
	return rotateKeys(ctx, a, e, 0)
}

func keyStatus(ctx context.Context, a *app, e env) error {
	use, err := a.db.KeyUsage(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "active key: %d; keys in the file: %v\n", a.keys.ActiveKeyID(), a.keys.KeyIDs())
	for _, id := range a.keys.KeyIDs() {
		fmt.Fprintf(e.stdout, "  key %d: %d values\n", id, use[id])
	}
	if t, err := a.db.RotationTarget(ctx); err == nil && t != 0 {
		fmt.Fprintf(e.stdout, "an unfinished rotation to key %d: run `ctip keys rotate` to resume it\n", t)
	}
	return nil
}

// rotateKeys starts or resumes a rotation. maxBatches > 0 stops early (tests).
func rotateKeys(ctx context.Context, a *app, e env, maxBatches int) error {
	target, err := a.db.RotationTarget(ctx)
	if err != nil {
		return err
	}
	switch {
	case target != 0 && target != a.keys.ActiveKeyID():
		return fmt.Errorf("an unfinished rotation targets key %d but the key file's active key is %d: restore the key file", target, a.keys.ActiveKeyID())
	case target != 0:
		fmt.Fprintf(e.stdout, "resuming the rotation to key %d\n", target)
	default:
		id := a.keys.AddKey()
		if err := a.keys.Save(a.cfg.KeyFile); err != nil {
			return fmt.Errorf("save the key file: %w", err)
		}
		fmt.Fprintf(e.stdout, "new key %d is active and saved in %s (back the file up now; running servers load it within %s)\n", id, a.cfg.KeyFile, keyReloadInterval)
		if err := a.db.StartRotation(ctx); err != nil {
			return err
		}
	}
	start := time.Now()
	last := time.Time{}
	n, err := a.db.Rotate(ctx, func(p store.RotationProgress) {
		if p.Done || time.Since(last) > time.Second {
			last = time.Now()
			state := "…"
			if p.Done {
				state = "done"
			}
			fmt.Fprintf(e.stdout, "  pass %d  %-20s %-22s %8d re-encrypted %s\n", p.Pass, p.Table, p.Column, p.Rewritten, state)
		}
	}, maxBatches)
	secs := time.Since(start).Seconds()
	if err != nil {
		fmt.Fprintf(e.stdout, "stopped after %d values (%.1f s): %v\nrun `ctip keys rotate` again to resume\n", n, secs, err)
		return err
	}
	if maxBatches > 0 {
		if t, _ := a.db.RotationTarget(ctx); t != 0 {
			fmt.Fprintf(e.stdout, "paused after %d values\n", n)
			return nil
		}
	}
	rate := 0.0
	if secs > 0 {
		rate = float64(n) / secs
	}
	fmt.Fprintf(e.stdout, "rotation to key %d finished: %d values re-encrypted in %.1f s (%.0f values/s)\n", a.keys.ActiveKeyID(), n, secs, rate)
	use, err := a.db.KeyUsage(ctx)
	if err != nil {
		return err
	}
	var old []uint32
	for id, c := range use {
		if id != a.keys.ActiveKeyID() && c > 0 {
			old = append(old, id)
		}
	}
	if len(old) > 0 {
		return fmt.Errorf("values remain under keys %v", old)
	}
	fmt.Fprintf(e.stdout, "no value uses an older key any more; older keys stay in the file so that backups remain readable\n")
	_ = crypt.KeyIDOf
	return nil
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/dbtest"
	"ctip/internal/geo"
	"ctip/internal/intake"
	"ctip/internal/legal"
	"ctip/internal/store"
)

// intakeFixture is one police unit with an officer, and the intake service.
type intakeFixture struct {
	db      *store.DB
	svc     *intake.Service
	officer context.Context
	clock   *ctip.FixedClock
}

func newIntakeFixture(t *testing.T, db *store.DB, clock *ctip.FixedClock) *intakeFixture {
	t.Helper()
	places, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	sys := ctip.WithActor(context.Background(), ctip.SystemActor("test"))
	as := auth.New(db, clock)
	unit, err := as.CreateUnit(sys, auth.UnitInput{Code: "PC02", Name: "Phòng Cảnh sát hình sự", Kind: ctip.UnitPolice})
	if err != nil {
		t.Fatal(err)
	}
	u, _, err := as.CreateUser(sys, auth.UserInput{Username: "dtv", UnitCode: "PC02", Roles: []string{auth.RoleInvestigator},
		Password: "Một mật khẩu đủ dài 2026"})
	if err != nil {
		t.Fatal(err)
	}
	svc := &intake.Service{Store: db, Directory: db, Places: places, Clock: clock, Policy: legal.DefaultPolicy(),
		Calendar: func() *legal.Calendar { return legal.NewCalendar() }}
	return &intakeFixture{db: db, svc: svc, clock: clock, officer: ctip.WithActor(context.Background(), auth.ActorFor(u, unit))}
}

func (f *intakeFixture) input(i int) intake.Input {
	return intake.Input{Kind: "denunciation", Channel: "hotline", ReceivedAt: f.clock.Now().Add(-time.Hour),
		Summary: fmt.Sprintf("Tin số %d: một phụ nữ bị đưa sang Trung Quốc", i), CommuneCode: "03160", OffenceArticle: "150",
		Reporter: intake.ReporterInput{Name: "Lò Văn Sướng", Phone: "0912 345 678"}}
}

func (f *intakeFixture) count(t *testing.T) int {
	t.Helper()
	n, err := f.db.IntakeCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func auditTotal(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func eachIntake(t *testing.T, fn func(t *testing.T, f *intakeFixture)) {
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) {
			clock := &ctip.FixedClock{T: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
			fn(t, newIntakeFixture(t, dbtest.Open(t, e, dbtest.Options{Clock: clock}), clock))
		})
	}
}

// TestBatchWritesAllOrNothing: the service's writes through a Batch view are
// committed together, with their register numbers and a whole audit chain;
// a batch that fails leaves nothing behind.
func TestBatchWritesAllOrNothing(t *testing.T) {
	eachIntake(t, func(t *testing.T, f *intakeFixture) {
		ctx := context.Background()
		auditBefore := auditTotal(t, f.db)
		var ids []ctip.ID
		err := f.db.Batch(ctx, func(b *store.DB) error {
			svc := *f.svc
			svc.Store = b
			for i := range 30 {
				it, err := svc.Create(f.officer, f.input(i))
				if err != nil {
					return err
				}
				ids = append(ids, it.ID)
				if i == 0 {
					// Reads see committed data only.
					if n := f.count(t); n != 0 {
						return fmt.Errorf("inside the batch: %d items visible, want 0", n)
					}
				}
			}
			// A write with no record of its own joins too.
			return b.AppendAudit(ctx, ctip.NewAuditEvent(ctip.SystemActor("test"), f.clock.Now(), "test.batch", "test", ids[0]))
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := f.count(t); n != 30 {
			t.Fatalf("%d items after the batch, want 30", n)
		}
		var refs []string
		for _, id := range ids {
			it, err := f.db.GetItem(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if it.Summary == "" || it.Reporter.Name != "Lò Văn Sướng" {
				t.Fatalf("item %s not readable: %+v", id, it)
			}
			refs = append(refs, it.Reference)
		}
		for i, ref := range refs {
			if want := fmt.Sprintf("TB-2026-%06d", i+1); ref != want {
				t.Fatalf("reference %d = %s, want %s", i, ref, want)
			}
		}
		if got := auditTotal(t, f.db) - auditBefore; got != 31 {
			t.Errorf("%d audit events, want 31", got)
		}
		verify(t, f.db)

		// A failing batch: nothing of it stays, and numbering goes on without a gap.
		boom := errors.New("stop")
		err = f.db.Batch(ctx, func(b *store.DB) error {
			svc := *f.svc
			svc.Store = b
			for i := range 5 {
				if _, err := svc.Create(f.officer, f.input(100+i)); err != nil {
					return err
				}
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want %v", err, boom)
		}
		if n := f.count(t); n != 30 {
			t.Fatalf("%d items after a failed batch, want 30", n)
		}
		if got := auditTotal(t, f.db) - auditBefore; got != 31 {
			t.Errorf("%d audit events after a failed batch, want 31", got)
		}
		it, err := f.svc.Create(f.officer, f.input(200))
		if err != nil {
			t.Fatal(err)
		}
		if it.Reference != "TB-2026-000031" {
			t.Errorf("next reference %s, want TB-2026-000031", it.Reference)
		}
		verify(t, f.db)

		// A nested Batch joins the outer one.
		err = f.db.Batch(ctx, func(b *store.DB) error {
			return b.Batch(ctx, func(b2 *store.DB) error {
				svc := *f.svc
				svc.Store = b2
				_, err := svc.Create(f.officer, f.input(300))
				return err
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := f.count(t); n != 32 {
			t.Fatalf("%d items, want 32", n)
		}
	})
}

// TestConcurrentCreates: many clients creating at once (on SQLite the
// writes are grouped into shared transactions) get distinct, gapless
// register numbers and one intact audit chain; a stale update fails alone.
func TestConcurrentCreates(t *testing.T) {
	eachIntake(t, func(t *testing.T, f *intakeFixture) {
		const workers, each = 8, 15
		first, err := f.svc.Create(f.officer, f.input(0))
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var refs []string
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if i == each/2 {
						// Stale: the version was 1 long ago.
						_, err := f.svc.Update(f.officer, first.ID, 0, f.input(w))
						if !ctip.IsKind(err, ctip.Conflict) {
							errs <- fmt.Errorf("stale update: %v, want a conflict", err)
						}
					}
					it, err := f.svc.Create(f.officer, f.input(w*100+i))
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					refs = append(refs, it.Reference)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := f.count(t); n != 1+workers*each {
			t.Fatalf("%d items, want %d", n, 1+workers*each)
		}
		slices.Sort(refs)
		for i, ref := range refs {
			if want := fmt.Sprintf("TB-2026-%06d", i+2); ref != want {
				t.Fatalf("references not gapless: %d is %s, want %s", i, ref, want)
			}
		}
		verify(t, f.db)
	})
}

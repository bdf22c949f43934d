package notify_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/dbtest"
	"ctip/internal/notify"
	"ctip/internal/store"
)

func TestMain(m *testing.M) {
	auth.ArgonMemory, auth.ArgonTime = 1024, 1
	dbtest.Main(m)
}

func TestSendDedupListMarkRead(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &ctip.FixedClock{T: time.Date(2026, 4, 1, 1, 0, 0, 0, time.UTC)}
		as := auth.New(db, clock)
		sys := ctip.WithActor(ctx, ctip.SystemActor("t"))
		unit, _ := as.CreateUnit(sys, auth.UnitInput{Code: "PC02", Name: "PC02", Kind: ctip.UnitPolice})
		lead, _, _ := as.CreateUser(sys, auth.UserInput{Username: "lead", UnitID: ctip.Some(unit.ID), Roles: []string{auth.RoleLeader}, Password: "Một mật khẩu rất dài 2026"})
		inv, _, _ := as.CreateUser(sys, auth.UserInput{Username: "inv", UnitID: ctip.Some(unit.ID), Roles: []string{auth.RoleInvestigator}, Password: "Một mật khẩu rất dài 2026"})
		svc := &notify.Service{Store: db, Clock: clock}
		n := notify.Notification{Kind: "deadline", Key: "notify.test", Args: []string{"VA-2026-000001", "12/04/2026"}, Link: "/cases/x", DedupKey: "case-x-investigation-2026-04-12-10d"}
		// Several instances racing to send the same reminder: one row per user.
		var wg sync.WaitGroup
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				svc.ToUnitRoles(ctx, unit.ID, []string{auth.RoleLeader, auth.RoleInvestigator}, n)
			}()
		}
		wg.Wait()
		for _, u := range []*auth.User{lead, inv} {
			uctx := ctip.WithActor(ctx, auth.ActorFor(u, unit))
			if c, _ := svc.Unread(uctx); c != 1 {
				t.Fatalf("%s has %d unread", u.Username, c)
			}
			page, err := svc.Mine(uctx, "", ctip.PageRequest{})
			if err != nil || page.Total != 1 || page.Items[0].Args[1] != "12/04/2026" || page.Items[0].Link != "/cases/x" {
				t.Fatalf("list: %+v %v", page, err)
			}
		}
		lctx := ctip.WithActor(ctx, auth.ActorFor(lead, unit))
		if err := svc.MarkRead(lctx); err != nil {
			t.Fatal(err)
		}
		if c, _ := svc.Unread(lctx); c != 0 {
			t.Fatalf("after mark read: %d", c)
		}
		if c, _ := svc.Unread(ctip.WithActor(ctx, auth.ActorFor(inv, unit))); c != 1 {
			t.Fatal("marking read touched another user's list")
		}
		// The list's filter: read / unread, per user; an unknown state is refused.
		ictx := ctip.WithActor(ctx, auth.ActorFor(inv, unit))
		for _, c := range []struct {
			ctx   context.Context
			state string
			want  int
		}{{lctx, notify.StateRead, 1}, {lctx, notify.StateUnread, 0}, {ictx, notify.StateRead, 0}, {ictx, notify.StateUnread, 1}, {ictx, "", 1}} {
			if page, err := svc.Mine(c.ctx, c.state, ctip.PageRequest{Sort: "date"}); err != nil || page.Total != c.want || len(page.Items) != c.want {
				t.Errorf("state %q: %d %v, want %d", c.state, page.Total, err, c.want)
			}
		}
		if _, err := svc.Mine(ictx, "old", ctip.PageRequest{}); !ctip.IsKind(err, ctip.Invalid) {
			t.Errorf("unknown state: %v", err)
		}
	})
}

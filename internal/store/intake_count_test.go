package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/dbtest"
	"ctip/internal/geo"
	"ctip/internal/intake"
	"ctip/internal/legal"
)

// TestIntakeCountsMatchTheItems drives items through creation, transfers
// (which share them with the sender), assignment and decisions, then checks
// every way the store counts them (the per-unit totals kept by triggers,
// the union over owner and shares, the dashboard) against a count made in
// Go from the items themselves.
func TestIntakeCountsMatchTheItems(t *testing.T) {
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) {
			clock := &ctip.FixedClock{T: time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC)}
			db := dbtest.Open(t, e, dbtest.Options{Clock: clock})
			places, err := geo.Load()
			if err != nil {
				t.Fatal(err)
			}
			sys := ctip.WithActor(context.Background(), ctip.SystemActor("test"))
			authSvc := auth.New(db, clock)
			units := map[string]*auth.Unit{}
			for _, u := range []auth.UnitInput{
				{Code: "CAT", Name: "Công an tỉnh", Kind: ctip.UnitPolice},
				{Code: "PC02", Name: "Phòng Cảnh sát hình sự", Kind: ctip.UnitPolice, ParentCode: "CAT"},
				{Code: "CAX1", Name: "Công an xã Mường Nhé", Kind: ctip.UnitCommunePolice, ParentCode: "CAT"},
				{Code: "CAX2", Name: "Công an xã Sín Thầu", Kind: ctip.UnitCommunePolice, ParentCode: "CAT"},
				{Code: "BP", Name: "Đồn Biên phòng", Kind: ctip.UnitBorderGuard},
			} {
				unit, err := authSvc.CreateUnit(sys, u)
				if err != nil {
					t.Fatal(err)
				}
				units[u.Code] = unit
			}
			actors := map[string]*ctip.Actor{}
			for _, u := range []struct{ name, unit, role string }{
				{"tiepnhan1", "CAX1", auth.RoleIntake}, {"tiepnhan2", "CAX2", auth.RoleIntake}, {"bienphong", "BP", auth.RoleIntake},
				{"dieutra", "PC02", auth.RoleInvestigator}, {"truongphong", "PC02", auth.RoleLeader},
			} {
				usr, _, err := authSvc.CreateUser(sys, auth.UserInput{Username: u.name, UnitCode: u.unit, Roles: []string{u.role}, Password: "Một mật khẩu đủ dài 2026"})
				if err != nil {
					t.Fatal(err)
				}
				actors[u.name] = auth.ActorFor(usr, units[u.unit])
			}
			as := func(name string) context.Context { return ctip.WithActor(context.Background(), actors[name]) }
			svc := &intake.Service{Store: db, Directory: db, Places: places, Clock: clock, Policy: legal.DefaultPolicy(),
				Calendar: func() *legal.Calendar { return legal.NewCalendar() }}

			var ids []ctip.ID
			for i := range 36 {
				who := []string{"tiepnhan1", "tiepnhan2", "bienphong", "dieutra"}[i%4]
				in := intake.Input{Kind: "denunciation", Channel: []string{"hotline", "walk_in"}[i%2],
					ReceivedAt: clock.Now().Add(-time.Duration(i*20) * time.Hour), Summary: fmt.Sprintf("Tin số %d", i),
					CommuneCode: "03160", OffenceArticle: "150", Reporter: intake.ReporterInput{Anonymous: true}}
				it, err := svc.Create(as(who), in)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, it.ID)
				if who == "dieutra" || i%3 == 0 {
					continue // stays with its receiver
				}
				v, err := svc.Do(as(who), it.ID, it.Version, intake.ActTransfer, intake.ActionInput{TargetUnitID: ctip.Some(units["PC02"].ID)})
				if err != nil {
					t.Fatal(err)
				}
				if i%5 == 0 {
					continue
				}
				if v, err = svc.Do(as("truongphong"), it.ID, v.Item.Version, intake.ActAssign, intake.ActionInput{OfficerID: ctip.Some(actors["dieutra"].UserID)}); err != nil {
					t.Fatal(err)
				}
				if i%2 == 0 {
					dec := intake.ActionInput{DocumentNumber: fmt.Sprintf("%d/QĐ", i), DocumentDate: ctip.DateOf(clock.Now()), Signer: "Trưởng phòng",
						Ground: intake.NotProsecuteGrounds[0]}
					if _, err := svc.Do(as("dieutra"), it.ID, v.Item.Version, intake.ActNotProsecute, dec); err != nil {
						t.Fatal(err)
					}
				}
			}

			// Back to the commune: owned by a unit it is also shared with.
			back, err := svc.Get(as("truongphong"), ids[20])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Do(as("truongphong"), ids[20], back.Item.Version, intake.ActTransfer, intake.ActionInput{TargetUnitID: ctip.Some(units["CAX1"].ID)}); err != nil {
				t.Fatal(err)
			}

			ctx := context.Background()
			var items []*intake.Item
			for _, id := range ids {
				it, err := db.GetItem(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				items = append(items, it)
			}
			today := ctip.DateOf(clock.Now())
			soon := today.AddDays(intake.DueSoonDays)
			scopes := map[string]ctip.Scope{
				"province":  {All: true},
				"PC02":      {UnitIDs: []ctip.ID{units["PC02"].ID}},
				"CAX1":      {UnitIDs: []ctip.ID{units["CAX1"].ID}},
				"BP":        {UnitIDs: []ctip.ID{units["BP"].ID}},
				"CAT-tree":  {UnitIDs: []ctip.ID{units["CAT"].ID}, SubtreePaths: []string{units["CAT"].Path}},
				"PC02+CAX1": {UnitIDs: []ctip.ID{units["PC02"].ID, units["CAX1"].ID}},
				"CAX1-tree": {UnitIDs: []ctip.ID{units["CAX1"].ID}, SubtreePaths: []string{units["CAX1"].Path}},
				"nothing":   {},
			}
			filters := map[string]intake.Filter{
				"none":         {},
				"open":         {Statuses: []intake.Status{intake.Received, intake.Transferred, intake.Assigned}},
				"closed":       {Statuses: []intake.Status{intake.NotProsecuted}},
				"unit PC02":    {UnitID: ctip.Some(units["PC02"].ID)},
				"unit CAX1":    {UnitID: ctip.Some(units["CAX1"].ID), Statuses: []intake.Status{intake.Received}},
				"walk-ins":     {Channel: intake.WalkIn},
				"PC02 hotline": {UnitID: ctip.Some(units["PC02"].ID), Channel: intake.Hotline},
			}
			for sn, scope := range scopes {
				for fn, f := range filters {
					want := 0
					for _, it := range items {
						if scope.Sees(it.UnitID, it.UnitPath, it.SharedWith) &&
							(len(f.Statuses) == 0 || slices.Contains(f.Statuses, it.Status)) &&
							(!f.UnitID.Valid || f.UnitID.ID == it.UnitID) &&
							(f.Channel == "" || f.Channel == it.Channel) {
							want++
						}
					}
					page, err := db.ListItems(ctx, f, scope, ctip.PageRequest{Limit: 100})
					if err != nil {
						t.Fatal(err)
					}
					if page.Total != want || len(page.Items) != want {
						t.Errorf("scope %s, filter %s: total %d, %d items listed, want %d", sn, fn, page.Total, len(page.Items), want)
					}
					// By deadline, page by page: running clocks in deadline order
					// (then by id), items without one after them in both
					// directions, latest received first — the same on both engines.
					for _, desc := range []bool{false, true} {
						var exp []*intake.Item
						for _, it := range items {
							if scope.Sees(it.UnitID, it.UnitPath, it.SharedWith) && (len(f.Statuses) == 0 || slices.Contains(f.Statuses, it.Status)) &&
								(!f.UnitID.Valid || f.UnitID.ID == it.UnitID) && (f.Channel == "" || f.Channel == it.Channel) {
								exp = append(exp, it)
							}
						}
						slices.SortFunc(exp, func(x, y *intake.Item) int {
							switch {
							case x.Deadline.IsZero() != y.Deadline.IsZero():
								if x.Deadline.IsZero() {
									return 1
								}
								return -1
							case x.Deadline.IsZero():
								if c := y.ReceivedAt.Compare(x.ReceivedAt); c != 0 {
									return c
								}
								return strings.Compare(y.ID.String(), x.ID.String())
							}
							c := x.Deadline.Compare(y.Deadline)
							if c == 0 {
								c = strings.Compare(x.ID.String(), y.ID.String())
							}
							if desc {
								c = -c
							}
							return c
						})
						var got []ctip.ID
						for off := 0; off < len(exp)+7; off += 7 {
							pg, err := db.ListItems(ctx, f, scope, ctip.PageRequest{Limit: 7, Offset: off, Sort: "deadline", Desc: desc})
							if err != nil {
								t.Fatal(err)
							}
							for _, it := range pg.Items {
								got = append(got, it.ID)
							}
						}
						var expIDs []ctip.ID
						for _, it := range exp {
							expIDs = append(expIDs, it.ID)
						}
						if !slices.Equal(got, expIDs) {
							t.Errorf("scope %s, filter %s, by deadline (desc %v):\n got %v\nwant %v", sn, fn, desc, got, expIDs)
						}
					}
				}
				want := intake.StatusCounts{ByStatus: map[intake.Status]int{}}
				for _, it := range items {
					if !scope.Sees(it.UnitID, it.UnitPath, it.SharedWith) {
						continue
					}
					want.ByStatus[it.Status]++
					want.Total++
					if !it.Deadline.IsZero() && it.Deadline.Before(today) {
						want.Overdue++
					}
					if !it.Deadline.IsZero() && !it.Deadline.Before(today) && !it.Deadline.After(soon) {
						want.DueSoon++
					}
				}
				got, err := db.CountByStatus(ctx, scope, today, soon)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("dashboard of %s: %+v, want %+v", sn, got, want)
				}
			}
		})
	}
}

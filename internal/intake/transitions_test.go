package intake_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ctip"
	"ctip/internal/intake"
)

// The resolution process as the law describes it (CPC Arts 146–149),
// written out independently of the service's transition table: from which
// statuses each action may be taken, and the status it leads to ("=" keeps
// the current one).
var process = map[intake.Action]struct {
	from []intake.Status
	to   string
}{
	intake.ActTransfer:         {[]intake.Status{"received", "transferred", "assigned", "verifying", "resumed"}, "transferred"},
	intake.ActAssign:           {[]intake.Status{"received", "transferred", "assigned", "verifying", "resumed"}, "assigned|="},
	intake.ActVerify:           {[]intake.Status{"assigned", "verifying", "resumed"}, "verifying"},
	intake.ActNotify:           {[]intake.Status{"received", "transferred", "assigned", "verifying", "resumed", "suspended"}, "="},
	intake.ActExtend:           {[]intake.Status{"received", "transferred", "assigned", "verifying"}, "="},
	intake.ActProcuracyExtend:  {[]intake.Status{"received", "transferred", "assigned", "verifying"}, "="},
	intake.ActProsecute:        {[]intake.Status{"received", "transferred", "assigned", "verifying", "resumed"}, "prosecuted"},
	intake.ActNotProsecute:     {[]intake.Status{"received", "transferred", "assigned", "verifying", "resumed"}, "not_prosecuted"},
	intake.ActSuspend:          {[]intake.Status{"assigned", "verifying", "resumed"}, "suspended"},
	intake.ActResume:           {[]intake.Status{"suspended"}, "resumed"},
	intake.ActCancelSuspension: {[]intake.Status{"suspended"}, "resumed"},
}

// TestEveryTransitionAllowedAndRefused takes every action from every status
// through the real service and store, with input that satisfies every other
// rule, and checks the outcome against the process above.
func TestEveryTransitionAllowedAndRefused(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		ctx := context.Background()
		// One actor holding every intake permission, in the handling unit.
		all := *f.users["truongpc02"]
		all.Perms = map[ctip.Permission]bool{}
		for _, p := range []ctip.Permission{ctip.PermIntakeRead, ctip.PermIntakeCreate, ctip.PermIntakeProcess, ctip.PermIntakeAssign,
			ctip.PermIntakeDecide, ctip.PermIntakeProcuracy, ctip.PermLeaderSubtree} {
			all.Perms[p] = true
		}
		actx := ctip.WithActor(ctx, &all)
		for _, act := range intake.Actions {
			want, ok := process[act]
			if !ok {
				t.Fatalf("action %s is not in the test's process table", act)
			}
			for _, st := range intake.Statuses {
				t.Run(fmt.Sprintf("%s from %s", act, st), func(t *testing.T) {
					it, err := f.svc.Create(actx, validInput(f))
					if err != nil {
						t.Fatal(err)
					}
					// Put the item in the status directly, with a consistent clock:
					// the period has run out (so a suspension is possible) and the
					// body has extended to 2 months (so the procuracy may extend).
					deadline := any(ctip.NewDate(2026, 3, 1).String())
					if !st.Open() {
						deadline = nil
					}
					if _, err := f.db.Exec(ctx, `UPDATE intake_items SET status = $1, deadline = $2, assigned_to = $3,
						body_extension_months = $4, clock_kind = $5, clock_months = $6 WHERE id = $7`,
						string(st), deadline, f.users["dtv1"].UserID, 2, "body_extension", 2, it.ID); err != nil {
						t.Fatal(err)
					}
					if act == intake.ActExtend {
						f.db.Exec(ctx, `UPDATE intake_items SET body_extension_months = 1, clock_kind = 'body_extension', clock_months = 1 WHERE id = $1`, it.ID)
					}
					in := intake.ActionInput{TargetUnitID: ctip.Some(f.units["CAX1"].ID), OfficerID: ctip.Some(f.users["dtv2"].UserID),
						Note: "ghi chú", DocumentNumber: "9/QĐ", DocumentDate: ctip.DateOf(f.clock.Now()), Signer: "Trưởng phòng",
						Months: 2, Ground: "expert_pending"}
					if act == intake.ActNotProsecute {
						in.Ground = "not_a_crime"
					}
					f.clock.Advance(time.Second)
					if act == intake.ActSuspend {
						// Art. 148(1): suspension only once the period has run out.
						f.clock.Advance(70 * 24 * time.Hour)
						in.DocumentDate = ctip.DateOf(f.clock.Now())
					}
					v, err := f.svc.Do(actx, it.ID, 1, act, in)
					allowed := contains(want.from, st)
					if !allowed {
						if !ctip.IsKind(err, ctip.Conflict) {
							t.Fatalf("refused transition answered %v", err)
						}
						got, _ := f.db.GetItem(ctx, it.ID)
						if got.Status != st || got.Version != 1 {
							t.Fatalf("a refused transition changed the item: %s v%d", got.Status, got.Version)
						}
						return
					}
					if err != nil {
						t.Fatalf("allowed transition failed: %v", err)
					}
					switch want.to {
					case "=":
						if v.Item.Status != st {
							t.Errorf("status %s → %s, want unchanged", st, v.Item.Status)
						}
					case "assigned|=":
						if (st == "verifying" || st == "resumed") && v.Item.Status != st || !(st == "verifying" || st == "resumed") && v.Item.Status != "assigned" {
							t.Errorf("assign from %s gave %s", st, v.Item.Status)
						}
					default:
						if string(v.Item.Status) != want.to {
							t.Errorf("status %s → %s, want %s", st, v.Item.Status, want.to)
						}
					}
					if v.Item.Version != 2 {
						t.Errorf("version %d after one transition", v.Item.Version)
					}
				})
			}
		}
	})
}

func contains(list []intake.Status, s intake.Status) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ctip"
	"ctip/internal/audit"
	"ctip/internal/dbtest"
	"ctip/internal/store"
)

func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	a := &ctip.Actor{UserID: ctip.NewID(), Username: "tester", UnitID: ctip.NewID(), IP: "10.0.0.1", RequestID: "req-1"}
	for i := range n {
		ev := ctip.NewAuditEvent(a, time.Date(2026, 3, 1, 8, 0, i, 123456789, time.UTC), "intake.update", "intake_item", ctip.NewID())
		ev.Fields = []string{"summary", "commune_code"}
		if err := db.AppendAudit(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, db *store.DB) audit.Result {
	t.Helper()
	svc := &audit.Service{Store: db}
	res, err := svc.Verify(ctip.WithActor(context.Background(), ctip.SystemActor("test")))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestAuditChainVerifies(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		appendN(t, db, 12)
		res := verify(t, db)
		if res.Break != nil || res.Count != 12 || res.HeadSeq != 12 {
			t.Fatalf("verify = %+v", res)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		tamper  string
		wantSeq int64
		reason  string
	}{
		{"changed row", `UPDATE audit_events SET action = 'intake.read' WHERE seq = 5`, 5, "changed"},
		{"changed time", `UPDATE audit_events SET ip = '10.9.9.9' WHERE seq = 7`, 7, "changed"},
		{"deleted row", `DELETE FROM audit_events WHERE seq = 4`, 5, "missing"},
		{"deleted newest rows", `DELETE FROM audit_events WHERE seq >= 9`, 9, "head"},
		{"reordered rows", `UPDATE audit_events SET seq = CASE seq WHEN 3 THEN 6 WHEN 6 THEN 3 END WHERE seq IN (3, 6)`, 3, "does not match"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
				appendN(t, db, 10)
				if res := verify(t, db); res.Break != nil {
					t.Fatalf("intact chain reported broken: %v", res.Break)
				}
				// Reordering swaps primary keys; do it through a temporary value on both engines.
				tamper := c.tamper
				if strings.Contains(tamper, "CASE seq") {
					for _, q := range []string{
						`UPDATE audit_events SET seq = -3 WHERE seq = 3`,
						`UPDATE audit_events SET seq = 3 WHERE seq = 6`,
						`UPDATE audit_events SET seq = 6 WHERE seq = -3`,
					} {
						if _, err := db.Exec(ctx, q); err != nil {
							t.Fatal(err)
						}
					}
				} else if _, err := db.Exec(ctx, tamper); err != nil {
					t.Fatal(err)
				}
				res := verify(t, db)
				if res.Break == nil {
					t.Fatal("tampering not detected")
				}
				if res.Break.Seq != c.wantSeq {
					t.Errorf("first broken entry = %d (%s), want %d", res.Break.Seq, res.Break.Reason, c.wantSeq)
				}
				if !strings.Contains(res.Break.Error(), c.reason) {
					t.Errorf("reason %q does not mention %q", res.Break.Error(), c.reason)
				}
			})
		})
	}
}

func TestAuditListFilters(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := &ctip.Actor{UserID: ctip.NewID(), Username: "a", UnitID: ctip.NewID()}
		b := &ctip.Actor{UserID: ctip.NewID(), Username: "b", UnitID: ctip.NewID()}
		rec := ctip.NewID()
		day := time.Date(2026, 5, 10, 3, 0, 0, 0, time.UTC)
		evs := []ctip.AuditEvent{
			ctip.NewAuditEvent(a, day, "intake.create", "intake_item", rec),
			ctip.NewAuditEvent(a, day.Add(24*time.Hour), "intake.transfer", "intake_item", rec),
			ctip.NewAuditEvent(b, day.Add(48*time.Hour), "auth.login", "user", b.UserID),
		}
		if err := db.AppendAudit(ctx, evs...); err != nil {
			t.Fatal(err)
		}
		svc := &audit.Service{Store: db}
		auditor := ctip.WithActor(ctx, &ctip.Actor{UserID: ctip.NewID(), Perms: map[ctip.Permission]bool{ctip.PermAuditRead: true}})
		check := func(f audit.Filter, want int) {
			t.Helper()
			p, err := svc.List(auditor, f, ctip.PageRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != want || len(p.Items) != want {
				t.Errorf("filter %+v: total %d items %d, want %d", f, p.Total, len(p.Items), want)
			}
		}
		check(audit.Filter{}, 3)
		check(audit.Filter{ActorID: ctip.Some(a.UserID)}, 2)
		check(audit.Filter{UnitID: ctip.Some(b.UnitID)}, 1)
		check(audit.Filter{Action: "intake."}, 2)
		check(audit.Filter{Action: "auth.login"}, 1)
		check(audit.Filter{RecordType: "intake_item", RecordID: rec.String()}, 2)
		check(audit.Filter{From: ctip.NewDate(2026, 5, 11), To: ctip.NewDate(2026, 5, 11)}, 1)
		p, _ := svc.List(auditor, audit.Filter{}, ctip.PageRequest{})
		if p.Items[0].Action != "auth.login" || p.Items[0].At.Sub(day.Add(48*time.Hour)) != 0 {
			t.Errorf("newest first: got %s at %v", p.Items[0].Action, p.Items[0].At)
		}
		if _, err := svc.List(ctip.WithActor(ctx, &ctip.Actor{}), audit.Filter{}, ctip.PageRequest{}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("non-auditor: err = %v", err)
		}
	})
}

// TestAuditVocabulary: the distinct actions and record types of the trail,
// sorted, whatever module wrote them; only for auditors.
func TestAuditVocabulary(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &audit.Service{Store: db}
		auditor := ctip.WithActor(ctx, &ctip.Actor{UserID: ctip.NewID(), Perms: map[ctip.Permission]bool{ctip.PermAuditRead: true}})
		if acts, types, err := svc.Vocabulary(auditor); err != nil || len(acts) != 0 || len(types) != 0 {
			t.Fatalf("empty trail: %v %v %v", acts, types, err)
		}
		a := &ctip.Actor{UserID: ctip.NewID(), Username: "a", UnitID: ctip.NewID()}
		day := time.Date(2026, 5, 10, 3, 0, 0, 0, time.UTC)
		var evs []ctip.AuditEvent
		for i, ar := range [][2]string{{"victim.view", "victim"}, {"case.terminate", "case"}, {"intake.create", "intake_item"}, {"case.terminate", "case"},
			{"person.reveal_denied", "person"}, {"campaign.create", "campaign"}, {"victim.view", "victim"}, {"auth.login", "user"}} {
			evs = append(evs, ctip.NewAuditEvent(a, day.Add(time.Duration(i)*time.Minute), ar[0], ar[1], ctip.NewID()))
		}
		if err := db.AppendAudit(ctx, evs...); err != nil {
			t.Fatal(err)
		}
		acts, types, err := svc.Vocabulary(auditor)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(acts, " "), "auth.login campaign.create case.terminate intake.create person.reveal_denied victim.view"; got != want {
			t.Errorf("actions: %s, want %s", got, want)
		}
		if got, want := strings.Join(types, " "), "campaign case intake_item person user victim"; got != want {
			t.Errorf("record types: %s, want %s", got, want)
		}
		if _, _, err := svc.Vocabulary(ctip.WithActor(ctx, &ctip.Actor{UserID: ctip.NewID()})); !ctip.IsKind(err, ctip.Forbidden) {
			t.Errorf("without audit.read: %v", err)
		}
	})
}

package victim_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"ctip"
	"ctip/internal/dbtest"
	"ctip/internal/person"
	"ctip/internal/store"
	"ctip/internal/victim"
)

// suspect records a recruiter (a police record of PC02, shared with PC01).
func suspect(t *testing.T, f *fx) *person.Person {
	t.Helper()
	v, err := f.persons.Create(f.as("dtv"), person.Input{FullName: "Giàng Thị Mai", Sex: "female", BirthYear: 1999, Nationality: "VN",
		Phone: "0912 000 111", Role: person.RoleRecruiter, ConfirmNew: true})
	if err != nil {
		t.Fatal(err)
	}
	sys := ctip.WithActor(context.Background(), ctip.SystemActor("test"))
	au := ctip.NewAuditEvent(ctip.SystemActor("test"), f.clock.Now(), "person.team", "person", v.Person.ID)
	if err := f.db.AddTeam(sys, v.Person.ID, person.TeamUnit{UnitID: f.units["PC01"].ID, Reason: person.TeamShare}, au); err != nil {
		t.Fatal(err)
	}
	p, err := f.db.GetPerson(sys, v.Person.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func rescue(p *person.Person, version int, f *fx) victim.ReceiveInput {
	return victim.ReceiveInput{Channel: victim.Rescue, ReceptionBody: "Đồn Biên phòng Sen Thượng", ReceivedAt: f.clock.Now().Add(-time.Hour),
		PersonID: ctip.Some(p.ID), PersonVersion: version}
}

func auditCount(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReceiveExistingPerson(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		p := suspect(t, f)
		// Who may not: out of scope (the health department does not see a
		// police record), no permission (commune police): nothing written, no hint.
		for _, who := range []string{"yte"} {
			if _, err := f.victims.Receive(f.as(who), rescue(p, p.Version, f)); !ctip.IsKind(err, ctip.NotFound) {
				t.Fatalf("%s: %v", who, err)
			}
		}
		if _, err := f.victims.Receive(f.as("yte"), rescue(&person.Person{ID: ctip.NewID()}, 1, f)); !ctip.IsKind(err, ctip.NotFound) {
			t.Fatalf("unknown person: %v", err)
		}
		if n := auditCount(t, db, "victim.receive_denied"); n != 2 {
			t.Fatalf("denied audits %d", n)
		}
		if _, err := f.victims.Receive(f.as("cax"), rescue(p, p.Version, f)); !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("commune police: %v", err)
		}
		// Optimistic concurrency on the person.
		if _, err := f.victims.Receive(f.as("dtv"), rescue(p, p.Version+1, f)); !ctip.IsKind(err, ctip.Conflict) {
			t.Fatalf("stale version: %v", err)
		}
		if _, err := f.victims.Receive(f.as("dtv"), rescue(p, 0, f)); !ctip.IsKind(err, ctip.Invalid) || !strings.Contains(err.Error(), "person_version") {
			t.Fatalf("no version: %v", err)
		}
		bad := rescue(p, p.Version, f)
		bad.Channel = ""
		if _, err := f.victims.Receive(f.as("dtv"), bad); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("no channel: %v", err)
		}
		if page, _ := db.ListFiles(context.Background(), victim.Filter{}, ctip.PageRequest{Limit: 10}); page.Total != 0 {
			t.Fatalf("files written by refused receptions: %d", page.Total)
		}

		// The rescuing investigator receives the person on the existing record.
		v, err := f.victims.Receive(f.as("dtv"), rescue(p, p.Version, f))
		if err != nil {
			t.Fatal(err)
		}
		if v.File.PersonID != p.ID || v.File.OwnerUnitID != f.units["PC02"].ID || !strings.HasPrefix(v.File.Pseudonym, "NN-2026-") || v.File.Status != victim.BeingIdentified {
			t.Fatalf("file %+v", v.File)
		}
		if !v.File.HealthReceivedAt.IsZero() {
			t.Fatal("the 3-day clock starts when the health department receives the person, not at the police reception")
		}
		after, err := db.GetPerson(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !after.Protected || after.Pseudonym != v.File.Pseudonym || after.Version != p.Version+1 || after.Identity.FullName != "Giàng Thị Mai" || !after.IsVictim {
			t.Fatalf("person after reception: protected %v pseudonym %q version %d", after.Protected, after.Pseudonym, after.Version)
		}
		var roles []string
		for _, r := range after.Roles {
			roles = append(roles, r.Role)
		}
		if !slices.Contains(roles, person.RoleRecruiter) || !slices.Contains(roles, person.RoleBeingIdentified) {
			t.Fatalf("roles %v: a victim in one record and a recruiter in another", roles)
		}
		team := map[string]bool{}
		for _, tu := range after.Team {
			team[tu.UnitID.String()+":"+tu.Reason] = true
		}
		for _, want := range []string{f.units["PC02"].ID.String() + ":receiving", f.units["SYT"].ID.String() + ":supporting",
			f.units["PC01"].ID.String() + ":investigating"} {
			if !team[want] {
				t.Fatalf("team %v lacks %s", team, want)
			}
		}
		if n := auditCount(t, db, "victim.receive"); n != 1 {
			t.Fatalf("receive audits %d", n)
		}

		// Protected from now on: the pseudonym by default; the police units
		// that had the record reveal with a reason; the health department
		// (handed over) works on the file.
		pv, err := f.persons.Get(f.as("dtvkhac"), p.ID)
		if err != nil || !pv.Masked || pv.Person.Identity.FullName != "" {
			t.Fatalf("PC01 sees the record masked: %v", err)
		}
		for _, who := range []string{"dtv", "dtvkhac", "yte"} {
			rv, err := f.persons.Reveal(f.as(who), p.ID, "Xác minh ban đầu theo Điều 27")
			if err != nil || rv.Person.Identity.FullName != "Giàng Thị Mai" {
				t.Fatalf("%s reveal: %v", who, err)
			}
		}
		if _, err := f.victims.Flow(f.as("yte"), v.File.ID, v.File.Version, victim.FlowInput{HealthReceivedAt: f.clock.Now()}); err != nil {
			t.Fatalf("health department on the file: %v", err)
		}
		// Police work on the record goes on: a prior record and a wanted
		// notice by the police units on the team; not by the commune police.
		if err := f.persons.AddPrior(f.as("dtvkhac"), p.ID, person.Prior{Kind: person.PriorConviction, Offence: "Điều 150 BLHS",
			DecidedOn: ctip.NewDate(2020, 5, 4)}); err != nil {
			t.Fatalf("prior on a victim who is a police record: %v", err)
		}
		if err := f.persons.AddWanted(f.as("dtv"), p.ID, person.Wanted{DecisionNumber: "12/QĐ-TN", IssuingBody: "Cơ quan CSĐT",
			IssuedOn: ctip.NewDate(2026, 1, 5)}); err != nil {
			t.Fatalf("wanted notice: %v", err)
		}
		if err := f.persons.AddPrior(f.as("cax"), p.ID, person.Prior{Kind: person.PriorAdmin, Offence: "x", DecidedOn: ctip.NewDate(2020, 5, 4)}); err == nil {
			t.Fatal("commune police wrote on a protected record")
		}

		// One open file per person: named to whoever may read it.
		_, err = f.victims.Receive(f.as("dtv"), rescue(after, after.Version, f))
		if !ctip.IsKind(err, ctip.Conflict) || !strings.Contains(err.Error(), "victim.file_open") {
			t.Fatalf("second reception: %v", err)
		}
		var ce *ctip.Error
		if e, ok := err.(*ctip.Error); ok {
			ce = e
		}
		if ce == nil || len(ce.Args) != 1 || ce.Args[0] != v.File.Pseudonym {
			t.Fatalf("the refusal names the file: %#v", err)
		}
	})
}

// A victim who is also a police record (recruiter) is not purged when the
// file closes; retention of a victim without a police role still runs.
func TestCloseKeepsPoliceRecord(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		p := suspect(t, f)
		v, err := f.victims.Receive(f.as("dtv"), rescue(p, p.Version, f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.victims.Close(f.as("yte"), v.File.ID, v.File.Version, "transferred", ctip.Date{}); err != nil {
			t.Fatal(err)
		}
		after, _ := db.GetPerson(context.Background(), p.ID)
		if !after.RetainUntil.IsZero() {
			t.Fatalf("police record given a purge date %s", after.RetainUntil)
		}
		other := receive(t, f, "Lò Văn Tú")
		if _, err := f.victims.Close(f.as("yte"), other.File.ID, other.File.Version, "transferred", ctip.Date{}); err != nil {
			t.Fatal(err)
		}
		o, _ := db.GetPerson(context.Background(), other.File.PersonID)
		if o.RetainUntil.IsZero() {
			t.Fatal("a victim without a police role keeps a retention date")
		}
		// Trafficked again: a new reception opens a new file (the closed
		// one is not reopened), under the person's pseudonym.
		after, _ = db.GetPerson(context.Background(), p.ID)
		if after.VictimOpen || !after.IsVictim {
			t.Fatalf("after closure: open %v victim %v", after.VictimOpen, after.IsVictim)
		}
		again, err := f.victims.Receive(f.as("dtv"), rescue(after, after.Version, f))
		if err != nil {
			t.Fatalf("reception after closure: %v", err)
		}
		if again.File.ID == v.File.ID || again.File.Pseudonym != v.File.Pseudonym || !again.File.ClosedOn.IsZero() {
			t.Fatalf("second file %+v", again.File)
		}
		if len(again.Others) != 1 || again.Others[0].ID != v.File.ID || again.Others[0].ClosedOn.IsZero() {
			t.Fatalf("the new file lists the earlier one: %+v", again.Others)
		}
		first, err := f.victims.Get(f.as("yte"), v.File.ID)
		if err != nil || len(first.Others) != 1 || first.Others[0].ID != again.File.ID {
			t.Fatalf("the earlier file lists the new one: %v", err)
		}
		// At most one open file: a third reception is refused, naming the open file.
		after, _ = db.GetPerson(context.Background(), p.ID)
		if !after.VictimOpen {
			t.Fatal("person has an open file")
		}
		if _, err := f.victims.Receive(f.as("dtv"), rescue(after, after.Version, f)); !ctip.IsKind(err, ctip.Conflict) || !strings.Contains(err.Error(), "victim.file_open") {
			t.Fatalf("reception with an open file: %v", err)
		}
		// The schema holds it too, whatever the service does.
		if _, err := db.Exec(context.Background(), `UPDATE victims SET closed_on = NULL WHERE id = $1`, v.File.ID); err == nil {
			t.Fatal("two open files for one person accepted by the schema")
		}
	})
}

// A victim received again after closure: the person's retention is the
// latest of their files' — a later file closed as not a victim does not
// shorten the retention of an earlier recognised victim's file.
func TestRetentionAcrossFiles(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		v := receive(t, f, "Lò Văn Tú")
		if _, err := f.victims.Close(f.as("yte"), v.File.ID, v.File.Version, "transferred", ctip.Date{}); err != nil {
			t.Fatal(err)
		}
		p, _ := db.GetPerson(context.Background(), v.File.PersonID)
		want := p.RetainUntil
		if want.IsZero() {
			t.Fatal("closed file without retention")
		}
		again, err := f.victims.Receive(f.as("yte"), rescue(p, p.Version, f))
		if err != nil {
			t.Fatal(err)
		}
		if q, _ := db.GetPerson(context.Background(), p.ID); !q.RetainUntil.IsZero() {
			t.Fatalf("retention kept while a file is open: %s", q.RetainUntil)
		}
		idv, err := f.victims.Identify(f.as("yte"), again.File.ID, again.File.Version, victim.IdentifyInput{Status: victim.NotVictim,
			DecidedOn: ctip.DateOf(f.clock.Now()), DecidingBody: "Police"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.victims.Close(f.as("yte"), again.File.ID, idv.File.Version, "not_victim", ctip.Date{}); err != nil {
			t.Fatal(err)
		}
		q, _ := db.GetPerson(context.Background(), p.ID)
		if q.RetainUntil != want {
			t.Fatalf("retention %s, want the earlier file's %s", q.RetainUntil, want)
		}
	})
}

// A police officer receives a new person: the receiving unit owns the file,
// the health department joins the team and may work on it.
func TestPoliceReceptionHandsOver(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		v, err := f.victims.Receive(f.as("dtv"), victim.ReceiveInput{Channel: victim.Rescue, ReceptionBody: "Phòng Cảnh sát hình sự",
			Person: person.Input{FullName: "Vàng Thị Dung", Sex: "female", BirthYear: 2004, Nationality: "VN", ConfirmNew: true}})
		if err != nil {
			t.Fatal(err)
		}
		if v.File.OwnerUnitID != f.units["PC02"].ID || !v.OnTeam {
			t.Fatalf("owner %s on team %v", v.File.OwnerUnitID, v.OnTeam)
		}
		hv, err := f.victims.Get(f.as("yte"), v.File.ID)
		if err != nil || !hv.CanWrite {
			t.Fatalf("health department: %v (can write %v)", err, hv != nil && hv.CanWrite)
		}
		// The investigator records the reception but not support (victim.write).
		if _, err := f.victims.AddSupport(f.as("dtv"), v.File.ID, victim.SupportInput{Regime: "medical", Provider: "Bệnh viện", ProvidedOn: ctip.DateOf(f.clock.Now())}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("support by the investigator: %v", err)
		}
		// A victim who is no police record: the police on the team do not
		// write on her record (the victim's team does).
		if err := f.persons.AddPrior(f.as("dtv"), v.File.PersonID, person.Prior{Kind: person.PriorAdmin, Offence: "x", DecidedOn: ctip.NewDate(2020, 5, 4)}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("prior on a victim by the police: %v", err)
		}
		// The commune police do not record receptions (they record the crime information).
		if _, err := f.victims.Receive(f.as("cax"), victim.ReceiveInput{Channel: victim.SelfReport, ReceptionBody: "Công an xã",
			Person: person.Input{FullName: "Lò Thị Hoa", ConfirmNew: true}}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("commune police: %v", err)
		}
	})
}

// A suspect's record protected by a relative's role (person AddRole) keeps
// the units it was shared with on the team, as a reception does: the police
// unit that had the record reveals it with a reason; the commune police do not.
func TestRelativeRoleKeepsSharingUnits(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		p := suspect(t, f)
		if err := f.persons.AddRole(f.as("dtv"), p.ID, person.RoleInput{Role: person.RoleRelative}); err != nil {
			t.Fatal(err)
		}
		after, err := db.GetPerson(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !after.Protected || !strings.HasPrefix(after.Pseudonym, "NN-2026-") {
			t.Fatalf("relative not protected: %v %q", after.Protected, after.Pseudonym)
		}
		if !slices.Contains(after.Team, person.TeamUnit{UnitID: f.units["PC01"].ID, Reason: person.TeamInvestigating}) {
			t.Fatalf("team %+v lacks the sharing unit PC01 as investigating", after.Team)
		}
		pv, err := f.persons.Get(f.as("dtvkhac"), p.ID)
		if err != nil || !pv.Masked {
			t.Fatalf("PC01 sees the record masked: %v", err)
		}
		for _, who := range []string{"dtv", "dtvkhac"} {
			rv, err := f.persons.Reveal(f.as(who), p.ID, "Đối chiếu hồ sơ đối tượng")
			if err != nil || rv.Person.Identity.FullName != "Giàng Thị Mai" {
				t.Fatalf("%s reveal: %v", who, err)
			}
		}
		if _, err := f.persons.Reveal(f.as("cax"), p.ID, "Đối chiếu hồ sơ đối tượng"); !ctip.IsKind(err, ctip.NotFound) {
			t.Fatalf("commune police reveal: %v", err)
		}
		// A second protected role changes nothing (already protected).
		if err := f.persons.AddRole(f.as("dtv"), p.ID, person.RoleInput{Role: person.RoleReporter}); err != nil {
			t.Fatal(err)
		}
		again, _ := db.GetPerson(context.Background(), p.ID)
		if again.Pseudonym != after.Pseudonym {
			t.Fatalf("pseudonym changed %q → %q", after.Pseudonym, again.Pseudonym)
		}
	})
}

// The migration to one open file per person keeps existing files and their
// history (SQLite rebuilds the table under foreign keys): a database with a
// closed file at version 7 is upgraded, rolled back and upgraded again, and
// then receives the person again.
func TestRefileMigrationKeepsFiles(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.MigrateTo(ctx, 7); err != nil {
			t.Fatal(err)
		}
		f := setup(t, db)
		v := receive(t, f, "Lò Thị Xuân")
		if _, err := f.victims.AddSupport(f.as("yte"), v.File.ID, victim.SupportInput{Regime: "medical", Provider: "Bệnh viện tỉnh",
			ProvidedOn: ctip.DateOf(f.clock.Now())}); err != nil {
			t.Fatal(err)
		}
		closed, err := f.victims.Close(f.as("yte"), v.File.ID, v.File.Version, "transferred", ctip.Date{})
		if err != nil {
			t.Fatal(err)
		}
		p, _ := db.GetPerson(ctx, v.File.PersonID)
		if _, err := f.victims.Receive(f.as("yte"), rescue(p, p.Version, f)); !ctip.IsKind(err, ctip.Conflict) {
			t.Fatalf("version 7 keeps one file per person: %v", err)
		}
		for _, to := range []int64{8, 7, 8} {
			if err := db.MigrateTo(ctx, to); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.victims.Get(f.as("yte"), v.File.ID)
		if err != nil || got.File.Version != closed.File.Version || got.File.ClosedOn.IsZero() || len(got.Support) != 1 || len(got.Events) != len(closed.Events) {
			t.Fatalf("file after the migrations: %v", err)
		}
		if db.Engine == store.SQLite {
			rows, err := db.Query(ctx, `PRAGMA foreign_key_check`)
			if err != nil {
				t.Fatal(err)
			}
			bad := rows.Next()
			rows.Close()
			if bad {
				t.Fatal("foreign keys broken by the table rebuild")
			}
		}
		again, err := f.victims.Receive(f.as("yte"), rescue(p, p.Version, f))
		if err != nil || again.File.Pseudonym != v.File.Pseudonym {
			t.Fatalf("reception after closure: %v", err)
		}
		if err := db.MigrateTo(ctx, 7); err == nil {
			t.Fatal("rolled back to one file per person with two files")
		}
	})
}

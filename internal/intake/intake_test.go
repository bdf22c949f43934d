package intake_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/dbtest"
	"ctip/internal/geo"
	"ctip/internal/i18n"
	"ctip/internal/intake"
	"ctip/internal/legal"
	"ctip/internal/store"
)

func TestMain(m *testing.M) {
	auth.ArgonMemory, auth.ArgonTime = 1024, 1
	dbtest.Main(m)
}

var places = geo.MustLoad()

type fx struct {
	db    *store.DB
	svc   *intake.Service
	auth  *auth.Service
	clock *ctip.FixedClock
	units map[string]*auth.Unit
	users map[string]*ctip.Actor
}

func (f *fx) as(name string) context.Context {
	return ctip.WithActor(context.Background(), f.users[name])
}

// setup builds a small province: police with the criminal police department
// and a commune police post, a procuracy, and one user per role.
func setup(t *testing.T, db *store.DB, clock *ctip.FixedClock) *fx {
	t.Helper()
	f := &fx{db: db, clock: clock, auth: auth.New(db, clock), units: map[string]*auth.Unit{}, users: map[string]*ctip.Actor{}}
	f.svc = &intake.Service{Store: db, Directory: db, Places: places, Clock: clock, Policy: legal.DefaultPolicy(),
		Calendar: func() *legal.Calendar { return legal.NewCalendar() }}
	sys := ctip.WithActor(context.Background(), ctip.SystemActor("test"))
	for _, u := range []auth.UnitInput{
		{Code: "CAT", Name: "Công an tỉnh", Kind: ctip.UnitPolice},
		{Code: "PC02", Name: "Phòng Cảnh sát hình sự", Kind: ctip.UnitPolice, ParentCode: "CAT"},
		{Code: "CAX1", Name: "Công an xã Mường Nhé", Kind: ctip.UnitCommunePolice, ParentCode: "CAT", CommuneCode: "03160"},
		{Code: "VKS", Name: "Viện kiểm sát tỉnh", Kind: ctip.UnitProcuracy},
		{Code: "SYT", Name: "Sở Y tế", Kind: ctip.UnitHealth},
	} {
		unit, err := f.auth.CreateUnit(sys, u)
		if err != nil {
			t.Fatal(err)
		}
		f.units[u.Code] = unit
	}
	for _, u := range []struct {
		name, unit string
		roles      []string
	}{
		{"truongcat", "CAT", []string{auth.RoleLeader}},
		{"truongpc02", "PC02", []string{auth.RoleLeader}},
		{"dtv1", "PC02", []string{auth.RoleInvestigator}},
		{"dtv2", "PC02", []string{auth.RoleInvestigator}},
		{"tiepnhan", "CAX1", []string{auth.RoleIntake}},
		{"truongcax", "CAX1", []string{auth.RoleLeader}},
		{"ksv", "VKS", []string{auth.RoleProcurator}},
		{"phantich", "CAT", []string{auth.RoleAnalyst}},
		{"yte", "SYT", []string{auth.RoleVictimSupport}},
	} {
		usr, _, err := f.auth.CreateUser(sys, auth.UserInput{Username: u.name, UnitCode: u.unit, Roles: u.roles, Password: "Một mật khẩu đủ dài 2026"})
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.name] = auth.ActorFor(usr, f.units[u.unit])
	}
	return f
}

func each(t *testing.T, fn func(t *testing.T, f *fx)) {
	t.Helper()
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) {
			clock := &ctip.FixedClock{T: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Monday 2 Mar 2026, 09:00 in Vietnam
			fn(t, setup(t, dbtest.Open(t, e, dbtest.Options{Clock: clock}), clock))
		})
	}
}

func validInput(f *fx) intake.Input {
	return intake.Input{Kind: "denunciation", Channel: "hotline", ReceivedAt: f.clock.Now().Add(-time.Hour),
		Summary: "Chị Lò Thị Mai, 17 tuổi, bị rủ sang Trung Quốc làm việc", Persons: "Lò Thị Mai; một người tên Páo",
		CommuneCode: "03160", OffenceArticle: "151",
		Reporter: intake.ReporterInput{Name: "Lò Văn Sướng", Phone: "0912 345 678", IDNumber: "011203004567"}}
}

func TestCreateAllocatesReferenceAndDeadline(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		it, err := f.svc.Create(f.as("tiepnhan"), validInput(f))
		if err != nil {
			t.Fatal(err)
		}
		if it.Reference != "TB-2026-000001" || it.Status != intake.Received {
			t.Fatalf("reference %s status %s", it.Reference, it.Status)
		}
		// Received 2 Mar 2026 → 20 days, start day not counted → 22 Mar 2026 (a Sunday; day limits do not roll by default).
		if it.Deadline != ctip.NewDate(2026, 3, 22) {
			t.Errorf("deadline = %s", it.Deadline)
		}
		if it.NoticeDue != ctip.NewDate(2026, 3, 5) {
			t.Errorf("notice due = %s", it.NoticeDue)
		}
		if it.ProvinceCode != "11" {
			t.Errorf("province derived = %q", it.ProvinceCode)
		}
		it2, _ := f.svc.Create(f.as("tiepnhan"), validInput(f))
		if it2.Reference != "TB-2026-000002" {
			t.Errorf("second reference %s", it2.Reference)
		}
		// Numbers are per receiving unit.
		it3, err := f.svc.Create(f.as("dtv1"), validInput(f))
		if err != nil || it3.Reference != "TB-2026-000001" {
			t.Errorf("other unit's first reference %s %v", it3.Reference, err)
		}
	})
}

func TestCreateValidationNamesEveryField(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		in := intake.Input{Kind: "rumour", Channel: "pigeon", ReceivedAt: f.clock.Now().Add(48 * time.Hour),
			CommuneCode: "99999", OffenceArticle: "999", Summary: strings.Repeat("x", intake.MaxSummary+1),
			Reporter: intake.ReporterInput{Phone: "abc", Email: "not-an-email", IDNumber: "12-34"}}
		_, err := f.svc.Create(f.as("tiepnhan"), in)
		ce, ok := err.(*ctip.Error)
		if !ok || ce.Kind != ctip.Invalid {
			t.Fatalf("err = %v", err)
		}
		got := map[string]string{}
		for _, fe := range ce.Fields {
			got[fe.Field] = fe.Key
		}
		for field, key := range map[string]string{"kind": "error.choice", "channel": "error.choice", "received_at": "error.future",
			"commune_code": "error.commune_code", "offence_article": "error.choice", "summary": "error.too_long",
			"reporter.name": "intake.reporter_required", "reporter.phone": "error.phone", "reporter.email": "error.email",
			"reporter.id_number": "error.id_number"} {
			if got[field] != key {
				t.Errorf("field %s: got %q, want %q", field, got[field], key)
			}
		}
		var n int
		f.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM intake_items").Scan(&n)
		if n != 0 {
			t.Fatalf("%d items written after invalid input", n)
		}
	})
}

func TestAnonymousReporterKeepsNothing(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		in := validInput(f)
		in.Reporter.Anonymous = true
		it, err := f.svc.Create(f.as("tiepnhan"), in)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := f.db.GetItem(context.Background(), it.ID)
		if !got.Reporter.Anonymous || !got.Reporter.Empty() {
			t.Fatalf("anonymous reporter kept identity: %+v", got.Reporter)
		}
	})
}

// An absent reporter is "not recorded": accepted for a denunciation (every
// denunciation must be received, BLTTHS Art. 145(1)), refused for a report
// (its source defines it, Art. 144(2)) and a prosecution request (a State
// agency's written request, Art. 144(3), never anonymous either).
func TestAbsentReporterPerKind(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		in := validInput(f)
		in.Kind, in.Reporter = "denunciation", intake.ReporterInput{}
		it, err := f.svc.Create(f.as("tiepnhan"), in)
		if err != nil {
			t.Fatalf("denunciation without a reporter: %v", err)
		}
		got, _ := f.db.GetItem(context.Background(), it.ID)
		if !got.Reporter.NotRecorded() || got.Reporter.Anonymous {
			t.Fatalf("stored reporter %+v, want not recorded", got.Reporter)
		}
		for _, c := range []struct {
			kind string
			anon bool
			key  string
		}{{"report", false, "intake.report_source_required"}, {"petition", false, "intake.petition_agency_required"},
			{"petition", true, "intake.petition_agency_required"}} {
			in := validInput(f)
			in.Kind, in.Reporter = c.kind, intake.ReporterInput{Anonymous: c.anon}
			_, err := f.svc.Create(f.as("tiepnhan"), in)
			if got := problemKeys(err); got["reporter.organisation"] != c.key {
				t.Errorf("%s (anonymous %v): problems %v, want reporter.organisation %s", c.kind, c.anon, got, c.key)
			}
		}
		in = validInput(f)
		in.Kind, in.Reporter = "report", intake.ReporterInput{Anonymous: true}
		if _, err := f.svc.Create(f.as("tiepnhan"), in); err != nil {
			t.Errorf("anonymous report: %v", err)
		}
	})
}

func TestScopeHidesItemsOfOtherUnits(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		it, _ := f.svc.Create(f.as("tiepnhan"), validInput(f))
		for name, want := range map[string]bool{
			"tiepnhan": true, "truongcax": true, "truongcat": true, // own unit, its leader, the provincial leader above
			"ksv":        true,  // procuracy oversight
			"dtv1":       false, // another unit
			"truongpc02": false, // leader of a sibling unit
			"phantich":   false, // analyst: no intake.read
			"yte":        false,
		} {
			_, err := f.svc.Get(f.as(name), it.ID)
			if (err == nil) != want {
				t.Errorf("%s: Get err = %v, want visible=%v", name, err, want)
			}
			if err != nil && !ctip.IsKind(err, ctip.NotFound) {
				t.Errorf("%s: hidden item must answer NotFound, got %v", name, err)
			}
			page, err := f.svc.List(f.as(name), intake.ViewAll, intake.Filter{}, ctip.PageRequest{})
			if want && (err != nil || page.Total != 1) {
				t.Errorf("%s: list total %d err %v", name, page.Total, err)
			}
			if !want && err == nil && page.Total != 0 {
				t.Errorf("%s: list leaks %d items", name, page.Total)
			}
			counts, err := f.svc.Counts(f.as(name))
			if !want && err == nil && counts.Total != 0 {
				t.Errorf("%s: counts leak %d items", name, counts.Total)
			}
		}
	})
}

func TestReporterIdentityOnlyForLeadersAndAssignedOfficer(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		it, _ := f.svc.Create(f.as("tiepnhan"), validInput(f))
		v, _ := f.svc.Get(f.as("tiepnhan"), it.ID)
		if v.Item.Reporter.Name != "" || v.Item.Reporter.Phone != "" {
			t.Fatal("Get returned the reporter's identity")
		}
		for name, want := range map[string]bool{"truongcax": true, "truongcat": true, "tiepnhan": false, "ksv": false, "dtv1": false} {
			r, err := f.svc.Reporter(f.as(name), it.ID)
			if want && (err != nil || r.Name != "Lò Văn Sướng") {
				t.Errorf("%s: reporter %+v err %v", name, r, err)
			}
			if !want && (err == nil || r.Name != "") {
				t.Errorf("%s: saw the reporter", name)
			}
		}
		// Transfer to PC02 and assign dtv1: the assigned officer may see it, the receiving leader still may.
		v, err := f.svc.Do(f.as("tiepnhan"), it.ID, 1, intake.ActTransfer, intake.ActionInput{TargetUnitID: ctip.Some(f.units["PC02"].ID)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Do(f.as("truongpc02"), it.ID, v.Item.Version, intake.ActAssign, intake.ActionInput{OfficerID: ctip.Some(f.users["dtv1"].UserID)}); err != nil {
			t.Fatal(err)
		}
		if r, err := f.svc.Reporter(f.as("dtv1"), it.ID); err != nil || r.Phone != "0912 345 678" {
			t.Errorf("assigned officer: %+v %v", r, err)
		}
		if _, err := f.svc.Reporter(f.as("dtv2"), it.ID); err == nil {
			t.Error("unassigned colleague saw the reporter")
		}
		if _, err := f.svc.Reporter(f.as("truongpc02"), it.ID); err == nil {
			t.Error("leader of the handling (not receiving) unit saw the reporter")
		}
		// Every view is audited.
		var n int
		f.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_events WHERE action = 'intake.reporter_view'").Scan(&n)
		if n != 3 {
			t.Errorf("%d reporter views audited, want 3", n)
		}
	})
}

func TestProcessTransferAssignVerifyExtendDecide(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		it, _ := f.svc.Create(f.as("tiepnhan"), validInput(f))
		v, err := f.svc.Do(f.as("tiepnhan"), it.ID, 1, intake.ActTransfer, intake.ActionInput{TargetUnitID: ctip.Some(f.units["PC02"].ID), Note: "Chuyển theo thẩm quyền"})
		if err != nil {
			t.Fatal(err)
		}
		if v.Item.Status != intake.Transferred || v.Item.UnitID != f.units["PC02"].ID {
			t.Fatalf("after transfer: %s %s", v.Item.Status, v.Item.UnitID)
		}
		// The sending unit still reads it; it may no longer act on it.
		if _, err := f.svc.Get(f.as("tiepnhan"), it.ID); err != nil {
			t.Fatalf("sender lost read access: %v", err)
		}
		if _, err := f.svc.Do(f.as("tiepnhan"), it.ID, v.Item.Version, intake.ActVerify, intake.ActionInput{Note: "x"}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("sender acted after transfer: %v", err)
		}
		v, err = f.svc.Do(f.as("truongpc02"), it.ID, v.Item.Version, intake.ActAssign, intake.ActionInput{OfficerID: ctip.Some(f.users["dtv1"].UserID)})
		if err != nil || v.Item.Status != intake.Assigned {
			t.Fatalf("assign: %v", err)
		}
		// An officer of another unit cannot be assigned.
		if _, err := f.svc.Do(f.as("truongpc02"), it.ID, v.Item.Version, intake.ActAssign, intake.ActionInput{OfficerID: ctip.Some(f.users["tiepnhan"].UserID)}); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("assigned an outsider: %v", err)
		}
		v, err = f.svc.Do(f.as("dtv1"), it.ID, v.Item.Version, intake.ActVerify, intake.ActionInput{Note: "Lấy lời khai người báo tin"})
		if err != nil || v.Item.Status != intake.Verifying {
			t.Fatalf("verify: %v", err)
		}
		// Stale version refused.
		if _, err := f.svc.Do(f.as("dtv1"), it.ID, v.Item.Version-1, intake.ActVerify, intake.ActionInput{Note: "x"}); !ctip.IsKind(err, ctip.Conflict) {
			t.Fatalf("stale: %v", err)
		}
		f.clock.Advance(10 * 24 * time.Hour) // 12 Mar
		dec := intake.ActionInput{DocumentNumber: "15/QĐ-PC02", DocumentDate: ctip.NewDate(2026, 3, 12), Signer: "Trưởng phòng PC02", Months: 2}
		v, err = f.svc.Do(f.as("truongpc02"), it.ID, v.Item.Version, intake.ActExtend, dec)
		if err != nil {
			t.Fatal(err)
		}
		// 2 months from 2 Mar 2026 → 2 May 2026, a Saturday after the 30 Apr–1 May holidays → Monday 4 May.
		if v.Item.Deadline != ctip.NewDate(2026, 5, 4) {
			t.Errorf("extended deadline = %s", v.Item.Deadline)
		}
		// A second body extension is refused (2 months is the total).
		_, err = f.svc.Do(f.as("truongpc02"), it.ID, v.Item.Version, intake.ActExtend, dec)
		if !ctip.IsKind(err, ctip.Conflict) {
			t.Errorf("second body extension: %v", err)
		}
		// The refusal cites the article in the message's language.
		var e *ctip.Error
		if errors.As(err, &e) {
			cat := i18n.MustLoad()
			if vi, en := cat.T("vi", e.Key, e.Args...), cat.T("en", e.Key, e.Args...); !strings.Contains(vi, "BLTTHS Điều 147 khoản 2") || !strings.Contains(en, "CPC Art. 147(2)") || strings.Contains(en, "Điều") {
				t.Errorf("refusal cites %q / %q", vi, en)
			}
		}
		// The procuracy extends once, by at most 2 months.
		f.clock.Advance(40 * 24 * time.Hour) // 21 Apr
		pdec := intake.ActionInput{DocumentNumber: "07/QĐ-VKS", DocumentDate: ctip.NewDate(2026, 4, 21), Signer: "Viện trưởng", Months: 3, RequestedOn: ctip.NewDate(2026, 4, 20)}
		if _, err := f.svc.Do(f.as("ksv"), it.ID, v.Item.Version, intake.ActProcuracyExtend, pdec); !ctip.IsKind(err, ctip.Invalid) {
			t.Errorf("3-month procuracy extension: %v", err)
		}
		pdec.Months = 2
		v, err = f.svc.Do(f.as("ksv"), it.ID, v.Item.Version, intake.ActProcuracyExtend, pdec)
		if err != nil {
			t.Fatal(err)
		}
		if v.Item.Deadline != ctip.NewDate(2026, 7, 2) {
			t.Errorf("procuracy-extended deadline = %s", v.Item.Deadline)
		}
		if _, err := f.svc.Do(f.as("ksv"), it.ID, v.Item.Version, intake.ActProcuracyExtend, pdec); !ctip.IsKind(err, ctip.Conflict) {
			t.Errorf("second procuracy extension: %v", err)
		}
		// Decision dated before a previous decision is refused.
		bad := intake.ActionInput{DocumentNumber: "20/QĐ", DocumentDate: ctip.NewDate(2026, 4, 1), Signer: "Trưởng phòng"}
		if _, err := f.svc.Do(f.as("truongpc02"), it.ID, v.Item.Version, intake.ActProsecute, bad); !ctip.IsKind(err, ctip.Invalid) {
			t.Errorf("backdated decision: %v", err)
		}
		ok := intake.ActionInput{DocumentNumber: "21/QĐ-PC02", DocumentDate: ctip.NewDate(2026, 4, 21), Signer: "Trưởng phòng PC02"}
		v, err = f.svc.Do(f.as("dtv1"), it.ID, v.Item.Version, intake.ActProsecute, ok)
		if err != nil || v.Item.Status != intake.Prosecuted || !v.Item.Deadline.IsZero() {
			t.Fatalf("prosecute: %v %+v", err, v)
		}
		// Closed: nothing more may happen.
		if _, err := f.svc.Do(f.as("dtv1"), it.ID, v.Item.Version, intake.ActVerify, intake.ActionInput{Note: "x"}); !ctip.IsKind(err, ctip.Conflict) {
			t.Errorf("action after decision: %v", err)
		}
		evs := v.Events
		want := []string{"create", "transfer", "assign", "verify", "extend", "procuracy_extend", "prosecute"}
		if len(evs) != len(want) {
			t.Fatalf("timeline has %d events", len(evs))
		}
		for i, e := range evs {
			if e.Action != want[i] {
				t.Errorf("event %d = %s, want %s", i, e.Action, want[i])
			}
		}
		if evs[1].Note != "Chuyển theo thẩm quyền" {
			t.Errorf("note not kept: %q", evs[1].Note)
		}
	})
}

func TestSuspendOnlyAfterExpiryThenResume(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		it, _ := f.svc.Create(f.as("dtv1"), validInput(f))
		v, _ := f.svc.Do(f.as("truongpc02"), it.ID, 1, intake.ActAssign, intake.ActionInput{OfficerID: ctip.Some(f.users["dtv1"].UserID)})
		f.clock.Advance(5 * 24 * time.Hour)
		early := intake.ActionInput{DocumentNumber: "1/QĐ", DocumentDate: ctip.NewDate(2026, 3, 7), Signer: "Trưởng phòng", Ground: "expert_pending"}
		if _, err := f.svc.Do(f.as("dtv1"), it.ID, v.Item.Version, intake.ActSuspend, early); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("suspension before expiry: %v", err)
		}
		f.clock.Advance(20 * 24 * time.Hour) // 27 Mar, the 20 days ran out on 22 Mar
		susp := intake.ActionInput{DocumentNumber: "2/QĐ", DocumentDate: ctip.NewDate(2026, 3, 23), Signer: "Trưởng phòng", Ground: "bogus"}
		if _, err := f.svc.Do(f.as("dtv1"), it.ID, v.Item.Version, intake.ActSuspend, susp); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("unknown ground: %v", err)
		}
		susp.Ground = "expert_pending"
		v, err := f.svc.Do(f.as("dtv1"), it.ID, v.Item.Version, intake.ActSuspend, susp)
		if err != nil || v.Item.Status != intake.Suspended || !v.Item.Deadline.IsZero() {
			t.Fatalf("suspend: %v", err)
		}
		res := intake.ActionInput{DocumentNumber: "3/QĐ", DocumentDate: ctip.NewDate(2026, 3, 27), Signer: "Trưởng phòng"}
		v, err = f.svc.Do(f.as("dtv1"), it.ID, v.Item.Version, intake.ActResume, res)
		if err != nil || v.Item.Status != intake.Resumed {
			t.Fatalf("resume: %v", err)
		}
		// One month from 27 Mar 2026 → 27 Apr 2026 (Monday).
		if v.Item.Deadline != ctip.NewDate(2026, 4, 27) {
			t.Errorf("resumed deadline = %s", v.Item.Deadline)
		}
	})
}

func TestTransitionTableIsExhaustive(t *testing.T) {
	// Every (action, status) pair is either allowed by the table or refused
	// by Do with a Conflict naming the transition; check the table directly.
	for _, act := range intake.Actions {
		for _, st := range intake.Statuses {
			allowed := intake.Allowed(act, st)
			if st.Closed() && allowed {
				t.Errorf("%s allowed from closed status %s", act, st)
			}
			if act == intake.ActResume && allowed != (st == intake.Suspended) {
				t.Errorf("resume from %s: allowed=%v", st, allowed)
			}
			if st == intake.Suspended && allowed && act != intake.ActResume && act != intake.ActCancelSuspension && act != intake.ActNotify {
				t.Errorf("%s allowed while suspended", act)
			}
		}
	}
}

func TestConcurrentCreatesGetDistinctGaplessNumbers(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		const n = 40
		var wg sync.WaitGroup
		refs := make(chan string, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				it, err := f.svc.Create(f.as("tiepnhan"), validInput(f))
				if err != nil {
					t.Error(err)
					return
				}
				refs <- it.Reference
			}()
		}
		wg.Wait()
		close(refs)
		seen := map[string]bool{}
		for r := range refs {
			if seen[r] {
				t.Fatalf("duplicate reference %s", r)
			}
			seen[r] = true
		}
		for i := 1; i <= n; i++ {
			if !seen[intake.FormatReference(2026, int64(i))] {
				t.Errorf("gap: %s missing", intake.FormatReference(2026, int64(i)))
			}
		}
	})
}

func TestProtectedValuesEncryptedAtRest(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		it, _ := f.svc.Create(f.as("tiepnhan"), validInput(f))
		var name, phone, summary []byte
		f.db.QueryRow(context.Background(), "SELECT reporter_name, reporter_phone, summary FROM intake_items WHERE id = $1", it.ID).Scan(&name, &phone, &summary)
		for _, b := range [][]byte{name, phone, summary} {
			if len(b) == 0 || strings.Contains(string(b), "Lò") || strings.Contains(string(b), "0912") {
				t.Fatalf("value not encrypted: %q", b)
			}
		}
	})
}

// problemKeys maps each field of an Invalid error to its message key.
func problemKeys(err error) map[string]string {
	got := map[string]string{}
	if ce, ok := err.(*ctip.Error); ok {
		for _, fe := range ce.Fields {
			got[fe.Field] = fe.Key
		}
	}
	return got
}

package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/demo"
	"ctip/internal/person"
	"ctip/internal/victim"
)

// as acts as a demo account, as the web layer would after login.
func (f *env) as(t *testing.T, username string) context.Context {
	t.Helper()
	ctx := context.Background()
	u, err := f.deps.Auth.Store.GetUserByUsername(ctx, username)
	if err != nil {
		t.Fatalf("account %s: %v", username, err)
	}
	unit, err := f.db.GetUnit(ctx, u.UnitID)
	if err != nil {
		t.Fatal(err)
	}
	return ctip.WithActor(ctx, auth.ActorFor(u, unit))
}

// checkCases: cases at every stage of the procedure, linked both ways to
// their items, with accused, measures, parties, verdicts, key cases and
// campaigns; decisions in time order; the board, the lists and the
// reminders answer the accounts that should see them.
func checkCases(t *testing.T, f *env, res *demo.Result) {
	ctx := context.Background()
	cs := f.deps.Cases
	ksv := f.as(t, "kiemsat")
	page, err := cs.List(ksv, casefile.ViewAll, casefile.Filter{}, ctip.PageRequest{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != res.Cases || res.Cases < 15 {
		t.Fatalf("the procuracy lists %d cases, result says %d", page.Total, res.Cases)
	}
	stages := map[casefile.Stage]int{}
	var extended, returned, ring, withCourt int
	keys := map[string]int{}
	measures := map[casefile.MeasureType]int{}
	var measureExt, parties, rescued, witnesses, verdicts, accused int
	for _, c := range page.Items {
		stages[c.Stage]++
		if c.Stage == casefile.Investigating && len(c.ClockExt) > 0 {
			extended++
		}
		if c.ReturnsProcuracy > 0 {
			returned++
		}
		if c.Ring {
			ring++
		}
		if c.CourtUnitID.Valid {
			withCourt++
		}
		keys[c.KeyStatus()]++
		if !c.IntakeItemID.Valid {
			t.Errorf("%s: not instituted from an item", c.Reference)
		} else if it, err := f.db.GetItem(ctx, c.IntakeItemID.ID); err != nil || !it.CaseID.Valid || it.CaseID.ID != c.ID || it.DecidedOn != c.InstitutedOn {
			t.Errorf("%s: the item does not link back (%v)", c.Reference, err)
		}
		for _, ch := range c.Charges {
			if !slices.Contains([]string{"150", "151", "153", "154", "348", "349"}, ch.Article) {
				t.Errorf("%s: charged under %s", c.Reference, ch.Article)
			}
		}
		v, err := cs.Get(ksv, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		accused += len(v.Accused)
		if c.Stage != casefile.Investigating && c.Stage != casefile.Suspended && c.Stage != casefile.Terminated && c.Stage != casefile.Resumed && len(v.Accused) == 0 {
			t.Errorf("%s (%s): no accused", c.Reference, c.Stage)
		}
		for _, x := range v.Accused {
			if x.Person.Name == "" || x.Person.BirthYear == 0 || x.Person.Sex == "" || !x.Person.PersonID.Valid {
				t.Errorf("%s: accused without name, birth year, sex or registry record: %+v", c.Reference, x.Person)
			}
			if x.Verdict != "" {
				verdicts++
			}
			if (c.Stage == casefile.Final || c.Stage == casefile.Judged || c.Stage == casefile.Appeal) && x.Status == casefile.AccusedJudged && x.Verdict != "convicted" {
				t.Errorf("%s: judged without verdict", c.Reference)
			}
		}
		for _, m := range v.Measures {
			measures[m.Type]++
			if len(m.Ext) > 0 {
				measureExt++
			}
		}
		for _, p := range v.Parties {
			parties++
			if p.Rescued {
				rescued++
			}
			if p.Role == casefile.RoleWitness {
				witnesses++
			}
		}
		// The timeline: in time order, no decision dated after it was recorded or before the institution.
		var prevAt time.Time
		for _, e := range v.Events {
			if e.At.Before(prevAt) || e.At.After(now) {
				t.Errorf("%s: event %s at %v out of order", c.Reference, e.Action, e.At)
			}
			prevAt = e.At
			if !e.DocumentDate.IsZero() && (e.DocumentDate.After(ctip.DateOf(e.At)) || e.DocumentDate.Before(c.InstitutedOn) && e.Action != "institute") {
				t.Errorf("%s: %s dated %s, recorded %v, instituted %s", c.Reference, e.Action, e.DocumentDate, e.At, c.InstitutedOn)
			}
		}
		// Clocks the law allows: no measure longer than its limit.
		for _, k := range v.Clocks {
			if k.Due.Before(k.Start) {
				t.Errorf("%s: %s clock ends %s before it starts %s", c.Reference, k.Kind, k.Due, k.Start)
			}
		}
	}
	for _, st := range []casefile.Stage{casefile.Investigating, casefile.Suspended, casefile.Resumed, casefile.Supplementary, casefile.Prosecution,
		casefile.Indicted, casefile.TrialPreparation, casefile.TrialScheduled, casefile.Judged, casefile.Appeal, casefile.Final} {
		if stages[st] == 0 || stages[st] != res.ByStage[st] {
			t.Errorf("stage %s: %d cases, result says %d", st, stages[st], res.ByStage[st])
		}
	}
	for name, n := range map[string]int{"extended investigation": extended, "procuracy return": returned, "ring": ring, "key case agreed": keys[casefile.KeyAgreed],
		"key case proposed": keys[casefile.KeyProposed], "custody": measures[casefile.Custody], "detention": measures[casefile.Detention],
		"bail or residence ban": measures[casefile.Bail] + measures[casefile.ResidenceBan], "extended measure": measureExt, "party": parties,
		"rescued victim": rescued, "witness": witnesses, "verdict": verdicts} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
	if accused != res.Accused {
		t.Errorf("%d accused, result says %d", accused, res.Accused)
	}
	t.Logf("cases by stage %v; keys %v; measures %v; %d parties (%d rescued)", stages, keys, measures, parties, rescued)

	// The board of PC02's leader: overdue and due-soon clocks, key cases.
	b, err := cs.Board(f.as(t, "lanhdao"), casefile.ViewAll, casefile.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Counts.Total == 0 || b.Counts.Overdue == 0 || b.Counts.DueSoon == 0 || b.Counts.Key == 0 || len(b.Officers) == 0 || len(b.Campaigns) == 0 {
		t.Errorf("lanhdao's board: %+v", b.Counts)
	}
	// The investigator sees PC02's cases, some of them as an officer; the
	// court sees only the cases sent to it.
	for who, want := range map[string]int{"dieutra": res.Cases, "thamphan": withCourt} {
		p, err := cs.List(f.as(t, who), casefile.ViewAll, casefile.Filter{}, ctip.PageRequest{Limit: 200})
		if err != nil || p.Total != want {
			t.Errorf("%s lists %d cases (%v), want %d", who, p.Total, err, want)
		}
	}
	if p, err := cs.List(f.as(t, "dieutra"), casefile.ViewMine, casefile.Filter{}, ctip.PageRequest{}); err != nil || p.Total == 0 {
		t.Errorf("dieutra's own cases: %d %v", p.Total, err)
	}
	// The campaigns: the analyst sees the province's results against the targets.
	cps, err := cs.Campaigns(f.as(t, "phantich"))
	if err != nil || len(cps) == 0 || len(cps) != res.Campaigns {
		t.Fatalf("campaigns: %d %v", len(cps), err)
	}
	for _, cp := range cps {
		sum, err := cs.CampaignSummary(f.as(t, "phantich"), cp.ID)
		if err != nil || sum.Scope != "province" || cp.Targets.Cases == 0 {
			t.Errorf("campaign %s: %+v %v", cp.Name, sum, err)
		} else if sum.Actual.Intake == 0 {
			t.Errorf("campaign %s: nothing in its window: %+v", cp.Name, sum.Actual)
		}
	}
	// The reminder job finds deadlines to remind.
	if n, err := cs.Remind(ctx, f.db); err != nil || n == 0 {
		t.Errorf("reminders: %d %v", n, err)
	}
}

// checkPersons: suspects and accused in the registry with their roles,
// links, prior records, a wanted notice and the watch-list.
func checkPersons(t *testing.T, f *env, res *demo.Result) {
	ps := f.deps.Persons
	dtv := f.as(t, "dieutra")
	page, err := ps.List(dtv, person.ListFilter{}, ctip.PageRequest{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != res.Persons || res.Persons < res.Accused {
		t.Errorf("dieutra lists %d persons, result says %d (%d accused)", page.Total, res.Persons, res.Accused)
	}
	roles := map[string]int{}
	links := map[string]int{}
	for _, p := range page.Items {
		if p.Identity.FullName == "" || p.BirthYear == 0 {
			t.Errorf("person %s without name or birth year", p.ID)
		}
		for _, r := range p.Roles {
			roles[r.Role]++
			links[r.RecordType]++
		}
	}
	for _, r := range []string{person.RoleSuspect, person.RoleAccused, person.RoleConvicted, person.RoleWanted, person.RoleRecruiter,
		person.RoleTransporter, person.RoleOrganiser, person.RoleBroker} {
		if roles[r] == 0 {
			t.Errorf("no person with role %s: %v", r, roles)
		}
	}
	if links["case"] == 0 || links["intake_item"] == 0 {
		t.Errorf("roles by record: %v", links)
	}
	var priors, wanted, watched int
	for _, p := range page.Items {
		v, err := ps.Get(dtv, p.ID)
		if err != nil || !v.ShowIdentity {
			t.Fatalf("dieutra opens %s: %v", p.ID, err)
		}
		priors += len(v.Person.Priors)
		wanted += len(v.Person.Wanted)
		if v.Person.Watch {
			watched++
			if !v.Person.WatchUntil.After(ctip.DateOf(now)) {
				t.Errorf("watch-list entry expired on %s", v.Person.WatchUntil)
			}
		}
	}
	if priors == 0 || wanted == 0 || watched == 0 {
		t.Errorf("%d prior records, %d wanted notices, %d watched", priors, wanted, watched)
	}
	// Search finds an accused by name without marks.
	if hits, err := ps.Search(dtv, page.Items[0].Identity.FullName); err != nil || len(hits) == 0 {
		t.Errorf("search: %v %v", hits, err)
	}
	t.Logf("persons: %d; roles %v; %d priors, %d wanted, %d watched", page.Total, roles, priors, wanted, watched)
}

// checkVictims: files in every identification status, with the 2025 flow,
// support, protection, follow-ups, children, closures, surveys and links
// to cases; pseudonyms on lists, the identity after a reveal; the needs view.
func checkVictims(t *testing.T, f *env, res *demo.Result) {
	vs := f.deps.Victims
	hotro := f.as(t, "hotro")
	page, err := vs.List(hotro, victim.Filter{}, ctip.PageRequest{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != res.Victims || res.Victims < 12 {
		t.Fatalf("hotro lists %d victim files, result says %d", page.Total, res.Victims)
	}
	statuses := map[victim.Status]int{}
	regimes := map[victim.Regime]int{}
	var verified, rescue, protection, planned, done, closed, children, guardians, exploitation, linked int
	for _, vf := range page.Items {
		statuses[vf.Status]++
		if vf.Pseudonym == "" {
			t.Errorf("file %s without pseudonym", vf.ID)
		}
		v, err := vs.Get(hotro, vf.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Person.ShowIdentity || v.Person.Person.Identity.FullName != "" {
			t.Errorf("%s: identity shown without a reveal", vf.Pseudonym)
		}
		if v.File.HealthReceivedAt.IsZero() || v.File.HealthReceivedAt.Before(v.File.ReceivedAt) || v.File.VerificationDue.IsZero() {
			t.Errorf("%s: the 2025 flow is not recorded: %+v", vf.Pseudonym, v.File)
		}
		if !v.File.VerifiedOn.IsZero() {
			verified++
		}
		if v.File.ReceivedAt.Before(time.Date(2025, 7, 1, 0, 0, 0, 0, ctip.Vietnam)) || v.File.ReceivedAt.After(now) {
			t.Errorf("%s received %v", vf.Pseudonym, v.File.ReceivedAt)
		}
		for _, s := range v.Support {
			regimes[s.Regime]++
			if s.Regime == victim.EssentialNeeds && v.File.EssentialStart.DaysUntil(s.ProvidedOn) >= victim.EssentialDays {
				t.Errorf("%s: essential needs beyond 120 days", vf.Pseudonym)
			}
		}
		for _, p := range v.Protection {
			if p.Kind == "rescue" {
				rescue++
			} else {
				protection++
			}
		}
		for _, fu := range v.FollowUps {
			if fu.DoneOn.IsZero() {
				planned++
			} else {
				done++
			}
		}
		if !v.File.ClosedOn.IsZero() {
			closed++
			if v.File.CloseReason == "" {
				t.Errorf("%s closed without a reason", vf.Pseudonym)
			}
		}
		if v.Child {
			children++
			if v.File.Guardian != "" {
				guardians++
			}
		}
		if len(v.File.Exploitation.Types) > 0 {
			exploitation++
		}
		for _, r := range v.Person.Person.Roles {
			if r.RecordType == "case" {
				linked++
			}
		}
	}
	for _, st := range victim.Statuses {
		if statuses[st] == 0 || statuses[st] != res.ByVictim[st] {
			t.Errorf("status %s: %d files, result says %d", st, statuses[st], res.ByVictim[st])
		}
	}
	for _, r := range []victim.Regime{victim.EssentialNeeds, victim.Medical, victim.LegalAid, victim.Travel, victim.Psychological, victim.InitialAllowance} {
		if regimes[r] == 0 {
			t.Errorf("no %s support: %v", r, regimes)
		}
	}
	for name, n := range map[string]int{"verified": verified, "rescue": rescue, "protection measure": protection, "planned follow-up": planned,
		"done follow-up": done, "closed file": closed, "child": children, "guardian": guardians, "exploitation profile": exploitation, "case link": linked} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
	t.Logf("victims %v; support %v; %d follow-ups done, %d planned; %d closed; %d children", statuses, regimes, done, planned, closed, children)

	// hotro sees the identity after a reveal with a reason.
	rv, err := vs.Reveal(hotro, page.Items[0].ID, "Lập kế hoạch hỗ trợ tái hòa nhập")
	if err != nil || !rv.Person.ShowIdentity || rv.Person.Person.Identity.FullName == "" {
		t.Errorf("hotro's reveal: %v", err)
	}
	// The anonymous needs view answers the victim-support officer and the analyst.
	for _, who := range []string{"hotro", "phantich"} {
		nv, err := vs.Needs(f.as(t, who), "", "")
		if err != nil || nv.TotalSmall || nv.Total < victim.SmallCell {
			t.Errorf("%s's needs view: %+v %v", who, nv, err)
			continue
		}
		shown := 0
		for _, c := range nv.Cells {
			if !c.Small {
				shown++
			}
		}
		if shown == 0 {
			t.Errorf("%s's needs view shows no cell: %+v", who, nv.Cells)
		}
	}
}

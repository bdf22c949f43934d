package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/notify"
	"ctip/internal/person"
	"ctip/internal/victim"
)

var countRe = regexp.MustCompile(`id="count">(\d+) `)

// listCount reads the "N hồ sơ" count of a list page.
func listCount(t *testing.T, r *response) string {
	t.Helper()
	m := countRe.FindStringSubmatch(r.text())
	if m == nil {
		t.Fatalf("no count on the page (status %d)", r.StatusCode)
	}
	return m[1]
}

// TestPersonListFilters: the person list filters by role, watch list,
// wanted notice and unit, sorts by creation or last change (not by name),
// refuses unknown values with a 422 naming the field, and stays in scope.
func TestPersonListFilters(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture() // a protected victim (never listed) and a recruiter of PC02
		ctx := h.actorCtx(auth.RoleInvestigator)
		mk := func(name, role string) *person.View {
			v, err := h.app.persons.Create(ctx, person.Input{FullName: name, Sex: "male", BirthYear: 1980, Role: role})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		h.clock.T = h.clock.T.Add(time.Minute)
		sus := mk("Thào A Sử", person.RoleSuspect)
		h.clock.T = h.clock.T.Add(time.Minute)
		wit := mk("Mùa A Chứ", person.RoleWitness)
		h.clock.T = h.clock.T.Add(time.Minute)
		org := mk("Hờ A Lử", person.RoleOrganiser)
		h.clock.T = h.clock.T.Add(time.Minute)
		if err := h.app.persons.SetWatch(ctx, wit.Person.ID, wit.Person.Version, true, "Nghi vấn môi giới qua mạng xã hội", ctip.DateOf(h.clock.Now()).AddDays(90)); err != nil {
			t.Fatal(err)
		}
		if err := h.app.persons.AddWanted(ctx, org.Person.ID, person.Wanted{DecisionNumber: "12/QĐ-TN", IssuingBody: "Cơ quan CSĐT Công an tỉnh", IssuedOn: ctip.DateOf(h.clock.Now())}); err != nil {
			t.Fatal(err)
		}
		c := h.login(auth.RoleInvestigator)
		names := []string{"Thào A Sử", "Mùa A Chứ", "Hờ A Lử", fxSuspectName}
		only := func(path string, want ...string) {
			t.Helper()
			r := c.get(path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, r.StatusCode)
			}
			for _, n := range names {
				if got := strings.Contains(r.text(), n); got != slices.Contains(want, n) {
					t.Errorf("%s: %q listed=%v", path, n, got)
				}
			}
			if strings.Contains(r.text(), fxVictimName) || strings.Contains(r.text(), fx.pseudonym) {
				t.Errorf("%s lists the protected victim", path)
			}
			if n := listCount(t, r); n != itoa(len(want)) {
				t.Errorf("%s: count %s, want %d", path, n, len(want))
			}
		}
		only("/persons", names...)
		only("/persons?role=suspect", "Thào A Sử")
		only("/persons?role=recruiter", fxSuspectName)
		only("/persons?watch=1", "Mùa A Chứ")
		only("/persons?wanted=1", "Hờ A Lử")
		only("/persons?wanted=1&role=suspect")
		only("/persons?unit="+h.units["PC02"].ID.String(), names...)
		only("/persons?unit=" + h.units["SYT"].ID.String())

		// Order: by creation (newest first by default), by last change.
		order := func(path string, want ...string) {
			t.Helper()
			body := c.get(path).text()
			last := -1
			for _, n := range want {
				i := strings.Index(body, n)
				if i < last {
					t.Errorf("%s: %q out of order", path, n)
				}
				last = i
			}
		}
		order("/persons", "Hờ A Lử", "Mùa A Chứ", "Thào A Sử", fxSuspectName)
		order("/persons?sort=created&dir=asc", fxSuspectName, "Thào A Sử", "Mùa A Chứ", "Hờ A Lử")
		order("/persons?sort=updated&dir=desc", "Mùa A Chứ", "Hờ A Lử", "Thào A Sử")
		if body := c.get("/persons").text(); !strings.Contains(body, "không thể sắp xếp theo tên") || !strings.Contains(body, "sort=updated") {
			t.Error("the list does not say why it cannot sort by name, or has no sort link")
		}

		// Bad values: 422 naming the field in Vietnamese; nothing listed.
		for path, label := range map[string]string{
			"/persons?role=victim": "Vai trò", "/persons?role=xyz": "Vai trò", "/persons?sort=name": "Sắp xếp theo",
			"/persons?dir=up": "Thứ tự", "/persons?unit=PC02": "Đơn vị quản lý",
		} {
			r := c.get(path)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), label+": Giá trị không nằm trong danh mục") ||
				strings.Contains(r.text(), "Thào A Sử") {
				t.Errorf("%s: %d, want 422 naming %q", path, r.StatusCode, label)
			}
		}

		// Scope: a police unit outside PC02 sees none of them, even asking for PC02.
		out := h.outsider("dtv-khac", "PC99", ctip.UnitPolice, auth.RoleInvestigator)
		for _, p := range []string{"/persons", "/persons?unit=" + h.units["PC02"].ID.String(), "/persons?role=suspect"} {
			r := out.get(p)
			if n := listCount(t, r); n != "0" || strings.Contains(r.text(), "Thào A Sử") {
				t.Errorf("outsider %s: count %s", p, n)
			}
		}

		// The API: a list without q, paged, with a total; filters; 422s.
		tok := h.token(auth.RoleInvestigator)
		var page struct {
			Items []struct {
				ID     string   `json:"id"`
				Label  string   `json:"label"`
				Roles  []string `json:"roles"`
				Watch  bool     `json:"watch"`
				Wanted bool     `json:"wanted"`
			} `json:"items"`
			Total, Limit, Offset int
		}
		r := h.api(tok, "GET", "/api/v1/persons?limit=2&offset=1", nil)
		decodeJSON(t, r, &page)
		if r.StatusCode != http.StatusOK || page.Total != 4 || len(page.Items) != 2 || page.Limit != 2 || page.Offset != 1 || page.Items[0].Label != "Mùa A Chứ" {
			t.Errorf("API list: %d %s", r.StatusCode, r.text())
		}
		r = h.api(tok, "GET", "/api/v1/persons?wanted=true", nil)
		decodeJSON(t, r, &page)
		if page.Total != 1 || len(page.Items) != 1 || !page.Items[0].Wanted || page.Items[0].ID != org.Person.ID.String() {
			t.Errorf("API wanted: %s", r.text())
		}
		r = h.api(tok, "GET", "/api/v1/persons?q=thao+a+su", nil)
		decodeJSON(t, r, &page)
		if page.Total != 1 || page.Items[0].ID != sus.Person.ID.String() {
			t.Errorf("API search total: %s", r.text())
		}
		for q, field := range map[string]string{"role=victim": "role", "watch=maybe": "watch", "sort=name": "sort", "dir=up": "dir",
			"unit=x": "unit", "limit=500": "limit", "offset=-1": "offset"} {
			r := h.api(tok, "GET", "/api/v1/persons?"+q, nil)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), `"field":"`+field+`"`) {
				t.Errorf("API %s: %d %s", q, r.StatusCode, r.text())
			}
		}
		r = h.api(h.token("dtv-khac"), "GET", "/api/v1/persons", nil)
		decodeJSON(t, r, &page)
		if page.Total != 0 || len(page.Items) != 0 {
			t.Errorf("outsider API list: %s", r.text())
		}
	})
}

// TestVictimListFilters: the victim files' list filters by beneficiary class
// (the query's class agrees with victim.ClassOf on every combination),
// receiving unit, period, clocks; sorts by pseudonym, status, reception;
// shows pseudonyms only.
func TestVictimListFilters(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		ctx := h.actorCtx(auth.RoleVictimSupport)
		type file struct {
			pseudonym, nationality string
			abroad, stateless      bool
			principal              int // index+1 of the file it accompanies
		}
		files := []*file{{pseudonym: fx.pseudonym, nationality: "VN"}}
		for i, in := range []victim.ReceiveInput{
			{FoundAbroad: true, Person: person.Input{FullName: "Lầu Thị Dế", Sex: "female", BirthYear: 2000, Nationality: "VN"}},
			{Person: person.Input{FullName: "Vừ Thị Nụ", Sex: "female", BirthYear: 1999, Nationality: "LA"}},
			{StatelessResident: true, Person: person.Input{FullName: "Mào Thị Pằng", Sex: "female", BirthYear: 1998, Nationality: "XX"}},
			{Accompanies: fx.pseudonym, Person: person.Input{FullName: "Lò Văn Kiên", Sex: "male", BirthYear: 2016, Nationality: "VN"}},
		} {
			in.Channel, in.ReceptionBody, in.ReceptionCommune = victim.SelfReport, "UBND xã Mường Nhé", "03160"
			h.clock.T = h.clock.T.Add(time.Minute)
			in.ReceivedAt = h.clock.Now().Add(-time.Duration(i+1) * 24 * time.Hour)
			v, err := h.app.victims.Receive(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			f := &file{pseudonym: v.File.Pseudonym, nationality: in.Person.Nationality, abroad: in.FoundAbroad, stateless: in.StatelessResident}
			if in.Accompanies != "" {
				f.principal = 1
			}
			files = append(files, f)
		}
		c := h.login(auth.RoleVictimSupport)
		listed := func(path string) []string {
			t.Helper()
			r := c.get(path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, r.StatusCode)
			}
			noSecret(t, path, r.text())
			var out []string
			for _, f := range files {
				if i := strings.Index(r.text(), ">"+f.pseudonym+"<"); i >= 0 {
					out = append(out, f.pseudonym)
				}
			}
			if n := listCount(t, r); n != itoa(len(out)) {
				t.Errorf("%s: count %s but %d listed", path, n, len(out))
			}
			return out
		}
		// The class in SQL against ClassOf, for every identification status.
		for _, st := range victim.Statuses {
			if _, err := h.app.db.Exec(t0(), `UPDATE victims SET status = $1`, string(st)); err != nil {
				t.Fatal(err)
			}
			classOf := func(f *file) victim.Class {
				return victim.ClassOf(st, f.nationality, f.stateless, f.abroad, nil)
			}
			for _, cl := range victim.Classes {
				var want []string
				for _, f := range files {
					got := classOf(f)
					if f.principal > 0 {
						pc := classOf(files[f.principal-1])
						got = victim.ClassOf(st, f.nationality, f.stateless, f.abroad, &pc)
					}
					if got == cl {
						want = append(want, f.pseudonym)
					}
				}
				if got := listed("/victims?class=" + string(cl)); !slices.Equal(got, want) {
					t.Errorf("status %s, class %s: listed %v, want %v", st, cl, got, want)
				}
			}
		}
		// Clocks: verification overdue / running; 120 days over / ending soon; closed files never.
		today := ctip.DateOf(h.clock.Now())
		set := func(i int, col string, v any) {
			if _, err := h.app.db.Exec(t0(), `UPDATE victims SET `+col+` = $1 WHERE person_id = (SELECT id FROM persons WHERE pseudonym = $2)`, v, files[i].pseudonym); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := h.app.db.Exec(t0(), `UPDATE victims SET verification_due = NULL`); err != nil {
			t.Fatal(err)
		}
		set(1, "verification_due", today.AddDays(-1))
		set(2, "verification_due", today.AddDays(2))
		set(3, "essential_start", today.AddDays(-125))
		set(0, "essential_start", today.AddDays(-110))
		set(4, "essential_start", today.AddDays(-130))
		set(4, "closed_on", today.AddDays(-1))
		if got, want := listed("/victims?clock=overdue&sort=pseudonym&dir=asc"), []string{files[1].pseudonym, files[3].pseudonym}; !slices.Equal(got, want) {
			t.Errorf("overdue: %v, want %v", got, want)
		}
		if got, want := listed("/victims?clock=due&sort=pseudonym&dir=asc"), []string{files[0].pseudonym, files[2].pseudonym}; !slices.Equal(got, want) {
			t.Errorf("due: %v, want %v", got, want)
		}
		// Period of reception, receiving unit.
		if got := listed("/victims?from=" + today.AddDays(-2).String() + "&to=" + today.AddDays(-1).String()); len(got) != 2 {
			t.Errorf("period: %v", got)
		}
		if got := listed("/victims?unit=" + h.units["SYT"].ID.String()); len(got) != len(files) {
			t.Errorf("unit SYT: %v", got)
		}
		if got := listed("/victims?unit=" + h.units["PC02"].ID.String()); len(got) != 0 {
			t.Errorf("unit PC02: %v", got)
		}
		// Sorts.
		all := []string{}
		for _, f := range files {
			all = append(all, f.pseudonym)
		}
		slices.Sort(all)
		body := c.get("/victims?sort=pseudonym&dir=asc").text()
		for i := 1; i < len(all); i++ {
			if strings.Index(body, ">"+all[i-1]+"<") > strings.Index(body, ">"+all[i]+"<") {
				t.Errorf("pseudonym order: %s after %s", all[i-1], all[i])
			}
		}
		body = c.get("/victims").text() // newest reception first: the fixture (3 hours ago) before the others (days ago)
		if strings.Index(body, ">"+files[0].pseudonym+"<") > strings.Index(body, ">"+files[4].pseudonym+"<") {
			t.Error("default order is not the newest reception first")
		}
		// Bad values: 422 naming the field.
		for path, label := range map[string]string{"/victims?class=vip": "Đối tượng hỗ trợ", "/victims?clock=soon": "Thời hạn",
			"/victims?sort=name": "Sắp xếp theo", "/victims?from=2026-13-01": "Tiếp nhận từ ngày", "/victims?from=2026-03-02&to=2026-03-01": "Tiếp nhận đến ngày",
			"/victims?status=x": "Kết quả", "/victims?unit=SYT": "Đơn vị tiếp nhận"} {
			r := c.get(path)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), label+": ") {
				t.Errorf("%s: %d, want 422 naming %q", path, r.StatusCode, label)
			}
		}
		// An investigator (victim.read, not on the team) sees the pseudonyms, never the identity.
		r := h.login(auth.RoleInvestigator).get("/victims?clock=overdue")
		noSecret(t, "investigator /victims", r.text())
		if !strings.Contains(r.text(), files[1].pseudonym) || strings.Contains(r.text(), "Lầu Thị Dế") {
			t.Error("investigator: the list shows an identity or misses a pseudonym")
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestSmallListsFilters: notifications (read / unread, by date), the
// administrators' sessions and tokens (user, unit, state, order) and the
// campaigns (running / past / upcoming, by start date, paged).
func TestSmallListsFilters(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		// Notifications.
		inv := h.users[auth.RoleInvestigator]
		for i, key := range []string{"notify.test_first", "notify.test_second"} {
			h.clock.T = h.clock.T.Add(time.Minute)
			if _, err := h.app.notify.Send(t0(), notify.Notification{UserID: inv.ID, Kind: "test", Key: key, Link: "/cases", DedupKey: itoa(i)}); err != nil {
				t.Fatal(err)
			}
		}
		c := h.login(auth.RoleInvestigator)
		var first ctip.ID
		h.app.db.QueryRow(t0(), `SELECT id FROM notifications WHERE user_id = $1 AND msg_key = 'notify.test_first'`, inv.ID).Scan(&first)
		c.postForm("/notifications/read", url.Values{"id": {first.String()}})
		for path, want := range map[string]string{"/notifications": "2", "/notifications?state=unread": "1", "/notifications?unread=1": "1", "/notifications?state=read": "1"} {
			if n := listCount(t, c.get(path)); n != want {
				t.Errorf("%s: %s, want %s", path, n, want)
			}
		}
		if b := c.get("/notifications?sort=date&dir=asc").text(); strings.Index(b, "notify.test_first") > strings.Index(b, "notify.test_second") {
			t.Error("oldest first: wrong order")
		}
		if b := c.get("/notifications").text(); strings.Index(b, "notify.test_first") < strings.Index(b, "notify.test_second") {
			t.Error("newest first: wrong order")
		}
		for path, label := range map[string]string{"/notifications?state=old": "Trạng thái", "/notifications?sort=text": "Sắp xếp theo"} {
			if r := c.get(path); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), label+": ") {
				t.Errorf("%s: %d", path, r.StatusCode)
			}
		}

		// Sessions and tokens.
		adm := h.login(auth.RoleAdmin)
		h.login(auth.RoleVictimSupport)
		vsSession := h.lastSession(auth.RoleVictimSupport)
		h.login(auth.RoleVictimSupport)
		if err := h.app.auth.RevokeSession(h.actorCtx(auth.RoleAdmin), ctip.MustParseID(vsSession)); err != nil {
			t.Fatal(err)
		}
		vs := h.users[auth.RoleVictimSupport]
		for path, want := range map[string]string{
			"/admin/sessions?user=" + vs.Username:                  "1",
			"/admin/sessions?user=" + vs.Username + "&state=ended": "1",
			"/admin/sessions?unit=" + h.units["SYT"].ID.String():   "1",
			"/admin/sessions?unit=" + h.units["TA"].ID.String():    "0",
			"/admin/sessions?user=nobody":                          "0",
		} {
			if n := listCount(t, adm.get(path)); n != want {
				t.Errorf("%s: %s, want %s", path, n, want)
			}
		}
		h.newTokenID(auth.RoleVictimSupport)
		revoked := h.newTokenID(auth.RoleVictimSupport)
		if err := h.app.auth.RevokeToken(system(t0(), "test"), ctip.MustParseID(revoked)); err != nil {
			t.Fatal(err)
		}
		for path, want := range map[string]string{
			"/admin/tokens?user=" + vs.Username:                                  "2",
			"/admin/tokens?user=" + vs.Username + "&state=revoked":               "1",
			"/admin/tokens?unit=" + h.units["SYT"].ID.String() + "&state=active": "1",
		} {
			if n := listCount(t, adm.get(path)); n != want {
				t.Errorf("%s: %s, want %s", path, n, want)
			}
		}
		if b := adm.get("/admin/tokens?user=" + vs.Username + "&sort=created&dir=asc").text(); !strings.Contains(b, "sort=last_used") {
			t.Error("tokens: no sort link")
		}
		for path, label := range map[string]string{"/admin/sessions?state=revoked": "Trạng thái", "/admin/tokens?state=ended": "Trạng thái",
			"/admin/tokens?sort=name": "Sắp xếp theo", "/admin/sessions?unit=SYT": "Đơn vị của người dùng"} {
			if r := adm.get(path); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), label+": ") {
				t.Errorf("%s: %d", path, r.StatusCode)
			}
		}

		// Campaigns.
		lead := h.actorCtx(auth.RoleLeader)
		today := ctip.DateOf(h.clock.Now())
		for _, cp := range []casefile.CampaignInput{
			{Name: "Đợt đã qua", StartsOn: today.AddDays(-100), EndsOn: today.AddDays(-70)},
			{Name: "Đợt đang chạy", StartsOn: today.AddDays(-10), EndsOn: today.AddDays(20)},
			{Name: "Đợt sắp tới", StartsOn: today.AddDays(30), EndsOn: today.AddDays(60)},
		} {
			if _, err := h.app.cases.CreateCampaign(lead, cp); err != nil {
				t.Fatal(err)
			}
		}
		cl := h.login(auth.RoleLeader)
		for path, want := range map[string][]string{
			"/campaigns":                    {"Đợt sắp tới", "Đợt đang chạy", "Đợt đã qua"},
			"/campaigns?sort=start&dir=asc": {"Đợt đã qua", "Đợt đang chạy", "Đợt sắp tới"},
			"/campaigns?state=active":       {"Đợt đang chạy"},
			"/campaigns?state=past":         {"Đợt đã qua"},
			"/campaigns?state=upcoming":     {"Đợt sắp tới"},
			"/campaigns?size=1&page=2":      {"Đợt đang chạy"},
		} {
			b := cl.get(path).text()
			last := -1
			for _, n := range want {
				i := strings.Index(b, ">"+n+"<")
				if i < last {
					t.Errorf("%s: %q missing or out of order", path, n)
				}
				last = i
			}
			for _, n := range []string{"Đợt đã qua", "Đợt đang chạy", "Đợt sắp tới"} {
				if !slices.Contains(want, n) && strings.Contains(b, ">"+n+"<") {
					t.Errorf("%s lists %q", path, n)
				}
			}
		}
		if r := cl.get("/campaigns?state=soon"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "Tình trạng: ") {
			t.Errorf("bad campaign state: %d", r.StatusCode)
		}
	})
}

// TestAuditFilterVocabulary: the auditor's filter offers every action and
// record type the trail holds (victims, persons, cases…), labelled from the
// catalogues, and each family filters.
func TestAuditFilterVocabulary(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		h.login(auth.RoleVictimSupport).get("/victims/" + fx.victim.String())
		h.login(auth.RoleInvestigator).get("/persons/" + fx.suspect.String())
		a := h.login(auth.RoleAuditor)
		body := a.get("/audit").text()
		for _, want := range []string{`value="victim.view"`, `value="victim."`, `value="person.view"`, `value="person."`, `value="intake.create"`,
			`value="victim"`, `value="person"`, `value="intake_item"`, `label="Nạn nhân"`, ">Hồ sơ nạn nhân<"} {
			if !strings.Contains(body, want) {
				t.Errorf("/audit lacks %s", want)
			}
		}
		r := a.get("/audit?action=victim.")
		if !strings.Contains(r.text(), "/victims/"+fx.victim.String()) || strings.Contains(r.text(), `>person.view<`) {
			t.Errorf("/audit?action=victim.: %d", r.StatusCode)
		}
	})
}

// TestConfirmationPages: closing a victim file, withdrawing a consent and
// revoking one's own session or token show a page first (GET) and happen
// only with its confirmation (POST confirm=yes); without it the POST is sent
// to the page and nothing changes. Irreversible case and intake decisions
// require the "I confirm" box, checked by the server.
func TestConfirmationPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		vs := h.login(auth.RoleVictimSupport)
		vid := fx.victim.String()
		closedOn := func() (d string) {
			h.app.db.QueryRow(t0(), `SELECT COALESCE(CAST(closed_on AS TEXT), '') FROM victims WHERE id = $1`, fx.victim).Scan(&d)
			return d
		}
		// Victim file: the page's form goes to the confirmation page.
		if b := vs.get("/victims/" + vid).text(); !strings.Contains(b, `action="/victims/`+vid+`/close"`) {
			t.Error("the victim page does not lead to the confirmation page")
		}
		r := vs.postForm("/victims/"+vid+"/act/close", url.Values{"close_reason": {"transferred"}, "version": {"1"}})
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/victims/"+vid+"/close?") || closedOn() != "" {
			t.Fatalf("unconfirmed close: %d %q closed %q", r.StatusCode, r.Header.Get("Location"), closedOn())
		}
		r = vs.get(r.Header.Get("Location"))
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), fx.pseudonym) || !strings.Contains(r.text(), "Chuyển hồ sơ") ||
			!strings.Contains(r.text(), `name="confirm" value="yes"`) || !strings.Contains(r.text(), "xóa tự động sau ngày") {
			t.Errorf("close confirmation page: %d", r.StatusCode)
		}
		noSecret(t, "close confirmation", r.text())
		if r := vs.get("/victims/" + vid + "/close?close_reason=vanished"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "Lý do kết thúc: ") {
			t.Errorf("bad reason: %d", r.StatusCode)
		}
		if r := h.login(auth.RoleInvestigator).get("/victims/" + vid + "/close?close_reason=transferred"); r.StatusCode != http.StatusForbidden {
			t.Errorf("investigator opens the close page: %d", r.StatusCode)
		}
		var version int
		h.app.db.QueryRow(t0(), `SELECT version FROM victims WHERE id = $1`, fx.victim).Scan(&version)
		r = vs.postForm("/victims/"+vid+"/act/close", url.Values{"close_reason": {"transferred"}, "version": {itoa(version)}, "confirm": {"yes"}})
		if r.StatusCode != http.StatusSeeOther || closedOn() == "" {
			t.Errorf("confirmed close: %d closed %q", r.StatusCode, closedOn())
		}

		// Consent withdrawal.
		inv := h.login(auth.RoleInvestigator)
		cid, err := h.app.persons.AddConsent(h.actorCtx(auth.RoleInvestigator), fx.suspect, person.ConsentSharing, "Trung tâm trợ giúp pháp lý tỉnh", ctip.DateOf(h.clock.Now()))
		if err != nil {
			t.Fatal(err)
		}
		withdrawn := func() (n int) {
			h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM person_consents WHERE id = $1 AND withdrawn_on IS NOT NULL`, cid).Scan(&n)
			return n
		}
		pid := fx.suspect.String()
		if b := inv.get("/persons/" + pid).text(); !strings.Contains(b, "/persons/"+pid+"/withdraw?consent_id="+cid.String()) {
			t.Error("the person page does not lead to the withdrawal page")
		}
		r = inv.postForm("/persons/"+pid+"/act/withdraw", url.Values{"consent_id": {cid.String()}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/persons/"+pid+"/withdraw?consent_id="+cid.String() || withdrawn() != 0 {
			t.Fatalf("unconfirmed withdrawal: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
		if r := inv.get(r.Header.Get("Location")); r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "Trung tâm trợ giúp pháp lý tỉnh") ||
			!strings.Contains(r.text(), "không hoàn tác") {
			t.Errorf("withdrawal page: %d", r.StatusCode)
		}
		if r := inv.postForm("/persons/"+pid+"/act/withdraw", url.Values{"consent_id": {cid.String()}, "confirm": {"yes"}}); r.StatusCode != http.StatusSeeOther || withdrawn() != 1 {
			t.Errorf("confirmed withdrawal: %d", r.StatusCode)
		}
		if r := inv.get("/persons/" + pid + "/withdraw?consent_id=" + cid.String()); r.StatusCode != http.StatusNotFound {
			t.Errorf("a withdrawn consent's page: %d", r.StatusCode)
		}

		// One's own token and session on /account.
		c := h.login(auth.RoleAnalyst)
		tok := h.newTokenID(auth.RoleAnalyst)
		revoked := func() (n int) {
			h.app.db.QueryRow(t0(), `SELECT COUNT(*) FROM api_tokens WHERE id = $1 AND revoked_at IS NOT NULL`, tok).Scan(&n)
			return n
		}
		if b := c.get("/account").text(); !strings.Contains(b, `href="/account/tokens/`+tok+`/revoke"`) {
			t.Error("/account does not link to the token's confirmation page")
		}
		if r := c.postForm("/account/tokens/"+tok+"/revoke", url.Values{}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account/tokens/"+tok+"/revoke" || revoked() != 0 {
			t.Errorf("unconfirmed token revoke: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
		if r := c.get("/account/tokens/" + tok + "/revoke"); r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "to revoke") {
			t.Errorf("token page: %d", r.StatusCode)
		}
		if r := h.login(auth.RoleAuditor).get("/account/tokens/" + tok + "/revoke"); r.StatusCode != http.StatusNotFound {
			t.Errorf("another user's token page: %d", r.StatusCode)
		}
		if r := c.postForm("/account/tokens/"+tok+"/revoke", url.Values{"confirm": {"yes"}}); r.StatusCode != http.StatusSeeOther || revoked() != 1 {
			t.Errorf("confirmed token revoke: %d", r.StatusCode)
		}
		other := h.login(auth.RoleAnalyst)
		sid := h.lastSession(auth.RoleAnalyst)
		if r := c.postForm("/account/sessions/"+sid+"/revoke", url.Values{}); r.StatusCode != http.StatusSeeOther || other.get("/account").StatusCode != http.StatusOK {
			t.Errorf("unconfirmed session revoke: %d", r.StatusCode)
		}
		if r := c.get("/account/sessions/" + sid + "/revoke"); r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "Kết thúc phiên đăng nhập này?") {
			t.Errorf("session page: %d", r.StatusCode)
		}
		c.postForm("/account/sessions/"+sid+"/revoke", url.Values{"confirm": {"yes"}})
		if r := other.get("/account"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("the revoked session still works: %d", r.StatusCode)
		}

		// Irreversible decisions on their own form pages: the box is required.
		lead := h.login(auth.RoleLeader)
		form := lead.get("/intake/" + h.item.ID.String() + "/act/not_prosecute").text()
		if !strings.Contains(form, `name="confirm" value="yes"`) {
			t.Error("the not-prosecute form has no confirmation box")
		}
		if b := lead.get("/intake/" + h.item.ID.String() + "/act/transfer").text(); strings.Contains(b, `name="confirm"`) {
			t.Error("the transfer form asks for a confirmation")
		}
		r = lead.postForm("/intake/"+h.item.ID.String()+"/act/not_prosecute", url.Values{"version": {"1"}, "document_number": {"01/QĐ"},
			"document_date": {ctip.DateOf(h.clock.Now()).String()}, "signer": {"Trưởng phòng"}, "ground": {"no_crime"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "Xác nhận: Hãy đánh dấu ô xác nhận") {
			t.Errorf("not_prosecute without the box: %d", r.StatusCode)
		}
		var status string
		h.app.db.QueryRow(t0(), `SELECT status FROM intake_items WHERE id = $1`, h.item.ID).Scan(&status)
		if status != "received" {
			t.Errorf("the item moved to %s without confirmation", status)
		}
		cf := h.caseFixture()
		cinv := h.login(auth.RoleInvestigator)
		cpath := "/cases/" + cf.c.ID.String() + "/act/terminate"
		if b := cinv.get(cpath).text(); !strings.Contains(b, `name="confirm" value="yes"`) {
			t.Error("the terminate form has no confirmation box")
		}
		r = cinv.postForm(cpath, url.Values{"version": {itoa(cf.c.Version)}, "document_number": {"09/QĐ"}, "document_date": {ctip.DateOf(h.clock.Now()).String()},
			"signer": {"Thủ trưởng"}, "ground": {casefile.TerminateGrounds[0]}})
		h.app.db.QueryRow(t0(), `SELECT stage FROM cases WHERE id = $1`, cf.c.ID).Scan(&status)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "Xác nhận: Hãy đánh dấu ô xác nhận") || status != string(cf.c.Stage) {
			t.Errorf("terminate without the box: %d, stage %s", r.StatusCode, status)
		}
	})
}

// TestPersonListCountCap: beyond person.ListCountCap matching persons the
// list is not counted to the end: it says "more than", the API flags the
// total as a lower bound; a narrower filter is counted exactly.
func TestPersonListCountCap(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		h.personFixture()
		unit, user := h.units["PC02"].ID, h.users[auth.RoleInvestigator].ID
		now := h.clock.Now()
		for lo := 0; lo <= person.ListCountCap; lo += 200 {
			var vals []string
			var args []any
			for i := lo; i < min(lo+200, person.ListCountCap+1); i++ {
				n := len(args)
				vals = append(vals, fmt.Sprintf("($%d, $%d, FALSE, 'male', 1990, FALSE, 1, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5))
				at := now.Add(-time.Duration(i+1) * time.Hour)
				args = append(args, ctip.NewID(), unit, user, at, at)
			}
			if _, err := h.app.db.Exec(t0(), `INSERT INTO persons (id, owner_unit_id, protected, sex, birth_year, watch, version, created_by, created_at, updated_at) VALUES `+
				strings.Join(vals, ", "), args...); err != nil {
				t.Fatal(err)
			}
		}
		c := h.login(auth.RoleInvestigator)
		r := c.get("/persons")
		if r.StatusCode != http.StatusOK || !strings.Contains(r.text(), "Hơn 1.000 hồ sơ") || !strings.Contains(r.text(), "/ 1000+") {
			i := strings.Index(r.text(), `id="count"`)
			t.Errorf("capped list: %d %.200s", r.StatusCode, r.text()[max(0, i):])
		}
		if n := listCount(t, c.get("/persons?role=recruiter")); n != "1" {
			t.Errorf("a filter under the cap: %s", n)
		}
		var page struct {
			Total       int  `json:"total"`
			TotalCapped bool `json:"total_capped"`
		}
		decodeJSON(t, h.api(h.token(auth.RoleInvestigator), "GET", "/api/v1/persons?offset=975", nil), &page)
		if page.Total != person.ListCountCap || !page.TotalCapped {
			t.Errorf("API: %+v", page)
		}
		decodeJSON(t, h.api(h.token(auth.RoleInvestigator), "GET", "/api/v1/persons?role=recruiter", nil), &page)
		if page.Total != 1 || page.TotalCapped {
			t.Errorf("API filtered: %+v", page)
		}
	})
}

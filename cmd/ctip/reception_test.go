package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/notify"
	"ctip/internal/person"
)

// TestReceiveExistingWeb: from a suspect's person page, the rescuing
// investigator receives the person as a victim on the existing record; the
// record becomes protected, the health department is notified; a second
// reception is refused naming the open file. From the reception form, a
// victim-support officer opens the file on a duplicate candidate.
func TestReceiveExistingWeb(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		fx := h.personFixture()
		inv := h.login(auth.RoleInvestigator)
		page := inv.get("/persons/" + fx.suspect.String())
		wantText(t, page, "suspect page", `id="receive-as-victim"`, `href="/victims/new?person=`+fx.suspect.String()+`"`)
		renderOK(t, "reception on an existing record", func(lang string) *response {
			inv.lang = lang
			defer func() { inv.lang = "" }()
			return inv.get("/victims/new?person=" + fx.suspect.String())
		}, http.StatusOK)
		r := inv.get("/victims/new?person=" + fx.suspect.String())
		wantText(t, r, "form", `id="existing-person"`, fxSuspectName, `name="person_id" value="`+fx.suspect.String()+`"`, `id="handover-note"`)
		wantNoText(t, r, "form", `name="full_name"`)
		if r := inv.get("/victims/new?person=" + ctip.NewID().String()); r.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown person: %d", r.StatusCode)
		}

		p, err := h.app.db.GetPerson(t0(), fx.suspect)
		if err != nil {
			t.Fatal(err)
		}
		rec := url.Values{"channel": {"rescue"}, "reception_body": {"Đồn Biên phòng A Pa Chải"},
			"received_at": {h.clock.Now().In(ctip.Vietnam).Add(-3600e9).Format("2006-01-02T15:04")},
			"person_id":   {fx.suspect.String()}, "person_version": {strconv.Itoa(p.Version + 1)}}
		r = inv.postForm("/victims/new", rec)
		wantStatus(t, r, http.StatusConflict, "stale version")
		wantText(t, r, "stale", h.vi(ctip.ErrStale().Key))
		rec.Set("person_version", strconv.Itoa(p.Version))
		r = inv.postForm("/victims/new", rec)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/victims/") {
			t.Fatalf("receive: %d %s\n%.1000s", r.StatusCode, r.Header.Get("Location"), r.text())
		}
		firstFile := r.Header.Get("Location")
		after, err := h.app.db.GetPerson(t0(), fx.suspect)
		if err != nil || !after.Protected || after.Pseudonym == "" || !after.IsVictim {
			t.Fatalf("after: %v", err)
		}
		// Protected from now on: the person page shows the pseudonym, no button.
		page = inv.get("/persons/" + fx.suspect.String())
		wantText(t, page, "protected page", after.Pseudonym, `action="/persons/`+fx.suspect.String()+`/reveal"`)
		wantNoText(t, page, "protected page", fxSuspectName, `id="receive-as-victim"`)
		// Again: refused, naming the open file.
		rec.Set("person_version", strconv.Itoa(after.Version))
		r = inv.postForm("/victims/new", rec)
		wantStatus(t, r, http.StatusConflict, "second reception")
		wantText(t, r, "second reception", h.vi("victim.file_open", after.Pseudonym))

		// Trafficked again after the file closed: the person page offers the
		// reception again, and it opens a new file under the same pseudonym
		// that lists the earlier one (and the earlier one lists it).
		fileID, err := ctip.ParseID(strings.TrimPrefix(firstFile, "/victims/"))
		if err != nil {
			t.Fatal(err)
		}
		fv, err := h.app.victims.Get(h.actorCtx(auth.RoleVictimSupport), fileID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.app.victims.Close(h.actorCtx(auth.RoleVictimSupport), fileID, fv.File.Version, "transferred", ctip.Date{}); err != nil {
			t.Fatal(err)
		}
		page = inv.get("/persons/" + fx.suspect.String())
		wantText(t, page, "person page after closure", `id="receive-as-victim"`)
		closed, _ := h.app.db.GetPerson(t0(), fx.suspect)
		rec.Set("person_version", strconv.Itoa(closed.Version))
		r = inv.postForm("/victims/new", rec)
		second := r.Header.Get("Location")
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(second, "/victims/") || second == firstFile {
			t.Fatalf("reception after closure: %d %s\n%.1000s", r.StatusCode, second, r.text())
		}
		page = inv.get(second)
		wantText(t, page, "new file", after.Pseudonym, `id="other-files"`, `href="`+firstFile+`"`)
		page = inv.get(firstFile)
		wantText(t, page, "earlier file", `id="other-files"`, `href="`+second+`"`, h.vi("victim.file_is_open"))
		renderOK(t, "victim file with earlier files", func(lang string) *response {
			inv.lang = lang
			defer func() { inv.lang = "" }()
			return inv.get(second)
		}, http.StatusOK)
		page = inv.get("/persons/" + fx.suspect.String())
		wantNoText(t, page, "person page with an open file", `id="receive-as-victim"`)
		wantText(t, page, "person page lists both files", `id="victim-files"`, `href="`+firstFile+`"`, `href="`+second+`"`, h.vi("victim.file_is_open"))
		renderOK(t, "person page with two victim files", func(lang string) *response {
			inv.lang = lang
			defer func() { inv.lang = "" }()
			return inv.get("/persons/" + fx.suspect.String())
		}, http.StatusOK)
		// The health department's victim-support officer is told.
		ns, err := h.app.notify.Mine(h.actorCtx(auth.RoleVictimSupport), notify.StateUnread, ctip.PageRequest{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		told := false
		for _, n := range ns.Items {
			told = told || n.Kind == "victim_received" && len(n.Args) == 1 && n.Args[0] == after.Pseudonym
		}
		if !told {
			t.Fatalf("no hand-over notification: %+v", ns.Items)
		}

		// Victim support: a duplicate candidate is received on its record.
		w, err := h.app.persons.Create(h.actorCtx(auth.RoleVictimSupport), person.Input{FullName: "Hà Thị Lan", Sex: "female", BirthYear: 1990,
			Phone: "0968 123 456", Role: person.RoleWitness, ConfirmNew: true})
		if err != nil {
			t.Fatal(err)
		}
		vs := h.login(auth.RoleVictimSupport)
		form := url.Values{"channel": {"self_report"}, "reception_body": {"UBND xã Mường Nhé"}, "full_name": {"Ha Thi Lan"}, "phones": {"0968123456"}, "sex": {"female"}}
		r = vs.postForm("/victims/new", form)
		wantStatus(t, r, http.StatusConflict, "duplicates")
		use := w.Person.ID.String() + "." + strconv.Itoa(w.Person.Version)
		wantText(t, r, "candidates", `id="receive-existing"`, `name="use_person" value="`+use+`"`)
		wantNoText(t, r, "candidates", `id="handover-note"`)
		form.Set("use_person", use)
		r = vs.postForm("/victims/new", form)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("receive the candidate: %d\n%.1500s", r.StatusCode, r.text())
		}
		wp, _ := h.app.db.GetPerson(t0(), w.Person.ID)
		if !wp.Protected || !wp.IsVictim || wp.Identity.FullName != "Hà Thị Lan" {
			t.Fatal("the candidate's record was not received")
		}
		// The fixture victim already has her file: named in the refusal.
		vp, _ := h.app.db.GetPerson(t0(), fx.victimPerson)
		form.Set("use_person", fx.victimPerson.String()+"."+strconv.Itoa(vp.Version))
		r = vs.postForm("/victims/new", form)
		wantStatus(t, r, http.StatusConflict, "victim with a file")
		wantText(t, r, "victim with a file", h.vi("victim.file_open", fx.pseudonym))

		// A merged record leads to the surviving one.
		a1, err := h.app.persons.Create(h.actorCtx(auth.RoleInvestigator), person.Input{FullName: "Thào Văn Lử", Sex: "male", BirthYear: 1988,
			Role: person.RoleBroker, ConfirmNew: true})
		if err != nil {
			t.Fatal(err)
		}
		a2, err := h.app.persons.Create(h.actorCtx(auth.RoleInvestigator), person.Input{FullName: "Lử Thào", Sex: "male", Role: person.RoleBroker, ConfirmNew: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.app.persons.Merge(h.actorCtx(auth.RoleLeader), a1.Person.ID, a2.Person.ID, a1.Person.Version, a2.Person.Version, "Cùng một người theo lời khai"); err != nil {
			t.Fatal(err)
		}
		wantRedirect(t, inv.get("/victims/new?person="+a2.Person.ID.String()), "/victims/new?person="+a1.Person.ID.String(), "tombstone")

		// Commune police do not record receptions.
		if r := h.login(auth.RoleIntake).get("/victims/new?person=" + fx.suspect.String()); r.StatusCode != http.StatusForbidden {
			t.Fatalf("commune police: %d", r.StatusCode)
		}
	})
}

// TestReceiveExistingAPI: POST /api/v1/victims with person_id.
func TestReceiveExistingAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		h.personFixture()
		s, err := h.app.persons.Create(h.actorCtx(auth.RoleInvestigator), person.Input{FullName: "Sùng A Dơ", Sex: "male", BirthYear: 1995,
			Role: person.RoleTransporter, ConfirmNew: true})
		if err != nil {
			t.Fatal(err)
		}
		tok := h.token(auth.RoleInvestigator)
		reception := map[string]any{"channel": "foreign_handover", "body": "Cửa khẩu quốc tế Ma Lù Thàng", "found_abroad": true}
		var prob struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
			Errors []struct {
				Field string `json:"field"`
			} `json:"errors"`
		}
		r := h.api(tok, "POST", "/api/v1/victims", map[string]any{"person_id": s.Person.ID, "person_version": s.Person.Version, "full_name": "X", "reception": reception})
		decodeJSON(t, r, &prob)
		if r.StatusCode != http.StatusUnprocessableEntity || len(prob.Errors) == 0 || prob.Errors[0].Field != "person_id" {
			t.Fatalf("identity fields with person_id: %d %s", r.StatusCode, r.text())
		}
		if r := h.api(tok, "POST", "/api/v1/victims", map[string]any{"person_id": ctip.NewID(), "person_version": 1, "reception": reception}); r.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown person: %d %s", r.StatusCode, r.text())
		}
		if r := h.api(h.token(auth.RoleVictimSupport), "POST", "/api/v1/victims", map[string]any{"person_id": s.Person.ID, "person_version": s.Person.Version,
			"reception": reception}); r.StatusCode != http.StatusNotFound || strings.Contains(r.text(), "Sùng") {
			t.Fatalf("out of scope: %d %s", r.StatusCode, r.text())
		}
		if r := h.api(tok, "POST", "/api/v1/victims", map[string]any{"person_id": s.Person.ID, "person_version": s.Person.Version + 3, "reception": reception}); r.StatusCode != http.StatusConflict {
			t.Fatalf("stale: %d %s", r.StatusCode, r.text())
		}
		r = h.api(tok, "POST", "/api/v1/victims", map[string]any{"person_id": s.Person.ID, "person_version": s.Person.Version, "reception": reception})
		var out struct {
			ID        ctip.ID `json:"id"`
			Pseudonym string  `json:"pseudonym"`
			PersonID  ctip.ID `json:"person_id"`
		}
		decodeJSON(t, r, &out)
		if r.StatusCode != http.StatusCreated || out.PersonID != s.Person.ID || !strings.HasPrefix(out.Pseudonym, "NN-") || strings.Contains(r.text(), "Sùng") {
			t.Fatalf("receive: %d %s", r.StatusCode, r.text())
		}
		r = h.api(tok, "POST", "/api/v1/victims", map[string]any{"person_id": s.Person.ID, "person_version": s.Person.Version + 1, "reception": reception})
		decodeJSON(t, r, &prob)
		if r.StatusCode != http.StatusConflict || !strings.Contains(prob.Detail, out.Pseudonym) {
			t.Fatalf("second reception: %d %s", r.StatusCode, r.text())
		}
		// Closed, then trafficked again: a new file under the same
		// pseudonym, which names the earlier one.
		fv, err := h.app.victims.Get(h.actorCtx(auth.RoleVictimSupport), out.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.app.victims.Close(h.actorCtx(auth.RoleVictimSupport), out.ID, fv.File.Version, "transferred", ctip.Date{}); err != nil {
			t.Fatal(err)
		}
		cp, _ := h.app.db.GetPerson(t0(), s.Person.ID)
		r = h.api(tok, "POST", "/api/v1/victims", map[string]any{"person_id": s.Person.ID, "person_version": cp.Version, "reception": reception})
		var again struct {
			ID        ctip.ID `json:"id"`
			Pseudonym string  `json:"pseudonym"`
			Victim    struct {
				OtherFiles []struct {
					ID       ctip.ID `json:"id"`
					ClosedOn string  `json:"closed_on"`
				} `json:"other_files"`
			} `json:"victim"`
		}
		decodeJSON(t, r, &again)
		others := again.Victim.OtherFiles
		if r.StatusCode != http.StatusCreated || again.ID == out.ID || again.Pseudonym != out.Pseudonym || len(others) != 1 ||
			others[0].ID != out.ID || others[0].ClosedOn == "" {
			t.Fatalf("reception after closure: %d %s", r.StatusCode, r.text())
		}
		if r := h.api(h.token(auth.RoleIntake), "POST", "/api/v1/victims", map[string]any{"person_id": s.Person.ID, "person_version": 2, "reception": reception}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("commune police: %d", r.StatusCode)
		}
	})
}

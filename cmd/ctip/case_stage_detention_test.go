package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/legal"
)

// TestWebStageDetention: once the case reaches the procuracy, the detained
// accused shows "detention order needed" on the case page and the board;
// the procurator's measure form offers the procuracy's detention (Art. 241)
// until the prosecution limit, refuses a later end date naming the article,
// records the order and the state clears; the API shows the same.
func TestWebStageDetention(t *testing.T) {
	eachEngine(t, func(t *testing.T, h *harness) {
		inv := ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleInvestigator], h.units["PC02"]))
		c, err := h.app.cases.Create(inv, casefile.Input{InstitutionNumber: "09/QĐ-CSHS", Signer: "Thượng tá", InstitutedOn: ctip.NewDate(2026, 1, 5),
			Charges: []legal.Charge{{Article: "150", Clause: "2"}}, Summary: "Đường dây mua bán người", CommuneCode: "03160",
			ProcuracyUnitID: ctip.Some(h.units["VKS"].ID), OfficerIDs: []ctip.ID{h.users[auth.RoleInvestigator].ID}})
		if err != nil {
			t.Fatal(err)
		}
		v, err := h.app.cases.AddAccused(inv, c.ID, c.Version, casefile.AccusedInput{Person: casefile.PersonInput{Name: "Giàng A Tủa"},
			Charges: []legal.Charge{{Article: "150", Clause: "2"}}, DocumentNumber: "10/QĐ-KTBC", DocumentDate: ctip.NewDate(2026, 1, 6), Signer: "Thượng tá"})
		if err != nil {
			t.Fatal(err)
		}
		acc := v.Accused[0].ID
		if v, err = h.app.cases.AddMeasure(inv, c.ID, v.Case.Version, casefile.MeasureInput{AccusedID: acc, Type: "detention", StartOn: ctip.NewDate(2026, 1, 6),
			DocumentNumber: "11/LTG", DocumentDate: ctip.NewDate(2026, 1, 6), Signer: "Thượng tá"}); err != nil {
			t.Fatal(err)
		}
		// Concluded 5 Feb: the prosecution limit (30 days, very serious) ends 7 Mar, within the board's week.
		if v, err = h.app.cases.Do(inv, c.ID, v.Case.Version, casefile.ActConclude, casefile.ActionInput{DocumentNumber: "12/KLĐT",
			DocumentDate: ctip.NewDate(2026, 2, 5), Signer: "Thượng tá"}); err != nil {
			t.Fatal(err)
		}
		due := v.Case.CurrentDue
		id := c.ID.String()
		proc := h.login(auth.RoleProcurator)
		page := proc.get("/cases/" + id).text()
		for _, want := range []string{`id="detention-order-needed"`, "Cần lệnh tạm giam cho giai đoạn mới", "Giàng A Tủa: cần Tạm giam để truy tố",
			`href="/cases/` + id + `/measures/new?accused=` + acc.String() + `"`, "Tạm giam của giai đoạn trước kết thúc khi chuyển giai đoạn"} {
			if !strings.Contains(page, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		if board := proc.get("/cases/board").text(); !strings.Contains(board, `detention-order-needed">Cần lệnh tạm giam</span>`) {
			t.Errorf("the board does not show the state")
		}
		// Or the procuracy decides not to detain: the release form.
		rel := "/cases/" + id + "/measures/" + v.Measures[0].ID.String() + "/end"
		if !strings.Contains(page, `href="`+rel+`">Không tạm giam (trả tự do)</a>`) {
			t.Errorf("case page lacks the release link")
		}
		if r := proc.get(rel); r.StatusCode != 200 || !strings.Contains(r.text(), "Không tạm giam (trả tự do)") {
			t.Errorf("release form: %d", r.StatusCode)
		}
		// The filter of the lists and the board (web and API) finds it.
		if list := proc.get("/cases?view=all&detention=1").text(); !strings.Contains(list, c.Reference) {
			t.Errorf("the detention filter does not list the case")
		}
		var apiList struct {
			Total int `json:"total"`
		}
		decodeJSON(t, h.api(h.token(auth.RoleProcurator), "GET", "/api/v1/cases?view=all&detention=1", nil), &apiList)
		if apiList.Total != 1 {
			t.Errorf("API detention filter: %d cases", apiList.Total)
		}
		// The form: the procuracy's detention offered, the investigation's explained away.
		form := "/cases/" + id + "/measures/new?accused=" + acc.String()
		page = proc.get(form).text()
		if !strings.Contains(page, `name="type" value="prosecution_detention"`) || strings.Contains(page, `name="type" value="detention"`) ||
			!strings.Contains(page, "đến hết ngày "+due.Format()) || !strings.Contains(page, "BLTTHS Điều 241") {
			t.Errorf("measure form: %s", page)
		}
		post := func(end string) *response {
			cur, _ := h.app.cases.Get(ctip.WithActor(t0(), auth.ActorFor(h.users[auth.RoleProcurator], h.units["VKS"])), c.ID)
			return proc.postForm("/cases/"+id+"/measures/new", url.Values{"version": {strconv.Itoa(cur.Case.Version)}, "accused_id": {acc.String()},
				"type": {"prosecution_detention"}, "start_on": {"2026-02-06"}, "order_end": {end}, "document_number": {"03/LTG-VKS"},
				"document_date": {"2026-02-06"}, "signer": {"Phó Viện trưởng"}})
		}
		r := post(due.AddDays(1).String())
		if body := r.text(); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "không được quá thời hạn của giai đoạn này, hết ngày "+due.Format()+" (BLTTHS Điều 241)") {
			t.Errorf("beyond the limit: %d", r.StatusCode)
		}
		if r = post(due.String()); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("record: %d %s", r.StatusCode, r.text())
		}
		page = proc.get("/cases/" + id).text()
		if strings.Contains(page, `id="detention-order-needed"`) || !strings.Contains(page, `data-kind="prosecution_detention"`) {
			t.Errorf("after the order the case page still warns or shows no clock")
		}
		if board := proc.get("/cases/board").text(); strings.Contains(board, "detention-order-needed") || !strings.Contains(board, `id="detention-orders-link"`) {
			t.Errorf("the board still shows the state, or has no link to the filter")
		}
		if list := proc.get("/cases?view=all&detention=1").text(); strings.Contains(list, c.Reference) {
			t.Errorf("the detention filter still lists the case")
		}
		// The API: the order with its last day; the state is gone.
		var got struct {
			DetentionOrdersNeeded int `json:"detention_orders_needed"`
			Accused               []struct {
				DetentionOrderNeeded string `json:"detention_order_needed"`
				Measures             []struct {
					Type           string     `json:"type"`
					Due            *ctip.Date `json:"due"`
					EndedWithStage bool       `json:"ended_with_stage"`
				} `json:"measures"`
			} `json:"accused"`
		}
		decodeJSON(t, h.api(h.token(auth.RoleProcurator), "GET", "/api/v1/cases/"+id, nil), &got)
		if got.DetentionOrdersNeeded != 0 || len(got.Accused) != 1 || got.Accused[0].DetentionOrderNeeded != "" || len(got.Accused[0].Measures) != 2 ||
			!got.Accused[0].Measures[0].EndedWithStage || got.Accused[0].Measures[1].Type != "prosecution_detention" || *got.Accused[0].Measures[1].Due != due {
			t.Errorf("API: %+v", got)
		}
		for _, lang := range []string{"vi", "en"} {
			proc.lang = lang
			for _, p := range []string{"/cases/" + id, form, "/cases/board", "/cases/" + id + "/measures/" + v.Measures[0].ID.String() + "/end"} {
				if b := proc.get(p).text(); strings.Contains(b, "⟦") || strings.Contains(b, "%!") {
					t.Errorf("%s [%s]: missing key or bad verb", p, lang)
				}
			}
		}
	})
}

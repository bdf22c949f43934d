package web

import (
	"net/http"
	"net/url"
	"strings"

	"ctip"
	"ctip/internal/audit"
	"ctip/internal/httpx"
	"ctip/internal/intake"
)

// auditRoutes are the auditor's pages: the trail with filters, and the
// verification of its hash chain.
func (s *Server) auditRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/audit", Access: httpx.Permitted, Perm: ctip.PermAuditRead, Handler: s.auditList},
		{Method: "POST", Pattern: "/audit/verify", Access: httpx.Permitted, Perm: ctip.PermAuditRead, Handler: s.auditVerify},
	}
}

// auditGroups are the action families offered in the filter (a prefix
// ending in "." selects the whole family), each with its exact actions.
var auditGroups = []struct {
	Prefix  string
	Actions []string
}{
	{"auth.", []string{"auth.login", "auth.login_failed", "auth.login_locked", "auth.totp_verified", "auth.totp_failed", "auth.logout"}},
	{"user.", []string{"user.create", "user.update", "user.disable", "user.enable", "user.reset_password", "user.change_password",
		"user.totp_policy", "user.totp_enrol"}},
	{"unit.", []string{"unit.create", "unit.update", "unit.deactivate", "unit.activate"}},
	{"session.", []string{"session.revoke"}},
	{"token.", []string{"token.create", "token.revoke"}},
	{"intake.", intakeAuditActions()},
}

func intakeAuditActions() []string {
	out := []string{"intake.create", "intake.update"}
	for _, a := range intake.Actions {
		out = append(out, "intake."+string(a))
	}
	return append(out, "intake.attach", "intake.detach", "intake.download", "intake.reporter_view", "intake.reporter_denied", "intake.access_denied")
}

// auditRecordTypes are the record types the services write.
var auditRecordTypes = []string{"user", "unit", "session", "api_token", "intake_item", "intake_attachment"}

var auditLabels = map[string]string{"actor": "audit.f.actor", "unit": "audit.f.unit", "action": "audit.f.action",
	"record_type": "audit.f.record_type", "record_id": "audit.f.record_id", "from": "audit.f.from", "to": "audit.f.to"}

// auditRow is one entry as shown: only what the event holds.
type auditRow struct {
	Seq         int64
	Time        string
	ActorID     string
	ActorName   string
	UnitID      string
	UnitName    string
	Action      string
	ActionLabel string
	RecordType  string
	TypeLabel   string
	RecordID    string
	History     string // the filter showing the record's whole history
	Open        string // the record's own page, when there is one
	Fields      string
	Reason      string
	IP          string
	RequestID   string
	Hash        string
}

type actionOption struct{ Value, Label string }

type actionGroup struct {
	Label   string
	Options []actionOption
}

type auditData struct {
	Rows    []auditRow
	Pager   Pager
	Units   []unitOption
	Groups  []actionGroup
	Types   []actionOption
	Record  string // set when the list is one record's history
	Filters bool   // a filter is set
}

// actionLabel translates an action code where a label exists; otherwise the
// code itself is shown.
func (s *Server) actionLabel(lang, code string) string {
	if k := "audit.action." + code; s.Cat.Has(lang, k) {
		return s.Cat.T(lang, k)
	}
	if rest, ok := strings.CutPrefix(code, "intake."); ok && s.Cat.Has(lang, "event."+rest) {
		return s.Cat.T(lang, "event."+rest)
	}
	return code
}

func (s *Server) typeLabel(lang, t string) string {
	if k := "audit.type." + t; s.Cat.Has(lang, k) {
		return s.Cat.T(lang, k)
	}
	return t
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ctx := r.Context()
	p := s.page(r, "audit.title", nil)
	p.Form = newForm(q)
	// Units are readable by every signed-in user; users are not (auditors
	// do not hold admin.users), so the actor is filtered by ID.
	units, err := s.Auth.Units(ctx)
	if err != nil {
		return err
	}
	unitNames := map[string]string{}
	for _, u := range units {
		unitNames[u.ID.String()] = u.Name
	}
	data := &auditData{Units: unitOptions(units, nil)}
	action := strings.TrimSpace(q.Get("action"))
	known := action == ""
	for _, g := range auditGroups {
		grp := strings.TrimSuffix(g.Prefix, ".")
		ag := actionGroup{Label: s.Cat.T(p.Lang, "audit.group."+grp)}
		ag.Options = append(ag.Options, actionOption{g.Prefix, s.Cat.T(p.Lang, "audit.all_in", ag.Label)})
		for _, a := range g.Actions {
			ag.Options = append(ag.Options, actionOption{a, s.actionLabel(p.Lang, a)})
		}
		for _, o := range ag.Options {
			known = known || o.Value == action
		}
		data.Groups = append(data.Groups, ag)
	}
	if !known {
		// An action not in the list (a link from a row): keep it selectable.
		data.Groups = append([]actionGroup{{Label: s.Cat.T(p.Lang, "audit.f.action"), Options: []actionOption{{action, s.actionLabel(p.Lang, action)}}}}, data.Groups...)
	}
	rtype := strings.TrimSpace(q.Get("record_type"))
	typeKnown := rtype == ""
	for _, t := range auditRecordTypes {
		data.Types = append(data.Types, actionOption{t, s.typeLabel(p.Lang, t)})
		typeKnown = typeKnown || t == rtype
	}
	if !typeKnown {
		data.Types = append(data.Types, actionOption{rtype, rtype})
	}
	p.Data = data

	var pr ctip.Problems
	f := audit.Filter{Action: action, RecordType: rtype, RecordID: strings.TrimSpace(q.Get("record_id"))}
	if v := strings.TrimSpace(q.Get("actor")); v != "" {
		if id, err := ctip.ParseID(v); err == nil {
			f.ActorID = ctip.Some(id)
		} else {
			pr.Add("actor", "error.id")
		}
	}
	if v := q.Get("unit"); v != "" {
		if id, err := ctip.ParseID(v); err == nil {
			f.UnitID = ctip.Some(id)
		} else {
			pr.Add("unit", "error.choice")
		}
	}
	if len(f.RecordID) > 100 {
		pr.Add("record_id", "error.too_long", 100)
	}
	for _, k := range []string{"from", "to"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			d, err := ctip.ParseDate(v)
			switch {
			case err != nil:
				pr.Add(k, "error.date")
			case k == "from":
				f.From = d
			default:
				f.To = d
			}
		}
	}
	data.Filters = f.ActorID.Valid || f.UnitID.Valid || f.Action != "" || f.RecordType != "" || f.RecordID != "" || !f.From.IsZero() || !f.To.IsZero()
	if f.RecordID != "" {
		data.Record = strings.TrimSpace(s.typeLabel(p.Lang, f.RecordType) + " " + f.RecordID)
	}
	if err := pr.Err(); err != nil {
		s.setFormError(p.Form, p.Lang, err, auditLabels)
		return s.render(w, r, http.StatusUnprocessableEntity, "audit", p)
	}
	preq := smallPage(q, 50)
	page, err := s.Audit.List(ctx, f, preq)
	if err != nil {
		if s.setFormError(p.Form, p.Lang, err, auditLabels) {
			return s.render(w, r, httpStatusFor(err), "audit", p)
		}
		return err
	}
	for _, ev := range page.Items {
		row := auditRow{Seq: ev.Seq, Time: ev.At.In(ctip.Vietnam).Format("02/01/2006 15:04:05"), ActorName: ev.ActorName,
			Action: ev.Action, ActionLabel: s.actionLabel(p.Lang, ev.Action), RecordType: ev.RecordType,
			TypeLabel: s.typeLabel(p.Lang, ev.RecordType), RecordID: ev.RecordID, Fields: strings.Join(ev.Fields, ", "),
			Reason: ev.Reason, IP: ev.IP, RequestID: ev.RequestID, Hash: ev.Hash}
		if len(row.Hash) > 12 {
			row.Hash = row.Hash[:12]
		}
		if ev.ActorID.Valid {
			row.ActorID = ev.ActorID.ID.String()
		}
		if ev.UnitID.Valid {
			row.UnitID = ev.UnitID.ID.String()
			row.UnitName = unitNames[row.UnitID]
		}
		if ev.RecordID != "" {
			row.History = "/audit?" + url.Values{"record_type": {ev.RecordType}, "record_id": {ev.RecordID}}.Encode()
			if ev.RecordType == "intake_item" {
				if id, err := ctip.ParseID(ev.RecordID); err == nil {
					row.Open = "/intake/" + id.String()
				}
			}
		}
		data.Rows = append(data.Rows, row)
	}
	data.Pager = pager(q, preq, page.Total, "/audit")
	return s.render(w, r, http.StatusOK, "audit", p)
}

// breakKey names the cause of a broken chain in the catalogue (the audit
// package words its reasons for logs; the page shows them as details).
func breakKey(reason string) string {
	switch {
	case strings.HasPrefix(reason, "content does not match"):
		return "audit.break.changed"
	case strings.HasPrefix(reason, "previous-hash"):
		return "audit.break.link"
	case strings.HasPrefix(reason, "missing entries"):
		return "audit.break.missing"
	case strings.HasPrefix(reason, "out of order"):
		return "audit.break.order"
	case strings.HasPrefix(reason, "chain ends"):
		return "audit.break.head"
	}
	return "audit.break.other"
}

func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) error {
	res, err := s.Audit.Verify(r.Context())
	if err != nil {
		return err
	}
	data := map[string]any{"Result": res, "Head": res.HeadHash}
	if len(res.HeadHash) > 12 {
		data["Head"] = res.HeadHash[:12]
	}
	if res.Break != nil {
		data["BreakKey"] = breakKey(res.Break.Reason)
		data["Entry"] = "/audit?" + url.Values{"size": {"5"}, "page": {itoa(max(1, int(res.HeadSeq-res.Break.Seq)/5+1))}}.Encode()
	}
	p := s.page(r, "audit.verify_title", data)
	return s.render(w, r, http.StatusOK, "audit_verify", p)
}

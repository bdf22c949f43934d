package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"ctip"
	"ctip/internal/audit"
	"ctip/internal/httpx"
	"ctip/internal/i18n"
)

// auditRoutes are the auditor's pages: the trail with filters, and the
// verification of its hash chain.
func (s *Server) auditRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/audit", Access: httpx.Permitted, Perm: ctip.PermAuditRead, Handler: s.auditList},
		{Method: "POST", Pattern: "/audit/verify", Access: httpx.Permitted, Perm: ctip.PermAuditRead, Handler: s.auditVerify},
	}
}

// auditFamilies orders the action families in the filter (presentation
// only: the actions themselves come from the trail, see audit.Vocabulary).
// A family not listed here comes after these, in alphabetical order.
var auditFamilies = []string{"auth", "user", "unit", "session", "token", "settings", "intake", "case", "campaign", "calendar", "person", "victim"}

// eventLabels: the timeline labels an action of a family falls back on
// (the intake item's, the case's and the victim file's own timelines).
var eventLabels = map[string]string{"intake": "event.", "case": "case.event.", "victim": "vevent."}

// AuditActionKey is the catalogue key labelling an audit action ("" when
// none: the page then shows the code).
func AuditActionKey(cat *i18n.Catalog, lang, code string) string {
	if k := "audit.action." + code; cat.Has(lang, k) {
		return k
	}
	family, rest, _ := strings.Cut(code, ".")
	if p, ok := eventLabels[family]; ok && cat.Has(lang, p+rest) {
		return p + rest
	}
	return ""
}

// AuditTypeKey is the catalogue key labelling a record type ("" when none).
func AuditTypeKey(cat *i18n.Catalog, lang, t string) string {
	if k := "audit.type." + t; cat.Has(lang, k) {
		return k
	}
	return ""
}

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
	if k := AuditActionKey(s.Cat, lang, code); k != "" {
		return s.Cat.T(lang, k)
	}
	return code
}

func (s *Server) typeLabel(lang, t string) string {
	if k := AuditTypeKey(s.Cat, lang, t); k != "" {
		return s.Cat.T(lang, k)
	}
	return t
}

// auditChoices builds the filter's options from the trail's own vocabulary:
// actions grouped by family (each family selectable as a whole), record
// types; a value asked for that the trail does not hold stays selectable.
func (s *Server) auditChoices(lang string, actions, types []string, action, rtype string) ([]actionGroup, []actionOption) {
	byFamily := map[string][]string{}
	var families []string
	for _, a := range actions {
		f, _, _ := strings.Cut(a, ".")
		if _, ok := byFamily[f]; !ok {
			families = append(families, f)
		}
		byFamily[f] = append(byFamily[f], a)
	}
	rank := func(f string) int {
		if i := slices.Index(auditFamilies, f); i >= 0 {
			return i
		}
		return len(auditFamilies)
	}
	slices.SortStableFunc(families, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	known := action == ""
	var groups []actionGroup
	for _, f := range families {
		label := f
		if k := "audit.group." + f; s.Cat.Has(lang, k) {
			label = s.Cat.T(lang, k)
		}
		ag := actionGroup{Label: label, Options: []actionOption{{f + ".", s.Cat.T(lang, "audit.all_in", label)}}}
		for _, a := range byFamily[f] {
			ag.Options = append(ag.Options, actionOption{a, s.actionLabel(lang, a)})
		}
		for _, o := range ag.Options {
			known = known || o.Value == action
		}
		groups = append(groups, ag)
	}
	if !known {
		// An action not in the trail (a link, a typed URL): keep it selectable.
		groups = append([]actionGroup{{Label: s.Cat.T(lang, "audit.f.action"), Options: []actionOption{{action, s.actionLabel(lang, action)}}}}, groups...)
	}
	var opts []actionOption
	typeKnown := rtype == ""
	for _, t := range types {
		opts = append(opts, actionOption{t, s.typeLabel(lang, t)})
		typeKnown = typeKnown || t == rtype
	}
	if !typeKnown {
		opts = append(opts, actionOption{rtype, s.typeLabel(lang, rtype)})
	}
	return groups, opts
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
	rtype := strings.TrimSpace(q.Get("record_type"))
	actions, types, err := s.Audit.Vocabulary(ctx)
	if err != nil {
		return err
	}
	data.Groups, data.Types = s.auditChoices(p.Lang, actions, types, action, rtype)
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
			if base, ok := recordPages[ev.RecordType]; ok {
				if id, err := ctip.ParseID(ev.RecordID); err == nil {
					row.Open = base + id.String()
				}
			}
		}
		data.Rows = append(data.Rows, row)
	}
	data.Pager = pager(q, preq, page.Total, "/audit")
	return s.render(w, r, http.StatusOK, "audit", p)
}

// recordPages are the record types with a page of their own.
var recordPages = map[string]string{"intake_item": "/intake/", "case": "/cases/", "person": "/persons/", "victim": "/victims/", "campaign": "/campaigns/"}

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

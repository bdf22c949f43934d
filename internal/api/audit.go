package api

import (
	"net/http"
	"time"

	"ctip"
	"ctip/internal/audit"
)

// AuditDTO is one audit entry.
type AuditDTO struct {
	Seq        int64       `json:"seq"`
	At         time.Time   `json:"at"`
	ActorID    ctip.NullID `json:"actor_id"`
	ActorName  string      `json:"actor"`
	UnitID     ctip.NullID `json:"unit_id"`
	Action     string      `json:"action"`
	RecordType string      `json:"record_type"`
	RecordID   string      `json:"record_id"`
	Fields     []string    `json:"fields"`
	Reason     string      `json:"reason,omitempty"`
	IP         string      `json:"ip"`
	RequestID  string      `json:"request_id"`
	Hash       string      `json:"hash"`
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var p ctip.Problems
	f := audit.Filter{Action: q.Get("action"), RecordType: q.Get("record_type"), RecordID: q.Get("record_id"),
		From: queryDate(r, "from", &p), To: queryDate(r, "to", &p)}
	f.ActorID = optID(strPtr(q.Get("actor_id")), "actor_id", &p)
	f.UnitID = optID(strPtr(q.Get("unit_id")), "unit_id", &p)
	limit := queryInt(r, "limit", ctip.DefaultPageSize, &p)
	offset := queryInt(r, "offset", 0, &p)
	if err := p.Err(); err != nil {
		return err
	}
	page, err := s.Audit.List(r.Context(), f, ctip.PageRequest{Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	items := make([]AuditDTO, 0, len(page.Items))
	for _, e := range page.Items {
		fields := e.Fields
		if fields == nil {
			fields = []string{}
		}
		items = append(items, AuditDTO{Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, UnitID: e.UnitID, Action: e.Action,
			RecordType: e.RecordType, RecordID: e.RecordID, Fields: fields, Reason: e.Reason, IP: e.IP, RequestID: e.RequestID, Hash: e.Hash})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": page.Total, "limit": page.Limit, "offset": page.Offset})
}

func strPtr(s string) *string { return &s }

package ctip

import "time"

// AuditEvent is one entry of the hash-chained audit trail (internal/audit).
// It never holds protected values: Fields names what changed, not the values.
type AuditEvent struct {
	Seq        int64
	ID         ID
	At         time.Time
	ActorID    NullID
	ActorName  string // username, or "system:<job>"
	UnitID     NullID
	Action     string // e.g. "intake.create", "auth.login_failed", "intake.reporter_view"
	RecordType string
	RecordID   string
	Fields     []string
	Reason     string
	IP         string
	RequestID  string
	PrevHash   string
	Hash       string
}

// NewAuditEvent fills the who/when/where of an event from the actor.
func NewAuditEvent(a *Actor, at time.Time, action, recordType string, recordID ID) AuditEvent {
	ev := AuditEvent{ID: NewID(), At: at, Action: action, RecordType: recordType}
	if !recordID.IsZero() {
		ev.RecordID = recordID.String()
	}
	if a != nil {
		ev.ActorID = Some(a.UserID)
		ev.ActorName = a.Username
		ev.UnitID = Some(a.UnitID)
		ev.IP = a.IP
		ev.RequestID = a.RequestID
	}
	return ev
}

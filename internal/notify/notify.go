// Package notify is the in-app notification list (the bell): deadline
// reminders, break-the-glass alerts, assignments. A notification goes to one
// user, or to every user of a unit who holds a permission. Each has a dedup
// key, so a job that runs on several instances, or twice, never notifies twice.
package notify

import (
	"context"
	"time"

	"ctip"
)

// Notification is one entry of a user's list. Its text is a catalogue key
// with arguments (never personal data: a pseudonym or a reference at most).
type Notification struct {
	ID         ctip.ID
	UserID     ctip.ID
	Kind       string // e.g. "deadline", "break_glass", "assigned"
	Key        string // message key, e.g. "notify.case_deadline"
	Args       []string
	Link       string // a path in the web UI
	RecordType string
	RecordID   string
	DedupKey   string // unique per user; "" for no deduplication
	CreatedAt  time.Time
	ReadAt     time.Time
}

// Store is what the service needs from storage.
type Store interface {
	// AddNotifications inserts notifications, skipping those whose
	// (user, dedup key) already exists; it returns how many were added.
	AddNotifications(ctx context.Context, ns []Notification) (int, error)
	ListNotificationsIn(ctx context.Context, userID ctip.ID, state string, p ctip.PageRequest) (ctip.Page[Notification], error)
	UnreadCount(ctx context.Context, userID ctip.ID) (int, error)
	MarkRead(ctx context.Context, userID ctip.ID, ids []ctip.ID, at time.Time) error
	// UsersWith lists the active users of a unit holding one of the roles.
	UsersWithRoles(ctx context.Context, unitID ctip.ID, roles []string) ([]ctip.ID, error)
}

// Service sends and lists notifications.
type Service struct {
	Store Store
	Clock ctip.Clock
}

// Send adds notifications (system actors and services call it; no
// permission check: it writes only to the recipients' own lists).
func (s *Service) Send(ctx context.Context, ns ...Notification) (int, error) {
	now := s.Clock.Now()
	for i := range ns {
		if ns[i].ID.IsZero() {
			ns[i].ID = ctip.NewID()
		}
		if ns[i].CreatedAt.IsZero() {
			ns[i].CreatedAt = now
		}
	}
	return s.Store.AddNotifications(ctx, ns)
}

// ToUnitRoles expands a notification to every active user of a unit holding
// one of the roles (e.g. the owning unit's leaders).
func (s *Service) ToUnitRoles(ctx context.Context, unitID ctip.ID, roles []string, n Notification) (int, error) {
	users, err := s.Store.UsersWithRoles(ctx, unitID, roles)
	if err != nil {
		return 0, err
	}
	var ns []Notification
	for _, u := range users {
		c := n
		c.UserID = u
		ns = append(ns, c)
	}
	return s.Send(ctx, ns...)
}

// States of the notification list's filter.
const (
	StateUnread = "unread"
	StateRead   = "read"
)

// Mine lists the actor's notifications: all, unread or read (state), newest
// first (or oldest first: p.Desc false with p.Sort "date").
func (s *Service) Mine(ctx context.Context, state string, p ctip.PageRequest) (ctip.Page[Notification], error) {
	a := ctip.ActorFrom(ctx)
	if a == nil || a.System {
		return ctip.Page[Notification]{}, ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	var pr ctip.Problems
	if state != "" && state != StateUnread && state != StateRead {
		pr.Add("state", "error.choice")
	}
	if p.Sort != "" && p.Sort != "date" {
		pr.Add("sort", "error.choice")
	}
	if err := pr.Err(); err != nil {
		return ctip.Page[Notification]{}, err
	}
	return s.Store.ListNotificationsIn(ctx, a.UserID, state, p.Normalize())
}

// Unread counts the actor's unread notifications (for the bell).
func (s *Service) Unread(ctx context.Context) (int, error) {
	a := ctip.ActorFrom(ctx)
	if a == nil || a.System {
		return 0, nil
	}
	return s.Store.UnreadCount(ctx, a.UserID)
}

// MarkRead marks the actor's own notifications read (all when ids is empty).
func (s *Service) MarkRead(ctx context.Context, ids ...ctip.ID) error {
	a := ctip.ActorFrom(ctx)
	if a == nil || a.System {
		return ctip.Errorf(ctip.Unauthenticated, "error.unauthenticated")
	}
	return s.Store.MarkRead(ctx, a.UserID, ids, s.Clock.Now())
}

package web

import (
	"net/http"
	"strings"

	"ctip"
	"ctip/internal/notify"
)

// notifications lists the user's notifications: all, unread or read
// (state; the older unread=1 still works), newest or oldest first.
func (s *Server) notifications(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" && q.Get("unread") == "1" {
		state = notify.StateUnread
	}
	pr := pageReq(q)
	p := s.page(r, "notify.title", nil)
	p.Form = newForm(q)
	data := map[string]any{"State": state, "Pager": Pager{}, "Sort": sortLink("/notifications", q, "date"),
		"Oldest": q.Get("sort") == "date" && q.Get("dir") != "desc"}
	p.Data = data
	var probs ctip.Problems
	checkSort(q, &probs, "date")
	err := probs.Err()
	var page ctip.Page[notify.Notification]
	if err == nil {
		page, err = s.Notify.Mine(r.Context(), state, pr)
	}
	if err != nil {
		if s.setError(p.Form, p.Lang, err) {
			return s.render(w, r, http.StatusUnprocessableEntity, "notifications", p)
		}
		return err
	}
	type row struct {
		ID     ctip.ID
		Text   string
		Link   string
		At     string
		Unread bool
	}
	var rows []row
	for _, n := range page.Items {
		args := make([]any, len(n.Args))
		for i, a := range n.Args {
			args[i] = a
		}
		link := n.Link
		if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
			link = ""
		}
		rows = append(rows, row{ID: n.ID, Text: s.Cat.T(p.Lang, n.Key, args...), Link: link,
			At: n.CreatedAt.In(ctip.Vietnam).Format("02/01/2006 15:04"), Unread: n.ReadAt.IsZero()})
	}
	data["Rows"] = rows
	data["Pager"] = pager(q, pr, page.Total, "/notifications")
	return s.render(w, r, http.StatusOK, "notifications", p)
}

func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request) error {
	var ids []ctip.ID
	if v := r.PostFormValue("id"); v != "" {
		id, err := ctip.ParseID(v)
		if err != nil {
			return ctip.ErrNotFound()
		}
		ids = append(ids, id)
	}
	if err := s.Notify.MarkRead(r.Context(), ids...); err != nil {
		return err
	}
	if next := r.PostFormValue("next"); next != "" {
		return s.redirect(w, r, safeNext(next), "")
	}
	return s.redirect(w, r, "/notifications", "flash.notifications_read")
}

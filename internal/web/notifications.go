package web

import (
	"net/http"
	"strings"

	"ctip"
)

func (s *Server) notifications(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pr := pageReq(q)
	page, err := s.Notify.Mine(r.Context(), q.Get("unread") == "1", pr)
	if err != nil {
		return err
	}
	p := s.page(r, "notify.title", nil)
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
	p.Data = map[string]any{"Rows": rows, "Pager": pager(q, pr, page.Total, "/notifications"), "UnreadOnly": q.Get("unread") == "1"}
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

package web

import (
	"encoding/json"
	"net/http"

	"ctip"
	"ctip/internal/intake"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	a := ctip.ActorFrom(r.Context())
	data := map[string]any{}
	if a.Can(ctip.PermIntakeRead) {
		c, err := s.Intake.Counts(r.Context())
		if err != nil {
			return err
		}
		type row struct {
			Status intake.Status
			Count  int
		}
		open := 0
		var rows []row
		for _, st := range intake.Statuses {
			if st.Open() {
				open += c.ByStatus[st]
			}
			rows = append(rows, row{st, c.ByStatus[st]})
		}
		data["Counts"] = c
		data["Open"] = open
		data["Suspended"] = c.ByStatus[intake.Suspended]
		data["Rows"] = rows
	}
	return s.render(w, r, http.StatusOK, "home", s.page(r, "home.title", data))
}

// communes answers the commune list of a province (for the place selector).
func (s *Server) communes(w http.ResponseWriter, r *http.Request) error {
	type c struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	out := []c{}
	for _, cm := range s.Places.CommunesOf(r.URL.Query().Get("province")) {
		out = append(out, c{cm.Code, cm.FullName})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	return json.NewEncoder(w).Encode(out)
}

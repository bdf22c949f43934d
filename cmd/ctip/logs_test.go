package main

import (
	"bytes"
	"net/url"
	"strings"
	"sync"
	"testing"

	"ctip/internal/auth"
	"ctip/internal/dbtest"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNoPersonalDataInLogs drives requests full of personal data through
// the real handler stack with debug logging and greps the captured logs.
func TestNoPersonalDataInLogs(t *testing.T) {
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) {
			var logs syncBuffer
			h := newHarnessLog(t, e, &logs, map[string]string{"CTIP_LOG_LEVEL": "debug", "CTIP_LOG_FORMAT": "json"})
			secrets := []string{"Hờ Thị Súa", "0977123456", "038204001234", "Bản Huổi Lụ", "Sùng A Dình", "Mật khẩu sai của tôi"}
			tok := h.token(auth.RoleIntake)
			body := map[string]any{"kind": "denunciation", "channel": "walk_in", "received_at": "2026-03-01T09:00:00+07:00",
				"summary": "Chị Hờ Thị Súa bị Sùng A Dình đưa sang biên giới", "persons": "Hờ Thị Súa; Sùng A Dình", "commune_code": "03160", "offence_article": "151",
				"reporter": map[string]any{"name": "Hờ Thị Súa", "phone": "0977123456", "id_number": "038204001234", "address": "Bản Huổi Lụ"}}
			r := h.api(tok, "POST", "/api/v1/intake?note=Hờ+Thị+Súa", body)
			if r.StatusCode != 201 {
				t.Fatalf("create: %d %s", r.StatusCode, r.text())
			}
			var it struct{ ID string }
			decodeJSON(t, r, &it)
			// Invalid input echoing personal data, a failed login, a reveal, a forbidden read.
			bad := map[string]any{"kind": "x", "summary": "Hờ Thị Súa", "reporter": map[string]any{"phone": "0977123456 gọi lại", "name": "Hờ Thị Súa"}}
			h.api(tok, "POST", "/api/v1/intake", bad)
			h.anon().postForm("/login", url.Values{"username": {"Hờ Thị Súa"}, "password": {"Mật khẩu sai của tôi"}})
			h.api(h.token(auth.RoleLeader), "GET", "/api/v1/intake/"+it.ID+"/reporter", nil)
			h.api(h.token(auth.RoleInvestigator), "GET", "/api/v1/intake/"+it.ID+"/reporter", nil)
			c := h.login(auth.RoleIntake)
			c.get("/intake?ref=Hờ+Thị+Súa")
			c.postForm("/intake/quick", url.Values{"summary": {"Sùng A Dình gọi điện"}, "reporter.name": {"Hờ Thị Súa"}, "reporter.phone": {"0977123456"}})
			out := logs.String()
			if !strings.Contains(out, `"route"`) || strings.Count(out, "\n") < 5 {
				t.Fatalf("nothing was logged:\n%s", out)
			}
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("the logs contain personal data %q", s)
				}
			}
		})
	}
}

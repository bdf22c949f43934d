package web

import "ctip/internal/httpx"

// adminRoutes are the administration pages (units, users, sessions, tokens)
// and the audit trail.
func (s *Server) adminRoutes() []httpx.Route { return nil }

package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type dashboardPage struct {
	adminPage
}

// handleDashboard is a community's first console page.
func (s *Server) handleDashboard(c echo.Context) error {
	return s.renderAdmin(c, http.StatusOK, "dashboard", dashboardPage{adminPage: s.adminPageFor(c, visitOf(c), "Dashboard", "dashboard")})
}

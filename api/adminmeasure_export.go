package api

import "github.com/labstack/echo/v4"

// The CSV exports of the Outcomes & measures page: the API's own
// handlers (GET …/stats and GET /measures/:id/history, with
// ?format=csv), reached with the console's session instead of an API key.
// A measure of another community is not found.

// handleMeasureHistoryExport answers a measure's history as the API does.
func (s *Server) handleMeasureHistoryExport(c echo.Context) error {
	if _, err := s.communityMeasure(c); err != nil {
		return err
	}
	return s.handleMeasureHistory(c)
}

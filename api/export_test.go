package api

import "github.com/labstack/echo/v4"

// Routes lists the registered routes, for the tests of the route table.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }

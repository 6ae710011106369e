package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Check-ins in the admin API: a community platform opens one when a
// session starts (and shows its code and link itself), lists them with
// who checked in, and closes one early.

type checkInRequest struct {
	Behaviour     string `json:"behaviour"`
	Title         string `json:"title"`
	WindowMinutes *int   `json:"windowMinutes"`
}

type checkInJSON struct {
	ID        string                `json:"id"`
	IssuerID  string                `json:"issuerId"`
	Code      string                `json:"code"`
	URL       string                `json:"url"`
	Behaviour string                `json:"behaviour"`
	Title     string                `json:"title"`
	OpensAt   time.Time             `json:"opensAt"`
	ClosesAt  time.Time             `json:"closesAt"`
	ClosedAt  *time.Time            `json:"closedAt,omitempty"`
	Open      bool                  `json:"open"`
	Count     int                   `json:"count"`
	Attendees []checkInAttendeeJSON `json:"attendees"`
}

type checkInAttendeeJSON struct {
	MemberID string    `json:"memberId"`
	Name     string    `json:"name"`
	At       time.Time `json:"at"`
}

func (s *Server) toCheckInJSON(ci *badges.CheckIn) checkInJSON {
	j := checkInJSON{ID: ci.ID, IssuerID: ci.IssuerID, Code: ci.Code, URL: s.checkInURL(ci.Code), Behaviour: ci.Behaviour,
		Title: ci.Title, OpensAt: ci.OpensAt.UTC(), ClosesAt: ci.ClosesAt.UTC(), Open: ci.OpenAt(s.now()), Count: ci.Count,
		Attendees: []checkInAttendeeJSON{}}
	if !ci.ClosedAt.IsZero() {
		at := ci.ClosedAt.UTC()
		j.ClosedAt = &at
	}
	for _, a := range ci.Attendees {
		j.Attendees = append(j.Attendees, checkInAttendeeJSON{MemberID: a.MemberID, Name: a.Name, At: a.At.UTC()})
	}
	return j
}

// handleCheckInCreate opens a check-in.
func (s *Server) handleCheckInCreate(c echo.Context) error {
	var req checkInRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	in := badges.CheckInInput{Behaviour: req.Behaviour, Title: req.Title}
	if req.WindowMinutes != nil {
		if *req.WindowMinutes <= 0 {
			return badges.FieldErrorf("windowMinutes", "windowMinutes must be from 5 to 1440.")
		}
		in.Window = time.Duration(*req.WindowMinutes) * time.Minute
	}
	ci, err := s.svc.CheckIns.Open(c.Request().Context(), c.Param("issuer"), in)
	if err != nil {
		if badges.ErrorField(err) == "window" {
			return badges.FieldErrorf("windowMinutes", "windowMinutes must be from 5 to 1440.")
		}
		return err
	}
	return created(c, "/api/v1/issuers/"+ci.IssuerID+"/checkins/"+ci.ID, s.toCheckInJSON(ci))
}

// handleCheckInList lists a community's latest check-ins, newest first.
func (s *Server) handleCheckInList(c echo.Context) error {
	list, err := s.svc.CheckIns.CheckInsOf(c.Request().Context(), c.Param("issuer"))
	if err != nil {
		return err
	}
	items := make([]checkInJSON, 0, len(list))
	for _, ci := range list {
		items = append(items, s.toCheckInJSON(ci))
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// handleCheckInCloseAPI closes a check-in now.
func (s *Server) handleCheckInCloseAPI(c echo.Context) error {
	ci, err := s.svc.CheckIns.Close(c.Request().Context(), c.Param("issuer"), c.Param("checkin"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.toCheckInJSON(ci))
}

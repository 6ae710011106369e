package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Check-ins from the member portal (/me/checkins): a leader — a member
// holding a badge that lets them lead — opens a check-in for a session
// they host, under their own name, and shows its page to the room: the
// QR code, the short code and who checked in. A leader sees only the
// check-ins they opened.

// errNotLeader refuses the page to a member who may not lead.
var errNotLeader = badges.Errorf(badges.EFORBIDDEN, "Only members holding a badge that lets them lead open check-ins.")

type meCheckInsPage struct {
	mePage
	Behaviours, Windows []choice
	TitleValue          string
	Form                formState
	Mine                []checkInRow
}

// leader is the signed-in member when they may lead.
func (s *Server) leader(c echo.Context) (*memberVisit, error) {
	v := memberOf(c)
	if !s.mayLead(c.Request().Context(), v) {
		return nil, errNotLeader
	}
	return v, nil
}

func (s *Server) handleMeCheckIns(c echo.Context) error {
	return s.renderMeCheckIns(c, http.StatusOK, "attended-session", "", "120", nil)
}

func (s *Server) renderMeCheckIns(c echo.Context, status int, behaviour, title, window string, failed error) error {
	v, err := s.leader(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := meCheckInsPage{mePage: s.mePageFor(c, v, "Check-ins", "checkins"), TitleValue: title}
	names, err := s.behaviourNames(ctx, v.Community.ID)
	if err != nil {
		return err
	}
	bs, err := s.svc.Catalogue.Behaviours(ctx, v.Community.ID)
	if err != nil {
		return err
	}
	for _, b := range bs {
		if !b.Retired {
			p.Behaviours = append(p.Behaviours, choice{Value: b.Key, Label: b.Name, Selected: b.Key == behaviour})
		}
	}
	for _, w := range checkInWindows {
		p.Windows = append(p.Windows, choice{Value: strconv.Itoa(w.minutes), Label: w.label, Selected: strconv.Itoa(w.minutes) == window})
	}
	all, err := s.svc.CheckIns.CheckInsOf(ctx, v.Community.ID)
	if err != nil {
		return err
	}
	for _, ci := range all {
		if ci.HostMemberID == v.Member.ID {
			p.Mine = append(p.Mine, s.checkInRow(ci, names))
		}
	}
	if failed != nil {
		p.Form.fail(failed, "title")
	}
	return s.renderPortal(c, status, "checkins", p)
}

// handleMeCheckInOpen opens a check-in in the leader's name.
func (s *Server) handleMeCheckInOpen(c echo.Context) error {
	v, err := s.leader(c)
	if err != nil {
		return err
	}
	behaviour, title, window := c.FormValue("behaviour"), c.FormValue("title"), c.FormValue("window")
	minutes, err := strconv.Atoi(window)
	if err != nil || minutes <= 0 {
		return s.renderMeCheckIns(c, http.StatusBadRequest, behaviour, title, window,
			badges.FieldErrorf("window", "Choose how long the check-in stays open."))
	}
	ci, err := s.svc.CheckIns.Open(c.Request().Context(), v.Community.ID, badges.CheckInInput{Behaviour: behaviour, Title: title,
		Window: time.Duration(minutes) * time.Minute, HostName: v.Member.DisplayName, HostMemberID: v.Member.ID})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderMeCheckIns(c, formFailStatus(err), behaviour, title, window, err)
	}
	s.portalFlash(c, "The check-in is open: show this page to the room.")
	return c.Redirect(http.StatusSeeOther, "/me/checkins/"+ci.ID)
}

// myCheckIn is a check-in the signed-in leader opened; any other is not
// found.
func (s *Server) myCheckIn(c echo.Context) (*memberVisit, *badges.CheckIn, error) {
	v, err := s.leader(c)
	if err != nil {
		return nil, nil, err
	}
	ci, err := s.svc.CheckIns.CheckIn(c.Request().Context(), v.Community.ID, c.Param("checkin"))
	if err == nil && ci.HostMemberID != v.Member.ID {
		err = badges.Errorf(badges.ENOTFOUND, "You opened no such check-in.")
	}
	return v, ci, err
}

type meCheckInPage struct {
	mePage
	Row checkInRow
	URL string
}

// handleMeCheckIn shows a leader's check-in for the room.
func (s *Server) handleMeCheckIn(c echo.Context) error {
	v, ci, err := s.myCheckIn(c)
	if err != nil {
		return err
	}
	names, err := s.behaviourNames(c.Request().Context(), ci.IssuerID)
	if err != nil {
		return err
	}
	p := meCheckInPage{mePage: s.mePageFor(c, v, ci.Title, "checkins"), Row: s.checkInRow(ci, names), URL: s.urls.Base() + "/checkin"}
	return s.renderPortal(c, http.StatusOK, "checkin", p)
}

// handleMeCheckInQR draws the QR code of a leader's check-in.
func (s *Server) handleMeCheckInQR(c echo.Context) error {
	_, ci, err := s.myCheckIn(c)
	if err != nil {
		return err
	}
	return s.serveCheckInQR(c, ci)
}

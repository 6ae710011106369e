package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/api/render"
	"github.com/laurel-badges/laurel/badges"
)

// Check-ins in the console: the community's check-ins, opening one for a
// behaviour with a title and a window, its page for the room (a large QR
// code and the short code, who checked in, refreshed as they do), and
// closing it early. Awarders may open and close them: they record
// activity.

// CheckIns is what the console and the check-in pages ask of check-ins.
type CheckIns interface {
	Open(ctx context.Context, issuerID string, in badges.CheckInInput) (*badges.CheckIn, error)
	CheckIn(ctx context.Context, issuerID, id string) (*badges.CheckIn, error)
	CheckInsOf(ctx context.Context, issuerID string) ([]*badges.CheckIn, error)
	Close(ctx context.Context, issuerID, id string) (*badges.CheckIn, error)
	FindByCode(ctx context.Context, raw, address string) (*badges.CheckIn, error)
	SendLink(ctx context.Context, ci *badges.CheckIn, email string) error
	LinkCheckIn(ctx context.Context, token string) (*badges.CheckIn, error)
	ConfirmLink(ctx context.Context, token string) (*badges.CheckIn, bool, error)
	Confirm(ctx context.Context, ci *badges.CheckIn, memberID string) (bool, error)
}

// checkInWindows are the windows the form offers, in minutes.
var checkInWindows = []struct {
	minutes int
	label   string
}{{30, "30 minutes"}, {60, "1 hour"}, {120, "2 hours"}, {180, "3 hours"}, {480, "8 hours"}, {1440, "24 hours"}}

// checkInRow is a check-in as the console shows it.
type checkInRow struct {
	*badges.CheckIn
	Behaviour string // its name
	Open      bool
	Closes    string // when it closes or closed, in words
}

// Latest are the listed attendees, newest first.
func (r checkInRow) Latest() []badges.CheckInAttendee {
	out := make([]badges.CheckInAttendee, len(r.Attendees))
	for i, a := range r.Attendees {
		out[len(out)-1-i] = a
	}
	return out
}

type checkInsPage struct {
	adminPage
	Rows []checkInRow
}

// handleCheckInsPage lists the community's check-ins, newest first.
func (s *Server) handleCheckInsPage(c echo.Context) error {
	ctx := c.Request().Context()
	v := visitOf(c)
	list, err := s.svc.CheckIns.CheckInsOf(ctx, v.Community.ID)
	if err != nil {
		return err
	}
	names, err := s.behaviourNames(ctx, v.Community.ID)
	if err != nil {
		return err
	}
	p := checkInsPage{adminPage: s.adminPageFor(c, v, "Check-ins", "checkins")}
	for _, ci := range list {
		p.Rows = append(p.Rows, s.checkInRow(ci, names))
	}
	return s.renderAdmin(c, http.StatusOK, "checkins", p)
}

func (s *Server) checkInRow(ci *badges.CheckIn, names map[string]string) checkInRow {
	row := checkInRow{CheckIn: ci, Behaviour: names[ci.Behaviour], Open: ci.OpenAt(s.now())}
	if row.Behaviour == "" {
		row.Behaviour = "A behaviour since removed"
	}
	row.Closes = closesWords(ci, s.now())
	return row
}

// closesWords says when a check-in closes or closed, for people.
func closesWords(ci *badges.CheckIn, now time.Time) string {
	end := ci.Ends().UTC()
	if ci.OpenAt(now) {
		return "Closes in " + badges.DurationWords(end.Sub(now)) + ", at " + end.Format("15:04") + " UTC"
	}
	return "Closed on " + end.Format(dateLayout) + " at " + end.Format("15:04") + " UTC"
}

type checkInNewPage struct {
	adminPage
	Behaviours, Windows []choice
	TitleValue          string
	Form                formState
}

// handleCheckInNewPage is the form that opens a check-in.
func (s *Server) handleCheckInNewPage(c echo.Context) error {
	return s.renderCheckInNew(c, http.StatusOK, "attended-session", "", strconv.Itoa(int(badges.DefaultCheckInWindow/time.Minute)), nil)
}

func (s *Server) renderCheckInNew(c echo.Context, status int, behaviour, title, window string, failed error) error {
	v := visitOf(c)
	p := checkInNewPage{adminPage: s.adminPageFor(c, v, "Open a check-in", "checkins"), TitleValue: title}
	bs, err := s.svc.Catalogue.Behaviours(c.Request().Context(), v.Community.ID)
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
	if failed != nil {
		p.Form.fail(failed, "title")
	}
	return s.renderAdmin(c, status, "checkin-new", p)
}

// handleCheckInNew opens a check-in and shows its page, ready for the room.
func (s *Server) handleCheckInNew(c echo.Context) error {
	v := visitOf(c)
	behaviour, title, window := c.FormValue("behaviour"), c.FormValue("title"), c.FormValue("window")
	minutes, err := strconv.Atoi(window)
	if err != nil || minutes <= 0 {
		return s.renderCheckInNew(c, http.StatusBadRequest, behaviour, title, window,
			badges.FieldErrorf("window", "Choose how long the check-in stays open."))
	}
	ci, err := s.svc.CheckIns.Open(c.Request().Context(), v.Community.ID, badges.CheckInInput{
		Behaviour: behaviour, Title: title, Window: time.Duration(minutes) * time.Minute, HostName: v.Account.Name})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderCheckInNew(c, formFailStatus(err), behaviour, title, window, err)
	}
	return s.redirectDone(c, fmt.Sprintf("%s/checkins/%s", v.adminBase(), ci.ID), "The check-in is open: show this page to the room.")
}

type checkInPage struct {
	adminPage
	Row     checkInRow
	URL     string // the page to type a code on
	Refresh bool
}

// handleCheckInPage shows a check-in for the room; while it is open, who
// checked in refreshes itself (htmx), and without JavaScript a link
// reloads the page.
func (s *Server) handleCheckInPage(c echo.Context) error {
	v := visitOf(c)
	ci, row, err := s.communityCheckIn(c)
	if err != nil {
		return err
	}
	p := checkInPage{adminPage: s.adminPageFor(c, v, ci.Title, "checkins"), Row: row, URL: s.urls.Base() + "/checkin", Refresh: row.Open}
	if c.Request().Header.Get("HX-Request") == "true" {
		return s.renderAdminPart(c, "checkin", "attendees", p)
	}
	return s.renderAdmin(c, http.StatusOK, "checkin", p)
}

// communityCheckIn is the community's check-in the path names, and its
// row as the console shows it.
func (s *Server) communityCheckIn(c echo.Context) (*badges.CheckIn, checkInRow, error) {
	ctx := c.Request().Context()
	community := visitOf(c).Community.ID
	ci, err := s.svc.CheckIns.CheckIn(ctx, community, c.Param("checkin"))
	if err != nil {
		return nil, checkInRow{}, err
	}
	names, err := s.behaviourNames(ctx, community)
	if err != nil {
		return nil, checkInRow{}, err
	}
	return ci, s.checkInRow(ci, names), nil
}

// checkInURL is the public page of a check-in code.
func (s *Server) checkInURL(code string) string { return s.urls.Base() + "/checkin/" + code }

// handleCheckInQR draws the QR code of a check-in's public page, for the
// room to scan. It depends only on the URL, so it is cached.
func (s *Server) handleCheckInQR(c echo.Context) error {
	ci, err := s.svc.CheckIns.CheckIn(c.Request().Context(), visitOf(c).Community.ID, c.Param("checkin"))
	if err != nil {
		return err
	}
	return s.serveCheckInQR(c, ci)
}

// serveCheckInQR serves the QR code of a check-in's page, privately.
func (s *Server) serveCheckInQR(c echo.Context, ci *badges.CheckIn) error {
	page := s.checkInURL(ci.Code)
	b, err := s.cache.images.get("qr|svg|"+page+"|640|1", func() ([]byte, error) {
		return render.QRSVG(page, 640, render.LevelMedium)
	})
	if err != nil {
		return err
	}
	return serveBlob(c, b, imageType("svg"), "private, max-age=3600")
}

type checkInClosePage struct {
	adminPage
	Row checkInRow
}

// handleCheckInClosePage asks before closing a check-in early.
func (s *Server) handleCheckInClosePage(c echo.Context) error {
	ci, row, err := s.communityCheckIn(c)
	if err != nil {
		return err
	}
	p := checkInClosePage{adminPage: s.adminPageFor(c, visitOf(c), "Close "+ci.Title, "checkins"), Row: row}
	return s.renderAdmin(c, http.StatusOK, "checkin-close", p)
}

// handleCheckInClose closes a check-in now.
func (s *Server) handleCheckInClose(c echo.Context) error {
	v := visitOf(c)
	ci, err := s.svc.CheckIns.Close(c.Request().Context(), v.Community.ID, c.Param("checkin"))
	if err != nil {
		return err
	}
	return s.redirectDone(c, fmt.Sprintf("%s/checkins/%s", v.adminBase(), ci.ID), "The check-in is closed: its code no longer works.")
}

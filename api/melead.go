package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Lead (/me/lead): a leader endorses a peer and nominates one for a badge,
// as themselves, within the day's limits (badges.Leaders). The peer is
// found by name and chosen from the results; the page then offers both
// forms for them. A member who leads nothing sees which badges make a
// leader, rather than a refusal.

// Leaders is what the portal's Lead page asks of badges.Leaders.
type Leaders interface {
	Leads(ctx context.Context, memberID string) (bool, error)
	Allowance(ctx context.Context, memberID string) (badges.LeaderAllowance, error)
	FindPeers(ctx context.Context, issuerID, leaderID, q string) ([]badges.Peer, bool, error)
	Peer(ctx context.Context, issuerID, leaderID, memberID string) (badges.Peer, error)
	Badges(ctx context.Context, issuerID string) ([]*badges.Achievement, error)
	Endorse(ctx context.Context, issuerID string, in badges.EndorseInput) (*badges.EndorseResult, error)
	Nominate(ctx context.Context, issuerID string, in badges.NominateInput) (*badges.Nomination, error)
}

type meLeadPage struct {
	mePage
	Leads        bool
	LeaderBadges []string // for a member who leads nothing: the badges that make a leader
	Allowance    badges.LeaderAllowance
	Query        string // the search for a peer, as typed
	Searched     bool
	Found        []badges.Peer
	More         bool // more members match than are listed
	Peer         *badges.Peer
	Badges       []choice // what the peer may be nominated for
	Note, Reason string   // as typed
	Endorse      formState
	Nominate     formState
}

// handleMeLead shows the Lead page: the search for a peer, or, with a
// peer chosen, the forms to endorse and nominate them.
func (s *Server) handleMeLead(c echo.Context) error {
	p, err := s.meLeadPageFor(c)
	if err != nil {
		return err
	}
	ctx, v := c.Request().Context(), memberOf(c)
	status := http.StatusOK
	switch id := c.QueryParam("peer"); {
	case !p.Leads:
	case id != "":
		peer, err := s.svc.Leaders.Peer(ctx, v.Member.IssuerID, v.Member.ID, id)
		if err != nil {
			return err // not found: no such member of the community
		}
		if err := s.choosePeer(ctx, &p, v.Member.IssuerID, peer, ""); err != nil {
			return err
		}
	default:
		p.Query = c.QueryParam("q")
		if p.Searched = p.Query != ""; p.Searched {
			p.Found, p.More, err = s.svc.Leaders.FindPeers(ctx, v.Member.IssuerID, v.Member.ID, p.Query)
		}
		if err != nil && !isFormError(err) {
			return err
		} else if err != nil {
			p.Endorse.fail(err, "q")
			status = http.StatusBadRequest
		}
	}
	return s.renderPortal(c, status, "lead", p)
}

// meLeadPageFor is the page's base: whether the member leads, and what
// they have left today or which badges would make them a leader.
func (s *Server) meLeadPageFor(c echo.Context) (meLeadPage, error) {
	ctx, v := c.Request().Context(), memberOf(c)
	p := meLeadPage{mePage: s.mePageFor(c, v, "Lead", "leaders")}
	var err error
	if p.Leads, err = s.svc.Leaders.Leads(ctx, v.Member.ID); err != nil {
		return p, err
	}
	if p.Leads {
		p.Allowance, err = s.svc.Leaders.Allowance(ctx, v.Member.ID)
		return p, err
	}
	all, err := s.svc.Leaders.Badges(ctx, v.Member.IssuerID)
	for _, a := range all {
		if a.GrantsLeadership {
			p.LeaderBadges = append(p.LeaderBadges, a.Name)
		}
	}
	return p, err
}

// choosePeer puts the peer and the badges to nominate them for on the
// page, badge selected.
func (s *Server) choosePeer(ctx context.Context, p *meLeadPage, issuerID string, peer badges.Peer, badge string) error {
	p.Peer = &peer
	all, err := s.svc.Leaders.Badges(ctx, issuerID)
	for _, a := range all {
		p.Badges = append(p.Badges, choice{Value: a.ID, Label: a.Name, Selected: a.ID == badge})
	}
	return err
}

// handleMeEndorse endorses the chosen peer as the signed-in leader.
func (s *Server) handleMeEndorse(c echo.Context) error {
	return s.meLeadAct(c, func(ctx context.Context, v *memberVisit, peer badges.Peer, p *meLeadPage) (string, error) {
		p.Note = c.FormValue("note")
		if _, err := s.svc.Leaders.Endorse(ctx, v.Member.IssuerID, badges.EndorseInput{EndorserID: v.Member.ID, MemberID: peer.ID, Note: p.Note}); err != nil {
			failOn(&p.Endorse, err, "note")
			return "", err
		}
		return "You endorsed " + peer.Name + ".", nil
	})
}

// handleMeNominate nominates the chosen peer for a badge as the
// signed-in leader.
func (s *Server) handleMeNominate(c echo.Context) error {
	return s.meLeadAct(c, func(ctx context.Context, v *memberVisit, peer badges.Peer, p *meLeadPage) (string, error) {
		p.Reason = c.FormValue("reason")
		in := badges.NominateInput{NominatorID: v.Member.ID, MemberID: peer.ID, AchievementID: c.FormValue("badge"), Note: p.Reason}
		if _, err := s.svc.Leaders.Nominate(ctx, v.Member.IssuerID, in); err != nil {
			failOn(&p.Nominate, err, "reason")
			return "", err
		}
		return "You nominated " + peer.Name + "; " + v.Community.Name + " will decide, and " + peer.Name + " hears the outcome.", nil
	})
}

// meLeadAct does one of the page's actions for the peer the form names:
// on success it leaves a message saying what is left today and goes
// back to the page; a problem with the form shows it again, as typed.
func (s *Server) meLeadAct(c echo.Context, act func(context.Context, *memberVisit, badges.Peer, *meLeadPage) (string, error)) error {
	ctx, v := c.Request().Context(), memberOf(c)
	peer, err := s.svc.Leaders.Peer(ctx, v.Member.IssuerID, v.Member.ID, c.FormValue("peer"))
	if err != nil {
		return err
	}
	p := meLeadPage{Leads: true}
	done, err := act(ctx, v, peer, &p)
	if err == nil {
		a, aerr := s.svc.Leaders.Allowance(ctx, v.Member.ID)
		if aerr != nil {
			return aerr
		}
		s.portalFlash(c, done+" "+leftToday(a))
		return c.Redirect(http.StatusSeeOther, "/me/lead?peer="+url.QueryEscape(peer.ID))
	}
	if !isFormError(err) && badges.ErrorCode(err) != badges.ETOOMANY {
		return err
	}
	base, berr := s.meLeadPageFor(c)
	if berr != nil {
		return berr
	}
	p.mePage, p.Allowance = base.mePage, base.Allowance
	if err := s.choosePeer(ctx, &p, v.Member.IssuerID, peer, c.FormValue("badge")); err != nil {
		return err
	}
	return s.renderPortal(c, statusOf[badges.ErrorCode(err)], "lead", p)
}

// failOn records err on the form: on the badge's choice when it is about
// the badge, else on its text field, where the summary links (the peer
// and the leader are no fields of the form).
func failOn(f *formState, err error, text string) {
	f.fail(err, text)
	if last := &f.Errors[len(f.Errors)-1]; last.Field == "achievementId" {
		last.Field = "badge"
	} else {
		last.Field = text
	}
}

// leftToday says what a leader has left today, in words.
func leftToday(a badges.LeaderAllowance) string {
	return strconv.Itoa(a.Endorsements.Left()) + " of " + strconv.Itoa(a.Endorsements.Limit) + " endorsements and " +
		strconv.Itoa(a.Nominations.Left()) + " of " + strconv.Itoa(a.Nominations.Limit) + " nominations left today."
}

// receivedEndorsement is an endorsement the member received, as My
// badges lists it.
type receivedEndorsement struct {
	From, Note string
	When       shownDate
}

// endorsementsReceived are the latest endorsements the member received,
// for My badges, with how many they have in all.
func (s *Server) endorsementsReceived(ctx context.Context, memberID string) ([]receivedEndorsement, int, error) {
	es, total, err := s.svc.Recognition.EndorsementsReceived(ctx, memberID, endorsementsShown)
	out := make([]receivedEndorsement, len(es))
	for i, e := range es {
		out[i] = receivedEndorsement{From: e.From, Note: e.Note, When: dateOf("Endorsed on", e.At)}
	}
	return out, total, err
}

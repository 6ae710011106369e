package api

import (
	"context"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/issuer"
)

// mePage is what every portal page carries: the member shown and their
// community (its name, logo and accent lead the page), the other
// communities the session covers, the navigation item the page belongs
// to, the session's CSRF token for forms, and a message left by the
// previous step. Portal pages embed it and fill their own fields.
type mePage struct {
	Title       string
	Section     string // "badges", "progress", "leaders", "data": the navigation item marked
	Member      string // the member's display name; "" on the sign-in pages
	Community   *communityBrand
	Communities []memberCommunity // more than one: the switcher
	MayLead     bool              // the member holds a badge that lets them lead: the Leaders item shows
	CSRF        string
	Flash       string
}

// communityBrand is what leads a community's pages, public and portal.
type communityBrand struct {
	ID, Name string
	URL      string // the community's public home page
	LogoURL  string // "" without a logo
	ThemeURL string // the stylesheet of its accent colour (theme.go)
}

// memberCommunity is one community of the switcher.
type memberCommunity struct {
	MemberID, Name string
	Current        bool
}

// mePageFor is the base of a page for a signed-in member (v nil: a
// visitor, as on the sign-in pages).
func (s *Server) mePageFor(c echo.Context, v *memberVisit, title, section string) mePage {
	p := mePage{Title: title, Section: section, Flash: s.takePortalFlash(c)}
	if v == nil {
		return p
	}
	ctx := c.Request().Context()
	p.Member, p.CSRF = v.Member.DisplayName, v.Session.CSRF
	p.Community = s.brandOf(v.Community)
	if len(v.Members) > 1 {
		for _, m := range v.Members {
			name := m.IssuerID
			if prof, err := s.profile(ctx, m.IssuerID); err == nil {
				name = prof.Name
			}
			p.Communities = append(p.Communities, memberCommunity{MemberID: m.ID, Name: name, Current: m.ID == v.Member.ID})
		}
	}
	p.MayLead = s.mayLead(ctx, v)
	return p
}

// guestMePage is the base of the portal's sign-in pages.
func (s *Server) guestMePage(c echo.Context, title string) mePage {
	return mePage{Title: title, CSRF: s.guestToken(c), Flash: s.takePortalFlash(c)}
}

func (s *Server) brandOf(p *issuer.Profile) *communityBrand {
	b := &communityBrand{ID: p.ID, Name: p.Name, URL: s.urls.Issuer(p.ID), ThemeURL: themeURL(p)}
	if p.Image != nil {
		b.LogoURL = s.urls.Image(*p.Image)
	}
	return b
}

// mayLead reports whether the member holds a badge that grants leadership
// (badges.Leaders: their showcase, then the badges they hold). An error
// hides the item rather than breaking every page.
func (s *Server) mayLead(ctx context.Context, v *memberVisit) bool {
	leads, err := s.svc.Leaders.Leads(ctx, v.Member.ID)
	if err != nil {
		s.log.Warn("read whether a member leads", "err", err)
	}
	return leads
}

// renderPortal renders a portal page.
func (s *Server) renderPortal(c echo.Context, status int, name string, data any) error {
	return s.renderPrivate(c, status, "me/"+name, data)
}

// portalFlashCookie holds one message for the next portal page.
const portalFlashCookie = "laurel-member-flash"

// portalFlash leaves a message for the next portal page the visitor sees.
func (s *Server) portalFlash(c echo.Context, msg string) {
	s.setCookie(c, portalFlashCookie, url.QueryEscape(msg), "/me")
}

// takePortalFlash reads the message left for this page, and clears it.
func (s *Server) takePortalFlash(c echo.Context) string {
	cookie, err := c.Cookie(portalFlashCookie)
	if err != nil || cookie.Value == "" {
		return ""
	}
	s.setCookie(c, portalFlashCookie, "", "/me")
	msg, err := url.QueryUnescape(cookie.Value)
	if err != nil || len(msg) > 300 {
		return ""
	}
	return msg
}

package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// The front door (/) is what the address Laurel prints at start opens:
// the public communities on this Laurel, each with its figures, and how
// to check a badge. When exactly one community is public a visitor came
// for it, so the front door sends them to its page, which carries its
// brand (a redirect that may change as communities come: 302, not 301).

type frontDoorPage struct {
	page
	Communities []communityCard
}

// communityCard is a community as the front door shows it, its figures
// in words.
type communityCard struct {
	communitySummary
	Initial      string // shown when it has no logo
	BadgesText   string // "12 badges"
	AwardedText  string // "1,204 awarded"
	PublicText   string // "87 public profiles"
	HasDirectory bool
}

func (s *Server) handleFrontDoor(c echo.Context) error {
	cs, err := s.publicCommunities(c.Request().Context())
	if err != nil {
		return err
	}
	if len(cs) == 1 {
		c.Response().Header().Set("Cache-Control", "no-cache")
		return c.Redirect(http.StatusFound, cs[0].URL)
	}
	d := frontDoorPage{page: page{Title: "Communities and their badges", CanonicalURL: s.urls.Base() + "/",
		Description: "The communities that award Open Badges on this Laurel, and how to check a badge."}}
	for _, x := range cs {
		d.Communities = append(d.Communities, communityCard{communitySummary: x, Initial: initial(x.Name),
			BadgesText: nounCount(x.Badges, "badge", "badges"), AwardedText: thousands(x.Awarded) + " awarded",
			PublicText: nounCount(x.Public, "public profile", "public profiles"), HasDirectory: x.Public > 0})
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=5")
	s.setLaurelPreview(&d.page)
	return s.renderPage(c, http.StatusOK, "frontdoor", d)
}

package api

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

const mimeLDJSON = "application/ld+json"

// recentHoldersShown bounds the recipients an achievement page names.
const recentHoldersShown = 12

// wantsLD reports whether a public document was asked for as JSON-LD.
func wantsLD(c echo.Context) bool {
	return negotiate(c.Request().Header.Get("Accept"), "text/html", mimeLDJSON, echo.MIMEApplicationJSON) != "text/html"
}

func (s *Server) writeLD(c echo.Context, v any) error {
	c.Response().Header().Set("Vary", "Accept")
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	c.Response().Header().Set(echo.HeaderContentType, mimeLDJSON)
	c.Response().WriteHeader(http.StatusOK)
	return jsonEncode(c.Response(), v)
}

type issuerPage struct {
	page
	Issuer struct{ Name, Description, URL, Email, ImageURL string }
	Levels []levelGroup
	Count  int
	// The community's figures in words, and where its people are shown.
	Figures                  []figure
	SpotlightURL, MembersURL string
}

// figure is one of a community's numbers, the number apart from its noun
// so that the number can be set large.
type figure struct{ Number, Noun string }

func (s *Server) handleIssuerPublic(c echo.Context) error {
	if wantsLD(c) {
		// The profile as the controller document of the issuer's keys.
		c.Response().Header().Set("Vary", "Accept")
		return s.servePublished(c, c.Request().URL.Path, "no-cache")
	}
	ctx := c.Request().Context()
	p, err := s.profile(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	cs, achievements, err := s.communityOf(ctx, p)
	if err != nil {
		return err
	}
	var d issuerPage
	d.Title, d.Description, d.CanonicalURL, d.JSONURL = p.Name, p.Description, s.urls.Issuer(p.ID), s.urls.Issuer(p.ID)
	d.Brand = s.brandOf(p)
	if d.Description == "" {
		d.Description = fmt.Sprintf("%s awards Open Badges with Laurel.", p.Name)
	}
	d.Issuer.Name, d.Issuer.Description, d.Issuer.URL, d.Issuer.Email = p.Name, p.Description, p.URL, p.Email
	if p.Image != nil {
		d.Issuer.ImageURL = s.urls.Image(*p.Image)
	}
	setPreview(&d.page, s.urls.Issuer(p.ID)+previewSuffix, "The badges of "+p.Name)
	levels := make([]string, len(achievements))
	cards := make([]badgeCard, len(achievements))
	for i, a := range achievements {
		levels[i] = a.Level
		cards[i] = badgeCard{Name: a.Name, URL: s.urls.Achievement(a.ID), ImageURL: s.urls.Image(a.Image),
			ImageAlt: "", Description: oneLine(a.Description)}
	}
	d.Levels, d.Count = groupByLevel(levels, cards), len(cards)
	d.Figures = communityFigures(cs)
	d.SpotlightURL = cs.SpotlightURL
	if cs.Public > 0 {
		d.MembersURL = cs.DirectoryURL
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=5")
	return s.renderPage(c, http.StatusOK, "issuer", d)
}

// communityFigures are the figures a community page leads with.
func communityFigures(cs communitySummary) []figure {
	word := func(n int, one, many string) figure {
		if n == 1 {
			return figure{"1", one}
		}
		return figure{thousands(n), many}
	}
	return []figure{word(cs.Members, "member", "members"), word(cs.Awarded, "badge awarded", "badges awarded"),
		word(cs.Badges, "badge to earn", "badges to earn"), word(cs.Public, "public profile", "public profiles")}
}

type achievementPage struct {
	page
	Achievement struct {
		Name, Description, Type, Level, ImageURL string
		Criteria                                 template.HTML
		Version                                  int
		Tags                                     []string
		Alignments                               []badges.Alignment
	}
	IssuerName, IssuerURL string
	Earned                int
	Holders               []holder
	HoldersURL            string // every consenting holder, page by page
	Pathway               pathway
}

// handleAchievementPublic shows an active achievement. Drafts are not
// public yet and archived ones no longer are.
func (s *Server) handleAchievementPublic(c echo.Context) error {
	ctx := c.Request().Context()
	a, p, err := s.publicAchievement(ctx, c.Param("achievement"))
	if err != nil {
		return err
	}
	if wantsLD(c) {
		return s.writeLD(c, s.urls.OB3Achievement(a, p))
	}
	d := s.achievementPage(a, p)
	sc, err := s.svc.Issuing.AchievementShowcase(ctx, a.ID)
	if err != nil {
		return err
	}
	d.Earned = sc.Earned
	if d.Holders, err = s.recentHolders(ctx, sc, recentHoldersShown); err != nil {
		return err
	}
	if d.Pathway, err = s.achievementPathway(ctx, a); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=5")
	return s.renderPage(c, http.StatusOK, "achievement", d)
}

// publicAchievement reads an achievement a public page may show, with its
// issuer: only an active one.
func (s *Server) publicAchievement(ctx context.Context, id string) (*badges.Achievement, *issuer.Profile, error) {
	a, err := s.achievement(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if a.Status != badges.StatusActive {
		return nil, nil, badges.Errorf(badges.ENOTFOUND, "No achievement with id %q.", a.ID)
	}
	p, err := s.profile(ctx, a.IssuerID)
	if err != nil {
		return nil, nil, err
	}
	return a, p, nil
}

// EarnedText says how many members hold the badge, in words: "Earned by
// 1,204 members."
func (d achievementPage) EarnedText() string {
	switch n := d.Earned; n {
	case 0:
		return "Nobody has earned this badge yet."
	case 1:
		return "Earned by 1 member."
	default:
		return "Earned by " + thousands(n) + " members."
	}
}

func (s *Server) achievementPage(a *badges.Achievement, p *issuer.Profile) achievementPage {
	var d achievementPage
	d.Title, d.Description = a.Name, a.Description
	d.CanonicalURL, d.JSONURL = s.urls.Achievement(a.ID), s.urls.Achievement(a.ID)
	d.Brand = s.brandOf(p)
	setPreview(&d.page, s.urls.Achievement(a.ID)+previewSuffix, "The "+a.Name+" badge of "+p.Name)
	x := &d.Achievement
	x.Name, x.Description, x.Type, x.Level = a.Name, a.Description, a.AchievementType, a.Level
	x.Criteria = renderMarkdown(a.Criteria)
	x.ImageURL, x.Version, x.Tags, x.Alignments = s.urls.Image(a.Image), a.Version, a.Tags, slices.Clone(a.Alignments)
	for _, o := range a.Outcomes {
		x.Alignments = append(x.Alignments, badges.Alignment{TargetName: o.Name, TargetURL: s.urls.Outcome(o.ID), TargetType: badges.OutcomeTargetType})
	}
	d.IssuerName, d.IssuerURL = p.Name, s.urls.Issuer(p.ID)
	d.HoldersURL = s.urls.Achievement(a.ID) + "/holders"
	return d
}

var imageFile = regexp.MustCompile(`^([0-9a-f]{64})\.(png|svg)$`)

// handleImage serves a stored image. Names are content hashes, so the
// answer never changes and is cached for a year. SVGs are sandboxed in case
// one slipped past validation.
func (s *Server) handleImage(c echo.Context) error {
	m := imageFile.FindStringSubmatch(c.Param("file"))
	if m == nil {
		return badges.Errorf(badges.ENOTFOUND, "No image %q.", c.Param("file"))
	}
	img, err := s.svc.Images.Image(c.Request().Context(), m[1])
	if err != nil {
		return err
	}
	if !strings.HasSuffix(string(img.Format), m[2]) && !(m[2] == "svg" && img.Format == badges.ImageSVG) {
		return badges.Errorf(badges.ENOTFOUND, "No image %q.", c.Param("file"))
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
	return c.Blob(http.StatusOK, string(img.Format), img.Data)
}

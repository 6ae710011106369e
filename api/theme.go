package api

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/issuer"
)

// A community's accent reaches its pages as a stylesheet, public like the
// accent itself: the strict content security policy allows no inline
// style. It sets
//
//	--brand, --brand-ink   the accent as a background and the text on it
//	--brand-text           the accent as text on the page, readable at 4.5:1
//	--accent, --accent-ink the same, for the rules laurel.css and me.css
//	                       already write with Laurel's own accent
//
// --brand-text differs by scheme: darkened on the light page, lightened
// on the dark one, until it reads on the page, its cards and its soft
// panels alike (issuer.Accent.TextOn).

// The backgrounds accent text is written on, as laurel.css sets them
// (--bg, --card, --soft); TestTheme_BackgroundsMatchStylesheet keeps them
// in step.
var (
	lightBackgrounds = []string{"#f4f6f9", "#ffffff", "#eef2f6"}
	darkBackgrounds  = []string{"#11151c", "#181d26", "#212835"}
)

// themeURL is the address of a community's stylesheet. Its query names
// the accent, so that a changed accent is a new address and the
// stylesheet may be cached as long as a static file.
func themeURL(p *issuer.Profile) string {
	v := strings.TrimPrefix(p.AccentColor, "#")
	if v == "" {
		v = "laurel"
	}
	return "/issuers/" + url.PathEscape(p.ID) + "/theme.css?v=" + url.QueryEscape(v)
}

// handleTheme serves a community's stylesheet (see above). A community
// without an accent keeps Laurel's colours, which laurel.css sets for
// both schemes.
func (s *Server) handleTheme(c echo.Context) error {
	p, err := s.profile(c.Request().Context(), c.Param("issuer"))
	if err != nil {
		return err
	}
	css, err := themeCSS(p.AccentColor)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return serveBlob(c, newBlob([]byte(css)), "text/css; charset=utf-8", "")
}

// themeCSS is the stylesheet of an accent ("" for Laurel's own).
func themeCSS(color string) (string, error) {
	if color == "" {
		return fmt.Sprintf(":root { --brand: %s; --brand-ink: #ffffff; }\n", laurelAccent), nil
	}
	a, err := issuer.ParseAccent(color)
	if err != nil {
		return "", err
	}
	light, err := accentText(a, lightBackgrounds)
	if err != nil {
		return "", err
	}
	dark, err := accentText(a, darkBackgrounds)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(":root { --brand: %s; --brand-ink: %s; %s }\n@media (prefers-color-scheme: dark) {\n  :root { %s }\n}\n",
		a.Color, a.Text, light, dark), nil
}

// accentText is the accent's text colour on one scheme's backgrounds, as
// declarations, with the text colour that reads on it as a background
// (buttons and pills).
func accentText(a issuer.Accent, backgrounds []string) (string, error) {
	t, err := a.TextOn(backgrounds...)
	if err != nil {
		return "", err
	}
	on, err := issuer.ParseAccent(t.Color)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("--brand-text: %s; --accent: %s; --accent-ink: %s;", t.Color, t.Color, on.Text), nil
}

package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// directoryPageSize is how many members one page of a community's public
// directory lists.
const directoryPageSize = 60

type directoryPage struct {
	page
	Community  communitySummary
	Query      string // the search as typed
	Members    []directoryEntry
	Total      int    // members listed in the whole directory
	Shown      string // "1–60 of 1,204", or what the search found
	Prev, Next string // links to the neighbouring pages; "" at either end
}

type directoryEntry struct{ Name, URL, Initial string }

// handleDirectory lists a community's members who chose a public profile,
// by name, in pages; ?q= keeps those whose name contains it (case and
// accents folded), ?page= picks a page. Nobody else is listed or counted.
func (s *Server) handleDirectory(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.profile(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	n, err := pageNumber(c.QueryParam("page"))
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(c.QueryParam("q"))
	q, err := badges.CheckQuery(raw)
	if err != nil {
		return err
	}
	all, err := s.directory(ctx, p.ID)
	if err != nil {
		return err
	}
	found := matchingNames(all, q)
	d := directoryPage{Query: raw, Total: len(all)}
	d.Title, d.CanonicalURL, d.Brand = "Members of "+p.Name, s.urls.Issuer(p.ID)+"/members", s.brandOf(p)
	d.Description = fmt.Sprintf("Members of %s who chose to show their badges publicly.", p.Name)
	d.Community = communitySummary{ID: p.ID, Name: p.Name, URL: s.urls.Issuer(p.ID)}
	start := min((n-1)*directoryPageSize, len(found))
	end := min(start+directoryPageSize, len(found))
	for _, m := range found[start:end] {
		d.Members = append(d.Members, directoryEntry{Name: m.Name, URL: s.urls.Member(m.Slug), Initial: initial(m.Name)})
	}
	d.Shown = shownRange(start, end, len(found), q != "")
	if n > 1 && start > 0 {
		d.Prev = directoryLink(d.CanonicalURL, n-1, raw)
	}
	if end < len(found) {
		d.Next = directoryLink(d.CanonicalURL, n+1, raw)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=5")
	return s.renderPage(c, http.StatusOK, "directory", d)
}

// matchingNames keeps the members whose folded name contains q (all of
// them for "").
func matchingNames(all []badges.ListedMember, q string) []badges.ListedMember {
	if q == "" {
		return all
	}
	var found []badges.ListedMember
	for _, m := range all {
		if strings.Contains(m.Key, q) {
			found = append(found, m)
		}
	}
	return found
}

// pageNumber reads ?page=: a whole number from 1, 1 when absent.
func pageNumber(v string) (int, error) {
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, badges.FieldErrorf("page", "The query parameter \"page\" must be a whole number from 1, such as 2; %q is not.", v)
	}
	return n, nil
}

// shownRange says which members a page shows, in words.
func shownRange(start, end, total int, search bool) string {
	switch {
	case total == 0 && search:
		return "No member's name matches this search."
	case total == 0:
		return "No member has chosen a public profile yet."
	case start == end:
		return fmt.Sprintf("This page is past the end of the list of %s.", nounCount(total, "member", "members"))
	case search:
		return fmt.Sprintf("%s–%s of %s matching this search", thousands(start+1), thousands(end), nounCount(total, "member", "members"))
	}
	return fmt.Sprintf("%s–%s of %s", thousands(start+1), thousands(end), nounCount(total, "member", "members"))
}

// directoryLink is the address of another page of the directory at base.
func directoryLink(base string, n int, q string) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

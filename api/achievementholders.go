package api

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

const (
	// holdersPerPage is how many holders one page of an achievement's
	// holders names.
	holdersPerPage = 50
	// holderScanPages bounds the credential-index pages a holders list
	// reads (MaxPageSize credentials each), so a very popular badge costs a
	// bounded request; holders beyond are not listed.
	holderScanPages = 100
)

// holder is a recipient an achievement page names, with their profile.
type holder struct {
	Name, ProfileURL, CredentialURL, Date string
	credentialID                          string
	earned                                time.Time // for the order of a list
}

type holdersPage struct {
	page
	Achievement       pathwayStep
	IssuerName        string
	IssuerURL         string
	Holders           []holder
	Range             string // "1–50 of 1,204"
	PrevURL, NextURL  string
	PageNumber, Pages int
}

// handleAchievementHolders lists every member who holds an active
// achievement and consents to be named, the most recently issued first, a page at a time.
// A credential its member keeps off their profile is not listed.
func (s *Server) handleAchievementHolders(c echo.Context) error {
	ctx := c.Request().Context()
	n, err := pageParam(c)
	if err != nil {
		return err
	}
	a, p, err := s.publicAchievement(ctx, c.Param("achievement"))
	if err != nil {
		return err
	}
	all, err := s.consentingHolders(ctx, a)
	if err != nil {
		return err
	}
	pages := max(1, (len(all)+holdersPerPage-1)/holdersPerPage)
	if n > pages {
		return badges.FieldErrorf("page", "The query parameter \"page\" is %d, but there are only %d pages of holders.", n, pages)
	}
	d := holdersPage{Achievement: s.pathwayStep(a), IssuerName: p.Name, IssuerURL: s.urls.Issuer(p.ID), PageNumber: n, Pages: pages}
	from, to := (n-1)*holdersPerPage, min(n*holdersPerPage, len(all))
	d.Holders = all[from:to]
	if len(all) > 0 {
		d.Range = fmt.Sprintf("%s–%s of %s", thousands(from+1), thousands(to), thousands(len(all)))
	}
	base := s.urls.Achievement(a.ID) + "/holders"
	if n > 1 {
		d.PrevURL = base + pageQuery(n-1)
	}
	if n < pages {
		d.NextURL = base + pageQuery(n+1)
	}
	d.Title = "Holders of " + a.Name
	d.Description = fmt.Sprintf("Members of %s who earned the %s badge.", p.Name, a.Name)
	d.CanonicalURL, d.Brand = base+pageQuery(n), s.brandOf(p)
	c.Response().Header().Set("Cache-Control", "no-cache") // consent can be withdrawn at any time
	return s.renderPage(c, http.StatusOK, "holders", d)
}

// pageParam reads the page number of a paginated public page: 1 when absent.
func pageParam(c echo.Context) (int, error) {
	v := c.QueryParam("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badges.FieldErrorf("page", "The query parameter \"page\" must be a page number, 1 or more, not %q.", v)
	}
	return n, nil
}

// pageQuery is the query of page n; the first page has none, so it has
// one address.
func pageQuery(n int) string {
	if n == 1 {
		return ""
	}
	return "?page=" + strconv.Itoa(n)
}

// consentingHolders lists the holders of a's valid credentials who
// consent to be named and list the credential, those who earned it most
// recently first, from the community's credential index.
func (s *Server) consentingHolders(ctx context.Context, a *badges.Achievement) ([]holder, error) {
	f := issuer.CredentialFilter{IssuerID: a.IssuerID, AchievementID: a.ID, Status: issuer.CredentialActive, At: s.now(),
		ListOptions: badges.ListOptions{Limit: badges.MaxPageSize}}
	var out []holder
	for range holderScanPages {
		page, err := s.svc.Issuing.Credentials(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Items {
			h, err := s.namedHolder(ctx, e.MemberID, e.ID)
			if err != nil {
				return nil, err
			}
			if h != nil {
				out = append(out, *h)
			}
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	slices.SortStableFunc(out, func(x, y holder) int {
		return cmp.Or(y.earned.Compare(x.earned), strings.Compare(y.credentialID, x.credentialID))
	})
	return out, nil
}

// namedHolder is the holder of a credential as a public page names them,
// or nil when the member does not consent or keeps the credential off
// their profile.
func (s *Server) namedHolder(ctx context.Context, memberID, credentialID string) (*holder, error) {
	m, err := s.publicMember(ctx, memberID)
	if err != nil || m == nil {
		return nil, err
	}
	v, err := s.shownVisibility(ctx, credentialID)
	if err != nil || !v.Listed() {
		return nil, err
	}
	earned, err := s.earnedAt(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	return &holder{Name: m.DisplayName, ProfileURL: s.urls.Member(m.Slug), CredentialURL: s.urls.Credential(credentialID),
		Date: earned.Format(dateLayout), credentialID: credentialID, earned: earned}, nil
}

// earnedAt is when a credential was earned (its awardedDate, as its page
// says), which the credential index does not keep. It never changes, so
// it is kept apart from the credentials themselves: a list of thousands of
// holders does not push the credential pages' records out of their cache.
func (s *Server) earnedAt(ctx context.Context, credentialID string) (time.Time, error) {
	return s.cache.earned.get(credentialID, func() (time.Time, error) {
		cred, err := s.svc.Issuing.Credential(ctx, credentialID)
		if err != nil {
			return time.Time{}, err
		}
		return cred.Earned(), nil
	})
}

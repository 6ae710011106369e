package api

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Query parameters are strict, as JSON fields are: a request naming one
// its route does not take is a 400 that names it, and so is one given
// twice. A route takes none unless it is declared here, so a route added
// without a declaration refuses every parameter, and one declared here
// but missing from the route table stops the server from starting.
//
// Links to public pages are shared, and sites and mail tools append
// tracking parameters to them (utm_source, LinkedIn's trk, fbclid, …):
// public GET routes ignore those (see tracking), so that a shared link
// still opens. Everywhere else they are refused like any other.

// paged are the parameters of a paginated list, and extra.
func paged(extra ...string) []string { return append([]string{"limit", "cursor"}, extra...) }

// queryParams says which query parameters each route takes, by method and
// path as in the route table.
func queryParams() map[string][]string {
	return map[string][]string{
		// A spotlight's social preview, scoped as the page is.
		"GET /issuers/:issuer/spotlight/preview.png": {"cohort"},

		"GET /credentials/:credential/qr.png":  {"size", "level"},
		"GET /credentials/:credential/qr.svg":  {"size", "level"},
		"GET /verify":                          {"credential", "email"},
		"GET /admin/login":                     {"next"},
		"POST /api/v1/verify":                  {"email"},
		"GET /admin/c/:issuer/badges":          {"status", "q", "cursor"},
		"GET /admin/c/:issuer/badges/preview":  {"badge"},
		"GET /admin/c/:issuer/badges/art.svg":  {"name", "level"},
		"GET /admin/c/:issuer/members":         {"q", "cohort", "cursor", "from"},
		"GET /admin/c/:issuer/members/:member": {"cursor", "from"},
		// An e-mail's wording as typed, previewed; an unsubscribe link's address key.
		"GET /admin/c/:issuer/settings/emails/:kind/preview":      {"subject", "opening"},
		"GET /admin/c/:issuer/settings/emails/:kind/preview.html": {"subject", "opening"},
		"GET /mail/unsubscribe/:issuer/:code":                     {"a"},
		"POST /mail/unsubscribe/:issuer/:code":                    {"a"},
		"POST /mail/resubscribe/:issuer/:code":                    {"a"},

		// A credential offer, with or without an e-mailed transaction code.
		"GET /wallet/:credential/:code/oid4vci": {"tx_code"},

		"GET /api/v1/issuers":                         paged(),
		"GET /api/v1/issuers/:issuer/achievements":    paged("status"),
		"GET /api/v1/issuers/:issuer/credentials":     paged("member", "achievement", "status", "from", "to"),
		"GET /api/v1/issuers/:issuer/members":         paged("email", "q"),
		"POST /api/v1/issuers/:issuer/members/import": {"dryRun"},
		"GET /api/v1/issuers/:issuer/nominations":     {"status", "kind"},
		"GET /api/v1/issuers/:issuer/stats":           {"weeks", "cohort", "format"},
		"GET /api/v1/apikeys":                         paged(),

		// Webhooks' delivery logs, in the API and the console.
		"GET /api/v1/issuers/:issuer/webhooks/:webhook/deliveries": paged(),
		"GET /admin/c/:issuer/integrations/webhooks/:webhook":      {"cursor", "from"},

		"GET /issuers/:issuer/spotlight":            {"cohort"},
		"GET /achievements/:achievement/holders":    {"page"},
		"GET /issuers/:issuer/theme.css":            {"v"},
		"GET /me/theme/:issuer":                     {"v"},
		"GET /issuers/:issuer/members":              {"page", "q"},
		"GET /api/v1/issuers/:issuer/cohorts":       {"archived"},
		"GET /api/v1/cohorts/:cohort/members":       paged(),
		"GET /api/v1/issuers/:issuer/outcomes":      {"status"},
		"GET /api/v1/measures/:measure/history":     {"periods", "format"},
		"GET /api/v1/issuers/:issuer/quiet-members": paged("weeks", "cohort"),
		"GET /api/v1/members/:member/activities":    paged(),
		"GET /api/v1/issuers/:issuer/reviews":       {"status"},
		"GET /api/v1/issuers/:issuer/reevaluations": paged(),

		"GET /admin/c/:issuer/awards":                    paged("member", "achievement", "status", "from", "to", "start"),
		"GET /admin/c/:issuer/awards/new":                {"q", "member", "achievement"},
		"GET /admin/c/:issuer/activity/new":              {"q", "member"},
		"GET /admin/c/:issuer":                           {"cohort"},
		"GET /admin/c/:issuer/quiet-members":             {"cursor", "from", "cohort"},
		"GET /admin/c/:issuer/messages":                  {"cursor", "from"},
		"GET /admin/c/:issuer/nominations":               {"status", "kind"},
		"GET /admin/c/:issuer/spotlight":                 {"q"},
		"GET /admin/c/:issuer/cohorts":                   {"archived"},
		"GET /admin/c/:issuer/cohorts/:cohort":           {"q", "cursor", "from"},
		"GET /admin/c/:issuer/measures/:measure/history": {"periods", "format"},
		"GET /admin/c/:issuer/export/stats":              {"weeks", "cohort", "format"},

		"GET /me/lead": {"q", "peer"},

		// A meeting's participant report (attendance.go).
		"POST /api/v1/issuers/:issuer/activities/attendance": {"behaviour", "minMinutes", "createMembers", "dryRun"},
	}
}

// trackingPrefixes and trackingNames are the tracking parameters public
// GET routes ignore.
var (
	trackingPrefixes = []string{"utm_"}
	trackingNames    = []string{"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "trk", "trkInfo", "li_fat_id"}
)

func tracking(name string) bool {
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return slices.Contains(trackingNames, name)
}

// checkQueryParams refuses a declaration for a route the table does not
// have: it would declare parameters for nothing, most likely for a route
// whose path was changed.
func checkQueryParams(declared map[string][]string, routes map[string]route) error {
	for key := range declared {
		if _, ok := routes[key]; !ok {
			return fmt.Errorf("query parameters are declared for %s, which is not in the route table", key)
		}
	}
	return nil
}

// strictQuery refuses unknown and repeated query parameters of a route
// that takes those in allowed; ignoreTracking lets tracking parameters
// through unread.
func strictQuery(allowed []string, ignoreTracking bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().URL.RawQuery == "" {
				return next(c)
			}
			if err := checkQuery(c.QueryParams(), allowed, ignoreTracking); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// checkQuery names the unknown parameters of a query, or the first one
// given twice.
func checkQuery(q map[string][]string, allowed []string, ignoreTracking bool) error {
	var unknown []string
	for name, values := range q {
		switch {
		case slices.Contains(allowed, name):
			if len(values) > 1 {
				return badges.FieldErrorf(name, "The query parameter %q is given %d times; give it once.", name, len(values))
			}
		case ignoreTracking && tracking(name):
		default:
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	takes := "takes no query parameters"
	if len(allowed) > 0 {
		takes = "takes only " + strings.Join(allowed, ", ")
	}
	if len(unknown) == 1 {
		return badges.FieldErrorf(unknown[0], "The query parameter %q is not known here; this endpoint %s.", unknown[0], takes)
	}
	return badges.FieldErrorf(unknown[0], "The query parameters %s are not known here; this endpoint %s.", quoteAll(unknown), takes)
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// publicGet reports whether a route is a public GET, whose links are
// shared.
func (rt route) publicGet() bool { return rt.method == http.MethodGet && rt.access.name == public.name }

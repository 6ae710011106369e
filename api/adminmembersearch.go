package api

import (
	"context"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Awarding a badge, recording activity, the spotlight, a cohort and the
// members page all find members the way the API's member list does
// (GET /api/v1/issuers/:id/members?q= or ?email=). With htmx the matches
// appear as the manager types; without JavaScript the search is a plain
// GET form.

// maxMemberMatches bounds the matches a search shows: a manager types
// more of the name rather than pages through matches.
const maxMemberMatches = 10

// memberSearch is the search box and what it found.
type memberSearch struct {
	Query    string
	Searched bool // a search was made (the query is not empty)
	Matches  []memberMatch
	More     int // matches beyond those shown
	Error    string
}

// memberMatch is one member found, with the link that picks them.
type memberMatch struct {
	Name, Email, Link string
}

// searchMembers finds the community's members matching q; pick is the
// page that a match links to, with the member's id added as "member".
func (s *Server) searchMembers(c echo.Context, q, pick string, keep url.Values) (memberSearch, error) {
	out := memberSearch{Query: q, Searched: q != ""}
	if q == "" {
		return out, nil
	}
	page, err := s.findMembers(c.Request().Context(), visitOf(c).Community.ID, q, badges.ListOptions{Limit: maxMemberMatches})
	if isFormError(err) {
		out.Error = sentence(badges.ErrorMessage(err))
		return out, nil
	}
	if err != nil {
		return out, err
	}
	for _, m := range page.Items {
		link := url.Values{"member": {m.ID}}
		for k, v := range keep {
			if len(v) > 0 && v[0] != "" {
				link.Set(k, v[0])
			}
		}
		out.Matches = append(out.Matches, memberMatch{Name: m.DisplayName, Email: m.Email, Link: pick + "?" + link.Encode()})
	}
	out.More = max(0, page.Total-len(page.Items))
	return out, nil
}

// findMembers is the API's member list and search: a whole e-mail
// address is looked up exactly (GET …/members?email=), anything else is
// searched in names, e-mail addresses and external ids (?q=).
func (s *Server) findMembers(ctx context.Context, issuerID, q string, o badges.ListOptions) (*badges.Page[*badges.Member], error) {
	f := badges.MemberFilter{IssuerID: issuerID, ListOptions: o}
	if email, err := badges.NormalizeEmail(q); err == nil && q != "" {
		f.Email = email
	} else if f.Query, err = badges.CheckQuery(q); err != nil {
		return nil, err
	}
	return s.svc.Members.Members(ctx, f)
}

// communityMemberByID is a member of the visited community, by an id a
// form sent: one that is not an id is not echoed back.
func (s *Server) communityMemberByID(c echo.Context, id string) (*badges.Member, error) {
	if !badges.ValidID(id) {
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such member.")
	}
	return communityThing(c, "member", id, s.svc.Members.Member, memberIssuer)
}

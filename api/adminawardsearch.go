package api

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Awarding a badge and recording activity both start by finding the
// member: a search through the service the API's member list uses
// (GET /api/v1/issuers/:id/members?q=). With htmx the matches appear as
// the manager types; without JavaScript the search is a plain GET form.

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
	folded, err := badges.CheckQuery(q)
	if err != nil {
		if !isFormError(err) {
			return out, err
		}
		out.Error = sentence(badges.ErrorMessage(err))
		return out, nil
	}
	page, err := s.svc.Members.Members(c.Request().Context(), badges.MemberFilter{IssuerID: visitOf(c).Community.ID,
		Query: folded, ListOptions: badges.ListOptions{Limit: maxMemberMatches}})
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

// communityMemberByID is a member of the visited community, by an id a
// form sent: one that is not an id is not echoed back.
func (s *Server) communityMemberByID(c echo.Context, id string) (*badges.Member, error) {
	if !badges.ValidID(id) {
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such member.")
	}
	return communityThing(c, "member", id, s.svc.Members.Member, memberIssuer)
}

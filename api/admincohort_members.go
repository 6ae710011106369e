package api

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// A cohort's page: its name, its members a page at a time, adding members
// (found by search one at a time, or a pasted list of e-mail addresses)
// and taking one out after a confirmation.

// cohortMatches bounds the members a search for whom to add shows.
const cohortMatches = 10

type cohortPage struct {
	adminPage
	Cohort   *badges.Cohort
	Name     string // the new name, as typed
	Members  []cohortMemberRow
	Pager    pager
	Query    string
	Matches  []*badges.Member
	Emails   string      // the pasted list, as typed
	Rejected []joinIssue // lines of the list that were not added
	Removing *cohortMemberRow
	Form     formState
}

type cohortMemberRow struct{ ID, Name string }

// joinIssue is one line of a pasted list that did not join, and why.
type joinIssue struct{ Line, Problem string }

// handleCohortPage shows a cohort; ?q= finds members to add.
func (s *Server) handleCohortPage(c echo.Context) error {
	return s.renderCohort(c, http.StatusOK, cohortPage{}, nil)
}

// renderCohort draws the cohort's page with p's form values and a failure.
func (s *Server) renderCohort(c echo.Context, status int, p cohortPage, failed error) error {
	ctx := c.Request().Context()
	co, err := s.communityCohort(c)
	if err != nil {
		return err
	}
	p.adminPage = s.adminPageFor(c, visitOf(c), co.Name, "cohorts")
	p.Cohort = co
	if p.Name == "" {
		p.Name = co.Name
	}
	if p.Query == "" {
		p.Query = c.QueryParam("q")
	}
	if err := s.cohortMembersPage(c, &p); err != nil {
		return err
	}
	if p.Query != "" {
		found, err := s.findMembers(ctx, co.IssuerID, p.Query, badges.ListOptions{Limit: cohortMatches})
		if err != nil && !isFormError(err) {
			return err
		}
		if found != nil {
			p.Matches = found.Items
		}
	}
	if failed != nil {
		p.Form.fail(failed, "name")
	}
	return s.renderAdmin(c, status, "cohort", p)
}

// cohortMembersPage reads one page of the cohort's members, by name.
func (s *Server) cohortMembersPage(c echo.Context, p *cohortPage) error {
	ctx := c.Request().Context()
	o, from, err := spanListOptions(c)
	if err != nil {
		return err
	}
	page, err := s.cohortMembers(ctx, p.Cohort.ID, o)
	if err != nil {
		return err
	}
	for _, m := range page.Items {
		p.Members = append(p.Members, cohortMemberRow{ID: m.ID, Name: m.DisplayName})
	}
	p.Pager = newPager(url.URL{Path: cohortPath(p.Cohort)}, "from", from, len(page.Items), page.Total, page.NextCursor)
	return nil
}

// handleCohortJoinPage adds the member chosen ("member"), or those whose
// e-mail addresses are pasted ("emails"), one a line.
func (s *Server) handleCohortJoinPage(c echo.Context) error {
	co, err := s.communityCohort(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if id := c.FormValue("member"); id != "" {
		res, err := s.svc.Cohorts.Join(ctx, co.ID, []string{id})
		if err == nil {
			err = res[0].Err
		}
		if err != nil {
			if !isFormError(err) {
				return err
			}
			return s.renderCohort(c, statusOfFormError(err), cohortPage{Query: c.FormValue("q")}, onField(err, "q"))
		}
		m, err := s.svc.Members.Member(ctx, id)
		if err != nil {
			return err
		}
		return s.redirectDone(c, cohortPath(co), m.DisplayName+" is in "+co.Name+" now.")
	}
	return s.joinEmails(c, co, c.FormValue("emails"))
}

// onField names field as the one err is about: the console's form has
// other fields than the API's request.
func onField(err error, field string) error {
	return &badges.Error{Code: badges.ErrorCode(err), Field: field, Message: badges.ErrorMessage(err)}
}

// joinEmails adds the members a pasted list of addresses names: each
// address is looked up as the API's ?email= does, then the members found
// join at once. Lines that did not join are listed with the reason.
func (s *Server) joinEmails(c echo.Context, co *badges.Cohort, pasted string) error {
	lines := strings.FieldsFunc(pasted, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' })
	var emails []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			emails = append(emails, l)
		}
	}
	if len(emails) == 0 {
		return s.renderCohort(c, http.StatusBadRequest, cohortPage{Emails: pasted},
			badges.FieldErrorf("emails", "Paste at least one e-mail address, one on each line."))
	}
	if len(emails) > badges.MaxCohortJoin {
		return s.renderCohort(c, http.StatusBadRequest, cohortPage{Emails: pasted},
			badges.FieldErrorf("emails", "Paste at most %s addresses at once, not %s.", thousands(badges.MaxCohortJoin), thousands(len(emails))))
	}
	ids, byID, rejected, err := s.membersByEmail(c.Request().Context(), co.IssuerID, emails)
	if err != nil {
		return err
	}
	joined := 0
	if len(ids) > 0 {
		res, err := s.svc.Cohorts.Join(c.Request().Context(), co.ID, ids)
		if err != nil {
			if !isFormError(err) {
				return err
			}
			return s.renderCohort(c, statusOfFormError(err), cohortPage{Emails: pasted}, onField(err, "emails"))
		}
		for _, r := range res {
			if r.Err != nil {
				rejected = append(rejected, joinIssue{Line: byID[r.MemberID], Problem: sentence(badges.ErrorMessage(r.Err))})
			} else {
				joined++
			}
		}
	}
	msg := thousands(joined) + " members are in " + co.Name + " now."
	if joined == 1 {
		msg = "1 member is in " + co.Name + " now."
	}
	if len(rejected) == 0 {
		return s.redirectDone(c, cohortPath(co), msg)
	}
	p := cohortPage{Emails: strings.Join(issueLines(rejected), "\n"), Rejected: rejected}
	p.Form.fail(badges.FieldErrorf("emails", "%s %s lines were not added; they are listed below, and left in the box to correct.", msg, thousands(len(rejected))), "emails")
	return s.renderCohort(c, http.StatusOK, p, nil)
}

// membersByEmail finds the community's member of each address, each by
// its key document.
func (s *Server) membersByEmail(ctx context.Context, issuerID string, emails []string) (ids []string, byID map[string]string, rejected []joinIssue, err error) {
	byID = map[string]string{}
	for _, e := range emails {
		found, err := s.svc.Members.Members(ctx, badges.MemberFilter{IssuerID: issuerID, Email: e, ListOptions: badges.ListOptions{Limit: 1}})
		switch {
		case isFormError(err):
			rejected = append(rejected, joinIssue{Line: e, Problem: sentence(badges.ErrorMessage(err))})
		case err != nil:
			return nil, nil, nil, err
		case len(found.Items) == 0:
			rejected = append(rejected, joinIssue{Line: e, Problem: "No member has this e-mail address."})
		case byID[found.Items[0].ID] == "":
			ids = append(ids, found.Items[0].ID)
			byID[found.Items[0].ID] = e
		}
	}
	return ids, byID, rejected, nil
}

func issueLines(is []joinIssue) []string {
	out := make([]string, len(is))
	for i, x := range is {
		out[i] = x.Line
	}
	return out
}

// handleCohortLeavePage asks before taking a member out of the cohort.
func (s *Server) handleCohortLeavePage(c echo.Context) error {
	m, err := s.communityMember(c)
	if err != nil {
		return err
	}
	return s.renderCohort(c, http.StatusOK, cohortPage{Removing: &cohortMemberRow{ID: m.ID, Name: m.DisplayName}}, nil)
}

// handleCohortLeaveDone takes a member out of the cohort.
func (s *Server) handleCohortLeaveDone(c echo.Context) error {
	co, err := s.communityCohort(c)
	if err != nil {
		return err
	}
	m, err := s.communityMember(c)
	if err != nil {
		return err
	}
	if err := s.svc.Cohorts.Leave(c.Request().Context(), co.ID, m.ID); err != nil {
		return err
	}
	return s.redirectDone(c, cohortPath(co), m.DisplayName+" is no longer in "+co.Name+".")
}

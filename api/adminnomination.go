package api

import (
	"cmp"
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Nominations in the console: the queue of leaders' nominations and
// members' applications with names, and the decision on each — approving
// awards the badge, declining keeps a reason — through the same
// Nominations.Decide the API calls.

type nominationsPage struct {
	adminPage
	Status    string // the chip chosen: pending, approved, declined or "all"
	Kind      string // the kind chosen: nomination, application or "all"
	Chips     []statusChip
	KindChips []statusChip
	Rows      []nominationRow
}

// statusChip is one filter chip with the count it would show.
type statusChip struct {
	Label, Link string
	N           int
	Current     bool
}

// nominationRow is a nomination as people read it: names, not ids.
type nominationRow struct {
	*badges.Nomination
	Nominee, Nominator, Badge string
	What                      string // "nomination" or "application", as a sentence says it
}

// nominationStatuses are the chips' statuses, in their order.
var nominationStatuses = []struct{ value, label string }{
	{badges.NominationPending, "Waiting for a decision"},
	{badges.NominationApproved, "Approved"},
	{badges.NominationDeclined, "Declined"},
	{"all", "All"},
}

// handleNominationsPage lists a community's nominations, those waiting
// for a decision first by default.
func (s *Server) handleNominationsPage(c echo.Context) error {
	ctx := c.Request().Context()
	v := visitOf(c)
	p := nominationsPage{adminPage: s.adminPageFor(c, v, "Nominations and applications", "nominations"), Status: c.QueryParam("status"),
		Kind: cmp.Or(c.QueryParam("kind"), "all")}
	if p.Status == "" {
		p.Status = badges.NominationPending
	}
	known := false
	for _, st := range nominationStatuses {
		known = known || st.value == p.Status
	}
	if !known {
		return badges.FieldErrorf("status", "The query parameter \"status\" must be pending, approved, declined or all.")
	}
	if err := checkKind(p.Kind); err != nil {
		return err
	}
	all, err := s.svc.Nominations.Nominations(ctx, v.Community.ID, "")
	if err != nil {
		return err
	}
	p.KindChips = p.kindChips(all)
	all = ofKind(all, p.Kind)
	counts := map[string]int{"all": len(all)}
	names := s.nominationNames()
	for _, n := range all {
		counts[n.Status]++
		if p.Status != "all" && n.Status != p.Status {
			continue
		}
		row, err := s.nominationRow(ctx, names, n)
		if err != nil {
			return err
		}
		p.Rows = append(p.Rows, row)
	}
	for _, st := range nominationStatuses {
		p.Chips = append(p.Chips, statusChip{Label: st.label, Link: p.Base() + "/nominations?kind=" + p.Kind + "&status=" + st.value,
			N: counts[st.value], Current: st.value == p.Status})
	}
	return s.renderAdmin(c, http.StatusOK, "nominations", p)
}

// nominationRow names a nomination's people and badge; one removed since
// is said to be so, never shown by its id.
func (s *Server) nominationRow(ctx context.Context, names *nominationNames, n *badges.Nomination) (nominationRow, error) {
	row := nominationRow{Nomination: n, What: cmp.Or(n.Kind, badges.KindNomination)}
	named := func(id string, lookup func(context.Context, string) (string, error), gone string) (string, error) {
		name, err := lookup(ctx, id)
		if err == nil && name == id {
			name = gone
		}
		return name, err
	}
	var err error
	if row.Nominee, err = named(n.MemberID, names.member, "A member since removed"); err != nil {
		return row, err
	}
	if row.Nominator, err = named(n.NominatorID, names.member, "A member since removed"); err != nil {
		return row, err
	}
	row.Badge, err = named(n.AchievementID, names.achievement, "A badge since deleted")
	return row, err
}

// communityNomination finds a nomination of the visited community by the
// path's id: nominations are read as the community's list (the store has
// no other read of one the services offer), so one of another community
// is not found.
func (s *Server) communityNomination(c echo.Context) (*badges.Nomination, error) {
	v := visitOf(c)
	all, err := s.svc.Nominations.Nominations(c.Request().Context(), v.Community.ID, "")
	if err != nil {
		return nil, err
	}
	for _, n := range all {
		if n.ID == c.Param("nomination") {
			return n, inCommunity(v, n.IssuerID, "nomination")
		}
	}
	return nil, inCommunity(v, "", "nomination")
}

type nominationPage struct {
	adminPage
	Row    nominationRow
	Reason string
	Form   formState
}

// handleNominationPage is the decision on one nomination: what approving
// and declining will do, said before either is done.
func (s *Server) handleNominationPage(c echo.Context) error {
	return s.renderNomination(c, http.StatusOK, "", nil)
}

// renderNomination draws the decision page, with a failed decline's
// reason and error.
func (s *Server) renderNomination(c echo.Context, status int, reason string, failed error) error {
	n, err := s.communityNomination(c)
	if err != nil {
		return err
	}
	row, err := s.nominationRow(c.Request().Context(), s.nominationNames(), n)
	if err != nil {
		return err
	}
	title := "Nomination of " + row.Nominee
	if n.IsApplication() {
		title = "Application of " + row.Nominee
	}
	p := nominationPage{adminPage: s.adminPageFor(c, visitOf(c), title, "nominations"), Row: row, Reason: reason}
	if failed != nil {
		p.Form.fail(failed, "reason")
	}
	return s.renderAdmin(c, status, "nomination", p)
}

// handleNominationDecision approves or declines a nomination.
func (s *Server) handleNominationDecision(approve bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		n, err := s.communityNomination(c)
		if err != nil {
			return err
		}
		reason := c.FormValue("reason")
		decided, err := s.svc.Nominations.Decide(c.Request().Context(), n.ID, approve, reason)
		if err != nil {
			if !isFormError(err) {
				return err
			}
			status := http.StatusBadRequest
			if badges.ErrorCode(err) == badges.ECONFLICT {
				// Decided meanwhile (the domain's message names it by id).
				status, err = http.StatusConflict, badges.Errorf(badges.ECONFLICT, "This %s was decided already, as this page now shows.", cmp.Or(n.Kind, badges.KindNomination))
			}
			return s.renderNomination(c, status, reason, err)
		}
		row, err := s.nominationRow(c.Request().Context(), s.nominationNames(), decided)
		if err != nil {
			return err
		}
		msg := row.Nominee + " is awarded " + row.Badge + "."
		if !approve {
			msg = "The " + row.What + " of " + row.Nominee + " for " + row.Badge + " is declined."
		}
		return s.redirectDone(c, visitOf(c).adminBase()+"/nominations", msg)
	}
}

// adminBase is the console path of the visited community.
func (v *visit) adminBase() string { return "/admin/c/" + v.Community.ID }

package api

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// activitiesPerPage is how many activities a page of a member's
// timeline shows.
const activitiesPerPage = 20

type memberDetailPage struct {
	adminPage
	Member     *badges.Member
	ProfileURL string // only with consent
	Badges     []memberBadge
	BadgeTotal int
	Progress   []memberProgress
	Activities []activityJSON
	Pager      pager
	Cohorts    []*badges.Cohort

	Endorsements     []badges.ReceivedEndorsement // the newest, at most endorsementsShown
	EndorsementTotal int

	Wallets []memberWalletCopy // copies of their credentials in wallets, newest first
}

// memberWalletCopy is a copy in a wallet, with the badge it is of.
type memberWalletCopy struct {
	walletCopy
	BadgeName string // "" when the credential is older than those Badges lists
}

// endorsementsShown is how many endorsements received a member's page
// lists.
const endorsementsShown = 10

// memberBadge is one of the member's credentials, with its public page.
type memberBadge struct {
	*issuer.CredentialSummary
	URL string
}

// memberProgress is how far a member is towards one badge.
type memberProgress struct {
	Name, Level string
	Held, Met   bool
	Percent     int
	Conditions  []badges.ConditionProgress
}

// communityMember is the member the path names, of the visited community.
func (s *Server) communityMember(c echo.Context) (*badges.Member, error) {
	return communityThing(c, "member", c.Param("member"), s.svc.Members.Member, memberIssuer)
}

func memberIssuer(m *badges.Member) string { return m.IssuerID }

// memberPath is a member's console page.
func memberPath(m *badges.Member) string { return "/admin/c/" + m.IssuerID + "/members/" + m.ID }

// handleMemberPage shows a member: who they are and their consent, the
// badges they hold, their progress towards the others, their cohorts and
// their activity, newest first, a page at a time.
func (s *Server) handleMemberPage(c echo.Context) error {
	m, err := s.communityMember(c)
	if err != nil {
		return err
	}
	skip, err := memberPageOffset(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := memberDetailPage{adminPage: s.adminPageFor(c, visitOf(c), m.DisplayName, "members"), Member: m}
	if m.PublicProfile {
		p.ProfileURL = s.urls.Member(m.Slug)
	}
	creds, err := s.svc.Issuing.Credentials(ctx, issuer.CredentialFilter{IssuerID: m.IssuerID, MemberID: m.ID, At: s.now(),
		ListOptions: badges.ListOptions{Limit: badges.MaxPageSize}})
	if err != nil {
		return err
	}
	p.BadgeTotal = creds.Total
	for _, cs := range creds.Items {
		p.Badges = append(p.Badges, memberBadge{CredentialSummary: cs, URL: s.urls.Credential(cs.ID)})
	}
	if p.Progress, err = s.memberProgress(ctx, m.ID); err != nil {
		return err
	}
	if p.Cohorts, err = s.svc.Cohorts.MemberCohorts(ctx, m.ID); err != nil {
		return err
	}
	if p.Endorsements, p.EndorsementTotal, err = s.svc.Recognition.EndorsementsReceived(ctx, m.ID, endorsementsShown); err != nil {
		return err
	}
	if err := s.memberWallets(ctx, &p); err != nil {
		return err
	}
	if err := s.memberTimeline(c, &p, skip); err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "member", p)
}

// memberWallets adds the member's copies in wallets, each named by the
// badge of the credential it copies.
func (s *Server) memberWallets(ctx context.Context, p *memberDetailPage) error {
	copies, err := s.memberWalletCopies(ctx, p.Member.ID)
	if err != nil {
		return err
	}
	names := make(map[string]string, len(p.Badges))
	for _, b := range p.Badges {
		names[b.ID] = b.AchievementName
	}
	for _, wc := range copies {
		p.Wallets = append(p.Wallets, memberWalletCopy{walletCopy: wc, BadgeName: names[wc.CredentialID]})
	}
	return nil
}

// memberProgress is the recognition service's progress of a member, as
// the API's progress route answers it: closest first, held last.
func (s *Server) memberProgress(ctx context.Context, memberID string) ([]memberProgress, error) {
	ps, err := s.svc.Recognition.Progress(ctx, memberID)
	if err != nil {
		return nil, err
	}
	out := make([]memberProgress, 0, len(ps))
	for _, ap := range ps {
		out = append(out, memberProgress{Name: ap.Achievement.Name, Level: ap.Achievement.Level, Held: ap.Held,
			Met: ap.Progress.Met, Percent: int(ap.Progress.Fraction*100 + 0.5), Conditions: ap.Progress.Conditions})
	}
	return out, nil
}

// memberTimeline adds a page of the member's activities, with their
// behaviours' and peers' names, as the API's member activity list does.
func (s *Server) memberTimeline(c echo.Context, p *memberDetailPage, skip int) error {
	ctx := c.Request().Context()
	o := badges.ListOptions{Limit: activitiesPerPage, Cursor: c.QueryParam("cursor")}
	_, page, err := s.svc.Corrections.MemberActivities(ctx, p.Member.ID, o)
	if err != nil {
		return err
	}
	names, err := s.activityNames(ctx, p.Member.IssuerID)
	if err != nil {
		return err
	}
	for _, l := range page.Items {
		a, err := names.json(ctx, l)
		if err != nil {
			return err
		}
		p.Activities = append(p.Activities, a)
	}
	base := url.URL{Path: memberPath(p.Member), Fragment: "activity"}
	p.Pager = newPager(base, "from", skip+1, len(page.Items), page.Total, page.NextCursor)
	return nil
}

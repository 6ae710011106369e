package badges

import (
	"cmp"
	"context"
	"slices"
)

// What a member sees of applications: the badges they may apply for, and
// their own applications with where each stands.

// maxOpenBadgePages bounds the read of a community's active badges (tens,
// not thousands, in practice).
const maxOpenBadgePages = 10

// Openings lists the badges of the member's community that are open to
// applications and that the member can earn: active, not held (unless
// repeatable), and not a cohort badge of a cohort they are not in. Sorted
// by name.
func (s *Applications) Openings(ctx context.Context, memberID string) ([]*Achievement, error) {
	a := s.nominations.awarder
	m, err := a.Members.Member(ctx, memberID)
	if err != nil {
		return nil, err
	}
	held, err := a.Holdings(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	barred, err := s.cohortBar(ctx, m)
	if err != nil {
		return nil, err
	}
	var out []*Achievement
	opts := ListOptions{Limit: MaxPageSize}
	for range maxOpenBadgePages {
		page, err := a.Achievements.Achievements(ctx, AchievementFilter{IssuerID: m.IssuerID, Status: StatusActive, ListOptions: opts})
		if err != nil {
			return nil, err
		}
		for _, ach := range page.Items {
			if ach.Applications && (ach.Repeatable || !held[ach.ID]) && !barred(ach.ID) {
				out = append(out, ach)
			}
		}
		if opts.Cursor = page.NextCursor; opts.Cursor == "" {
			break
		}
	}
	slices.SortFunc(out, func(x, y *Achievement) int { return cmp.Compare(x.Name, y.Name) })
	return out, nil
}

// Mine lists a member's applications, newest first. The queue is an
// admin's list of a community's latest entries (see NominationStore), read
// whole and kept to the member's.
func (s *Applications) Mine(ctx context.Context, memberID string) ([]*Nomination, error) {
	m, err := s.nominations.awarder.Members.Member(ctx, memberID)
	if err != nil {
		return nil, err
	}
	all, err := s.nominations.store.Nominations(ctx, m.IssuerID, "")
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(n *Nomination) bool { return !n.IsApplication() || n.MemberID != m.ID }), nil
}

// outsideCohort reports whether an achievement's rule names a cohort the
// member is not in.
func (s *Applications) outsideCohort(ctx context.Context, m *Member, achievementID string) (bool, error) {
	barred, err := s.cohortBar(ctx, m)
	if err != nil {
		return false, err
	}
	return barred(achievementID), nil
}

// cohortBar tells, by achievement id, the cohort badges of cohorts the
// member is not in, as Progress does: the member's record against each
// rule of the community.
func (s *Applications) cohortBar(ctx context.Context, m *Member) (func(achievementID string) bool, error) {
	a := s.nominations.awarder
	rules, err := a.Catalogue.RulesOf(ctx, m.IssuerID)
	if err != nil {
		return nil, err
	}
	if err := a.Catalogue.resolveLegacyCohorts(ctx, m.IssuerID, rules); err != nil {
		return nil, err
	}
	rec, err := a.Records.Record(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		rec = NewMemberRecord(m.ID, m.CreatedAt)
	}
	return func(id string) bool { return rules[id].OutsideCohort(rec) }, nil
}

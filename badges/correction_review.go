package badges

import (
	"context"
	"fmt"
	"strings"
)

// Resolving reviews: a manager revokes the credentials a review names or
// dismisses it. Revoking decides first, under the change of the
// community's reviews, then revokes, then notes it done; a dismissal at
// the same moment either comes first (nothing is revoked) or is refused,
// and a revocation cut short is finished by sending it again.

// Reviews lists a community's reviews with a status ("" for all), newest
// first.
func (c *Corrections) Reviews(ctx context.Context, issuerID, status string) ([]Review, error) {
	switch status {
	case "", ReviewOpen, ReviewRevoked, ReviewDismissed:
	default:
		return nil, FieldErrorf("status", "status must be open, revoked or dismissed, not %q", truncateForMessage(status))
	}
	rs, err := c.reviews.Reviews(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	out := []Review{}
	for _, r := range rs.Items {
		if status == "" || r.Status == status {
			out = append(out, r)
		}
	}
	return out, nil
}

// Review returns one of a community's reviews.
func (c *Corrections) Review(ctx context.Context, issuerID, id string) (Review, error) {
	rs, err := c.reviews.Reviews(ctx, issuerID)
	if err != nil {
		return Review{}, err
	}
	for _, r := range rs.Items {
		if r.ID == id {
			return r, nil
		}
	}
	return Review{}, Errorf(ENOTFOUND, "This community has no review %q.", truncateForMessage(id))
}

// Resolve closes an open review dismissed, with an optional note: the
// credentials stay. Revoking is Revoke.
func (c *Corrections) Resolve(ctx context.Context, issuerID, id, status, note string) (Review, error) {
	if status != ReviewDismissed {
		return Review{}, fmt.Errorf("resolve review: status %q", status)
	}
	note, err := checkNote("note", note, maxVoidReasonLen)
	if err != nil {
		return Review{}, err
	}
	now := c.awarder.now()
	var out Review
	err = c.reviews.ChangeReviews(ctx, issuerID, func(rs *Reviews) error {
		r, rerr := rs.Resolve(id, status, note, now)
		out = r
		return rerr
	})
	return out, err
}

// Revoke revokes the credentials a review names, with a reason kept with
// each revocation (public only if in says so), and resolves it revoked.
// A review resolved revoked whose revocation was cut short is finished;
// any other resolved review is a conflict.
func (c *Corrections) Revoke(ctx context.Context, issuerID, id string, in RevokeInput) (Review, error) {
	r, err := c.Review(ctx, issuerID, id)
	if err != nil {
		return Review{}, err
	}
	if r.Status != ReviewOpen && !r.Revoking {
		return Review{}, Errorf(ECONFLICT, "The review of %s's %s was %s already.", r.MemberName, r.AchievementName, r.Status)
	}
	if strings.TrimSpace(in.Reason) == "" {
		return Review{}, FieldErrorf("reason", "reason is required: it is kept with the revocation")
	}
	if in.Reason, err = CheckText("reason", in.Reason, true, maxVoidReasonLen); err != nil {
		return Review{}, err
	}
	legacy, err := c.legacyCredentials(ctx, issuerID, r)
	if err != nil {
		return Review{}, err
	}
	now := c.awarder.now()
	err = c.reviews.ChangeReviews(ctx, issuerID, func(rs *Reviews) error {
		var cerr error
		r, cerr = rs.ClaimRevoke(id, legacy, now)
		return cerr
	})
	if err != nil {
		return Review{}, err
	}
	for _, credID := range r.CredentialIDs {
		if err := c.revoke(ctx, credID, in); err != nil {
			return Review{}, err
		}
	}
	err = c.reviews.ChangeReviews(ctx, issuerID, func(rs *Reviews) error {
		if done, ok := rs.FinishRevoke(id); ok {
			r = done
		}
		return nil
	})
	r.Revoking = false
	return r, err
}

// legacyCredentials are the credentials to revoke for an open review
// opened before reviews named their credentials (see lapsedCredentials);
// none for any other review. Such a review with none is a conflict.
func (c *Corrections) legacyCredentials(ctx context.Context, issuerID string, r Review) ([]string, error) {
	if len(r.CredentialIDs) > 0 || r.Status != ReviewOpen {
		return nil, nil
	}
	ids, err := c.lapsedCredentials(ctx, issuerID, r)
	if err == nil && len(ids) == 0 {
		err = Errorf(ECONFLICT, "Every credential of %s that %s holds still meets its rule at its award date, so this review has none to revoke: dismiss it, or revoke a credential itself.", r.AchievementName, r.MemberName)
	}
	return ids, err
}

// lapsedCredentials are, for a review opened before reviews named their
// credentials, the member's credentials of the badge whose rule is not
// met at their award date: not those of other periods still earned.
// A badge without an active rule any more has all of them.
func (c *Corrections) lapsedCredentials(ctx context.Context, issuerID string, r Review) ([]string, error) {
	rs, err := c.awarder.Catalogue.ruleSet(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	mc, err := c.readMember(ctx, r.MemberID)
	if err != nil {
		return nil, err
	}
	rule := activeRule(rs, r.AchievementID)
	var out []string
	for _, cr := range mc.creds {
		if cr.AchievementID == r.AchievementID && !cr.Revoked && (rule == nil || !c.metAt(ctx, rs, rule, mc, cr.AwardedDate)) {
			out = append(out, cr.ID)
		}
	}
	return out, nil
}

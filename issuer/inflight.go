package issuer

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// How long a request that finds its award, or its new member, being made
// by another request waits for it, and how often it looks. One wait covers
// every row of a bulk award, so a resend after a crash waits once, not once
// per row.
const (
	inFlightWait = 10 * time.Second
	inFlightPoll = 20 * time.Millisecond
)

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitFor returns a credential another request is issuing, once stored,
// looking for it until deadline.
func (s *Service) waitFor(ctx context.Context, id string, deadline time.Time) (*Credential, error) {
	for {
		c, err := s.deps.Credentials.Credential(ctx, id)
		if badges.ErrorCode(err) != badges.ENOTFOUND {
			return c, err
		}
		if !s.now().Before(deadline) {
			return nil, badges.Errorf(badges.ECONFLICT, "The same award is being issued by another request; retry in a moment.")
		}
		if err := s.sleep(ctx, inFlightPoll); err != nil {
			return nil, err
		}
	}
}

// memberByEmail finds the member with an address, adding them when the
// address is new. When another request is adding the same address it
// waits for that member rather than answering with a conflict.
func (s *Service) memberByEmail(ctx context.Context, issuerID string, in badges.AwardInput) (*badges.Member, error) {
	deadline := s.now().Add(inFlightWait)
	for {
		page, err := s.deps.Members.Members(ctx, badges.MemberFilter{IssuerID: issuerID, Email: in.Email})
		if err != nil {
			return nil, err
		}
		if len(page.Items) == 1 {
			return page.Items[0], nil
		}
		if in.Name == "" {
			return nil, badges.FieldErrorf("name", "name is required to add %s, who is not a member yet", in.Email)
		}
		m, err := s.deps.Members.CreateMember(ctx, issuerID, badges.MemberInput{Email: in.Email, DisplayName: in.Name})
		if badges.ErrorCode(err) != badges.ECONFLICT || badges.ErrorField(err) != "email" {
			return m, err
		}
		// Another request holds the address and has not stored its member
		// yet; a request that failed releases it, and the next round adds
		// the member here.
		if !s.now().Before(deadline) {
			return nil, err
		}
		if err := s.sleep(ctx, inFlightPoll); err != nil {
			return nil, err
		}
	}
}

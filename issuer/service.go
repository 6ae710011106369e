package issuer

import (
	"context"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Deps are what the issuing service works with. The service keeps them to
// itself: callers that need a store are given it where they are wired.
type Deps struct {
	Profiles     ProfileService
	Achievements badges.AchievementService
	Members      badges.MemberService
	Credentials  CredentialStore
	HolderCopies HolderCopyStore // holder.go
	Showcases    ShowcaseStore
	Stats        AwardCounter
	Status       StatusStore
	Keyring      *Keyring
	Claims       Claims
	URLs         URLs
	Loader       *ob3.DocumentLoader
	// Notifier queues the e-mail that tells a member they earned a badge;
	// nil sends none.
	Notifier badges.Notifier
	// ClaimLinks signs the links of claim pages, which that e-mail carries.
	ClaimLinks *LinkSigner
	// WalletLinks signs credentials' interaction URLs, which wallets scan
	// (URLs.Wallet).
	WalletLinks *LinkSigner
	// Report, when set, is told of failures the service went on from (an
	// e-mail that could not be queued): the domain does not log.
	Report func(badges.Notice)
	// Events hears of credentials issued, revoked and claimed
	// (events.go); nil publishes nothing.
	Events badges.EventPublisher
}

// Service issues and revokes credentials and publishes status lists.
type Service struct {
	deps    Deps
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	perms   sync.Map // status list id → *ob3.Permutation
	lists   sync.Map // status list id → *signedList
	keyDocs sync.Map // "<issuer>/<key id>" → keyDoc
	names   sync.Map // issuer or achievement id → shownName, for lists
}

// NewService returns the issuing service.
func NewService(d Deps) *Service { return &Service{deps: d, now: time.Now, sleep: sleep} }

// At returns a service on the same stores and keys whose clock is now:
// for writing a history whose credentials were issued in the past (the
// demo's expired ones), never for answering requests.
func (s *Service) At(now func() time.Time) *Service {
	return &Service{deps: s.deps, now: now, sleep: s.sleep}
}

// Award issues a credential for an achievement to a member, or returns the
// one that already answers the request: the credential issued earlier for
// the same idempotency key, or the one the member already holds for a
// non-repeatable achievement. issued says which. An idempotency key used
// before for a different award is refused with EKEYREUSED.
func (s *Service) Award(ctx context.Context, issuerID string, in badges.AwardInput) (c *Credential, issued bool, err error) {
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	if _, err := in.CheckAwardedDate(s.now().UTC()); err != nil {
		return nil, false, err // before a status slot is spent on it
	}
	p, a, err := s.awardable(ctx, issuerID, in.AchievementID)
	if err != nil {
		return nil, false, err
	}
	m, err := s.recipient(ctx, issuerID, in)
	if err != nil {
		return nil, false, err
	}
	id := badges.NewID()
	claimed, existing, err := s.claim(ctx, issuerID, in, a, m.ID, id)
	if err != nil || existing != "" {
		if err == nil {
			c, err = s.waitFor(ctx, existing, s.now().Add(inFlightWait))
		}
		if err == nil {
			// Finishes the showcase of an award interrupted after it was
			// stored; otherwise changes nothing.
			err = s.recordIssued(ctx, []*Credential{c})
			s.notifyEarned(ctx, []earned{{c, a, m}}) // the same key: one e-mail
		}
		if err == nil {
			err = s.publishIssued(ctx, []*Credential{c}) // the same id: one event
		}
		return c, false, err
	}
	defer func() {
		if err != nil {
			s.release(ctx, claimed)
		}
	}()
	first, err := s.deps.Status.AllocateStatus(ctx, issuerID, 1)
	if err != nil {
		return nil, false, err
	}
	c, err = s.issue(ctx, p, a, m, in, id, first)
	if err != nil {
		return nil, false, err
	}
	if err := s.deps.Credentials.CreateCredential(ctx, c); err != nil {
		return nil, false, err
	}
	claimed = nil // the claims belong to the stored credential now
	err = s.recordIssued(ctx, []*Credential{c})
	s.notifyEarned(ctx, []earned{{c, a, m}}) // issued, whatever became of the showcase
	if err == nil {
		err = s.publishIssued(ctx, []*Credential{c})
	}
	if err != nil {
		// The credential is issued; asking again with the same idempotency
		// key finishes the showcase and publishes its event.
		return nil, false, err
	}
	return c, true, nil
}

// awardable finds the issuer and the achievement, which must belong to it
// and be active.
func (s *Service) awardable(ctx context.Context, issuerID, achievementID string) (*Profile, *badges.Achievement, error) {
	p, err := s.deps.Profiles.Profile(ctx, issuerID)
	if err != nil {
		return nil, nil, err
	}
	a, err := s.achievement(ctx, issuerID, achievementID)
	return p, a, err
}

// achievement finds an achievement of the issuer that can be awarded now.
func (s *Service) achievement(ctx context.Context, issuerID, id string) (*badges.Achievement, error) {
	a, err := s.deps.Achievements.Achievement(ctx, id)
	if badges.ErrorCode(err) == badges.ENOTFOUND || (err == nil && a.IssuerID != issuerID) {
		return nil, &badges.Error{Code: badges.ENOTFOUND, Field: "achievementId",
			Message: "Issuer " + issuerID + " has no achievement " + quote(id) + "."}
	}
	if err != nil {
		return nil, err
	}
	if a.Status != badges.StatusActive {
		return nil, &badges.Error{Code: badges.ECONFLICT, Field: "achievementId",
			Message: "Achievement " + a.ID + " is " + string(a.Status) + "; only active achievements can be awarded."}
	}
	return a, nil
}

func quote(s string) string {
	if !utf8.ValidString(s) || len(s) > 100 {
		s = "…"
	}
	return `"` + s + `"`
}

// recipient finds the member by id, or by e-mail address, creating one when
// the address is new.
func (s *Service) recipient(ctx context.Context, issuerID string, in badges.AwardInput) (*badges.Member, error) {
	if in.MemberID == "" {
		return s.memberByEmail(ctx, issuerID, in)
	}
	m, err := s.deps.Members.Member(ctx, in.MemberID)
	if badges.ErrorCode(err) == badges.ENOTFOUND || (err == nil && m.IssuerID != issuerID) {
		return nil, &badges.Error{Code: badges.ENOTFOUND, Field: "memberId", Message: "Issuer " + issuerID + " has no member " + quote(in.MemberID) + "."}
	}
	if err != nil {
		return nil, err
	}
	return m, m.CheckAwardable() // a forgotten member has no address to hash
}

package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Claims reserves secondary unique keys: an idempotency key, or "this
// member holds this badge". Inserting the key is the check.
type Claims interface {
	// ClaimKey reserves key for ref, or returns the holder that still owns
	// it (owns tells whether a holder does).
	ClaimKey(ctx context.Context, key, ref string, owns func(holder string) (bool, error)) (holder string, err error)
	// ClaimKeys reserves many keys at once, keys[i] for refs[i], returning
	// the holder that kept each ("" when claimed).
	ClaimKeys(ctx context.Context, keys, refs []string, owns func(key, holder string) (bool, error)) ([]string, error)
	ReleaseKey(ctx context.Context, key, ref string) error
}

// Deps are what the issuing service works with. The service keeps them to
// itself: callers that need a store are given it where they are wired.
type Deps struct {
	Profiles     ProfileService
	Achievements badges.AchievementService
	Members      badges.MemberService
	Credentials  CredentialStore
	Showcases    ShowcaseStore
	Stats        AwardCounter
	Status       StatusStore
	Keyring      *Keyring
	Claims       Claims
	URLs         URLs
	Loader       *ob3.DocumentLoader
}

// Service issues and revokes credentials and publishes status lists.
type Service struct {
	deps    Deps
	now     func() time.Time
	perms   sync.Map // status list id → *ob3.Permutation
	lists   sync.Map // status list id → *signedList
	keyDocs sync.Map // "<issuer>/<key id>" → keyDoc
}

// NewService returns the issuing service.
func NewService(d Deps) *Service { return &Service{deps: d, now: time.Now} }

// How long a request that finds its award being issued by another request
// waits for that credential before giving up.
const (
	inFlightWait = 10 * time.Second
	inFlightPoll = 20 * time.Millisecond
)

// Award issues a credential for an achievement to a member, or returns the
// one that already answers the request: the credential issued earlier for
// the same idempotency key, or the one the member already holds for a
// non-repeatable achievement. issued says which.
func (s *Service) Award(ctx context.Context, issuerID string, in badges.AwardInput) (c *Credential, issued bool, err error) {
	p, a, err := s.awardable(ctx, issuerID, in)
	if err != nil {
		return nil, false, err
	}
	m, err := s.recipient(ctx, issuerID, in)
	if err != nil {
		return nil, false, err
	}
	id := badges.NewID()
	claimed, existing, err := s.claim(ctx, issuerID, in.IdempotencyKey, a, m.ID, id)
	if err != nil || existing != "" {
		if err == nil {
			c, err = s.waitFor(ctx, existing)
		}
		if err == nil {
			// Finishes the showcase of an award interrupted after it was
			// stored; otherwise changes nothing.
			err = s.recordIssued(ctx, []*Credential{c})
		}
		return c, false, err
	}
	defer func() {
		if err != nil {
			s.release(ctx, claimed, id)
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
	if err := s.recordIssued(ctx, []*Credential{c}); err != nil {
		// The credential is issued; asking again with the same idempotency
		// key finishes the showcase.
		return nil, false, err
	}
	return c, true, nil
}

// awardable checks the input and finds the issuer and the achievement,
// which must belong to it and be active.
func (s *Service) awardable(ctx context.Context, issuerID string, in badges.AwardInput) (*Profile, *badges.Achievement, error) {
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	p, err := s.deps.Profiles.Profile(ctx, issuerID)
	if err != nil {
		return nil, nil, err
	}
	a, err := s.achievement(ctx, issuerID, in.AchievementID)
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
	if in.MemberID != "" {
		m, err := s.deps.Members.Member(ctx, in.MemberID)
		if badges.ErrorCode(err) == badges.ENOTFOUND || (err == nil && m.IssuerID != issuerID) {
			return nil, &badges.Error{Code: badges.ENOTFOUND, Field: "memberId", Message: "Issuer " + issuerID + " has no member " + quote(in.MemberID) + "."}
		}
		return m, err
	}
	page, err := s.deps.Members.Members(ctx, badges.MemberFilter{IssuerID: issuerID, Email: in.Email})
	if err != nil {
		return nil, err
	}
	if len(page.Items) == 1 {
		return page.Items[0], nil
	}
	if in.Name == "" {
		return nil, badges.FieldErrorf("name", "%s is not a member yet; give a name to add them", in.Email)
	}
	m, err := s.deps.Members.CreateMember(ctx, issuerID, badges.MemberInput{Email: in.Email, DisplayName: in.Name})
	if badges.ErrorCode(err) == badges.ECONFLICT && badges.ErrorField(err) == "email" {
		// Added by a concurrent request: use that member.
		if page, err = s.deps.Members.Members(ctx, badges.MemberFilter{IssuerID: issuerID, Email: in.Email}); err == nil && len(page.Items) == 1 {
			return page.Items[0], nil
		}
	}
	return m, err
}

func idempotencyClaim(issuerID, key string) string {
	h := sha256.Sum256([]byte(key))
	return "idem:" + issuerID + ":" + hex.EncodeToString(h[:16])
}

func heldClaim(achievementID, memberID string) string {
	return "held:" + achievementID + ":" + memberID
}

// claim reserves the idempotency key and, for a non-repeatable achievement,
// the member's hold on it, for credential id. When either is taken it
// returns the credential that took it.
func (s *Service) claim(ctx context.Context, issuerID, idemKey string, a *badges.Achievement, memberID, id string) (claimed []string, existing string, err error) {
	var keys []string
	if idemKey != "" {
		keys = append(keys, idempotencyClaim(issuerID, idemKey))
	}
	if !a.Repeatable {
		keys = append(keys, heldClaim(a.ID, memberID))
	}
	for _, k := range keys {
		holder, err := s.deps.Claims.ClaimKey(ctx, k, id, s.credentialExists(ctx, k))
		if err != nil || holder != "" {
			s.release(ctx, claimed, id)
			return nil, holder, err
		}
		claimed = append(claimed, k)
	}
	return claimed, "", nil
}

// credentialExists tells a claim's holder still owns it: its credential was
// stored and, for a hold on a badge, not revoked since.
func (s *Service) credentialExists(ctx context.Context, key string) func(string) (bool, error) {
	return func(holder string) (bool, error) {
		c, err := s.deps.Credentials.Credential(ctx, holder)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return !(strings.HasPrefix(key, "held:") && c.Revoked()), nil
	}
}

func (s *Service) release(ctx context.Context, keys []string, id string) {
	for _, k := range keys {
		_ = s.deps.Claims.ReleaseKey(context.WithoutCancel(ctx), k, id)
	}
}

// waitFor returns a credential another request is issuing, once stored.
func (s *Service) waitFor(ctx context.Context, id string) (*Credential, error) {
	deadline := time.Now().Add(inFlightWait)
	for {
		c, err := s.deps.Credentials.Credential(ctx, id)
		if badges.ErrorCode(err) != badges.ENOTFOUND || time.Now().After(deadline) {
			if badges.ErrorCode(err) == badges.ENOTFOUND {
				err = badges.Errorf(badges.ECONFLICT, "The same award is being issued by another request; retry in a moment.")
			}
			return c, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(inFlightPoll):
		}
	}
}

// issue builds and signs a credential in status slot `slot`.
func (s *Service) issue(ctx context.Context, p *Profile, a *badges.Achievement, m *badges.Member, in badges.AwardInput, id string, slot int64) (*Credential, error) {
	keys, err := s.deps.Keyring.Active(ctx, p.ID, p.JWTAlg)
	if err != nil {
		return nil, err
	}
	list, index, err := s.statusPosition(ctx, p.ID, slot)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	award := &badges.Award{ID: id, IssuerID: p.ID, AchievementID: a.ID, AchievementVersion: a.Version, MemberID: m.ID,
		Narrative: in.Narrative, Evidence: in.Evidence, Results: in.Results, AwardedAt: now, ValidUntil: a.ValidUntil(now)}
	doc := s.deps.URLs.OB3Credential(award, a, p, m.Email, list, index)
	signed, jwt, err := s.sign(doc, keys, p.ID, now)
	if err != nil {
		return nil, err
	}
	return &Credential{ID: id, IssuerID: p.ID, AchievementID: a.ID, AchievementVersion: a.Version, AchievementLevel: a.Level, MemberID: m.ID,
		AwardedAt: now, ValidUntil: award.ValidUntil, StatusList: list, StatusIndex: index, JSON: signed, JWT: jwt}, nil
}

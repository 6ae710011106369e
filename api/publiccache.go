package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/laurel-badges/laurel/api/render"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

// The public pages read the same few records again and again: a shared
// badge can be opened thousands of times. They read them through short-lived
// caches; writes made through this server forget what they change at once.
const (
	memberTTL     = time.Second      // consent shows within it
	memberKeep    = 10 * time.Minute // while the member is known not to have changed
	definitionTTL = 5 * time.Second  // issuers and achievements
	cacheEntries  = 50000
	// Members and their endorsements are records of a few KiB, and an
	// entry past its lifetime stays until the cache is full: 50,000 of
	// them could hold 100 MiB. Fresh within seconds, 10,000 serve 2,000
	// pages a second of different members.
	recordEntries = 10000
	// Generated images and decoded art: a QR code is under 1 KiB and a
	// preview image about 100 KiB, so 16 MiB keeps some 150 previews
	// with their QR codes while the caches together stay well under the
	// runtime's -memory-limit.
	imageBytes = 16 << 20
	artBytes   = 16 << 20

	// A credential never changes but for its revocation, which the pages
	// learn from the verifier's status check (fresh within a second); a
	// record found stale by it is read again. Records are large (the
	// signed JSON and JWT, and the document decoded from the JSON: about
	// 10 KiB for the load's credentials, many times more with a long
	// description or embedded art), so they are bounded by the bytes they
	// hold rather than by their number.
	credentialTTL   = 10 * time.Minute
	credentialBytes = 64 << 20
)

// publicCache holds what the public pages read.
type publicCache struct {
	credentials  *sizedCache[*shownCredential]
	visibility   *ttlCache[issuer.Visibility] // the member's choice, fresh as consent is
	earned       *ttlCache[time.Time]         // when a credential was earned, for lists of holders
	members      *ttlCache[*badges.Member]
	achievements *ttlCache[*badges.Achievement] // by "<id>" and "<id>@<version>"
	profiles     *ttlCache[*issuer.Profile]
	issuerBadges *ttlCache[[]*badges.Achievement] // an issuer's active achievements
	// What a credential page shows besides the credential: an issuer's
	// rules (for prerequisites) and a member's endorsements received.
	rules        *ttlCache[map[string]*badges.Rule]
	endorsements *ttlCache[receivedEndorsements]
	directories  *ttlCache[[]badges.ListedMember] // a community's public directory (community.go)
	frontDoor    *ttlCache[[]communitySummary]    // the public communities, under ""
	images       *blobCache
	pages        *blobCache // pages' gzip, by entity tag (pagegzip.go)
	art          *render.ArtCache
}

func newPublicCache() *publicCache {
	return &publicCache{
		credentials:  newSizedCache(credentialTTL, credentialBytes, (*shownCredential).size),
		visibility:   newTTLCache[issuer.Visibility](memberTTL, cacheEntries),
		earned:       newTTLCache[time.Time](credentialTTL, cacheEntries),
		members:      newTTLCache[*badges.Member](memberTTL, recordEntries),
		achievements: newTTLCache[*badges.Achievement](definitionTTL, cacheEntries),
		profiles:     newTTLCache[*issuer.Profile](definitionTTL, cacheEntries),
		issuerBadges: newTTLCache[[]*badges.Achievement](definitionTTL, 1000),
		rules:        newTTLCache[map[string]*badges.Rule](definitionTTL, 1000),
		endorsements: newTTLCache[receivedEndorsements](definitionTTL, recordEntries),
		directories:  newTTLCache[[]badges.ListedMember](definitionTTL, 1000),
		frontDoor:    newTTLCache[[]communitySummary](definitionTTL, 1),
		images:       newBlobCache(imageBytes),
		pages:        newBlobCache(pageGzipBytes),
		art:          render.NewArtCache(artBytes),
	}
}

// shownCredential is a credential with its signed document decoded once,
// as the public pages read it, and its VC-JWT read once for the
// verification made at every view.
type shownCredential struct {
	*issuer.Credential
	doc   ob3.Credential
	token *verifier.Token          // nil when the VC-JWT cannot be read: each view then says why
	kept  atomic.Pointer[keptPage] // its page's facts and last rendering (credentialpage_kept.go)
}

// shownRecordBytes is what a credential record holds besides its JSON and
// JWT: its other fields, the decoded document's structure and the cache's
// own entry.
const shownRecordBytes = 2 << 10

// keptPageBytes is what the record's kept page adds once it has been
// viewed (credentialpage_kept.go): the rendered page, 7–14 KiB, and the
// facts it was rendered from.
const keptPageBytes = 16 << 10

// size is the memory a shown credential holds, estimated from its signed
// forms: the decoded document copies about the JSON's strings again, and
// the token read says what it holds.
func (s *shownCredential) size() int {
	n := 2*len(s.JSON) + len(s.JWT) + shownRecordBytes + keptPageBytes
	if s.token != nil {
		n += s.token.Size()
	}
	return n
}

// verification is what the credential's views verify: the token read
// once, or, when it could not be read, the VC-JWT itself, so that the
// report says what is wrong with it.
func (s *shownCredential) verification() verifier.Input {
	if s.token != nil {
		return verifier.Input{Token: s.token}
	}
	return verifier.Input{Data: []byte(s.JWT)}
}

func (s *Server) credential(ctx context.Context, id string) (*shownCredential, error) {
	return s.cache.credentials.get(id, func() (*shownCredential, error) {
		cred, err := s.svc.Issuing.Credential(ctx, id)
		if err != nil {
			return nil, err
		}
		sc := &shownCredential{Credential: cred}
		if err := json.Unmarshal(cred.JSON, &sc.doc); err != nil {
			return nil, fmt.Errorf("read stored credential %s: %w", id, err)
		}
		sc.token, _ = verifier.ReadToken(cred.JWT)
		return sc, nil
	})
}

func (s *Server) member(ctx context.Context, id string) (*badges.Member, error) {
	return s.cache.members.get(id, func() (*badges.Member, error) { return s.svc.Members.Member(ctx, id) })
}

func (s *Server) profile(ctx context.Context, id string) (*issuer.Profile, error) {
	return s.cache.profiles.get(id, func() (*issuer.Profile, error) { return s.svc.Issuers.Profile(ctx, id) })
}

func (s *Server) achievement(ctx context.Context, id string) (*badges.Achievement, error) {
	return s.cache.achievements.get(id, func() (*badges.Achievement, error) { return s.svc.Achievements.Achievement(ctx, id) })
}

// achievementVersion is an achievement as it was at a version; versions
// never change, so they are kept as long as the cache keeps anything.
func (s *Server) achievementVersion(ctx context.Context, id string, version int) (*badges.Achievement, error) {
	key := id + "@" + strconv.Itoa(version)
	return s.cache.achievements.get(key, func() (*badges.Achievement, error) {
		return s.svc.Achievements.AchievementVersion(ctx, id, version)
	})
}

// issuerAchievements lists an issuer's active achievements (an issuer has
// tens of badges, not thousands; the list is bounded all the same).
func (s *Server) issuerAchievements(ctx context.Context, issuerID string) ([]*badges.Achievement, error) {
	return s.cache.issuerBadges.get(issuerID, func() ([]*badges.Achievement, error) {
		var all []*badges.Achievement
		opts := badges.ListOptions{Limit: badges.MaxPageSize}
		for range 10 {
			page, err := s.svc.Achievements.Achievements(ctx, badges.AchievementFilter{IssuerID: issuerID, Status: badges.StatusActive, ListOptions: opts})
			if err != nil {
				return nil, err
			}
			all = append(all, page.Items...)
			if page.NextCursor == "" {
				break
			}
			opts.Cursor = page.NextCursor
		}
		return all, nil
	})
}

// publicMember is the member a public page may name: only one who
// consents to a public profile and has a name to show. Anyone else is
// nil, never shown.
func (s *Server) publicMember(ctx context.Context, id string) (*badges.Member, error) {
	m, err := s.member(ctx, id)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return nil, nil
	}
	if err != nil || !m.PublicProfile || m.DisplayName == "" {
		return nil, err
	}
	return m, nil
}

// shownVisibility is how the member chose to show a credential. Unlike
// the rest of the record it changes at the member's word, so it is kept
// no longer than consent is.
func (s *Server) shownVisibility(ctx context.Context, id string) (issuer.Visibility, error) {
	return s.cache.visibility.get(id, func() (issuer.Visibility, error) {
		cred, err := s.svc.Issuing.Credential(ctx, id)
		if err != nil {
			return "", err
		}
		return cred.Visibility, nil
	})
}

// forgetCredential, forgetMember and forgetAchievement drop what a write
// changed.
func (s *Server) forgetCredential(id string) {
	s.cache.credentials.forget(id)
	s.cache.visibility.forget(id)
}
func (s *Server) forgetMember(id string) {
	s.cache.members.forget(id)
	s.cache.endorsements.forget(id)
	s.cache.directories.clear() // the member's community is not known here; there are few
	s.cache.frontDoor.forget("")
}
func (s *Server) forgetAchievement(a *badges.Achievement) {
	s.cache.achievements.forget(a.ID)
	s.cache.issuerBadges.forget(a.IssuerID)
	s.cache.frontDoor.forget("")
}
func (s *Server) forgetProfile(id string) {
	s.cache.profiles.forget(id)
	s.cache.frontDoor.forget("")
}

package api

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/issuer"
)

// My badges (/me) lists every credential of the member, public or not,
// newest first, each with what a member does with a badge: open its page,
// copy its link, add it to LinkedIn, download it.

type meBadgesPage struct {
	mePage
	ProfileSince string // "Your profile is public since 3 May 2026."
	Badges       []myBadge
	More         int // credentials older than those the showcase keeps

	Endorsements     []receivedEndorsement // the latest (melead.go)
	EndorsementTotal int
}

// myBadge is one of the member's credentials.
type myBadge struct {
	ID, Name, Description string
	ImageURL              string // decorative: the name is beside it
	Earned                shownDate
	Revoked, Expired      bool
	RevokedOn, ExpiredOn  string // dates in words, when they apply
	PageURL, LinkedInURL  string
	PNGURL, SVGURL        string
	JSONURL, JWTURL       string
	PNGAvailable          bool
	Visibility            []visibilityChoice
	Wallets               []walletCopy // copies of it in the member's wallets, newest first
	WalletURL             string       // while the badge counts: its interaction URL (wallet.go)
	earned                time.Time    // the order of the list
}

func (s *Server) handleMeBadges(c echo.Context) error {
	v := memberOf(c)
	ctx := c.Request().Context()
	sc, err := s.svc.Issuing.MemberShowcase(ctx, v.Member.ID)
	if err != nil {
		return err
	}
	p := meBadgesPage{More: max(0, sc.Total-len(sc.Entries)), ProfileSince: profileSince(v.Member)}
	copies, err := s.memberWalletCopies(ctx, v.Member.ID)
	if err != nil {
		return err
	}
	for _, e := range sc.Entries {
		if e.MemberID != v.Member.ID {
			continue // the showcase is the member's own; this guards it
		}
		b, err := s.myBadge(ctx, e.CredentialID, v)
		if err != nil {
			return err
		}
		b.Revoked = b.Revoked || e.Revoked
		for _, wc := range copies {
			if wc.CredentialID == b.ID {
				b.Wallets = append(b.Wallets, wc)
			}
		}
		p.Badges = append(p.Badges, b)
	}
	// The showcase is in order of issue; a badge earned earlier may have
	// been issued later (an import of past awards).
	slices.SortStableFunc(p.Badges, func(a, b myBadge) int { return b.earned.Compare(a.earned) })
	if p.Endorsements, p.EndorsementTotal, err = s.endorsementsReceived(ctx, v.Member.ID); err != nil {
		return err
	}
	p.mePage = s.mePageFor(c, v, "My badges", "badges")
	return s.renderPortal(c, http.StatusOK, "badges", p)
}

// myBadge is one credential as the member's list shows it.
func (s *Server) myBadge(ctx context.Context, id string, v *memberVisit) (myBadge, error) {
	// Not the public cache: a revocation or a change of visibility shows
	// at once.
	cred, err := s.svc.Issuing.Credential(ctx, id)
	if err != nil {
		return myBadge{}, err
	}
	shown := &shownCredential{Credential: cred}
	if err := json.Unmarshal(cred.JSON, &shown.doc); err != nil {
		return myBadge{}, fmt.Errorf("read stored credential %s: %w", id, err)
	}
	a, err := s.achievementVersion(ctx, cred.AchievementID, cred.AchievementVersion)
	if err != nil {
		return myBadge{}, err
	}
	page := s.urls.Credential(cred.ID)
	share := s.shareLinks(&credentialView{shownCredential: shown, achievement: a, profile: v.Community})
	b := myBadge{ID: cred.ID, Name: a.Name, Description: a.Description, ImageURL: s.urls.Image(a.Image),
		Earned: dateOf("Earned", cred.Earned()), Revoked: cred.Revoked(),
		PageURL: page, LinkedInURL: share.LinkedInAdd,
		PNGURL: page + "/badge.png", SVGURL: page + "/badge.svg", JSONURL: page + ".json", JWTURL: page + ".jwt",
		PNGAvailable: pngAvailable(a.Image), earned: cred.Earned(),
		Visibility: visibilityChoices(cmp.Or(cred.Visibility, issuer.VisibilityPublic))}
	if b.Revoked {
		b.RevokedOn = cred.RevokedAt.UTC().Format(dateLayout)
	}
	if !cred.ValidUntil.IsZero() && !cred.ValidUntil.After(s.now()) {
		b.Expired, b.ExpiredOn = true, cred.ValidUntil.UTC().Format(dateLayout)
	}
	if !b.Revoked && !b.Expired && s.svc.Wallets != nil {
		b.WalletURL = s.svc.Wallets.WalletURL(cred.ID)
	}
	return b, nil
}

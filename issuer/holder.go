package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Holder binding: a credential delivered to a wallet is a fresh copy whose
// subject is the wallet's holder (a DID), signed when the wallet asks for
// it. The copy keeps the original's status entry, so that revoking the
// original revokes the copy; it is kept, with the member, so that the
// member and their community know where their credentials went.

// HolderCopy is a credential issued again to the holder of a wallet.
type HolderCopy struct {
	// ID is derived from CredentialID and Holder: a wallet that asks
	// again, or asks twice at once, gets the same copy.
	ID           string
	CredentialID string
	IssuerID     string
	MemberID     string
	Holder       string // the copy's credentialSubject.id
	IssuedAt     time.Time
	JSON         []byte // the copy with its Data Integrity proof
	JWT          string // the same copy as a VC-JWT, whose sub is Holder
}

// HolderCopyStore keeps holder copies.
type HolderCopyStore interface {
	// CreateHolderCopy stores c, unless a copy with its id is stored
	// already: then that one is returned, and created is false.
	CreateHolderCopy(ctx context.Context, c *HolderCopy) (stored *HolderCopy, created bool, err error)
	// HolderCopy returns a copy by id; ENOTFOUND when there is none.
	HolderCopy(ctx context.Context, id string) (*HolderCopy, error)
	// MemberHolderCopies lists a member's copies, newest first, without
	// their documents (JSON and JWT are empty).
	MemberHolderCopies(ctx context.Context, memberID string) ([]*HolderCopy, error)
	// ForgetMemberHolderCopies deletes a member's copies, for a member
	// who is forgotten.
	ForgetMemberHolderCopies(ctx context.Context, memberID string) error
}

// OfferableToWallet says whether c may go to a wallet at now: not when it
// was revoked or has expired (ECONFLICT).
func OfferableToWallet(c *Credential, now time.Time) error {
	switch {
	case c.Revoked():
		return badges.Errorf(badges.ECONFLICT, "This badge was revoked by its issuer; it cannot be added to a wallet.")
	case !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil):
		return badges.Errorf(badges.ECONFLICT, "This badge expired on %s; it cannot be added to a wallet.", c.ValidUntil.UTC().Format("2 January 2006"))
	}
	return nil
}

var holderIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// holderCopyID derives a copy's id, in the shape of Laurel's ids.
func holderCopyID(credentialID, holder string) string {
	h := sha256.Sum256([]byte(credentialID + "\n" + holder))
	return strings.ToLower(holderIDEncoding.EncodeToString(h[:12]))[:20]
}

// IssueToHolder returns the copy of a credential issued to holder (a DID
// the wallet proved it controls), signing it the first time it is asked
// for. A revoked or expired credential is not copied: ECONFLICT.
func (s *Service) IssueToHolder(ctx context.Context, credentialID, holder string) (*HolderCopy, error) {
	if err := badges.CheckHolderID("holder", holder); err != nil {
		return nil, err
	}
	c, err := s.deps.Credentials.Credential(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	if err := OfferableToWallet(c, now); err != nil {
		return nil, err
	}
	id := holderCopyID(c.ID, holder)
	if got, err := s.deps.HolderCopies.HolderCopy(ctx, id); err == nil {
		return got, nil
	} else if badges.ErrorCode(err) != badges.ENOTFOUND {
		return nil, err
	}
	if err := s.roomForCopy(ctx, c); err != nil {
		return nil, err
	}
	copied, err := s.signHolderCopy(ctx, c, id, holder, now)
	if err != nil {
		return nil, err
	}
	stored, _, err := s.deps.HolderCopies.CreateHolderCopy(ctx, copied)
	return stored, err
}

// MaxHolderCopies bounds the wallets one credential is copied to: whoever
// holds its interaction URL can ask, each time with a new DID, and each
// copy is signed and kept.
const MaxHolderCopies = 20

// roomForCopy refuses a copy of c beyond MaxHolderCopies, counted in its
// member's list of copies.
func (s *Service) roomForCopy(ctx context.Context, c *Credential) error {
	copies, err := s.deps.HolderCopies.MemberHolderCopies(ctx, c.MemberID)
	if err != nil {
		return err
	}
	n := 0
	for _, hc := range copies {
		if hc.CredentialID == c.ID {
			n++
		}
	}
	if n >= MaxHolderCopies {
		return badges.Errorf(badges.ECONFLICT, "This badge is in %d wallets already, the most it can be copied to.", n)
	}
	return nil
}

// signHolderCopy makes the copy of c for holder: the original as signed,
// without its proof, under the copy's id and with the holder as subject,
// signed again with the issuer's current keys.
func (s *Service) signHolderCopy(ctx context.Context, c *Credential, id, holder string, now time.Time) (*HolderCopy, error) {
	var doc map[string]any
	if err := json.Unmarshal(c.JSON, &doc); err != nil {
		return nil, fmt.Errorf("credential %s: %w", c.ID, err)
	}
	subject, ok := doc["credentialSubject"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("credential %s has no credentialSubject object", c.ID)
	}
	delete(doc, "proof")
	doc["id"] = s.deps.URLs.HolderCopy(c.ID, id)
	subject["id"] = holder
	p, err := s.deps.Profiles.Profile(ctx, c.IssuerID)
	if err != nil {
		return nil, err
	}
	keys, err := s.deps.Keyring.Active(ctx, p.ID, p.JWTAlg)
	if err != nil {
		return nil, err
	}
	method := s.copyMethods(p, doc)
	signed, err := s.proveDataIntegrity(ctx, doc, keys, method(keys.DataIntegrity.ID), now)
	if err != nil {
		return nil, err
	}
	jwt, err := ob3.SignJWT(signed, keys.JWT.JWK, jwa.SignatureAlgorithm(keys.JWT.Alg), method(keys.JWT.ID), now)
	if err != nil {
		return nil, fmt.Errorf("VC-JWT: %w", err)
	}
	return &HolderCopy{ID: id, CredentialID: c.ID, IssuerID: c.IssuerID, MemberID: c.MemberID, Holder: holder,
		IssuedAt: now, JSON: signed, JWT: jwt}, nil
}

// copyMethods names the issuer's keys as the copy's issuer id calls for:
// the original's, which the copy keeps, may be the profile URL of an
// issuer that chose did:web since, or the DID of one that went back.
func (s *Service) copyMethods(p *Profile, doc map[string]any) func(keyID string) string {
	id, _ := doc["issuer"].(string)
	if m, ok := doc["issuer"].(map[string]any); ok {
		id, _ = m["id"].(string)
	}
	if strings.HasPrefix(id, "did:") {
		return func(keyID string) string { return id + "#" + keyID }
	}
	return func(keyID string) string { return s.deps.URLs.Key(p.ID, keyID) }
}

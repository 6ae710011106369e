package issuer

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// statusPosition turns an allocated slot into a list number and an index
// in it, through the list's keyed permutation, so that credentials issued
// one after the other sit far apart and the list reveals nothing of order.
func (s *Service) statusPosition(ctx context.Context, issuerID string, slot int64) (list, index int, err error) {
	list = int(slot / ob3.StatusListSize)
	perm, err := s.permutation(ctx, issuerID, list)
	if err != nil {
		return 0, 0, err
	}
	return list, perm.Apply(int(slot % ob3.StatusListSize)), nil
}

func (s *Service) permutation(ctx context.Context, issuerID string, list int) (*ob3.Permutation, error) {
	id := issuerID + ":" + strconv.Itoa(list)
	if p, ok := s.perms.Load(id); ok {
		return p.(*ob3.Permutation), nil
	}
	l, err := s.deps.Status.StatusList(ctx, issuerID, list)
	if err != nil {
		return nil, err
	}
	p, err := ob3.NewPermutation(l.Key, ob3.StatusListSize)
	if err != nil {
		return nil, err
	}
	s.perms.Store(id, p)
	return p, nil
}

// signedList is a published status list credential, the revision of the
// list it was built from, and when that revision was last read.
type signedList struct {
	rev     int64
	json    []byte
	checked time.Time
}

// statusFreshness is how long a status list read from the database is
// served without reading it again. A revocation in this process drops the
// cached list at once; one made by another process shows within this.
const statusFreshness = time.Second

func statusListKey(issuerID string, number int) string { return issuerID + ":" + strconv.Itoa(number) }

// didListKey caches the same list as issued by the issuer's DID.
func didListKey(issuerID string, number int) string { return statusListKey(issuerID, number) + ":did" }

// StatusListCredential returns the signed BitstringStatusListCredential of
// one of an issuer's lists, issued by its profile URL. It reads the list
// (one read by _id) at most once a second and rebuilds the signed document
// only when its revision changed, so a revocation made by any process is
// published within a second (at once in the process that made it). A list
// exists once a credential was placed in it.
func (s *Service) StatusListCredential(ctx context.Context, issuerID string, number int) ([]byte, error) {
	return s.statusListCredential(ctx, issuerID, number, false)
}

// DIDStatusListCredential is the same list issued by the issuer's did:web
// DID, which the credentials issued by the DID name; it exists once the
// issuer has a DID.
func (s *Service) DIDStatusListCredential(ctx context.Context, issuerID string, number int) ([]byte, error) {
	return s.statusListCredential(ctx, issuerID, number, true)
}

func (s *Service) statusListCredential(ctx context.Context, issuerID string, number int, byDID bool) ([]byte, error) {
	if number < 0 || !badges.ValidID(issuerID) {
		return nil, badges.Errorf(badges.ENOTFOUND, "Issuer %s has no status list %d.", issuerID, number)
	}
	key := statusListKey(issuerID, number)
	if byDID {
		key = didListKey(issuerID, number)
	}
	cached, _ := s.lists.Load(key)
	if c, ok := cached.(*signedList); ok && s.now().Sub(c.checked) < statusFreshness {
		return c.json, nil
	}
	l, err := s.deps.Status.FindStatusList(ctx, issuerID, number)
	if err != nil {
		return nil, err
	}
	if c, ok := cached.(*signedList); ok && c.rev == l.Rev {
		s.lists.Store(key, &signedList{rev: c.rev, json: c.json, checked: s.now()})
		return c.json, nil
	}
	p, err := s.deps.Profiles.Profile(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	if byDID && p.DID == "" {
		return nil, badges.Errorf(badges.ENOTFOUND, "Issuer %s has no did:web identifier.", issuerID)
	}
	body, err := s.buildStatusList(ctx, p, l, byDID)
	if err != nil {
		return nil, err
	}
	s.lists.Store(key, &signedList{rev: l.Rev, json: body, checked: s.now()})
	return body, nil
}

// buildStatusList signs a list as its issuer's profile URL, or as its DID.
func (s *Service) buildStatusList(ctx context.Context, p *Profile, l *StatusList, byDID bool) ([]byte, error) {
	bits := ob3.NewBitstring(ob3.StatusListSize)
	for _, i := range l.Revoked {
		if err := bits.Set(i, true); err != nil {
			return nil, fmt.Errorf("status list %s: %w", statusListKey(p.ID, l.Number), err)
		}
	}
	encoded, err := bits.Encode()
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	url, issuerID := s.deps.URLs.StatusList(p.ID, l.Number), s.deps.URLs.Issuer(p.ID)
	if byDID {
		url, issuerID = s.deps.URLs.DIDStatusList(p.ID, l.Number), p.DID
	}
	doc := &ob3.StatusListCredential{
		Context:   []string{ob3.ContextCredentialsV2},
		ID:        url,
		Type:      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer:    issuerID,
		ValidFrom: now.Format(time.RFC3339),
		CredentialSubject: ob3.StatusListSubject{ID: url + "#list", Type: "BitstringStatusList",
			StatusPurpose: "revocation", EncodedList: encoded},
	}
	// Signed with a Data Integrity proof, which every status-list reader
	// understands; some cannot read a list served only as a JWT.
	keys, err := s.deps.Keyring.Active(ctx, p.ID, p.JWTAlg)
	if err != nil {
		return nil, err
	}
	vm := s.deps.URLs.Key(p.ID, keys.DataIntegrity.ID)
	if byDID {
		vm = p.DID + "#" + keys.DataIntegrity.ID
	}
	body, err := s.proveDataIntegrity(ctx, doc, keys, vm, now)
	if err != nil {
		return nil, fmt.Errorf("sign status list: %w", err)
	}
	return body, nil
}

package issuer

import (
	"context"
	"time"
)

// SetClock makes the service read the time from now and wait with sleep.
func (s *Service) SetClock(now func() time.Time, sleep func(context.Context, time.Duration) error) {
	s.now, s.sleep = now, sleep
}

// Internals the tests of package issuer_test reach.
var (
	IdempotencyClaim = idempotencyClaim
	InFlightWait     = inFlightWait
	CountIssued      = countIssued
)

// The showcase arithmetic recordIssued does, for table tests.
type (
	Listed       = listing
	IssuedCounts = issuedCounts
)

// List is list, for the tests of package issuer_test.
func (m *MemberShowcase) List(entries []ShowcaseEntry) Listed { return m.list(entries) }

// SignDocument gives any document the issuer's Data Integrity proof, as
// its credentials and status lists get theirs.
func (s *Service) SignDocument(ctx context.Context, issuerID string, doc any) ([]byte, error) {
	p, err := s.deps.Profiles.Profile(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	keys, err := s.deps.Keyring.Active(ctx, p.ID, p.JWTAlg)
	if err != nil {
		return nil, err
	}
	return s.proveDataIntegrity(ctx, doc, keys, s.deps.URLs.VerificationMethod(p, keys.DataIntegrity.ID), s.now())
}

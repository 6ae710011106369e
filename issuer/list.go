package issuer

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// CredentialStatus is what a credential is at a moment: active, revoked,
// or expired (its validUntil has passed). Revoked wins over expired.
type CredentialStatus string

// The statuses a credential list may filter on.
const (
	CredentialActive  CredentialStatus = "active"
	CredentialRevoked CredentialStatus = "revoked"
	CredentialExpired CredentialStatus = "expired"
)

// CredentialFilter selects credentials of one issuer; empty fields select
// all. Credentials come newest first: by award date, then by id.
type CredentialFilter struct {
	IssuerID      string
	MemberID      string
	AchievementID string
	Status        CredentialStatus
	From, To      time.Time // awarded at or after From and at or before To; zero is open
	At            time.Time // the moment status is judged at (expired: validUntil before it)
	badges.ListOptions
}

// Validate checks the filter's values, naming the query parameter at
// fault.
func (f *CredentialFilter) Validate() error {
	switch f.Status {
	case "", CredentialActive, CredentialRevoked, CredentialExpired:
	default:
		return badges.FieldErrorf("status", "The query parameter \"status\" must be active, revoked or expired, not %q.", f.Status)
	}
	if f.MemberID != "" && !badges.ValidID(f.MemberID) {
		return badges.FieldErrorf("member", "The query parameter \"member\" is not a member id: %q.", f.MemberID)
	}
	if f.AchievementID != "" && !badges.ValidID(f.AchievementID) {
		return badges.FieldErrorf("achievement", "The query parameter \"achievement\" is not an achievement id: %q.", f.AchievementID)
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return badges.FieldErrorf("to", "The query parameter \"to\" is before \"from\".")
	}
	return f.Normalize()
}

// CredentialIndex keeps, per community, what credential lists filter on,
// so that a list never scans the credentials.
type CredentialIndex interface {
	// IndexCredentials lists credentials in their issuer's index, or
	// updates them there (a revocation); doing it again changes nothing.
	IndexCredentials(ctx context.Context, cs []*Credential) error
	// FindCredentials answers one page of a credential list.
	FindCredentials(ctx context.Context, f CredentialFilter) (*badges.Page[CredentialEntry], error)
}

// CredentialEntry is a credential as a list shows it, without its signed
// documents.
type CredentialEntry struct {
	ID            string
	IssuerID      string
	AchievementID string
	MemberID      string
	AwardedAt     time.Time
	ValidUntil    time.Time // zero: never expires
	RevokedAt     time.Time // zero while not revoked
}

// EntryStatus is the entry's status at a moment.
func EntryStatus(revokedAt, validUntil, at time.Time) CredentialStatus {
	switch {
	case !revokedAt.IsZero():
		return CredentialRevoked
	case !validUntil.IsZero() && !validUntil.After(at):
		return CredentialExpired
	}
	return CredentialActive
}

// CredentialSummary is a listed credential with the names a manager reads:
// the community's, the badge's and the member's.
type CredentialSummary struct {
	CredentialEntry
	Status          CredentialStatus
	IssuerName      string
	AchievementName string
	MemberName      string // empty when the member was deleted
}

// Credentials lists an issuer's credentials, newest first, one page at a
// time, with names. A member or achievement named in the filter must be
// the issuer's.
func (s *Service) Credentials(ctx context.Context, f CredentialFilter) (*badges.Page[*CredentialSummary], error) {
	if f.At.IsZero() {
		f.At = s.now()
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	issuerName, err := s.issuerName(ctx, f.IssuerID)
	if err != nil {
		return nil, err
	}
	names, err := s.filterNames(ctx, f)
	if err != nil {
		return nil, err
	}
	page, err := s.deps.Credentials.FindCredentials(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &badges.Page[*CredentialSummary]{Items: make([]*CredentialSummary, 0, len(page.Items)), Total: page.Total, NextCursor: page.NextCursor}
	if err := s.fillNames(ctx, names, f.IssuerID, page.Items); err != nil {
		return nil, err
	}
	for _, e := range page.Items {
		out.Items = append(out.Items, &CredentialSummary{CredentialEntry: e, Status: EntryStatus(e.RevokedAt, e.ValidUntil, f.At),
			IssuerName: issuerName, AchievementName: names.achievements[e.AchievementID], MemberName: names.members[e.MemberID]})
	}
	return out, nil
}

// listNames are the names of the achievements and members a page shows.
type listNames struct {
	achievements map[string]string
	members      map[string]string
}

// filterNames checks that the member and achievement the filter names are
// the issuer's, and starts the names with theirs.
func (s *Service) filterNames(ctx context.Context, f CredentialFilter) (*listNames, error) {
	n := &listNames{achievements: map[string]string{}, members: map[string]string{}}
	if f.AchievementID != "" {
		a, err := s.achievementName(ctx, f.AchievementID)
		if badges.ErrorCode(err) == badges.ENOTFOUND || (err == nil && a.issuerID != f.IssuerID) {
			return nil, &badges.Error{Code: badges.ENOTFOUND, Field: "achievement", Message: "Issuer " + f.IssuerID + " has no achievement " + quote(f.AchievementID) + "."}
		}
		if err != nil {
			return nil, err
		}
		n.achievements[f.AchievementID] = a.name
	}
	if f.MemberID != "" {
		m, err := s.deps.Members.MemberNames(ctx, f.IssuerID, []string{f.MemberID})
		if err != nil {
			return nil, err
		}
		if _, ok := m[f.MemberID]; !ok {
			return nil, &badges.Error{Code: badges.ENOTFOUND, Field: "member", Message: "Issuer " + f.IssuerID + " has no member " + quote(f.MemberID) + "."}
		}
		n.members = m
	}
	return n, nil
}

// fillNames adds to n the names of the achievements and members of
// entries it does not have yet: members from the community's member index
// in one pass, achievements by id (a page names few), each read at most
// once a second (see nameFreshness).
func (s *Service) fillNames(ctx context.Context, n *listNames, issuerID string, entries []CredentialEntry) error {
	var members []string
	for _, e := range entries {
		if _, ok := n.members[e.MemberID]; !ok {
			members = append(members, e.MemberID)
		}
		if _, ok := n.achievements[e.AchievementID]; ok {
			continue
		}
		a, err := s.achievementName(ctx, e.AchievementID)
		switch {
		case err == nil:
			n.achievements[e.AchievementID] = a.name
		case badges.ErrorCode(err) == badges.ENOTFOUND:
			n.achievements[e.AchievementID] = ""
		default:
			return err
		}
	}
	if len(members) == 0 {
		return nil
	}
	m, err := s.deps.Members.MemberNames(ctx, issuerID, members)
	for id, name := range m {
		n.members[id] = name
	}
	return err
}

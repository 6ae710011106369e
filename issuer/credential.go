package issuer

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// Credential is an issued Open Badges 3.0 credential as Laurel keeps it:
// the signed documents and what they were made from.
type Credential struct {
	ID                 string // also the last segment of its public URL
	IssuerID           string
	AchievementID      string
	AchievementVersion int
	AchievementLevel   string // the achievement's level when issued, for statistics
	MemberID           string
	AwardedAt          time.Time // when it was issued (validFrom)
	// AwardedDate is when the member earned it (awardedDate): for an
	// award by rule, when they met the rule. Zero in credentials issued
	// before it was kept, which were earned when issued (see Earned).
	AwardedDate      time.Time
	ValidUntil       time.Time // zero: never expires
	StatusList       int       // which of the issuer's revocation lists
	StatusIndex      int       // its position in that list
	JSON             []byte    // the credential with its Data Integrity proof
	JWT              string    // the same credential as a VC-JWT
	RevokedAt        time.Time // zero while valid
	RevocationReason string
	// ReasonPublic is the manager's choice to show the reason on public
	// pages; false (and so for credentials revoked before the choice
	// existed) keeps it to the admin API.
	ReasonPublic bool
	// Visibility is the member's choice of how it is shown (public until
	// they choose), AcceptedAt when they accepted it (zero until then).
	Visibility Visibility
	AcceptedAt time.Time
}

// Earned is when the member earned the credential: its awardedDate.
func (c *Credential) Earned() time.Time { return cmpOr(c.AwardedDate, c.AwardedAt) }

// cmpOr returns the first time that is not zero.
func cmpOr(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// Revoked reports whether the credential was revoked.
func (c *Credential) Revoked() bool { return !c.RevokedAt.IsZero() }

// CredentialStore keeps issued credentials.
type CredentialStore interface {
	CreateCredential(ctx context.Context, c *Credential) error
	// CreateCredentials stores many at once; the result says, per
	// credential, what failed (nil when stored).
	CreateCredentials(ctx context.Context, cs []*Credential) []error
	Credential(ctx context.Context, id string) (*Credential, error)
	// RevokeCredential marks a credential revoked; ECONFLICT when it was
	// already.
	RevokeCredential(ctx context.Context, id string, in badges.RevokeInput, at time.Time) (*Credential, error)
	CredentialIndex
	VisibilityStore
}

// StatusList is one of an issuer's revocation lists.
type StatusList struct {
	IssuerID string
	Number   int
	Key      []byte // keys the permutation that places credentials in the list
	Revoked  []int  // indexes set in the list
	Rev      int64  // changes with every revocation
}

// StatusStore allocates positions in revocation lists and records
// revocations.
type StatusStore interface {
	// AllocateStatus reserves n consecutive never-used slots of an issuer
	// and returns the first. Slot s lives in list s / StatusListSize.
	AllocateStatus(ctx context.Context, issuerID string, n int) (first int64, err error)
	// StatusList returns a list, creating it (with a random key) if needed.
	StatusList(ctx context.Context, issuerID string, number int) (*StatusList, error)
	// FindStatusList returns a list only if it exists: ENOTFOUND before a
	// credential was placed in it.
	FindStatusList(ctx context.Context, issuerID string, number int) (*StatusList, error)
	// SetRevoked marks an index of a list revoked.
	SetRevoked(ctx context.Context, issuerID string, number, index int) error
}

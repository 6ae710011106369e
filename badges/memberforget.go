package badges

import (
	"context"
	"fmt"
	"time"
)

// A member may ask to be forgotten. Their personal data goes — e-mail
// address, name, external id, slug and public profile, and the evidence
// and narratives of their activities — while what the community counts
// stays: the member remains as a nameless "Former member" with the same
// id, so that statistics, cohort counts and the activity log stay right,
// and the credentials issued to them stay valid and verifiable through
// the hashed recipient identity they were signed with. Their address is
// free again: coming back with it makes a new member.

// FormerMemberName is the name a forgotten member is shown by.
const FormerMemberName = "Former member"

// Forgotten reports whether the member asked to be forgotten.
func (m *Member) Forgotten() bool { return !m.ForgottenAt.IsZero() }

func (m *Member) forgottenError() error {
	return &Error{Code: ECONFLICT, Field: "member", Message: fmt.Sprintf("Member %s asked to be forgotten and can no longer be changed or awarded.", m.ID)}
}

// CheckAwardable refuses a member nothing may be awarded to any more.
func (m *Member) CheckAwardable() error {
	if m.Forgotten() {
		return m.forgottenError()
	}
	return nil
}

// Forget returns the member as they are kept once forgotten at now: no
// address, name, external id, slug or public profile. A member forgotten
// already is returned unchanged, so that forgetting is idempotent.
func (m *Member) Forget(now time.Time) *Member {
	if m.Forgotten() {
		return m
	}
	return &Member{ID: m.ID, IssuerID: m.IssuerID, DisplayName: FormerMemberName,
		CreatedAt: m.CreatedAt, UpdatedAt: now, ForgottenAt: now}
}

// MemberForgetter forgets members.
type MemberForgetter interface {
	// ForgetMember removes a member's personal data and frees their
	// address, slug and external id; the member is kept as Forget
	// returns it. Forgetting a forgotten member changes nothing.
	ForgetMember(ctx context.Context, id string) (*Member, error)
}

// ActivityScrubber removes the personal data of logged activities.
type ActivityScrubber interface {
	// ScrubActivities clears the evidence URL and narrative of the
	// activities with these ids; an id not logged is passed over.
	ScrubActivities(ctx context.Context, ids []string) error
}

// WalletCopyForgetter deletes the copies of a member's credentials
// issued to their wallets' holders (issuer/holder.go), which name the
// wallet's DID: personal data the credentials themselves do not hold.
type WalletCopyForgetter interface {
	ForgetMemberHolderCopies(ctx context.Context, memberID string) error
}

// Forgetter forgets members: the member (with their wallet's DID), the
// evidence and narratives of the activities their index lists, the
// copies of their credentials in wallets, the evidence links and
// endorsement notes their record keeps, and the words and links of the
// nominations and applications about them.
type Forgetter struct {
	Members     MemberForgetter
	Activities  ActivityStore
	Scrubber    ActivityScrubber
	Records     RecordStore
	Nominations NominationStore
	// WalletCopies deletes the member's wallet copies; nil where no
	// credential is ever copied to a wallet.
	WalletCopies WalletCopyForgetter
}

// NewForgetter returns the forgetter of the awarder's members.
func NewForgetter(a *Awarder, members MemberForgetter, scrubber ActivityScrubber, nominations NominationStore) *Forgetter {
	return &Forgetter{Members: members, Activities: a.Activities, Scrubber: scrubber, Records: a.Records, Nominations: nominations}
}

// Forget forgets a member. The member goes first, so that from then on
// nothing finds them by name or address; the evidence follows, and
// forgetting again (after a failure, or twice) finishes it.
func (f *Forgetter) Forget(ctx context.Context, memberID string) (*Member, error) {
	m, err := f.Members.ForgetMember(ctx, memberID)
	if err != nil {
		return nil, err
	}
	idx, err := f.Activities.ActivityIndex(ctx, memberID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(idx.Entries))
	for i, e := range idx.Entries {
		ids[i] = e.ID
	}
	if err := f.Scrubber.ScrubActivities(ctx, ids); err != nil {
		return nil, err
	}
	if err := f.scrubNominations(ctx, m); err != nil {
		return nil, err
	}
	if f.WalletCopies != nil {
		if err := f.WalletCopies.ForgetMemberHolderCopies(ctx, memberID); err != nil {
			return nil, err
		}
	}
	rec, err := f.Records.Record(ctx, memberID)
	if err != nil || rec == nil || !rec.personal() {
		return m, err
	}
	return m, f.Records.UpdateRecord(ctx, memberID, func(r *MemberRecord) error {
		r.scrub()
		return nil
	})
}

// scrubNominations clears the note and links of the nominations and
// applications about m: what a leader wrote of them, or they wrote of
// themselves. Decisions, dates and the decliner's reason stay, as the
// community's record of what it decided.
func (f *Forgetter) scrubNominations(ctx context.Context, m *Member) error {
	all, err := f.Nominations.Nominations(ctx, m.IssuerID, "")
	if err != nil {
		return err
	}
	for _, n := range all {
		if n.MemberID != m.ID || (n.Note == "" && len(n.Links) == 0) {
			continue
		}
		if _, err := f.Nominations.UpdateNomination(ctx, n.ID, func(n *Nomination) error {
			n.Note, n.Links = "", nil
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// personal reports whether the record keeps anything a member wrote or
// linked: evidence links of recent events, endorsement notes.
func (r *MemberRecord) personal() bool {
	for _, br := range r.Behaviours {
		for _, ev := range br.Recent {
			if ev.EvidenceURL != "" {
				return true
			}
		}
	}
	for _, e := range r.Endorsements {
		if e.Note != "" {
			return true
		}
	}
	return false
}

// scrub removes what personal reports.
func (r *MemberRecord) scrub() {
	for _, br := range r.Behaviours {
		for i := range br.Recent {
			br.Recent[i].EvidenceURL = ""
		}
	}
	for i := range r.Endorsements {
		r.Endorsements[i].Note = ""
	}
}

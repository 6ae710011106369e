package issuer

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// A member may ask for everything Laurel holds about them. MemberData
// gathers it from where each part is kept, every part read by the
// member's id or from documents kept per member, never by a scan of a
// large collection: the member, their credentials (through the
// community's credential index, each then by id), the endorsements their
// record keeps, their cohorts, the nominations of their community about
// them or by them (nominations are few), and their activities, which are
// read a page at a time as they are written out (EachActivity), so that
// a member with a long history costs bounded memory.

// MemberData is everything Laurel holds about one member, but their
// activities, which EachActivity reads.
type MemberData struct {
	Member       *badges.Member
	Credentials  []*MemberCredential
	Endorsements []badges.Endorsement // received, newest first
	Cohorts      []*badges.Cohort
	Nominations  []*badges.Nomination // about the member or by them
	// ActivitiesListed is how many activities the member's index lists
	// (EachActivity reads those); ActivitiesNotListed how many older ones
	// it dropped, which stay in the log and the record's counts.
	ActivitiesListed, ActivitiesNotListed int
}

// MemberCredential is a credential issued to the member, with its status.
type MemberCredential struct {
	*Credential
	Status          CredentialStatus
	AchievementName string
}

// MemberDataSources are where MemberData reads from.
type MemberDataSources struct {
	Issuing     *Service
	Members     badges.MemberService
	Activities  badges.ActivityStore
	Records     badges.RecordStore
	Nominations interface {
		Nominations(ctx context.Context, issuerID, status string) ([]*badges.Nomination, error)
	}
	Cohorts interface {
		MemberCohorts(ctx context.Context, memberID string) ([]*badges.Cohort, error)
	}
	Now func() time.Time
}

// ExportPage is how many activities EachActivity reads at once.
const ExportPage = 200

// MemberData gathers what Laurel holds about a member.
func (d *MemberDataSources) MemberData(ctx context.Context, memberID string) (*MemberData, error) {
	m, err := d.Members.Member(ctx, memberID)
	if err != nil {
		return nil, err
	}
	out := &MemberData{Member: m}
	if out.Credentials, err = d.credentials(ctx, m); err != nil {
		return nil, err
	}
	rec, err := d.Records.Record(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	if rec != nil {
		out.Endorsements = rec.Endorsements
	}
	if out.Cohorts, err = d.Cohorts.MemberCohorts(ctx, m.ID); err != nil {
		return nil, err
	}
	if out.Nominations, err = d.nominations(ctx, m); err != nil {
		return nil, err
	}
	idx, err := d.Activities.ActivityIndex(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	out.ActivitiesListed, out.ActivitiesNotListed = len(idx.Entries), idx.Dropped
	return out, nil
}

// credentials reads the member's credentials from the credential index, a
// page at a time, then each by id with its signed documents.
func (d *MemberDataSources) credentials(ctx context.Context, m *badges.Member) ([]*MemberCredential, error) {
	out := []*MemberCredential{}
	at := d.Now()
	f := CredentialFilter{IssuerID: m.IssuerID, MemberID: m.ID, At: at, ListOptions: badges.ListOptions{Limit: badges.MaxPageSize}}
	for {
		page, err := d.Issuing.Credentials(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, cs := range page.Items {
			c, err := d.Issuing.Credential(ctx, cs.ID)
			if err != nil {
				return nil, err
			}
			out = append(out, &MemberCredential{Credential: c, Status: EntryStatus(c.RevokedAt, c.ValidUntil, at), AchievementName: cs.AchievementName})
		}
		if page.NextCursor == "" {
			return out, nil
		}
		f.Cursor = page.NextCursor
	}
}

func (d *MemberDataSources) nominations(ctx context.Context, m *badges.Member) ([]*badges.Nomination, error) {
	all, err := d.Nominations.Nominations(ctx, m.IssuerID, "")
	if err != nil {
		return nil, err
	}
	out := []*badges.Nomination{}
	for _, n := range all {
		if n.MemberID == m.ID || n.NominatorID == m.ID {
			out = append(out, n)
		}
	}
	return out, nil
}

// EachActivity reads the activities the member's index lists, newest
// first, ExportPage at a time, from the log by id, and hands each page
// to fn.
func (d *MemberDataSources) EachActivity(ctx context.Context, memberID string, fn func([]badges.LoggedActivity) error) error {
	idx, err := d.Activities.ActivityIndex(ctx, memberID)
	if err != nil {
		return err
	}
	for start := 0; start < len(idx.Entries); start += ExportPage {
		entries := idx.Entries[start:min(start+ExportPage, len(idx.Entries))]
		ids := make([]string, len(entries))
		for i, e := range entries {
			ids[i] = e.ID
		}
		logged, err := d.Activities.Logged(ctx, ids)
		if err != nil {
			return err
		}
		page := make([]badges.LoggedActivity, 0, len(ids))
		for _, id := range ids {
			if l, ok := logged[id]; ok {
				page = append(page, l)
			}
		}
		if err := fn(page); err != nil {
			return err
		}
	}
	return nil
}

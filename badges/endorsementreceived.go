package badges

import (
	"context"
	"time"
)

// ReceivedEndorsement is an endorsement a member received, as the member
// and their community's admins read it.
type ReceivedEndorsement struct {
	FromID string // the endorsing member
	From   string // their display name; "A former member" when they are gone
	At     time.Time
	Note   string
}

// formerMember names an endorser who is no member any more.
const formerMember = "A former member"

// EndorsementsReceived lists the newest endorsements a member received,
// at most limit (and at most MaxRecordEndorsements, which the record
// keeps), with the total the record holds. It reads the member's record
// and each endorser shown by id: a page shows a few.
func (a *Awarder) EndorsementsReceived(ctx context.Context, memberID string, limit int) ([]ReceivedEndorsement, int, error) {
	rec, err := a.Records.Record(ctx, memberID)
	if err != nil || rec == nil {
		return nil, 0, err
	}
	shown := rec.Endorsements[:min(max(limit, 0), len(rec.Endorsements))]
	names := map[string]string{}
	out := make([]ReceivedEndorsement, len(shown))
	for i, e := range shown {
		name, ok := names[e.From]
		if !ok {
			if name, err = a.endorserName(ctx, e.From); err != nil {
				return nil, 0, err
			}
			names[e.From] = name
		}
		out[i] = ReceivedEndorsement{FromID: e.From, From: name, At: e.At, Note: e.Note}
	}
	return out, len(rec.Endorsements), nil
}

// endorserName is a member's display name, or formerMember when they are
// gone.
func (a *Awarder) endorserName(ctx context.Context, memberID string) (string, error) {
	m, err := a.Members.Member(ctx, memberID)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return formerMember, nil
	case err != nil:
		return "", err
	}
	return m.DisplayName, nil
}

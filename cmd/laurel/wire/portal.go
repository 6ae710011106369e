package wire

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// NewMemberSessions returns the member portal's sign-in service on the
// stores: members are found by address in every community, each through
// its key document.
func NewMemberSessions(st *Stores, now func() time.Time) *badges.MemberSessions {
	return badges.NewMemberSessions(badges.MemberSessionsDeps{
		Store:       st.Portal,
		Limits:      st.Accounts.Limits,
		Communities: communityIDs(st),
		MemberByEmail: func(ctx context.Context, issuerID, email string) (*badges.Member, error) {
			p, err := st.Members.Members(ctx, badges.MemberFilter{IssuerID: issuerID, Email: email})
			if err != nil || len(p.Items) == 0 {
				return nil, err
			}
			return p.Items[0], nil
		},
		Member: st.Members.Member,
		Now:    now,
	})
}

// communityIDs lists every community's id, page by page: communities are
// few, and read whole.
func communityIDs(st *Stores) func(context.Context) ([]string, error) {
	return func(ctx context.Context) ([]string, error) {
		var ids []string
		o := badges.ListOptions{Limit: badges.MaxPageSize}
		for {
			p, err := st.Profiles.Profiles(ctx, o)
			if err != nil {
				return nil, err
			}
			for _, pr := range p.Items {
				ids = append(ids, pr.ID)
			}
			if p.NextCursor == "" {
				return ids, nil
			}
			o.Cursor = p.NextCursor
		}
	}
}

package badges

import (
	"context"
	"strings"
)

// What a leader sees of their community to act on: peers found by name,
// and the badges they may nominate for. A leader sees names only, never
// an e-mail address, and a search matches names only, so that it cannot
// tell which address a member has.

// Peer is a member as a leader sees them.
type Peer struct{ ID, Name string }

// MaxPeersFound bounds a search for peers.
const MaxPeersFound = 20

// FindPeers finds up to MaxPeersFound members of the leader's community
// whose name contains q (accents and case aside), the leader excepted,
// from the community's member index. A search that matches more says so
// (more).
func (l *Leaders) FindPeers(ctx context.Context, issuerID, leaderID, q string) (found []Peer, more bool, err error) {
	folded, err := CheckQuery(q)
	if err != nil || folded == "" {
		return nil, false, err
	}
	f := MemberFilter{IssuerID: issuerID, Query: folded, ListOptions: ListOptions{Limit: MaxPageSize}}
	for range 5 { // bounds the pages read when many match by address only
		page, err := l.Awarder.Members.Members(ctx, f)
		if err != nil {
			return nil, false, err
		}
		for _, m := range page.Items {
			if m.ID == leaderID || !strings.Contains(FoldSearch(m.DisplayName), folded) {
				continue
			}
			if len(found) == MaxPeersFound {
				return found, true, nil
			}
			found = append(found, Peer{ID: m.ID, Name: m.DisplayName})
		}
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			break
		}
	}
	return found, false, nil
}

// Peer is a member of the leader's community to act on; ENOTFOUND for
// anyone else, the leader included.
func (l *Leaders) Peer(ctx context.Context, issuerID, leaderID, memberID string) (Peer, error) {
	notFound := &Error{Code: ENOTFOUND, Field: "memberId", Message: "No such member in this community; find them by name."}
	if memberID == leaderID || !ValidID(memberID) {
		return Peer{}, notFound
	}
	m, err := l.Awarder.Members.Member(ctx, memberID)
	switch {
	case ErrorCode(err) == ENOTFOUND || err == nil && m.IssuerID != issuerID:
		return Peer{}, notFound
	case err != nil:
		return Peer{}, err
	}
	return Peer{ID: m.ID, Name: m.DisplayName}, nil
}

// Badges are the community's active badges: those a leader may nominate
// for, and, with GrantsLeadership, those that make a leader.
func (l *Leaders) Badges(ctx context.Context, issuerID string) ([]*Achievement, error) {
	var out []*Achievement
	f := AchievementFilter{IssuerID: issuerID, Status: StatusActive, ListOptions: ListOptions{Limit: MaxPageSize}}
	for {
		page, err := l.Awarder.Achievements.Achievements(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			return out, nil
		}
	}
}

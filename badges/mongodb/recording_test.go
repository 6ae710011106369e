package mongodb_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// unreadableMember is a member service that cannot read one member.
type unreadableMember struct {
	badges.MemberService
	id  string
	err error
}

func (s unreadableMember) Member(ctx context.Context, id string) (*badges.Member, error) {
	if id == s.id {
		return nil, s.err
	}
	return s.MemberService.Member(ctx, id)
}

// TestAwarder_RecordRejectsOnTheFieldAtFault: an activity whose member or
// peer is not in the community is rejected on the field that named them;
// a store that cannot read the peer is a failure, not a rejection.
func TestAwarder_RecordRejectsOnTheFieldAtFault(t *testing.T) {
	db := mongotest.NewDB(t)
	aw := newBatchAwarder(db)
	ms := mongodb.NewMemberService(db)
	ada := mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada", ExternalID: "u-1"}).ID
	other := mustCreateMember(t, ms, issuerB, badges.MemberInput{Email: "bob@example.org", DisplayName: "Bob"}).ID
	broken := mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: "cy@example.org", DisplayName: "Cy"}).ID
	storeDown := errors.New("the members collection cannot be read")
	aw.Members = unreadableMember{MemberService: ms, id: broken, err: storeDown}
	act := badges.Activity{Behaviour: "mentored-member", At: time.Now().Add(-time.Minute)}
	with := func(in badges.ActivityInput) badges.ActivityInput {
		in.Activity.Behaviour, in.Activity.At = act.Behaviour, act.At
		return in
	}
	for _, tc := range []struct {
		name  string
		in    badges.ActivityInput
		field string
	}{
		{"unknown memberId", with(badges.ActivityInput{Activity: badges.Activity{MemberID: "aaaaaaaaaaaaaaaaaaaa"}}), "memberId"},
		{"memberId of another community", with(badges.ActivityInput{Activity: badges.Activity{MemberID: other}}), "memberId"},
		{"unknown email", with(badges.ActivityInput{Email: "nobody@example.org"}), badges.FieldEmail},
		{"unknown externalId", with(badges.ActivityInput{ExternalID: "u-404"}), badges.FieldExternalID},
		{"unknown peerId", with(badges.ActivityInput{Activity: badges.Activity{MemberID: ada, PeerID: "aaaaaaaaaaaaaaaaaaaa"}}), "peerId"},
		{"peerId of another community", with(badges.ActivityInput{Activity: badges.Activity{MemberID: ada, PeerID: other}}), "peerId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := aw.Record(t.Context(), issuerA, []badges.ActivityInput{tc.in})
			if err != nil {
				t.Fatal(err)
			}
			if r := res[0]; r.Outcome != badges.ActivityRejected || badges.ErrorCode(r.Err) != badges.EINVALID || badges.ErrorField(r.Err) != tc.field {
				t.Fatalf("got %+v (%v); want rejected on %s", r, r.Err, tc.field)
			}
		})
	}
	t.Run("peer unreadable", func(t *testing.T) {
		res, err := aw.Record(t.Context(), issuerA, []badges.ActivityInput{with(badges.ActivityInput{Activity: badges.Activity{MemberID: ada, PeerID: broken}})})
		if err != nil {
			t.Fatal(err)
		}
		if r := res[0]; r.Outcome != badges.ActivityRejected || !errors.Is(r.Err, storeDown) || badges.ErrorCode(r.Err) != badges.EINTERNAL {
			t.Fatalf("got %+v (%v); want the store's failure", r, r.Err)
		}
	})
}

// countingMembers counts the members read one by one, and can have its
// member index refuse to answer.
type countingMembers struct {
	badges.MemberService
	mu      sync.Mutex
	read    map[string]int
	noIndex error
}

func (s *countingMembers) Member(ctx context.Context, id string) (*badges.Member, error) {
	s.mu.Lock()
	s.read[id]++
	s.mu.Unlock()
	return s.MemberService.Member(ctx, id)
}

func (s *countingMembers) MemberNames(ctx context.Context, issuerID string, ids []string) (map[string]string, error) {
	if s.noIndex != nil {
		return nil, s.noIndex
	}
	return s.MemberService.MemberNames(ctx, issuerID, ids)
}

// TestAwarder_RecordFindsMembersInTheIndex: members named by id are
// found together in the community's member index, not read one by one;
// ids the index lacks (another community's member, a deleted member, no
// member) are read and rejected as before, and so is every id when the
// index cannot answer.
func TestAwarder_RecordFindsMembersInTheIndex(t *testing.T) {
	db := mongotest.NewDB(t)
	ms := mongodb.NewMemberService(db)
	if _, err := ms.RebuildIndex(t.Context()); err != nil { // the index of no members, ready
		t.Fatal(err)
	}
	var ours []string
	for _, email := range []string{"ada@example.org", "bea@example.org", "cy@example.org"} {
		ours = append(ours, mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: email, DisplayName: email[:3]}).ID)
	}
	other := mustCreateMember(t, ms, issuerB, badges.MemberInput{Email: "bob@example.org", DisplayName: "Bob"}).ID
	gone := mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: "dan@example.org", DisplayName: "Dan"}).ID
	if err := ms.DeleteMember(t.Context(), gone); err != nil {
		t.Fatal(err)
	}
	rejected := []string{other, gone, "aaaaaaaaaaaaaaaaaaaa"}
	batch := func() []badges.ActivityInput {
		var ins []badges.ActivityInput
		for _, id := range append(append([]string{ours[0]}, ours...), rejected...) {
			ins = append(ins, badges.ActivityInput{Activity: badges.Activity{MemberID: id, Behaviour: "mentored-member", At: time.Now().Add(-time.Minute)}})
		}
		return ins
	}
	for _, tc := range []struct {
		name    string
		noIndex error
	}{
		{"index", nil},
		{"index unavailable", badges.Errorf(badges.EUNAVAILABLE, "The member index is being built; try again in a minute.")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			aw := newBatchAwarder(db)
			counted := &countingMembers{MemberService: ms, read: map[string]int{}, noIndex: tc.noIndex}
			aw.Members = counted
			res, err := aw.Record(t.Context(), issuerA, batch())
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				switch id := batch()[i].MemberID; {
				case slices.Contains(rejected, id):
					if r.Outcome != badges.ActivityRejected || badges.ErrorField(r.Err) != "memberId" {
						t.Errorf("activity %d (%s): %+v, want rejected on memberId", i, id, r)
					}
				case r.Outcome != badges.ActivityRecorded || r.MemberID != id:
					t.Errorf("activity %d (%s): %+v (%v), want recorded", i, id, r, r.Err)
				}
			}
			for _, id := range ours {
				if n := counted.read[id]; (n == 0) != (tc.noIndex == nil) {
					t.Errorf("member %s read %d times", id, n)
				}
			}
			for _, id := range rejected {
				if counted.read[id] == 0 {
					t.Errorf("member %s, not in the index, was not read", id)
				}
			}
		})
	}
}

package mongodb_test

import (
	"context"
	"errors"
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

package mongodb_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// failingStart is a batch journal that cannot journal a batch while err
// is set.
type failingStart struct {
	badges.BatchStore
	err error
}

func (s *failingStart) StartBatch(ctx context.Context, b badges.Batch) error {
	if s.err != nil {
		return s.err
	}
	return s.BatchStore.StartBatch(ctx, b)
}

// failingUpdate is a record store that cannot update one member's record
// while err is set.
type failingUpdate struct {
	badges.RecordStore
	memberID string

	mu  sync.Mutex
	err error
}

func (s *failingUpdate) UpdateRecord(ctx context.Context, memberID string, change func(*badges.MemberRecord) error) error {
	s.mu.Lock()
	err := s.err
	s.mu.Unlock()
	if err != nil && memberID == s.memberID {
		return err
	}
	return s.RecordStore.UpdateRecord(ctx, memberID, change)
}

func (s *failingUpdate) heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = nil
}

// TestAwarder_EndorseAgainAfterAFailure: an endorsement whose second write
// (the endorser's activity) fails is finished when it is sent again, the
// endorsement and the activity counted once each; sending it once more is
// a second endorsement that day, refused.
func TestAwarder_EndorseAgainAfterAFailure(t *testing.T) {
	cut := errors.New("the process died")
	for _, tc := range []struct {
		name string
		fail func(f *nominationFixture) (heal func())
	}{
		{"before the activity is logged", func(f *nominationFixture) func() {
			batches := &failingStart{BatchStore: f.awarder.Batches, err: cut}
			f.awarder.Batches = batches
			return func() { batches.err = nil }
		}},
		{"before the endorser's record has the activity", func(f *nominationFixture) func() {
			records := &failingUpdate{RecordStore: f.awarder.Records, memberID: f.leader, err: cut}
			f.awarder.Records = records
			return records.heal
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newNominationFixture(t, 1)
			ctx := t.Context()
			in := badges.EndorseInput{EndorserID: f.leader, MemberID: f.members[0], Note: "Great workshop."}
			heal := tc.fail(f)
			if _, err := f.awarder.Endorse(ctx, issuerA, in); !errors.Is(err, cut) {
				t.Fatalf("endorse with the second write failing = %v; want the failure", err)
			}
			heal()
			if _, err := f.awarder.Endorse(ctx, issuerA, in); err != nil {
				t.Fatalf("endorse again = %v; want the endorsement finished", err)
			}
			if _, err := f.awarder.Endorse(ctx, issuerA, in); badges.ErrorCode(err) != badges.ECONFLICT {
				t.Fatalf("endorse once more = %v; want a conflict", err)
			}
			endorsed, err := f.awarder.Records.Record(ctx, f.members[0])
			if err != nil || len(endorsed.Endorsements) != 1 {
				t.Fatalf("endorsed member's record: %+v, %v; want one endorsement", endorsed, err)
			}
			endorser, err := f.awarder.Records.Record(ctx, f.leader)
			if err != nil || endorser == nil || endorser.Behaviours[badges.BehaviourEndorsement] == nil ||
				endorser.Behaviours[badges.BehaviourEndorsement].Count != 1 {
				t.Fatalf("endorser's record: %+v, %v; want one endorsed-peer activity", endorser, err)
			}
		})
	}
}

// TestAwarder_EndorseWithUnreadableHoldings: an endorser whose badge
// cannot be read gets the store's error, not a refusal saying they hold
// no leadership badge.
func TestAwarder_EndorseWithUnreadableHoldings(t *testing.T) {
	f := newNominationFixture(t, 1)
	ctx := t.Context()
	held, err := f.awarder.Holdings(ctx, f.leader)
	if err != nil || len(held) != 1 {
		t.Fatalf("the leader's holdings: %v, %v", held, err)
	}
	storeDown := errors.New("the achievements collection cannot be read")
	for id := range held {
		f.awarder.Achievements = unreadableAchievement{AchievementService: f.awarder.Achievements, id: id, err: storeDown}
	}
	in := badges.EndorseInput{EndorserID: f.leader, MemberID: f.members[0], Note: "Great workshop."}
	if _, err := f.awarder.Endorse(ctx, issuerA, in); !errors.Is(err, storeDown) {
		t.Fatalf("endorse = %v; want the store's error", err)
	}
}

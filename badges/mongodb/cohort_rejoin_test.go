package mongodb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// revOf is the revision of a computed document: how many times it was
// written.
func revOf(tb testing.TB, db *database.DB, collection, id string) int64 {
	tb.Helper()
	var d struct {
		Rev int64 `bson:"rev"`
	}
	if err := db.Collection(collection).FindOne(context.Background(), database.ByID(id)).Decode(&d); err != nil {
		tb.Fatalf("read %s %s: %v", collection, id, err)
	}
	return d.Rev
}

// TestCohortStore_JoinAgainWritesNothing: joining a cohort one is in, or
// leaving one one is not in, writes neither the cohort's member list (up
// to 50,000 ids) nor the member's cohort list.
func TestCohortStore_JoinAgainWritesNothing(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	s := mongodb.NewCohortStore(db)
	c, other := newCohort("iss", "Spring"), newCohort("iss", "Autumn")
	for _, x := range []*badges.Cohort{c, other} {
		if err := s.CreateCohort(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	if errs, err := s.JoinCohort(ctx, c.ID, []string{"ada", "bob"}); err != nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("JoinCohort: %v, %v", errs, err)
	}
	if errs, err := s.JoinCohort(ctx, other.ID, []string{"bob"}); err != nil || errs[0] != nil {
		t.Fatalf("JoinCohort: %v, %v", errs, err)
	}
	list, ada := revOf(t, db, database.CohortMembers, c.ID), revOf(t, db, database.MemberCohorts, "ada")
	if errs, err := s.JoinCohort(ctx, c.ID, []string{"ada"}); err != nil || errs[0] != nil {
		t.Fatalf("joining again: %v, %v", errs, err)
	}
	if err := s.LeaveCohort(ctx, other.ID, "ada"); err != nil {
		t.Fatalf("leaving a cohort Ada is not in: %v", err)
	}
	if got := revOf(t, db, database.CohortMembers, c.ID); got != list {
		t.Errorf("joining again wrote the cohort's member list: revision %d, then %d", list, got)
	}
	if got := revOf(t, db, database.MemberCohorts, "ada"); got != ada {
		t.Errorf("joining again or leaving a cohort not joined wrote the member's cohorts: revision %d, then %d", ada, got)
	}
	if m, err := s.CohortMembers(ctx, c.ID); err != nil || fmt.Sprint(m) != "[ada bob]" {
		t.Fatalf("CohortMembers: %v, %v", m, err)
	}
}

// rejoinFixture is a community with a cohort of size members, one of them
// a real member whose activities name the cohort.
type rejoinFixture struct {
	db     *database.DB
	aw     *badges.Awarder
	cohort *badges.Cohort
	member string
}

func newRejoinFixture(tb testing.TB, size int) *rejoinFixture {
	tb.Helper()
	ctx := context.Background()
	db := mongotest.NewDB(tb)
	f := &rejoinFixture{db: db, aw: newBatchAwarder(db)}
	store := mongodb.NewCohortStore(db)
	cs := badges.NewCohorts(store, f.aw)
	var err error
	if f.cohort, err = cs.Create(ctx, issuerA, "Spring"); err != nil {
		tb.Fatal(err)
	}
	f.member = mustCreateMember(tb, mongodb.NewMemberService(db), issuerA, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada"}).ID
	for lo := 1; lo < size; lo += badges.MaxCohortJoin {
		var ids []string
		for i := lo; i < min(size, lo+badges.MaxCohortJoin); i++ {
			ids = append(ids, fmt.Sprintf("member-%06d", i))
		}
		if _, err := store.JoinCohort(ctx, f.cohort.ID, ids); err != nil {
			tb.Fatal(err)
		}
	}
	f.record(tb, "first")
	return f
}

// record records one activity of the member naming the cohort, in
// another case than its name.
func (f *rejoinFixture) record(tb testing.TB, event string) {
	tb.Helper()
	res, err := f.aw.Record(context.Background(), issuerA, []badges.ActivityInput{{Activity: badges.Activity{MemberID: f.member,
		Behaviour: "attended-session", At: time.Now().Add(-time.Hour), SourceEventID: event, Cohort: "SPRING"}}})
	if err != nil || res[0].Outcome != badges.ActivityRecorded {
		tb.Fatalf("record %s: %+v, %v", event, res, err)
	}
}

// TestAwarder_ActivityCohortRejoin: an activity naming a cohort its member
// is in already writes neither membership list, and the member stays in
// the cohort and their record.
func TestAwarder_ActivityCohortRejoin(t *testing.T) {
	f := newRejoinFixture(t, 3)
	list, mine := revOf(t, f.db, database.CohortMembers, f.cohort.ID), revOf(t, f.db, database.MemberCohorts, f.member)
	f.record(t, "again")
	if got := revOf(t, f.db, database.CohortMembers, f.cohort.ID); got != list {
		t.Errorf("an activity of a member of the cohort wrote its member list: revision %d, then %d", list, got)
	}
	if got := revOf(t, f.db, database.MemberCohorts, f.member); got != mine {
		t.Errorf("an activity of a member of the cohort wrote their cohorts: revision %d, then %d", mine, got)
	}
	ids, err := f.aw.Cohorts().CohortMembers(t.Context(), f.cohort.ID)
	if err != nil || len(ids) != 3 {
		t.Fatalf("the cohort's members: %v, %v", ids, err)
	}
	rec, err := f.aw.Records.Record(t.Context(), f.member)
	if err != nil || !rec.InCohort(f.cohort.ID) {
		t.Fatalf("the member's record: %+v, %v", rec, err)
	}
}

// BenchmarkCohorts_ActivityRejoin records one activity naming a cohort
// its member is in already, as an integration does with every event, in
// a cohort of 10,000 and of 50,000 members.
func BenchmarkCohorts_ActivityRejoin(b *testing.B) {
	for _, size := range []int{10000, 50000} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			f := newRejoinFixture(b, size)
			b.ResetTimer()
			for n := range b.N {
				f.record(b, fmt.Sprint("e", n))
			}
		})
	}
}

// countedReads is a cohort store that counts the reads of a cohort with
// its member count, which read the cohort's whole member list.
type countedReads struct {
	*mongodb.CohortStore
	n int
}

func (s *countedReads) CohortByName(ctx context.Context, issuerID, name string) (*badges.Cohort, error) {
	s.n++
	return s.CohortStore.CohortByName(ctx, issuerID, name)
}

func (s *countedReads) Cohort(ctx context.Context, id string) (*badges.Cohort, error) {
	s.n++
	return s.CohortStore.Cohort(ctx, id)
}

// TestAwarder_ActivityCohortNoCount: recording an activity that names a
// cohort, with a rule saved before cohorts had ids naming it, reads no
// cohort's member list to count it.
func TestAwarder_ActivityCohortNoCount(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	aw := newBatchAwarder(db)
	store := &countedReads{CohortStore: mongodb.NewCohortStore(db)}
	cs := badges.NewCohorts(store, aw)
	if _, err := cs.Create(ctx, issuerA, "Spring"); err != nil {
		t.Fatal(err)
	}
	legacy := mustParseRule(t, `{"condition":{"cohort":{"name":"spring"}}}`)
	if err := mongodb.NewRuleStore(db).SetRule(ctx, issuerA, badges.NewID(), legacy); err != nil {
		t.Fatal(err)
	}
	f := &rejoinFixture{db: db, aw: aw}
	f.member = mustCreateMember(t, mongodb.NewMemberService(db), issuerA, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada"}).ID
	store.n = 0
	f.record(t, "joins")
	f.record(t, "again")
	if store.n != 0 {
		t.Errorf("recording read %d cohorts with their member counts", store.n)
	}
}

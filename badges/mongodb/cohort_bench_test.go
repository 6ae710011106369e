package mongodb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// benchCohort is a cohort of n members.
func benchCohort(b *testing.B, n int) (*mongodb.CohortStore, string) {
	b.Helper()
	ctx := context.Background()
	s := mongodb.NewCohortStore(mongotest.NewDB(b))
	c := newCohort("iss", "Spring")
	if err := s.CreateCohort(ctx, c); err != nil {
		b.Fatal(err)
	}
	for lo := 0; lo < n; lo += badges.MaxCohortJoin {
		var ids []string
		for i := lo; i < min(n, lo+badges.MaxCohortJoin); i++ {
			ids = append(ids, fmt.Sprintf("member-%06d", i))
		}
		if _, err := s.JoinCohort(ctx, c.ID, ids); err != nil {
			b.Fatal(err)
		}
	}
	return s, c.ID
}

// BenchmarkCohortStore_CohortMembers reads the member list of a cohort of
// 10,000, as statistics and the spotlight scoped to a cohort do.
func BenchmarkCohortStore_CohortMembers(b *testing.B) {
	s, id := benchCohort(b, 10000)
	b.ResetTimer()
	for range b.N {
		if ids, err := s.CohortMembers(context.Background(), id); err != nil || len(ids) != 10000 {
			b.Fatal(len(ids), err)
		}
	}
}

// BenchmarkCohortStore_Join1000 adds 1,000 members at once to a cohort of
// 10,000: one write per member's list, one of the cohort's.
func BenchmarkCohortStore_Join1000(b *testing.B) {
	s, id := benchCohort(b, 10000)
	b.ResetTimer()
	for n := range b.N {
		ids := make([]string, badges.MaxCohortJoin)
		for i := range ids {
			ids[i] = fmt.Sprintf("new-%d-%04d", n, i)
		}
		if _, err := s.JoinCohort(context.Background(), id, ids); err != nil {
			b.Fatal(err)
		}
	}
}

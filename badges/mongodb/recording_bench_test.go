package mongodb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// unindexed is an activity log that keeps no activity index, to measure
// what the index costs a batch.
type unindexed struct{ *mongodb.ActivityStore }

func (unindexed) IndexActivities(context.Context, string, []badges.Activity) error { return nil }

// BenchmarkRecordActivities records batches of 1,000 activities of random
// members of a 2,000-member community, through the awarder on the
// embedded engine, with the activity index written (index) and without
// it (no-index), so that one run compares them on the same machine.
func BenchmarkRecordActivities(b *testing.B) {
	for _, tc := range []struct {
		name    string
		indexed bool
	}{{"index", true}, {"no-index", false}} {
		b.Run(tc.name, func(b *testing.B) {
			db := mongotest.NewDB(b)
			aw := newBatchAwarder(db)
			if !tc.indexed {
				aw.Activities = unindexed{mongodb.NewActivityStore(db)}
			}
			ids := benchMembers(b, mongodb.NewMemberService(db), 2000)
			behaviours := []string{"attended-session", "posted", "replied", "shared-resource", "hosted-session"}
			rnd := rand.New(rand.NewPCG(7, 11))
			now := time.Now().UTC()
			const batch = 1000
			for b.Loop() {
				ins := make([]badges.ActivityInput, batch)
				for j := range ins {
					ins[j] = badges.ActivityInput{Activity: badges.Activity{MemberID: ids[rnd.IntN(len(ids))],
						Behaviour: behaviours[rnd.IntN(len(behaviours))], At: now.Add(-time.Duration(rnd.IntN(120*24)) * time.Hour)}}
				}
				if _, err := aw.Record(b.Context(), issuerA, ins); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "activities/s")
		})
	}
}

// benchMembers imports n members and returns their ids.
func benchMembers(b *testing.B, ms *mongodb.MemberService, n int) []string {
	b.Helper()
	rows := make([]badges.ImportRow, n)
	for i := range rows {
		rows[i] = badges.ImportRow{Line: i + 2, Input: badges.MemberInput{Email: fmt.Sprintf("m%d@example.org", i), DisplayName: fmt.Sprint("Member ", i)}}
	}
	rep, err := ms.ImportMembers(b.Context(), issuerA, rows, false)
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, 0, n)
	for _, r := range rep.Rows {
		if r.MemberID != "" {
			ids = append(ids, r.MemberID)
		}
	}
	if len(ids) != n {
		b.Fatalf("imported %d members of %d", len(ids), n)
	}
	return ids
}

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
// members of a 2,000-member community through the awarder on the embedded
// engine, twice over: on one database with the activity index written, on
// another without it, a batch on each in turn (each first every other
// time), so that a machine whose
// load changes slows both alike. It reports both rates and what the index
// costs, in per cent of the time without it.
func BenchmarkRecordActivities(b *testing.B) {
	indexed, unindexedDB := mongotest.NewDB(b), mongotest.NewDB(b)
	with, without := newBatchAwarder(indexed), newBatchAwarder(unindexedDB)
	without.Activities = unindexed{mongodb.NewActivityStore(unindexedDB)}
	withIDs := benchMembers(b, mongodb.NewMemberService(indexed), 2000)
	withoutIDs := benchMembers(b, mongodb.NewMemberService(unindexedDB), 2000)
	behaviours := []string{"attended-session", "posted", "replied", "shared-resource", "hosted-session"}
	rnd := rand.New(rand.NewPCG(7, 11))
	now := time.Now().UTC()
	const batch = 1000
	var tookWith, tookWithout time.Duration
	n := 0
	record := func(aw *badges.Awarder, ids []string, picks []int, kinds []int) time.Duration {
		ins := make([]badges.ActivityInput, batch)
		for j := range ins {
			ins[j] = badges.ActivityInput{Activity: badges.Activity{MemberID: ids[picks[j]], Behaviour: behaviours[kinds[j]],
				At: now.Add(-time.Duration(picks[j]%(120*24)) * time.Hour)}}
		}
		start := time.Now()
		if _, err := aw.Record(b.Context(), issuerA, ins); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	for b.Loop() {
		picks, kinds := make([]int, batch), make([]int, batch)
		for j := range picks {
			picks[j], kinds[j] = rnd.IntN(len(withIDs)), rnd.IntN(len(behaviours))
		}
		if n%2 == 0 { // each first in turn, should going first cost
			tookWith += record(with, withIDs, picks, kinds)
			tookWithout += record(without, withoutIDs, picks, kinds)
		} else {
			tookWithout += record(without, withoutIDs, picks, kinds)
			tookWith += record(with, withIDs, picks, kinds)
		}
		n++
	}
	b.ReportMetric(float64(batch*b.N)/tookWith.Seconds(), "indexed-activities/s")
	b.ReportMetric(float64(batch*b.N)/tookWithout.Seconds(), "unindexed-activities/s")
	b.ReportMetric(100*(tookWith.Seconds()/tookWithout.Seconds()-1), "index-cost-%")
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

package wire_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/eventtest"
)

// BenchmarkAward_Events awards a repeatable badge without a publisher and
// with one that keeps events in memory. The difference is what causing an
// event costs an award besides the publisher's own write (one insert in
// the webhook outbox, measured there): building the event and one Publish
// call, which the publishes/op metric counts.
func BenchmarkAward_Events(b *testing.B) {
	for _, name := range []string{"none", "publisher"} {
		b.Run(name, func(b *testing.B) {
			f := newEventFixture(b)
			rep := f.badge(b, badges.AchievementInput{Name: "Regular", Status: badges.StatusActive, Repeatable: true})
			rec := &eventtest.Recorder{}
			if name == "none" {
				f.l.Events.Use(nil)
			} else {
				f.l.Events.Use(rec)
			}
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				in := badges.AwardInput{AchievementID: rep.ID, MemberID: f.ada.ID, IdempotencyKey: "bench:" + strconv.Itoa(i)}
				if _, _, err := f.l.Issuing.Award(ctx, f.issuer, in); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(rec.Calls())/float64(b.N), "publishes/op")
		})
	}
}

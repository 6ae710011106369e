package hooks_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// BenchmarkWebhooks_Publish is what an award adds to its request: one
// event published, with 0, 1 or 10 endpoints in the community. The
// fan-out to endpoints is the worker's, so the cost is flat.
func BenchmarkWebhooks_Publish(b *testing.B) {
	for _, endpoints := range []int{0, 1, 10} {
		b.Run(fmt.Sprintf("endpoints=%d", endpoints), func(b *testing.B) {
			f := newFixture(b)
			for i := range endpoints {
				f.endpoint(b, fmt.Sprintf("https://hooks.example.org/%d", i))
			}
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				err := f.w.Publish(ctx, badges.CommunityEvent{ID: fmt.Sprintf("credential.issued:%d", i), Type: badges.EventCredentialIssued,
					IssuerID: "guild", At: f.clock.Now()})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWebhooks_Deliver publishes a bulk award's events to endpoints
// on a local receiver, then drains the outbox through the real store and
// sender, and reports deliveries a second. The fan-out is timed with the
// sends. Run it once: -bench Deliver -benchtime 1x.
func BenchmarkWebhooks_Deliver(b *testing.B) {
	for _, bc := range []struct{ endpoints, events int }{{1, 1000}, {4, 1000}, {1, 10000}} {
		endpoints, events := bc.endpoints, bc.events
		b.Run(fmt.Sprintf("endpoints=%d/events=%d", endpoints, events), func(b *testing.B) {
			var got atomic.Int64
			r := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { got.Add(1) }))
			defer r.Close()
			var total int64
			var spent time.Duration
			for n := range b.N {
				b.StopTimer()
				f := newFixture(b)
				for i := range endpoints {
					f.endpoint(b, fmt.Sprintf("%s/%d", r.URL, i))
				}
				evs := make([]badges.CommunityEvent, events)
				for i := range evs {
					evs[i] = badges.CommunityEvent{ID: fmt.Sprintf("credential.issued:%d:%d", n, i), Type: badges.EventCredentialIssued, IssuerID: "guild", At: f.clock.Now()}
				}
				if err := f.w.Publish(context.Background(), evs...); err != nil {
					b.Fatal(err)
				}
				before := got.Load()
				b.StartTimer()
				began := time.Now()
				for got.Load()-before < int64(events*endpoints) {
					if _, err := f.w.Drain(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
				spent += time.Since(began)
				total += int64(events * endpoints)
			}
			b.ReportMetric(float64(total)/spent.Seconds(), "deliveries/s")
		})
	}
}

package mail_test

import (
	"context"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// BenchmarkComposer_Compose is the composer's share of queueing an award
// e-mail (its stores in memory: the embedded engine's reads by _id are
// measured in docs/performance.md).
func BenchmarkComposer_Compose(b *testing.B) {
	f := newFixture(b)
	n := f.c.Sample("guild", badges.MailEarned)
	ctx := context.Background()
	for b.Loop() {
		if _, err := f.c.Compose(ctx, n); err != nil {
			b.Fatal(err)
		}
	}
}

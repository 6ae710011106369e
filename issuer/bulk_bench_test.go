package issuer_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// BenchmarkService_AwardMany awards a badge to 1,000 new members with one
// bulk award, for each JWT algorithm: the members are created, their holds
// claimed, the credentials signed and stored, and the showcases updated,
// against the embedded engine. It reports credentials/s.
func BenchmarkService_AwardMany(b *testing.B) {
	const rows = 1000
	for _, alg := range issuer.JWTAlgs {
		b.Run(alg, func(b *testing.B) {
			ctx := context.Background()
			f := newFixture(b, badges.AchievementInput{})
			if _, err := f.deps.Profiles.UpdateProfile(ctx, f.issuer.ID, issuer.ProfileUpdate{JWTAlg: &alg}); err != nil {
				b.Fatal(err)
			}
			f.mustAward(b, badges.AwardInput{Email: "warm@example.org", Name: "Warm"}) // makes the keys
			b.ResetTimer()
			for n := range b.N {
				b.StopTimer()
				ins := bulkRows(f.ach.ID, rows)
				for i := range ins {
					ins[i].Email = fmt.Sprintf("run%d-%s", n, ins[i].Email)
				}
				b.StartTimer()
				res, err := f.svc.AwardMany(ctx, f.issuer.ID, "", ins)
				if err != nil {
					b.Fatal(err)
				}
				for i, r := range res {
					if r.Outcome != issuer.OutcomeIssued {
						b.Fatalf("row %d: %+v", i, r)
					}
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "credentials/s")
		})
	}
}

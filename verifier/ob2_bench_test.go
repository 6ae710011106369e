package verifier

import (
	"context"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
)

// BenchmarkVerifyOB2Signed verifies a signed Open Badges 2.0 assertion
// (RS256, 2048-bit key) end to end: JWS parsing, the badge class, issuer
// profile, key and revocation list fetched from a local server through the
// guarded client with warm caches, signature, dates, status and recipient.
// The target is at most 1 ms an assertion.
func BenchmarkVerifyOB2Signed(b *testing.B) {
	f := newOB2Fixture(b)
	in := Input{Data: []byte(f.sign(b, f.assertion("urn:uuid:c0ffee", "SignedBadge"), jwa.RS256)), Email: fxEmail}
	v := f.verifier(b)
	ctx := context.Background()
	if r := MustVerify(b, v, in); r.Verdict != Valid {
		dump(b, r)
		b.Fatal("want valid")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := v.Verify(ctx, in); err != nil || r.Verdict != Valid {
			b.Fatalf("Verify = %v, %v", r, err)
		}
	}
}

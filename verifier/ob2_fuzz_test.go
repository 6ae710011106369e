package verifier

import (
	"context"
	"errors"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/laurel-badges/laurel/badges"
)

// memDocs answers URLs from memory, as a Laurel answers its own documents,
// so that a fuzzed assertion goes the whole way without a server.
type memDocs map[string][]byte

func (m memDocs) Document(_ context.Context, url string) ([]byte, string, bool, error) {
	b, ok := m[url]
	return b, "application/ld+json", ok, nil
}

// FuzzOB2Assertion feeds Open Badges 2.0 assertion parsing (JSON and JWS)
// arbitrary bytes, with the test issuer's and the validator's documents
// at hand: Verify must never panic, must return a report or a
// *badges.Error, and a valid 2.0 report must have a passing proof. The
// seed corpus is in testdata/fuzz/FuzzOB2Assertion, plus a JWS signed here.
func FuzzOB2Assertion(f *testing.F) {
	fx := newOB2Fixture(f)
	docs := memDocs(ob2ValidatorDocs(f))
	for u, b := range fx.docs {
		docs[u] = b
	}
	hostAtID(f, docs, "ob2/basic-assertion.json")
	f.Add([]byte(fx.sign(f, fx.assertion("urn:uuid:c0ffee", "SignedBadge"), jwa.RS256)))
	v := MustVerifier(f, Options{Local: docs, Now: FixedClock(fxClock)})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := v.Verify(context.Background(), Input{Data: data, Email: fxEmail})
		if err != nil {
			var be *badges.Error
			if !errors.As(err, &be) || r != nil {
				t.Fatalf("Verify = %v, %v: want a *badges.Error and no report", r, err)
			}
			return
		}
		if r == nil || len(r.Checks) == 0 {
			t.Fatal("no error and no report")
		}
		if r.Version == OpenBadges2 && r.Verdict == Valid && !hasOutcome(r, CheckProof, Pass) {
			dump(t, r)
			t.Fatal("a valid Open Badges 2.0 report without a passing proof check")
		}
	})
}

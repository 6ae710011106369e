package verifier

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// BenchmarkVerifyJWT verifies a Laurel credential as a VC-JWT (RS256), keys
// and status list answered locally. The token carries the Data Integrity
// proof too, which is verified as well, as it would be in production.
func BenchmarkVerifyJWT(b *testing.B) {
	li := MustLaurelIssuer(b, issuer.AlgRS256, laurelNow)
	v := MustVerifier(b, Options{Local: li, Now: FixedClock(laurelNow)})
	_, jwt := li.credential("ada@example.org", activeIndex, time.Time{})
	benchVerify(b, v, []byte(jwt))
}

// BenchmarkVerifyDataIntegrity verifies the same credential as JSON with its
// eddsa-rdfc-2022 proof.
func BenchmarkVerifyDataIntegrity(b *testing.B) {
	li := MustLaurelIssuer(b, issuer.AlgRS256, laurelNow)
	v := MustVerifier(b, Options{Local: li, Now: FixedClock(laurelNow)})
	json, _ := li.credential("ada@example.org", activeIndex, time.Time{})
	benchVerify(b, v, json)
}

func benchVerify(b *testing.B, v *Verifier, data []byte) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := v.Verify(ctx, Input{Data: data})
		if err != nil || r.Verdict != Valid {
			b.Fatalf("Verify: %v, %v", r, err)
		}
	}
}

// BenchmarkRawRS256 is the floor: the RS256 signature check alone, on the
// same token.
func BenchmarkRawRS256(b *testing.B) {
	li := MustLaurelIssuer(b, issuer.AlgRS256, laurelNow)
	_, jwt := li.credential("ada@example.org", activeIndex, time.Time{})
	pub := li.jwtKey.Public.(*rsa.PublicKey)
	cut := strings.LastIndexByte(jwt, '.')
	sig, err := base64.RawURLEncoding.DecodeString(jwt[cut+1:])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		h := sha256.Sum256([]byte(jwt[:cut]))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}

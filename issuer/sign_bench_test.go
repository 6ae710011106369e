package issuer

import (
	"bytes"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// BenchmarkSignCredential measures building and signing one typical
// credential with both proofs (Data Integrity eddsa-rdfc-2022, then
// VC-JWT) for each JWT algorithm; no database is involved.
func BenchmarkSignCredential(b *testing.B) {
	loader, err := ob3.NewDocumentLoader()
	if err != nil {
		b.Fatal(err)
	}
	sealer, _ := NewSealer(bytes.Repeat([]byte{1}, 32))
	urls, _ := NewURLs("https://badges.example.org")
	s := NewService(Deps{URLs: urls, Loader: loader})
	now := time.Now()
	p := &Profile{ID: "aaaaaaaaaaaaaaaaaaaa", Name: "Lyon Gophers", URL: "https://gophers.example.org"}
	a := &badges.Achievement{ID: "bbbbbbbbbbbbbbbbbbbb", IssuerID: p.ID, Name: "Session Host", Description: "Hosted a session.",
		Criteria: "Plan and host a session.", AchievementType: "Badge", Tags: []string{"hosting"}, Level: "leadership",
		Version: 1, Image: badges.ImageRef{SHA256: "ab", Format: badges.ImageSVG, Generated: true}}
	aw := &badges.Award{ID: "cccccccccccccccccccc", IssuerID: p.ID, AchievementID: a.ID, AchievementVersion: 1, MemberID: "m",
		Narrative: "Hosted October.", Evidence: []badges.Evidence{{URL: "https://gophers.example.org/oct", Name: "October"}},
		AwardedAt: now, ValidUntil: now.AddDate(1, 0, 0)}
	for _, alg := range JWTAlgs {
		b.Run(alg, func(b *testing.B) {
			keys := &IssuerKeys{}
			for _, k := range []struct {
				dst *SigningKey
				use KeyUse
				alg string
			}{{&keys.DataIntegrity, UseDataIntegrity, AlgEdDSA}, {&keys.JWT, UseJWT, alg}} {
				key, _, err := GenerateKey(p.ID, k.use, 1, k.alg, sealer, now)
				if err != nil {
					b.Fatal(err)
				}
				r := &Keyring{sealer: sealer, now: time.Now, cache: map[string]*IssuerKeys{}}
				opened, err := r.open(p.ID, key, key)
				if err != nil {
					b.Fatal(err)
				}
				*k.dst = opened.DataIntegrity
			}
			b.ReportAllocs()
			for b.Loop() {
				doc := urls.OB3Credential(aw, a, p, "ada@example.org", 0, 4242)
				if _, _, err := s.sign(b.Context(), doc, keys, p, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

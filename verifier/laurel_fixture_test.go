package verifier

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// laurelIssuer is an issuer as Laurel runs it: keys, the documents Laurel
// publishes for them, and a way to sign credentials, all in memory.
type laurelIssuer struct {
	tb      testing.TB
	urls    issuer.URLs
	profile *issuer.Profile
	diKey   *issuer.Key
	diPriv  ed25519.PrivateKey
	jwtKey  *issuer.Key
	jwtPriv jwk.Key
	now     time.Time
	docs    map[string]localDoc // what Laurel serves: URL -> document
}

type localDoc struct {
	body      []byte
	mediaType string
}

// Document implements LocalDocuments.
func (li *laurelIssuer) Document(_ context.Context, url string) ([]byte, string, bool, error) {
	d, ok := li.docs[url]
	if !ok {
		return nil, "", false, nil
	}
	return d.body, d.mediaType, true, nil
}

var _ LocalDocuments = (*laurelIssuer)(nil)

// MustLaurelIssuer makes an issuer whose VC-JWT key uses alg, and publishes
// its keys, its profile and an empty status list 0.
func MustLaurelIssuer(tb testing.TB, alg string, now time.Time) *laurelIssuer {
	tb.Helper()
	urls, err := issuer.NewURLs("https://badges.example.org")
	if err != nil {
		tb.Fatal(err)
	}
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	li := &laurelIssuer{tb: tb, urls: urls, now: now, docs: map[string]localDoc{},
		profile: &issuer.Profile{ID: "gophers0000000000001", Name: "Lyon Gophers", URL: "https://gophers.example.org"}}
	var diSigner, jwtSigner crypto.Signer
	li.diKey, diSigner = mustKey(tb, li.profile.ID, issuer.UseDataIntegrity, issuer.AlgEdDSA, sealer, now)
	li.jwtKey, jwtSigner = mustKey(tb, li.profile.ID, issuer.UseJWT, alg, sealer, now)
	li.diPriv = diSigner.(ed25519.PrivateKey)
	if li.jwtPriv, err = jwk.FromRaw(jwtSigner); err != nil {
		tb.Fatal(err)
	}
	li.publish()
	li.publishStatusList()
	return li
}

func mustKey(tb testing.TB, issuerID string, use issuer.KeyUse, alg string, sealer *issuer.Sealer, now time.Time) (*issuer.Key, crypto.Signer) {
	tb.Helper()
	k, priv, err := issuer.GenerateKey(issuerID, use, 1, alg, sealer, now)
	if err != nil {
		tb.Fatal(err)
	}
	return k, priv
}

// publish serves the key documents and the controller document, as
// Laurel's own Document method does.
func (li *laurelIssuer) publish() {
	mk, err := li.urls.Multikey(li.diKey)
	li.must(err)
	li.put(li.urls.Key(li.profile.ID, li.diKey.ID), mk, "application/ld+json")
	pub, err := li.urls.PublicJWK(li.jwtKey)
	li.must(err)
	li.put(li.urls.Key(li.profile.ID, li.jwtKey.ID), pub, "application/jwk+json")
	ctrl, err := li.urls.ControllerDocument(li.profile, []*issuer.Key{li.diKey, li.jwtKey})
	li.must(err)
	li.put(li.urls.Issuer(li.profile.ID), ctrl, "application/ld+json")
}

// publishStatusList serves status list 0, signed, with the given entries
// revoked.
func (li *laurelIssuer) publishStatusList(revoked ...int) {
	li.publishList(0, "revocation", revoked...)
}

// publishList serves a signed status list of the given purpose with the
// given entries set, and returns its URL.
func (li *laurelIssuer) publishList(number int, purpose string, set ...int) string {
	bits := ob3.NewBitstring(ob3.StatusListSize)
	for _, i := range set {
		li.must(bits.Set(i, true))
	}
	encoded, err := bits.Encode()
	li.must(err)
	url := li.urls.StatusList(li.profile.ID, number)
	list := &ob3.StatusListCredential{
		Context: []string{ob3.ContextCredentialsV2}, ID: url,
		Type:      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer:    li.urls.Issuer(li.profile.ID),
		ValidFrom: li.now.UTC().Format(time.RFC3339),
		CredentialSubject: ob3.StatusListSubject{ID: url + "#list", Type: "BitstringStatusList",
			StatusPurpose: purpose, EncodedList: encoded},
	}
	li.docs[url] = localDoc{body: li.signDI(list), mediaType: "application/vc+ld+json"}
	return url
}

// credential builds and signs a credential for email: its JSON (with a Data
// Integrity proof) and its VC-JWT. validUntil may be zero.
func (li *laurelIssuer) credential(email string, index int, validUntil time.Time) ([]byte, string) {
	signed := li.signDI(li.unsigned(email, index, validUntil))
	token, err := ob3.SignJWT(signed, li.jwtPriv, jwa.SignatureAlgorithm(li.jwtKey.Alg), li.urls.Key(li.profile.ID, li.jwtKey.ID), li.now)
	li.must(err)
	return signed, token
}

// unsigned is the credential for email as generic JSON, before signing.
func (li *laurelIssuer) unsigned(email string, index int, validUntil time.Time) map[string]any {
	a := &badges.Achievement{ID: "achievement000000001", IssuerID: li.profile.ID, Name: "Session Host",
		Description: "Hosted a community session.", Criteria: "Plan and host a session.", AchievementType: "Badge",
		Version: 1, Image: badges.ImageRef{SHA256: "ab", Format: badges.ImageSVG, Generated: true}}
	aw := &badges.Award{ID: "award" + strconv.Itoa(index), IssuerID: li.profile.ID, AchievementID: a.ID, AchievementVersion: 1,
		MemberID: "member1", Narrative: "Hosted the October meetup.", AwardedAt: li.now.Add(-24 * time.Hour), ValidUntil: validUntil}
	return toMap(li.tb, li.urls.OB3Credential(aw, a, li.profile, email, 0, index))
}

// signDI adds an eddsa-rdfc-2022 proof to a document.
func (li *laurelIssuer) signDI(doc any) []byte {
	m := toMap(li.tb, doc)
	proof, err := MustLoader(li.tb).SignEdDSARDFC2022(context.Background(), m, li.diPriv, ob3.Proof{
		Type: ob3.ProofTypeDataIntegrity, Cryptosuite: ob3.CryptosuiteEdDSARDFC, Created: li.now.UTC().Format(time.RFC3339),
		VerificationMethod: li.urls.Key(li.profile.ID, li.diKey.ID), ProofPurpose: ob3.ProofPurposeAssertion,
	})
	li.must(err)
	m["proof"] = []any{proof}
	b, err := json.Marshal(m)
	li.must(err)
	return b
}

func (li *laurelIssuer) put(url string, v any, mediaType string) {
	b, err := json.Marshal(v)
	li.must(err)
	li.docs[url] = localDoc{body: b, mediaType: mediaType}
}

func (li *laurelIssuer) must(err error) {
	li.tb.Helper()
	if err != nil {
		li.tb.Fatal(err)
	}
}

// toMap is v as generic JSON.
func toMap(tb testing.TB, v any) map[string]any {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

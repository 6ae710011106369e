package verifier

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"hash/crc32"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// An Open Badges 2.0 issuer made for the tests: its profile, keys, badge
// class and revocation list, served by a local server in place of its
// host, and the private keys to sign its assertions.

const (
	fxBase   = "https://badges.example.net"
	fxIssuer = fxBase + "/issuer.json"
	fxBadge  = fxBase + "/badges/gopher.json"
	fxKeyRSA = fxBase + "/keys/rsa.json"
	fxKeyEC  = fxBase + "/keys/ec.json"
	fxList   = fxBase + "/revoked.json"
	fxEmail  = "Ada@Example.org"
	fxSalt   = "pepper"
)

// fxClock is when the fixture's assertions are verified.
var fxClock = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// ob2Fixture is the test issuer; docs may be changed before a server is
// started on them.
type ob2Fixture struct {
	rsa  *rsa.PrivateKey
	ec   *ecdsa.PrivateKey
	docs map[string][]byte
}

// RSA key generation is slow, so the tests share one pair of keys.
var fxKeys = sync.OnceValues(func() (*rsa.PrivateKey, *ecdsa.PrivateKey) {
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	e, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return r, e
})

func newOB2Fixture(tb testing.TB) *ob2Fixture {
	tb.Helper()
	f := &ob2Fixture{docs: map[string][]byte{}}
	f.rsa, f.ec = fxKeys()
	ctx := "https://w3id.org/openbadges/v2"
	f.put(tb, fxIssuer, map[string]any{"@context": ctx, "type": "Issuer", "id": fxIssuer, "name": "Gopher Guild",
		"url": fxBase, "email": "badges@example.net", "publicKey": []any{fxKeyRSA, fxKeyEC}, "revocationList": fxList})
	f.put(tb, fxKeyRSA, f.keyDoc(tb, fxKeyRSA, f.rsa.Public()))
	f.put(tb, fxKeyEC, f.keyDoc(tb, fxKeyEC, f.ec.Public()))
	f.put(tb, fxBadge, map[string]any{"@context": ctx, "type": "BadgeClass", "id": fxBadge, "name": "Gopher",
		"description": "Shipped a Go service.", "image": fxBase + "/badges/gopher.png",
		"criteria": map[string]any{"narrative": "Ship a Go service to production."}, "issuer": fxIssuer})
	f.put(tb, fxList, map[string]any{"@context": ctx, "type": "RevocationList", "id": fxList, "issuer": fxIssuer,
		"revokedAssertions": []any{"urn:uuid:revoked-1", map[string]any{"id": "urn:uuid:revoked-2", "revocationReason": "Issued in error."}}})
	return f
}

func (f *ob2Fixture) keyDoc(tb testing.TB, id string, pub crypto.PublicKey) map[string]any {
	tb.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	return map[string]any{"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": id, "owner": fxIssuer,
		"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}
}

// put serves a document as JSON at a URL.
func (f *ob2Fixture) put(tb testing.TB, url string, doc map[string]any) {
	tb.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	f.docs[url] = b
}

// edit changes a served document.
func (f *ob2Fixture) edit(tb testing.TB, url string, change func(map[string]any)) {
	tb.Helper()
	var doc map[string]any
	if err := json.Unmarshal(f.docs[url], &doc); err != nil {
		tb.Fatal(err)
	}
	change(doc)
	f.put(tb, url, doc)
}

// assertion is an assertion of the Gopher badge to fxEmail, signed or
// hosted at id.
func (f *ob2Fixture) assertion(id, verification string) map[string]any {
	v := map[string]any{"type": verification}
	if verification == "SignedBadge" {
		v["creator"] = fxKeyRSA
	}
	recipient := map[string]any{"type": "email", "hashed": true, "salt": fxSalt, "identity": ob3.IdentityHash(strings.ToLower(fxEmail), fxSalt)}
	return map[string]any{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": id, "recipient": recipient,
		"badge": fxBadge, "issuedOn": "2026-03-01T10:00:00Z", "verification": v}
}

// sign makes the compact JWS of an assertion.
func (f *ob2Fixture) sign(tb testing.TB, doc map[string]any, alg jwa.SignatureAlgorithm) string {
	tb.Helper()
	payload, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	var key any = f.rsa
	if alg == jwa.ES256 {
		key = f.ec
	}
	tok, err := jws.Sign(payload, jws.WithKey(alg, key))
	if err != nil {
		tb.Fatal(err)
	}
	return string(tok)
}

// verifier returns a Verifier whose fetches are answered from the
// fixture's documents, as they are when it is called.
func (f *ob2Fixture) verifier(tb testing.TB) *Verifier {
	tb.Helper()
	return MustVerifier(tb, Options{Fetcher: mustDocServer(tb, f.docs), Now: FixedClock(fxClock)})
}

// mustDocServer serves documents by their URL from a local server, and
// returns a Fetcher that sends every request there.
func mustDocServer(tb testing.TB, docs map[string][]byte) *Fetcher {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		b, ok := docs[scheme+"://"+rest]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/ld+json")
		_, _ = w.Write(b)
	}))
	tb.Cleanup(srv.Close)
	target, err := url.Parse(srv.URL)
	if err != nil {
		tb.Fatal(err)
	}
	return NewFetcher(FetcherOptions{AllowLoopback: true, Rewrite: func(u *url.URL) {
		u.Path = "/" + u.Scheme + "/" + u.Host + u.Path
		u.RawPath = ""
		u.Scheme, u.Host = target.Scheme, target.Host
	}})
}

// pngWithText bakes an Open Badges 2.0 assertion into a small PNG the way
// 2.0 did: a tEXt chunk with the keyword "openbadges", after the header.
func pngWithText(tb testing.TB, value string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		tb.Fatal(err)
	}
	base := buf.Bytes()
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	data := append([]byte("tEXt"), append([]byte("openbadges\x00"), value...)...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)-4))
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(data))
	out := append([]byte{}, base[:afterIHDR]...)
	out = append(out, chunk...)
	return append(out, base[afterIHDR:]...)
}

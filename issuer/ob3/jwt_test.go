package ob3

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// testSigner is one signing key in every form the tests need.
type testSigner struct {
	alg    jwa.SignatureAlgorithm
	signer crypto.Signer
	priv   jwk.Key
	pub    jwk.Key
}

var (
	testSignersOnce sync.Once
	testSignersVal  map[jwa.SignatureAlgorithm][2]testSigner
	testSignersErr  error
)

// testSigners returns two distinct keys per algorithm, generated once: RSA
// generation is slow under the race detector.
func testSigners(t *testing.T) map[jwa.SignatureAlgorithm][2]testSigner {
	t.Helper()
	testSignersOnce.Do(func() {
		testSignersVal = map[jwa.SignatureAlgorithm][2]testSigner{}
		for _, alg := range []jwa.SignatureAlgorithm{jwa.RS256, jwa.ES256, jwa.EdDSA} {
			var pair [2]testSigner
			for i := range pair {
				var s crypto.Signer
				var err error
				switch alg {
				case jwa.RS256:
					s, err = rsa.GenerateKey(rand.Reader, 2048)
				case jwa.ES256:
					s, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
				case jwa.EdDSA:
					_, s, err = ed25519.GenerateKey(rand.Reader)
				}
				if err != nil {
					testSignersErr = err
					return
				}
				priv, err := jwk.FromRaw(s)
				if err != nil {
					testSignersErr = err
					return
				}
				pub, err := jwk.FromRaw(s.Public())
				if err != nil {
					testSignersErr = err
					return
				}
				pair[i] = testSigner{alg: alg, signer: s, priv: priv, pub: pub}
			}
			testSignersVal[alg] = pair
		}
	})
	if testSignersErr != nil {
		t.Fatalf("generating keys: %v", testSignersErr)
	}
	return testSignersVal
}

const testKid = "https://issuer.example/keys/1"

var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// testCredential returns a credential as JSON after edit has changed its map form.
func testCredential(t *testing.T, edit func(map[string]any)) []byte {
	t.Helper()
	c := map[string]any{
		"@context": []any{ContextCredentialsV2, ContextOB},
		"id":       "urn:uuid:6c3e1a2e-0d5b-4a7c-9d43-3f1b8f0c2a11",
		"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer": map[string]any{
			"id": "https://issuer.example/profile", "type": []any{"Profile"}, "name": "Example Issuer",
		},
		"validFrom": "2024-01-02T03:04:05Z",
		"name":      "Teamwork <& more>",
		"credentialSubject": map[string]any{
			"id":   "did:example:learner",
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "https://issuer.example/achievements/1", "type": []any{"Achievement"},
				"name": "Teamwork", "description": "Works well with others.",
				"criteria": map[string]any{"narrative": "Nominated by peers."},
			},
		},
		"credentialStatus": map[string]any{"statusListIndex": 12345},
	}
	if edit != nil {
		edit(c)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signPayload signs arbitrary claims with any header, bypassing SignJWT's
// rules, so verification failures can be provoked.
func signPayload(t *testing.T, s testSigner, payload map[string]any) string {
	t.Helper()
	return signWithHeader(t, s, payload, map[string]any{jws.KeyIDKey: testKid})
}

// signWithHeader is signPayload with chosen protected header members.
func signWithHeader(t *testing.T, s testSigner, payload, header map[string]any) string {
	t.Helper()
	body, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	hdr := jws.NewHeaders()
	for k, v := range header {
		if err := hdr.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	out, err := jws.Sign(body, jws.WithKey(s.alg, s.signer, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// decodeJSON decodes b the way ParseJWT does, for comparisons.
func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	m, err := jwtDecodeObject(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func readTestdata(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSignVerifyJWTRoundTrip(t *testing.T) {
	keys := testSigners(t)
	sample := decodeJSON(t, readTestdata(t, "jwt", "vc-jwt-jose-header-sample.json"))
	for _, alg := range []jwa.SignatureAlgorithm{jwa.RS256, jwa.ES256, jwa.EdDSA} {
		t.Run(alg.String(), func(t *testing.T) {
			s := keys[alg][0]
			cred := testCredential(t, nil)
			tok, err := SignJWT(cred, s.priv, alg, testKid, testNow)
			if err != nil {
				t.Fatalf("SignJWT: %v", err)
			}
			got, err := VerifyJWT(tok, s.pub, testNow)
			if err != nil {
				t.Fatalf("VerifyJWT: %v", err)
			}
			// The header is exactly the members the specification's own example has.
			if !reflect.DeepEqual(slices.Sorted(maps.Keys(got.Header.Raw)), slices.Sorted(maps.Keys(sample))) {
				t.Errorf("header members %v, want those of the spec example %v", slices.Sorted(maps.Keys(got.Header.Raw)), slices.Sorted(maps.Keys(sample)))
			}
			if got.Header.Alg != alg.String() || got.Header.Kid != testKid || got.Header.Typ != "JWT" || got.Header.JWK != nil {
				t.Errorf("header = %+v", got.Header)
			}
			if got.VC11 {
				t.Error("VC11 set for a VCDM 2.0 payload")
			}
			// Every member of the credential is carried unchanged.
			for k, v := range decodeJSON(t, cred) {
				if !reflect.DeepEqual(got.Credential[k], v) {
					t.Errorf("credential member %s = %#v, want %#v", k, got.Credential[k], v)
				}
			}
			if strings.Contains(string(got.RawPayload), `\u003c`) {
				t.Error("payload HTML-escaped; it should read as the served credential")
			}
			// A private key also verifies: its public half is used.
			if _, err := VerifyJWT(tok, s.priv, testNow); err != nil {
				t.Errorf("VerifyJWT with the private JWK: %v", err)
			}
		})
	}
}

func TestSignJWTClaims(t *testing.T) {
	s := testSigners(t)[jwa.ES256][0]
	tests := []struct {
		name string
		edit func(map[string]any)
		want map[string]any // claim → value; nil value means absent
	}{
		{
			name: "full",
			edit: nil,
			want: map[string]any{
				"iss": "https://issuer.example/profile", "jti": "urn:uuid:6c3e1a2e-0d5b-4a7c-9d43-3f1b8f0c2a11",
				"sub": "did:example:learner", "nbf": json.Number("1704164645"), "exp": nil,
				"iat": json.Number("1717243200"),
			},
		},
		{
			name: "no subject id",
			edit: func(c map[string]any) { delete(c["credentialSubject"].(map[string]any), "id") },
			want: map[string]any{"sub": nil},
		},
		{
			name: "issuer as a string, validUntil set",
			edit: func(c map[string]any) {
				c["issuer"] = "https://issuer.example/plain"
				c["validUntil"] = "2030-01-01T00:00:00Z"
			},
			want: map[string]any{"iss": "https://issuer.example/plain", "exp": json.Number("1893456000")},
		},
		{
			name: "fractional seconds and an offset",
			edit: func(c map[string]any) { c["validFrom"] = "2024-01-02T03:04:05.678+02:00" },
			want: map[string]any{"nbf": json.Number("1704157445")},
		},
		{
			name: "single subject in an array",
			edit: func(c map[string]any) {
				c["credentialSubject"] = []any{map[string]any{"id": "did:example:one"}}
			},
			want: map[string]any{"sub": "did:example:one"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := SignJWT(testCredential(t, tc.edit), s.priv, s.alg, testKid, testNow)
			if err != nil {
				t.Fatalf("SignJWT: %v", err)
			}
			got, err := ParseJWT(tok)
			if err != nil {
				t.Fatalf("ParseJWT: %v", err)
			}
			for claim, want := range tc.want {
				v, present := got.Payload[claim]
				switch {
				case want == nil && present:
					t.Errorf("claim %s = %v, want absent", claim, v)
				case want != nil && !reflect.DeepEqual(v, want):
					t.Errorf("claim %s = %#v, want %#v", claim, v, want)
				}
			}
			if _, err := VerifyJWT(tok, s.pub, testNow); err != nil {
				t.Errorf("VerifyJWT: %v", err)
			}
		})
	}
}

func TestSignJWTRejects(t *testing.T) {
	keys := testSigners(t)
	rsaKey, ecKey := keys[jwa.RS256][0], keys[jwa.ES256][0]
	hmacKey, err := jwk.FromRaw([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cred    []byte
		key     jwk.Key
		alg     jwa.SignatureAlgorithm
		kid     string
		wantErr error // nil: any error will do
	}{
		{"alg none", testCredential(t, nil), rsaKey.priv, jwa.NoSignature, testKid, ErrJWTAlgorithm},
		{"HS256", testCredential(t, nil), hmacKey, jwa.HS256, testKid, ErrJWTAlgorithm},
		{"RS384", testCredential(t, nil), rsaKey.priv, jwa.RS384, testKid, ErrJWTAlgorithm},
		{"alg does not fit key", testCredential(t, nil), ecKey.priv, jwa.RS256, testKid, ErrJWTAlgorithm},
		{"public key only", testCredential(t, nil), rsaKey.pub, jwa.RS256, testKid, ErrJWTKey},
		{"nil key", testCredential(t, nil), nil, jwa.RS256, testKid, ErrJWTKey},
		{"no kid", testCredential(t, nil), rsaKey.priv, jwa.RS256, "", nil},
		{"not an object", []byte(`["x"]`), rsaKey.priv, jwa.RS256, testKid, nil},
		{"no issuer", testCredential(t, func(c map[string]any) { delete(c, "issuer") }), rsaKey.priv, jwa.RS256, testKid, nil},
		{"no id", testCredential(t, func(c map[string]any) { delete(c, "id") }), rsaKey.priv, jwa.RS256, testKid, nil},
		{"no validFrom", testCredential(t, func(c map[string]any) { delete(c, "validFrom") }), rsaKey.priv, jwa.RS256, testKid, nil},
		{"bad validFrom", testCredential(t, func(c map[string]any) { c["validFrom"] = "yesterday" }), rsaKey.priv, jwa.RS256, testKid, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := SignJWT(tc.cred, tc.key, tc.alg, tc.kid, testNow)
			if err == nil {
				t.Fatalf("SignJWT succeeded: %s", tok)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("error %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestVerifyJWTFailures(t *testing.T) {
	keys := testSigners(t)
	rs, rs2, es, ed := keys[jwa.RS256][0], keys[jwa.RS256][1], keys[jwa.ES256][0], keys[jwa.EdDSA][0]
	good, err := SignJWT(testCredential(t, nil), rs.priv, jwa.RS256, testKid, testNow)
	if err != nil {
		t.Fatal(err)
	}
	goodParts := strings.Split(good, ".")
	// claims builds a validly signed payload: the credential, its claims, and edits.
	claims := func(edit func(map[string]any)) map[string]any {
		p := decodeJSON(t, testCredential(t, nil))
		p["iss"], p["jti"], p["sub"] = "https://issuer.example/profile", p["id"], "did:example:learner"
		p["nbf"], p["iat"] = 1704164645, testNow.Unix()
		if edit != nil {
			edit(p)
		}
		return p
	}
	tampered := decodeJSON(t, []byte(mustB64Decode(t, goodParts[1])))
	tampered["name"] = "Something else"
	tamperedBody, _ := json.Marshal(tampered)
	pubDER := rs.signer.Public().(*rsa.PublicKey).N.Bytes()
	hsTok, err := jws.Sign([]byte(mustB64Decode(t, goodParts[1])), jws.WithKey(jwa.HS256, pubDER))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		token     string
		key       jwk.Key
		now       time.Time
		wantErr   error
		wantClaim string // for claim mismatches, the claim named in *JWTClaimError
	}{
		{"control: valid", good, rs.pub, testNow, nil, ""},
		{"control: nbf within leeway", good, rs.pub, time.Unix(1704164645-30, 0), nil, ""},
		{"tampered payload", goodParts[0] + "." + b64(string(tamperedBody)) + "." + goodParts[2], rs.pub, testNow, ErrJWTSignature, ""},
		{"tampered signature", goodParts[0] + "." + goodParts[1] + "." + b64("not the signature"), rs.pub, testNow, ErrJWTSignature, ""},
		{"wrong key", good, rs2.pub, testNow, ErrJWTSignature, ""},
		{"key of another type", good, es.pub, testNow, ErrJWTAlgorithm, ""},
		{"EdDSA token, RSA key", signPayload(t, ed, claims(nil)), rs.pub, testNow, ErrJWTAlgorithm, ""},
		{"alg none", b64(`{"alg":"none","typ":"JWT"}`) + "." + goodParts[1] + ".", rs.pub, testNow, ErrJWTAlgorithm, ""},
		{"HS256 keyed with the public key", string(hsTok), rs.pub, testNow, ErrJWTAlgorithm, ""},
		{"header alg swapped", b64(`{"alg":"ES256","kid":"x"}`) + "." + goodParts[1] + "." + goodParts[2], rs.pub, testNow, ErrJWTAlgorithm, ""},
		{"nil key", good, nil, testNow, ErrJWTKey, ""},
		{"not yet valid", good, rs.pub, time.Unix(1704164645-120, 0), ErrJWTNotYetValid, ""},
		{"expired", signPayload(t, rs, claims(func(p map[string]any) {
			p["validUntil"], p["exp"] = "2024-03-01T00:00:00Z", 1709251200
		})), rs.pub, testNow, ErrJWTExpired, ""},
		{"expired by validUntil without exp", signPayload(t, rs, claims(func(p map[string]any) {
			p["validUntil"] = "2024-03-01T00:00:00Z"
		})), rs.pub, testNow, ErrJWTExpired, ""},
		{"iss mismatch", signPayload(t, rs, claims(func(p map[string]any) { p["iss"] = "https://evil.example" })), rs.pub, testNow, ErrJWTClaim, "iss"},
		{"jti mismatch", signPayload(t, rs, claims(func(p map[string]any) { p["jti"] = "urn:uuid:other" })), rs.pub, testNow, ErrJWTClaim, "jti"},
		{"sub mismatch", signPayload(t, rs, claims(func(p map[string]any) { p["sub"] = "did:example:someone-else" })), rs.pub, testNow, ErrJWTClaim, "sub"},
		{"nbf differs from validFrom", signPayload(t, rs, claims(func(p map[string]any) { p["nbf"] = 1600000000 })), rs.pub, testNow, ErrJWTClaim, "nbf"},
		{"exp differs from validUntil", signPayload(t, rs, claims(func(p map[string]any) {
			p["validUntil"], p["exp"] = "2030-01-01T00:00:00Z", 1900000000
		})), rs.pub, testNow, ErrJWTClaim, "exp"},
		{"iss not a string", signPayload(t, rs, claims(func(p map[string]any) { p["iss"] = 7 })), rs.pub, testNow, ErrJWTMalformed, ""},
		{"nbf not a number", signPayload(t, rs, claims(func(p map[string]any) { p["nbf"] = "soon" })), rs.pub, testNow, ErrJWTMalformed, ""},
		{"control: typ vc+jwt", signWithHeader(t, rs, claims(nil), map[string]any{"typ": "vc+jwt"}), rs.pub, testNow, nil, ""},
		{"typ of another token kind", signWithHeader(t, rs, claims(nil), map[string]any{"typ": "at+jwt"}), rs.pub, testNow, ErrJWTMalformed, ""},
		{"malformed", "a.b", rs.pub, testNow, ErrJWTMalformed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := VerifyJWT(tc.token, tc.key, tc.now)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("VerifyJWT: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			// The kinds stay apart: a signature error is never also a claim error.
			for _, other := range []error{ErrJWTSignature, ErrJWTClaim, ErrJWTExpired, ErrJWTNotYetValid, ErrJWTAlgorithm} {
				if other != tc.wantErr && errors.Is(err, other) {
					t.Errorf("error %v also matches %v", err, other)
				}
			}
			if tc.wantClaim != "" {
				var ce *JWTClaimError
				if !errors.As(err, &ce) || ce.Claim != tc.wantClaim {
					t.Errorf("error %v, want a *JWTClaimError for %s", err, tc.wantClaim)
				}
			}
		})
	}
}

func mustB64Decode(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseJWTShapes(t *testing.T) {
	hdr := b64(`{"alg":"RS256","kid":"k"}`)
	sig := b64("sig")
	tests := []struct {
		name     string
		token    string
		wantErr  bool
		wantVC11 bool
		wantID   string
	}{
		{"VCDM 2.0", hdr + "." + b64(`{"@context":["x"],"id":"urn:a","iss":"i"}`) + "." + sig, false, false, "urn:a"},
		{"VC 1.1", hdr + "." + b64(`{"vc":{"@context":["x"],"id":"urn:b"},"iss":"i","jti":"urn:b"}`) + "." + sig, false, true, "urn:b"},
		{"2.0 credential with a vc member", hdr + "." + b64(`{"@context":["x"],"id":"urn:c","vc":{"id":"urn:d"}}`) + "." + sig, false, false, "urn:c"},
		{"trailing newline", hdr + "." + b64(`{"id":"urn:e"}`) + "." + sig + "\n", false, false, "urn:e"},
		{"empty signature", hdr + "." + b64(`{"id":"urn:f"}`) + ".", false, false, "urn:f"},
		{"vc not an object", hdr + "." + b64(`{"vc":"x"}`) + "." + sig, true, false, ""},
		{"two parts", hdr + "." + b64(`{}`), true, false, ""},
		{"four parts", hdr + "." + b64(`{}`) + "." + sig + "." + sig, true, false, ""},
		{"padded base64", hdr + "=." + b64(`{}`) + "." + sig, true, false, ""},
		{"standard base64 alphabet", hdr + "." + base64.RawStdEncoding.EncodeToString([]byte(`{"a":"??>"}`)) + "." + sig, true, false, ""},
		{"header not JSON", b64("alg") + "." + b64(`{}`) + "." + sig, true, false, ""},
		{"header without alg", b64(`{"kid":"k"}`) + "." + b64(`{}`) + "." + sig, true, false, ""},
		{"kid not a string", b64(`{"alg":"RS256","kid":1}`) + "." + b64(`{}`) + "." + sig, true, false, ""},
		{"crit header", b64(`{"alg":"RS256","crit":["x"],"x":1}`) + "." + b64(`{}`) + "." + sig, true, false, ""},
		{"b64 header", b64(`{"alg":"RS256","b64":false}`) + "." + b64(`{}`) + "." + sig, true, false, ""},
		{"jwk with a private member", b64(`{"alg":"EdDSA","jwk":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}}`) + "." + b64(`{}`) + "." + sig, true, false, ""},
		{"payload an array", hdr + "." + b64(`[1]`) + "." + sig, true, false, ""},
		{"payload with trailing data", hdr + "." + b64(`{} {}`) + "." + sig, true, false, ""},
		{"over 1 MiB", hdr + "." + b64(`{"x":"`+strings.Repeat("a", MaxJWTSize)+`"}`) + "." + sig, true, false, ""},
		{"empty", "", true, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseJWT(tc.token)
			if tc.wantErr {
				if !errors.Is(err, ErrJWTMalformed) {
					t.Fatalf("error %v, want ErrJWTMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseJWT: %v", err)
			}
			if got.VC11 != tc.wantVC11 {
				t.Errorf("VC11 = %v, want %v", got.VC11, tc.wantVC11)
			}
			if id := got.Credential["id"]; id != tc.wantID {
				t.Errorf("credential id = %v, want %s", id, tc.wantID)
			}
		})
	}
}

// The public validator's own tokens: the VCDM 2.0 one carries its key in the
// header and must verify; the VC 1.1 ones must at least parse.
func TestParseJWTValidatorFiles(t *testing.T) {
	tests := []struct {
		file     string
		wantAlg  string
		wantKid  string
		wantJWK  bool
		wantVC11 bool
		wantID   string
		verify   bool // verify with the header jwk
	}{
		{"simple-jwt.extracted.jwt", "RS256", "", true, false, "http://example.com/credentials/3527", true},
		{"simple-jwt_v1.extracted.jwt", "RS256", "", true, true, "http://example.edu/credentials/3732", true},
		{"simple.jwt", "RS256", "", false, true, "http://example.edu/credentials/3732", false},
		{"velocity.jwt", "RS256", "did:velocity:v2:0x4ade3a40a6092366765fa42a8247d07a6c3bdddd:89849842277648:6168:751347bfd23481074ad4aa6abe9152a3bda15292c8f6fea68a28c1fde065949c#key-1", false, true, "did:velocity:v2:0x4ade3a40a6092366765fa42a8247d07a6c3bdddd:89849842277648:6168:751347bfd23481074ad4aa6abe9152a3bda15292c8f6fea68a28c1fde065949c", false},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			tok := string(readTestdata(t, "jwt", tc.file))
			got, err := ParseJWT(tok)
			if err != nil {
				t.Fatalf("ParseJWT: %v", err)
			}
			if got.Header.Alg != tc.wantAlg || got.Header.Kid != tc.wantKid || (got.Header.JWK != nil) != tc.wantJWK {
				t.Errorf("header alg=%q kid=%q jwk=%v", got.Header.Alg, got.Header.Kid, got.Header.JWK != nil)
			}
			if got.VC11 != tc.wantVC11 {
				t.Errorf("VC11 = %v, want %v", got.VC11, tc.wantVC11)
			}
			if got.Credential["id"] != tc.wantID {
				t.Errorf("credential id = %v, want %s", got.Credential["id"], tc.wantID)
			}
			if !tc.verify {
				return
			}
			if got.Header.JWK.KeyType() != jwa.RSA {
				t.Fatalf("header jwk kty = %s", got.Header.JWK.KeyType())
			}
			if _, err := VerifyJWT(tok, got.Header.JWK, testNow); err != nil {
				t.Errorf("VerifyJWT with the header jwk: %v", err)
			}
		})
	}
}

func TestPublicJWK(t *testing.T) {
	keys := testSigners(t)
	for _, alg := range []jwa.SignatureAlgorithm{jwa.RS256, jwa.ES256, jwa.EdDSA} {
		t.Run(alg.String(), func(t *testing.T) {
			s := keys[alg][0]
			pub, err := PublicJWK(s.signer, testKid, alg)
			if err != nil {
				t.Fatalf("PublicJWK: %v", err)
			}
			raw, err := json.Marshal(pub)
			if err != nil {
				t.Fatal(err)
			}
			m := decodeJSON(t, raw)
			if m["kid"] != testKid || m["alg"] != alg.String() || m["use"] != "sig" {
				t.Errorf("jwk = %s", raw)
			}
			for _, secret := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
				if _, ok := m[secret]; ok {
					t.Errorf("public jwk has private member %q: %s", secret, raw)
				}
			}
			tok, err := SignJWT(testCredential(t, nil), s.priv, alg, testKid, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := VerifyJWT(tok, pub, testNow); err != nil {
				t.Errorf("VerifyJWT with the published key: %v", err)
			}
		})
	}
	// A key published for one algorithm never verifies another.
	wrong := []struct {
		name   string
		signer crypto.Signer
		alg    jwa.SignatureAlgorithm
	}{
		{"EC key as RS256", keys[jwa.ES256][0].signer, jwa.RS256},
		{"RSA key as EdDSA", keys[jwa.RS256][0].signer, jwa.EdDSA},
		{"HS256", keys[jwa.RS256][0].signer, jwa.HS256},
	}
	for _, tc := range wrong {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := PublicJWK(tc.signer, testKid, tc.alg); !errors.Is(err, ErrJWTAlgorithm) {
				t.Errorf("error %v, want ErrJWTAlgorithm", err)
			}
		})
	}
	t.Run("published key pinned to RS256 refuses ES256 use", func(t *testing.T) {
		es := keys[jwa.ES256][0]
		pub, err := PublicJWK(es.signer, testKid, jwa.ES256)
		if err != nil {
			t.Fatal(err)
		}
		if err := pub.Set(jwk.AlgorithmKey, jwa.RS256); err != nil {
			t.Fatal(err)
		}
		tok, err := SignJWT(testCredential(t, nil), es.priv, jwa.ES256, testKid, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := VerifyJWT(tok, pub, testNow); !errors.Is(err, ErrJWTAlgorithm) {
			t.Errorf("error %v, want ErrJWTAlgorithm", err)
		}
	})
}

func FuzzParseJWT(f *testing.F) {
	for _, name := range []string{"simple-jwt.extracted.jwt", "simple-jwt_v1.extracted.jwt", "simple.jwt", "velocity.jwt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "jwt", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, junk := range []string{"", ".", "..", "...", "a.b.c", "e30.e30.", "eyJhbGciOiJub25lIn0.e30.",
		b64(`{"alg":"RS256","jwk":{"kty":"RSA"}}`) + "." + b64(`{"vc":{}}`) + ".AA",
		b64(`{"alg":"ES256"}`) + "." + b64(`{"vc":[1]}`) + ".",
		b64(`{"alg":1}`) + "." + b64(`{}`) + ".", "\x00.\xff.\n"} {
		f.Add(junk)
	}
	f.Fuzz(func(t *testing.T, token string) {
		got, err := ParseJWT(token)
		if err != nil {
			if !errors.Is(err, ErrJWTMalformed) {
				t.Fatalf("error %v is not ErrJWTMalformed", err)
			}
			return
		}
		if len(token) > MaxJWTSize {
			t.Fatalf("accepted a %d-byte token", len(token))
		}
		if got.Header.Alg == "" || got.Payload == nil || got.Credential == nil {
			t.Fatalf("incomplete parse: %+v", got)
		}
		if got.VC11 && reflect.ValueOf(got.Credential).Pointer() == reflect.ValueOf(got.Payload).Pointer() {
			t.Fatal("VC11 set but the credential is the payload")
		}
	})
}

package ob3

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const vectorDir = "testdata/eddsa-rdfc-2022/"

// diVector is vector.json: the official eddsa-rdfc-2022 test vector.
type diVector struct {
	PublicKeyHex       string `json:"publicKeyHex"`
	PrivateKeyHex      string `json:"privateKeyHex"`
	PublicKeyMultibase string `json:"publicKeyMultibase"`
	DocumentHashHex    string `json:"documentHashHex"`
	ProofHashHex       string `json:"proofHashHex"`
	DataToSignHex      string `json:"dataToSignHex"`
	SignatureHex       string `json:"signatureHex"`
	ProofValue         string `json:"proofValue"`
}

func readVector(t testing.TB) diVector {
	t.Helper()
	var v diVector
	if err := json.Unmarshal(readFile(t, vectorDir+"vector.json"), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func vectorKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	return ed25519.PrivateKey(mustHex(t, readVector(t).PrivateKeyHex))
}

// vectorProof is proof-options.json as a Proof.
func vectorProof(t testing.TB) Proof {
	t.Helper()
	var p Proof
	if err := json.Unmarshal(readFile(t, vectorDir+"proof-options.json"), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// resolverFor accepts exactly one verification method.
func resolverFor(vm string, pub ed25519.PublicKey) func(string) (ed25519.PublicKey, error) {
	return func(got string) (ed25519.PublicKey, error) {
		if got != vm {
			return nil, fmt.Errorf("unknown verification method %q", got)
		}
		return pub, nil
	}
}

// vectorResolver resolves the vector's verification method through its
// Multikey form, as a verifier reading a Multikey document would.
func vectorResolver(t testing.TB) func(string) (ed25519.PublicKey, error) {
	t.Helper()
	v := readVector(t)
	pub, err := DecodeMultikeyEd25519(v.PublicKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	return resolverFor(vectorProof(t).VerificationMethod, pub)
}

func TestEdDSARDFC2022_OfficialVector(t *testing.T) {
	withoutNetwork(t)
	l := testLoader(t)
	v := readVector(t)
	unsigned := readJSON(t, vectorDir+"unsigned-credential.json")
	options := readJSON(t, vectorDir+"proof-options.json")
	options["@context"] = unsigned["@context"]

	docCanon, err := l.Canonicalize(context.Background(), unsigned)
	if err != nil {
		t.Fatalf("canonicalize document: %v", err)
	}
	proofCanon, err := l.Canonicalize(context.Background(), options)
	if err != nil {
		t.Fatalf("canonicalize proof options: %v", err)
	}
	docHash := sha256.Sum256(docCanon)
	proofHash := sha256.Sum256(proofCanon)

	key := vectorKey(t)
	signed, err := l.SignEdDSARDFC2022(context.Background(), unsigned, key, vectorProof(t))
	if err != nil {
		t.Fatalf("SignEdDSARDFC2022: %v", err)
	}
	sig, err := Base58Decode(strings.TrimPrefix(signed.ProofValue, "z"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := DecodeMultikeyEd25519(v.PublicKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}

	checks := []struct {
		name      string
		got, want string
	}{
		{"document canonical N-Quads", string(docCanon), string(readFile(t, vectorDir+"document-canon.nq"))},
		{"proof options canonical N-Quads", string(proofCanon), string(readFile(t, vectorDir+"proof-canon.nq"))},
		{"document hash", hex.EncodeToString(docHash[:]), v.DocumentHashHex},
		{"proof options hash", hex.EncodeToString(proofHash[:]), v.ProofHashHex},
		{"hashData (proof hash first)", hex.EncodeToString(append(proofHash[:], docHash[:]...)), v.DataToSignHex},
		{"signature", hex.EncodeToString(sig), v.SignatureHex},
		{"proofValue", signed.ProofValue, v.ProofValue},
		{"public key from Multikey", hex.EncodeToString(pub), v.PublicKeyHex},
		{"Multikey of the private key's public half", EncodeMultikeyEd25519(key.Public().(ed25519.PublicKey)), v.PublicKeyMultibase},
		{"signed proof keeps the options", fmt.Sprint(signed.Type, signed.Cryptosuite, signed.Created, signed.VerificationMethod, signed.ProofPurpose),
			fmt.Sprint("DataIntegrityProof", "eddsa-rdfc-2022", "2010-01-01T19:23:24Z", vectorProof(t).VerificationMethod, "assertionMethod")},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got\n%s\nwant\n%s", c.got, c.want)
			}
		})
	}

	t.Run("signed credential verifies", func(t *testing.T) {
		if err := l.VerifyEdDSARDFC2022(context.Background(), readJSON(t, vectorDir+"signed-credential.json"), vectorResolver(t)); err != nil {
			t.Fatalf("VerifyEdDSARDFC2022: %v", err)
		}
	})
	t.Run("own signature equals the published signed credential", func(t *testing.T) {
		var proof map[string]any
		b, _ := json.Marshal(signed)
		if err := json.Unmarshal(b, &proof); err != nil {
			t.Fatal(err)
		}
		unsigned["proof"] = proof
		if want := readJSON(t, vectorDir+"signed-credential.json"); !reflect.DeepEqual(unsigned, want) {
			t.Errorf("document with our proof differs from signed-credential.json")
		}
	})
}

func TestVerifyEdDSARDFC2022_Tampered(t *testing.T) {
	l := testLoader(t)
	proofOf := func(d map[string]any) map[string]any { return d["proof"].(map[string]any) }
	tests := []struct {
		name   string
		mutate func(d map[string]any)
		want   error
	}{
		{"credential name", func(d map[string]any) { d["name"] = "Teamwork Badge!" }, ErrSignatureMismatch},
		{"issuer id", func(d map[string]any) { d["issuer"].(map[string]any)["id"] = "https://example.edu/issuers/565050" }, ErrSignatureMismatch},
		{"issuer name", func(d map[string]any) { d["issuer"].(map[string]any)["name"] = "Example Corp." }, ErrSignatureMismatch},
		{"achievement name", func(d map[string]any) {
			d["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"] = "Leadership"
		}, ErrSignatureMismatch},
		{"subject id", func(d map[string]any) { d["credentialSubject"].(map[string]any)["id"] = "did:example:someone-else" }, ErrSignatureMismatch},
		{"validFrom", func(d map[string]any) { d["validFrom"] = "2010-01-01T00:00:01Z" }, ErrSignatureMismatch},
		{"added description", func(d map[string]any) { d["description"] = "extra" }, ErrSignatureMismatch},
		{"removed type", func(d map[string]any) { d["type"] = []any{"VerifiableCredential"} }, ErrSignatureMismatch},
		{"proof created", func(d map[string]any) { proofOf(d)["created"] = "2010-01-01T19:23:25Z" }, ErrSignatureMismatch},
		{"proof gains an expiry", func(d map[string]any) { proofOf(d)["expires"] = "2030-01-01T00:00:00Z" }, ErrSignatureMismatch},
		{"proofValue last character", func(d map[string]any) {
			pv := proofOf(d)["proofValue"].(string)
			proofOf(d)["proofValue"] = pv[:len(pv)-1] + "s"
		}, ErrSignatureMismatch},
		{"proofValue truncated", func(d map[string]any) {
			pv := proofOf(d)["proofValue"].(string)
			proofOf(d)["proofValue"] = pv[:len(pv)-2]
		}, ErrProofValueEncoding},
		{"undefined term added", func(d map[string]any) { d["laurelLevel"] = "gold" }, ErrUndefinedTerm},
		{"verification method", func(d map[string]any) { proofOf(d)["verificationMethod"] = "https://example.edu/issuers/565049#other" }, ErrKeyResolution},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := readJSON(t, vectorDir+"signed-credential.json")
			tt.mutate(d)
			err := l.VerifyEdDSARDFC2022(context.Background(), d, vectorResolver(t))
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyEdDSARDFC2022_Errors(t *testing.T) {
	l := testLoader(t)
	v := readVector(t)
	vm := vectorProof(t).VerificationMethod
	goodProof := func() map[string]any {
		return readJSON(t, vectorDir+"signed-credential.json")["proof"].(map[string]any)
	}
	with := func(mutate func(p map[string]any)) map[string]any {
		p := goodProof()
		mutate(p)
		return p
	}
	otherKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

	tests := []struct {
		name      string
		proof     any // the document's "proof"; nil removes it
		resolve   func(string) (ed25519.PublicKey, error)
		want      []error
		wantText  []string
		wantIndex []int // indexes of the *ProofErrors
	}{
		{name: "no proof", want: []error{ErrNoProof}},
		{name: "empty proof array", proof: []any{}, want: []error{ErrNoProof}},
		{name: "other cryptosuite", proof: with(func(p map[string]any) { p["cryptosuite"] = "ecdsa-rdfc-2019" }),
			want: []error{ErrUnsupportedCryptosuite}, wantText: []string{"DataIntegrityProof/ecdsa-rdfc-2019"}},
		{name: "legacy suite type", proof: []any{map[string]any{"type": "Ed25519Signature2020"}},
			want: []error{ErrUnsupportedCryptosuite}, wantText: []string{`"Ed25519Signature2020"`}},
		{name: "proofValue without multibase prefix", proof: with(func(p map[string]any) { p["proofValue"] = v.ProofValue[1:] }),
			want: []error{ErrProofValueEncoding}, wantIndex: []int{0}},
		{name: "proofValue with invalid character", proof: with(func(p map[string]any) { p["proofValue"] = "z0" + v.ProofValue[2:] }),
			want: []error{ErrProofValueEncoding, ErrBase58}, wantIndex: []int{0}},
		{name: "proofValue missing", proof: with(func(p map[string]any) { delete(p, "proofValue") }),
			want: []error{ErrProofValueEncoding}},
		{name: "proofValue not a string", proof: with(func(p map[string]any) { p["proofValue"] = 42.0 }),
			want: []error{ErrProofValueEncoding}},
		{name: "proofValue far too long", proof: with(func(p map[string]any) { p["proofValue"] = "z" + strings.Repeat("2", 10000) }),
			want: []error{ErrProofValueEncoding}, wantText: []string{"too long"}},
		{name: "wrong proof purpose", proof: with(func(p map[string]any) { p["proofPurpose"] = "authentication" }),
			want: []error{ErrInvalidProof}, wantText: []string{"proofPurpose"}},
		{name: "no verification method", proof: with(func(p map[string]any) { delete(p, "verificationMethod") }),
			want: []error{ErrInvalidProof}, wantText: []string{"verificationMethod"}},
		{name: "created not a dateTime", proof: with(func(p map[string]any) { p["created"] = "yesterday" }),
			want: []error{ErrInvalidProof}, wantText: []string{"created"}},
		{name: "proof @context not a prefix", proof: with(func(p map[string]any) { p["@context"] = []any{"https://w3id.org/security/data-integrity/v2"} }),
			want: []error{ErrInvalidProof}, wantText: []string{"@context"}},
		{name: "proof @context prefix accepted", proof: with(func(p map[string]any) { p["@context"] = []any{"https://www.w3.org/ns/credentials/v2"} })},
		{name: "undefined term in the proof", proof: with(func(p map[string]any) { p["laurelNote"] = "x" }),
			want: []error{ErrCanonicalization, ErrUndefinedTerm}, wantText: []string{`"laurelNote"`}},
		{name: "resolver fails", proof: goodProof(),
			resolve: func(string) (ed25519.PublicKey, error) { return nil, errors.New("did:web lookup failed") },
			want:    []error{ErrKeyResolution}, wantText: []string{"did:web lookup failed"}},
		{name: "resolver returns a short key", proof: goodProof(),
			resolve: func(string) (ed25519.PublicKey, error) { return make(ed25519.PublicKey, 31), nil },
			want:    []error{ErrKeyResolution}},
		{name: "wrong key", proof: goodProof(), resolve: resolverFor(vm, otherKey.Public().(ed25519.PublicKey)),
			want: []error{ErrSignatureMismatch}, wantIndex: []int{0}},
		{name: "one bad proof, one good", proof: []any{with(func(p map[string]any) { p["created"] = "2011-01-01T00:00:00Z" }), goodProof()}},
		{name: "good proof after other suites", proof: []any{map[string]any{"type": "Ed25519Signature2020"}, "junk", goodProof()}},
		{name: "two bad proofs", proof: []any{
			with(func(p map[string]any) { p["created"] = "2011-01-01T00:00:00Z" }),
			with(func(p map[string]any) { p["proofValue"] = "x" }),
		}, want: []error{ErrSignatureMismatch, ErrProofValueEncoding}, wantIndex: []int{0, 1},
			wantText: []string{"proof 0", "proof 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := readJSON(t, vectorDir+"signed-credential.json")
			if tt.proof == nil {
				delete(d, "proof")
			} else {
				d["proof"] = tt.proof
			}
			resolve := tt.resolve
			if resolve == nil {
				resolve = vectorResolver(t)
			}
			err := l.VerifyEdDSARDFC2022(context.Background(), d, resolve)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("VerifyEdDSARDFC2022: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("VerifyEdDSARDFC2022 succeeded")
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("error %q does not match %v", err, w)
				}
			}
			for _, w := range tt.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if tt.wantIndex != nil {
				if got := proofErrorIndexes(err); !reflect.DeepEqual(got, tt.wantIndex) {
					t.Errorf("ProofError indexes = %v, want %v", got, tt.wantIndex)
				}
			}
		})
	}
}

func proofErrorIndexes(err error) []int {
	var out []int
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, proofErrorIndexes(e)...)
		}
		return out
	}
	var pe *ProofError
	if errors.As(err, &pe) {
		out = append(out, pe.Index)
	}
	return out
}

func TestSignEdDSARDFC2022_Invalid(t *testing.T) {
	l := testLoader(t)
	key := vectorKey(t)
	badKey := append(ed25519.PrivateKey{}, key...)
	badKey[40] ^= 1 // public half no longer matches the seed
	tests := []struct {
		name   string
		doc    func(d map[string]any)
		key    ed25519.PrivateKey
		proof  func(p *Proof)
		want   error
		inText string
	}{
		{name: "wrong type", proof: func(p *Proof) { p.Type = "Ed25519Signature2020" }, want: ErrInvalidProof, inText: "type"},
		{name: "no type", proof: func(p *Proof) { p.Type = "" }, want: ErrInvalidProof, inText: "type"},
		{name: "wrong cryptosuite", proof: func(p *Proof) { p.Cryptosuite = "eddsa-jcs-2022" }, want: ErrUnsupportedCryptosuite},
		{name: "no purpose", proof: func(p *Proof) { p.ProofPurpose = "" }, want: ErrInvalidProof, inText: "proofPurpose"},
		{name: "no verification method", proof: func(p *Proof) { p.VerificationMethod = "" }, want: ErrInvalidProof, inText: "verificationMethod"},
		{name: "created without zone", proof: func(p *Proof) { p.Created = "2026-11-22T14:00:00" }, want: ErrInvalidProof, inText: "created"},
		{name: "document already has a proof", doc: func(d map[string]any) { d["proof"] = map[string]any{} }, want: ErrInvalidProof},
		{name: "document without @context", doc: func(d map[string]any) { delete(d, "@context") }, want: ErrCanonicalization},
		{name: "document with undefined term", doc: func(d map[string]any) { d["laurelLevel"] = 3.0 }, want: ErrUndefinedTerm, inText: `"laurelLevel"`},
		{name: "short key", key: key[:32], inText: "32 bytes"},
		{name: "inconsistent key", key: badKey, inText: "inconsistent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := readJSON(t, vectorDir+"unsigned-credential.json")
			if tt.doc != nil {
				tt.doc(d)
			}
			p := vectorProof(t)
			if tt.proof != nil {
				tt.proof(&p)
			}
			k := key
			if tt.key != nil {
				k = tt.key
			}
			got, err := l.SignEdDSARDFC2022(context.Background(), d, k, p)
			if err == nil {
				t.Fatalf("SignEdDSARDFC2022 succeeded: %+v", got)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v does not match %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.inText) {
				t.Errorf("error %q does not mention %q", err, tt.inText)
			}
		})
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	withoutNetwork(t)
	l := testLoader(t)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x4c}, ed25519.SeedSize))
	pub := key.Public().(ed25519.PublicKey)
	mk := EncodeMultikeyEd25519(pub)
	tests := []struct {
		name, file, created string
		asArray             bool
	}{
		{"vector credential, proof array", vectorDir + "unsigned-credential.json", "2026-11-22T14:00:00Z", true},
		{"basic example", "testdata/examples/basic-openbadgecredential.json", "2026-11-22T14:00:00Z", false},
		{"complete example", "testdata/examples/complete-openbadgecredential.json", "", true},
		{"endorsement", "testdata/examples/endorsementcredential.json", "2026-11-22T14:00:00.123+01:00", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := readJSON(t, tt.file)
			delete(doc, "proof")
			pristine := readJSON(t, tt.file)
			delete(pristine, "proof")
			issuer := "https://example.edu/issuers/laurel"
			vm := issuer + "#" + mk
			p, err := l.SignEdDSARDFC2022(context.Background(), doc, key, Proof{
				Type: ProofTypeDataIntegrity, Cryptosuite: CryptosuiteEdDSARDFC, Created: tt.created,
				VerificationMethod: vm, ProofPurpose: ProofPurposeAssertion,
			})
			if err != nil {
				t.Fatalf("SignEdDSARDFC2022: %v", err)
			}
			if !reflect.DeepEqual(doc, pristine) {
				t.Fatal("signing modified the document")
			}
			var proof map[string]any
			b, _ := json.Marshal(p)
			_ = json.Unmarshal(b, &proof)
			if tt.asArray {
				doc["proof"] = []any{proof}
			} else {
				doc["proof"] = proof
			}
			// Through JSON and back, as a verifier receives it.
			b, _ = json.Marshal(doc)
			var received map[string]any
			_ = json.Unmarshal(b, &received)
			snapshot := copyJSON(received, allLevels)
			if err := l.VerifyEdDSARDFC2022(context.Background(), received, resolverFor(vm, pub)); err != nil {
				t.Fatalf("VerifyEdDSARDFC2022: %v", err)
			}
			if !reflect.DeepEqual(received, snapshot) {
				t.Error("verification modified the document")
			}
		})
	}
}

// BenchmarkSignEdDSARDFC2022 signs the vector credential (two
// canonicalizations, two hashes, one signature), with and without the
// processed-context cache.
func BenchmarkSignEdDSARDFC2022(b *testing.B) {
	key := vectorKey(b)
	p := vectorProof(b)
	doc := readJSON(b, vectorDir+"unsigned-credential.json")
	for _, bc := range []struct {
		name string
		l    *DocumentLoader
	}{{"cached", testLoader(b)}, {"uncached", uncachedLoader(b)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.l.SignEdDSARDFC2022(context.Background(), doc, key, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerifyEdDSARDFC2022(b *testing.B) {
	l := testLoader(b)
	doc := readJSON(b, vectorDir+"signed-credential.json")
	resolve := vectorResolver(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := l.VerifyEdDSARDFC2022(context.Background(), doc, resolve); err != nil {
			b.Fatal(err)
		}
	}
}

package ob3

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"
)

// TestCanonicalizeOwn_Examples compares the fast path with the general one
// on the specification's examples: where the fast path answers, byte for
// byte; where it does not, CanonicalizeOwn still answers as Canonicalize.
func TestCanonicalizeOwn_Examples(t *testing.T) {
	l := testLoader(t)
	files, _ := filepath.Glob("testdata/examples/*.json")
	files = append(files, "testdata/eddsa-rdfc-2022/unsigned-credential.json")
	fast := 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc := readJSON(t, f)
			delete(doc, "proof")
			want, wantErr := l.Canonicalize(context.Background(), doc)
			got, ok := l.canonicalizeFast(context.Background(), doc)
			if ok {
				fast++
				if wantErr != nil || !bytes.Equal(got, want) {
					t.Fatalf("fast path:\n%s\ngeneral path (%v):\n%s", got, wantErr, want)
				}
			}
			own, ownErr := l.CanonicalizeOwn(context.Background(), doc)
			if (ownErr == nil) != (wantErr == nil) || !bytes.Equal(own, want) {
				t.Fatalf("CanonicalizeOwn = %v, %v; Canonicalize = %v", own != nil, ownErr, wantErr)
			}
			t.Logf("fast path taken: %v", ok)
		})
	}
	if fast == 0 {
		t.Fatal("the fast path answered for none of the examples")
	}
}

// FuzzCanonicalizeFast feeds arbitrary JSON to the fast path: it never
// panics, and when it answers, its answer is the general path's.
func FuzzCanonicalizeFast(f *testing.F) {
	files, _ := filepath.Glob("testdata/examples/*.json")
	for _, name := range append(files, "testdata/eddsa-rdfc-2022/unsigned-credential.json") {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"_:x","type":"VerifiableCredential"}`))
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"https://a b.example/"}`))
	l := testLoader(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil {
			return
		}
		got, ok := l.CanonicalizeFast(context.Background(), doc)
		if !ok {
			return
		}
		want, err := l.Canonicalize(context.Background(), doc)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("fast path answered where the general one says %v:\nfast:\n%s\ngeneral:\n%s", err, got, want)
		}
	})
}

// TestIRIVerdicts_Path checks the shortcut for IRIs under an origin: when
// the origin passes, every safe path under it passes the general tests.
func TestIRIVerdicts_Path(t *testing.T) {
	v := newIRIVerdicts()
	for _, iri := range []string{
		"https://badges.example.org/credentials/abc",
		"http://localhost:8080/status/x/1#4242",
		"https://b.example:8443/a/b?c=d&e=(f)#g",
		"https://xn--bcher-kva.example/~x/y;z=1",
		"https://127.0.0.1/x",
		"https://bücher.example/x",
		"https://-bad-.example/x",
		"https://a b.example/x",
		"https://example.org/" + strings.Repeat("a", 2100),
	} {
		want := ld.IsAbsoluteIri(iri) && ld.IsURL(iri)
		if got := v.check(iri); got != want {
			t.Errorf("check(%q) = %v, the general tests say %v", iri, got, want)
		}
	}
}

// BenchmarkCanonicalizeOwn compares the fast path with the general one on
// the test-vector credential and on the specification's basic example,
// both of which the fast path covers.
func BenchmarkCanonicalizeOwn(b *testing.B) {
	l := testLoader(b)
	for _, file := range []string{
		"testdata/eddsa-rdfc-2022/unsigned-credential.json",
		"testdata/examples/basic-openbadgecredential.json",
	} {
		doc := readJSON(b, file)
		delete(doc, "proof")
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		if _, ok := l.CanonicalizeFast(context.Background(), doc); !ok {
			b.Fatalf("%s: the fast path does not cover it", file)
		}
		for _, path := range []struct {
			name  string
			canon func(context.Context, map[string]any) ([]byte, error)
		}{{"fast", l.CanonicalizeOwn}, {"general", l.Canonicalize}} {
			b.Run(name+"/"+path.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := path.canon(context.Background(), doc); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestCanonicalizeFast_LookAlikeBlankNodes covers blank nodes the first
// degree cannot tell apart (two identical results): the fast walk hands
// them to json-gold's n-degree step, and the bytes are still the general
// path's.
func TestCanonicalizeFast_LookAlikeBlankNodes(t *testing.T) {
	l := testLoader(t)
	doc := readJSON(t, "testdata/eddsa-rdfc-2022/unsigned-credential.json")
	subject := doc["credentialSubject"].(map[string]any)
	result := map[string]any{"type": []any{"Result"}, "value": "tab\there \"quoted\" back\\slash\nline"}
	subject["result"] = []any{result, result}
	quads, ok := l.fastQuads(doc)
	if !ok {
		t.Fatal("the fast walk does not cover the document")
	}
	if _, simple := canonicalSimple(quads); simple {
		t.Fatal("canonicalSimple labelled look-alike blank nodes")
	}
	want, err := l.Canonicalize(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := l.CanonicalizeFast(context.Background(), doc)
	if !ok || !bytes.Equal(got, want) {
		t.Fatalf("fast path (answered %v):\n%s\ngeneral path:\n%s", ok, got, want)
	}
}

// TestCanonicalizeOwn_Concurrent runs the fast path from several goroutines
// on one loader, as the service does (run it with -race): the remembered
// scopes and IRI verdicts are shared.
func TestCanonicalizeOwn_Concurrent(t *testing.T) {
	l, err := NewDocumentLoader()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/examples/*.json")
	docs := make([]map[string]any, len(files))
	wants := make([][]byte, len(files))
	for i, f := range files {
		docs[i] = readJSON(t, f)
		delete(docs[i], "proof")
		if wants[i], err = l.Canonicalize(context.Background(), docs[i]); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, 4*len(docs))
	for range 4 {
		go func() {
			for i, doc := range docs {
				got, err := l.CanonicalizeOwn(context.Background(), doc)
				if err == nil && !bytes.Equal(got, wants[i]) {
					err = fmt.Errorf("%s: bytes differ", files[i])
				}
				errs <- err
			}
		}()
	}
	for range 4 * len(docs) {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

package ob3

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/assets"
	"github.com/piprate/json-gold/ld"
)

var (
	loaderOnce sync.Once
	loaderVal  *DocumentLoader
	loaderErr  error
)

// testLoader returns one loader shared by the tests, as the service shares
// one; building it parses every embedded context.
func testLoader(t testing.TB) *DocumentLoader {
	t.Helper()
	loaderOnce.Do(func() { loaderVal, loaderErr = NewDocumentLoader() })
	if loaderErr != nil {
		t.Fatalf("NewDocumentLoader: %v", loaderErr)
	}
	return loaderVal
}

// uncachedLoader is a loader without the processed-context cache: the
// behaviour (and cost) of plain json-gold with an in-memory loader.
func uncachedLoader(t testing.TB) *DocumentLoader {
	t.Helper()
	l, err := NewDocumentLoader()
	if err != nil {
		t.Fatalf("NewDocumentLoader: %v", err)
	}
	l.cacheContexts = false
	return l
}

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exampleDocs lists the credentials canonicalized offline in the tests.
func exampleDocs(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/examples/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	return append(files,
		"testdata/eddsa-rdfc-2022/unsigned-credential.json",
		"testdata/eddsa-rdfc-2022/signed-credential.json",
	)
}

// stockNormalize is json-gold's own path (processor Normalize, no safe mode)
// with the embedded contexts: the reference Canonicalize must agree with.
func stockNormalize(t testing.TB, l *DocumentLoader, doc map[string]any) string {
	t.Helper()
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = l
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		t.Fatalf("json-gold Normalize: %v", err)
	}
	return out.(string)
}

// noNetwork makes any use of the default HTTP transport fail the test, so
// a context fetch could not go unnoticed.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("network access attempted: %s %s", r.Method, r.URL)
	return nil, errors.New("network disabled in tests")
}

func withoutNetwork(t *testing.T) {
	t.Helper()
	saved := http.DefaultTransport
	http.DefaultTransport = noNetwork{t}
	t.Cleanup(func() { http.DefaultTransport = saved })
}

func TestDocumentLoaderServesEveryEmbeddedContext(t *testing.T) {
	withoutNetwork(t)
	l := testLoader(t)
	raw, err := fs.ReadFile(assets.Contexts, "contexts/context-map.json")
	if err != nil {
		t.Fatal(err)
	}
	var index map[string]any
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatal(err)
	}
	// The VC 1.1 examples context imports the ODRL context, which is not
	// embedded: processing it must fail offline, naming that URL.
	needsMissing := map[string]string{
		"https://www.w3.org/2018/credentials/examples/v1": "https://www.w3.org/ns/odrl.jsonld",
	}
	urls := 0
	for url, file := range index {
		if strings.HasPrefix(url, "_") {
			continue
		}
		urls++
		t.Run(url, func(t *testing.T) {
			if _, err := fs.Stat(assets.Contexts, "contexts/"+file.(string)); err != nil {
				t.Fatalf("mapped file missing: %v", err)
			}
			rd, err := l.LoadDocument(url)
			if err != nil {
				t.Fatalf("LoadDocument: %v", err)
			}
			if rd.DocumentURL != url {
				t.Errorf("DocumentURL = %q", rd.DocumentURL)
			}
			if _, ok := rd.Document.(map[string]any)["@context"]; !ok {
				t.Fatalf("document has no @context")
			}
			// Processing the context exercises every URL it imports.
			_, err = ld.NewContext(nil, l.opts).Parse(url)
			if missing, ok := needsMissing[url]; ok {
				if !errors.Is(err, ErrContextNotEmbedded) || !strings.Contains(err.Error(), missing) {
					t.Errorf("processing %s: error %v, want ErrContextNotEmbedded for %s", url, err, missing)
				}
			} else if err != nil {
				t.Errorf("processing %s: %v", url, err)
			}
		})
	}
	if len(l.URLs()) != urls {
		t.Errorf("loader serves %d URLs, context-map.json lists %d", len(l.URLs()), urls)
	}
}

func TestDocumentLoaderNeverFetches(t *testing.T) {
	withoutNetwork(t)
	l := testLoader(t)
	const evil = "https://contexts.example.net/laurel-test/v1"
	base := func() map[string]any { return readJSON(t, "testdata/eddsa-rdfc-2022/unsigned-credential.json") }
	tests := []struct {
		name   string
		mutate func(d map[string]any)
	}{
		{"unknown top-level context", func(d map[string]any) {
			d["@context"] = append(d["@context"].([]any), evil)
		}},
		{"unknown context alone", func(d map[string]any) { d["@context"] = evil }},
		{"unknown context on a nested node", func(d map[string]any) {
			d["credentialSubject"].(map[string]any)["@context"] = evil
		}},
		{"unknown @import", func(d map[string]any) {
			d["@context"] = append(d["@context"].([]any), map[string]any{"@import": evil})
		}},
		{"http variant of a known URL", func(d map[string]any) {
			d["@context"] = []any{"http://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := base()
			tt.mutate(d)
			_, err := l.Canonicalize(context.Background(), d)
			if !errors.Is(err, ErrContextNotEmbedded) || !errors.Is(err, ErrCanonicalization) {
				t.Fatalf("error = %v, want ErrContextNotEmbedded and ErrCanonicalization", err)
			}
			if !strings.Contains(err.Error(), "not embedded") {
				t.Errorf("error %q does not say the context is not embedded", err)
			}
		})
	}

	if _, err := l.LoadDocument(evil); !errors.Is(err, ErrContextNotEmbedded) || !strings.Contains(err.Error(), evil) {
		t.Errorf("LoadDocument(%q) error = %v, want ErrContextNotEmbedded naming the URL", evil, err)
	}
}

func TestCanonicalizeSafeMode(t *testing.T) {
	l := testLoader(t)
	base := func() map[string]any { return readJSON(t, "testdata/eddsa-rdfc-2022/unsigned-credential.json") }
	achievement := func(d map[string]any) map[string]any {
		return d["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	}
	tests := []struct {
		name     string
		file     string // default: the vector's unsigned credential
		mutate   func(d map[string]any)
		want     []string // each must appear in the error
		pointers []string // SafeModeError pointers expected, in order
	}{
		{
			name:     "undefined top-level term",
			mutate:   func(d map[string]any) { d["laurelLevel"] = "x" },
			want:     []string{`"laurelLevel"`},
			pointers: []string{"/laurelLevel"},
		},
		{
			name:     "undefined term holding an object",
			mutate:   func(d map[string]any) { d["laurelData"] = map[string]any{"level": 3, "tags": []any{"a", "b"}} },
			want:     []string{`"laurelData"`},
			pointers: []string{"/laurelData"},
		},
		{
			name:     "undefined term in a nested node",
			mutate:   func(d map[string]any) { achievement(d)["laurelLevel"] = 2 },
			want:     []string{`"laurelLevel"`},
			pointers: []string{"/credentialSubject/achievement/laurelLevel"},
		},
		{
			name: "undefined term in an array element",
			mutate: func(d map[string]any) {
				d["evidence"] = []any{
					map[string]any{"type": []any{"Evidence"}, "name": "fine"},
					map[string]any{"type": []any{"Evidence"}, "laurelCount": 3},
				}
			},
			want:     []string{`"laurelCount"`},
			pointers: []string{"/evidence/1/laurelCount"},
		},
		{
			name:     "term used outside the type that defines it",
			mutate:   func(d map[string]any) { d["issuer"].(map[string]any)["achievementType"] = "Badge" },
			want:     []string{`"achievementType"`},
			pointers: []string{"/issuer/achievementType"},
		},
		{
			name:     "two undefined terms",
			mutate:   func(d map[string]any) { d["zzzLaurel"] = 1; achievement(d)["aaaLaurel"] = true },
			want:     []string{`"zzzLaurel"`, `"aaaLaurel"`},
			pointers: []string{"/zzzLaurel", "/credentialSubject/achievement/aaaLaurel"},
		},
		{
			name:     "keyword-like key",
			mutate:   func(d map[string]any) { d["@laurel"] = "x" },
			want:     []string{`"@laurel"`},
			pointers: []string{"/@laurel"},
		},
		{
			name:     "key with a slash",
			mutate:   func(d map[string]any) { d["laurel/level"] = "x" },
			want:     []string{`"laurel/level"`},
			pointers: []string{"/laurel~1level"},
		},
		{
			name: "undefined term inside an embedded endorsement",
			file: "testdata/examples/complete-openbadgecredential.json",
			mutate: func(d map[string]any) {
				e := d["endorsement"].([]any)[0].(map[string]any)
				e["credentialSubject"].(map[string]any)["laurelScore"] = 5
			},
			want:     []string{`"laurelScore"`},
			pointers: []string{"/endorsement/0/credentialSubject/laurelScore"},
		},
		{
			name: "too large to locate: still an undefined term",
			mutate: func(d map[string]any) {
				var many []any
				for i := range maxLocateValues / 4 {
					many = append(many, map[string]any{"type": []any{"Evidence"}, "name": fmt.Sprint(i)})
				}
				d["evidence"] = many
				d["laurelLevel"] = "x"
			},
			want: []string{"invalid property"},
		},
		{
			name: "undefined type",
			mutate: func(d map[string]any) {
				d["type"] = []any{"VerifiableCredential", "OpenBadgeCredential", "LaurelBadge"}
			},
			want: []string{`"LaurelBadge"`, "not an absolute IRI"},
		},
		{
			name:   "relative id",
			mutate: func(d map[string]any) { d["id"] = "credentials/3527" },
			want:   []string{`"credentials/3527"`, "not an absolute IRI"},
		},
		{
			name:   "URL json-gold silently drops",
			mutate: func(d map[string]any) { achievement(d)["id"] = "https://example.com/achievements/team work" },
			want:   []string{`"https://example.com/achievements/team work"`, "would be dropped"},
		},
		{
			name:   "invalid language tag",
			mutate: func(d map[string]any) { d["name"] = map[string]any{"@value": "Teamwork", "@language": "en_GB"} },
			want:   []string{`"en_gb"`, "language tag"},
		},
		{
			name:   "blank-node property",
			mutate: func(d map[string]any) { d["_:laurel"] = "x" },
			want:   []string{`"_:laurel"`, "blank-node property"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := base()
			if tt.file != "" {
				d = readJSON(t, tt.file)
			}
			tt.mutate(d)
			out, err := l.Canonicalize(context.Background(), d)
			if err == nil {
				t.Fatalf("Canonicalize succeeded; output:\n%s", out)
			}
			if !errors.Is(err, ErrCanonicalization) || !errors.Is(err, ErrUndefinedTerm) {
				t.Errorf("error %v does not match ErrCanonicalization and ErrUndefinedTerm", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %s", err, w)
				}
			}
			if tt.pointers != nil {
				if got := safeModePointers(err); !reflect.DeepEqual(got, tt.pointers) {
					t.Errorf("pointers = %q, want %q", got, tt.pointers)
				}
			}
		})
	}
}

// safeModePointers lists the pointers of the SafeModeErrors inside err.
func safeModePointers(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if se, ok := e.(*SafeModeError); ok {
			out = append(out, se.Pointer)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

func TestCanonicalizeExamplesOffline(t *testing.T) {
	withoutNetwork(t)
	l := testLoader(t)
	plain := uncachedLoader(t)
	for _, file := range exampleDocs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			doc := readJSON(t, file)
			got, err := l.Canonicalize(context.Background(), doc)
			if err != nil {
				t.Fatalf("Canonicalize: %v", err)
			}
			if len(got) == 0 || !bytes.HasSuffix(got, []byte(" .\n")) {
				t.Fatalf("unexpected output %q", got)
			}
			if want := stockNormalize(t, l, doc); string(got) != want {
				t.Errorf("differs from json-gold's Normalize:\n got %s\nwant %s", got, want)
			}
			uncached, err := plain.Canonicalize(context.Background(), doc)
			if err != nil || !bytes.Equal(uncached, got) {
				t.Errorf("without the context cache: err=%v, same output=%v", err, bytes.Equal(uncached, got))
			}
		})
	}
}

func TestCanonicalizeDoesNotModifyInput(t *testing.T) {
	l := testLoader(t)
	tests := []struct {
		name string
		doc  func() map[string]any
	}{
		{"vector", func() map[string]any { return readJSON(t, "testdata/eddsa-rdfc-2022/signed-credential.json") }},
		{"complete", func() map[string]any { return readJSON(t, "testdata/examples/complete-openbadgecredential.json") }},
		{"undefined term", func() map[string]any {
			d := readJSON(t, "testdata/eddsa-rdfc-2022/unsigned-credential.json")
			d["credentialSubject"].(map[string]any)["laurelLevel"] = []any{map[string]any{"a": 1}}
			return d
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, pristine := tt.doc(), tt.doc()
			_, _ = l.Canonicalize(context.Background(), doc)
			if !reflect.DeepEqual(doc, pristine) {
				t.Errorf("Canonicalize modified its input")
			}
		})
	}
}

func TestCanonicalizeBlankNodeGuard(t *testing.T) {
	l := testLoader(t)
	// clique builds n blank nodes that all point at each other: the shape
	// that makes RDFC-1.0 try every ordering.
	clique := func(n int) map[string]any {
		var graph []any
		for i := 0; i < n; i++ {
			var refs []any
			for j := 0; j < n; j++ {
				if j != i {
					refs = append(refs, map[string]any{"@id": fmt.Sprintf("_:b%d", j)})
				}
			}
			graph = append(graph, map[string]any{"@id": fmt.Sprintf("_:b%d", i), "knows": refs})
		}
		return map[string]any{"@context": map[string]any{"knows": map[string]any{"@id": "urn:laurel:knows"}}, "@graph": graph}
	}
	// identical evidence entries are look-alikes too, but not linked to
	// each other: cheap, and must be accepted.
	evidence := readJSON(t, "testdata/eddsa-rdfc-2022/unsigned-credential.json")
	var items []any
	for range 50 {
		items = append(items, map[string]any{"type": []any{"Evidence"}, "narrative": "same"})
	}
	evidence["evidence"] = items

	tests := []struct {
		name    string
		doc     map[string]any
		wantErr bool
	}{
		{"clique of 4", clique(4), false},
		{"clique of 6", clique(6), false},
		{"clique of 7", clique(7), true},
		{"clique of 12", clique(12), true},
		{"50 identical evidence entries", evidence, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := l.Canonicalize(context.Background(), tt.doc)
			if tt.wantErr != errors.Is(err, ErrBlankNodeComplexity) {
				t.Fatalf("error = %v, want ErrBlankNodeComplexity: %v", err, tt.wantErr)
			}
			if !tt.wantErr && err != nil {
				t.Fatalf("Canonicalize: %v", err)
			}
		})
	}
}

func TestCanonicalizeConcurrent(t *testing.T) {
	l := testLoader(t)
	files := exampleDocs(t)
	docs := make([]map[string]any, len(files))
	want := make([][]byte, len(files))
	for i, f := range files {
		docs[i] = readJSON(t, f)
		var err error
		if want[i], err = l.Canonicalize(context.Background(), docs[i]); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range docs {
				j := (i + g) % len(docs)
				got, err := l.Canonicalize(context.Background(), docs[j])
				if err != nil || !bytes.Equal(got, want[j]) {
					t.Errorf("%s: concurrent result differs (err %v)", files[j], err)
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkCanonicalize compares Canonicalize with and without the processed
// context cache, and json-gold's stock Normalize with the same in-memory
// loader (no safe mode, no cache).
func BenchmarkCanonicalize(b *testing.B) {
	cached := testLoader(b)
	plain := uncachedLoader(b)
	for _, file := range []string{
		"testdata/eddsa-rdfc-2022/unsigned-credential.json",
		"testdata/examples/complete-openbadgecredential.json",
	} {
		doc := readJSON(b, file)
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		b.Run(name+"/cached", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cached.Canonicalize(context.Background(), doc); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/uncached", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := plain.Canonicalize(context.Background(), doc); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/json-gold-Normalize", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				stockNormalize(b, plain, doc)
			}
		})
	}
}

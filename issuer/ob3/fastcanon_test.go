package ob3

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
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

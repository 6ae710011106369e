package verifier

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// FuzzVerify feeds the sniffer and the parsers arbitrary bytes, with no
// network: Verify must never panic, and must return either a report or a
// *badges.Error.
func FuzzVerify(f *testing.F) {
	err := filepath.WalkDir(filepath.Join("testdata", "validator"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil {
			f.Add(b)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"{}", `{"@context":[]}`, "a.b.c", "<svg/>", "\x89PNG\r\n\x1a\n", `{"proof":{"type":"DataIntegrityProof","cryptosuite":"ecdsa-sd-2023","proofValue":"u2V0BhQ"}}`} {
		f.Add([]byte(seed))
	}
	v := MustVerifier(f, Options{Now: FixedClock(conformanceClock)})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := v.Verify(context.Background(), Input{Data: data})
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
		switch r.Verdict {
		case Valid, Invalid, Warning:
		default:
			t.Fatalf("verdict %q", r.Verdict)
		}
	})
}

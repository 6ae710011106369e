package verifier

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestVerify_BadInput: what is not a credential in any format is an error,
// not a report.
func TestVerify_BadInput(t *testing.T) {
	v := MustVerifier(t, Options{})
	deep := strings.Repeat(`{"a":`, MaxJSONDepth+1) + "1" + strings.Repeat("}", MaxJSONDepth+1)
	for _, tc := range []struct {
		name string
		in   Input
		code string
	}{
		{"400/empty", Input{}, badges.EINVALID},
		{"400/blank", Input{Data: []byte(" \n\t")}, badges.EINVALID},
		{"413/too large", Input{Data: bytes.Repeat([]byte(" "), MaxInputSize+1)}, badges.ETOOLARGE},
		{"413/JWT too large", Input{Data: []byte("a." + strings.Repeat("b", MaxJWTSize) + ".c")}, badges.ETOOLARGE},
		{"400/plain text", Input{Data: []byte("hello, badge")}, badges.EINVALID},
		{"400/JSON array", Input{Data: []byte(`[{"type":"VerifiableCredential"}]`)}, badges.EINVALID},
		{"400/bad JSON", Input{Data: []byte(`{"@context": [`)}, badges.EINVALID},
		{"400/trailing JSON", Input{Data: []byte(`{} {}`)}, badges.EINVALID},
		{"400/too deep", Input{Data: []byte(deep)}, badges.EINVALID},
		{"400/JWT-shaped garbage", Input{Data: []byte("abc.def.ghi")}, badges.EINVALID},
		{"400/PNG without a credential", Input{Data: []byte("\x89PNG\r\n\x1a\nnot really")}, badges.EINVALID},
		{"400/SVG without a credential", Input{Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)}, badges.EINVALID},
		{"400/data and URL", Input{Data: []byte(`{}`), URL: "https://example.org/c"}, badges.EINVALID},
		{"400/URL without network", Input{URL: "https://example.org/c"}, badges.EINVALID},
		{"400/URL not http", Input{URL: "file:///etc/passwd"}, badges.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := v.Verify(context.Background(), tc.in)
			if badges.ErrorCode(err) != tc.code || r != nil {
				t.Fatalf("Verify = %v, %v; want a %s error", r, err, tc.code)
			}
			if msg := badges.ErrorMessage(err); msg == "" || strings.Contains(msg, "ob3:") {
				t.Fatalf("message %q is not fit to show", msg)
			}
		})
	}
}

// TestVerify_OB2 reads Open Badges 2.0 in every form it comes in and
// reports it as such; without the network its hosted copy cannot be
// fetched, so the verdict is unchecked.
func TestVerify_OB2(t *testing.T) {
	v := MustVerifier(t, Options{})
	svg := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">` +
		`<openbadges:assertion verify="https://example.org/assertions/1"/></svg>`
	for _, tc := range []struct {
		name, format string
		data         []byte
	}{
		{"json", "json", MustRead(t, "ob2/basic-assertion.json")},
		{"png", "png", MustRead(t, "ob2/simple-badge.png")},
		{"svg", "svg", []byte(svg)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := MustVerify(t, v, Input{Data: tc.data})
			in := findChecks(r, CheckInput)
			if r.Verdict != Unchecked || r.Version != OpenBadges2 || r.Format != tc.format || len(in) != 1 || in[0].Outcome != Pass ||
				!hasOutcome(r, CheckProof, Unreachable) {
				dump(t, r)
				t.Fatal("want an unchecked Open Badges 2.0 report, its hosted copy unreachable")
			}
		})
	}
}

// TestVerify_URL fetches a credential by URL.
func TestVerify_URL(t *testing.T) {
	routes := map[string]string{"https://example.com/credentials/3527": "validator/simple.json"}
	for k, f := range conformanceHosts {
		routes[k] = f
	}
	_, f := MustHostServer(t, routes)
	v := MustVerifier(t, Options{Fetcher: f, Now: FixedClock(conformanceClock)})
	r := MustVerify(t, v, Input{URL: "https://example.com/credentials/3527"})
	if r.Verdict != Valid || r.Format != "url" || !strings.Contains(r.Checks[0].Message, "Fetched https://example.com/credentials/3527") {
		dump(t, r)
		t.Fatal("want a valid report of format url")
	}
	if _, err := v.Verify(context.Background(), Input{URL: "https://example.com/credentials/missing"}); badges.ErrorCode(err) != badges.EINVALID {
		t.Fatalf("missing URL: err = %v, want EINVALID", err)
	}
}

// TestVerify_Summary reads what a credential discloses.
func TestVerify_Summary(t *testing.T) {
	v := MustVerifier(t, Options{Now: FixedClock(conformanceClock)})
	r := MustVerify(t, v, Input{Data: MustRead(t, "validator/complete.json")})
	s := r.Credential
	for _, c := range []struct{ name, got, want string }{
		{"ID", s.ID, "http://1edtech.edu/credentials/3732"},
		{"IssuerID", s.IssuerID, "https://1edtech.edu/issuers/565049"},
		{"IssuerName", s.IssuerName, "1EdTech University"},
		{"IssuerURL", s.IssuerURL, "https://1edtech.edu"},
		{"AchievementType", s.AchievementType, "Degree"},
		{"RecipientID", s.RecipientID, "did:example:ebfeb1f712ebc6f1c276e12ec21"},
		{"ValidUntil", s.ValidUntil, "2030-01-01T00:00:00Z"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if s.Name == "" || s.AchievementName == "" || s.Criteria == "" || s.ImageURL == "" {
		t.Errorf("summary lacks display fields: %+v", s)
	}
}

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
		case Valid, Invalid, Warning, Unchecked:
		default:
			t.Fatalf("verdict %q", r.Verdict)
		}
	})
}

package ob3

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// withAlignments is the alignment example with n alignments of its own.
func withAlignments(t testing.TB, n int) map[string]any {
	t.Helper()
	d := readJSON(t, "testdata/examples/achievement-alignment-case.json")
	ach := d["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	al := make([]any, n)
	for i := range al {
		al[i] = map[string]any{"type": []any{"Alignment"}, "targetName": fmt.Sprintf("Skill %d", i),
			"targetUrl": fmt.Sprintf("https://example.org/skills/%d", i), "targetCode": fmt.Sprint(i)}
	}
	ach["alignment"] = al
	return d
}

func TestCanonicalize_Limits(t *testing.T) {
	l := testLoader(t)
	manyTags := func(n int) func(map[string]any) {
		return func(d map[string]any) {
			tags := make([]any, n)
			for i := range tags {
				tags[i] = fmt.Sprint("tag-", i)
			}
			d["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["tag"] = tags
		}
	}
	for _, tc := range []struct {
		name   string
		doc    func(t testing.TB) map[string]any
		wantIn string // in the error; "" means canonicalized
	}{
		{"OK/200 alignments", func(t testing.TB) map[string]any { return withAlignments(t, 200) }, ""},
		{"OK/1,000 tags", func(t testing.TB) map[string]any {
			d := withAlignments(t, 0)
			manyTags(MaxPropertyValues)(d)
			return d
		}, ""},
		{"20,000 alignments", func(t testing.TB) map[string]any { return withAlignments(t, 20000) },
			fmt.Sprintf("more than %d JSON values", MaxCanonicalValues)},
		{"1,001 tags", func(t testing.TB) map[string]any {
			d := withAlignments(t, 0)
			manyTags(MaxPropertyValues + 1)(d)
			return d
		}, fmt.Sprintf(`property "https://schema.org/keywords" of node "https://1edtech.edu/achievements/1" has more than %d values`, MaxPropertyValues)},
		{"one node's values spread over objects sharing its id", func(t testing.TB) map[string]any {
			d := withAlignments(t, 0)
			var same []any
			for i := range 11 {
				genres := make([]any, 100)
				for j := range genres {
					genres[j] = fmt.Sprint("genre-", i, "-", j)
				}
				same = append(same, map[string]any{"id": "https://example.org/evidence/1", "type": []any{"Evidence"}, "genre": genres})
			}
			d["evidence"] = same
			return d
		}, `node "https://example.org/evidence/1" has more than`},
		{"values added to one node through @reverse", func(t testing.TB) map[string]any {
			// Evidence and alignments, none of them many, all naming one
			// target as theirs.
			d := withAlignments(t, MaxPropertyValues/2+1)
			pointsAtTarget := func(m any) {
				m.(map[string]any)["@reverse"] = map[string]any{"https://example.org/vocab#mentions": map[string]any{"id": "https://example.org/target"}}
			}
			for _, a := range d["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["alignment"].([]any) {
				pointsAtTarget(a)
			}
			var evidence []any
			for i := range MaxPropertyValues / 2 {
				e := map[string]any{"id": fmt.Sprintf("https://example.org/e/%d", i), "type": []any{"Evidence"}}
				pointsAtTarget(e)
				evidence = append(evidence, e)
			}
			d["evidence"] = evidence
			return d
		}, `property "https://example.org/vocab#mentions" of node "https://example.org/target" has more than`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.Canonicalize(context.Background(), tc.doc(t))
			if tc.wantIn == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrTooLarge) || !errors.Is(err, ErrCanonicalization) || !strings.Contains(err.Error(), tc.wantIn) {
				t.Fatalf("err = %v; want ErrTooLarge saying %q", err, tc.wantIn)
			}
		})
	}
}

// TestDataIntegrity_TooLarge: signing and verifying refuse the oversized
// document before canonicalizing it.
func TestDataIntegrity_TooLarge(t *testing.T) {
	l := testLoader(t)
	key := vectorKey(t)
	d := withAlignments(t, 20000)
	if _, err := l.SignEdDSARDFC2022(context.Background(), d, key, vectorProof(t)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("sign: %v; want ErrTooLarge", err)
	}
	d["proof"] = map[string]any{"type": ProofTypeDataIntegrity, "cryptosuite": CryptosuiteEdDSARDFC, "proofPurpose": ProofPurposeAssertion,
		"verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
		"proofValue":         "z" + strings.Repeat("1", 86)}
	if err := l.VerifyEdDSARDFC2022(context.Background(), d, vectorResolver(t)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("verify: %v; want ErrTooLarge", err)
	}
}

// cancelAfter is a context that ends after its error was asked for a
// given number of times: a deterministic way to end it between the steps
// of canonicalization.
type cancelAfter struct {
	context.Context
	left, asked int
}

func (c *cancelAfter) Err() error {
	c.asked++
	if c.left == 0 {
		return context.Canceled
	}
	c.left--
	return nil
}

func TestCanonicalize_Cancelled(t *testing.T) {
	l := testLoader(t)
	doc := withAlignments(t, 900) // several serialization rounds
	full := &cancelAfter{Context: context.Background(), left: 1 << 30}
	if _, err := l.Canonicalize(full, doc); err != nil {
		t.Fatal(err)
	}
	if full.asked < 4 {
		t.Fatalf("the context was asked %d times; want once per step and during serialization", full.asked)
	}
	for checks := range full.asked {
		t.Run(fmt.Sprintf("cancelled after %d checks", checks), func(t *testing.T) {
			out, err := l.Canonicalize(&cancelAfter{Context: context.Background(), left: checks}, doc)
			if !errors.Is(err, context.Canceled) || errors.Is(err, ErrCanonicalization) || out != nil {
				t.Fatalf("err = %v (%d bytes); want context.Canceled, not a canonicalization failure", err, len(out))
			}
		})
	}
	t.Run("while locating an undefined term", func(t *testing.T) {
		d := withAlignments(t, 3)
		d["laurelLevel"] = "x"
		_, err := l.Canonicalize(&cancelAfter{Context: context.Background(), left: 2}, d)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v; want context.Canceled", err)
		}
	})
}

package mapping_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges/mapping"
)

// seedPayloads adds every real-shaped payload of testdata to a corpus.
func seedPayloads(f *testing.F, add func(body []byte)) {
	f.Helper()
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed payloads: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

// FuzzParse: any text either is a valid mapping or a field error, never a
// panic; a valid one survives being applied to an empty payload.
func FuzzParse(f *testing.F) {
	for _, p := range mapping.Presets {
		f.Add([]byte(mapping.PresetJSON(p)))
	}
	f.Add([]byte(`{"behaviour": "posted", "memberEmail": ["a.b", "header:X-E"], "items": "x.0"}`))
	f.Add([]byte(`{"memberEmail": "a", "when": [{"if": {"a": [1, "b", null, true]}, "ignore": "no"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := mapping.Parse(data)
		if err != nil {
			return
		}
		m.Apply(map[string]any{}, http.Header{})
	})
}

// FuzzApply: each preset applied to any payload, with each event header,
// gives activities, ignored events or problems, never a panic; every
// activity names its member and behaviour.
func FuzzApply(f *testing.F) {
	seedPayloads(f, func(b []byte) {
		for _, e := range []string{"post_created", "topic_created", "post_liked", "accepted_solution", "pull_request", "issues", "pull_request_review"} {
			f.Add(b, e)
		}
	})
	presets := []*mapping.Mapping{}
	for _, p := range mapping.Presets {
		presets = append(presets, mapping.PresetMapping(p))
	}
	f.Fuzz(func(t *testing.T, body []byte, event string) {
		payload, err := mapping.ParsePayload(body)
		if err != nil {
			return
		}
		h := http.Header{}
		h.Set("X-Discourse-Event", event)
		h.Set("X-GitHub-Event", event)
		h.Set("X-GitHub-Delivery", "d")
		for _, m := range presets {
			res := m.Apply(payload, h)
			if len(res.Activities) > mapping.MaxItems {
				t.Fatalf("%d activities", len(res.Activities))
			}
			for _, a := range res.Activities {
				if a.Behaviour == "" || a.MemberEmail == "" && a.MemberExternalID == "" {
					t.Fatalf("activity without behaviour or member: %+v", a)
				}
			}
		}
	})
}

// FuzzSignature: any header value parses or is refused, and only the
// right signature verifies.
func FuzzSignature(f *testing.F) {
	body := []byte(`{"post":{"id":1}}`)
	f.Add(mapping.Sign("secret", body), "")
	f.Add("sha256=", "")
	f.Add("sha256=zz", "1764525600")
	f.Add("sha1=0123456789abcdef0123456789abcdef01234567", "x")
	sig, ts := mapping.SignAt("secret", body, time.Unix(1764525600, 0))
	f.Add(sig, ts)
	now := time.Unix(1764525600, 0)
	f.Fuzz(func(t *testing.T, value, timestamp string) {
		if sum, err := mapping.ParseSignature(value); err == nil && len(sum) != 32 {
			t.Fatalf("parsed %d bytes", len(sum))
		}
		h := http.Header{}
		h.Set(mapping.HeaderLaurel, value)
		h.Set(mapping.HeaderTimestamp, timestamp)
		if err := mapping.Verify(mapping.PresetGeneric, h, body, []string{"secret"}, now); err == nil {
			want := mapping.Sign("secret", body)
			if timestamp != "" {
				want = mapping.Sign("secret", append([]byte(timestamp+"."), body...))
			}
			if !strings.EqualFold(strings.TrimSpace(value), want) {
				t.Fatalf("%q verified", value)
			}
		}
	})
}

package mapping_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges/mapping"
)

// mustPayload reads a payload of testdata.
func mustPayload(tb testing.TB, name string) map[string]any {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := mapping.ParsePayload(b)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return p
}

func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func TestPresets_Apply(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		preset     mapping.Preset
		h          http.Header
		want       mapping.Activity
	}{
		{"discourse post", "discourse_post_created.json", mapping.PresetDiscourse, header("X-Discourse-Event", "post_created"),
			mapping.Activity{Behaviour: "replied", MemberExternalID: "ada", EventKey: "post_created:1042", Narrative: "Looping the engine",
				At: time.Date(2026, 11, 30, 9, 12, 44, 61e6, time.UTC)}},
		{"discourse topic", "discourse_topic_created.json", mapping.PresetDiscourse, header("X-Discourse-Event", "topic_created"),
			mapping.Activity{Behaviour: "posted", MemberExternalID: "ada", EventKey: "topic_created:312", Narrative: "Notes from the November meetup",
				At: time.Date(2026, 11, 30, 10, 1, 2, 0, time.UTC)}},
		{"discourse like", "discourse_post_liked.json", mapping.PresetDiscourse, header("X-Discourse-Event", "post_liked"),
			mapping.Activity{Behaviour: "like-received", MemberExternalID: "ada", EventKey: "post_liked:1042:23", Narrative: "Looping the engine"}},
		{"discourse solution", "discourse_accepted_solution.json", mapping.PresetDiscourse, header("X-Discourse-Event", "accepted_solution"),
			mapping.Activity{Behaviour: "solution-accepted", MemberExternalID: "ada", EventKey: "accepted_solution:1042", Narrative: "Looping the engine"}},
		{"github merged", "github_pull_request_merged.json", mapping.PresetGitHub, header("X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "d-1"),
			mapping.Activity{Behaviour: "pull-request-merged", MemberExternalID: "ada", EventKey: "d-1", Narrative: "Loop the Bernoulli numbers",
				EvidenceURL: "https://github.com/analytical/engine/pull/87", At: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}},
		{"github issue", "github_issues_opened.json", mapping.PresetGitHub, header("X-GitHub-Event", "issues", "X-GitHub-Delivery", "d-2"),
			mapping.Activity{Behaviour: "issue-opened", MemberExternalID: "grace", EventKey: "d-2", Narrative: "The mill jams on negative numbers",
				EvidenceURL: "https://github.com/analytical/engine/issues/88", At: time.Date(2026, 11, 30, 11, 0, 0, 0, time.UTC)}},
		{"github review", "github_review_submitted.json", mapping.PresetGitHub, header("X-GitHub-Event", "pull_request_review", "X-GitHub-Delivery", "d-3"),
			mapping.Activity{Behaviour: "gave-feedback", MemberExternalID: "grace", EventKey: "d-3", Narrative: "Loop the Bernoulli numbers",
				EvidenceURL: "https://github.com/analytical/engine/pull/87#pullrequestreview-1876543210", At: time.Date(2026, 11, 29, 16, 45, 0, 0, time.UTC)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := mapping.PresetMapping(tc.preset).Apply(mustPayload(t, tc.file), tc.h)
			if len(res.Activities) != 1 || len(res.Ignored)+len(res.Problems) != 0 {
				t.Fatalf("result = %+v, want one activity", res)
			}
			got := res.Activities[0]
			got.Rule = 0
			if !got.At.Equal(tc.want.At) {
				t.Errorf("At = %v, want %v", got.At, tc.want.At)
			}
			got.At = tc.want.At
			if got != tc.want {
				t.Errorf("activity = %+v\nwant       %+v", got, tc.want)
			}
		})
	}
}

func TestPresets_Ignore(t *testing.T) {
	gh := mapping.PresetMapping(mapping.PresetGitHub)
	p := mustPayload(t, "github_pull_request_merged.json")
	p["pull_request"].(map[string]any)["merged"] = false
	res := gh.Apply(p, header("X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "d"))
	if len(res.Activities) != 0 || len(res.Ignored) != 1 || !strings.Contains(res.Ignored[0].Reason, "No rule") {
		t.Fatalf("closed unmerged = %+v, want ignored by no rule", res)
	}
	res = gh.Apply(map[string]any{"zen": "Keep it logically awesome."}, header("X-GitHub-Event", "ping"))
	if len(res.Ignored) != 1 || !strings.Contains(res.Ignored[0].Reason, "ping") {
		t.Fatalf("ping = %+v, want ignored as a ping", res)
	}
	first := mustPayload(t, "discourse_post_created.json")
	first["post"].(map[string]any)["post_number"] = json.Number("1")
	res = mapping.PresetMapping(mapping.PresetDiscourse).Apply(first, header("X-Discourse-Event", "post_created"))
	if len(res.Ignored) != 1 || !strings.Contains(res.Ignored[0].Reason, "first post") {
		t.Fatalf("first post = %+v, want ignored", res)
	}
}

func TestGeneric_Items(t *testing.T) {
	g := mapping.PresetMapping(mapping.PresetGeneric)
	res := g.Apply(mustPayload(t, "generic_batch.json"), nil)
	if len(res.Activities) != 2 {
		t.Fatalf("result = %+v, want two activities", res)
	}
	a, b := res.Activities[0], res.Activities[1]
	if a.MemberEmail != "ada@example.org" || a.Behaviour != "attended-session" || a.EventKey != "evt-1" || a.EvidenceURL == "" {
		t.Errorf("first = %+v", a)
	}
	if b.MemberExternalID != "grace" || b.Index != 1 || !b.At.Equal(time.Unix(1764525600, 0)) || b.Narrative != "Ran the November meetup" {
		t.Errorf("second = %+v", b)
	}
	// A single activity is the payload itself.
	one := g.Apply(map[string]any{"id": "x", "email": "a@example.org", "behaviour": "posted"}, nil)
	if len(one.Activities) != 1 || one.Activities[0].EventKey != "x" {
		t.Errorf("single = %+v", one)
	}
	// An item without its id or member is a problem, not an activity.
	bad := g.Apply(map[string]any{"activities": []any{map[string]any{"email": "a@example.org", "behaviour": "posted"}, map[string]any{"id": "y", "behaviour": "posted"}}}, nil)
	if len(bad.Problems) != 2 || bad.Problems[0].Field != "eventKey" || bad.Problems[1].Field != "memberEmail" {
		t.Errorf("problems = %+v", bad.Problems)
	}
}

func TestParse_Errors(t *testing.T) {
	for _, tc := range []struct{ name, json, field string }{
		{"no behaviour", `{"memberEmail": "a"}`, "behaviour"},
		{"two behaviours", `{"behaviour": "posted", "behaviourFrom": "b", "memberEmail": "a"}`, "behaviour"},
		{"bad key", `{"behaviour": "Posted!", "memberEmail": "a"}`, "behaviour"},
		{"no member", `{"behaviour": "posted"}`, "memberEmail"},
		{"rule without member", `{"when": [{"if": {"a": 1}, "behaviour": "posted"}]}`, "when[0]"},
		{"empty path", `{"behaviour": "posted", "memberEmail": ""}`, "memberEmail"},
		{"empty segment", `{"behaviour": "posted", "memberEmail": "a..b"}`, "memberEmail"},
		{"deep path", `{"behaviour": "posted", "memberEmail": "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q"}`, "memberEmail"},
		{"bad header", `{"behaviour": "posted", "memberEmail": "header:X Y"}`, "memberEmail"},
		{"object literal", `{"memberEmail": "a", "when": [{"if": {"a": {"$gt": 1}}, "behaviour": "posted"}]}`, "when[0].if.a"},
		{"no conditions", `{"memberEmail": "a", "when": [{"if": {}, "behaviour": "posted"}]}`, "when[0].if"},
		{"both", `{"memberEmail": "a", "when": [{"if": {"a": 1}, "behaviour": "posted", "ignore": "x"}]}`, "when[0].behaviour"},
		{"unknown field", `{"behaviour": "posted", "memberEmail": "a", "script": "x"}`, "mapping"},
		{"too many alternatives", `{"behaviour": "posted", "memberEmail": ["a","b","c","d","e","f"]}`, "memberEmail"},
		{"items header", `{"items": "header:X", "behaviour": "posted", "memberEmail": "a"}`, "items"},
		{"too large", `{"behaviour": "posted", "memberEmail": "a", "narrative": "` + strings.Repeat("x", mapping.MaxMappingBytes) + `"}`, "mapping"},
		{"too deep", strings.Repeat("[", 40) + strings.Repeat("]", 40), "mapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mapping.Parse([]byte(tc.json))
			var fe *mapping.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error = %v, want a field error", err)
			}
			if fe.Field != tc.field || !strings.HasSuffix(fe.Message, ".") {
				t.Errorf("error = %q on %q, want a sentence on %q", fe.Message, fe.Field, tc.field)
			}
		})
	}
	many := `{"memberEmail": "a", "when": [` + strings.Repeat(`{"if": {"a": 1}, "behaviour": "posted"},`, 51)
	if _, err := mapping.Parse([]byte(strings.TrimSuffix(many, ",") + "]}")); err == nil || !strings.Contains(err.Error(), "at most 50 rules") {
		t.Errorf("51 rules: %v", err)
	}
}

func TestParsePayload_Bounds(t *testing.T) {
	if _, err := mapping.ParsePayload([]byte(`{"a": "` + strings.Repeat("x", mapping.MaxPayloadBytes) + `"}`)); !errors.Is(err, mapping.ErrPayloadTooLarge) {
		t.Errorf("large: %v", err)
	}
	deep := `{"a":` + strings.Repeat("[", 32) + strings.Repeat("]", 32) + `}`
	if _, err := mapping.ParsePayload([]byte(deep)); !errors.Is(err, mapping.ErrPayloadTooDeep) {
		t.Errorf("deep: %v", err)
	}
	// Brackets inside strings are not nesting.
	if _, err := mapping.ParsePayload([]byte(`{"a": "` + strings.Repeat("[", 100) + `\"["}`)); err != nil {
		t.Errorf("brackets in a string: %v", err)
	}
	for _, bad := range []string{`[]`, `null`, `{"a":1} {}`, `{"a":`} {
		if _, err := mapping.ParsePayload([]byte(bad)); !errors.Is(err, mapping.ErrPayloadInvalid) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestVerify(t *testing.T) {
	body, now := []byte(`{"a":1}`), time.Now()
	sig := mapping.Sign("s3cret", body)
	for _, tc := range []struct {
		name    string
		p       mapping.Preset
		h       http.Header
		secrets []string
		want    error
	}{
		{"github", mapping.PresetGitHub, header(mapping.HeaderGitHub, sig), []string{"s3cret"}, nil},
		{"discourse", mapping.PresetDiscourse, header(mapping.HeaderDiscourse, sig), []string{"s3cret"}, nil},
		{"previous secret", mapping.PresetGeneric, header(mapping.HeaderLaurel, sig), []string{"new", "s3cret"}, nil},
		{"wrong header", mapping.PresetGitHub, header(mapping.HeaderDiscourse, sig), []string{"s3cret"}, mapping.ErrUnsigned},
		{"wrong secret", mapping.PresetGitHub, header(mapping.HeaderGitHub, sig), []string{"other"}, mapping.ErrBadSignature},
		{"malformed", mapping.PresetGitHub, header(mapping.HeaderGitHub, "sha1=abc"), []string{"s3cret"}, mapping.ErrMalformed},
		{"no secret", mapping.PresetGitHub, header(mapping.HeaderGitHub, mapping.Sign("", body)), []string{""}, mapping.ErrBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := mapping.Verify(tc.p, tc.h, body, tc.secrets, now); !errors.Is(err, tc.want) {
				t.Errorf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("timestamp", func(t *testing.T) {
		sig, ts := mapping.SignAt("s3cret", body, now.Add(-time.Minute))
		if err := mapping.Verify(mapping.PresetGeneric, header(mapping.HeaderLaurel, sig, mapping.HeaderTimestamp, ts), body, []string{"s3cret"}, now); err != nil {
			t.Errorf("fresh: %v", err)
		}
		old, oldTS := mapping.SignAt("s3cret", body, now.Add(-10*time.Minute))
		if err := mapping.Verify(mapping.PresetGeneric, header(mapping.HeaderLaurel, old, mapping.HeaderTimestamp, oldTS), body, []string{"s3cret"}, now); !errors.Is(err, mapping.ErrStale) {
			t.Errorf("stale: %v", err)
		}
		// The timestamp is signed: changing it breaks the signature.
		if err := mapping.Verify(mapping.PresetGeneric, header(mapping.HeaderLaurel, sig, mapping.HeaderTimestamp, oldTS[:len(oldTS)-1]+"9"), body, []string{"s3cret"}, now); err == nil {
			t.Error("a changed timestamp passed")
		}
	})
}

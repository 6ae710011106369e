package badges_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func TestDefaultBehaviours(t *testing.T) {
	bs := badges.DefaultBehaviours()
	want := map[string]badges.BehaviourCategory{
		"attended-session": "participation", "hosted-session": "leadership", "posted": "contribution",
		"replied": "participation", "shared-resource": "contribution", "gave-feedback": "contribution",
		"mentored-member": "mentoring", "led-project": "leadership", "volunteered": "contribution",
		"completed-onboarding": "participation", "endorsed-peer": "participation",
	}
	if len(bs) != len(want) {
		t.Errorf("%d default behaviours; want %d", len(bs), len(want))
	}
	for _, b := range bs {
		if err := badges.ValidateBehaviour(b); err != nil {
			t.Errorf("ValidateBehaviour(%+v) = %v", b, err)
		}
		if c, ok := want[b.Key]; !ok || c != b.Category {
			t.Errorf("behaviour %s has category %s; want %s", b.Key, b.Category, c)
		}
	}
	if !slices.ContainsFunc(bs, func(b badges.Behaviour) bool { return b.Key == badges.BehaviourEndorsement }) {
		t.Errorf("no %s behaviour", badges.BehaviourEndorsement)
	}
	bs[0].Key = "changed"
	if badges.DefaultBehaviours()[0].Key == "changed" {
		t.Errorf("DefaultBehaviours shares its slice")
	}
}

func TestValidateBehaviour(t *testing.T) {
	ok := badges.Behaviour{Key: "ran-a-hackathon", Name: "Ran a hackathon", Category: badges.CategoryLeadership}
	for _, tc := range []struct {
		name  string
		edit  func(b *badges.Behaviour)
		field string
	}{
		{"ok", func(*badges.Behaviour) {}, ""},
		{"key digits", func(b *badges.Behaviour) { b.Key = "2fa-set-up" }, ""},
		{"key 40", func(b *badges.Behaviour) { b.Key = strings.Repeat("k", 40) }, ""},
		{"no key", func(b *badges.Behaviour) { b.Key = "" }, "key"},
		{"key 41", func(b *badges.Behaviour) { b.Key = strings.Repeat("k", 41) }, "key"},
		{"key upper", func(b *badges.Behaviour) { b.Key = "Posted" }, "key"},
		{"key space", func(b *badges.Behaviour) { b.Key = "gave feedback" }, "key"},
		{"key hyphen", func(b *badges.Behaviour) { b.Key = "-x" }, "key"},
		{"key accent", func(b *badges.Behaviour) { b.Key = "café" }, "key"},
		{"no name", func(b *badges.Behaviour) { b.Name = "  " }, "name"},
		{"name 100", func(b *badges.Behaviour) { b.Name = strings.Repeat("é", 100) }, ""},
		{"name 101", func(b *badges.Behaviour) { b.Name = strings.Repeat("é", 101) }, "name"},
		{"description 500", func(b *badges.Behaviour) { b.Description = strings.Repeat("d", 500) }, ""},
		{"description 501", func(b *badges.Behaviour) { b.Description = strings.Repeat("d", 501) }, "description"},
		{"description control", func(b *badges.Behaviour) { b.Description = "a\x00" }, "description"},
		{"no category", func(b *badges.Behaviour) { b.Category = "" }, "category"},
		{"bad category", func(b *badges.Behaviour) { b.Category = "fun" }, "category"},
	} {
		b := ok
		tc.edit(&b)
		err := badges.ValidateBehaviour(b)
		if badges.ErrorField(err) != tc.field || (err == nil) != (tc.field == "") {
			t.Errorf("%s: ValidateBehaviour = %v; want field %q", tc.name, err, tc.field)
		}
		if err != nil && badges.ErrorCode(err) != badges.EINVALID {
			t.Errorf("%s: code %s", tc.name, badges.ErrorCode(err))
		}
	}
}

func TestValidateActivity(t *testing.T) {
	now := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	ok := badges.Activity{MemberID: "m1", Behaviour: "mentored-member", At: now.Add(-time.Hour), PeerID: "m2",
		EvidenceURL: "https://example.org/notes", Narrative: "Paired on a review.", Cohort: "spring-2026", SourceEventID: "evt-1"}
	for _, tc := range []struct {
		name  string
		edit  func(a *badges.Activity)
		field string
		msg   string
	}{
		{"ok", func(*badges.Activity) {}, "", ""},
		{"minimal", func(a *badges.Activity) { *a = badges.Activity{MemberID: "m", Behaviour: "posted", At: now} }, "", ""},
		{"skew allowed", func(a *badges.Activity) { a.At = now.Add(badges.FutureTolerance) }, "", ""},
		{"year 2000", func(a *badges.Activity) { a.At = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }, "", ""},
		{"max quantity", func(a *badges.Activity) { a.Quantity = 1e6 }, "", ""},
		{"no member", func(a *badges.Activity) { a.MemberID = "" }, "memberId", "required"},
		{"no behaviour", func(a *badges.Activity) { a.Behaviour = "" }, "behaviour", "behaviour is required"},
		{"bad behaviour", func(a *badges.Activity) { a.Behaviour = "Posted!" }, "behaviour", "not a behaviour key"},
		{"no time", func(a *badges.Activity) { a.At = time.Time{} }, "at", "at is required"},
		{"future", func(a *badges.Activity) { a.At = now.Add(badges.FutureTolerance + time.Second) }, "at", "in the future"},
		{"ancient", func(a *badges.Activity) { a.At = time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC) }, "at", "before the year 2000"},
		{"NaN", func(a *badges.Activity) { a.Quantity = math.NaN() }, "quantity", "finite"},
		{"Inf", func(a *badges.Activity) { a.Quantity = math.Inf(1) }, "quantity", "finite"},
		{"negative", func(a *badges.Activity) { a.Quantity = -1 }, "quantity", "negative"},
		{"too much", func(a *badges.Activity) { a.Quantity = 1e6 + 1 }, "quantity", "at most 1000000"},
		{"own peer", func(a *badges.Activity) { a.PeerID = "m1" }, "peerId", "A member cannot be their own peer"},
		{"peer spaces", func(a *badges.Activity) { a.PeerID = "m 2" }, "peerId", "spaces"},
		{"peer long", func(a *badges.Activity) { a.PeerID = strings.Repeat("p", 65) }, "peerId", "longer than 64"},
		{"url scheme", func(a *badges.Activity) { a.EvidenceURL = "ftp://example.org/x" }, "evidenceUrl", "http or https"},
		{"url relative", func(a *badges.Activity) { a.EvidenceURL = "/notes" }, "evidenceUrl", "http or https"},
		{"url long", func(a *badges.Activity) { a.EvidenceURL = "https://example.org/" + strings.Repeat("x", 2030) }, "evidenceUrl", "longer than 2048"},
		{"narrative 2000", func(a *badges.Activity) { a.Narrative = strings.Repeat("ñ", 2000) }, "", ""},
		{"narrative 2001", func(a *badges.Activity) { a.Narrative = strings.Repeat("ñ", 2001) }, "narrative", "longer than 2000"},
		{"narrative control", func(a *badges.Activity) { a.Narrative = "bell\a" }, "narrative", "control"},
		{"cohort long", func(a *badges.Activity) { a.Cohort = strings.Repeat("c", 101) }, "cohort", "longer than 100"},
		{"cohort lines", func(a *badges.Activity) { a.Cohort = "a\nb" }, "cohort", "single line"},
		{"source long", func(a *badges.Activity) { a.SourceEventID = strings.Repeat("s", 201) }, "sourceEventId", "longer than 200"},
		{"source control", func(a *badges.Activity) { a.SourceEventID = "a\x00" }, "sourceEventId", "control"},
	} {
		a := ok
		tc.edit(&a)
		err := badges.ValidateActivity(a, now)
		if badges.ErrorField(err) != tc.field || (err == nil) != (tc.field == "") || !strings.Contains(badges.ErrorMessage(err), tc.msg) {
			t.Errorf("%s: ValidateActivity = %v; want field %q, message …%s…", tc.name, err, tc.field, tc.msg)
		}
	}
}

func TestActivityAmount(t *testing.T) {
	for q, want := range map[float64]float64{0: 1, 0.5: 0.5, 3: 3} {
		if got := (badges.Activity{Quantity: q}).Amount(); got != want {
			t.Errorf("Amount(%v) = %v; want %v", q, got, want)
		}
	}
}

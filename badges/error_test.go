package badges_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func TestSentence(t *testing.T) {
	for _, tc := range []struct{ msg, field, want string }{
		{"name is required", "name", "name is required."},
		{"of is required", "rule.condition.atLeast.of", "of is required."},
		{"memberId is required", "memberId", "memberId is required."},
		{"alignments.targetName is required", "alignments.targetName", "alignments.targetName is required."},
		{"targetUrl must be an http or https URL", "alignments.targetUrl", "targetUrl must be an http or https URL."},
		{"the idempotency key is too long", "Idempotency-Key", "The idempotency key is too long."},
		{"memberIds differ", "memberId", "MemberIds differ."},
		{"No member with id \"x\".", "", "No member with id \"x\"."},
		{"Really?", "", "Really?"},
		{"élan is required", "", "Élan is required."},
		{"", "name", ""},
	} {
		if got := badges.Sentence(tc.msg, tc.field); got != tc.want {
			t.Errorf("Sentence(%q, %q) = %q, want %q", tc.msg, tc.field, got, tc.want)
		}
	}
}

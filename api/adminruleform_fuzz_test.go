package api

import (
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// FuzzRuleForm reads arbitrary rule builder forms as the builder does: the
// op, the tree (refused or within the parser's bounds), a change of the
// tree, then the rule's JSON through the API's parser. Nothing panics, a
// tree read is never deeper or wider than the parser allows, and a rule
// the form says is valid reads back into the same form.
func FuzzRuleForm(f *testing.F) {
	for _, seed := range [][2]string{
		{"c.type=count&c.behaviour=hosted-session&c.min=2", "save"},
		{"c.type=all&c.0.type=count&c.0.behaviour=x&c.0.min=1&c.1.type=holds&c.1.achievement=aaaaaaaaaaaaaaaaaaaa", "add:c"},
		{"c.type=atLeast&c.n=1&c.0.type=tenure&c.0.days=30&period=P1Y", "remove:c.0"},
		{"c.type=any&c.0.type=any&c.0.0.type=any&c.0.0.0.type=any&c.0.0.0.0.type=any&c.0.0.0.0.0.type=count", "type:c.0.0"},
		{"c.type=streak&c.min=1%2C000&c.unit=weeks", "preview"},
		{"c.type=cohort&c.cohort=Spring", ""},
		{"c.type=sum&c.min=1e309&c.withinDays=-1", "save"},
		{"c.type=endorsements&c.min=0x10&c.fromHolders=%00", "type:c"},
		{"c.99.type=count&c.type=all&c.01.type=count", "add:c.99"},
		{"c.type=count&c.type=all", "json"},
		{"c.type=count&c.behaviour=" + strings.Repeat("é", 600), "save"},
	} {
		f.Add(seed[0], seed[1])
	}
	page := &rulePage{Badge: &badges.Achievement{ID: "aaaaaaaaaaaaaaaaaaaa", Name: "Fuzzed"}, cohortIDs: map[string]string{"Spring": "bbbbbbbbbbbbbbbbbbbb"},
		behaviours: []badges.Behaviour{{Key: "hosted-session", Name: "Hosted a session"}}}
	page.names = namesOf(page.behaviours, nil)
	f.Fuzz(func(t *testing.T, raw, opText string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		op, opErr := parseRuleOp(opText)
		rf, err := readRuleForm(form)
		if err != nil {
			if badges.ErrorCode(err) != badges.EINVALID {
				t.Fatalf("readRuleForm(%q): %v, want a field error", raw, err)
			}
			return
		}
		wantBounded(t, rf.Root, 1)
		p := *page
		p.Form = formState{}
		if opErr == nil && op.Place != "" {
			_ = p.apply(rf, op)
			wantBounded(t, rf.Root, 1)
		}
		r := p.show(rf)
		if r == nil {
			return
		}
		again := *page
		if again.show(ruleTree(r)) == nil {
			t.Fatalf("the rule %s of form %q does not read back: %v", p.JSON, raw, again.Form.Errors)
		}
	})
}

// wantBounded fails unless the tree under n is within the parser's depth
// and width.
func wantBounded(t *testing.T, n *ruleNode, depth int) {
	t.Helper()
	if depth > badges.MaxRuleDepth || len(n.Kids) > badges.MaxRuleItems {
		t.Fatalf("a condition at %s is %d deep with %d kids: past the parser's bounds", n.Path, depth, len(n.Kids))
	}
	for _, k := range n.Kids {
		wantBounded(t, k, depth+1)
	}
}

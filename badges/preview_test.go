package badges_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// pagedMembers is a community of members listed a page at a time, the
// cursor being the index of the page's first member.
type pagedMembers struct {
	badges.MemberService
	members []*badges.Member
}

func (p *pagedMembers) Members(_ context.Context, f badges.MemberFilter) (*badges.Page[*badges.Member], error) {
	if f.Limit < 1 || f.Limit > badges.MaxPageSize {
		return nil, badges.FieldErrorf("limit", "limit must be between 1 and %d, not %d", badges.MaxPageSize, f.Limit)
	}
	start := 0
	if f.Cursor != "" {
		start, _ = strconv.Atoi(f.Cursor)
	}
	end := min(start+f.Limit, len(p.members))
	page := &badges.Page[*badges.Member]{Items: p.members[start:end], Total: len(p.members)}
	if end < len(p.members) {
		page.NextCursor = strconv.Itoa(end)
	}
	return page, nil
}

// oneAchievement is an achievement service that knows one achievement.
type oneAchievement struct {
	badges.AchievementService
	ach *badges.Achievement
}

func (s oneAchievement) Achievement(_ context.Context, id string) (*badges.Achievement, error) {
	if id != s.ach.ID {
		return nil, badges.Errorf(badges.ENOTFOUND, "No achievement with id %q.", id)
	}
	return s.ach, nil
}

// noCustom is a community with the default behaviours and no rules.
type noCustom struct {
	badges.BehaviourStore
	badges.RuleStore
}

func (noCustom) CustomBehaviours(context.Context, string) ([]badges.Behaviour, error) {
	return nil, nil
}
func (noCustom) Rules(context.Context, string) (map[string]*badges.Rule, error) {
	return map[string]*badges.Rule{}, nil
}

// noRecords is a record store in which no member has a record yet.
type noRecords struct{ badges.RecordStore }

func (noRecords) Record(context.Context, string) (*badges.MemberRecord, error) { return nil, nil }

// TestPreviewer_Truncated: a preview says it left members out exactly
// when the community has more than it evaluates, whether or not the bound
// is a multiple of the page size.
func TestPreviewer_Truncated(t *testing.T) {
	ach := &badges.Achievement{ID: "a", IssuerID: "i", Name: "Regular", Status: badges.StatusActive}
	rule, err := badges.ParseRule([]byte(`{"condition":{"count":{"behaviour":"attended-session","min":1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		limit, members, evaluated int
		truncated                 bool
	}{
		{0, 3, 3, false}, // the default bound
		{badges.MaxPageSize, badges.MaxPageSize - 1, badges.MaxPageSize - 1, false},
		{badges.MaxPageSize, badges.MaxPageSize, badges.MaxPageSize, false},
		{badges.MaxPageSize, badges.MaxPageSize + 1, badges.MaxPageSize, true},
		{2 * badges.MaxPageSize, 5 * badges.MaxPageSize, 2 * badges.MaxPageSize, true},
		{450, 450, 450, false},
		{450, 451, 450, true},
		{450, 1000, 450, true},
	} {
		t.Run(fmt.Sprintf("%d of %d", tc.limit, tc.members), func(t *testing.T) {
			community := &pagedMembers{}
			for i := range tc.members {
				community.members = append(community.members, &badges.Member{ID: fmt.Sprint("m", i), IssuerID: "i", CreatedAt: time.Now()})
			}
			achievements := oneAchievement{ach: ach}
			v := badges.NewPreviewer(badges.NewCatalogue(noCustom{}, noCustom{}, achievements), community, noRecords{},
				func(context.Context, string) (map[string]bool, error) { return nil, nil }, nil, time.Now)
			if tc.limit > 0 {
				v.SetPreviewLimit(tc.limit)
			}
			p, err := v.Preview(t.Context(), ach.ID, rule)
			if err != nil {
				t.Fatal(err)
			}
			if p.Evaluated != tc.evaluated || p.Truncated != tc.truncated {
				t.Fatalf("evaluated %d, truncated %v; want %d, %v", p.Evaluated, p.Truncated, tc.evaluated, tc.truncated)
			}
		})
	}
}

package badges_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func ptr[T any](v T) *T { return &v }

func TestAchievement_Apply(t *testing.T) {
	base := func(st badges.AchievementStatus) *badges.Achievement {
		return &badges.Achievement{ID: "x", Name: "Host", Description: "D", Criteria: "C", AchievementType: "Badge",
			Status: st, Version: 1, Tags: []string{"a"}}
	}
	for _, tc := range []struct {
		name    string
		from    badges.AchievementStatus
		u       badges.AchievementUpdate
		changed bool
		status  badges.AchievementStatus
		code    string
	}{
		{"content change", badges.StatusActive, badges.AchievementUpdate{Name: ptr("Host 2")}, true, badges.StatusActive, ""},
		{"same content", badges.StatusActive, badges.AchievementUpdate{Name: ptr(" Host "), Tags: &[]string{"a", "a"}}, false, badges.StatusActive, ""},
		{"activate", badges.StatusDraft, badges.AchievementUpdate{Status: ptr(badges.StatusActive)}, false, badges.StatusActive, ""},
		{"archive", badges.StatusActive, badges.AchievementUpdate{Status: ptr(badges.StatusArchived)}, false, badges.StatusArchived, ""},
		{"restore", badges.StatusArchived, badges.AchievementUpdate{Status: ptr(badges.StatusActive)}, false, badges.StatusActive, ""},
		{"409/back to draft", badges.StatusActive, badges.AchievementUpdate{Status: ptr(badges.StatusDraft)}, false, "", badges.ECONFLICT},
		{"409/edit archived", badges.StatusArchived, badges.AchievementUpdate{Name: ptr("New")}, false, "", badges.ECONFLICT},
		{"400/unknown status", badges.StatusActive, badges.AchievementUpdate{Status: ptr(badges.AchievementStatus("gone"))}, false, "", badges.EINVALID},
		{"400/empty name", badges.StatusDraft, badges.AchievementUpdate{Name: ptr("")}, false, "", badges.EINVALID},
		{"400/too many tags", badges.StatusDraft, badges.AchievementUpdate{Tags: ptr(make([]string, 51))}, false, "", badges.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := base(tc.from)
			n, changed, err := a.Apply(tc.u)
			if badges.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v; want code %q", err, tc.code)
			}
			if err != nil {
				return
			}
			if changed != tc.changed || n.Status != tc.status || a.Status != tc.from {
				t.Fatalf("changed %v status %s (original now %s)", changed, n.Status, a.Status)
			}
		})
	}
}

func TestPaginate(t *testing.T) {
	items := []int{5, 3, 1, 4, 2}
	key := func(i int) string { return string(rune('a' + i)) }
	var got []int
	o := badges.ListOptions{Limit: 2}
	for {
		p, err := badges.Paginate(items, key, o)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 5 {
			t.Fatalf("total %d", p.Total)
		}
		got = append(got, p.Items...)
		if p.NextCursor == "" {
			break
		}
		o.Cursor = p.NextCursor
	}
	if len(got) != 5 || got[0] != 1 || got[4] != 5 {
		t.Fatalf("paged %v", got)
	}
	if _, err := badges.Paginate(items, key, badges.ListOptions{Cursor: "!!"}); badges.ErrorField(err) != "cursor" {
		t.Fatalf("bad cursor: %v", err)
	}
}

package main

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// pathwayWorld is a badgeWorld grown into a living community: a pathway
// of three badges (Newcomer → Regular → Session Host), over fifty
// members who hold the first (so its holders take two pages), a pinned
// member, a week of activity and a cohort.
type pathwayWorld struct {
	*badgeWorld
	newcomer, regular string
}

// pathwayNames are the community's members beyond Ada and Bob: ordinary
// names, and a few that test the layout (long, right-to-left, emoji).
var pathwayNames = []string{"Grace Hopper", "Alan Turing", "Katherine Johnson", "Margaret Hamilton", "Dennis Ritchie",
	"Barbara Liskov", "Ken Thompson", "Frances Allen", "Edsger Dijkstra", "Radia Perlman",
	"Wolfeschlegelsteinhausenbergerdorff Hubert Blaine", "مريم ميرزاخاني", "Zoë 🎉 Martin"}

func newPathwayWorld(t *testing.T) *pathwayWorld {
	t.Helper()
	w := &pathwayWorld{badgeWorld: newBadgeWorld(t)}
	badge := func(name, level, description string) string {
		return str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{
			"name": name, "description": description, "level": level, "status": "active",
			"criteria": "Take part as described.", "tags": []string{"community", level},
			"alignments": []map[string]any{{"targetName": "Facilitation", "targetUrl": "https://skills.example.org/facilitation", "targetFramework": "Open Skills"}},
		}, http.StatusCreated), "id")
	}
	w.newcomer = badge("Newcomer", "participation", "Came to a first session and said hello.")
	w.regular = badge("Regular", "contribution", "Came back month after month and helped others settle in.")
	rule := func(achievement, holds string) {
		w.c.json(t, "PUT", "/api/v1/achievements/"+achievement+"/rule", map[string]any{"condition": map[string]any{"all": []any{
			map[string]any{"holds": map[string]any{"achievement": holds}},
			map[string]any{"count": map[string]any{"behaviour": "attended-session", "min": 50}}}}}, http.StatusOK)
	}
	rule(w.regular, w.newcomer)
	rule(w.badge, w.regular)

	cohort := str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/cohorts", map[string]any{"name": "Spring 2026"}, http.StatusCreated), "id")
	ada := w.memberID(t, "ada")
	award := func(achievement, member string, daysAgo int) {
		w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{"achievementId": achievement, "memberId": member,
			"awardedDate": time.Now().AddDate(0, 0, -daysAgo).UTC().Format(time.RFC3339)}, http.StatusCreated)
	}
	award(w.newcomer, ada, 120)
	award(w.regular, ada, 40)
	var activities []map[string]any
	for i := range 55 {
		name := fmt.Sprintf("Member %02d", i)
		if i < len(pathwayNames) {
			name = pathwayNames[i]
		}
		m := str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", map[string]any{
			"email": fmt.Sprintf("m%02d@example.org", i), "displayName": name, "slug": fmt.Sprintf("m%02d", i), "publicProfile": true}, http.StatusCreated), "id")
		award(w.newcomer, m, 100-i)
		if i < 6 {
			award(w.regular, m, 30-i)
			w.c.do(t, "PUT", "/api/v1/cohorts/"+cohort+"/members/"+m, "application/json", nil, http.StatusNoContent)
		}
		for range max(0, 8-i) {
			activities = append(activities, map[string]any{"memberId": m, "behaviour": "attended-session", "at": time.Now().Add(-time.Duration(i+1) * time.Hour)})
		}
	}
	w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/activities", activities, http.StatusOK)
	w.c.json(t, "PUT", "/api/v1/issuers/"+w.issuer+"/spotlight", map[string]any{"memberId": ada,
		"note": "Ran the newcomers' evening every month this spring, and made everyone feel at home."}, http.StatusOK)
	return w
}

// memberID finds a member by slug through the admin API.
func (w *pathwayWorld) memberID(t *testing.T, slug string) string {
	t.Helper()
	list := w.c.json(t, "GET", "/api/v1/issuers/"+w.issuer+"/members?email="+url.QueryEscape(slug+"@example.org"), nil, http.StatusOK)
	items, _ := list["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("member %s: %v", slug, list)
	}
	return items[0].(map[string]any)["id"].(string)
}

// TestBrowser_PublicCommunityPages opens the achievement page with its
// pathway, all its holders, a member's profile and the spotlight at
// desktop and phone widths, and photographs each.
func TestBrowser_PublicCommunityPages(t *testing.T) {
	t.Parallel()
	w := newPathwayWorld(t)
	b := browsertest.New(t)
	photographPages(t, w.base, []appPage{
		{name: "achievement-pathway", path: "/achievements/" + w.regular},
		{name: "achievement-first", path: "/achievements/" + w.newcomer},
		{name: "holders", path: "/achievements/" + w.newcomer + "/holders"},
		{name: "holders-page-2", path: "/achievements/" + w.newcomer + "/holders?page=2"},
		{name: "member-profile", path: "/members/ada"},
		{name: "spotlight-community", path: "/issuers/" + w.issuer + "/spotlight"},
		{name: "spotlight-cohort", path: "/issuers/" + w.issuer + "/spotlight?cohort=" + url.QueryEscape("Spring 2026")},
		{name: "member-profile-other", path: "/members/m11"},
	}, b, b, checkPublicPage)

	t.Run("pathway", func(t *testing.T) {
		tab := b.Open(t, w.base+"/achievements/"+w.regular, 1280, 900)
		if got, want := tab.Attr(t, "#pathway-requires a", "href"), w.base+"/achievements/"+w.newcomer; got != want {
			t.Errorf("earn first → %q, want %q", got, want)
		}
		if got, want := tab.Attr(t, "#pathway-leads a", "href"), w.base+"/achievements/"+w.badge; got != want {
			t.Errorf("leads to → %q, want %q", got, want)
		}
		tab.Click(t, "#pathway-leads a")
		if got := tab.Text(t, "h1"); got != "Session Host" {
			t.Errorf("the pathway's next step opens %q", got)
		}
	})
	t.Run("holders", func(t *testing.T) {
		tab := b.Open(t, w.base+"/achievements/"+w.newcomer+"/holders", 390, 844)
		if got := tab.Text(t, "#holders-range"); got != "1–50 of 56" {
			t.Errorf("range %q", got)
		}
		tab.Click(t, "a[rel=next]")
		if got := tab.Text(t, "#holders-range"); got != "51–56 of 56" {
			t.Errorf("range on page 2 %q", got)
		}
		if n := tab.Count(t, "#holders-list li"); n != 6 {
			t.Errorf("page 2 lists %d holders", n)
		}
	})
	t.Run("profile sharing", func(t *testing.T) {
		tab := b.Open(t, w.base+"/members/ada", 1280, 900)
		u, err := url.Parse(tab.Attr(t, "#linkedin-profile", "href"))
		if err != nil {
			t.Fatal(err)
		}
		if u.Host != "www.linkedin.com" || u.Path != "/sharing/share-offsite/" || u.Query().Get("url") != w.base+"/members/ada" {
			t.Errorf("LinkedIn link %s", u)
		}
		if got := tab.Text(t, "section[aria-labelledby=level-participation] .name"); got != "Newcomer" {
			t.Errorf("the participation badges start with %q", got)
		}
	})
}

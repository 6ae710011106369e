package api_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// BenchmarkConsoleMembers measures the console's members pages with
// 10,000 members and 100,000 credentials stored (benchCommunity), signed
// in as a viewer, through the whole handler: session, access, services,
// template. Besides the mean it reports the median and 99th percentile
// of the requests it made.
func BenchmarkConsoleMembers(b *testing.B) {
	ts, iss, member, _ := benchCommunity(b)
	benchShowcases(b, ts, iss)
	viewer := ts.consoleAs(b, badges.RoleViewer, iss)
	base := "/admin/c/" + iss + "/members"
	first := viewer.get(b, base)
	next := html.UnescapeString(between(first.Body, `<a href="`+base+"?", `" rel="next"`))
	if next == "" {
		b.Fatalf("the first page has no next page: %s", first.Body)
	}
	cases := []struct{ name, path, target string }{
		{"list/first-page", base, ""},
		{"list/page-2", base + "?" + next, ""},
		{"search/q=name", base + "?q=zoe", ""},
		{"search/q=rare", base + "?q=member9999", ""},
		{"search/q=email-part", base + "?q=m42%40example", ""},
		{"search/q=email", base + "?q=m42%40example.org", ""},
		{"search/as-you-type", base + "?q=zoe", "member-results"},
		{"member", base + "/" + member, ""},
	}
	get := func(b *testing.B, path, target string) {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		if target != "" {
			r.Header.Set("HX-Request", "true")
			r.Header.Set("HX-Target", target)
		}
		if p := viewer.do(b, r); p.Code != http.StatusOK || !strings.Contains(p.Body, "</") {
			b.Fatalf("%s: status %d: %s", path, p.Code, p.Body)
		}
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			get(b, c.path, c.target) // the chunks it reads are in the cache from now on, as in a running server
			runtime.GC()
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				get(b, c.path, c.target)
				took = append(took, time.Since(start))
			}
			reportPercentiles(b, took)
		})
	}
}

// benchShowcases gives every member of the community the showcase that
// issuing would have given them, ten credentials each, as the community's
// 100,000 credentials are spread (benchCommunity stores the credentials
// alone): the member list counts the badges a member holds from it.
func benchShowcases(b *testing.B, ts *testServer, iss string) {
	ctx := b.Context()
	o := badges.ListOptions{Limit: badges.MaxPageSize}
	for {
		page, err := ts.stores.Members.Members(ctx, badges.MemberFilter{IssuerID: iss, ListOptions: o})
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]string, len(page.Items))
		for i, m := range page.Items {
			ids[i] = m.ID
		}
		err = ts.stores.Showcases.UpdateMemberShowcases(ctx, ids, func(id string, sc *issuer.MemberShowcase) error {
			for n := range benchCredentials / benchMembers {
				sc.Entries = append(sc.Entries, issuer.ShowcaseEntry{CredentialID: badges.NewID(), AchievementID: badges.NewID(),
					MemberID: id, AwardedAt: time.Now().Add(-time.Duration(n) * 24 * time.Hour), Revoked: n == 0})
			}
			sc.Total = len(sc.Entries)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if page.NextCursor == "" {
			return
		}
		o.Cursor = page.NextCursor
	}
}

package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// Sizes of the community the list benchmarks read.
const (
	benchMembers     = 10_000
	benchCredentials = 100_000
)

var benchFirstNames = []string{"Ada", "Grace", "Linus", "Zoë", "José", "Björn", "Margaret", "Alan", "Barbara", "Ken"}

// benchCommunity stores a community of benchMembers members and
// benchCredentials credentials, spread over two badges and a hundred
// days, a tenth of them revoked, the way issuing stores them (the signed
// documents are stand-ins: lists never read them).
func benchCommunity(b *testing.B) (ts *testServer, iss, member, ach string) {
	ts = newTestServer(b)
	ctx := b.Context()
	p, err := ts.stores.Profiles.CreateProfile(ctx, issuer.ProfileInput{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	var achs []string
	for _, name := range []string{"Session Host", "Mentor"} {
		a, err := ts.stores.Achievements.CreateAchievement(ctx, p.ID, badges.AchievementInput{Name: name, Description: "D.", Criteria: "C.", Status: badges.StatusActive, ValidityDays: 60})
		if err != nil {
			b.Fatal(err)
		}
		achs = append(achs, a.ID)
	}
	var csv strings.Builder
	csv.WriteString("email,displayName,externalId\n")
	for i := range benchMembers {
		fmt.Fprintf(&csv, "m%d@example.org,%s Member%d,ext-%d\n", i, benchFirstNames[i%len(benchFirstNames)], i, i)
	}
	rows, err := badges.ParseMemberCSV(strings.NewReader(csv.String()), benchMembers)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ts.stores.Members.ImportMembers(ctx, p.ID, rows, false); err != nil {
		b.Fatal(err)
	}
	members, err := ts.stores.Members.Members(ctx, badges.MemberFilter{IssuerID: p.ID, ListOptions: badges.ListOptions{Limit: badges.MaxPageSize}})
	if err != nil {
		b.Fatal(err)
	}
	benchCredentialsOf(b, ts, p.ID, achs, members.Items)
	return ts, p.ID, members.Items[7].ID, achs[1]
}

func benchCredentialsOf(b *testing.B, ts *testServer, iss string, achs []string, members []*badges.Member) {
	start := time.Now().Add(-100 * 24 * time.Hour).Truncate(time.Second)
	const batch = 5000
	for first := 0; first < benchCredentials; first += batch {
		cs := make([]*issuer.Credential, batch)
		for i := range cs {
			n := first + i
			at := start.Add(time.Duration(n) * 100 * 24 * time.Hour / benchCredentials)
			cs[i] = &issuer.Credential{ID: badges.NewID(), IssuerID: iss, AchievementID: achs[n%2], MemberID: members[n%len(members)].ID,
				AwardedAt: at, ValidUntil: at.Add(60 * 24 * time.Hour), StatusIndex: n, JSON: []byte(`{"stand-in":true}`), JWT: "x"}
			if n%10 == 0 {
				cs[i].RevokedAt = at.Add(time.Hour)
			}
		}
		for _, err := range ts.stores.Credentials.CreateCredentials(b.Context(), cs) {
			if err != nil {
				b.Fatal(err)
			}
		}
		if err := ts.stores.Credentials.IndexCredentials(b.Context(), cs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLists measures a page of a community's credentials under each
// kind of filter, and member searches, with 100,000 credentials and
// 10,000 members stored, through the whole HTTP handler. Besides the mean
// it reports the median and 99th percentile of the requests it made.
func BenchmarkLists(b *testing.B) {
	ts, iss, member, ach := benchCommunity(b)
	from := time.Now().Add(-30 * 24 * time.Hour).Format(time.DateOnly)
	var cursor struct{ NextCursor string }
	r := httptest.NewRecorder()
	ts.srv.ServeHTTP(r, benchRequest(ts, "/api/v1/issuers/"+iss+"/credentials?limit=50"))
	if err := json.Unmarshal(r.Body.Bytes(), &cursor); err != nil || cursor.NextCursor == "" {
		b.Fatalf("first page: %s, %v", r.Body, err)
	}
	cases := []struct{ name, query string }{
		{"credentials/newest", "credentials"},
		{"credentials/page-2", "credentials?cursor=" + cursor.NextCursor},
		{"credentials/limit-200", "credentials?limit=200"},
		{"credentials/member", "credentials?member=" + member},
		{"credentials/achievement-revoked", "credentials?achievement=" + ach + "&status=revoked"},
		{"credentials/expired", "credentials?status=expired"},
		{"credentials/last-30-days-active", "credentials?from=" + from + "&status=active"},
		{"members/q=name", "members?q=zoe"},
		{"members/q=rare", "members?q=member9999"},
		{"members/q=email", "members?q=m42%40example"},
		{"members/q=none", "members?q=nobody"},
	}
	get := func(b *testing.B, query string) {
		w := httptest.NewRecorder()
		ts.srv.ServeHTTP(w, benchRequest(ts, "/api/v1/issuers/"+iss+"/"+query))
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			get(b, c.query) // the chunks it reads are in the cache from now on, as in a running server
			runtime.GC()    // the setup's garbage is not this case's
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				get(b, c.query)
				took = append(took, time.Since(start))
			}
			reportPercentiles(b, took)
		})
	}
	// Several clients at once, each asking for the cases in turn.
	b.Run("mixed/4-clients", func(b *testing.B) {
		var mu sync.Mutex
		var took []time.Duration
		b.SetParallelism(2)
		b.RunParallel(func(pb *testing.PB) {
			var mine []time.Duration
			for i := 0; pb.Next(); i++ {
				start := time.Now()
				get(b, cases[i%len(cases)].query)
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			took = append(took, mine...)
			mu.Unlock()
		})
		reportPercentiles(b, took)
	})
}

// reportPercentiles reports the median and 99th percentile of requests'
// times.
func reportPercentiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}

func benchRequest(ts *testServer, path string) *http.Request {
	r := httptest.NewRequest("GET", path, nil)
	r.Header.Set("Authorization", "Bearer "+ts.admin)
	return r
}

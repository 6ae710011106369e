package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// benchWeeks is how many weeks of counters the dashboard benchmark's
// community has: the quiet members look back 30.
const benchWeeks = 30

// benchCounters fills a community's weekly counters as recording and
// issuing would have: in each of the last weeks, a fifth of the members
// active (a different fifth each week) across four behaviours, and a share of the credentials
// awarded, with the pathway's funnel.
func benchCounters(b *testing.B, ts *testServer, iss string, achs []string, members []string) {
	ctx := b.Context()
	now := time.Now().UTC()
	behaviours := []string{"attended-session", "posted", "mentored-member", "hosted-session"}
	for k := range benchWeeks {
		at := now.AddDate(0, 0, -7*k)
		var acts []badges.Activity
		for i := range len(members) / 5 {
			m := members[(i*7+k*911)%len(members)]
			acts = append(acts, badges.Activity{IssuerID: iss, MemberID: m, Behaviour: behaviours[(i+k)%len(behaviours)], At: at})
		}
		if err := ts.stores.Stats.CountActivities(ctx, iss, fmt.Sprintf("bench-%d", k), acts); err != nil {
			b.Fatal(err)
		}
		awarded := make([]string, benchCredentials/benchWeeks)
		for i := range awarded {
			awarded[i] = achs[i%len(achs)]
		}
		if err := ts.stores.Stats.CountAwards(ctx, iss, map[time.Time][]string{at: awarded}, nil); err != nil {
			b.Fatal(err)
		}
	}
	levels := map[string]int{"participation": 9000, "contribution": 4000, "leadership": 600}
	if err := ts.stores.Stats.CountAwards(ctx, iss, nil, levels); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkConsoleDashboard measures the dashboard page and the quiet
// members' list of a community of 10,000 members and 100,000 credentials,
// with half a year of weekly counters, three measures and two cohorts,
// through the whole handler with a signed-in session. It reports the
// median and 99th percentile of the requests it made, and the CPU time a
// request took.
func BenchmarkConsoleDashboard(b *testing.B) {
	ts, iss, _, _ := benchCommunity(b)
	benchCounters(b, ts, iss, benchBadgeIDs(b, ts, iss), benchMemberIDs(b, ts, iss))
	for _, m := range []string{
		`{"name":"Regulars","kind":"active-members","period":"week","target":4000}`,
		`{"name":"Awards a month","kind":"awards","period":"month","target":12000}`,
		`{"name":"Returning","kind":"returning-members","period":"week","target":2000}`,
	} {
		benchPost(b, ts, "/api/v1/issuers/"+iss+"/measures", m)
	}
	for _, name := range []string{"Spring 2026", "Autumn 2026"} {
		benchPost(b, ts, "/api/v1/issuers/"+iss+"/cohorts", `{"name":"`+name+`"}`)
	}
	viewer := ts.consoleAs(b, badges.RoleViewer, iss)
	for _, c := range []struct{ name, path string }{
		{"dashboard", "/admin/c/" + iss},
		{"quiet-members", "/admin/c/" + iss + "/quiet-members"},
	} {
		b.Run(c.name, func(b *testing.B) {
			get := func() {
				if p := viewer.get(b, c.path); p.Code != http.StatusOK {
					b.Fatalf("status %d: %s", p.Code, p.Body)
				}
			}
			measureRequests(b, get)
		})
	}
}

// measureRequests measures get, a request of a page or a set of them:
// once first, so that documents are cached as in a running server, then
// once per benchmark iteration, reporting the 50th and 99th percentiles
// and the process's CPU time a request (which other work on the machine
// does not inflate as it does the wall clock).
func measureRequests(b *testing.B, get func()) {
	b.Helper()
	get()
	runtime.GC() // the setup's garbage is not the requests'
	var took []time.Duration
	cpu := processCPU(b)
	for b.Loop() {
		start := time.Now()
		get()
		took = append(took, time.Since(start))
	}
	b.ReportMetric(float64((processCPU(b)-cpu).Microseconds())/float64(len(took)), "cpu-µs/op")
	reportPercentiles(b, took)
}

// processCPU is the CPU time the test process has used, the embedded
// engine's included (it runs in the process): per request, a cost that
// other work on the machine does not inflate as it does the wall clock.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPost sends a JSON body with the admin key and wants it created.
func benchPost(b *testing.B, ts *testServer, path, body string) {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+ts.admin)
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	ts.srv.ServeHTTP(w, r)
	if w.Code != http.StatusCreated {
		b.Fatalf("POST %s: %d %s", path, w.Code, w.Body)
	}
}

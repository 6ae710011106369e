package api_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/issuer"
)

// benchAchievement makes an issuer with one active achievement.
func benchAchievement(b *testing.B) (*testServer, string) {
	ts := newTestServer(b)
	p, err := ts.stores.Profiles.CreateProfile(b.Context(), issuer.ProfileInput{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	a, err := mongodb.NewAchievementService(ts.db).CreateAchievement(b.Context(), p.ID, badges.AchievementInput{
		Name: "Session Host", Description: "Hosted a session.", Criteria: "Host a session.", Status: badges.StatusActive,
		Tags: []string{"hosting"}, Level: "leadership"})
	if err != nil {
		b.Fatal(err)
	}
	return ts, a.ID
}

// BenchmarkPublicAchievement measures the public achievement page, the
// most visited page before badge pages exist, as HTML and as JSON-LD.
func BenchmarkPublicAchievement(b *testing.B) {
	ts, id := benchAchievement(b)
	for _, accept := range []string{"text/html", "application/ld+json"} {
		b.Run(accept, func(b *testing.B) {
			for b.Loop() {
				r := httptest.NewRequest("GET", "/achievements/"+id, nil)
				r.Header.Set("Accept", accept)
				w := httptest.NewRecorder()
				ts.srv.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// BenchmarkMemberCreate measures creating a member through the API: the
// key documents for e-mail and slug, the list entry and the counters.
func BenchmarkMemberCreate(b *testing.B) {
	ts, _ := benchAchievement(b)
	p, err := ts.stores.Profiles.CreateProfile(b.Context(), issuer.ProfileInput{Name: "Members"})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		body := fmt.Sprintf(`{"email":"m%d@example.org","displayName":"Member %d"}`, i, i)
		r := httptest.NewRequest("POST", "/api/v1/issuers/"+p.ID+"/members", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+ts.admin)
		w := httptest.NewRecorder()
		ts.srv.ServeHTTP(w, r)
		if w.Code != 201 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkVerifyAPI measures POST /api/v1/verify with a Laurel VC-JWT
// through the whole server: middleware, the verifier, the JSON answer.
func BenchmarkVerifyAPI(b *testing.B) {
	ts, achID := benchAchievement(b)
	p, err := mongodb.NewAchievementService(ts.db).Achievement(b.Context(), achID)
	if err != nil {
		b.Fatal(err)
	}
	issuing := newIssuing(b, ts.db)
	c, _, err := issuing.Award(b.Context(), p.IssuerID, badges.AwardInput{AchievementID: achID, Email: "a@example.org", Name: "A"})
	if err != nil {
		b.Fatal(err)
	}
	body := `{"credential":"` + c.JWT + `"}`
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest("POST", "/api/v1/verify", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			ts.srv.ServeHTTP(w, r)
			if w.Code != 200 || !strings.Contains(w.Body.String(), `"verdict":"valid"`) {
				b.Fatalf("status %d: %.300s", w.Code, w.Body)
			}
		}
	})
}

// BenchmarkCredentialPage measures the public pages of a credential: the
// HTML page (records from the caches, a fresh verification), the QR code
// and the social preview (generated once, then served from memory).
func BenchmarkCredentialPage(b *testing.B) {
	ts, achID := benchAchievement(b)
	a, err := mongodb.NewAchievementService(ts.db).Achievement(b.Context(), achID)
	if err != nil {
		b.Fatal(err)
	}
	c, _, err := newIssuing(b, ts.db).Award(b.Context(), a.IssuerID, badges.AwardInput{AchievementID: achID, Email: "a@example.org", Name: "A"})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"", "/qr.png", "/preview.png"} {
		b.Run(cmp.Or(strings.TrimPrefix(path, "/"), "page"), func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r := httptest.NewRequest("GET", "/credentials/"+c.ID+path, nil)
					r.Header.Set("Accept", "text/html")
					w := httptest.NewRecorder()
					ts.srv.ServeHTTP(w, r)
					if w.Code != 200 {
						b.Fatalf("status %d: %.300s", w.Code, w.Body)
					}
				}
			})
		})
	}
}

// BenchmarkRecordActivities measures POST /api/v1/issuers/{id}/activities
// as `laurel load activities` does: batches of 1,000 activities of random
// members of a 5,000-member community whose three badges have rules, each
// batch recorded, its rules evaluated and its awards queued before the
// answer. It reports activities a second.
func BenchmarkRecordActivities(b *testing.B) { benchRecordActivities(b, 0) }

// BenchmarkRecordActivitiesInCohorts is BenchmarkRecordActivities with
// every member in two of three cohorts, whose weekly counters each batch
// also writes.
func BenchmarkRecordActivitiesInCohorts(b *testing.B) { benchRecordActivities(b, 3) }

// adminSender sends requests as ts's admin straight to its handler,
// failing b on an unexpected status, and returns the answer's body.
func adminSender(b *testing.B, ts *testServer) func(method, path, ctype, body string, want int) string {
	return func(method, path, ctype, body string, want int) string {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		r.Header.Set("Authorization", "Bearer "+ts.admin)
		w := httptest.NewRecorder()
		ts.srv.ServeHTTP(w, r)
		if w.Code != want {
			b.Fatalf("%s %s: status %d: %.300s", method, path, w.Code, w.Body)
		}
		return w.Body.String()
	}
}

// benchRecordActivities records batches of activities in a community with
// the given number of cohorts; each member is in all but one of them.
func benchRecordActivities(b *testing.B, cohorts int) {
	ts, achID := benchAchievement(b)
	ach, err := mongodb.NewAchievementService(ts.db).Achievement(b.Context(), achID)
	if err != nil {
		b.Fatal(err)
	}
	send := adminSender(b, ts)
	rules := []string{
		`{"condition":{"count":{"behaviour":"attended-session","min":5,"withinDays":90}}}`,
		`{"condition":{"all":[{"count":{"behaviour":"hosted-session","min":3}},{"streak":{"unit":"weeks","min":3}}]}}`,
		`{"condition":{"atLeast":{"n":2,"of":[{"count":{"behaviour":"shared-resource","min":4}},{"peers":{"behaviour":"mentored-member","min":2}},{"sum":{"behaviour":"posted","min":6}}]}}}`,
	}
	for i, rule := range rules {
		id := achID
		if i > 0 {
			var a struct{ ID string }
			body := send("POST", "/api/v1/issuers/"+ach.IssuerID+"/achievements", "application/json",
				fmt.Sprintf(`{"name":"Badge %d","description":"Earned.","criteria":"Be active.","status":"active"}`, i), 201)
			if err := json.Unmarshal([]byte(body), &a); err != nil {
				b.Fatal(err)
			}
			id = a.ID
		}
		send("PUT", "/api/v1/achievements/"+id+"/rule", "application/json", rule, 200)
	}
	var csv strings.Builder
	csv.WriteString("email,displayName,cohorts\n")
	for c := range cohorts {
		send("POST", "/api/v1/issuers/"+ach.IssuerID+"/cohorts", "application/json", fmt.Sprintf(`{"name":"Cohort %d"}`, c), 201)
	}
	for i := range 5000 {
		var in []string
		for c := range cohorts {
			if c != i%cohorts {
				in = append(in, fmt.Sprintf("Cohort %d", c))
			}
		}
		fmt.Fprintf(&csv, "m%d@example.org,Member %d,%s\n", i, i, strings.Join(in, ";"))
	}
	var imported struct{ Rows []struct{ MemberID string } }
	if err := json.Unmarshal([]byte(send("POST", "/api/v1/issuers/"+ach.IssuerID+"/members/import", "text/csv", csv.String(), 200)), &imported); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, len(imported.Rows))
	for i, r := range imported.Rows {
		ids[i] = r.MemberID
	}

	behaviours := []string{"attended-session", "attended-session", "attended-session", "posted", "replied", "shared-resource", "hosted-session", "mentored-member", "gave-feedback"}
	rnd := rand.New(rand.NewPCG(7, 11))
	now := time.Now().UTC()
	const batch = 1000
	for b.Loop() {
		acts := make([]map[string]any, batch)
		for j := range acts {
			i, behaviour := rnd.IntN(len(ids)), behaviours[rnd.IntN(len(behaviours))]
			acts[j] = map[string]any{"memberId": ids[i], "behaviour": behaviour, "at": now.Add(-time.Duration(rnd.IntN(120*24)) * time.Hour)}
			if behaviour == "mentored-member" {
				acts[j]["peerId"] = ids[(i+1+rnd.IntN(len(ids)-1))%len(ids)]
			}
		}
		body, err := json.Marshal(acts)
		if err != nil {
			b.Fatal(err)
		}
		var rep struct{ Recorded int }
		if err := json.Unmarshal([]byte(send("POST", "/api/v1/issuers/"+ach.IssuerID+"/activities", "application/json", string(body), 200)), &rep); err != nil {
			b.Fatal(err)
		}
		if rep.Recorded != batch {
			b.Fatalf("recorded %d of %d", rep.Recorded, batch)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "activities/s")
	if cohorts > 0 {
		var st struct{ Weeks []struct{ ActiveMembers int } }
		if err := json.Unmarshal([]byte(send("GET", "/api/v1/issuers/"+ach.IssuerID+"/stats?cohort=Cohort%200", "", "", 200)), &st); err != nil {
			b.Fatal(err)
		}
		if st.Weeks[len(st.Weeks)-1].ActiveMembers == 0 {
			b.Fatalf("the cohort's statistics count nothing: %+v", st)
		}
	}
}

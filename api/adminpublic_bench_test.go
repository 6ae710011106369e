package api_test

import (
	"net/http/httptest"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// BenchmarkPublicPages measures the public pages most visited — a
// credential's, its issuer's and its badge's, as HTML — one request at a
// time, with their percentiles, CPU time and allocations a request. It
// uses nothing the console added, so that it runs unchanged on a tree
// from before the console and the two can be compared: the console must
// add nothing to these pages' cost.
func BenchmarkPublicPages(b *testing.B) {
	ts, achID := benchAchievement(b)
	a, err := mongodb.NewAchievementService(ts.db).Achievement(b.Context(), achID)
	if err != nil {
		b.Fatal(err)
	}
	c, _, err := newIssuing(b, ts.db).Award(b.Context(), a.IssuerID, badges.AwardInput{AchievementID: achID, Email: "a@example.org", Name: "A"})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []struct{ name, path string }{
		{"credential", "/credentials/" + c.ID},
		{"issuer", "/issuers/" + a.IssuerID},
		{"badge", "/achievements/" + achID},
	} {
		b.Run(p.name, func(b *testing.B) {
			get := func() {
				r := httptest.NewRequest("GET", p.path, nil)
				r.Header.Set("Accept", "text/html")
				w := httptest.NewRecorder()
				ts.srv.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("%s: status %d: %.300s", p.path, w.Code, w.Body)
				}
			}
			b.ReportAllocs()
			measureRequests(b, get)
		})
	}
}

package api_test

import (
	"cmp"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/issuer"
	imongo "github.com/laurel-badges/laurel/issuer/mongodb"
)

// benchAchievement makes an issuer with one active achievement.
func benchAchievement(b *testing.B) (*testServer, string) {
	ts := newTestServer(b)
	p, err := imongo.NewProfileService(ts.db).CreateProfile(b.Context(), issuer.ProfileInput{Name: "Bench"})
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
	p, err := imongo.NewProfileService(ts.db).CreateProfile(b.Context(), issuer.ProfileInput{Name: "Members"})
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

package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/issuer"
)

// FuzzWriteEndpoints sends arbitrary bodies and content types to the write
// endpoints: whatever arrives, the answer is a 2xx or a 4xx, never a 5xx.
func FuzzWriteEndpoints(f *testing.F) {
	ts := newTestServer(f)
	iss, err := ts.stores.Profiles.CreateProfile(f.Context(), issuer.ProfileInput{Name: "Fuzzers"})
	if err != nil {
		f.Fatal(err)
	}
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/api/v1/issuers/"+iss.ID+"/cohorts", strings.NewReader(`{"name":"Fuzzed"}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+ts.admin)
	ts.srv.ServeHTTP(w, r)
	var cohort struct{ ID string }
	if err := json.Unmarshal(w.Body.Bytes(), &cohort); err != nil || w.Code != http.StatusCreated {
		f.Fatalf("create a cohort: %d %s", w.Code, w.Body)
	}
	f.Add(uint8(0), "application/json", []byte(`{"name":"X"}`))
	f.Add(uint8(1), "application/json", []byte(`{"email":"a@example.org","displayName":"A","slug":"a"}`))
	f.Add(uint8(2), "application/json", []byte(`{"name":"N","description":"D","criteria":"C","tags":["a"],"alignments":[{"targetName":"x","targetUrl":"https://x"}]}`))
	f.Add(uint8(3), "text/csv", []byte("email,displayName\na@example.org,A\n"))
	f.Add(uint8(4), "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	f.Add(uint8(5), "application/json", []byte(`{"name":"k","scopes":["read"]}`))
	f.Add(uint8(0), "application/json", []byte(`{"name":{"a":[1,2,{"b":null}]}}`))
	f.Add(uint8(1), "multipart/form-data; boundary=x", []byte("--x\r\n"))
	f.Add(uint8(6), "application/json", []byte(`[{"email":"a@example.org","createMember":true,"behaviour":"posted","at":"2026-11-20T18:00:00Z"}]`))
	f.Add(uint8(6), "text/csv", []byte("email,behaviour,at\na@example.org,posted,2026-11-20T18:00:00Z\n"))
	f.Add(uint8(6), "application/x-www-form-urlencoded", []byte("email=a%40example.org&createMember=yes&behaviour=posted&at=2026-11-20T18%3A00%3A00Z"))
	f.Add(uint8(7), "text/csv", []byte("achievementId,email,name,evidenceUrl,result\n aaaaaaaaaaaaaaaaaaaa , a@example.org , A , , \n"))
	f.Add(uint8(7), "text/csv", []byte("\ufeffachievementId,Email,email\nx,a@example.org,b@example.org\n"))
	f.Add(uint8(7), "text/csv", []byte("achievementId,narrative\n\"x\n,\"\"quoted\"\"\"\n"))
	f.Add(uint8(7), "application/json", []byte(`[{"achievementId":"aaaaaaaaaaaaaaaaaaaa","email":"a@example.org","name":"A"}]`))
	f.Add(uint8(6), "application/json", []byte(`{"email":"a@example.org","behaviour":"mentored-member","at":"2026-11-20T18:00:00Z","peerEmail":"not an address"}`))
	f.Add(uint8(8), "application/json", []byte(`{"name":"Spring 2026"}`))
	f.Add(uint8(8), "application/json", []byte(`{"name":"a;b|c\t"}`))
	f.Add(uint8(9), "application/json", []byte(`{"name":"Apply what they learn","description":"D","behaviours":["posted"]}`))
	f.Add(uint8(10), "application/json", []byte(`{"name":"Posts","kind":"activity","behaviours":["posted"],"cohort":"Spring 2026","period":"week","target":10}`))
	f.Add(uint8(11), "application/json", []byte(`{"memberIds":["aaaaaaaaaaaaaaaaaaaa",""]}`))
	f.Fuzz(func(t *testing.T, target uint8, contentType string, body []byte) {
		paths := []struct{ method, path string }{
			{"POST", "/api/v1/issuers"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/members"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/achievements"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/members/import?dryRun=true"},
			{"PUT", "/api/v1/issuers/" + iss.ID + "/image"},
			{"POST", "/api/v1/apikeys"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/activities"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/awards/bulk"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/cohorts"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/outcomes"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/measures"},
			{"POST", "/api/v1/cohorts/" + cohort.ID + "/members"},
		}
		p := paths[int(target)%len(paths)]
		r := httptest.NewRequest(p.method, p.path, bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		r.Header.Set("Authorization", "Bearer "+ts.admin)
		w := httptest.NewRecorder()
		ts.srv.ServeHTTP(w, r)
		if w.Code >= http.StatusInternalServerError {
			t.Fatalf("%s %s (%q, %q) → %d: %s", p.method, p.path, contentType, body, w.Code, w.Body)
		}
	})
}

// FuzzPublicPaths requests arbitrary paths and query strings under the
// public pages of a real credential and member: the answer is a 2xx, 3xx
// or 4xx, never a 5xx, whatever the id, suffix, size or level.
func FuzzPublicPaths(f *testing.F) {
	ts := newTestServer(f)
	p, err := ts.stores.Profiles.CreateProfile(f.Context(), issuer.ProfileInput{Name: "Fuzzers"})
	if err != nil {
		f.Fatal(err)
	}
	a, err := mongodb.NewAchievementService(ts.db).CreateAchievement(f.Context(), p.ID, badges.AchievementInput{
		Name: "Fuzz", Description: "Fuzzed.", Criteria: "Fuzz.", Status: badges.StatusActive})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := mongodb.NewMemberService(ts.db).CreateMember(f.Context(), p.ID, badges.MemberInput{
		Email: "ada@example.org", DisplayName: "Ada", Slug: "ada", PublicProfile: true}); err != nil {
		f.Fatal(err)
	}
	cred, _, err := newIssuing(f, ts.db).Award(f.Context(), p.ID, badges.AwardInput{AchievementID: a.ID, Email: "ada@example.org"})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"/credentials/" + cred.ID, "/credentials/" + cred.ID + "/qr.png?size=100&level=H",
		"/credentials/" + cred.ID + "/qr.svg?size=99999", "/credentials/" + cred.ID + "/badge.png", "/credentials/" + cred.ID + ".jwt",
		"/credentials/" + cred.ID + "/preview.png", "/members/ada", "/achievements/" + a.ID, "/issuers/" + p.ID,
		"/credentials/%2e%2e/qr.png", "/members/../../etc/passwd", "/credentials/" + cred.ID + "/qr.png?level=%ff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		u, err := url.ParseRequestURI(path)
		if err != nil {
			return // not something an HTTP client could send
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.URL, r.RequestURI = u, path
		r.Header.Set("Accept", "text/html")
		w := httptest.NewRecorder()
		ts.srv.ServeHTTP(w, r)
		if w.Code >= http.StatusInternalServerError {
			t.Fatalf("GET %q → %d: %.300s", path, w.Code, w.Body)
		}
	})
}

package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
	imongo "github.com/laurel-badges/laurel/issuer/mongodb"
)

// FuzzWriteEndpoints sends arbitrary bodies and content types to the write
// endpoints: whatever arrives, the answer is a 2xx or a 4xx, never a 5xx.
func FuzzWriteEndpoints(f *testing.F) {
	ts := newTestServer(f)
	iss, err := imongo.NewProfileService(ts.db).CreateProfile(f.Context(), issuer.ProfileInput{Name: "Fuzzers"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(0), "application/json", []byte(`{"name":"X"}`))
	f.Add(uint8(1), "application/json", []byte(`{"email":"a@example.org","displayName":"A","slug":"a"}`))
	f.Add(uint8(2), "application/json", []byte(`{"name":"N","description":"D","criteria":"C","tags":["a"],"alignments":[{"targetName":"x","targetUrl":"https://x"}]}`))
	f.Add(uint8(3), "text/csv", []byte("email,displayName\na@example.org,A\n"))
	f.Add(uint8(4), "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	f.Add(uint8(5), "application/json", []byte(`{"name":"k","scopes":["read"]}`))
	f.Add(uint8(0), "application/json", []byte(`{"name":{"a":[1,2,{"b":null}]}}`))
	f.Add(uint8(1), "multipart/form-data; boundary=x", []byte("--x\r\n"))
	f.Fuzz(func(t *testing.T, target uint8, contentType string, body []byte) {
		paths := []struct{ method, path string }{
			{"POST", "/api/v1/issuers"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/members"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/achievements"},
			{"POST", "/api/v1/issuers/" + iss.ID + "/members/import?dryRun=true"},
			{"PUT", "/api/v1/issuers/" + iss.ID + "/image"},
			{"POST", "/api/v1/apikeys"},
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

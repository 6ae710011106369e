package api_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/wallettest"
)

// BenchmarkWalletExchange measures a whole VC-API exchange on the server:
// starting it, checking the holder's DID Authentication and issuing the
// credential to a new holder, each time. The wallet's signing is not
// counted: it happens on the phone.
func BenchmarkWalletExchange(b *testing.B) {
	ts, achID := benchAchievement(b)
	var iss struct {
		Issuer string `json:"issuerId"`
	}
	var m, cred struct{ ID string }
	mustServe(b, ts, "GET", "/api/v1/achievements/"+achID, "", 200, &iss)
	mustServe(b, ts, "POST", "/api/v1/issuers/"+iss.Issuer+"/members", `{"email":"ada@example.org","displayName":"Ada"}`, 201, &m)
	mustServe(b, ts, "POST", "/api/v1/issuers/"+iss.Issuer+"/awards", `{"achievementId":"`+achID+`","memberId":"`+m.ID+`"}`, 201, &cred)
	start := walletPath(b, cred.ID) + "/vcapi"
	for b.Loop() {
		var r struct {
			R wallettest.Request `json:"verifiablePresentationRequest"`
		}
		mustServe(b, ts, "POST", start, "{}", 200, &r)
		b.StopTimer()
		w := wallettest.New(loader, nil, wallettest.EdDSARDFC2022)
		vp, err := w.SignPresentation(b.Context(), r.R.Challenge, r.R.Domain)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := json.Marshal(map[string]any{"verifiablePresentation": vp})
		b.StartTimer()
		mustServe(b, ts, "POST", strings.TrimPrefix(r.R.Endpoint(), baseURL), string(body), 200, nil)
	}
}

// mustServe serves one request without a key's checks beyond the admin
// key, and decodes the answer into out unless it is nil.
func mustServe(b *testing.B, ts *testServer, method, path, body string, status int, out any) {
	b.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+ts.admin)
	r.Header.Set("Accept", "application/json")
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	ts.srv.ServeHTTP(w, r)
	if w.Code != status {
		b.Fatalf("%s %s: status %d: %s", method, path, w.Code, w.Body)
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			b.Fatal(err)
		}
	}
}

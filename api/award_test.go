package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

type credentialView struct {
	ID, URL, IssuerID, AchievementID, MemberID, Status, JWT, RevocationReason string
	RevocationReasonPublic                                                    bool
	Credential                                                                map[string]any
}

func TestAward_IssueFetchRevoke(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	body := map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada Lovelace",
		"narrative": "Hosted October.", "evidence": []map[string]any{{"url": "https://gophers.example.org/oct", "name": "October"}},
		"results": []map[string]any{{"value": "1 session", "status": "Completed"}}}

	var cred credentialView
	r := ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: body}).want(t, 201)
	r.JSON(t, &cred)
	if cred.Status != "active" || cred.URL != baseURL+"/credentials/"+cred.ID || cred.Credential["id"] != cred.URL ||
		r.Header().Get("Location") != "/api/v1/credentials/"+cred.ID {
		t.Fatalf("issued %+v", cred)
	}
	t.Run("again: the held credential, not a new one", func(t *testing.T) {
		var again credentialView
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: body}).want(t, 200).JSON(t, &again)
		if again.ID != cred.ID {
			t.Fatalf("got %s, want %s", again.ID, cred.ID)
		}
	})
	t.Run("public JSON, JWT and page", func(t *testing.T) {
		for _, tc := range []struct{ path, accept, ct string }{
			{"/credentials/" + cred.ID, "application/vc+ld+json", "application/vc+ld+json"},
			{"/credentials/" + cred.ID, "application/ld+json", "application/vc+ld+json"},
			{"/credentials/" + cred.ID + ".json", "", "application/vc+ld+json"},
			{"/credentials/" + cred.ID + ".jwt", "", "application/vc+jwt"},
			{"/credentials/" + cred.ID, "text/html", "text/html; charset=UTF-8"},
		} {
			r := ts.do(t, req{method: "GET", path: tc.path, token: "-", header: accept(tc.accept)}).want(t, 200)
			if r.Header().Get("Content-Type") != tc.ct {
				t.Errorf("%s (%s): Content-Type %q, want %q", tc.path, tc.accept, r.Header().Get("Content-Type"), tc.ct)
			}
		}
		jwt := ts.do(t, req{method: "GET", path: "/credentials/" + cred.ID + ".jwt", token: "-"}).body
		if string(jwt) != cred.JWT {
			t.Fatal("the public JWT differs from the issued one")
		}
		ts.do(t, req{method: "GET", path: "/credentials/" + cred.ID + ".xml", token: "-", header: accept("application/json")}).
			wantProblem(t, 404, badges.ENOTFOUND, "")
	})
	t.Run("JWT verifies with the published key", func(t *testing.T) {
		parsed, err := ob3.ParseJWT(cred.JWT)
		if err != nil {
			t.Fatal(err)
		}
		kid := parsed.Header.Kid
		if !strings.HasPrefix(kid, baseURL+"/issuers/"+iss+"/keys/jwt-") {
			t.Fatalf("kid %q", kid)
		}
		keyDoc := ts.do(t, req{method: "GET", path: strings.TrimPrefix(kid, baseURL), token: "-"}).want(t, 200)
		if keyDoc.Header().Get("Content-Type") != "application/jwk+json" {
			t.Fatalf("key served as %q", keyDoc.Header().Get("Content-Type"))
		}
		var jwks struct{ Keys []map[string]any }
		ts.do(t, req{method: "GET", path: "/.well-known/jwks.json", token: "-"}).want(t, 200).JSON(t, &jwks)
		found := false
		for _, k := range jwks.Keys {
			if _, private := k["d"]; private {
				t.Fatal("the JWKS contains a private key")
			}
			found = found || k["kid"] == kid
		}
		if !found {
			t.Fatalf("kid %s is not in the JWKS", kid)
		}
	})
	t.Run("Multikey at the verificationMethod URL", func(t *testing.T) {
		proof := cred.Credential["proof"].([]any)[0].(map[string]any)
		vm := proof["verificationMethod"].(string)
		var mk map[string]any
		ts.do(t, req{method: "GET", path: strings.TrimPrefix(vm, baseURL), token: "-"}).want(t, 200).JSON(t, &mk)
		if mk["id"] != vm || mk["type"] != "Multikey" || mk["controller"] != baseURL+"/issuers/"+iss ||
			!strings.HasPrefix(mk["publicKeyMultibase"].(string), "z6Mk") {
			t.Fatalf("multikey %v", mk)
		}
	})
	t.Run("revoke", func(t *testing.T) {
		path := "/api/v1/credentials/" + cred.ID + "/revoke"
		ts.do(t, req{method: "POST", path: path, body: map[string]any{}}).wantProblem(t, 400, badges.EINVALID, "reason")
		var rv credentialView
		ts.do(t, req{method: "POST", path: path, body: map[string]any{"reason": "Issued to the wrong person"}}).want(t, 200).JSON(t, &rv)
		if rv.Status != "revoked" || rv.RevocationReason != "Issued to the wrong person" {
			t.Fatalf("revoked %+v", rv)
		}
		ts.do(t, req{method: "POST", path: path, body: map[string]any{"reason": "again"}}).wantProblem(t, 409, badges.ECONFLICT, "")
		ts.do(t, req{method: "POST", path: "/api/v1/credentials/aaaaaaaaaaaaaaaaaaaa/revoke", body: map[string]any{"reason": "x"}}).
			wantProblem(t, 404, badges.ENOTFOUND, "")

		status := cred.Credential["credentialStatus"].(map[string]any)
		var list map[string]any
		r := ts.do(t, req{method: "GET", path: strings.TrimPrefix(status["statusListCredential"].(string), baseURL), token: "-"}).want(t, 200)
		r.JSON(t, &list)
		bits, err := ob3.DecodeBitstring(list["credentialSubject"].(map[string]any)["encodedList"].(string))
		if err != nil {
			t.Fatal(err)
		}
		var index int
		fmt.Sscan(status["statusListIndex"].(string), &index)
		if set, _ := bits.Get(index); !set || r.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("revoked index %d set: %v; Cache-Control %q", index, set, r.Header().Get("Cache-Control"))
		}
	})
}

// TestAward_IdempotencyKey: a repeatable badge is issued again on every
// request, except one that repeats an Idempotency-Key, which is answered
// 200 with the credential the key first issued.
func TestAward_IdempotencyKeyRetries(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "repeatable": true})
	path := "/api/v1/issuers/" + iss + "/awards"
	body := map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada"}
	award := func(t *testing.T, key string, status int) credentialView {
		t.Helper()
		q := req{method: "POST", path: path, body: body}
		if key != "" {
			q.header = http.Header{"Idempotency-Key": {key}}
		}
		var cred credentialView
		r := ts.do(t, q).want(t, status)
		r.JSON(t, &cred)
		if status == 201 && r.Header().Get("Location") != "/api/v1/credentials/"+cred.ID {
			t.Fatalf("Location %q for %s", r.Header().Get("Location"), cred.ID)
		}
		return cred
	}
	first := award(t, "award-1", 201)
	again := award(t, "award-1", 200)
	if again.ID != first.ID || again.JWT != first.JWT {
		t.Fatalf("the same key issued %s, then %s", first.ID, again.ID)
	}
	other := award(t, "award-2", 201)
	unkeyed := award(t, "", 201)
	if other.ID == first.ID || unkeyed.ID == first.ID || unkeyed.ID == other.ID {
		t.Fatalf("a new key or none did not issue anew: %s, %s, %s", first.ID, other.ID, unkeyed.ID)
	}
	if still := award(t, "award-1", 200); still.ID != first.ID {
		t.Fatalf("after other awards, the first key answered %s, not %s", still.ID, first.ID)
	}
}

func TestAward_BadInput(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	draft := mustAchievement(t, ts, iss, nil)
	path := "/api/v1/issuers/" + iss + "/awards"
	for _, tc := range []struct {
		name        string
		body        map[string]any
		status      int
		code, field string
	}{
		{"404/unknown achievement", map[string]any{"achievementId": "aaaaaaaaaaaaaaaaaaaa", "email": "a@example.org", "name": "A"}, 404, badges.ENOTFOUND, "achievementId"},
		{"409/draft achievement", map[string]any{"achievementId": draft["id"], "email": "a@example.org", "name": "A"}, 409, badges.ECONFLICT, "achievementId"},
		{"400/invalid email", map[string]any{"achievementId": ach["id"], "email": "not-mail", "name": "A"}, 400, badges.EINVALID, "email"},
		{"400/evidence url", map[string]any{"achievementId": ach["id"], "email": "a@example.org", "name": "A",
			"evidence": []map[string]any{{"url": "ftp://x.example"}}}, 400, badges.EINVALID, "evidence.url"},
		{"400/unknown field", map[string]any{"achievementId": ach["id"], "email": "a@example.org", "recipient": "x"}, 400, badges.EINVALID, "recipient"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts.do(t, req{method: "POST", path: path, body: tc.body}).wantProblem(t, tc.status, tc.code, tc.field)
		})
	}
	t.Run("400/long idempotency key", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: path, header: http.Header{"Idempotency-Key": {strings.Repeat("k", 300)}},
			body: map[string]any{"achievementId": ach["id"], "email": "a@example.org", "name": "A"}}).
			wantProblem(t, 400, badges.EINVALID, "Idempotency-Key")
	})
}

type bulkReport struct {
	Issued, Held, Rejected int
	Rows                   []struct {
		Row                                 int
		Outcome, CredentialID, Error, Field string
	}
}

func TestAward_Bulk(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	rep := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Attendee", "repeatable": true})
	var rows []map[string]any
	for i := range 20 {
		rows = append(rows, map[string]any{"achievementId": ach["id"], "email": fmt.Sprintf("m%d@example.org", i), "name": fmt.Sprintf("M %d", i)})
	}
	rows = append(rows,
		map[string]any{"achievementId": ach["id"], "email": "m0@example.org"},                          // the same award again: held
		map[string]any{"achievementId": "aaaaaaaaaaaaaaaaaaaa", "email": "x@example.org", "name": "X"}, // rejected
		map[string]any{"achievementId": rep["id"], "email": "m1@example.org"},                          // repeatable
	)
	key := http.Header{"Idempotency-Key": {"bulk-1"}}
	var first bulkReport
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards/bulk", body: rows, header: key}).want(t, 200).JSON(t, &first)
	if first.Issued != 21 || first.Held != 1 || first.Rejected != 1 || first.Rows[21].Field != "achievementId" ||
		first.Rows[20].CredentialID != first.Rows[0].CredentialID || first.Rows[22].Row != 23 {
		t.Fatalf("first run %+v", first)
	}
	var again bulkReport
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards/bulk", body: rows, header: key}).want(t, 200).JSON(t, &again)
	if again.Issued != 0 || again.Held != 22 || again.Rows[22].CredentialID != first.Rows[22].CredentialID {
		t.Fatalf("a resent request issued again: %+v", again)
	}

	t.Run("CSV", func(t *testing.T) {
		csv := "achievementId,email,name,evidenceUrl\n" +
			fmt.Sprintf("%s,csv1@example.org,CSV One,https://example.org/e1\n", ach["id"]) +
			fmt.Sprintf("%s,csv2@example.org,,\n", ach["id"]) // new member without a name
		var r bulkReport
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards/bulk", body: csv, contentType: "text/csv"}).want(t, 200).JSON(t, &r)
		if r.Issued != 1 || r.Rejected != 1 || r.Rows[1].Row != 3 || r.Rows[1].Field != "name" {
			t.Fatalf("csv %+v", r)
		}
	})
	t.Run("CSV/cells are trimmed", func(t *testing.T) {
		// A cell of spaces, as spreadsheets leave them, is an empty cell:
		// no evidence and no result, rather than a blank one refused.
		csv := " achievementId , email ,name, evidenceUrl , evidenceName, result\n" +
			fmt.Sprintf("  %s ,\tcsv3@example.org , CSV Three ,  , \t, \n", ach["id"]) +
			fmt.Sprintf("%s,csv4@example.org,CSV Four, https://example.org/e4 ,, 3 sessions \n", ach["id"])
		var r bulkReport
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards/bulk", body: csv, contentType: "text/csv"}).want(t, 200).JSON(t, &r)
		if r.Issued != 2 || r.Rows[1].Row != 3 {
			t.Fatalf("csv %+v", r)
		}
		var cred struct{ Credential map[string]any }
		ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + r.Rows[1].CredentialID}).want(t, 200).JSON(t, &cred)
		subject := cred.Credential["credentialSubject"].(map[string]any)
		if result := subject["result"].([]any)[0].(map[string]any); result["value"] != "3 sessions" {
			t.Fatalf("result %v", result)
		}
	})
	for name, header := range map[string]string{"repeated column": "achievementId,email,Email", "unknown column": "achievementId,email,colour"} {
		t.Run("400/CSV "+name, func(t *testing.T) {
			csv := header + "\n" + fmt.Sprintf("%s,csv4@example.org,csv5@example.org\n", ach["id"])
			p := ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards/bulk", body: csv, contentType: "text/csv"}).
				wantProblem(t, 400, badges.EINVALID, "")
			if want := header[strings.LastIndexByte(header, ',')+1:]; !strings.Contains(strings.ToLower(p.Detail), strings.ToLower(`"`+want+`"`)) {
				t.Fatalf("the problem does not name the column %s: %q", want, p.Detail)
			}
		})
	}
	t.Run("413/too many rows", func(t *testing.T) {
		big := make([]map[string]any, 10001)
		for i := range big {
			big[i] = map[string]any{"achievementId": "a"}
		}
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards/bulk", body: big}).wantProblem(t, 413, badges.ETOOLARGE, "")
	})
	t.Run("400/data after the array", func(t *testing.T) {
		// Two arrays: issuing the first alone and answering 200 would
		// drop the second without a word.
		row := fmt.Sprintf(`{"achievementId":%q,"email":"trail@example.org","name":"Trail"}`, ach["id"])
		for _, body := range []string{"[" + row + "][" + row + "]", "[" + row + "]}"} {
			p := ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards/bulk", body: body, contentType: "application/json"}).
				wantProblem(t, 400, badges.EINVALID, "")
			if !strings.Contains(p.Detail, "data after the JSON") {
				t.Errorf("the problem does not name the trailing data: %q", p.Detail)
			}
		}
		var m struct{ Items []any }
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/members?email=trail@example.org"}).want(t, 200).JSON(t, &m)
		if len(m.Items) != 0 {
			t.Errorf("a refused bulk award created its member: %+v", m)
		}
	})
	t.Run("415", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards/bulk", body: "x", contentType: "text/plain"}).
			wantProblem(t, 415, "unsupported_media_type", "")
	})
}

func TestKeys_Rotate(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	var before credentialView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": ach["id"], "email": "a@example.org", "name": "A"}}).want(t, 201).JSON(t, &before)
	var keys struct {
		Items []struct {
			ID, Use string
			Current bool
		}
		Total int
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/keys/rotate"}).want(t, 200).JSON(t, &keys)
	if keys.Total != 4 {
		t.Fatalf("keys after rotation %+v", keys)
	}
	current := 0
	for _, k := range keys.Items {
		if k.Current {
			current++
		}
		ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/keys/" + k.ID, token: "-"}).want(t, 200)
	}
	if current != 2 {
		t.Fatalf("%d current keys, want 2", current)
	}
	var jwks struct{ Keys []json.RawMessage }
	ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/jwks.json", token: "-"}).want(t, 200).JSON(t, &jwks)
	if len(jwks.Keys) != 4 {
		t.Fatalf("JWKS has %d keys, want all 4", len(jwks.Keys))
	}
	ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/keys/jwt-9", token: "-"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/keys/../../x", token: "-"}).want(t, 404)
}

package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

const walletDID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"

// TestMember_DID: a member's wallet DID or URL is set at creation,
// changed and removed by an update, and a bad one is refused naming the
// field did.
func TestMember_DID(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/members"
	var m map[string]any
	ts.do(t, req{method: "POST", path: path, body: map[string]any{"email": "ada@example.org", "displayName": "Ada", "did": walletDID}}).want(t, 201).JSON(t, &m)
	if m["did"] != walletDID {
		t.Fatalf("created %v; want the DID", m)
	}
	member := "/api/v1/members/" + m["id"].(string)
	for name, did := range map[string]string{"not a DID": "ada", "no identifier": "did:key", "upper-case method": "did:Key:z6Mk",
		"http": "http://ada.example.org/", "too long": "did:web:" + strings.Repeat("a", 600)} {
		t.Run("400/"+name, func(t *testing.T) {
			p := ts.do(t, req{method: "PATCH", path: member, body: map[string]any{"did": did}}).wantProblem(t, 400, badges.EINVALID, badges.FieldDID)
			if !strings.HasPrefix(p.Detail, "did ") || !strings.HasSuffix(p.Detail, ".") {
				t.Errorf("detail %q does not name the field did in a sentence", p.Detail)
			}
			ts.do(t, req{method: "POST", path: path, body: map[string]any{"email": "bea@example.org", "displayName": "Bea", "did": did}}).
				wantProblem(t, 400, badges.EINVALID, badges.FieldDID)
		})
	}
	var u map[string]any
	ts.do(t, req{method: "PATCH", path: member, body: map[string]any{"did": "https://ada.example.org/"}}).want(t, 200).JSON(t, &u)
	if u["did"] != "https://ada.example.org/" {
		t.Fatalf("updated %v", u)
	}
	u = nil
	ts.do(t, req{method: "PATCH", path: member, body: map[string]any{"did": ""}}).want(t, 200).JSON(t, &u)
	if _, ok := u["did"]; ok {
		t.Fatalf("removed DID still there: %v", u)
	}
}

type walletCopyList struct {
	Items []struct {
		ID, CredentialID, Holder, URL string
		IssuedAt                      time.Time
	}
	Total int
}

// TestMember_WalletCopies: the API lists where a member's credentials
// went, newest first, and so does the member's export; forgetting the
// member deletes the copies and the DID.
func TestMember_WalletCopies(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{
		"email": "ada@example.org", "displayName": "Ada", "did": walletDID}}).want(t, 201).JSON(t, &m)
	path := "/api/v1/members/" + m.ID + "/wallet-copies"
	var l walletCopyList
	ts.do(t, req{method: "GET", path: path}).want(t, 200).JSON(t, &l)
	if l.Total != 0 || len(l.Items) != 0 {
		t.Fatalf("before any wallet: %+v", l)
	}
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	mustWalletCopy(t, ts, iss, m.ID, "cccccccccccccccccccc", "ddddddddddddddddddd1", at)
	mustWalletCopy(t, ts, iss, m.ID, "eeeeeeeeeeeeeeeeeeee", "ddddddddddddddddddd2", at.Add(time.Hour))
	ts.do(t, req{method: "GET", path: path, token: mustKey(t, ts, badges.ScopeRead)}).want(t, 200).JSON(t, &l)
	if l.Total != 2 || l.Items[0].ID != "ddddddddddddddddddd2" || l.Items[1].Holder != walletDID || !l.Items[1].IssuedAt.Equal(at) ||
		l.Items[1].URL != baseURL+"/credentials/cccccccccccccccccccc/copies/ddddddddddddddddddd1" {
		t.Fatalf("copies %+v", l)
	}
	ts.do(t, req{method: "GET", path: "/api/v1/members/aaaaaaaaaaaaaaaaaaaa/wallet-copies"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	var export struct {
		Member       struct{ DID string }
		WalletCopies []struct{ ID, Holder string }
	}
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + m.ID + "/export"}).want(t, 200).JSON(t, &export)
	if export.Member.DID != walletDID || len(export.WalletCopies) != 2 || export.WalletCopies[1].Holder != walletDID {
		t.Fatalf("the member's export: %+v", export)
	}

	var f map[string]any
	ts.do(t, req{method: "POST", path: "/api/v1/members/" + m.ID + "/forget"}).want(t, 200).JSON(t, &f)
	if _, ok := f["did"]; ok {
		t.Errorf("a forgotten member keeps the DID: %v", f)
	}
	ts.do(t, req{method: "GET", path: path}).want(t, 200).JSON(t, &l)
	if l.Total != 0 {
		t.Errorf("a forgotten member's copies are listed: %+v", l)
	}
	if _, err := ts.stores.HolderCopies.HolderCopy(t.Context(), "ddddddddddddddddddd1"); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("a forgotten member's copy is kept: %v", err)
	}
}

// mustWalletCopy stores a copy of a credential in a member's wallet, as
// issuing one to a wallet does.
func mustWalletCopy(t *testing.T, ts *testServer, iss, member, credential, id string, at time.Time) {
	t.Helper()
	_, _, err := ts.stores.HolderCopies.CreateHolderCopy(t.Context(), &issuer.HolderCopy{ID: id, CredentialID: credential, IssuerID: iss,
		MemberID: member, Holder: walletDID, IssuedAt: at, JSON: []byte(`{}`), JWT: "x"})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConsoleMembers_Wallet: an admin names a member's wallet on the
// member form, a bad one is refused beside the field, and the member's
// page shows the wallet and the copies of their badges in wallets.
func TestConsoleMembers_Wallet(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	base := "/admin/c/" + iss + "/members"
	admin.get(t, base+"/new").wantPage(t, http.StatusOK, "Wallet DID or URL",
		"Credentials issued from now on name this as their subject; those already issued keep theirs.")
	p := admin.post(t, base+"/new", url.Values{"displayName": {"Ada"}, "email": {"ada@example.org"}, "did": {"did:key"}})
	p.wantPage(t, http.StatusBadRequest, "The wallet DID or URL is not a DID of the form did:method:identifier.")
	p.wantHTML(t, `id="f-did-error"`, `value="did:key"`)
	loc := admin.post(t, base+"/new", url.Values{"displayName": {"Ada"}, "email": {"ada@example.org"}, "did": {walletDID}}).wantRedirect(t, base+"/")
	id := strings.TrimPrefix(loc, base+"/")
	admin.get(t, loc).wantPage(t, http.StatusOK, walletDID, "None of their badges is in a wallet yet.")
	badge := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Session Host"})["id"].(string)
	var cred struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": badge, "memberId": id}}).want(t, 201).JSON(t, &cred)
	mustWalletCopy(t, ts, iss, id, cred.ID, "ddddddddddddddddddd1", time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC))
	ts.consoleAs(t, badges.RoleViewer, iss).get(t, loc).wantPage(t, http.StatusOK, "In wallets", "Session Host", "in a wallet since", "did:key:z6Mk…2doK", "5 December 2026")

	admin.get(t, loc+"/edit").wantHTML(t, `value="`+walletDID+`"`)
	admin.post(t, loc+"/edit", url.Values{"displayName": {"Ada"}, "email": {"ada@example.org"}, "slug": {"ada"}, "did": {""}}).wantRedirect(t, loc)
	admin.get(t, loc).wantPage(t, http.StatusOK, "None named: credentials name them by their hashed e-mail address only.")
}

// TestPortal_Wallet: a member names their wallet on their profile, a bad
// one is refused beside the field, a form without the field leaves it,
// and their badges list the wallets that hold them.
func TestPortal_Wallet(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	ada := mustMember(t, ps.testServer, iss, "ada@example.org", "Ada")
	c := ps.memberSignedIn(t, "ada@example.org")
	c.get(t, "/me/profile").wantPage(t, http.StatusOK, "Wallet DID or URL",
		"Credentials issued from now on name this as their subject; those already issued keep theirs.")
	p := c.post(t, "/me/profile", url.Values{"displayName": {"Ada"}, "publicProfile": {"off"}, "did": {"ada"}})
	p.wantPage(t, http.StatusBadRequest, "The wallet DID or URL must be a DID (did:…) or an https URL.")
	p.wantHTML(t, `id="f-did-error"`, `value="ada"`)
	c.post(t, "/me/profile", url.Values{"displayName": {"Ada"}, "publicProfile": {"off"}, "did": {walletDID}}).wantRedirect(t, "/me/profile")
	c.get(t, "/me/profile").wantHTML(t, `value="`+walletDID+`"`)
	c.post(t, "/me/profile", url.Values{"displayName": {"Ada"}, "publicProfile": {"off"}}).wantRedirect(t, "/me/profile")
	if m, err := ps.stores.Members.Member(t.Context(), ada); err != nil || m.DID != walletDID {
		t.Fatalf("member %+v, %v; want the DID kept", m, err)
	}

	badge := mustAchievement(t, ps.testServer, iss, map[string]any{"status": "active", "name": "Session Host"})["id"].(string)
	var cred struct{ ID string }
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": badge, "memberId": ada}}).want(t, 201).JSON(t, &cred)
	c.get(t, "/me").wantPage(t, http.StatusOK, "Session Host")
	mustWalletCopy(t, ps.testServer, iss, ada, cred.ID, "ddddddddddddddddddd1", time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC))
	c.get(t, "/me").wantPage(t, http.StatusOK, "In a wallet since", "5 December 2026", "did:key:z6Mk…2doK")
}

package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// walletDID is the holder of Ada's wallet in the tests of a member's
// wallet: a did:key, as a wallet makes one.
const walletDID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"

// walletSince is when Ada's wallet got its copy.
var walletSince = time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)

// putInWallet stores a copy of a credential in a member's wallet, as
// issuing one to the wallet's holder does.
func putInWallet(t *testing.T, m *Main, issuerID, memberID, credentialID string) {
	t.Helper()
	_, _, err := wire.NewStores(m.db).HolderCopies.CreateHolderCopy(t.Context(), &issuer.HolderCopy{ID: "walletcopy0000000001",
		CredentialID: credentialID, IssuerID: issuerID, MemberID: memberID, Holder: walletDID, IssuedAt: walletSince,
		JSON: []byte(`{}`), JWT: "x"})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBrowser_ConsoleMemberWallet: an administrator names a member's
// wallet on the member form, a bad one is refused beside the field, and
// the member's page shows the wallet and the badge a wallet holds; both
// pages photographed at both widths in both schemes.
func TestBrowser_ConsoleMemberWallet(t *testing.T) {
	t.Parallel()
	w := &consoleWorld{email: "ada.admin@example.org", password: "copper kettle on the stove"}
	m, out := startMainEnv(t, map[string]string{"LAUREL_ADMIN_EMAIL": w.email})
	w.base, w.main = m.URL(), m
	_, token := linkToken(t, out)
	w.passwordPath = "/admin/password/" + token
	c := newClient(t, w.base, adminKey(t, out))
	w.issuer = str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Lyon Gophers", "url": "https://gophers.example.org"}, http.StatusCreated), "id")
	badge := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{"name": "Session Host",
		"description": "Hosted a community session.", "criteria": "Host a session.", "status": "active"}, http.StatusCreated), "id")
	w.ada = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", map[string]any{
		"email": "ada@example.org", "displayName": "Ada Lovelace", "slug": "ada"}, http.StatusCreated), "id")
	w.adaCredential = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{"achievementId": badge, "memberId": w.ada}, http.StatusCreated), "id")

	admin, guest := browsertest.New(t), browsertest.New(t)
	tab := admin.Open(t, w.base+"/admin/login", 1280, 800)
	w.setPassword(t, tab)
	w.signIn(t, tab, w.password)
	member := "/admin/c/" + w.issuer + "/members/" + w.ada
	tab.Go(t, w.base+member+"/edit")
	tab.Fill(t, "#f-did", "did:example")
	tab.Click(t, "form.form button.primary")
	if got := tab.Text(t, "#f-did-error"); !strings.Contains(got, "The wallet DID or URL is not a DID") {
		t.Errorf("a bad DID says %q beside the field", got)
	}
	tab.Fill(t, "#f-did", walletDID)
	tab.Click(t, "form.form button.primary")
	if got := tab.URL(t); got != w.base+member {
		t.Fatalf("saving ends on %s", got)
	}
	putInWallet(t, m, w.issuer, w.ada, w.adaCredential)
	tab.Go(t, w.base+member)
	if got := tab.Text(t, "#wallets ul"); !strings.Contains(got, "Session Host") || !strings.Contains(got, "did:key:z6Mk…2doK") || !strings.Contains(got, "5 December 2026") {
		t.Errorf("the member's wallets read %q", got)
	}
	if got := tab.Text(t, ".facts"); !strings.Contains(got, walletDID) {
		t.Errorf("the member's facts do not name the wallet: %q", got)
	}
	photographPages(t, w.base, []appPage{{name: "member-wallet", path: member}, {name: "member-wallet-edit", path: member + "/edit"}},
		admin, guest, func(t *testing.T, tab *browsertest.Tab, p appPage, v view) {
			checkConsolePage(t, tab, p.status, v.width, v.scheme)
		})
}

// TestBrowser_PortalWallet: Ada names her wallet on her profile, a bad
// one is refused beside the field, and her badges say which wallet holds
// them; both pages photographed at both widths in both schemes.
func TestBrowser_PortalWallet(t *testing.T) {
	t.Parallel()
	w := &portalWorld{mail: &mailbox{}}
	m, c := w.start(t)
	w.issuer = str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Lyon Gophers", "url": "https://gophers.example.org"}, http.StatusCreated), "id")
	w.ada = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", map[string]any{
		"email": "ada@example.org", "displayName": "Ada Lovelace", "slug": "ada"}, http.StatusCreated), "id")
	badge := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{"name": "Session Host",
		"description": "Hosted a community session.", "criteria": "Host a session.", "status": "active"}, http.StatusCreated), "id")
	cred := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{"achievementId": badge, "memberId": w.ada}, http.StatusCreated), "id")

	member, guest := browsertest.New(t), browsertest.New(t)
	tab := member.Open(t, w.base+"/me/signin", 390, 844)
	w.signIn(t, tab)
	tab.Go(t, w.base+"/me/profile")
	tab.Fill(t, "#f-did", "wallet")
	tab.Click(t, "button.me-primary")
	if got := tab.Text(t, "#f-did-error"); got != "The wallet DID or URL must be a DID (did:…) or an https URL." {
		t.Errorf("a bad DID says %q beside the field", got)
	}
	tab.Fill(t, "#f-did", walletDID)
	tab.Click(t, "button.me-primary")
	if got := tab.Text(t, ".me-flash"); got != "Your profile is saved." {
		t.Errorf("saving says %q", got)
	}
	if got := str(t, c.json(t, "GET", "/api/v1/members/"+w.ada, nil, http.StatusOK), "did"); got != walletDID {
		t.Errorf("the member's DID is %q", got)
	}
	putInWallet(t, m, w.issuer, w.ada, cred)
	tab.Go(t, w.base+"/me")
	if got := tab.Text(t, ".me-badge"); !strings.Contains(got, "In a wallet since 5 December 2026 (did:key:z6Mk…2doK)") {
		t.Errorf("the badge reads %q", got)
	}
	photographPages(t, w.base, []appPage{{name: "me-profile-wallet", path: "/me/profile"}, {name: "me-badges-wallet", path: "/me"}},
		member, guest, func(t *testing.T, tab *browsertest.Tab, p appPage, v view) {
			checkConsolePage(t, tab, p.status, v.width, v.scheme)
			if v.width < 500 {
				checkTouchTargets(t, tab)
			}
		})
}

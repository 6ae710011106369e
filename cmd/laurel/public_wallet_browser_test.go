package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/issuer"
)

// walletURL is a credential's interaction URL, signed with the running
// Laurel's master key.
func (w *badgeWorld) walletURL(t *testing.T, credentialID string) string {
	t.Helper()
	master, err := w.m.masterKey()
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := issuer.NewSealer(master)
	if err != nil {
		t.Fatal(err)
	}
	return w.base + "/wallet/" + credentialID + "/" + sealer.LinkSigner("wallet").Code(credentialID)
}

// TestBrowser_Wallet photographs where a member meets the wallet QR code:
// the accepted claim page, and the interaction URL opened in a browser,
// at both widths in both schemes. Each screenshot's QR code must scan to
// the interaction URL; a badge that no longer counts shows none.
func TestBrowser_Wallet(t *testing.T) {
	t.Parallel()
	w := newCredentialStates(t)
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	claim, wallet := w.acceptClaim(t, w.valid, "public"), w.walletURL(t, w.valid)
	pages := []struct{ name, url, scope string }{
		{"claim-wallet", w.base + claim, "#claim"},
		{"wallet", wallet, "#wallet"},
	}
	for _, p := range pages {
		for _, v := range views() {
			t.Run(p.name+"/"+v.name+"/"+string(v.scheme), func(t *testing.T) {
				tab := b.Open(t, p.url, v.width, v.height, v.scheme)
				tab.WantNoProblems(t)
				checkPageBasics(t, tab, v.width, v.scheme)
				if v.width < 600 {
					wantTouchTargets(t, tab, p.scope)
				}
				if got := tab.Attr(t, "#wallet-qr", "src"); got != wallet+"/qr.svg" {
					t.Errorf("the QR code is %q", got)
				}
				var loaded bool
				tab.Eval(t, `document.querySelector("#wallet-qr").naturalWidth > 0`, &loaded)
				if !loaded {
					t.Error("the QR code did not load")
				}
				shot := filepath.Join(dir, p.name+"-"+v.name+"-"+string(v.scheme)+".png")
				tab.Screenshot(t, shot)
				wantQR(t, shot, wallet)
			})
		}
	}
	t.Run("claim link to the wallet page", func(t *testing.T) {
		tab := b.Open(t, w.base+claim, 390, 844)
		tab.Click(t, "#wallet-link")
		if got := tab.Text(t, "h1"); !strings.HasPrefix(got, "Add Community Mentor to your wallet") {
			t.Errorf("the wallet link leads to %q", got)
		}
	})
	t.Run("no wallet for a badge that no longer counts", func(t *testing.T) {
		for _, id := range []string{w.revokedPublic, w.gone} {
			tab := b.Open(t, w.base+w.claimPath(t, id), 390, 844)
			if n := tab.Count(t, "#claim-wallet, #wallet-qr"); n != 0 {
				t.Errorf("the claim page of %s offers a wallet", id)
			}
			tab.Go(t, w.walletURL(t, id))
			if n := tab.Count(t, "#wallet-qr"); n != 0 || !strings.Contains(tab.Text(t, "main"), "cannot be added to a wallet") {
				t.Errorf("the wallet page of %s says %q", id, tab.Text(t, "main"))
			}
		}
	})
}

// wantQR checks that the screenshot at path holds a QR code of want.
func wantQR(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := browsertest.DecodeQR(t, b); got != want {
		t.Errorf("the QR code scans to %q, want %q", got, want)
	}
}

// TestBrowser_PortalWalletQR photographs a badge's wallet QR code in the
// member portal, opened, at both widths in both schemes; the revoked
// badge offers none.
func TestBrowser_PortalWalletQR(t *testing.T) {
	t.Parallel()
	w := newPortalWorld(t)
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	live, revoked := w.credentials[0], w.credentials[1]
	w.signIn(t, b.Open(t, w.base+"/me/signin", 390, 844)) // the browser's tabs share the session
	for _, v := range views() {
		t.Run(v.name+"/"+string(v.scheme), func(t *testing.T) {
			tab := b.Open(t, w.base+"/me", v.width, v.height, v.scheme)
			if n := tab.Count(t, "#wallet-"+revoked); n != 0 {
				t.Error("the revoked badge offers a wallet")
			}
			tab.Click(t, "#wallet-"+live+" summary")
			tab.WantNoProblems(t)
			checkPageBasics(t, tab, v.width, v.scheme)
			if v.width < 600 {
				wantTouchTargets(t, tab, "#wallet-"+live)
			}
			var visible bool
			tab.Eval(t, `document.querySelector("#wallet-`+live+` img").getBoundingClientRect().height > 100`, &visible)
			if !visible {
				t.Error("the opened wallet QR code is not shown")
			}
			shot := filepath.Join(dir, "me-wallet-"+v.name+"-"+string(v.scheme)+".png")
			tab.Screenshot(t, shot)
			link := tab.Attr(t, "#wallet-"+live+" a", "href")
			if !strings.HasPrefix(link, w.base+"/wallet/"+live+"/") {
				t.Errorf("the wallet link is %q", link)
			}
			wantQR(t, shot, link)
		})
	}
}

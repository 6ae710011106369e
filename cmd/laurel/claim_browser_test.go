package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/issuer"
)

// claimPath is the path of a credential's claim link, as the award e-mail
// carries it: signed with the running Laurel's master key.
func (w *badgeWorld) claimPath(t *testing.T, credentialID string) string {
	t.Helper()
	master, err := w.m.masterKey()
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := issuer.NewSealer(master)
	if err != nil {
		t.Fatal(err)
	}
	return "/claim/" + credentialID + "/" + sealer.LinkSigner("claim").Code(credentialID)
}

// acceptClaim accepts a credential through its claim page's form, as a
// browser without JavaScript would, and returns the claim page's path.
func (w *badgeWorld) acceptClaim(t *testing.T, credentialID, visibility string) string {
	t.Helper()
	path := w.claimPath(t, credentialID)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Jar: jar, Timeout: httpTimeout}
	res, err := hc.Get(w.base + path)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, res)
	_, rest, _ := strings.Cut(body, `name="csrf" value="`)
	csrf, _, _ := strings.Cut(rest, `"`)
	res, err = hc.PostForm(w.base+path, url.Values{"csrf": {csrf}, "visibility": {visibility}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, res); res.StatusCode != http.StatusOK || !strings.Contains(body, "Your badge is accepted") {
		t.Fatalf("accepting %s: %d\n%s", credentialID, res.StatusCode, body)
	}
	return path
}

// TestBrowser_ClaimPage accepts a badge from its claim page in Chromium,
// keyboard and all, and checks what the member is offered after.
func TestBrowser_ClaimPage(t *testing.T) {
	t.Parallel()
	w := newBadgeWorld(t)
	b := browsertest.New(t)
	tab := b.Open(t, w.base+w.claimPath(t, w.bobCred), 390, 844)
	tab.WantNoProblems(t)
	if got := tab.Text(t, "h1"); got != "Session Host" {
		t.Errorf("h1 = %q", got)
	}
	if got := tab.Text(t, "#claim-member"); got != "Bob Private" {
		t.Errorf("member = %q", got)
	}
	tab.Check(t, "input[value=link]", true)
	tab.Click(t, "#claim-accept")
	if got := tab.Text(t, "#claim-chosen"); got != "Only people you share its link with will see it." {
		t.Errorf("after accepting, the page says %q", got)
	}
	for _, sel := range []string{"#linkedin-add", "#download-svg", "#download-json", "#claim-signin"} {
		if tab.Count(t, sel) != 1 {
			t.Errorf("no %s after accepting", sel)
		}
	}
	if n := tab.Count(t, "#claim-accept"); n != 0 {
		t.Error("the Accept button is still offered")
	}
	tab.WantNoProblems(t)
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

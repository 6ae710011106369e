package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
)

var (
	demoCredentialRE = regexp.MustCompile(`Demo credential: \S+(/credentials/\S+)`)
	demoProfileRE    = regexp.MustCompile(`Demo member profile: \S+(/members/\S+)`)
	demoGuildRE      = regexp.MustCompile(`Second demo community: \S+(/issuers/\S+)`)
)

// demoPages are the public pages of a freshly started demo that show its
// data: the community, its spotlight, Ada's profile and her badge with
// uploaded art, the revoked badges (one with its reason published, one
// without), an expired badge, a badge of a member who chose no public
// profile, and the second community.
type demoPages struct {
	base                          string
	community, guild, spotlight   string
	member, uploadedArt           string
	revokedPublic, revokedPrivate string
	privateReason, expired        string
	noConsent, noConsentName      string
}

// startDemo starts Laurel with the demo and finds its pages through what
// it prints and the API.
func startDemo(t *testing.T) *demoPages {
	t.Helper()
	m, out := startMain(t, t.TempDir(), func(c *Config) { c.Demo = true })
	p := &demoPages{base: m.URL()}
	for re, to := range map[*regexp.Regexp]*string{demoRE: &p.community, demoCredentialRE: &p.uploadedArt,
		demoProfileRE: &p.member, demoGuildRE: &p.guild} {
		match := re.FindStringSubmatch(out)
		if match == nil {
			t.Fatalf("no %s in the output:\n%s", re, out)
		}
		*to = strings.TrimPrefix(match[1], p.base)
	}
	p.spotlight = p.community + "/spotlight"
	c := newClient(t, p.base, adminKey(t, out))
	api := "/api/v1" + p.community + "/credentials?status="
	for _, it := range c.json(t, "GET", api+"revoked", nil, http.StatusOK)["items"].([]any) {
		id := it.(map[string]any)["id"].(string)
		if cred := c.json(t, "GET", "/api/v1/credentials/"+id, nil, http.StatusOK); cred["revocationReasonPublic"] == true {
			p.revokedPublic = "/credentials/" + id
		} else {
			p.revokedPrivate, p.privateReason = "/credentials/"+id, cred["revocationReason"].(string)
		}
	}
	if expired := c.json(t, "GET", api+"expired", nil, http.StatusOK)["items"].([]any); len(expired) > 0 {
		p.expired = "/credentials/" + expired[0].(map[string]any)["id"].(string)
	}
	p.noConsent, p.noConsentName = demoNoConsent(t, c, p.community)
	if p.revokedPublic == "" || p.revokedPrivate == "" || p.expired == "" {
		t.Fatalf("the demo lacks a revoked (%q, %q) or an expired (%q) credential", p.revokedPublic, p.revokedPrivate, p.expired)
	}
	return p
}

// demoNoConsent returns a credential of the third demo member, who chose
// no public profile, and their name.
func demoNoConsent(t *testing.T, c *client, community string) (path, name string) {
	t.Helper()
	members := c.json(t, "GET", "/api/v1"+community+"/members?email=member2@example.org", nil, http.StatusOK)["items"].([]any)
	if len(members) != 1 || members[0].(map[string]any)["publicProfile"] != false {
		t.Fatalf("the demo's third member is %v; want one without a public profile", members)
	}
	m := members[0].(map[string]any)
	creds := c.json(t, "GET", "/api/v1"+community+"/credentials?member="+m["id"].(string), nil, http.StatusOK)["items"].([]any)
	if len(creds) == 0 {
		t.Fatalf("the demo's third member, %s, holds no badge", m["displayName"])
	}
	return "/credentials/" + creds[0].(map[string]any)["id"].(string), m["displayName"].(string)
}

// TestBrowser_Demo opens the demo's public pages at both widths and in
// both schemes and photographs them, so that people can judge its data;
// it checks what the data promises: the uploaded art on its badge, the
// pinned member's note, the published reason of one revocation and
// never the private one of the other.
func TestBrowser_Demo(t *testing.T) {
	t.Parallel()
	p := startDemo(t)
	b := browsertest.New(t)
	pages := []struct {
		name, path string
		check      func(t *testing.T, html string)
	}{
		{"community", p.community, nil},
		{"spotlight", p.spotlight, wantIn("Started the newcomers' evenings")},
		{"member", p.member, nil},
		{"uploaded-art", p.uploadedArt, wantIn("Community Leader")},
		{"revoked-public", p.revokedPublic, wantIn(demoRevocations[0].Reason)},
		{"revoked-private", p.revokedPrivate, func(t *testing.T, html string) {
			if strings.Contains(html, p.privateReason) {
				t.Errorf("the page shows the private revocation reason %q", p.privateReason)
			}
		}},
		{"expired", p.expired, nil},
		{"no-consent", p.noConsent, func(t *testing.T, html string) {
			if strings.Contains(html, p.noConsentName) {
				t.Errorf("the page names %q, who chose no public profile", p.noConsentName)
			}
		}},
		{"second-community", p.guild, wantIn(demoGuild.Name)},
	}
	dir := browsertest.ScreenshotDir(t)
	for _, pg := range pages {
		for _, v := range views() {
			t.Run(pg.name+"/"+v.name+"/"+string(v.scheme), func(t *testing.T) {
				tab := b.Open(t, p.base+pg.path, v.width, v.height, v.scheme)
				tab.WantNoProblems(t)
				checkPageBasics(t, tab, v.width, v.scheme)
				if pg.check != nil {
					var html string
					tab.Eval(t, "document.documentElement.outerHTML", &html)
					pg.check(t, html)
				}
				tab.Screenshot(t, filepath.Join(dir, "demo-"+pg.name+"-"+v.name+"-"+string(v.scheme)+".png"))
			})
		}
	}
}

// wantIn checks that a page's HTML contains s, as escaped on the page.
func wantIn(s string) func(t *testing.T, html string) {
	return func(t *testing.T, html string) {
		t.Helper()
		if !strings.Contains(html, s) && !strings.Contains(html, strings.ReplaceAll(s, "'", "&#39;")) {
			t.Errorf("the page does not show %q", s)
		}
	}
}

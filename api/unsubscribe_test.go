package api_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestUnsubscribe follows an e-mail's unsubscribe link: the page asks,
// one click (a mail client's RFC 8058 POST) unsubscribes, the composer
// then refuses the community's messages that are not transactional, and
// the page offers to subscribe again.
func TestUnsubscribe(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	composer := newLaurel(t, ts.db).Composer // the same master key as the server's
	ctx := context.Background()
	n := composer.Sample(iss, badges.MailEarned)
	m, err := composer.Compose(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(m.Unsubscribe)
	if err != nil || !strings.HasPrefix(m.Unsubscribe, baseURL+"/mail/unsubscribe/"+iss+"/") {
		t.Fatalf("unsubscribe link %q", m.Unsubscribe)
	}
	link := u.RequestURI()
	page := ts.do(t, req{method: "GET", path: link, token: "-"}).want(t, 200)
	if !strings.Contains(string(page.body), "Unsubscribe from Gophers of Lyon’s e-mails?") || page.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("confirmation page:\n%s", page.body)
	}
	if _, err := composer.Compose(ctx, n); err != nil {
		t.Fatalf("opening the page unsubscribed: %v", err)
	}

	done := ts.do(t, req{method: "POST", path: link, token: "-", body: "List-Unsubscribe=One-Click", contentType: "application/x-www-form-urlencoded"}).want(t, 200)
	if !strings.Contains(string(done.body), "You are unsubscribed") || !strings.Contains(string(done.body), `action="/mail/resubscribe/`) {
		t.Fatalf("done page:\n%s", done.body)
	}
	if _, err := composer.Compose(ctx, n); !errors.Is(err, badges.ErrOptedOut) {
		t.Fatalf("earned e-mail after unsubscribing: %v", err)
	}
	if _, err := composer.Compose(ctx, composer.Sample(iss, badges.MailSignIn)); err != nil {
		t.Fatalf("a sign-in link after unsubscribing: %v", err)
	}
	if again := ts.do(t, req{method: "GET", path: link, token: "-"}).want(t, 200); !strings.Contains(string(again.body), "You are unsubscribed") {
		t.Errorf("the link opened again does not say so:\n%s", again.body)
	}

	ts.do(t, req{method: "POST", path: strings.Replace(link, "/mail/unsubscribe/", "/mail/resubscribe/", 1), token: "-"}).want(t, 200)
	if _, err := composer.Compose(ctx, n); err != nil {
		t.Fatalf("after subscribing again: %v", err)
	}

	t.Run("404", func(t *testing.T) {
		code := strings.TrimPrefix(u.Path, "/mail/unsubscribe/"+iss+"/")
		other := mustIssuer(t, ts)
		for name, bad := range map[string]string{
			"changed code":    "/mail/unsubscribe/" + iss + "/" + strings.Repeat("A", 22) + "?" + u.RawQuery,
			"other community": "/mail/unsubscribe/" + other + "/" + code + "?" + u.RawQuery,
			"other address":   "/mail/unsubscribe/" + iss + "/" + code + "?a=" + strings.Repeat("B", 22),
			"no address":      "/mail/unsubscribe/" + iss + "/" + code,
		} {
			ts.do(t, req{method: "GET", path: bad, token: "-"}).want(t, 404)
			ts.do(t, req{method: "POST", path: bad, token: "-"}).want(t, 404)
			ts.do(t, req{method: "POST", path: strings.Replace(bad, "/mail/unsubscribe/", "/mail/resubscribe/", 1), token: "-"}).want(t, 404)
			_ = name
		}
		if _, err := composer.Compose(ctx, n); err != nil {
			t.Errorf("a bad link unsubscribed: %v", err)
		}
	})
}

package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestConsole_MailTemplates: an admin words the "earned" e-mail, watching
// its preview, saves it, sees it marked customised, and resets it after a
// confirmation.
func TestConsole_MailTemplates(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	base := "/admin/c/" + iss + "/settings/emails"

	list := admin.get(t, base)
	list.wantPage(t, 200, "E-mails", "Badge earned", "You earned {badge}", "Sign-in link", "Always sent", "Members can unsubscribe")
	if strings.Contains(list.Body, "Customised") {
		t.Error("a new community's wording is customised")
	}
	edit := admin.get(t, base+"/earned")
	edit.wantPage(t, 200, "Badge earned e-mail", "{member}", "the badge’s name", "You earned Session Host", "Accept your badge")
	edit.wantHTML(t, `<iframe class="email-frame" sandbox src="`+base+`/earned/preview.html?`, `hx-get="`+base+`/earned/preview"`)

	t.Run("preview", func(t *testing.T) {
		q := url.Values{"subject": {"Bravo {member}"}, "opening": {"<script>alert(1)</script> {reason}"}}.Encode()
		part := admin.get(t, base+"/earned/preview?"+q)
		part.wantPage(t, 200, "Bravo Ada Lovelace", "This wording will not save:", "{reason}")
		if strings.Contains(part.Body, "<script>") || strings.Contains(part.Body, "<html") {
			t.Errorf("the part is not an escaped fragment: %s", part.Body)
		}
		frame := admin.get(t, base+"/earned/preview.html?"+q)
		frame.wantHTML(t, "&lt;script&gt;alert(1)&lt;/script&gt;", "Bravo Ada Lovelace")
		csp := frame.Header().Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "sandbox", "frame-ancestors 'self'", "form-action 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("the frame's policy %q lacks %s", csp, want)
			}
		}
		if strings.Contains(csp, "script-src") || frame.Header().Get("X-Frame-Options") != "SAMEORIGIN" {
			t.Errorf("the frame's policy %q lets scripts in, or X-Frame-Options is %q", csp, frame.Header().Get("X-Frame-Options"))
		}
		if other := admin.get(t, base); !strings.Contains(other.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Error("the console's pages may be framed")
		}
		admin.get(t, base+"/earned/preview.html?"+url.Values{"opening": {strings.Repeat("x", 7000)}}.Encode()).wantPage(t, 400)
		admin.get(t, base+"/weekly/preview.html").wantPage(t, 404)
	})

	t.Run("no JavaScript preview saves nothing", func(t *testing.T) {
		admin.post(t, base+"/earned", url.Values{"action": {"preview"}, "subject": {"Hooray {badge}"}, "opening": {"Hi"}}).
			wantPage(t, 200, "Hooray Session Host")
		if got := admin.get(t, base); strings.Contains(got.Body, "Hooray") {
			t.Error("previewing saved the wording")
		}
	})

	t.Run("400", func(t *testing.T) {
		p := admin.post(t, base+"/earned", url.Values{"subject": {"Hi {member}\r\nBcc: all@example.org"}, "opening": {"Hi"}})
		p.wantPage(t, 400, "Subject must be a single line.", "Bcc: all@example.org")
		p = admin.post(t, base+"/earned", url.Values{"subject": {"Hi"}, "opening": {"From {endorser}"}})
		p.wantPage(t, 400, "{endorser}")
		p.wantHTML(t, `href="#f-opening"`)
	})

	admin.post(t, base+"/earned", url.Values{"action": {"save"}, "subject": {"Well done, {member}"}, "opening": {"You are a {badge} now."}}).
		wantRedirect(t, base)
	after := admin.get(t, base)
	after.wantPage(t, 200, "Well done, {member}", "Customised", "uses your wording")
	admin.get(t, base+"/earned").wantPage(t, 200, "Reset to default…", "Well done, Ada Lovelace")

	admin.get(t, base+"/earned/reset").wantPage(t, 200, "Reset the Badge earned e-mail?", "Laurel’s wording")
	admin.post(t, base+"/earned/reset", url.Values{}).wantRedirect(t, base)
	admin.get(t, base).wantPage(t, 200, "You earned {badge}", "uses Laurel’s wording again")

	t.Run("CSRF", func(t *testing.T) {
		p := admin.post(t, base+"/earned", url.Values{"csrf": {"wrong"}, "subject": {"Stolen"}, "opening": {"x"}})
		if p.Code != http.StatusForbidden {
			t.Fatalf("a post without the session's token → %d", p.Code)
		}
		if strings.Contains(admin.get(t, base).Body, "Stolen") {
			t.Error("the wording changed")
		}
	})
}

package mail_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// facts are what each kind's two parts must both say.
var facts = map[badges.MessageKind][]string{
	badges.MailEarned:      {"You earned Session Host", "Ada Lovelace", "Hosted three community sessions", "Accept your badge", base + "/claim/sample", base + "/credentials/sample"},
	badges.MailSignIn:      {"Your sign-in link for Rust Guild", "Sign in", base + "/me/signin/sample", "15 minutes", "If it was not you"},
	badges.MailProgress:    {"Your progress at Rust Guild", "2 more sessions to Session Host.", "1 more answer in the forum to Helpful Peer.", "See your progress", base + "/me"},
	badges.MailDecision:    {"Your nomination for Session Host was approved", "on its way to you", "See the badge", base + "/credentials/sample"},
	badges.MailEndorsement: {"Grace Hopper endorsed you", "best of the season", "See your badges", base + "/me"},
	badges.MailCheckIn:     {"Confirm your check-in: Attended a session", "Confirm my check-in", base + "/me/checkin/sample", "15 minutes"},
	badges.MailWalletCode:  {"Your code to add a badge of Rust Guild to your wallet", "493536", "10 minutes", base + "/credentials/sample", "If it was not you"},
	badges.MailWebhookDisabled: {"A webhook endpoint of Rust Guild was disabled", "https://hooks.example.org/laurel", "Every delivery failed for 5 days.",
		"See the endpoint", base + "/admin/c/guild/integrations/webhooks"},
}

func TestComposer_EveryKind(t *testing.T) {
	f := newFixture(t)
	for _, k := range badges.MailKinds {
		t.Run(string(k), func(t *testing.T) {
			m := f.compose(t, k, nil)
			if m.Kind != k || m.To != "ada@example.org" || m.IssuerID != "guild" {
				t.Errorf("message names %s %s %s", m.Kind, m.To, m.IssuerID)
			}
			html := strings.ReplaceAll(m.HTML, "&#39;", "'")
			for _, fact := range append(facts[k], "Rust Guild", "sent you this e-mail because") {
				if !strings.Contains(m.Text, fact) {
					t.Errorf("the text part lacks %q:\n%s", fact, m.Text)
				}
				if !strings.Contains(html, fact) {
					t.Errorf("the HTML part lacks %q", fact)
				}
			}
			if !strings.Contains(m.Subject, strings.SplitN(facts[k][0], ":", 2)[0]) {
				t.Errorf("subject %q", m.Subject)
			}
			// Branding: the accent is the button's colour with black text
			// (#f2c94c is light), the logo an absolute link.
			for _, b := range []string{"background-color:#f2c94c", "color:#000000", base + "/images/ab12.png", `href="` + base + `/issuers/guild"`, "max-width:600px"} {
				if !strings.Contains(m.HTML, b) {
					t.Errorf("the HTML part lacks %q", b)
				}
			}
			if k.Transactional() != (m.Unsubscribe == "") {
				t.Errorf("transactional %v, unsubscribe %q", k.Transactional(), m.Unsubscribe)
			}
			if m.Unsubscribe != "" && (!strings.Contains(m.Text, m.Unsubscribe) || !strings.Contains(m.HTML, strings.ReplaceAll(m.Unsubscribe, "&", "&amp;"))) {
				t.Error("the unsubscribe link is not in both parts")
			}
			if k.Transactional() && strings.Contains(strings.ToLower(m.Text+m.HTML), "unsubscribe") {
				t.Error("a transactional message offers to unsubscribe")
			}
			// Kept under -outputdir with -artifacts, to open in a browser.
			if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "mail-"+string(k)+".html"), []byte(m.HTML), 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestComposer_CommunityWording(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.templates.Set(ctx, "guild", badges.MailEarned, "{member}, {community} says well done", "Dear {member},\n\nyou are now a {badge}.\nCheers!"); err != nil {
		t.Fatal(err)
	}
	m := f.compose(t, badges.MailEarned, nil)
	if m.Subject != "Ada Lovelace, Rust Guild says well done" {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.HTML, "Dear Ada Lovelace,</p>") || !strings.Contains(m.HTML, "you are now a Session Host.<br>Cheers!") {
		t.Errorf("the opening's paragraphs and lines are not kept:\n%s", m.HTML)
	}
	if !strings.Contains(m.Text, "Dear Ada Lovelace,\n\nyou are now a Session Host.\nCheers!") {
		t.Errorf("text part:\n%s", m.Text)
	}
	if other := f.compose(t, badges.MailProgress, nil); other.Subject != "Your progress at Rust Guild" {
		t.Errorf("another kind's subject changed: %q", other.Subject)
	}
}

func TestComposer_Escaping(t *testing.T) {
	f := newFixture(t)
	evil := "Eve</p><script>alert(1)</script>\r\nBcc: all@example.org"
	m := f.compose(t, badges.MailEarned, map[string]string{"member": evil, "badge": `<img src=x onerror=alert(1)> "{member}"`})
	if strings.Contains(m.HTML, "<script") || strings.Contains(m.HTML, "<img src=x") {
		t.Errorf("HTML from Data is not escaped:\n%s", m.HTML)
	}
	if strings.ContainsAny(m.Subject, "\r\n") || !strings.HasPrefix(m.Subject, `You earned <img src=x onerror=alert(1)> "{member}"`) {
		t.Errorf("subject %q", m.Subject)
	}
}

func TestComposer_Decision(t *testing.T) {
	f := newFixture(t)
	m := f.compose(t, badges.MailDecision, map[string]string{"approved": "false", "what": "application", "reason": "Two sessions are not three.", "badgeURL": ""})
	for _, want := range []string{"Your application for Session Host was declined", "not approved", "Their reason: Two sessions are not three.", "because you applied"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(strings.ReplaceAll(m.HTML, "<strong>Their reason:</strong>", "Their reason:"), want) {
			t.Errorf("a declined application does not say %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "See the badge") {
		t.Error("a button without a link")
	}
}

func TestComposer_Branding(t *testing.T) {
	f := newFixture(t)
	f.profile.AccentColor = "#1d3557"
	f.profile.Image = &badges.ImageRef{SHA256: "cd34", Format: badges.ImageSVG}
	m := f.compose(t, badges.MailEarned, nil)
	if !strings.Contains(m.HTML, "background-color:#1d3557") || !strings.Contains(m.HTML, "color:#ffffff") {
		t.Error("a dark accent does not get white text")
	}
	if strings.Contains(m.HTML, "/images/cd34") {
		t.Error("an SVG logo is linked, which most mail clients do not show")
	}
	f.profile.AccentColor = ""
	if m := f.compose(t, badges.MailEarned, nil); !strings.Contains(m.HTML, "background-color:#25613f") {
		t.Error("a community without an accent does not get Laurel's")
	}
}

func TestComposer_ErrInvalid(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for name, n := range map[string]badges.Notification{
		"script link":  withData(f.c.Sample("guild", badges.MailEarned), "claimURL", "javascript:alert(1)"),
		"no link":      withData(f.c.Sample("guild", badges.MailSignIn), "link", ""),
		"relative":     withData(f.c.Sample("guild", badges.MailCheckIn), "link", "/me/checkin/x"),
		"unknown kind": {Kind: "weekly", IssuerID: "guild", To: "ada@example.org"},
		"bad address":  {Kind: badges.MailProgress, IssuerID: "guild", To: "not an address", Data: f.c.Sample("guild", badges.MailProgress).Data},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := f.c.Compose(ctx, n); err == nil {
				t.Error("composed")
			}
		})
	}
	if _, err := f.c.Compose(ctx, f.c.Sample("nowhere", badges.MailSignIn)); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("unknown community: %v", err)
	}
}

func withData(n badges.Notification, key, value string) badges.Notification {
	n.Data[key] = value
	return n
}

func TestComposer_OptedOut(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.compose(t, badges.MailEarned, nil)
	code, key := linkParts(t, m.Unsubscribe)
	if err := f.c.Unsubscribe(ctx, "guild", code, key, f.templates.Now()); err != nil {
		t.Fatal(err)
	}
	for _, k := range badges.MailKinds {
		n := f.c.Sample("guild", k)
		n.To = "ADA@example.org"
		_, err := f.c.Compose(ctx, n)
		if k.Transactional() && err != nil {
			t.Errorf("%s: %v (transactional messages still go)", k, err)
		}
		if !k.Transactional() && !errors.Is(err, badges.ErrOptedOut) {
			t.Errorf("%s to an address that unsubscribed: %v", k, err)
		}
	}
	other := f.c.Sample("guild", badges.MailEarned)
	other.To = "grace@example.org"
	if _, err := f.c.Compose(ctx, other); err != nil {
		t.Errorf("another address: %v", err)
	}
	if err := f.c.Resubscribe(ctx, "guild", code, key); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Compose(ctx, f.c.Sample("guild", badges.MailEarned)); err != nil {
		t.Errorf("after resubscribing: %v", err)
	}
}

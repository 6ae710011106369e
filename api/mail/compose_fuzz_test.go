package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// FuzzComposer_Injection composes with any wording (as typed, before it
// is validated: the preview shows it so) and any facts. The subject stays
// one line, nothing from the facts becomes markup, and placeholders are
// filled once: a value that reads as a placeholder or a Go template
// action is shown as it is.
func FuzzComposer_Injection(f *testing.F) {
	f.Add("You earned {badge}", "Hi {member}", "Ada", "Session Host", "A badge.")
	f.Add("{member}\r\nBcc: all@example.org", "{{.}}{{template \"html\" .}}", "{badge}", "{{.Subject}}", "<script>alert(1)</script>")
	f.Add("{member}", "{member}\n\n{community}", "Eve\u2028To: x@example.org", "<SCRIPT src=//x>", "</p><ScRiPt>")
	f.Add("\x85{badge}\x00", "{", "{member}{member}", "\r", "\n")
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, subject, opening, member, badge, description string) {
		n := fx.c.Sample("guild", badges.MailEarned)
		n.Data["member"], n.Data["badge"], n.Data["badgeDescription"] = member, badge, description
		m, err := fx.c.Preview(context.Background(), n, &badges.MailTemplate{Subject: subject, Opening: opening})
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsFunc(m.Subject, func(r rune) bool { return r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || r >= 0x80 && r < 0xa0 }) {
			t.Fatalf("subject with a control character: %q", m.Subject)
		}
		if strings.Contains(strings.ToLower(m.HTML), "<script") {
			t.Fatalf("a script in the HTML part:\n%s", m.HTML)
		}
		values := map[string]string{"member": badges.OneLine(member), "badge": badges.OneLine(badge), "community": "Rust Guild"}
		if values["member"] == "" {
			values["member"] = "there"
		}
		if want := badges.OneLine(badges.ExpandMail(subject, values)); m.Subject != want {
			t.Fatalf("subject %q, want %q (placeholders filled once)", m.Subject, want)
		}
	})
}

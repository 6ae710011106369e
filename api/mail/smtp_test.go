package mail

import (
	"crypto/tls"
	"errors"
	"mime"
	"net"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/mailtest"
	"github.com/laurel-badges/laurel/badges"
)

var testFrom = netmail.Address{Name: "Harbour Makers", Address: "badges@example.org"}

func testMessage() *badges.Message {
	return &badges.Message{ID: badges.MessageID("iss", "earned:1"), IssuerID: "iss", Kind: badges.MailEarned,
		To: "ada@example.org", Subject: "You earned Session Host", Text: "Well done, Ada.\nClaim it: https://example.org/claim/x",
		HTML: "<p>Well done, <b>Ada</b>.</p>", Unsubscribe: "https://example.org/unsubscribe/abc"}
}

func senderTo(ts *mailtest.Server, scheme, userinfo string, roots *tls.Config) *SMTPSender {
	u := scheme + "://" + userinfo + ts.Addr
	cfg, err := ParseSMTPURL(u)
	if err != nil {
		panic(err)
	}
	return NewSMTPSender(*cfg, testFrom, roots, func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) })
}

// alternatives fails the test unless m is text and HTML alternatives.
func alternatives(t *testing.T, m *mailtest.Mail) {
	t.Helper()
	if mt, _, err := mime.ParseMediaType(m.Header.Get("Content-Type")); err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q, %v; want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
}

// TestSMTPSender_MIME: the message arrives as text and HTML alternatives
// with its Message-ID and, unless it is transactional, List-Unsubscribe.
func TestSMTPSender_MIME(t *testing.T) {
	ts := mailtest.Start(t, mailtest.Options{})
	s := senderTo(ts, "smtp", "", nil)
	m := testMessage()
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	signin := testMessage()
	signin.Kind, signin.Unsubscribe, signin.ID = badges.MailSignIn, "", badges.MessageID("iss", "signin:1")
	if err := s.Send(t.Context(), signin); err != nil {
		t.Fatal(err)
	}
	got := ts.Mails()
	if len(got) != 2 || len(got[0].To) != 1 || got[0].To[0] != "ada@example.org" || got[0].From != "badges@example.org" {
		t.Fatalf("received %+v; want two to ada@example.org", got)
	}
	p := got[0]
	alternatives(t, p)
	for h, want := range map[string]string{
		"Subject":               "You earned Session Host",
		"From":                  `"Harbour Makers" <badges@example.org>`,
		"To":                    "<ada@example.org>",
		"Message-Id":            "<" + m.ID + "@example.org>",
		"List-Unsubscribe":      "<https://example.org/unsubscribe/abc>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	} {
		if v := p.Header.Get(h); v != want {
			t.Errorf("%s: %q; want %q", h, v, want)
		}
	}
	if !strings.Contains(p.Text, "Claim it: https://example.org/claim/x") || p.HTML != "<p>Well done, <b>Ada</b>.</p>" {
		t.Errorf("text %q, HTML %q; want the text and the HTML", p.Text, p.HTML)
	}
	q := got[1]
	alternatives(t, q)
	if q.Header.Get("List-Unsubscribe") != "" || q.Header.Get("List-Unsubscribe-Post") != "" {
		t.Errorf("a sign-in link has List-Unsubscribe %q", q.Header.Get("List-Unsubscribe"))
	}
}

// TestSMTPSender_HeaderInjection: line breaks in a subject or a display
// name add no header; one in an address or the unsubscribe link refuses
// the message.
func TestSMTPSender_HeaderInjection(t *testing.T) {
	ts := mailtest.Start(t, mailtest.Options{})
	s := senderTo(ts, "smtp", "", nil)
	s.from.Name = "Harbour\r\nBcc: eve@example.org"
	m := testMessage()
	m.Subject = "Hello\r\nBcc: eve@example.org\r\n\r\nbody"
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	p := ts.Mails()[0]
	alternatives(t, p)
	if p.Header.Get("Bcc") != "" || !strings.HasPrefix(p.Header.Get("Subject"), "Hello Bcc:") {
		t.Fatalf("headers %v; want no Bcc and the subject on one line", p.Header)
	}
	for name, change := range map[string]func(*badges.Message){
		"recipient":   func(m *badges.Message) { m.To = "ada@example.org\r\nBcc: eve@example.org" },
		"unsubscribe": func(m *badges.Message) { m.Unsubscribe = "https://example.org/u>\r\nBcc: eve@example.org" },
	} {
		m := testMessage()
		change(m)
		if err := s.Send(t.Context(), m); !errors.Is(err, badges.ErrMessageRefused) {
			t.Errorf("%s with a line break: %v; want refused", name, err)
		}
	}
	if n := len(ts.Mails()); n != 1 {
		t.Fatalf("received %d messages; want only the first", n)
	}
}

// TestSMTPSender_StartTLS: credentials go over STARTTLS to a server whose
// certificate the sender trusts.
func TestSMTPSender_StartTLS(t *testing.T) {
	cert, roots := mailtest.SelfSigned(t)
	ts := mailtest.Start(t, mailtest.Options{TLS: cert, Username: "laurel", Password: "s3cret"})
	s := senderTo(ts, "smtp", "laurel:s3cret@", &tls.Config{RootCAs: roots})
	if err := s.Send(t.Context(), testMessage()); err != nil {
		t.Fatal(err)
	}
	if got := ts.Mails(); len(got) != 1 || !got[0].TLS || got[0].User != "laurel" {
		t.Fatalf("received %+v; want one over TLS, signed in as laurel", got)
	}
}

// TestSMTPSender_ImplicitTLS: smtps speaks TLS from the first byte.
func TestSMTPSender_ImplicitTLS(t *testing.T) {
	cert, roots := mailtest.SelfSigned(t)
	ts := mailtest.Start(t, mailtest.Options{TLS: cert, Implicit: true, Username: "laurel", Password: "s3cret"})
	s := senderTo(ts, "smtps", "laurel:s3cret@", &tls.Config{RootCAs: roots})
	if err := s.Send(t.Context(), testMessage()); err != nil {
		t.Fatal(err)
	}
	if got := ts.Mails(); len(got) != 1 || !got[0].TLS {
		t.Fatalf("received %+v; want one over TLS", got)
	}
}

// TestSMTPSender_Failures: what fails is temporary, except a refused
// recipient.
func TestSMTPSender_Failures(t *testing.T) {
	cert, roots := mailtest.SelfSigned(t)
	trusted := &tls.Config{RootCAs: roots}
	down := mailtest.Start(t, mailtest.Options{})
	downSender := senderTo(down, "smtp", "", nil)
	downSender.cfg.Port = freePort(t)
	for name, tc := range map[string]struct {
		sender  func() *SMTPSender
		refused bool
	}{
		"wrong password": {func() *SMTPSender {
			return senderTo(mailtest.Start(t, mailtest.Options{TLS: cert, Username: "laurel", Password: "s3cret"}), "smtp", "laurel:wrong@", trusted)
		}, false},
		"untrusted certificate": {func() *SMTPSender {
			return senderTo(mailtest.Start(t, mailtest.Options{TLS: cert}), "smtp", "", nil)
		}, false},
		"server down": {func() *SMTPSender { return downSender }, false},
		"recipient refused": {func() *SMTPSender {
			return senderTo(mailtest.Start(t, mailtest.Options{Refuse: []string{"ada@example.org"}}), "smtp", "", nil)
		}, true},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.sender().Send(t.Context(), testMessage())
			if err == nil || errors.Is(err, badges.ErrMessageRefused) != tc.refused {
				t.Fatalf("Send: %v; want an error, refused for good: %v", err, tc.refused)
			}
		})
	}
}

// TestSMTPSender_RemoteNeedsTLS: to a server on another machine nothing
// is sent, credentials least of all, without TLS.
func TestSMTPSender_RemoteNeedsTLS(t *testing.T) {
	ts := mailtest.Start(t, mailtest.Options{Username: "laurel", Password: "s3cret"})
	for _, userinfo := range []string{"laurel:s3cret@", ""} {
		s := senderTo(ts, "smtp", userinfo, nil)
		s.loopback = false // as if the server were elsewhere
		if err := s.Send(t.Context(), testMessage()); err == nil || errors.Is(err, badges.ErrMessageRefused) {
			t.Fatalf("without STARTTLS (%q): %v; want a temporary error", userinfo, err)
		}
	}
	if ts.AuthAttempts() != 0 || len(ts.Mails()) != 0 {
		t.Fatalf("the server saw %d sign-ins and %d messages; want none", ts.AuthAttempts(), len(ts.Mails()))
	}
}

// freePort is a loopback port nothing listens on.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}

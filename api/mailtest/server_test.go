package mailtest_test

import (
	"crypto/tls"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/mailtest"
)

// TestServer sends a multipart message with the standard library's client
// and reads back its parts, and is refused where the options say.
func TestServer(t *testing.T) {
	s := mailtest.Start(t, mailtest.Options{Refuse: []string{"nobody@example.org"}})
	body := "From: Laurel <laurel@example.org>\r\nTo: ada@example.org\r\n" +
		"Subject: =?utf-8?q?You_earned_Session_Host_=F0=9F=8E=89?=\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHello Ada=2C well done.\r\n" +
		"--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+SGVsbG8gQWRhPC9wPg==\r\n--b--\r\n"
	if err := smtp.SendMail(s.Addr, nil, "laurel@example.org", []string{"ada@example.org"}, []byte(body)); err != nil {
		t.Fatal(err)
	}
	m := s.Wait(t, 1, 10*time.Second)[0]
	if m.Subject != "You earned Session Host 🎉" || m.Text != "Hello Ada, well done." || m.HTML != "<p>Hello Ada</p>" {
		t.Errorf("parsed subject %q, text %q, html %q", m.Subject, m.Text, m.HTML)
	}
	if m.From != "laurel@example.org" || len(m.To) != 1 || m.To[0] != "ada@example.org" {
		t.Errorf("envelope from %q to %q", m.From, m.To)
	}
	if m.TLS || m.User != "" || s.AuthAttempts() != 0 {
		t.Errorf("TLS %v, user %q, %d AUTH attempts; want plain, anonymous, none", m.TLS, m.User, s.AuthAttempts())
	}
	err := smtp.SendMail(s.Addr, nil, "laurel@example.org", []string{"nobody@example.org"}, []byte(body))
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("a refused recipient: %v, want a 550", err)
	}
}

// TestServer_Auth requires authentication over STARTTLS, counts every
// attempt, and marks the message with TLS and the user.
func TestServer_Auth(t *testing.T) {
	cfg, pool := mailtest.SelfSigned(t)
	s := mailtest.Start(t, mailtest.Options{TLS: cfg, Username: "laurel", Password: "secret"})
	dial := func() *smtp.Client {
		c, err := smtp.Dial(s.Addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if err := c.StartTLS(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := dial()
	if err := c.Mail("laurel@example.org"); err == nil || !strings.Contains(err.Error(), "530") {
		t.Errorf("mail before authenticating: %v, want a 530", err)
	}
	if err := c.Auth(smtp.PlainAuth("", "laurel", "wrong", "127.0.0.1")); err == nil || !strings.Contains(err.Error(), "535") {
		t.Errorf("a wrong password: %v, want a 535", err)
	}
	c = dial()
	if err := c.Auth(smtp.PlainAuth("", "laurel", "secret", "127.0.0.1")); err != nil {
		t.Fatalf("the right password: %v", err)
	}
	send(t, c)
	m := s.Wait(t, 1, 10*time.Second)[0]
	if !m.TLS || m.User != "laurel" || s.AuthAttempts() != 2 {
		t.Errorf("TLS %v, user %q, %d AUTH attempts; want TLS, laurel, 2", m.TLS, m.User, s.AuthAttempts())
	}
}

// TestServer_Implicit speaks TLS from the first byte (smtps).
func TestServer_Implicit(t *testing.T) {
	cfg, pool := mailtest.SelfSigned(t)
	s := mailtest.Start(t, mailtest.Options{TLS: cfg, Implicit: true})
	conn, err := tls.Dial("tcp", s.Addr, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClient(conn, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if ok, _ := c.Extension("STARTTLS"); ok {
		t.Errorf("STARTTLS offered over TLS")
	}
	send(t, c)
	if m := s.Wait(t, 1, 10*time.Second)[0]; !m.TLS || m.User != "" {
		t.Errorf("TLS %v, user %q; want TLS, anonymous", m.TLS, m.User)
	}
}

// send sends one plain message on an open client.
func send(t *testing.T, c *smtp.Client) {
	t.Helper()
	if err := c.Mail("laurel@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("ada@example.org"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("Subject: Hello\r\n\r\nHello Ada.\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

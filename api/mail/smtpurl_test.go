package mail

import (
	"strings"
	"testing"
)

func TestParseSMTPURL(t *testing.T) {
	for in, want := range map[string]SMTPConfig{
		"smtp://mail.example.org":                 {Host: "mail.example.org", Port: 587},
		"smtp://user:p%40ss@mail.example.org:25":  {Host: "mail.example.org", Port: 25, Username: "user", Password: "p@ss"},
		"smtps://u%40example.org:pw@smtp.example": {Host: "smtp.example", Port: 465, Implicit: true, Username: "u@example.org", Password: "pw"},
		"smtp://127.0.0.1:2525/":                  {Host: "127.0.0.1", Port: 2525},
		"smtp://[::1]:25":                         {Host: "::1", Port: 25},
	} {
		got, err := ParseSMTPURL(in)
		if err != nil || *got != want {
			t.Errorf("ParseSMTPURL(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}

func TestParseSMTPURL_Refused(t *testing.T) {
	for _, in := range []string{
		"", "mail.example.org", "http://mail.example.org", "smtp://", "smtp:mail.example.org",
		"smtp://mail.example.org:0", "smtp://mail.example.org:65536", "smtp://mail.example.org:x", "smtp://mail.example.org:",
		"smtp://mail.example.org:025", "smtp://user@mail.example.org", "smtp://:secret@mail.example.org",
		"smtp://mail.example.org/path", "smtp://mail.example.org?tls=no", "smtp://mail.example.org#x",
		"smtp://mail.example.org\r\nRCPT TO:<x@y>", "smtp://mail_server.example.org", "smtp://-bad.example.org",
		"smtp://user:secret pass@mail.example.org",
	} {
		_, err := ParseSMTPURL(in)
		if err == nil || !strings.HasPrefix(err.Error(), SettingSMTPURL+" ") || !strings.HasSuffix(err.Error(), ".") {
			t.Errorf("ParseSMTPURL(%q): %v; want an error naming %s", in, err, SettingSMTPURL)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseSMTPURL(%q): the error %q shows the password", in, err)
		}
	}
}

func TestSMTPConfig_Loopback(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true,
		"mail.example.org": false, "10.0.0.1": false, "localhost.example.org": false} {
		if got := (SMTPConfig{Host: host}).Loopback(); got != want {
			t.Errorf("Loopback(%s) = %v; want %v", host, got, want)
		}
	}
}

func TestParseFrom(t *testing.T) {
	a, err := ParseFrom("Harbour Makers <Badges@Example.org>")
	if err != nil || a.Name != "Harbour Makers" || a.Address != "badges@example.org" {
		t.Fatalf("ParseFrom: %+v, %v", a, err)
	}
	for _, in := range []string{"", "badges", "Laurel <badges@example.org>\r\nBcc: eve@example.org", "<badges@localhost>"} {
		if _, err := ParseFrom(in); err == nil || !strings.HasPrefix(err.Error(), SettingMailFrom+" ") {
			t.Errorf("ParseFrom(%q): %v; want an error naming %s", in, err, SettingMailFrom)
		}
	}
}

// FuzzParseSMTPURL: whatever the setting holds, the parser answers
// without panicking, and what it accepts is a usable server.
func FuzzParseSMTPURL(f *testing.F) {
	for _, s := range []string{"smtp://user:pass@mail.example.org:587", "smtps://mail.example.org:465",
		"smtp://127.0.0.1:25", "smtp://[::1]", "smtp://u:p@h:0", "smtp://h/%zz", "smtp://%00", "smtps://user@:1",
		"smtp://a..b", "smtp://x:y@[fe80::1%25eth0]:25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseSMTPURL(in)
		if err != nil {
			if strings.Contains(in, "@") && c != nil {
				t.Fatal("an error came with a configuration")
			}
			return
		}
		if c.Host == "" || c.Port < 1 || c.Port > 65535 || strings.ContainsAny(c.Host, "\r\n /") ||
			(c.Username == "") != (c.Password == "") {
			t.Fatalf("ParseSMTPURL(%q) accepted %+v", in, c)
		}
	})
}

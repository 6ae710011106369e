package main

import (
	"io"
	"strings"
	"testing"
)

// TestConfig_Mail: the mail settings are read strictly at start, and their
// errors name the setting without repeating the password.
func TestConfig_Mail(t *testing.T) {
	parse := func(env map[string]string) (Config, error) {
		var c Config
		err := c.parse(nil, func(k string) string { return env[k] }, io.Discard)
		return c, err
	}
	c, err := parse(nil)
	if s, serr := c.mailSender(); err != nil || s != nil || serr != nil {
		t.Fatalf("without mail: %v, sender %v, %v; want none", err, s, serr)
	}
	c, err = parse(map[string]string{"LAUREL_SMTP_URL": "smtp://laurel:s3cret@mail.example.org:587", "LAUREL_MAIL_FROM": "Guild <badges@example.org>"})
	if s, serr := c.mailSender(); err != nil || s == nil || serr != nil {
		t.Fatalf("with mail: %v, sender %v, %v; want one", err, s, serr)
	}
	for env, want := range map[string]string{
		"http://laurel:s3cret@mail.example.org": "LAUREL_SMTP_URL must start with smtp:// or smtps://.",
		"smtp://laurel:s3cret@mail.example.org": "LAUREL_MAIL_FROM is required with LAUREL_SMTP_URL",
	} {
		_, err := parse(map[string]string{"LAUREL_SMTP_URL": env})
		if err == nil || err.Error() != want || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("LAUREL_SMTP_URL=%s: %v; want %q", env, err, want)
		}
	}
	_, err = parse(map[string]string{"LAUREL_SMTP_URL": "smtp://mail.example.org", "LAUREL_MAIL_FROM": "badges"})
	if err == nil || !strings.HasPrefix(err.Error(), "LAUREL_MAIL_FROM ") {
		t.Errorf("a bad sender: %v; want an error naming LAUREL_MAIL_FROM", err)
	}
}

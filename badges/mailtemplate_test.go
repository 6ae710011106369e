package badges_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func TestMailTemplate_Validate(t *testing.T) {
	ok := func(subject, opening string) *badges.MailTemplate {
		return &badges.MailTemplate{IssuerID: "guild", Kind: badges.MailEarned, Subject: subject, Opening: opening}
	}
	t.Run("OK", func(t *testing.T) {
		m := ok("  You earned {badge}, {member} ", "Well done {member}!\r\n\r\n{community} thanks you. {not a placeholder} {{.}}")
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		if m.Subject != "You earned {badge}, {member}" || strings.Contains(m.Opening, "\r") {
			t.Errorf("not normalised: %q %q", m.Subject, m.Opening)
		}
	})
	for name, c := range map[string]struct {
		m            *badges.MailTemplate
		field, words string
	}{
		"unknown placeholders": {ok("Hi {member} {endorser}", "Hi"), "subject", "{endorser}"},
		"unknown in opening":   {ok("Hi", "{Badge} and {reason}"), "opening", "{Badge}, {reason}"},
		"line break":           {ok("Hi\r\nBcc: x@example.org", "Hi"), "subject", "single line"},
		"lone CR":              {ok("Hi\rBcc: x@example.org", "Hi"), "subject", "single line"},
		"long subject":         {ok(strings.Repeat("a", badges.MaxMailSubject+1), "Hi"), "subject", "longer than"},
		"long opening":         {ok("Hi", strings.Repeat("a", badges.MaxMailOpening+1)), "opening", "longer than"},
		"empty opening":        {ok("Hi", " "), "opening", "required"},
		"control character":    {ok("Hi", "a\x00b"), "opening", "control"},
		"kind":                 {&badges.MailTemplate{Kind: "weekly", Subject: "Hi", Opening: "Hi"}, "kind", "weekly"},
	} {
		t.Run("ErrInvalid/"+name, func(t *testing.T) {
			err := c.m.Validate()
			var e *badges.Error
			if !errors.As(err, &e) || e.Field != c.field || !strings.Contains(e.Message, c.words) {
				t.Errorf("Validate = %v, want an error on %s saying %q", err, c.field, c.words)
			}
		})
	}
}

func TestMailTemplate_Defaults(t *testing.T) {
	for _, k := range badges.MailKinds {
		d := badges.DefaultMailTemplate("guild", k)
		if err := d.Validate(); err != nil || d.Custom {
			t.Errorf("default of %s: %v (custom %v)", k, err, d.Custom)
		}
	}
}

func TestExpandMail_Once(t *testing.T) {
	values := map[string]string{"member": "{badge} {{.}}", "badge": "Session Host"}
	got := badges.ExpandMail("Hi {member}, you earned {badge}. {unknown} {} {x y} {", values)
	if want := "Hi {badge} {{.}}, you earned Session Host. {unknown} {} {x y} {"; got != want {
		t.Errorf("ExpandMail = %q, want %q", got, want)
	}
}

func TestOneLine(t *testing.T) {
	got := badges.OneLine("  You\r\nBcc: x\u2028y\u0085z\tend ")
	if got != "You Bcc: x y z end" {
		t.Errorf("OneLine = %q", got)
	}
}

// memTemplates is a MailTemplateStore in memory.
type memTemplates map[string]badges.MailTemplate

func (s memTemplates) MailTemplate(_ context.Context, issuerID string, kind badges.MessageKind) (*badges.MailTemplate, error) {
	t, ok := s[issuerID+":"+string(kind)]
	if !ok {
		return nil, badges.Errorf(badges.ENOTFOUND, "None.")
	}
	return &t, nil
}

func (s memTemplates) PutMailTemplate(_ context.Context, t *badges.MailTemplate) error {
	s[t.IssuerID+":"+string(t.Kind)] = *t
	return nil
}

func (s memTemplates) DeleteMailTemplate(_ context.Context, issuerID string, kind badges.MessageKind) error {
	delete(s, issuerID+":"+string(kind))
	return nil
}

func TestMailTemplates_SetReset(t *testing.T) {
	ctx := context.Background()
	m := &badges.MailTemplates{Store: memTemplates{}, Now: func() time.Time { return time.Unix(1.7e9, 0) }}
	if _, err := m.Set(ctx, "guild", badges.MailEarned, "Hi {nope}", "x"); badges.ErrorCode(err) != badges.EINVALID {
		t.Fatalf("Set with an unknown placeholder: %v", err)
	}
	if _, err := m.Set(ctx, "guild", badges.MailEarned, "Well done, {member}", "You earned {badge}."); err != nil {
		t.Fatal(err)
	}
	got, err := m.Template(ctx, "guild", badges.MailEarned)
	if err != nil || !got.Custom || got.Subject != "Well done, {member}" {
		t.Fatalf("Template = %+v, %v", got, err)
	}
	if other, _ := m.Template(ctx, "other", badges.MailEarned); other.Custom {
		t.Error("another community's wording changed")
	}
	if _, err := m.Reset(ctx, "guild", badges.MailEarned); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Template(ctx, "guild", badges.MailEarned); got.Custom || got.Subject != "You earned {badge}" {
		t.Errorf("after Reset: %+v", got)
	}
	if _, err := m.Template(ctx, "guild", "weekly"); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("unknown kind: %v", err)
	}
}

func FuzzMailTemplate_Validate(f *testing.F) {
	f.Add("You earned {badge}", "Hi {member}\n\nThanks.")
	f.Add("Hi\r\nBcc: a@b.c", "{{.}} {badge")
	f.Add("{member}{member}", "{}{x}")
	f.Fuzz(func(t *testing.T, subject, opening string) {
		m := &badges.MailTemplate{IssuerID: "guild", Kind: badges.MailEarned, Subject: subject, Opening: opening}
		if m.Validate() != nil {
			return
		}
		if strings.ContainsAny(m.Subject, "\r\n") {
			t.Fatalf("a valid subject with a line break: %q", m.Subject)
		}
		s, _, err := badges.MailWording(m, map[string]string{"member": "A\r\nB", "badge": "{member}", "community": "C"})
		if err != nil || strings.ContainsAny(s, "\r\n") {
			t.Fatalf("MailWording = %q, %v", s, err)
		}
	})
}

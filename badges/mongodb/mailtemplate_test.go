package mongodb_test

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

func TestMailTemplateStore(t *testing.T) {
	ctx := t.Context()
	s := mongodb.NewMailTemplateStore(mongotest.NewDB(t))
	if _, err := s.MailTemplate(ctx, "guild", badges.MailEarned); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("none yet: %v", err)
	}
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	in := &badges.MailTemplate{IssuerID: "guild", Kind: badges.MailEarned, Subject: "Well done, {member}", Opening: "You earned {badge}.\n\nThanks.", UpdatedAt: at}
	if err := s.PutMailTemplate(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := s.MailTemplate(ctx, "guild", badges.MailEarned)
	if err != nil || got.Subject != in.Subject || got.Opening != in.Opening || !got.UpdatedAt.Equal(at) || !got.Custom || got.Kind != badges.MailEarned {
		t.Fatalf("MailTemplate = %+v, %v", got, err)
	}
	if _, err := s.MailTemplate(ctx, "guild", badges.MailProgress); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("another kind: %v", err)
	}
	if err := s.DeleteMailTemplate(ctx, "guild", badges.MailEarned); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMailTemplate(ctx, "guild", badges.MailEarned); err != nil {
		t.Errorf("deleting none: %v", err)
	}
	if _, err := s.MailTemplate(ctx, "guild", badges.MailEarned); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("after delete: %v", err)
	}
}

func TestMailOptOutStore(t *testing.T) {
	ctx := t.Context()
	s := mongodb.NewMailOptOutStore(mongotest.NewDB(t))
	first := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	if out, _, err := s.OptedOut(ctx, "guild", "key1"); err != nil || out {
		t.Fatalf("OptedOut = %v, %v", out, err)
	}
	for _, at := range []time.Time{first, first.Add(time.Hour)} {
		if err := s.OptOut(ctx, "guild", "key1", at); err != nil {
			t.Fatal(err)
		}
	}
	if out, at, err := s.OptedOut(ctx, "guild", "key1"); err != nil || !out || !at.Equal(first) {
		t.Errorf("OptedOut = %v, %v, %v; want the first time", out, at, err)
	}
	if out, _, _ := s.OptedOut(ctx, "other", "key1"); out {
		t.Error("another community's opt-out")
	}
	if err := s.OptIn(ctx, "guild", "key1"); err != nil {
		t.Fatal(err)
	}
	if out, _, err := s.OptedOut(ctx, "guild", "key1"); err != nil || out {
		t.Errorf("after OptIn: %v, %v", out, err)
	}
}

package mail_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// linkParts are the code and address key of an unsubscribe link.
func linkParts(tb testing.TB, link string) (code, key string) {
	tb.Helper()
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(link, base+"/mail/unsubscribe/guild/") {
		tb.Fatalf("unsubscribe link %q", link)
	}
	return u.Path[strings.LastIndexByte(u.Path, '/')+1:], u.Query().Get("a")
}

func TestComposer_UnsubscribeLink(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	link, err := f.c.UnsubscribeURL("guild", "Ada@Example.org")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(link), "ada") {
		t.Errorf("the link shows the address: %s", link)
	}
	code, key := linkParts(t, link)
	if out, _, err := f.c.LinkState(ctx, "guild", code, key); err != nil || out {
		t.Fatalf("LinkState = %v, %v", out, err)
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		other, err := f.c.UnsubscribeURL("guild", "grace@example.org")
		if err != nil {
			t.Fatal(err)
		}
		_, otherKey := linkParts(t, other)
		for name, c := range map[string][3]string{
			"other community": {"other", code, key},
			"other address":   {"guild", code, otherKey},
			"changed code":    {"guild", flip(code), key},
			"short code":      {"guild", code[:10], key},
			"no key":          {"guild", code, ""},
			"padded key":      {"guild", code, key + "="},
		} {
			if err := f.c.Unsubscribe(ctx, c[0], c[1], c[2], f.templates.Now()); badges.ErrorCode(err) != badges.ENOTFOUND {
				t.Errorf("%s: %v", name, err)
			}
		}
		if len(f.optOuts.m) != 0 {
			t.Errorf("opt-outs recorded: %v", f.optOuts.m)
		}
	})
	first := f.templates.Now()
	if err := f.c.Unsubscribe(ctx, "guild", code, key, first); err != nil {
		t.Fatal(err)
	}
	if err := f.c.Unsubscribe(ctx, "guild", code, key, first.Add(3600e9)); err != nil {
		t.Fatal(err)
	}
	if out, at, err := f.c.LinkState(ctx, "guild", code, key); err != nil || !out || !at.Equal(first) {
		t.Errorf("LinkState = %v, %v, %v; want the first time", out, at, err)
	}
	for id := range f.optOuts.m {
		if strings.Contains(id, "ada") {
			t.Errorf("the address is stored: %s", id)
		}
	}
}

// flip changes a code's first character.
func flip(code string) string {
	if code[0] == 'A' {
		return "B" + code[1:]
	}
	return "A" + code[1:]
}

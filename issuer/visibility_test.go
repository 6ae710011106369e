package issuer_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

func TestParseVisibility(t *testing.T) {
	for _, tc := range []struct {
		in            string
		ok            bool
		listed, shown bool
	}{
		{"public", true, true, true},
		{"link", true, false, true},
		{"hidden", true, false, false},
		{"", false, false, false},
		{"Public", false, false, false},
		{"private", false, false, false},
	} {
		v, err := issuer.ParseVisibility(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseVisibility(%q): %v", tc.in, err)
			continue
		}
		if err != nil {
			if badges.ErrorField(err) != "visibility" || badges.ErrorCode(err) != badges.EINVALID {
				t.Errorf("ParseVisibility(%q): %v, want EINVALID on visibility", tc.in, err)
			}
			continue
		}
		if v.Listed() != tc.listed || v.Named() != tc.shown {
			t.Errorf("%s: listed %v, named %v", v, v.Listed(), v.Named())
		}
	}
	// A credential stored before the choice existed is public.
	if v := issuer.Visibility(""); !v.Listed() || !v.Named() {
		t.Error("no choice must count as public")
	}
}

// entryOf finds a credential's entry on its member's showcase.
func (f *fixture) entryOf(t *testing.T, c *issuer.Credential) issuer.ShowcaseEntry {
	t.Helper()
	sc, err := f.svc.MemberShowcase(context.Background(), c.MemberID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sc.Entries {
		if e.CredentialID == c.ID {
			return e
		}
	}
	t.Fatalf("credential %s is not on its member's showcase", c.ID)
	return issuer.ShowcaseEntry{}
}

func (f *fixture) recentUnlisted(t *testing.T, c *issuer.Credential) bool {
	t.Helper()
	sc, err := f.svc.AchievementShowcase(context.Background(), c.AchievementID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sc.Recent {
		if e.CredentialID == c.ID {
			return e.Unlisted
		}
	}
	t.Fatalf("credential %s is not among its achievement's recent awards", c.ID)
	return false
}

func TestService_SetVisibility(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	c := f.mustAward(t, badges.AwardInput{Email: "ada@example.org", Name: "Ada"})
	other := f.mustAward(t, badges.AwardInput{Email: "bob@example.org", Name: "Bob"})
	if c.Visibility != issuer.VisibilityPublic || c.Accepted() || f.entryOf(t, c).Unlisted {
		t.Fatalf("a new credential is %q, accepted %v: want public, not accepted, listed", c.Visibility, c.Accepted())
	}
	t.Run("ErrNotFound/another member's", func(t *testing.T) {
		_, err := f.svc.SetVisibility(ctx, c.ID, other.MemberID, issuer.VisibilityHidden)
		if badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Fatalf("another member's credential: %v, want ENOTFOUND", err)
		}
		if got, _ := f.svc.Credential(ctx, c.ID); got.Visibility != issuer.VisibilityPublic {
			t.Fatalf("changed to %q by another member", got.Visibility)
		}
	})
	t.Run("400/bad visibility", func(t *testing.T) {
		_, err := f.svc.SetVisibility(ctx, c.ID, c.MemberID, "secret")
		if badges.ErrorField(err) != "visibility" {
			t.Fatalf("bad visibility: %v", err)
		}
	})
	for _, v := range []issuer.Visibility{issuer.VisibilityHidden, issuer.VisibilityLink, issuer.VisibilityPublic} {
		got, err := f.svc.SetVisibility(ctx, c.ID, c.MemberID, v)
		if err != nil || got.Visibility != v || got.Accepted() {
			t.Fatalf("SetVisibility(%s) = %+v, %v", v, got, err)
		}
		stored, err := f.svc.Credential(ctx, c.ID)
		if err != nil || stored.Visibility != v {
			t.Fatalf("stored %q, %v; want %s", stored.Visibility, err, v)
		}
		if f.entryOf(t, c).Unlisted != !v.Listed() || f.recentUnlisted(t, c) != !v.Listed() {
			t.Fatalf("%s: showcase entries say unlisted %v/%v", v, f.entryOf(t, c).Unlisted, f.recentUnlisted(t, c))
		}
		// The choice is no part of what was signed: it verifies as before.
		if !bytes.Equal(stored.JSON, c.JSON) || stored.JWT != c.JWT {
			t.Fatalf("%s: the signed credential changed", v)
		}
		if diErr, jwtErr := f.verify(t, stored); diErr != nil || jwtErr != nil {
			t.Fatalf("%s: data integrity %v; jwt %v", v, diErr, jwtErr)
		}
	}
}

func TestService_Accept(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	c := f.mustAward(t, badges.AwardInput{Email: "ada@example.org", Name: "Ada"})
	now := time.Now().UTC().Truncate(time.Millisecond).Add(time.Hour)
	f.svc.SetClock(func() time.Time { return now }, func(context.Context, time.Duration) error { return nil })
	got, err := f.svc.Accept(ctx, c.ID, issuer.VisibilityLink)
	if err != nil || !got.AcceptedAt.Equal(now) || got.Visibility != issuer.VisibilityLink {
		t.Fatalf("Accept = %+v, %v", got, err)
	}
	if !f.entryOf(t, c).Unlisted {
		t.Fatal("a credential shown by link only is listed on the profile")
	}
	now = now.Add(time.Hour)
	got, err = f.svc.Accept(ctx, c.ID, issuer.VisibilityPublic)
	if err != nil || !got.AcceptedAt.Equal(now.Add(-time.Hour)) || got.Visibility != issuer.VisibilityPublic {
		t.Fatalf("accepting again: %+v, %v; want the first time kept and the new choice", got, err)
	}
	stored, err := f.svc.Credential(ctx, c.ID)
	if err != nil || !stored.AcceptedAt.Equal(now.Add(-time.Hour)) || f.entryOf(t, c).Unlisted {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	t.Run("400/bad visibility", func(t *testing.T) {
		if _, err := f.svc.Accept(ctx, c.ID, ""); badges.ErrorField(err) != "visibility" {
			t.Fatalf("no visibility: %v", err)
		}
	})
	t.Run("409/revoked", func(t *testing.T) {
		r := f.mustAward(t, badges.AwardInput{Email: "bob@example.org", Name: "Bob"})
		if _, err := f.svc.Revoke(ctx, r.ID, badges.RevokeInput{Reason: "Awarded by mistake"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Accept(ctx, r.ID, issuer.VisibilityPublic); badges.ErrorCode(err) != badges.ECONFLICT {
			t.Fatalf("accepting a revoked credential: %v, want ECONFLICT", err)
		}
		if stored, _ := f.svc.Credential(ctx, r.ID); stored.Accepted() {
			t.Fatal("a revoked credential was accepted")
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := f.svc.Accept(ctx, "nope", issuer.VisibilityPublic); badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Fatalf("unknown credential: %v", err)
		}
	})
}

// FuzzParseVisibility: any text a client sends is one of the three
// visibilities or refused naming the field, never anything else.
func FuzzParseVisibility(f *testing.F) {
	for _, s := range []string{"public", "link", "hidden", "", "PUBLIC", "public ", "hidden\x00", "☃"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := issuer.ParseVisibility(s)
		switch {
		case err != nil:
			if badges.ErrorField(err) != "visibility" || v != "" {
				t.Fatalf("ParseVisibility(%q) = %q, %v", s, v, err)
			}
		case string(v) != s || (v != issuer.VisibilityPublic && v != issuer.VisibilityLink && v != issuer.VisibilityHidden):
			t.Fatalf("ParseVisibility(%q) = %q", s, v)
		}
	})
}

package mongodb_test

import (
	"context"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// TestMemberService_RemembersHoldersSafely looks members up by e-mail and
// external id through one service while another process changes, deletes
// and re-creates them: every answer is the member who has the value now,
// whoever held it when it was last looked up.
func TestMemberService_RemembersHoldersSafely(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	reader, writer := mongodb.NewMemberService(db), mongodb.NewMemberService(mongotest.Connect(t, db.Name()))
	byEmail := func(email string) string {
		t.Helper()
		p, err := reader.Members(ctx, badges.MemberFilter{IssuerID: issuerA, Email: email})
		if err != nil {
			t.Fatalf("by e-mail %s: %v", email, err)
		}
		if len(p.Items) == 0 {
			return ""
		}
		return p.Items[0].ID
	}
	byExternal := func(ext string) string {
		t.Helper()
		p, err := reader.Members(ctx, badges.MemberFilter{IssuerID: issuerA, ExternalID: ext})
		if err != nil {
			t.Fatalf("by external id %s: %v", ext, err)
		}
		if len(p.Items) == 0 {
			return ""
		}
		return p.Items[0].ID
	}
	ext := "forum-7"
	a := mustCreateMember(t, writer, issuerA, badges.MemberInput{Email: "a@example.org", DisplayName: "A", ExternalID: ext})
	if got := byEmail("a@example.org"); got != a.ID {
		t.Fatalf("before any change: %q, want %q", got, a.ID)
	}
	if got := byExternal(ext); got != a.ID {
		t.Fatalf("external id before any change: %q, want %q", got, a.ID)
	}

	// A moves to another address and drops the external id; B takes both.
	moved, none := "a.moved@example.org", ""
	if _, err := writer.UpdateMember(ctx, a.ID, badges.MemberUpdate{Email: &moved, ExternalID: &none}); err != nil {
		t.Fatal(err)
	}
	if got := byEmail("a@example.org"); got != "" {
		t.Fatalf("old address after the change: %q, want nobody", got)
	}
	if got := byExternal(ext); got != "" {
		t.Fatalf("dropped external id: %q, want nobody", got)
	}
	b := mustCreateMember(t, writer, issuerA, badges.MemberInput{Email: "a@example.org", DisplayName: "B", ExternalID: ext})
	if got := byEmail("a@example.org"); got != b.ID {
		t.Fatalf("address taken over: %q, want the new holder %q", got, b.ID)
	}
	if got := byExternal(ext); got != b.ID {
		t.Fatalf("external id taken over: %q, want the new holder %q", got, b.ID)
	}
	if got := byEmail(moved); got != a.ID {
		t.Fatalf("new address: %q, want %q", got, a.ID)
	}

	// B is deleted and the address comes back to a third member.
	if err := writer.DeleteMember(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if got := byEmail("a@example.org"); got != "" {
		t.Fatalf("after the holder's deletion: %q, want nobody", got)
	}
	c := mustCreateMember(t, writer, issuerA, badges.MemberInput{Email: "a@example.org", DisplayName: "C"})
	if got := byEmail("a@example.org"); got != c.ID {
		t.Fatalf("address given again: %q, want %q", got, c.ID)
	}
	// The same address in another community is another member.
	d := mustCreateMember(t, writer, issuerB, badges.MemberInput{Email: "a@example.org", DisplayName: "D"})
	p, err := reader.Members(ctx, badges.MemberFilter{IssuerID: issuerB, Email: "a@example.org"})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != d.ID {
		t.Fatalf("other community: %+v, %v; want %q", p, err, d.ID)
	}
}

package mongodb_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

const issuerA, issuerB = "aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb"

func mustCreateMember(tb testing.TB, s *mongodb.MemberService, issuer string, in badges.MemberInput) *badges.Member {
	tb.Helper()
	m, err := s.CreateMember(context.Background(), issuer, in)
	if err != nil {
		tb.Fatalf("CreateMember(%+v): %v", in, err)
	}
	return m
}

func TestMemberService_Create(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewMemberService(mongotest.NewDB(t))

	t.Run("OK", func(t *testing.T) {
		m := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "  Ada@Example.ORG ", DisplayName: "Ada Lovelace"})
		if m.Email != "ada@example.org" || m.Slug != "ada-lovelace" || m.PublicProfile || !badges.ValidID(m.ID) {
			t.Fatalf("got %+v", m)
		}
		got, err := s.Member(ctx, m.ID)
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Fatalf("Member = %+v, %v; want %+v", got, err, m)
		}
	})
	t.Run("derived slug made unique", func(t *testing.T) {
		m := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "ada2@example.org", DisplayName: "Ada  Lovelace!"})
		if m.Slug != "ada-lovelace-2" {
			t.Fatalf("slug = %q, want ada-lovelace-2", m.Slug)
		}
	})
	t.Run("same e-mail at another issuer", func(t *testing.T) {
		mustCreateMember(t, s, issuerB, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada"})
	})
	for _, tc := range []struct {
		name, field string
		in          badges.MemberInput
		code        string
	}{
		{"409/email", "email", badges.MemberInput{Email: "ADA@example.org", DisplayName: "Other"}, badges.ECONFLICT},
		{"409/slug", "slug", badges.MemberInput{Email: "x@example.org", DisplayName: "X", Slug: "ada-lovelace"}, badges.ECONFLICT},
		{"400/email", "email", badges.MemberInput{Email: "not-an-address", DisplayName: "X"}, badges.EINVALID},
		{"400/name", "displayName", badges.MemberInput{Email: "y@example.org"}, badges.EINVALID},
		{"400/slug", "slug", badges.MemberInput{Email: "y@example.org", DisplayName: "Y", Slug: "Bad Slug"}, badges.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateMember(ctx, issuerA, tc.in)
			if badges.ErrorCode(err) != tc.code || badges.ErrorField(err) != tc.field {
				t.Fatalf("err = %v; want %s on %s", err, tc.code, tc.field)
			}
		})
	}
}

func TestMemberService_UpdateDelete(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	a := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "a@example.org", DisplayName: "A", Slug: "aaa"})
	b := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "b@example.org", DisplayName: "B", Slug: "bbb"})

	newEmail, newSlug := "a.new@example.org", "a-new"
	u, err := s.UpdateMember(ctx, a.ID, badges.MemberUpdate{Email: &newEmail, Slug: &newSlug})
	if err != nil || u.Email != newEmail || u.Slug != newSlug {
		t.Fatalf("UpdateMember = %+v, %v", u, err)
	}
	// The old e-mail and slug are free again; the new ones are taken.
	mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "a@example.org", DisplayName: "A again", Slug: "aaa"})
	taken := "b@example.org"
	if _, err := s.UpdateMember(ctx, a.ID, badges.MemberUpdate{Email: &taken}); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("update to a taken e-mail: %v", err)
	}
	if err := s.DeleteMember(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Member(ctx, b.ID); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("deleted member: %v", err)
	}
	if err := s.DeleteMember(ctx, b.ID); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("second delete: %v", err)
	}
	mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "b@example.org", DisplayName: "B again", Slug: "bbb"})
}

func TestMemberService_List(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	var want []string
	for i := range 25 {
		m := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: fmt.Sprintf("m%d@example.org", i), DisplayName: fmt.Sprintf("M %d", i)})
		want = append(want, m.ID)
	}
	mustCreateMember(t, s, issuerB, badges.MemberInput{Email: "other@example.org", DisplayName: "Other"})
	if err := s.DeleteMember(ctx, want[3]); err != nil {
		t.Fatal(err)
	}
	want = append(want[:3], want[4:]...)

	var got []string
	f := badges.MemberFilter{IssuerID: issuerA, ListOptions: badges.ListOptions{Limit: 10}}
	for pages := 0; ; pages++ {
		p, err := s.Members(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 24 {
			t.Fatalf("Total = %d, want 24", p.Total)
		}
		for _, m := range p.Items {
			got = append(got, m.ID)
		}
		if p.NextCursor == "" {
			break
		}
		f.Cursor = p.NextCursor
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("listed\n%v\nwant\n%v", got, want)
	}

	p, err := s.Members(ctx, badges.MemberFilter{IssuerID: issuerA, Email: "M7@example.org"})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != want[6] {
		t.Fatalf("by e-mail: %+v, %v", p, err)
	}
	if _, err := s.Members(ctx, badges.MemberFilter{IssuerID: issuerA, ListOptions: badges.ListOptions{Cursor: "garbage!"}}); badges.ErrorCode(err) != badges.EINVALID {
		t.Fatalf("bad cursor: %v", err)
	}
}

func TestMemberService_ConcurrentSameEmail(t *testing.T) {
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, conflicts := 0, 0
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.CreateMember(context.Background(), issuerA, badges.MemberInput{Email: "same@example.org", DisplayName: fmt.Sprint("P", i)})
			mu.Lock()
			defer mu.Unlock()
			switch badges.ErrorCode(err) {
			case "":
				ok++
			case badges.ECONFLICT:
				conflicts++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || conflicts != 9 {
		t.Fatalf("created %d, conflicts %d; want 1 and 9", ok, conflicts)
	}
}

func TestMemberService_StaleKeysAreTakenOver(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s := mongodb.NewMemberService(db)
	a := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "a@example.org", DisplayName: "A", Slug: "ada"})
	// A crash half-way through a delete leaves the member's keys behind.
	if _, err := db.Collection("members").DeleteOne(ctx, map[string]string{"_id": a.ID}); err != nil {
		t.Fatal(err)
	}
	in := badges.MemberInput{Email: "a@example.org", DisplayName: "A2", Slug: "ada"}
	if _, err := s.CreateMember(ctx, issuerA, in); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("a fresh key is not taken over: %v", err)
	}
	db.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })
	rows, err := badges.ParseMemberCSV(strings.NewReader("email,displayName,slug\na@example.org,A2,ada\n"), 10)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.ImportMembers(ctx, issuerA, rows, false)
	if err != nil || !rep.Applied || rep.Rows[0].Status != badges.RowCreated {
		t.Fatalf("import over stale keys: %+v, %v", rep, err)
	}
	m, err := s.Member(ctx, rep.Rows[0].MemberID)
	if err != nil || m.Slug != "ada" || m.Email != "a@example.org" {
		t.Fatalf("member %+v, %v", m, err)
	}
}

func TestMemberService_ImportDerivesUniqueSlugs(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "x@example.org", DisplayName: "Sam Lee"})
	rows, err := badges.ParseMemberCSV(strings.NewReader("email,displayName,slug\na@example.org,Sam Lee,\nb@example.org,Sam Lee,\nc@example.org,Kim,sam-lee-2\nd@example.org,Kim,\n"), 10)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.ImportMembers(ctx, issuerA, rows, false)
	if err != nil || !rep.Applied {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	slugs := map[string]bool{"sam-lee": true}
	for _, r := range rep.Rows {
		m, err := s.Member(ctx, r.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		if slugs[m.Slug] || !badges.ValidSlug(m.Slug) {
			t.Fatalf("slug %q repeated or invalid", m.Slug)
		}
		slugs[m.Slug] = true
	}
	if !slugs["kim"] || !slugs["sam-lee-2"] {
		t.Fatalf("slugs %v", slugs)
	}
}

// TestMemberService_ConcurrentCreates checks that concurrent creations lose
// nothing: every member gets its own sequence number and list entry, and
// the count is exact. The embedded engine's updates are not atomic by
// themselves (see LockDoc), so this fails without the document locks.
func TestMemberService_ConcurrentCreates(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.CreateMember(ctx, issuerA, badges.MemberInput{Email: fmt.Sprintf("c%d@example.org", i), DisplayName: "Same Name"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	p, err := s.Members(ctx, badges.MemberFilter{IssuerID: issuerA, ListOptions: badges.ListOptions{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	slugs := map[string]bool{}
	for _, m := range p.Items {
		slugs[m.Slug] = true
	}
	if p.Total != n || len(p.Items) != n || len(slugs) != n {
		t.Fatalf("total %d, listed %d, distinct slugs %d; want %d each", p.Total, len(p.Items), len(slugs), n)
	}
}

func TestMemberService_BySlug(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	m := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada Lovelace"})
	got, err := s.MemberBySlug(ctx, "ada-lovelace")
	if err != nil || got.ID != m.ID {
		t.Fatalf("MemberBySlug = %+v, %v", got, err)
	}
	newSlug := "countess"
	if _, err := s.UpdateMember(ctx, m.ID, badges.MemberUpdate{Slug: &newSlug}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.MemberBySlug(ctx, "countess"); err != nil || got.ID != m.ID {
		t.Fatalf("after the change: %+v, %v", got, err)
	}
	for _, slug := range []string{"ada-lovelace", "nobody", "../etc", strings.Repeat("a", 65), "", "Ada"} {
		if _, err := s.MemberBySlug(ctx, slug); badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Errorf("MemberBySlug(%q) = %v; want not found", slug, err)
		}
	}
	if err := s.DeleteMember(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MemberBySlug(ctx, "countess"); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("deleted member found by slug: %v", err)
	}
}

// TestMemberService_PatchesAcrossProcesses changes one member twice at once
// through two connections, as two Laurel processes on one database would:
// the fields of both changes are kept, and so are the key documents of the
// values they set.
func TestMemberService_PatchesAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s1, s2 := mongodb.NewMemberService(db), mongodb.NewMemberService(mongotest.Connect(t, db.Name()))
	public := true
	for round := range 20 {
		m := mustCreateMember(t, s1, issuerA, badges.MemberInput{Email: fmt.Sprintf("p%d@example.org", round), DisplayName: "Before"})
		name, ext, slug := fmt.Sprintf("Name %d", round), fmt.Sprintf("ext-%d", round), fmt.Sprintf("slug-%d", round)
		errs := mongotest.AtOnce(
			func() error {
				_, err := s1.UpdateMember(ctx, m.ID, badges.MemberUpdate{DisplayName: &name, Slug: &slug})
				return err
			},
			func() error {
				_, err := s2.UpdateMember(ctx, m.ID, badges.MemberUpdate{ExternalID: &ext, PublicProfile: &public})
				return err
			},
		)
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v, %v", round, errs[0], errs[1])
		}
		got, err := s2.Member(ctx, m.ID)
		if err != nil || got.DisplayName != name || got.Slug != slug || got.ExternalID != ext || !got.PublicProfile {
			t.Fatalf("round %d: member %+v, %v; want the fields of both changes", round, got, err)
		}
		byExt, err := s1.Members(ctx, badges.MemberFilter{IssuerID: issuerA, ExternalID: ext})
		if err != nil || len(byExt.Items) != 1 {
			t.Fatalf("round %d: found by external id: %+v, %v", round, byExt, err)
		}
		if bySlug, err := s1.MemberBySlug(ctx, slug); err != nil || bySlug.ID != m.ID {
			t.Fatalf("round %d: found by slug: %+v, %v", round, bySlug, err)
		}
	}
}

// TestMemberService_SameSlugAcrossProcesses gives two members one slug at
// once through two connections: one change is refused.
func TestMemberService_SameSlugAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s1, s2 := mongodb.NewMemberService(db), mongodb.NewMemberService(mongotest.Connect(t, db.Name()))
	for round := range 10 {
		a := mustCreateMember(t, s1, issuerA, badges.MemberInput{Email: fmt.Sprintf("a%d@example.org", round), DisplayName: "A"})
		b := mustCreateMember(t, s1, issuerA, badges.MemberInput{Email: fmt.Sprintf("b%d@example.org", round), DisplayName: "B"})
		slug := fmt.Sprintf("wanted-%d", round)
		errs := mongotest.AtOnce(
			func() error { _, err := s1.UpdateMember(ctx, a.ID, badges.MemberUpdate{Slug: &slug}); return err },
			func() error { _, err := s2.UpdateMember(ctx, b.ID, badges.MemberUpdate{Slug: &slug}); return err },
		)
		if (errs[0] == nil) == (errs[1] == nil) || badges.ErrorField(errs[0])+badges.ErrorField(errs[1]) != badges.FieldSlug {
			t.Fatalf("round %d: %v, %v; want one change refused for its slug", round, errs[0], errs[1])
		}
	}
}

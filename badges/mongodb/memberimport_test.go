package mongodb_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// importRows makes parsed import rows, one member each, named after their
// e-mail addresses.
func importRows(t *testing.T, emails ...string) []badges.ImportRow {
	t.Helper()
	rows := make([]badges.ImportRow, len(emails))
	for i, e := range emails {
		in := badges.MemberInput{Email: e, DisplayName: "Member " + strings.TrimSuffix(e, "@example.org")}
		if err := in.Normalize(); err != nil {
			t.Fatal(err)
		}
		rows[i] = badges.ImportRow{Line: i + 2, Input: in}
	}
	return rows
}

func memberCount(t *testing.T, s *mongodb.MemberService, issuer string) int {
	t.Helper()
	p, err := s.Members(context.Background(), badges.MemberFilter{IssuerID: issuer, ListOptions: badges.ListOptions{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != len(p.Items) {
		t.Fatalf("total %d, listed %d", p.Total, len(p.Items))
	}
	return p.Total
}

// TestMemberService_ImportAfterACrash imports a file one of whose e-mail
// addresses is still held by the key document of a member whose creation
// was interrupted a moment ago: the import is rejected whole, with a
// message saying when to try again, and applies nothing.
func TestMemberService_ImportAfterACrash(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s := mongodb.NewMemberService(db)
	left := database.KeyDoc{ID: "email:" + issuerA + ":" + database.HashPart("c@example.org"), Ref: badges.NewID(), CreatedAt: db.Now()}
	if _, err := db.Collection(database.KeyIndex).InsertOne(ctx, left); err != nil {
		t.Fatal(err)
	}
	rows := importRows(t, "a@example.org", "b@example.org", "c@example.org", "d@example.org")
	rep, err := s.ImportMembers(ctx, issuerA, rows, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applied || rep.Count(badges.RowRejected) != 1 || rep.Count(badges.RowValid) != 3 {
		t.Fatalf("applied %v, rows %+v; want nothing applied and line 4 rejected", rep.Applied, rep.Rows)
	}
	if c := rep.Rows[2]; c.Status != badges.RowRejected || badges.ErrorField(c.Err) != badges.FieldEmail ||
		!strings.Contains(badges.ErrorMessage(c.Err), "try again in a minute") {
		t.Fatalf("row of the held address: %+v", c)
	}
	if n := memberCount(t, s, issuerA); n != 0 {
		t.Fatalf("%d members created by an import that applied nothing", n)
	}
	// The keys the import claimed were released: the rest imports at once.
	rep, err = s.ImportMembers(ctx, issuerA, importRows(t, "a@example.org", "b@example.org", "d@example.org"), false)
	if err != nil || !rep.Applied || rep.Count(badges.RowCreated) != 3 {
		t.Fatalf("import of the other rows: %+v, %v", rep, err)
	}
	// A minute later the key is stale and taken over.
	db.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })
	rep, err = s.ImportMembers(ctx, issuerA, importRows(t, "c@example.org"), false)
	if err != nil || !rep.Applied || rep.Count(badges.RowCreated) != 1 {
		t.Fatalf("import a minute later: %+v, %v", rep, err)
	}
}

// TestMemberService_ImportRacingACreate imports a file while a member with
// one of its e-mail addresses is created at the same moment through
// another connection, as by another Laurel process. Whichever comes first,
// the import is all or nothing: rejected with nothing applied, or applied
// whole.
func TestMemberService_ImportRacingACreate(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s1, s2 := mongodb.NewMemberService(db), mongodb.NewMemberService(mongotest.Connect(t, db.Name()))
	const n = 30
	emails := make([]string, n)
	for i := range emails {
		emails[i] = fmt.Sprintf("m%d@example.org", i)
	}
	rows := importRows(t, emails...)
	outcomes := map[string]int{}
	for round := range 20 {
		issuer := badges.NewID()
		var rep *badges.ImportReport
		errs := mongotest.AtOnce(
			func() (err error) { rep, err = s1.ImportMembers(ctx, issuer, rows, false); return err },
			func() error {
				_, err := s2.CreateMember(ctx, issuer, badges.MemberInput{Email: emails[n/2], DisplayName: "Racer"})
				return err
			},
		)
		if errs[0] != nil {
			t.Fatalf("round %d: import: %v", round, errs[0])
		}
		created := errs[1] == nil
		if !created && badges.ErrorCode(errs[1]) != badges.ECONFLICT {
			t.Fatalf("round %d: create: %v", round, errs[1])
		}
		count := memberCount(t, s1, issuer)
		switch {
		case rep.Count(badges.RowRejected) > 0:
			if rep.Applied || count != 1 || !created {
				t.Fatalf("round %d: import rejected but applied %v, %d members; rows %+v", round, rep.Applied, count, rep.Rows)
			}
			outcomes["rejected"]++
		case !rep.Applied || count != n || rep.Count(badges.RowCreated)+rep.Count(badges.RowUpdated) != n:
			t.Fatalf("round %d: import applied %v with %d members; rows %+v", round, rep.Applied, count, rep.Rows)
		default:
			outcomes["applied"]++
		}
	}
	t.Logf("outcomes: %v", outcomes)
}

// TestMemberService_OneSlugPolicy checks that creating and importing
// members without a slug follow the one policy of badges.SlugChoice: the
// name's slug, then numbered ones, then random ones; and that a slug
// given, when taken, rejects the member either way.
func TestMemberService_OneSlugPolicy(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	importSlugs := func(csv string) []string {
		t.Helper()
		rows, err := badges.ParseMemberCSV(strings.NewReader("email,displayName,slug\n"+csv), 10)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.ImportMembers(ctx, issuerA, rows, false)
		if err != nil || !rep.Applied {
			t.Fatalf("import: %+v, %v", rep, err)
		}
		var slugs []string
		for _, r := range rep.Rows {
			m, err := s.Member(ctx, r.MemberID)
			if err != nil {
				t.Fatal(err)
			}
			slugs = append(slugs, m.Slug)
		}
		return slugs
	}
	got := importSlugs("a@example.org,Ann Lee,\nb@example.org,Ann Lee,\nc@example.org,Ann Lee,\n")
	got = append(got, mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "d@example.org", DisplayName: "Ann Lee"}).Slug)
	got = append(got, importSlugs("e@example.org,Ann Lee,\n")...)
	got = append(got, mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "f@example.org", DisplayName: "Ann Lee"}).Slug)
	got = append(got, importSlugs("g@example.org,Ann Lee,\n")...)
	want := []string{"ann-lee", "ann-lee-2", "ann-lee-3", "ann-lee-4", "ann-lee-5"}
	random := regexp.MustCompile(`^ann-lee-[a-z2-7]{6}$`)
	if !slices.Equal(got[:5], want) || !random.MatchString(got[5]) || !random.MatchString(got[6]) || got[5] == got[6] {
		t.Fatalf("slugs %q; want %q, then two random ones", got, want)
	}

	_, err := s.CreateMember(ctx, issuerA, badges.MemberInput{Email: "h@example.org", DisplayName: "H", Slug: "ann-lee"})
	if badges.ErrorCode(err) != badges.ECONFLICT || badges.ErrorField(err) != badges.FieldSlug {
		t.Errorf("create with a slug taken: %v", err)
	}
	rows, err := badges.ParseMemberCSV(strings.NewReader("email,displayName,slug\nh@example.org,H,ann-lee\n"), 10)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.ImportMembers(ctx, issuerA, rows, false)
	if err != nil || rep.Applied || badges.ErrorField(rep.Rows[0].Err) != badges.FieldSlug {
		t.Errorf("import with a slug taken: %+v, %v", rep, err)
	}
}

// TestMemberService_ImportKeepExisting: a row that keeps existing members
// leaves the member with its address as they are and answers with them,
// while a new address is added; the import is one call either way.
func TestMemberService_ImportKeepExisting(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	old, err := s.CreateMember(ctx, issuerA, badges.MemberInput{Email: "a@example.org", DisplayName: "Ada", ExternalID: "ext-1"})
	if err != nil {
		t.Fatal(err)
	}
	rows := importRows(t, "a@example.org", "b@example.org")
	for i := range rows {
		rows[i].KeepExisting = true
	}
	rep, err := s.ImportMembers(ctx, issuerA, rows, false)
	if err != nil || !rep.Applied {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	kept, added := rep.Rows[0], rep.Rows[1]
	if kept.Status != badges.RowUnchanged || kept.MemberID != old.ID || kept.Member == nil || kept.Member.DisplayName != "Ada" || kept.Member.ExternalID != "ext-1" {
		t.Fatalf("existing member's row: %+v", kept)
	}
	if added.Status != badges.RowCreated || added.Member == nil || added.Member.ID != added.MemberID || added.Member.Email != "b@example.org" {
		t.Fatalf("new member's row: %+v", added)
	}
	m, err := s.Member(ctx, old.ID)
	if err != nil || m.DisplayName != "Ada" || m.ExternalID != "ext-1" {
		t.Fatalf("existing member after the import: %+v, %v", m, err)
	}
}

// TestMemberService_ImportDerivedSlugTaken: a new member whose name gives
// the slug of an existing member takes the next slug derived from it when
// the import is applied, where the slug is claimed without a read first.
func TestMemberService_ImportDerivedSlugTaken(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	old, err := s.CreateMember(ctx, issuerA, badges.MemberInput{Email: "first@example.org", DisplayName: "Sam Lee"})
	if err != nil {
		t.Fatal(err)
	}
	in := badges.MemberInput{Email: "second@example.org", DisplayName: "Sam Lee"}
	if err := in.Normalize(); err != nil {
		t.Fatal(err)
	}
	for _, dryRun := range []bool{true, false} {
		rep, err := s.ImportMembers(ctx, issuerA, []badges.ImportRow{{Line: 2, Input: in}}, dryRun)
		if err != nil || rep.Count(badges.RowRejected) != 0 {
			t.Fatalf("import (dry run %v): %+v, %v", dryRun, rep, err)
		}
	}
	m, err := s.Members(ctx, badges.MemberFilter{IssuerID: issuerA, Email: "second@example.org"})
	if err != nil || len(m.Items) != 1 {
		t.Fatalf("imported member: %+v, %v", m, err)
	}
	if m.Items[0].Slug == old.Slug || m.Items[0].Slug != badges.SlugFor("Sam Lee", 2) {
		t.Fatalf("slugs %q and %q; want the second derived one for the new member", old.Slug, m.Items[0].Slug)
	}
}

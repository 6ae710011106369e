package wire_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/eventtest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// eventFixture is a whole Laurel whose events a recorder keeps, with a
// community, an active badge and a member.
type eventFixture struct {
	l      *wire.Laurel
	rec    *eventtest.Recorder
	issuer string
	ach    *badges.Achievement
	ada    *badges.Member
}

func newEventFixture(t testing.TB) *eventFixture {
	t.Helper()
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &eventFixture{rec: &eventtest.Recorder{}}
	f.l, err = wire.New(mongotest.NewDB(t), wire.Config{BaseURL: "https://badges.example.org", Sealer: sealer, Events: f.rec})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := f.l.Stores.Profiles.CreateProfile(ctx, issuer.ProfileInput{Name: "Guild", URL: "https://guild.example.org", Email: "hello@guild.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	f.issuer = p.ID
	f.ach = f.badge(t, badges.AchievementInput{Name: "Session Host", Level: "contribution", Status: badges.StatusActive})
	f.ada = f.member(t, "ada@example.org", "Ada Lovelace", true)
	f.rec.Reset()
	return f
}

// badge creates a badge through the services' achievements.
func (f *eventFixture) badge(t testing.TB, in badges.AchievementInput) *badges.Achievement {
	t.Helper()
	in.Description, in.Criteria = "Hosts sessions.", "Host a session."
	a, err := f.l.Achievements.CreateAchievement(context.Background(), f.issuer, in)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// member adds a member through the services' members.
func (f *eventFixture) member(t testing.TB, email, name string, public bool) *badges.Member {
	t.Helper()
	m, err := f.l.Members.CreateMember(context.Background(), f.issuer, badges.MemberInput{Email: email, DisplayName: name, PublicProfile: public})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// award awards the fixture's badge to a member.
func (f *eventFixture) award(t testing.TB, memberID string, ach *badges.Achievement) *issuer.Credential {
	t.Helper()
	c, _, err := f.l.Issuing.Award(context.Background(), f.issuer, badges.AwardInput{AchievementID: ach.ID, MemberID: memberID})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantIDs checks the ids of the events of type typ published since the
// recorder was reset.
func wantIDs(t *testing.T, rec *eventtest.Recorder, typ badges.EventType, want ...string) {
	t.Helper()
	if got := rec.IDs(typ); !slices.Equal(got, want) {
		t.Errorf("%s events %q, want %q", typ, got, want)
	}
}

// TestEvents_Award: an award publishes credential.issued once (and
// member.created for a new address); asking again with the same key
// publishes the same id; a refused award publishes nothing.
func TestEvents_Award(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	in := badges.AwardInput{AchievementID: f.ach.ID, Email: "grace@example.org", Name: "Grace Hopper", IdempotencyKey: "k1"}
	c, issued, err := f.l.Issuing.Award(ctx, f.issuer, in)
	if err != nil || !issued {
		t.Fatalf("award: %v, issued %v", err, issued)
	}
	want := "credential.issued:" + c.ID
	wantIDs(t, f.rec, badges.EventCredentialIssued, want)
	wantIDs(t, f.rec, badges.EventMemberCreated, "member.created:"+c.MemberID)
	e := f.rec.OfType(badges.EventCredentialIssued)[0]
	if e.IssuerID != f.issuer || e.Subject != (badges.EventSubject{CredentialID: c.ID, AchievementID: f.ach.ID, MemberID: c.MemberID}) || e.At.IsZero() {
		t.Errorf("event %+v", e)
	}
	if _, issued, err := f.l.Issuing.Award(ctx, f.issuer, in); err != nil || issued {
		t.Fatalf("award again: %v, issued %v", err, issued)
	}
	wantIDs(t, f.rec, badges.EventCredentialIssued, want, want)
	wantIDs(t, f.rec, badges.EventMemberCreated, "member.created:"+c.MemberID)

	f.rec.Reset()
	draft := f.badge(t, badges.AchievementInput{Name: "Draft", Status: badges.StatusDraft})
	if _, _, err := f.l.Issuing.Award(ctx, f.issuer, badges.AwardInput{AchievementID: draft.ID, Email: "new@example.org", Name: "New"}); err == nil {
		t.Fatal("award of a draft: no error")
	}
	if n := len(f.rec.Events()); n != 0 {
		t.Errorf("a refused award published %d events: %+v", n, f.rec.Events())
	}
}

// TestEvents_AwardFailedPublish: an award whose event cannot be published
// fails, and asking again with the same key publishes the same event.
func TestEvents_AwardFailedPublish(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	in := badges.AwardInput{AchievementID: f.ach.ID, MemberID: f.ada.ID, IdempotencyKey: "k2"}
	f.rec.Fail = errors.New("outbox down")
	if _, _, err := f.l.Issuing.Award(ctx, f.issuer, in); err == nil {
		t.Fatal("award with the outbox down: no error")
	}
	f.rec.Fail = nil
	c, _, err := f.l.Issuing.Award(ctx, f.issuer, in)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, f.rec, badges.EventCredentialIssued, "credential.issued:"+c.ID)
}

// TestEvents_AwardMany: a bulk award publishes its credentials in one
// call, and its new members in one.
func TestEvents_AwardMany(t *testing.T) {
	f := newEventFixture(t)
	ins := []badges.AwardInput{
		{AchievementID: f.ach.ID, MemberID: f.ada.ID},
		{AchievementID: f.ach.ID, Email: "b@example.org", Name: "B"},
		{AchievementID: f.ach.ID, Email: "c@example.org", Name: "C"},
		{AchievementID: "missing", MemberID: f.ada.ID},
	}
	res, err := f.l.Issuing.AwardMany(context.Background(), f.issuer, "bulk-1", ins)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range res[:3] {
		want = append(want, "credential.issued:"+r.Credential.ID)
	}
	wantIDs(t, f.rec, badges.EventCredentialIssued, want...)
	if b := f.rec.Batches(badges.EventCredentialIssued); !slices.Equal(b, []int{3}) {
		t.Errorf("credential.issued in calls of %v, want one of 3", b)
	}
	if b := f.rec.Batches(badges.EventMemberCreated); !slices.Equal(b, []int{2}) {
		t.Errorf("member.created in calls of %v, want one of 2", b)
	}
	// The same request again answers every row from before, with the
	// same events.
	if _, err := f.l.Issuing.AwardMany(context.Background(), f.issuer, "bulk-1", ins); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, f.rec, badges.EventCredentialIssued, append(want, want...)...)
	if n := len(f.rec.OfType(badges.EventMemberCreated)); n != 2 {
		t.Errorf("%d member.created after the retry, want 2", n)
	}
}

// TestEvents_Revoke: a revocation publishes credential.revoked with the
// reason only when it is published; revoking again publishes the same
// id; a refused revocation publishes nothing.
func TestEvents_Revoke(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	c := f.award(t, f.ada.ID, f.ach)
	other := f.award(t, f.member(t, "b@example.org", "B", false).ID, f.ach)
	f.rec.Reset()
	if _, err := f.l.Issuing.Revoke(ctx, c.ID, badges.RevokeInput{}); err == nil {
		t.Fatal("revoke without a reason: no error")
	}
	if _, err := f.l.Issuing.Revoke(ctx, c.ID, badges.RevokeInput{Reason: "Issued in error.", PublishReason: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Issuing.Revoke(ctx, other.ID, badges.RevokeInput{Reason: "Private matter."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Issuing.Revoke(ctx, c.ID, badges.RevokeInput{Reason: "Again."}); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("revoke again: %v", err)
	}
	want := "credential.revoked:" + c.ID
	wantIDs(t, f.rec, badges.EventCredentialRevoked, want, "credential.revoked:"+other.ID, want)
	evs := f.rec.OfType(badges.EventCredentialRevoked)
	if evs[0].Subject.Reason != "Issued in error." || evs[1].Subject.Reason != "" {
		t.Errorf("reasons %q and %q, want the published one only", evs[0].Subject.Reason, evs[1].Subject.Reason)
	}
}

// TestEvents_Claim: accepting a credential publishes credential.claimed
// once; accepting again, or a revoked credential, publishes nothing.
func TestEvents_Claim(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	c := f.award(t, f.ada.ID, f.ach)
	for range 2 {
		if _, err := f.l.Issuing.Accept(ctx, c.ID, issuer.VisibilityPublic); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.l.Issuing.Accept(ctx, c.ID, issuer.VisibilityHidden); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, f.rec, badges.EventCredentialClaimed, "credential.claimed:"+c.ID)
	revoked := f.award(t, f.member(t, "b@example.org", "B", false).ID, f.ach)
	if _, err := f.l.Issuing.Revoke(ctx, revoked.ID, badges.RevokeInput{Reason: "No."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Issuing.Accept(ctx, revoked.ID, issuer.VisibilityPublic); err == nil {
		t.Fatal("accept a revoked credential: no error")
	}
	wantIDs(t, f.rec, badges.EventCredentialClaimed, "credential.claimed:"+c.ID)
}

// TestEvents_Members: every way of adding members publishes
// member.created once per member; a refused one or a dry run nothing.
func TestEvents_Members(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	if _, err := f.l.Members.CreateMember(ctx, f.issuer, badges.MemberInput{Email: f.ada.Email, DisplayName: "Ada again"}); err == nil {
		t.Fatal("a second member with Ada's address: no error")
	}
	// The member is added whatever becomes of the event.
	f.rec.Fail = errors.New("outbox down")
	f.member(t, "z@example.org", "Z", false)
	f.rec.Fail = nil
	rows := []badges.ImportRow{
		{Line: 2, Input: badges.MemberInput{Email: "b@example.org", DisplayName: "B"}},
		{Line: 3, Input: badges.MemberInput{Email: "c@example.org", DisplayName: "C"}},
		{Line: 4, Input: badges.MemberInput{Email: f.ada.Email, DisplayName: "Ada Lovelace"}},
	}
	if _, err := f.l.Members.ImportMembers(ctx, f.issuer, rows, true); err != nil {
		t.Fatal(err)
	}
	if n := len(f.rec.Events()); n != 0 {
		t.Fatalf("a refused member and a dry run published %d events", n)
	}
	rep, err := f.l.Members.ImportMembers(ctx, f.issuer, rows, false)
	if err != nil || !rep.Applied {
		t.Fatalf("import: %v, %+v", err, rep)
	}
	wantIDs(t, f.rec, badges.EventMemberCreated, "member.created:"+rep.Rows[0].MemberID, "member.created:"+rep.Rows[1].MemberID)
	if b := f.rec.Batches(badges.EventMemberCreated); !slices.Equal(b, []int{2}) {
		t.Errorf("an import published in calls of %v, want one of 2", b)
	}
	// Activity for a new address, with createMember.
	f.rec.Reset()
	if _, err := f.l.Awarder.Record(ctx, f.issuer, []badges.ActivityInput{{Email: "d@example.org", Name: "D", CreateMember: true,
		Activity: badges.Activity{Behaviour: "hosted-session", At: time.Now().Add(-time.Hour)}}}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.rec.OfType(badges.EventMemberCreated)); n != 1 {
		t.Errorf("activity for a new address published %d member.created, want 1", n)
	}
}

// TestEvents_BadgeActivated: a badge created active, or made active from a
// draft or from the archive, publishes badge.activated; other changes
// publish nothing.
func TestEvents_BadgeActivated(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	a := f.badge(t, badges.AchievementInput{Name: "Mentor", Status: badges.StatusDraft})
	if n := len(f.rec.Events()); n != 0 {
		t.Fatalf("a draft published %d events", n)
	}
	set := func(s badges.AchievementStatus) *badges.Achievement {
		t.Helper()
		got, err := f.l.Achievements.UpdateAchievement(ctx, a.ID, badges.AchievementUpdate{Status: &s})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	first := set(badges.StatusActive)
	set(badges.StatusActive)
	set(badges.StatusArchived)
	second := set(badges.StatusActive)
	ids := f.rec.IDs(badges.EventBadgeActivated)
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("badge.activated ids %q, want two distinct", ids)
	}
	for i, got := range []*badges.Achievement{first, second} {
		e := f.rec.OfType(badges.EventBadgeActivated)[i]
		if e.Subject.AchievementID != a.ID || !e.At.Equal(got.UpdatedAt) {
			t.Errorf("activation %d: %+v", i, e)
		}
	}
	active := f.badge(t, badges.AchievementInput{Name: "Speaker", Status: badges.StatusActive})
	if evs := f.rec.OfType(badges.EventBadgeActivated); len(evs) != 3 || evs[2].Subject.AchievementID != active.ID {
		t.Errorf("a badge created active: %+v", evs)
	}
}

// TestNew_OneEventPublisher: every service that causes events publishes
// through the one relay, and the API adds members and changes badges
// through the stores' views that publish, so that no cause is silently
// left out when the relay is connected to the webhook outbox.
func TestNew_OneEventPublisher(t *testing.T) {
	f := newEventFixture(t)
	l := f.l
	for name, p := range map[string]badges.EventPublisher{"Awarder": l.Awarder.Events, "Nominations": l.Nominations.Events,
		"Members": l.Members.Events, "Achievements": l.Achievements.Events} {
		if p != badges.EventPublisher(l.Events) {
			t.Errorf("%s publishes to %T, not the relay", name, p)
		}
	}
	svc := l.Services()
	if svc.Members != badges.MemberService(l.Members) || svc.Achievements != badges.AchievementService(l.Achievements) ||
		l.Awarder.Members != badges.MemberService(l.Members) || l.CheckIns.Members != badges.MemberService(l.Members) {
		t.Error("a service adds members or changes badges without publishing their events")
	}
	// The relay forwards to the publisher it is told to use, from then on.
	later := &eventtest.Recorder{}
	l.Events.Use(later)
	f.member(t, "late@example.org", "Late", false)
	if len(later.OfType(badges.EventMemberCreated)) != 1 || len(f.rec.OfType(badges.EventMemberCreated)) != 0 {
		t.Errorf("after Use: %d events to the new publisher, %d to the old", len(later.Events()), len(f.rec.Events()))
	}
}

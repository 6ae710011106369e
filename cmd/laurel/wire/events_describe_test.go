package wire_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

const base = "https://badges.example.org"

// describe describes the only event of type typ published.
func (f *eventFixture) describe(t *testing.T, typ badges.EventType) *badges.EventPayload {
	t.Helper()
	evs := f.rec.OfType(typ)
	if len(evs) == 0 {
		t.Fatalf("no %s event", typ)
	}
	p, err := f.l.Describer.Describe(context.Background(), evs[len(evs)-1])
	if err != nil {
		t.Fatalf("describe %s: %v", typ, err)
	}
	if p.Type != typ || p.Data.EventID != evs[len(evs)-1].ID || p.Data.Community.Name != "Guild" ||
		p.Data.Community.URL != base+"/issuers/"+f.issuer {
		t.Errorf("%s: type %s, id %s, community %+v", typ, p.Type, p.Data.EventID, p.Data.Community)
	}
	if _, err := json.Marshal(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDescriber_Credential: a credential's events name the credential,
// the badge with its PNG and level, and the member with their profile
// only with their consent; claimed and revoked dates and the published
// reason follow the credential.
func TestDescriber_Credential(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	c := f.award(t, f.ada.ID, f.ach)
	p := f.describe(t, badges.EventCredentialIssued)
	d := p.Data
	if d.Credential == nil || d.Credential.URL != base+"/credentials/"+c.ID || !d.Credential.IssuedOn.Equal(c.AwardedAt) ||
		d.Credential.ClaimedOn != nil || d.Credential.RevokedOn != nil {
		t.Errorf("credential %+v", d.Credential)
	}
	wantBadge := badges.EventBadge{ID: f.ach.ID, Name: "Session Host", URL: base + "/achievements/" + f.ach.ID,
		ImageURL: base + "/credentials/" + c.ID + "/badge.png", Level: "Contribution"}
	if d.Badge == nil || *d.Badge != wantBadge {
		t.Errorf("badge %+v, want %+v", d.Badge, wantBadge)
	}
	wantAda := badges.EventMember{ID: f.ada.ID, Name: "Ada Lovelace", Email: "ada@example.org", Public: true, ProfileURL: base + "/members/" + f.ada.Slug}
	if d.Member == nil || *d.Member != wantAda {
		t.Errorf("member %+v, want %+v", d.Member, wantAda)
	}

	if _, err := f.l.Issuing.Accept(ctx, c.ID, issuer.VisibilityPublic); err != nil {
		t.Fatal(err)
	}
	if d := f.describe(t, badges.EventCredentialClaimed).Data; d.Credential.ClaimedOn == nil {
		t.Error("claimed: no claimedOn")
	}
	if _, err := f.l.Issuing.Revoke(ctx, c.ID, badges.RevokeInput{Reason: "Issued in error.", PublishReason: true}); err != nil {
		t.Fatal(err)
	}
	if d := f.describe(t, badges.EventCredentialRevoked).Data; d.Credential.RevokedOn == nil || d.Credential.Reason != "Issued in error." {
		t.Errorf("revoked: %+v", d.Credential)
	}

	bo := f.member(t, "bo@example.org", "Bo Private", false)
	f.award(t, bo.ID, f.ach)
	if m := f.describe(t, badges.EventCredentialIssued).Data.Member; m.Public || m.ProfileURL != "" || m.Email != "bo@example.org" {
		t.Errorf("a member without a public profile: %+v", m)
	}
}

// TestDescriber_Gone: a forgotten member is a former member with no
// address; a credential, badge or member that is gone is described with
// what remains, never an error.
func TestDescriber_Gone(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	f.award(t, f.ada.ID, f.ach)
	if _, err := f.l.Forgetter.Forget(ctx, f.ada.ID); err != nil {
		t.Fatal(err)
	}
	if m := f.describe(t, badges.EventCredentialIssued).Data.Member; *m != (badges.EventMember{ID: f.ada.ID, Name: issuer.FormerMember}) {
		t.Errorf("a forgotten member: %+v", m)
	}
	e := badges.NewEvent(badges.EventCredentialIssued, f.issuer, time.Now(),
		badges.EventSubject{CredentialID: "gone", AchievementID: "gone", MemberID: "gone"}, "gone")
	p, err := f.l.Describer.Describe(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	d := p.Data
	if d.Credential.URL != base+"/credentials/gone" || d.Badge.URL != base+"/achievements/gone" || d.Member.Name != issuer.FormerMember {
		t.Errorf("what remains: %+v %+v %+v", d.Credential, d.Badge, d.Member)
	}
}

// TestDescriber_Recognition: badges activated, members added,
// nominations, applications, endorsements and measures are described
// with their names.
func TestDescriber_Recognition(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	a := f.badge(t, badges.AchievementInput{Name: "Mentor", Level: "mentor-track", Status: badges.StatusActive})
	if b := f.describe(t, badges.EventBadgeActivated).Data.Badge; b.Name != "Mentor" || b.Level != "Mentor track" ||
		b.ImageURL != base+"/achievements/"+a.ID+"/preview.png" {
		t.Errorf("badge.activated: %+v", b)
	}
	f.member(t, "cy@example.org", "Cy", false)
	if m := f.describe(t, badges.EventMemberCreated).Data.Member; m.Name != "Cy" || m.Email != "cy@example.org" {
		t.Errorf("member.created: %+v", m)
	}
	lin := f.leader(t)
	n, err := f.l.Nominations.Nominate(ctx, f.issuer, badges.NominateInput{NominatorID: lin.ID, MemberID: f.ada.ID, AchievementID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if d := f.describe(t, badges.EventNominationCreated).Data; d.Nomination.ID != n.ID || d.Nomination.Kind != "nomination" ||
		d.Actor.Name != "Lin Leader" || d.Member.Name != "Ada Lovelace" || d.Badge.Name != "Mentor" {
		t.Errorf("nomination.created: %+v %+v %+v", d.Nomination, d.Actor, d.Member)
	}
	if _, err := f.l.Nominations.Decide(ctx, n.ID, false, "Next year."); err != nil {
		t.Fatal(err)
	}
	if nm := f.describe(t, badges.EventNominationDecided).Data.Nomination; nm.Outcome != "declined" || nm.Reason != "Next year." {
		t.Errorf("nomination.decided: %+v", nm)
	}
	if _, err := f.l.Leaders.Endorse(ctx, f.issuer, badges.EndorseInput{EndorserID: lin.ID, MemberID: f.ada.ID, Note: "Great session."}); err != nil {
		t.Fatal(err)
	}
	if d := f.describe(t, badges.EventEndorsementCreated).Data; d.Endorsement.Note != "Great session." || d.Actor.ID != lin.ID || d.Member.ID != f.ada.ID {
		t.Errorf("endorsement.created: %+v", d)
	}
	m, err := f.l.Measures.Create(ctx, f.issuer, badges.MeasureInput{Name: "Awards a week", Kind: badges.MeasureAwards, Target: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.l.Measures.PublishTargetsMet(ctx, []string{f.issuer}); err != nil {
		t.Fatal(err)
	}
	if ms := f.describe(t, badges.EventMeasureTargetMet).Data.Measure; ms.ID != m.ID || ms.Name != "Awards a week" || ms.Target != 1 || ms.Value != 1 {
		t.Errorf("measure.target_met: %+v", ms)
	}
}

// TestDescriber_Spotlight: the weekly spotlight names the pinned member
// and the week's awards of members who consent to a public profile, with
// no addresses.
func TestDescriber_Spotlight(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	c := f.award(t, f.ada.ID, f.ach)
	f.award(t, f.member(t, "bo@example.org", "Bo Private", false).ID, f.ach)
	if err := f.l.Spotlight.SetPin(ctx, f.issuer, &badges.Pin{MemberID: f.ada.ID, Note: "Hosted ten sessions."}); err != nil {
		t.Fatal(err)
	}
	e := badges.NewEvent(badges.EventSpotlightWeekly, f.issuer, time.Now(), badges.EventSubject{}, "2026-W49")
	p, err := f.l.Describer.Describe(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	sp := p.Data.Spotlight
	if sp == nil || sp.URL != base+"/issuers/"+f.issuer+"/spotlight" || sp.Note != "Hosted ten sessions." ||
		sp.Pinned == nil || sp.Pinned.Name != "Ada Lovelace" || sp.Pinned.Email != "" {
		t.Fatalf("spotlight %+v", sp)
	}
	if len(sp.Awards) != 1 || sp.Awards[0].Member.Name != "Ada Lovelace" || sp.Awards[0].Member.Email != "" ||
		sp.Awards[0].CredentialURL != base+"/credentials/"+c.ID || sp.Awards[0].Badge.Name != "Session Host" {
		t.Fatalf("awards %+v, want Ada's only", sp.Awards)
	}
	body, _ := json.Marshal(p)
	if strings.Contains(string(body), "Bo Private") || strings.Contains(string(body), "@example.org") {
		t.Errorf("the spotlight names a member without consent or an address: %s", body)
	}
}

package wire_test

import (
	"context"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/eventtest"
)

// leader makes a member who holds a leadership badge: they may nominate
// and endorse.
func (f *eventFixture) leader(t *testing.T) *badges.Member {
	t.Helper()
	lead := f.badge(t, badges.AchievementInput{Name: "Community Leader", Level: badges.EndorserLevel, Status: badges.StatusActive})
	m := f.member(t, "lin@example.org", "Lin Leader", true)
	f.award(t, m.ID, lead)
	return m
}

// TestEvents_Nominations: a nomination and an application publish
// nomination.created once; approving publishes nomination.decided (and
// the award's credential.issued), declining publishes it with the
// reason; a refused or repeated decision publishes nothing.
func TestEvents_Nominations(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	lin := f.leader(t)
	f.rec.Reset()
	n, err := f.l.Leaders.Nominate(ctx, f.issuer, badges.NominateInput{NominatorID: lin.ID, MemberID: f.ada.ID, AchievementID: f.ach.ID, Note: "Hosts well."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Nominations.Nominate(ctx, f.issuer, badges.NominateInput{NominatorID: lin.ID, MemberID: f.ada.ID, AchievementID: f.ach.ID}); err == nil {
		t.Fatal("a second open nomination: no error")
	}
	wantIDs(t, f.rec, badges.EventNominationCreated, "nomination.created:"+n.ID)
	if s := f.rec.OfType(badges.EventNominationCreated)[0].Subject; s.ActorID != lin.ID || s.MemberID != f.ada.ID || s.AchievementID != f.ach.ID {
		t.Errorf("nomination.created subject %+v", s)
	}
	approved, err := f.l.Nominations.Decide(ctx, n.ID, true, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Nominations.Decide(ctx, n.ID, false, "Changed my mind."); err == nil {
		t.Fatal("declining an approved nomination: no error")
	}
	wantIDs(t, f.rec, badges.EventNominationDecided, "nomination.decided:"+n.ID)
	wantIDs(t, f.rec, badges.EventCredentialIssued, "credential.issued:"+approved.CredentialID)
	if s := f.rec.OfType(badges.EventNominationDecided)[0].Subject; s.Outcome != badges.NominationApproved || s.CredentialID != approved.CredentialID {
		t.Errorf("approval subject %+v", s)
	}

	open := f.badge(t, badges.AchievementInput{Name: "Writer", Status: badges.StatusActive, Applications: true})
	f.rec.Reset()
	app, err := f.l.Applications.Apply(ctx, f.issuer, badges.ApplyInput{MemberID: f.ada.ID, AchievementID: open.ID, Links: []string{"https://example.org/post"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Nominations.Decide(ctx, app.ID, false, "Not yet: write one more."); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, f.rec, badges.EventNominationCreated, "nomination.created:"+app.ID)
	wantIDs(t, f.rec, badges.EventNominationDecided, "nomination.decided:"+app.ID)
	created, decided := f.rec.OfType(badges.EventNominationCreated)[0], f.rec.OfType(badges.EventNominationDecided)[0]
	if created.Subject.ActorID != "" || decided.Subject.Outcome != badges.NominationDeclined || decided.Subject.Reason != "Not yet: write one more." {
		t.Errorf("application events %+v, %+v", created, decided)
	}
}

// TestEvents_Endorsement: an endorsement publishes endorsement.created
// once, its actor the endorser; a second the same day publishes nothing.
func TestEvents_Endorsement(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	lin := f.leader(t)
	f.rec.Reset()
	in := badges.EndorseInput{EndorserID: lin.ID, MemberID: f.ada.ID, Note: "Great session."}
	if _, err := f.l.Leaders.Endorse(ctx, f.issuer, in); err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Awarder.Endorse(ctx, f.issuer, in); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("a second endorsement today: %v", err)
	}
	evs := f.rec.OfType(badges.EventEndorsementCreated)
	if len(evs) != 1 || evs[0].Subject.ActorID != lin.ID || evs[0].Subject.MemberID != f.ada.ID {
		t.Fatalf("endorsement.created %+v, want one by Lin of Ada", evs)
	}
}

// TestEvents_RuleAward: an award by rule, made by the award queue,
// publishes credential.issued.
func TestEvents_RuleAward(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	rule, err := badges.ParseRule([]byte(`{"condition":{"count":{"behaviour":"hosted-session","min":1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Awarder.Catalogue.SetRule(ctx, f.ach.ID, rule); err != nil {
		t.Fatal(err)
	}
	res, err := f.l.Awarder.Record(ctx, f.issuer, []badges.ActivityInput{{Activity: badges.Activity{MemberID: f.ada.ID,
		Behaviour: "hosted-session", At: time.Now().Add(-time.Hour)}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("record: %+v, %v", res, err)
	}
	if _, err := f.l.Awarder.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	evs := f.rec.OfType(badges.EventCredentialIssued)
	if len(evs) != 1 || evs[0].Subject.MemberID != f.ada.ID || evs[0].Subject.AchievementID != f.ach.ID {
		t.Fatalf("credential.issued %+v, want Ada's Session Host", evs)
	}
}

// TestEvents_MeasureTargetMet: a measure that reached its target is
// published once per period, under an id another process makes too; one
// short of its target is not.
func TestEvents_MeasureTargetMet(t *testing.T) {
	f := newEventFixture(t)
	ctx := context.Background()
	met, err := f.l.Measures.Create(ctx, f.issuer, badges.MeasureInput{Name: "Awards a week", Kind: badges.MeasureAwards, Target: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Measures.Create(ctx, f.issuer, badges.MeasureInput{Name: "Ten awards", Kind: badges.MeasureAwards, Target: 10}); err != nil {
		t.Fatal(err)
	}
	if err := f.l.Measures.PublishTargetsMet(ctx, []string{f.issuer}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.rec.Events()); n != 0 {
		t.Fatalf("no award yet, %d events", n)
	}
	f.award(t, f.ada.ID, f.ach)
	f.rec.Reset()
	for range 2 {
		if err := f.l.Measures.PublishTargetsMet(ctx, []string{f.issuer}); err != nil {
			t.Fatal(err)
		}
	}
	_, points, err := f.l.Measures.History(ctx, met.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := "measure.target_met:" + met.ID + ":" + points[0].Period
	wantIDs(t, f.rec, badges.EventMeasureTargetMet, want)
	// Another process announces the same period under the same id.
	rec := &eventtest.Recorder{}
	other := badges.NewMeasures(badges.MeasureDeps{Store: f.l.Stores.Measures, Stats: f.l.Stores.Stats, Now: time.Now, Events: rec})
	if err := other.PublishTargetsMet(ctx, []string{f.issuer}); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, rec, badges.EventMeasureTargetMet, want)
}

package mongodb_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// leaderFixture is a nomination fixture whose leader acts within daily
// limits of 2 endorsements and 1 nomination, on a clock the test moves.
type leaderFixture struct {
	*nominationFixture
	leaders *badges.Leaders
	now     time.Time
	lead    string // the leader's badge
}

func newLeaderFixture(t *testing.T, members int) *leaderFixture {
	t.Helper()
	f := &leaderFixture{nominationFixture: newNominationFixture(t, members), now: time.Date(2026, 5, 3, 22, 0, 0, 0, time.UTC)}
	f.awarder.Now = func() time.Time { return f.now }
	f.leaders = &badges.Leaders{Awarder: f.awarder, Nominations: f.nominations, Days: mongodb.NewLeaderDayStore(f.db),
		DailyEndorsements: 2, DailyNominations: 1}
	held, err := f.awarder.Holdings(t.Context(), f.leader)
	if err != nil {
		t.Fatal(err)
	}
	for id := range held {
		f.lead = id
	}
	return f
}

func (f *leaderFixture) endorse(member string) error {
	_, err := f.leaders.Endorse(context.Background(), issuerA, badges.EndorseInput{EndorserID: f.leader, MemberID: member, Note: "Thanks."})
	return err
}

func (f *leaderFixture) allowance(t *testing.T) badges.LeaderAllowance {
	t.Helper()
	a, err := f.leaders.Allowance(t.Context(), f.leader)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestLeaders_DailyLimits: a leader endorses and nominates up to the
// day's limits, is refused in words past them, gets back what failed,
// and starts afresh on the next UTC day.
func TestLeaders_DailyLimits(t *testing.T) {
	f := newLeaderFixture(t, 4)
	ctx := t.Context()
	if err := f.endorse(f.leader); badges.ErrorField(err) != "memberId" {
		t.Fatalf("endorse themselves = %v; want a refusal naming memberId", err)
	}
	if got := f.allowance(t).Endorsements; got.Left() != 2 || got.Limit != 2 {
		t.Fatalf("after a refused endorsement: %+v; want it given back", got)
	}
	for _, m := range f.members[:2] {
		if err := f.endorse(m); err != nil {
			t.Fatal(err)
		}
	}
	err := f.endorse(f.members[2])
	if badges.ErrorCode(err) != badges.ETOOMANY || badges.ErrorMessage(err) != "You have used all 2 of today's endorsements; you can endorse again tomorrow." {
		t.Fatalf("third endorsement = %v; want the limit in words", err)
	}
	if got := f.allowance(t); got.Endorsements.Left() != 0 || got.Nominations.Left() != 1 {
		t.Fatalf("allowance at the limit: %+v", got)
	}
	in := badges.NominateInput{NominatorID: f.leader, MemberID: f.members[0], AchievementID: f.achievement}
	if _, err := f.leaders.Nominate(ctx, issuerA, in); err != nil {
		t.Fatal(err)
	}
	in.MemberID = f.members[1]
	if _, err := f.leaders.Nominate(ctx, issuerA, in); badges.ErrorCode(err) != badges.ETOOMANY {
		t.Fatalf("second nomination = %v; want the limit", err)
	}
	f.now = f.now.Add(3 * time.Hour) // 01:00 the next day, UTC
	if got := f.allowance(t); got.Endorsements.Left() != 2 || got.Nominations.Left() != 1 {
		t.Fatalf("allowance the next day: %+v", got)
	}
	if err := f.endorse(f.members[2]); err != nil {
		t.Fatalf("endorse the next day: %v", err)
	}
}

// TestLeaders_LimitAtOnce: of many endorsements at the same moment, only
// the day's limit are made.
func TestLeaders_LimitAtOnce(t *testing.T) {
	f := newLeaderFixture(t, 6)
	var wg sync.WaitGroup
	errs := make([]error, len(f.members))
	for i, m := range f.members {
		wg.Go(func() { errs[i] = f.endorse(m) })
	}
	wg.Wait()
	made := 0
	for _, err := range errs {
		switch {
		case err == nil:
			made++
		case badges.ErrorCode(err) != badges.ETOOMANY:
			t.Fatalf("endorse = %v; want success or the limit", err)
		}
	}
	if made != 2 || f.allowance(t).Endorsements.Used != 2 {
		t.Fatalf("%d endorsements made, %+v counted; want 2", made, f.allowance(t).Endorsements)
	}
}

// TestLeaders_NotALeader: a member holding no badge that grants
// leadership is refused, and nothing is counted.
func TestLeaders_NotALeader(t *testing.T) {
	f := newLeaderFixture(t, 2)
	_, err := f.leaders.Endorse(t.Context(), issuerA, badges.EndorseInput{EndorserID: f.members[0], MemberID: f.members[1]})
	if badges.ErrorCode(err) != badges.EFORBIDDEN || !strings.Contains(badges.ErrorMessage(err), "grants leadership") {
		t.Fatalf("endorse by a member = %v; want forbidden", err)
	}
	if d, err := mongodb.NewLeaderDayStore(f.db).LeaderDay(t.Context(), f.members[0]); err != nil || d != (badges.LeaderDay{}) {
		t.Fatalf("the member's day: %+v, %v; want none", d, err)
	}
}

// TestAwarder_GrantsLeadership: the community's choice on the badge, not
// its level, makes its holders leaders; a badge stored before the choice
// existed grants it by its level.
func TestAwarder_GrantsLeadership(t *testing.T) {
	f := newLeaderFixture(t, 1)
	ctx := t.Context()
	as := mongodb.NewAchievementService(f.db)
	if _, err := as.UpdateAchievement(ctx, f.lead, badges.AchievementUpdate{GrantsLeadership: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	in := badges.EndorseInput{EndorserID: f.leader, MemberID: f.members[0]}
	if _, err := f.awarder.Endorse(ctx, issuerA, in); badges.ErrorField(err) != "endorserId" {
		t.Fatalf("endorse holding a leadership-level badge that grants nothing = %v; want refused", err)
	}
	if _, err := as.UpdateAchievement(ctx, f.lead, badges.AchievementUpdate{Level: ptr("contribution"), GrantsLeadership: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.awarder.Endorse(ctx, issuerA, in); err != nil {
		t.Fatalf("endorse holding a contribution badge that grants leadership = %v", err)
	}
	for _, tc := range []struct {
		level string
		want  bool
	}{{badges.EndorserLevel, true}, {"contribution", false}, {"", false}} {
		_, err := f.db.Collection(database.Achievements).UpdateOne(ctx, database.ByID(f.lead),
			bson.D{{Key: "$set", Value: bson.D{{Key: "level", Value: tc.level}}}, {Key: "$unset", Value: bson.D{{Key: "grantsLeadership", Value: ""}}}})
		if err != nil {
			t.Fatal(err)
		}
		if a, err := as.Achievement(ctx, f.lead); err != nil || a.GrantsLeadership != tc.want {
			t.Fatalf("stored without the choice, level %q: %+v, %v; want grants %v", tc.level, a, err, tc.want)
		}
	}
}

// TestAchievementService_GrantsLeadershipDefault: a new badge grants
// leadership when its level is leadership, unless the community says.
func TestAchievementService_GrantsLeadershipDefault(t *testing.T) {
	as := mongodb.NewAchievementService(newNominationFixture(t, 0).db)
	for _, tc := range []struct {
		level  string
		grants *bool
		want   bool
	}{{"leadership", nil, true}, {"contribution", nil, false}, {"leadership", ptr(false), false}, {"", ptr(true), true}} {
		a, err := as.CreateAchievement(t.Context(), issuerA, badges.AchievementInput{Name: "B", Description: "D", Criteria: "C",
			Level: tc.level, GrantsLeadership: tc.grants})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := as.Achievement(t.Context(), a.ID); err != nil || got.GrantsLeadership != tc.want || a.GrantsLeadership != tc.want {
			t.Fatalf("level %q, choice %v: created %v, read %+v, %v; want %v", tc.level, tc.grants, a.GrantsLeadership, got, err, tc.want)
		}
	}
}

// TestAwarder_EndorsementNotifies: the endorsed member is told once, under
// the endorsement's key, even when the endorsement is sent again.
func TestAwarder_EndorsementNotifies(t *testing.T) {
	f := newLeaderFixture(t, 1)
	rec := &recordingNotifier{}
	f.awarder.Notifier, f.awarder.BaseURL = rec, "https://badges.example.org"
	in := badges.EndorseInput{EndorserID: f.leader, MemberID: f.members[0], Note: "<b>Great</b> workshop."}
	if _, err := f.awarder.Endorse(t.Context(), issuerA, in); err != nil {
		t.Fatal(err)
	}
	got := rec.all()
	want := badges.Notification{Key: "endorsement:endorsement:" + f.leader + ":" + f.members[0] + ":2026-05-03", Kind: badges.MailEndorsement,
		IssuerID: issuerA, MemberID: f.members[0], To: "m0@example.org"}
	if len(got) != 1 || got[0].Key != want.Key || got[0].Kind != want.Kind || got[0].To != want.To || got[0].MemberID != want.MemberID || got[0].IssuerID != issuerA {
		t.Fatalf("notifications %+v; want one like %+v", got, want)
	}
	data := map[string]string{"member": "M0", "endorser": "Leader", "note": "<b>Great</b> workshop.", "portalURL": "https://badges.example.org/me"}
	for k, v := range data {
		if got[0].Data[k] != v {
			t.Errorf("data %q = %q; want %q", k, got[0].Data[k], v)
		}
	}
}

// TestAwarder_EndorsementNotifyFails: an endorsement whose message cannot
// be queued fails, and sending it again finishes it and tells the member.
func TestAwarder_EndorsementNotifyFails(t *testing.T) {
	f := newLeaderFixture(t, 1)
	down := errors.New("the outbox cannot be written")
	rec := &recordingNotifier{err: down}
	f.awarder.Notifier = rec
	in := badges.EndorseInput{EndorserID: f.leader, MemberID: f.members[0]}
	if _, err := f.awarder.Endorse(t.Context(), issuerA, in); !errors.Is(err, down) {
		t.Fatalf("endorse with the outbox down = %v; want its error", err)
	}
	rec.mu.Lock()
	rec.err = nil
	rec.mu.Unlock()
	if _, err := f.awarder.Endorse(t.Context(), issuerA, in); err != nil {
		t.Fatalf("endorse again = %v; want it finished", err)
	}
	if got := rec.all(); len(got) != 1 || got[0].Kind != badges.MailEndorsement {
		t.Fatalf("notifications %+v; want the endorsement's", got)
	}
}

// TestNominations_DecisionNotifies: the nominee hears an approval with
// the badge's link and a decline with its reason.
func TestNominations_DecisionNotifies(t *testing.T) {
	f := newLeaderFixture(t, 2)
	rec := &recordingNotifier{}
	f.nominations.Notifier = rec
	f.nominations.CredentialURL = func(id string) string { return "https://badges.example.org/credentials/" + id }
	ctx := t.Context()
	yes, no := f.nominate(t, f.members[0]), f.nominate(t, f.members[1])
	if _, err := f.nominations.Decide(ctx, yes.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.nominations.Decide(ctx, no.ID, false, "Not this season."); err != nil {
		t.Fatal(err)
	}
	got := rec.all()
	if len(got) != 2 {
		t.Fatalf("notifications %+v; want two decisions", got)
	}
	for i, want := range []struct{ key, to, approved, reason, url string }{
		{"decision:" + yes.ID, "m0@example.org", "true", "", "https://badges.example.org/credentials/cred-nomination:" + yes.ID},
		{"decision:" + no.ID, "m1@example.org", "false", "Not this season.", ""},
	} {
		n := got[i]
		if n.Key != want.key || n.Kind != badges.MailDecision || n.To != want.to || n.Data["approved"] != want.approved ||
			n.Data["reason"] != want.reason || n.Data["badgeURL"] != want.url || n.Data["what"] != "nomination" || n.Data["badge"] != "Helper" {
			t.Errorf("decision %d: %+v; want %+v", i, n, want)
		}
	}
}

// TestNominations_DecisionNotifyFails: a decision stands when its message
// cannot be queued; the failure is reported.
func TestNominations_DecisionNotifyFails(t *testing.T) {
	f := newLeaderFixture(t, 1)
	down := errors.New("the outbox cannot be written")
	f.nominations.Notifier = &recordingNotifier{err: down}
	var reports []badges.Notice
	f.awarder.Report = func(r badges.Notice) { reports = append(reports, r) }
	n := f.nominate(t, f.members[0])
	if got, err := f.nominations.Decide(t.Context(), n.ID, false, "Later."); err != nil || got.Status != badges.NominationDeclined {
		t.Fatalf("decline = %+v, %v; want it made", got, err)
	}
	if len(reports) != 1 || !errors.Is(reports[0].Err, down) {
		t.Fatalf("reports %+v; want the outbox's failure", reports)
	}
}

// TestAwarder_EndorsementsReceived lists the newest first, named, bounded,
// and names an endorser who is gone as a former member.
func TestAwarder_EndorsementsReceived(t *testing.T) {
	f := newLeaderFixture(t, 1)
	ctx := t.Context()
	if err := f.awarder.Records.UpdateRecord(ctx, f.members[0], func(r *badges.MemberRecord) error {
		r.AddEndorsement(badges.Endorsement{From: f.leader, At: f.now.Add(-time.Hour), Note: "Kind."})
		r.AddEndorsement(badges.Endorsement{From: "gone", At: f.now.Add(-48 * time.Hour)})
		r.AddEndorsement(badges.Endorsement{From: f.leader, At: f.now.Add(-72 * time.Hour)})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, total, err := f.awarder.EndorsementsReceived(ctx, f.members[0], 2)
	if err != nil || total != 3 || len(got) != 2 {
		t.Fatalf("received = %+v, %d, %v; want 2 of 3", got, total, err)
	}
	if got[0].From != "Leader" || got[0].Note != "Kind." || !got[0].At.Equal(f.now.Add(-time.Hour)) || got[1].From != "A former member" {
		t.Fatalf("received = %+v", got)
	}
	if none, total, err := f.awarder.EndorsementsReceived(ctx, f.leader, 10); err != nil || len(none) != 0 || total != 0 {
		t.Fatalf("received by the leader = %+v, %d, %v; want none", none, total, err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestLeaders_FindPeers: a leader finds members of their community by
// name only (an address matches nothing), never themselves, and a member
// of another community is not found.
func TestLeaders_FindPeers(t *testing.T) {
	f := newLeaderFixture(t, 2)
	ctx := t.Context()
	ms := mongodb.NewMemberService(f.db)
	quiet := mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: "zed@example.org", DisplayName: "Zoë Quiet"})
	other := mustCreateMember(t, ms, issuerB, badges.MemberInput{Email: "m9@example.org", DisplayName: "M9 Elsewhere"})
	if _, err := ms.RebuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{"m": "M0 M1", "zoe": "Zoë Quiet", "zed": "", "example.org": "", "lead": "", "elsewhere": ""} {
		found, more, err := f.leaders.FindPeers(ctx, issuerA, f.leader, q)
		var names []string
		for _, p := range found {
			names = append(names, p.Name)
		}
		if err != nil || more || strings.Join(names, " ") != want {
			t.Errorf("find %q = %v, %v, %v; want %q", q, names, more, err, want)
		}
	}
	if p, err := f.leaders.Peer(ctx, issuerA, f.leader, quiet.ID); err != nil || p.Name != "Zoë Quiet" {
		t.Fatalf("peer = %+v, %v", p, err)
	}
	for _, id := range []string{other.ID, f.leader, "nobody", ""} {
		if _, err := f.leaders.Peer(ctx, issuerA, f.leader, id); badges.ErrorCode(err) != badges.ENOTFOUND || badges.ErrorField(err) != "memberId" {
			t.Errorf("peer %q = %v; want not found on memberId", id, err)
		}
	}
}

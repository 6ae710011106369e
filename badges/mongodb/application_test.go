package mongodb_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// applyFixture is a community with a badge open to applications, one
// that is not, a draft open to them, two members and a member of another
// community; issuing records its input.
type applyFixture struct {
	db          *database.DB
	apps        *badges.Applications
	nominations *badges.Nominations
	awarder     *badges.Awarder
	notes       *recordingNotifier
	ada, bob    *badges.Member
	stranger    *badges.Member // of issuerB
	open        *badges.Achievement
	closed      *badges.Achievement
	draft       *badges.Achievement

	mu     sync.Mutex
	issued []badges.AwardInput
	held   map[string]bool // member:achievement
}

func newApplyFixture(t *testing.T) *applyFixture {
	t.Helper()
	ctx := t.Context()
	db := mongotest.NewDB(t)
	ms, as := mongodb.NewMemberService(db), mongodb.NewAchievementService(db)
	f := &applyFixture{db: db, notes: &recordingNotifier{}, held: map[string]bool{}}
	mk := func(name string, st badges.AchievementStatus, open bool) *badges.Achievement {
		a, err := as.CreateAchievement(ctx, issuerA, badges.AchievementInput{Name: name, Description: "D", Criteria: "C", Status: st, Applications: open})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f.open, f.closed, f.draft = mk("Mentor", badges.StatusActive, true), mk("Host", badges.StatusActive, false), mk("Draft", badges.StatusDraft, true)
	f.ada = mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada"})
	f.bob = mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: "bob@example.org", DisplayName: "Bob"})
	f.stranger = mustCreateMember(t, ms, issuerB, badges.MemberInput{Email: "eve@example.org", DisplayName: "Eve"})
	f.awarder = newAwarder(db, func(_ context.Context, _ string, in badges.AwardInput) (string, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.issued = append(f.issued, in)
		f.held[in.MemberID+":"+in.AchievementID] = true
		return "cred-" + strings.ReplaceAll(in.IdempotencyKey, ":", "-"), nil
	}, func(_ context.Context, memberID string) (map[string]bool, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		out := map[string]bool{}
		for k := range f.held {
			if m, a, _ := strings.Cut(k, ":"); m == memberID {
				out[a] = true
			}
		}
		return out, nil
	})
	f.nominations = badges.NewNominations(mongodb.NewNominationStore(db), f.awarder)
	f.nominations.Notifier = f.notes
	f.nominations.CredentialURL = func(id string) string { return "https://badges.example.org/credentials/" + id }
	f.apps = badges.NewApplications(f.nominations)
	return f
}

func (f *applyFixture) apply(t *testing.T, m *badges.Member, a *badges.Achievement) *badges.Nomination {
	t.Helper()
	n, err := f.apps.Apply(t.Context(), issuerA, badges.ApplyInput{MemberID: m.ID, AchievementID: a.ID,
		Links: []string{" https://example.org/talk ", "", "http://example.org/slides"}, Text: "I mentored three newcomers."})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestApplications_ApproveAwardsWithEvidence: an application joins the
// nominations' queue; approving it awards the badge through the
// nominations' path with the member's words and links as evidence, once,
// and queues the member's message.
func TestApplications_ApproveAwardsWithEvidence(t *testing.T) {
	f := newApplyFixture(t)
	n := f.apply(t, f.ada, f.open)
	queue, err := f.nominations.Nominations(t.Context(), issuerA, badges.NominationPending)
	if err != nil || len(queue) != 1 || queue[0].ID != n.ID || !queue[0].IsApplication() || len(queue[0].Links) != 2 {
		t.Fatalf("the review queue: %+v, %v", queue, err)
	}
	got, err := f.nominations.Decide(t.Context(), n.ID, true, "")
	if err != nil || got.Status != badges.NominationApproved || got.CredentialID == "" {
		t.Fatalf("approve: %+v, %v", got, err)
	}
	if len(f.issued) != 1 {
		t.Fatalf("issued %d awards, want 1", len(f.issued))
	}
	in := f.issued[0]
	if in.IdempotencyKey != "application:"+n.ID || in.MemberID != f.ada.ID || in.AchievementID != f.open.ID {
		t.Errorf("the award: %+v", in)
	}
	var urls []string
	words := ""
	for _, e := range in.Evidence {
		if e.URL != "" {
			urls = append(urls, e.URL)
		}
		words += e.Narrative
	}
	if !slices.Equal(urls, []string{"https://example.org/talk", "http://example.org/slides"}) || words != "I mentored three newcomers." {
		t.Errorf("the award's evidence: %+v", in.Evidence)
	}
	notes := f.notes.all()
	if len(notes) != 1 {
		t.Fatalf("queued %d messages, want 1", len(notes))
	}
	note := notes[0]
	if note.Key != "decision:"+n.ID || note.Kind != badges.MailDecision || note.To != "ada@example.org" || note.MemberID != f.ada.ID ||
		note.Data["approved"] != "true" || note.Data["what"] != "application" || note.Data["badge"] != "Mentor" || note.Data["member"] != "Ada" ||
		note.Data["badgeURL"] != "https://badges.example.org/credentials/"+got.CredentialID {
		t.Errorf("the decision's message: %+v", note)
	}
	if _, err := f.nominations.Decide(t.Context(), n.ID, true, ""); badges.ErrorCode(err) != badges.ECONFLICT || len(f.issued) != 1 {
		t.Errorf("approving again: %v, %d awards", err, len(f.issued))
	}
}

// TestApplications_DeclineKeepsReasonAndTells: declining keeps the reason
// and queues the member's message with it; the member may apply again.
func TestApplications_DeclineKeepsReasonAndTells(t *testing.T) {
	f := newApplyFixture(t)
	n := f.apply(t, f.ada, f.open)
	got, err := f.nominations.Decide(t.Context(), n.ID, false, "  Please link the sessions you led.  ")
	if err != nil || got.Status != badges.NominationDeclined || got.Reason != "Please link the sessions you led." {
		t.Fatalf("decline: %+v, %v", got, err)
	}
	if len(f.issued) != 0 {
		t.Errorf("a declined application issued %d awards", len(f.issued))
	}
	notes := f.notes.all()
	if len(notes) != 1 || notes[0].Key != "decision:"+n.ID || notes[0].Data["approved"] != "false" ||
		notes[0].Data["reason"] != "Please link the sessions you led." || notes[0].Data["what"] != "application" {
		t.Fatalf("the decision's messages: %+v", notes)
	}
	f.apply(t, f.ada, f.open)
}

// TestApplications_Refused: each rule an application breaks is refused
// with a message naming the badge or the field at fault.
func TestApplications_Refused(t *testing.T) {
	f := newApplyFixture(t)
	f.apply(t, f.bob, f.open)
	f.held[f.ada.ID+":"+f.closed.ID] = true
	long := "https://example.org/" + strings.Repeat("a", badges.MaxApplicationLinkLen)
	for _, tc := range []struct {
		name        string
		issuer      string
		in          badges.ApplyInput
		code, field string
		says        string
	}{
		{"not open", issuerA, badges.ApplyInput{MemberID: f.ada.ID, AchievementID: f.closed.ID, Text: "x"}, badges.ECONFLICT, "achievementId", "Host is not open to applications"},
		{"draft", issuerA, badges.ApplyInput{MemberID: f.ada.ID, AchievementID: f.draft.ID, Text: "x"}, badges.ECONFLICT, "achievementId", "Draft is not open to applications"},
		{"open already", issuerA, badges.ApplyInput{MemberID: f.bob.ID, AchievementID: f.open.ID, Text: "again"}, badges.ECONFLICT, "achievementId", "You applied for Mentor already"},
		{"another community's member", issuerA, badges.ApplyInput{MemberID: f.stranger.ID, AchievementID: f.open.ID, Text: "x"}, badges.EINVALID, "memberId", "no member"},
		{"another community's badge", issuerB, badges.ApplyInput{MemberID: f.stranger.ID, AchievementID: f.open.ID, Text: "x"}, badges.EINVALID, "achievementId", "no badge"},
		{"not a web address", issuerA, badges.ApplyInput{MemberID: f.ada.ID, AchievementID: f.open.ID, Links: []string{"https://example.org/a", "javascript:alert(1)"}}, badges.EINVALID, "links.2", "Link 2"},
		{"link too long", issuerA, badges.ApplyInput{MemberID: f.ada.ID, AchievementID: f.open.ID, Links: []string{long}}, badges.EINVALID, "links.1", "longer than 2000"},
		{"too many links", issuerA, badges.ApplyInput{MemberID: f.ada.ID, AchievementID: f.open.ID, Links: slices.Repeat([]string{"https://example.org/"}, 6)}, badges.EINVALID, "links", "at most 5"},
		{"text too long", issuerA, badges.ApplyInput{MemberID: f.ada.ID, AchievementID: f.open.ID, Text: strings.Repeat("é", badges.MaxApplicationTextLen+1)}, badges.EINVALID, "text", "longer than 4000"},
		{"no evidence", issuerA, badges.ApplyInput{MemberID: f.ada.ID, AchievementID: f.open.ID, Links: []string{" "}, Text: " "}, badges.EINVALID, "text", "needs some evidence"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.apps.Apply(t.Context(), tc.issuer, tc.in)
			if badges.ErrorCode(err) != tc.code || badges.ErrorField(err) != tc.field || !strings.Contains(badges.ErrorMessage(err), tc.says) {
				t.Fatalf("got %v (field %q), want %s on %s saying %q", err, badges.ErrorField(err), tc.code, tc.field, tc.says)
			}
		})
	}
	f.held[f.ada.ID+":"+f.open.ID] = true
	if _, err := f.apps.Apply(t.Context(), issuerA, badges.ApplyInput{MemberID: f.ada.ID, AchievementID: f.open.ID, Text: "x"}); badges.ErrorCode(err) != badges.ECONFLICT ||
		!strings.Contains(badges.ErrorMessage(err), "You hold Mentor already") {
		t.Fatalf("a badge held already: %v", err)
	}
}

// TestApplications_NominationBeside: a leader's nomination and the
// member's own application for one badge stand side by side, each in the
// queue with its kind.
func TestApplications_NominationBeside(t *testing.T) {
	f := newNominationFixture(t, 1)
	as := mongodb.NewAchievementService(f.db)
	open := true
	if _, err := as.UpdateAchievement(t.Context(), f.achievement, badges.AchievementUpdate{Applications: &open}); err != nil {
		t.Fatal(err)
	}
	if a, err := as.Achievement(t.Context(), f.achievement); err != nil || !a.Applications || a.Version != 1 {
		t.Fatalf("opening a badge to applications: %+v, %v; want it open, still version 1", a, err)
	}
	f.nominate(t, f.members[0])
	apps := badges.NewApplications(f.nominations)
	if _, err := apps.Apply(t.Context(), issuerA, badges.ApplyInput{MemberID: f.members[0], AchievementID: f.achievement, Text: "Me too."}); err != nil {
		t.Fatalf("applying beside a nomination: %v", err)
	}
	queue, err := f.nominations.Nominations(t.Context(), issuerA, "")
	if err != nil || len(queue) != 2 {
		t.Fatalf("the queue: %+v, %v", queue, err)
	}
	kinds := []string{queue[0].Kind, queue[1].Kind}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{badges.KindApplication, badges.KindNomination}) {
		t.Errorf("the queue's kinds: %v", kinds)
	}
}

// TestApplications_Mine: a member lists only their own applications.
func TestApplications_Mine(t *testing.T) {
	f := newApplyFixture(t)
	mine := f.apply(t, f.ada, f.open)
	f.apply(t, f.bob, f.open)
	got, err := f.apps.Mine(t.Context(), f.ada.ID)
	if err != nil || len(got) != 1 || got[0].ID != mine.ID {
		t.Fatalf("Ada's applications: %+v, %v", got, err)
	}
	openings, err := f.apps.Openings(t.Context(), f.ada.ID)
	if err != nil || len(openings) != 1 || openings[0].ID != f.open.ID {
		t.Fatalf("the badges Ada may apply for: %+v, %v", openings, err)
	}
}

// TestApplications_Forgotten: forgetting a member clears the words and
// links of their applications; the decision stays.
func TestApplications_Forgotten(t *testing.T) {
	f := newApplyFixture(t)
	ctx := t.Context()
	mine, other := f.apply(t, f.ada, f.open), f.apply(t, f.bob, f.open)
	if _, err := f.nominations.Decide(ctx, mine.ID, false, "Tell us which circle."); err != nil {
		t.Fatal(err)
	}
	forget := badges.NewForgetter(f.awarder, mongodb.NewMemberService(f.db), mongodb.NewActivityStore(f.db), mongodb.NewNominationStore(f.db))
	if _, err := forget.Forget(ctx, f.ada.ID); err != nil {
		t.Fatal(err)
	}
	store := mongodb.NewNominationStore(f.db)
	got, err := store.Nomination(ctx, mine.ID)
	if err != nil || got.Note != "" || len(got.Links) != 0 || got.Status != badges.NominationDeclined || got.Reason != "Tell us which circle." {
		t.Errorf("Ada's application once she is forgotten: %+v, %v; want no words or links, the decision kept", got, err)
	}
	if kept, err := store.Nomination(ctx, other.ID); err != nil || kept.Note == "" || len(kept.Links) != 2 {
		t.Errorf("Bob's application: %+v, %v; want it untouched", kept, err)
	}
}

// TestApplications_CohortBadge: a cohort badge is open to its cohort's
// members only, as their progress shows it only to them.
func TestApplications_CohortBadge(t *testing.T) {
	f := newApplyFixture(t)
	ctx := t.Context()
	cs := badges.NewCohorts(mongodb.NewCohortStore(f.db), f.awarder)
	spring, err := cs.Create(ctx, issuerA, "Spring")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Join(ctx, spring.ID, []string{f.ada.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.awarder.Catalogue.SetRule(ctx, f.open.ID, mustParseRule(t, `{"condition":{"cohort":{"name":"Spring"}}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.apps.Apply(ctx, issuerA, badges.ApplyInput{MemberID: f.bob.ID, AchievementID: f.open.ID, Text: "x"}); badges.ErrorCode(err) != badges.ECONFLICT ||
		!strings.Contains(badges.ErrorMessage(err), "cohort you are not in") {
		t.Fatalf("Bob, outside the cohort: %v", err)
	}
	if openings, err := f.apps.Openings(ctx, f.bob.ID); err != nil || len(openings) != 0 {
		t.Fatalf("the badges Bob may apply for: %+v, %v", openings, err)
	}
	f.apply(t, f.ada, f.open)
}

package mongodb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// nominationFixture is a community with a leader who may nominate,
// members and an achievement, on a fresh database; issuing is counted, and
// fails with issueErr when it is set.
type nominationFixture struct {
	db          *database.DB
	nominations *badges.Nominations
	spotlight   *badges.Spotlight
	awarder     *badges.Awarder
	leader      string
	members     []string
	achievement string

	mu       sync.Mutex
	issued   map[string]int // by idempotency key
	issueErr error
}

func newNominationFixture(t *testing.T, members int) *nominationFixture {
	t.Helper()
	ctx := t.Context()
	db := mongotest.NewDB(t)
	ms, as := mongodb.NewMemberService(db), mongodb.NewAchievementService(db)
	lead, err := as.CreateAchievement(ctx, issuerA, badges.AchievementInput{Name: "Leader", Description: "D", Criteria: "C", Level: badges.EndorserLevel, Status: badges.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	helper, err := as.CreateAchievement(ctx, issuerA, badges.AchievementInput{Name: "Helper", Description: "D", Criteria: "C", Status: badges.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	f := &nominationFixture{db: db, achievement: helper.ID, issued: map[string]int{}}
	f.leader = mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: "leader@example.org", DisplayName: "Leader"}).ID
	for i := range members {
		m := mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: fmt.Sprintf("m%d@example.org", i), DisplayName: fmt.Sprint("M", i), PublicProfile: true})
		f.members = append(f.members, m.ID)
	}
	f.awarder = newAwarder(db, func(_ context.Context, _ string, in badges.AwardInput) (string, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.issueErr != nil {
			return "", f.issueErr
		}
		f.issued[in.IdempotencyKey]++
		return "cred-" + in.IdempotencyKey, nil
	}, func(_ context.Context, memberID string) (map[string]bool, error) {
		return map[string]bool{lead.ID: memberID == f.leader}, nil
	})
	f.nominations = badges.NewNominations(mongodb.NewNominationStore(db), f.awarder)
	f.spotlight = badges.NewSpotlight(mongodb.NewPinStore(db), ms, time.Now)
	return f
}

func (f *nominationFixture) nominate(t *testing.T, member string) *badges.Nomination {
	t.Helper()
	n, err := f.nominations.Nominate(t.Context(), issuerA, badges.NominateInput{NominatorID: f.leader, MemberID: member, AchievementID: f.achievement, Note: "Helpful."})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNominations_ApproveAndDeclineAtOnce decides each nomination twice at
// the same moment, approving and declining: exactly one decision wins, the
// other is a conflict, and a declined nomination issues nothing.
func TestNominations_ApproveAndDeclineAtOnce(t *testing.T) {
	f := newNominationFixture(t, 8)
	for _, m := range f.members {
		n := f.nominate(t, m)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, approve := range []bool{true, false} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.nominations.Decide(context.Background(), n.ID, approve, "Not yet.")
			}()
		}
		wg.Wait()
		approved, declined := errs[0] == nil, errs[1] == nil
		if approved == declined {
			t.Fatalf("nomination %s: approve %v, decline %v; want exactly one to win", n.ID, errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil && badges.ErrorCode(err) != badges.ECONFLICT {
				t.Fatalf("nomination %s: the loser got %v, want a conflict", n.ID, err)
			}
		}
		got, err := f.nominations.Nominations(t.Context(), issuerA, "")
		if err != nil {
			t.Fatal(err)
		}
		want := map[bool]string{true: badges.NominationApproved, false: badges.NominationDeclined}[approved]
		for _, g := range got {
			if g.ID == n.ID && g.Status != want {
				t.Fatalf("nomination %s is %s, want %s", n.ID, g.Status, want)
			}
		}
		f.mu.Lock()
		issued := f.issued["nomination:"+n.ID]
		f.mu.Unlock()
		if approved != (issued > 0) {
			t.Fatalf("nomination %s: approved %v, issued %d times", n.ID, approved, issued)
		}
	}
}

// TestNominations_IdenticalAtOnce sends one nomination many times at the
// same moment: one is created, the rest are conflicts.
func TestNominations_IdenticalAtOnce(t *testing.T) {
	f := newNominationFixture(t, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, conflicts := 0, 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.nominations.Nominate(context.Background(), issuerA, badges.NominateInput{NominatorID: f.leader, MemberID: f.members[0], AchievementID: f.achievement})
			mu.Lock()
			defer mu.Unlock()
			switch badges.ErrorCode(err) {
			case "":
				created++
			case badges.ECONFLICT:
				conflicts++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	pending, err := f.nominations.Nominations(t.Context(), issuerA, badges.NominationPending)
	if err != nil {
		t.Fatal(err)
	}
	if created != 1 || conflicts != 9 || len(pending) != 1 {
		t.Fatalf("created %d, conflicts %d, pending %d; want 1, 9 and 1", created, conflicts, len(pending))
	}
}

// TestNominations_ControlCharacters refuses notes and reasons with control
// characters, as other text fields do, before anything is stored.
func TestNominations_ControlCharacters(t *testing.T) {
	f := newNominationFixture(t, 1)
	ctx := t.Context()
	bad := "Helpful.\x1b[2J"
	_, err := f.nominations.Nominate(ctx, issuerA, badges.NominateInput{NominatorID: f.leader, MemberID: f.members[0], AchievementID: f.achievement, Note: bad})
	if badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "note" {
		t.Errorf("nomination note: %v, want a note error", err)
	}
	n := f.nominate(t, f.members[0])
	if _, err := f.nominations.Decide(ctx, n.ID, false, bad); badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "reason" {
		t.Errorf("decline reason: %v, want a reason error", err)
	}
	_, err = f.awarder.Endorse(ctx, issuerA, badges.EndorseInput{EndorserID: f.leader, MemberID: f.members[0], Note: bad})
	if badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "note" {
		t.Errorf("endorsement note: %v, want a note error", err)
	}
	// Nothing was stored: the same endorsement with a good note is the first today.
	if _, err := f.awarder.Endorse(ctx, issuerA, badges.EndorseInput{EndorserID: f.leader, MemberID: f.members[0], Note: "Helpful."}); err != nil {
		t.Fatalf("endorsing after a refused note: %v", err)
	}
}

// failingUpdates is a nomination store whose updates fail with err once
// after of them were made.
type failingUpdates struct {
	badges.NominationStore
	after int
	err   error
}

func (s *failingUpdates) UpdateNomination(ctx context.Context, id string, change func(*badges.Nomination) error) (*badges.Nomination, error) {
	if s.after == 0 {
		return nil, s.err
	}
	s.after--
	return s.NominationStore.UpdateNomination(ctx, id, change)
}

// unreadableRecords is a record store that cannot read records.
type unreadableRecords struct {
	badges.RecordStore
	err error
}

func (s unreadableRecords) Record(context.Context, string) (*badges.MemberRecord, error) {
	return nil, s.err
}

func (f *nominationFixture) failIssuing(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issueErr = err
}

// TestNominations_Decide follows nominations through the decisions the
// store's compare-and-swap must allow and refuse.
func TestNominations_Decide(t *testing.T) {
	ctx := context.Background()
	status := func(t *testing.T, f *nominationFixture, id string) *badges.Nomination {
		t.Helper()
		ns, err := f.nominations.Nominations(ctx, issuerA, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if n.ID == id {
				return n
			}
		}
		t.Fatalf("nomination %s is gone", id)
		return nil
	}
	t.Run("declined, then nominated again", func(t *testing.T) {
		f := newNominationFixture(t, 1)
		n := f.nominate(t, f.members[0])
		if _, err := f.nominations.Decide(ctx, n.ID, false, "Not yet."); err != nil {
			t.Fatal(err)
		}
		if again := f.nominate(t, f.members[0]); again.ID == n.ID {
			t.Fatalf("the second nomination has the first one's id")
		}
	})
	t.Run("an award that cannot be made leaves it pending", func(t *testing.T) {
		f := newNominationFixture(t, 1)
		n := f.nominate(t, f.members[0])
		f.failIssuing(badges.Errorf(badges.EINVALID, "The achievement is archived."))
		if _, err := f.nominations.Decide(ctx, n.ID, true, ""); badges.ErrorCode(err) != badges.EINVALID {
			t.Fatalf("approve = %v, want the issuing error", err)
		}
		if got := status(t, f, n.ID); got.Status != badges.NominationPending || !got.DecidedAt.IsZero() {
			t.Fatalf("after a failed approval: %+v", got)
		}
		if _, err := f.nominations.Decide(ctx, n.ID, false, "Archived."); err != nil {
			t.Fatalf("decline after a failed approval: %v", err)
		}
	})
	t.Run("an interrupted approval is finished by approving again", func(t *testing.T) {
		f := newNominationFixture(t, 1)
		n := f.nominate(t, f.members[0])
		f.failIssuing(badges.Errorf(badges.EUNAVAILABLE, "The database did not answer in time."))
		if _, err := f.nominations.Decide(ctx, n.ID, true, ""); badges.ErrorCode(err) != badges.EUNAVAILABLE {
			t.Fatalf("approve = %v, want the issuing error", err)
		}
		if _, err := f.nominations.Decide(ctx, n.ID, false, "Changed my mind."); badges.ErrorCode(err) != badges.ECONFLICT {
			t.Fatalf("decline of an approved nomination = %v, want a conflict", err)
		}
		if _, err := f.nominations.Nominate(ctx, issuerA, badges.NominateInput{NominatorID: f.leader, MemberID: f.members[0], AchievementID: f.achievement}); badges.ErrorCode(err) != badges.ECONFLICT {
			t.Fatalf("nominating while the approval is unfinished = %v, want a conflict", err)
		}
		f.failIssuing(nil)
		got, err := f.nominations.Decide(ctx, n.ID, true, "")
		if err != nil || got.Status != badges.NominationApproved || got.CredentialID != "cred-nomination:"+n.ID {
			t.Fatalf("approving again = %+v, %v", got, err)
		}
		if _, err := f.nominations.Decide(ctx, n.ID, true, ""); badges.ErrorCode(err) != badges.ECONFLICT {
			t.Fatalf("approving a finished approval = %v, want a conflict", err)
		}
	})
	t.Run("a failed reopen is returned with the issuing error", func(t *testing.T) {
		f := newNominationFixture(t, 1)
		n := f.nominate(t, f.members[0])
		storeDown := errors.New("the nominations collection cannot be written")
		nominations := badges.NewNominations(&failingUpdates{NominationStore: mongodb.NewNominationStore(f.db), after: 1, err: storeDown}, f.awarder)
		archived := badges.Errorf(badges.EINVALID, "The achievement is archived.")
		f.failIssuing(archived)
		_, err := nominations.Decide(ctx, n.ID, true, "")
		if !errors.Is(err, archived) || !errors.Is(err, storeDown) {
			t.Fatalf("approve = %v; want both the issuing and the reopening error", err)
		}
	})
	t.Run("a failed re-evaluation after the award is reported, not returned", func(t *testing.T) {
		f := newNominationFixture(t, 1)
		n := f.nominate(t, f.members[0])
		unreadable := errors.New("the records collection cannot be read")
		f.awarder.Records = unreadableRecords{RecordStore: f.awarder.Records, err: unreadable}
		var reports []badges.Notice
		f.awarder.Report = func(r badges.Notice) { reports = append(reports, r) }
		got, err := f.nominations.Decide(ctx, n.ID, true, "")
		if err != nil || got.Status != badges.NominationApproved || got.CredentialID != "cred-nomination:"+n.ID {
			t.Fatalf("approve = %+v, %v; want the approval made", got, err)
		}
		if len(reports) != 1 || reports[0].Award != "nomination:"+n.ID || !errors.Is(reports[0].Err, unreadable) {
			t.Fatalf("reported %+v; want the re-evaluation's failure", reports)
		}
	})
	t.Run("stored before revisions were kept", func(t *testing.T) {
		f := newNominationFixture(t, 1)
		id := badges.NewID()
		if _, err := f.db.Collection("nominations").InsertOne(ctx, map[string]any{"_id": id, "issuer": issuerA, "nominator": f.leader,
			"member": f.members[0], "achievement": f.achievement, "status": "pending", "createdAt": time.Now()}); err != nil {
			t.Fatal(err)
		}
		if got, err := f.nominations.Decide(ctx, id, false, "Not yet."); err != nil || got.Status != badges.NominationDeclined {
			t.Fatalf("decline = %+v, %v", got, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		f := newNominationFixture(t, 0)
		for _, id := range []string{badges.NewID(), "not an id"} {
			if _, err := f.nominations.Decide(ctx, id, true, ""); badges.ErrorCode(err) != badges.ENOTFOUND {
				t.Errorf("approve %q = %v, want not found", id, err)
			}
		}
	})
}

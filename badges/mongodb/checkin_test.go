package mongodb_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// checkInFixture is a community whose badge "Regular" is earned by
// attending one session, a member, and the check-in service on a fresh
// database, with a clock the test moves.
type checkInFixture struct {
	svc    *badges.CheckIns
	db     *database.DB
	aw     *badges.Awarder
	mail   *recordingNotifier
	member *badges.Member

	mu     sync.Mutex
	now    time.Time
	issued map[string]int // by idempotency key
}

func newCheckInFixture(t *testing.T) *checkInFixture {
	t.Helper()
	ctx := t.Context()
	db := mongotest.NewDB(t)
	f := &checkInFixture{db: db, mail: &recordingNotifier{}, now: time.Now().UTC(), issued: map[string]int{}}
	aw := newAwarder(db, func(_ context.Context, _ string, in badges.AwardInput) (string, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.issued[in.IdempotencyKey]++
		return "cred-" + in.IdempotencyKey, nil
	}, func(context.Context, string) (map[string]bool, error) { return nil, nil })
	ach, err := aw.Achievements.CreateAchievement(ctx, issuerA, badges.AchievementInput{Name: "Regular", Description: "D", Criteria: "C", Status: badges.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	rule := &badges.Rule{Condition: badges.Condition{Count: &badges.CountCond{Behaviour: "attended-session", Min: 1}}}
	if _, err := aw.Catalogue.SetRule(ctx, ach.ID, rule); err != nil {
		t.Fatal(err)
	}
	ms := mongodb.NewMemberService(db)
	f.aw = aw
	f.member = mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada"})
	f.svc = &badges.CheckIns{Store: mongodb.NewCheckInStore(db), Members: ms, Recorder: aw, Behaviours: aw.Catalogue.Behaviours,
		Limits: mongodb.NewAccountStores(db).Limits, Notifier: f.mail, Now: f.clock,
		LinkURL: func(code, token string) string {
			return "https://badges.example.org/checkin/" + code + "/link/" + token
		}}
	return f
}

func (f *checkInFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *checkInFixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// awards issues what the queue holds and counts what was ever issued.
func (f *checkInFixture) awards(t *testing.T) int {
	t.Helper()
	if _, err := f.aw.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.issued {
		n += c
	}
	return n
}

func (f *checkInFixture) open(t *testing.T) *badges.CheckIn {
	t.Helper()
	ci, err := f.svc.Open(t.Context(), issuerA, badges.CheckInInput{Behaviour: "attended-session", Title: "Tuesday study group", HostName: "Grace"})
	if err != nil {
		t.Fatal(err)
	}
	return ci
}

// TestCheckIns_ConfirmOnce confirms a member's check-in many times at once:
// one activity is recorded, the badge its rule awards is issued once, and
// the host's list names the member once.
func TestCheckIns_ConfirmOnce(t *testing.T) {
	f := newCheckInFixture(t)
	ci := f.open(t)
	if len(ci.Code) != badges.CheckInCodeLen || !ci.ClosesAt.Equal(ci.OpensAt.Add(badges.DefaultCheckInWindow)) {
		t.Fatalf("opened %+v, want a %d-character code and a window of 2 hours", ci, badges.CheckInCodeLen)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	first := 0
	for range 8 {
		wg.Go(func() {
			already, err := f.svc.Confirm(context.Background(), ci, f.member.ID)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("confirm: %v", err)
			}
			if !already {
				first++
			}
		})
	}
	wg.Wait()
	if first != 1 {
		t.Errorf("%d confirmations were the first, want 1", first)
	}
	got, err := f.svc.CheckIn(t.Context(), issuerA, ci.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Count != 1 || len(got.Attendees) != 1 || got.Attendees[0].Name != "Ada" {
		t.Errorf("attendees %+v (count %d), want Ada once", got.Attendees, got.Count)
	}
	if n := f.awards(t); n != 1 {
		t.Errorf("%d awards issued, want the rule's badge once", n)
	}
	if already, err := f.svc.Confirm(t.Context(), got, f.member.ID); err != nil || !already {
		t.Errorf("confirming again: already %v, %v; want already checked in", already, err)
	}
}

// TestCheckIns_ConfirmOnceWhenBothLookNew: two confirmations at once may
// both be answered "recorded" by the recording path (the second completes
// the first's unfinished batch); the check-in's own list decides which
// was first.
func TestCheckIns_ConfirmOnceWhenBothLookNew(t *testing.T) {
	f := newCheckInFixture(t)
	ci := f.open(t)
	f.svc.Recorder = freshEveryTime{f.aw}
	for i, want := range []bool{false, true} {
		already, err := f.svc.Confirm(t.Context(), ci, f.member.ID)
		if err != nil || already != want {
			t.Errorf("confirmation %d: already %v, %v; want %v", i+1, already, err, want)
		}
	}
}

// freshEveryTime answers every activity as recorded, as a confirmation
// racing another one may be answered.
type freshEveryTime struct{ badges.CheckInRecorder }

func (r freshEveryTime) Record(ctx context.Context, issuerID string, ins []badges.ActivityInput) ([]badges.ActivityResult, error) {
	res, err := r.CheckInRecorder.Record(ctx, issuerID, ins)
	for i := range res {
		if res[i].Outcome == badges.ActivityDuplicate {
			res[i].Outcome = badges.ActivityRecorded
		}
	}
	return res, err
}

// TestCheckIns_Closed refuses confirmations after the window and after the
// host closed it; the code still finds the check-in, to say it closed.
func TestCheckIns_Closed(t *testing.T) {
	f := newCheckInFixture(t)
	ctx := t.Context()
	expired, closed := f.open(t), f.open(t)
	if _, err := f.svc.Close(ctx, issuerA, closed.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Close(ctx, issuerB, expired.ID); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("closing another community's check-in: %v, want not found", err)
	}
	closed, err := f.svc.FindByCode(ctx, strings.ToLower(closed.Code), "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Confirm(ctx, closed, f.member.ID); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Errorf("confirming a closed check-in: %v, want a conflict", err)
	}
	f.advance(badges.DefaultCheckInWindow)
	if _, err := f.svc.Confirm(ctx, expired, f.member.ID); badges.ErrorCode(err) != badges.ECONFLICT || !strings.Contains(err.Error(), "closed on") {
		t.Errorf("confirming after the window: %v, want it said to be closed", err)
	}
	if err := f.svc.SendLink(ctx, expired, "ada@example.org"); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Errorf("asking for a link after the window: %v, want a conflict", err)
	}
	if f.awards(t) != 0 || len(f.mail.all()) != 0 {
		t.Errorf("awards %d, mails %d after refusals; want none", f.awards(t), len(f.mail.all()))
	}
}

// TestCheckIns_CodeGuesses counts wrong and malformed codes per address:
// past the limit even the right code is refused there, not elsewhere.
func TestCheckIns_CodeGuesses(t *testing.T) {
	f := newCheckInFixture(t)
	ctx := t.Context()
	ci := f.open(t)
	wrong := "ZZZZZZ"
	if wrong == ci.Code {
		wrong = "YYYYYY"
	}
	_, err := f.svc.FindByCode(ctx, wrong, "198.51.100.7:5000")
	if badges.ErrorCode(err) != badges.ENOTFOUND || badges.ErrorField(err) != "code" {
		t.Fatalf("wrong code: %v, want not found naming the code", err)
	}
	if _, err := f.svc.FindByCode(ctx, "0O1I", "198.51.100.7:5000"); badges.ErrorCode(err) != badges.EINVALID {
		t.Fatalf("malformed code: %v, want invalid", err)
	}
	for range 18 {
		if _, err := f.svc.FindByCode(ctx, wrong, "198.51.100.7:5001"); badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Fatalf("wrong code under the limit: %v", err)
		}
	}
	if _, err := f.svc.FindByCode(ctx, ci.Code, "198.51.100.7"); badges.ErrorCode(err) != badges.ETOOMANY {
		t.Fatalf("right code after 20 wrong ones: %v, want too many", err)
	}
	if _, err := f.svc.FindByCode(ctx, ci.Code, "203.0.113.9"); err != nil {
		t.Fatalf("right code from another address: %v", err)
	}
	f.advance(16 * time.Minute)
	if _, err := f.svc.FindByCode(ctx, ci.Code, "198.51.100.7"); err != nil {
		t.Fatalf("right code once the window moved on: %v", err)
	}
}

// TestCheckIns_Link sends a link to a member (and the same answer, with no
// e-mail, to an unknown address); the link's page does not use it, posting
// it does, once.
func TestCheckIns_Link(t *testing.T) {
	f := newCheckInFixture(t)
	ctx := t.Context()
	ci := f.open(t)
	if err := f.svc.SendLink(ctx, ci, "nobody@example.org"); err != nil {
		t.Fatalf("unknown address: %v, want the same answer as a member's", err)
	}
	if err := f.svc.SendLink(ctx, ci, " Ada@Example.org "); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SendLink(ctx, ci, "not an address"); badges.ErrorField(err) != "email" {
		t.Errorf("bad address: %v, want an e-mail error", err)
	}
	sent := f.mail.all()
	if len(sent) != 1 {
		t.Fatalf("%d notifications, want 1 (to the member only)", len(sent))
	}
	n := sent[0]
	if n.Kind != badges.MailCheckIn || n.To != "ada@example.org" || n.MemberID != f.member.ID || n.Data["member"] != "Ada" ||
		n.Data["behaviour"] != "Attended a session" || n.Data["expires"] != "2 hours" {
		t.Fatalf("notification %+v", n)
	}
	u, err := url.Parse(n.Data["link"])
	if err != nil {
		t.Fatal(err)
	}
	token := u.Path[strings.LastIndex(u.Path, "/")+1:]
	for range 2 { // a mail scanner opening the page uses nothing
		if _, err := f.svc.LinkCheckIn(ctx, token); err != nil {
			t.Fatalf("link page: %v", err)
		}
	}
	got, already, err := f.svc.ConfirmLink(ctx, token)
	if err != nil || already || got.ID != ci.ID {
		t.Fatalf("confirm by link: %v, already %v", err, already)
	}
	if _, _, err := f.svc.ConfirmLink(ctx, token); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("link used twice: %v, want it refused", err)
	}
	if _, err := f.svc.LinkCheckIn(ctx, token); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("used link's page: %v, want it refused", err)
	}
	if _, _, err := f.svc.ConfirmLink(ctx, "x"+token); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("unknown link: %v, want it refused", err)
	}
}

// TestCheckIns_LinkExpires refuses a link once the check-in's window
// ended, and limits the links one address may ask for.
func TestCheckIns_LinkExpires(t *testing.T) {
	f := newCheckInFixture(t)
	ctx := t.Context()
	ci := f.open(t)
	for range 5 {
		if err := f.svc.SendLink(ctx, ci, "ada@example.org"); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.svc.SendLink(ctx, ci, "ada@example.org"); badges.ErrorCode(err) != badges.ETOOMANY {
		t.Errorf("sixth link: %v, want too many", err)
	}
	link := f.mail.all()[0].Data["link"]
	f.advance(badges.DefaultCheckInWindow)
	if _, _, err := f.svc.ConfirmLink(ctx, link[strings.LastIndex(link, "/")+1:]); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("link after the window: %v, want it refused", err)
	}
	if f.awards(t) != 0 {
		t.Errorf("%d awards after an expired link, want none", f.awards(t))
	}
	f.advance(time.Second)
	if err := f.svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := f.db.Collection(database.CheckInLinks).CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Errorf("%d links after the sweep (%v), want none", n, err)
	}
}

// TestCheckIns_Open checks the host's input and lists a community's
// check-ins newest first, apart from another community's.
func TestCheckIns_Open(t *testing.T) {
	f := newCheckInFixture(t)
	ctx := t.Context()
	for _, tc := range []struct {
		in    badges.CheckInInput
		field string
	}{
		{badges.CheckInInput{Behaviour: "attended-session"}, "title"},
		{badges.CheckInInput{Behaviour: "attended-session", Title: "Bell\a"}, "title"},
		{badges.CheckInInput{Behaviour: "attended-session", Title: "T", Window: 25 * time.Hour}, "window"},
		{badges.CheckInInput{Behaviour: "attended-session", Title: "T", Window: time.Minute}, "window"},
		{badges.CheckInInput{Behaviour: "no-such-thing", Title: "T"}, "behaviour"},
	} {
		if _, err := f.svc.Open(ctx, issuerA, tc.in); badges.ErrorField(err) != tc.field {
			t.Errorf("open %+v: %v, want an error on %s", tc.in, err, tc.field)
		}
	}
	a, b := f.open(t), f.open(t)
	list, err := f.svc.CheckInsOf(ctx, issuerA)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID || a.Code == b.Code {
		t.Errorf("list %v, want the two check-ins newest first with distinct codes", list)
	}
	if other, err := f.svc.CheckInsOf(ctx, issuerB); err != nil || len(other) != 0 {
		t.Errorf("another community's list: %v, %v", other, err)
	}
	if _, err := f.svc.CheckIn(ctx, issuerB, a.ID); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("another community's check-in: %v, want not found", err)
	}
}

package api_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// voidAnswer is the answer to voiding an activity.
type voidAnswer struct {
	AlreadyVoided bool
	Reviews       []reviewItem
}

type reviewItem struct {
	ID, MemberID, AchievementID, AchievementName, Status string
	CredentialIDs                                        []string
}

// progressOf returns a member's progress by badge id.
func progressOf(t *testing.T, ts *testServer, member string) map[string]struct{ Held, Met bool } {
	t.Helper()
	var p struct {
		Items []struct {
			AchievementID string
			Held, Met     bool
		}
	}
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + member + "/progress"}).want(t, 200).JSON(t, &p)
	out := map[string]struct{ Held, Met bool }{}
	for _, it := range p.Items {
		out[it.AchievementID] = struct{ Held, Met bool }{it.Held, it.Met}
	}
	return out
}

// setRule sets a badge's rule through the API.
func setRule(t *testing.T, ts *testServer, ach, rule string) {
	t.Helper()
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json", body: rule}).want(t, 200)
}

// TestCorrections_RebuildKeepsCohortsLeft: a member who joined cohort
// Spring through an activity and left it stays out of it when an
// unrelated activity of theirs is voided: the rebuilt record does not
// replay the activity's cohort name, so the cohort badge does not come
// back into their progress.
func TestCorrections_RebuildKeepsCohortsLeft(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Spring Poster"})["id"].(string)
	co := mustCohort(t, ts, iss, "Spring")
	setRule(t, ts, ach, `{"condition":{"all":[{"cohort":{"name":"Spring"}},{"count":{"behaviour":"posted","min":5}}]}}`)
	ada := mustMember(t, ts, iss, "ada@example.org", "Ada")
	f := &correctionFixture{ts: ts, iss: iss}
	f.record(t, map[string]any{"memberId": ada, "behaviour": "posted", "at": time.Now().Add(-2 * time.Hour), "cohort": "Spring", "sourceEventId": "p1"})
	unrelated := f.record(t, map[string]any{"memberId": ada, "behaviour": "attended-session", "at": time.Now().Add(-time.Hour), "sourceEventId": "s1"})
	if _, ok := progressOf(t, ts, ada)[ach]; !ok {
		t.Fatal("the cohort badge is not in the progress of a member of the cohort")
	}
	ts.do(t, req{method: "DELETE", path: "/api/v1/cohorts/" + co.ID + "/members/" + ada}).want(t, 204)
	if _, ok := progressOf(t, ts, ada)[ach]; ok {
		t.Fatal("the cohort badge is in the progress of a member who left the cohort")
	}
	ts.do(t, req{method: "POST", path: voidPath(unrelated)}).want(t, 200)
	if _, ok := progressOf(t, ts, ada)[ach]; ok {
		t.Fatal("after a void, the cohort badge is back in the progress of a member who left the cohort")
	}
}

// TestCorrections_VoidBackdatedActivityEndsTenure: an activity typed with
// the wrong year made a new member a member of a year's standing; voiding
// it takes that back (the start of membership is recomputed), and the
// tenure badge it earned is listed for review.
func TestCorrections_VoidBackdatedActivityEndsTenure(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Veteran"})["id"].(string)
	setRule(t, ts, ach, `{"condition":{"tenure":{"days":365}}}`)
	ada := mustMember(t, ts, iss, "ada@example.org", "Ada")
	f := &correctionFixture{ts: ts, iss: iss}
	wrong := f.record(t, map[string]any{"memberId": ada, "behaviour": "posted", "at": time.Now().AddDate(-1, 0, -30), "sourceEventId": "typo"})
	cred := ts.awaitCredential(t, ada, ach)
	if p := progressOf(t, ts, ada)[ach]; !p.Met || !p.Held {
		t.Fatalf("before the void: %+v; want the tenure rule met and its badge held", p)
	}
	var v voidAnswer
	ts.do(t, req{method: "POST", path: voidPath(wrong), body: map[string]any{"reason": "Wrong year."}}).want(t, 200).JSON(t, &v)
	if p := progressOf(t, ts, ada)[ach]; p.Met {
		t.Fatal("tenure is still met after the back-dated activity was voided")
	}
	if len(v.Reviews) != 1 || v.Reviews[0].AchievementID != ach || len(v.Reviews[0].CredentialIDs) != 1 {
		t.Fatalf("reviews %+v; want one of the tenure badge (credential %.200s)", v.Reviews, cred)
	}
}

// TestCorrections_RebuildKeepsAwardDates: a pathway completed after a
// void is dated no earlier than its prerequisite: the rebuilt record
// keeps the award dates of badges awarded by rule.
func TestCorrections_RebuildKeepsAwardDates(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	poster := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Poster"})["id"].(string)
	regular := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Regular Poster"})["id"].(string)
	setRule(t, ts, poster, `{"condition":{"count":{"behaviour":"posted","min":1}}}`)
	setRule(t, ts, regular, `{"condition":{"all":[{"holds":{"achievement":"`+poster+`"}},{"count":{"behaviour":"attended-session","min":2}}]}}`)
	ada := mustMember(t, ts, iss, "ada@example.org", "Ada")
	f := &correctionFixture{ts: ts, iss: iss}
	now := time.Now()
	f.record(t, map[string]any{"memberId": ada, "behaviour": "attended-session", "at": now.Add(-3 * time.Hour), "sourceEventId": "s1"})
	unrelated := f.record(t, map[string]any{"memberId": ada, "behaviour": "hosted-session", "at": now.Add(-2 * time.Hour), "sourceEventId": "h1"})
	f.record(t, map[string]any{"memberId": ada, "behaviour": "posted", "at": now.Add(-time.Hour), "sourceEventId": "p1"})
	ts.awaitCredential(t, ada, poster)
	ts.do(t, req{method: "POST", path: voidPath(unrelated)}).want(t, 200)
	f.record(t, map[string]any{"memberId": ada, "behaviour": "attended-session", "at": now.Add(-4 * time.Hour), "sourceEventId": "s0"})
	ts.awaitCredential(t, ada, regular)
	dates := map[string]time.Time{}
	sc, err := ts.stores.Showcases.MemberShowcase(t.Context(), ada)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sc.Entries {
		dates[e.AchievementID] = e.AwardedAt
	}
	if dates[regular].Before(dates[poster]) {
		t.Fatalf("the pathway is dated %v, before its prerequisite, dated %v", dates[regular], dates[poster])
	}
}

// TestCorrections_ReviewAtAwardDate: a badge for a session hosted within
// seven days, earned ten days ago, is reviewed when that session is
// voided, though its rule is not met now either way: the rule is judged
// at the credential's award date.
func TestCorrections_ReviewAtAwardDate(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Host"})["id"].(string)
	rule := `{"condition":{"count":{"behaviour":"hosted-session","min":1,"withinDays":7}}}`
	setRule(t, ts, ach, rule)
	h := newRuleAwards(t, ts, iss, ach, rule)
	h.record(time.Now().Add(-10*24*time.Hour), "s1")
	creds := h.credentials(1)
	var v voidAnswer
	ts.do(t, req{method: "POST", path: voidPath("src:" + iss + ":s1"), body: map[string]any{"reason": "Never happened."}}).want(t, 200).JSON(t, &v)
	if len(v.Reviews) != 1 || v.Reviews[0].AchievementID != ach || !slices.Equal(v.Reviews[0].CredentialIDs, []string{creds[0].CredentialID}) {
		t.Fatalf("reviews %+v; want one of credential %s", v.Reviews, creds[0].CredentialID)
	}
}

// TestCorrections_RevokeOnlyTheReviewedCredential: a repeatable monthly
// badge earned in two months; voiding the later month's activity reviews
// that month's credential only, and revoking the review leaves the
// earlier one valid. A review opened before reviews named their
// credentials revokes the one whose rule is not met at its date.
func TestCorrections_RevokeOnlyTheReviewedCredential(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		t.Run(map[bool]string{false: "named", true: "opened before reviews named credentials"}[legacy], func(t *testing.T) {
			ts := newTestServer(t)
			iss := mustIssuer(t, ts)
			ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Monthly Host", "repeatable": true})["id"].(string)
			rule := `{"condition":{"count":{"behaviour":"hosted-session","min":1,"withinDays":60}},"period":"month"}`
			setRule(t, ts, ach, rule)
			h := newRuleAwards(t, ts, iss, ach, rule)
			h.record(time.Now().Add(-70*24*time.Hour), "earlier")
			h.credentials(1)
			h.record(time.Now(), "later")
			creds := h.credentials(2)
			slices.SortFunc(creds, func(a, b issuer.ShowcaseEntry) int { return a.AwardedAt.Compare(b.AwardedAt) })
			earlier, later := creds[0].CredentialID, creds[1].CredentialID
			var v voidAnswer
			ts.do(t, req{method: "POST", path: voidPath("src:" + iss + ":later"), body: map[string]any{"reason": "Cancelled."}}).want(t, 200).JSON(t, &v)
			if len(v.Reviews) != 1 || !slices.Equal(v.Reviews[0].CredentialIDs, []string{later}) {
				t.Fatalf("reviews %+v; want one of the later credential %s", v.Reviews, later)
			}
			if legacy {
				err := ts.stores.Reviews.ChangeReviews(t.Context(), iss, func(rs *badges.Reviews) error {
					rs.Items[0].CredentialIDs = nil
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			var r reviewItem
			ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/reviews/" + v.Reviews[0].ID + "/revoke", body: map[string]any{"reason": "Cancelled session."}}).
				want(t, 200).JSON(t, &r)
			if r.Status != "revoked" || !slices.Equal(r.CredentialIDs, []string{later}) {
				t.Fatalf("revoked review %+v", r)
			}
			revoked := map[string]bool{}
			sc, err := h.issuing.MemberShowcase(t.Context(), h.member)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range sc.Entries {
				revoked[e.CredentialID] = e.Revoked
			}
			if revoked[earlier] || !revoked[later] {
				t.Fatalf("revoked %v; want only the later credential %s", revoked, later)
			}
		})
	}
}

// TestCorrections_DismissAndRevokeAtOnce: a dismissal and a revocation of
// the same review sent at once never leave the review dismissed with its
// credential revoked, nor both answered 200.
func TestCorrections_DismissAndRevokeAtOnce(t *testing.T) {
	for round := range 3 {
		f := newCorrectionFixture(t)
		ts := f.ts
		var v voidAnswer
		ts.do(t, req{method: "POST", path: voidPath(f.acts[0])}).want(t, 200).JSON(t, &v)
		path := "/api/v1/issuers/" + f.iss + "/reviews/" + v.Reviews[0].ID
		rs := atOnce(t,
			call{ts, req{method: "POST", path: path + "/revoke", body: map[string]any{"reason": "Not earned."}}},
			call{ts, req{method: "POST", path: path + "/dismiss", body: map[string]any{"note": "Earned."}}})
		var list struct{ Items []reviewItem }
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + f.iss + "/reviews"}).want(t, 200).JSON(t, &list)
		held := progressOf(t, ts, f.ada)[f.ach].Held
		status := list.Items[0].Status
		if rs[0].Code == 200 && rs[1].Code == 200 || status == "dismissed" && !held || status == "revoked" && held {
			t.Fatalf("round %d: statuses %v, review %s, badge held %v", round, statuses(rs), status, held)
		}
	}
}

// failOpening is a review store whose first change that opens a review
// fails, as a process dying there would.
type failOpening struct {
	badges.ReviewStore
	mu     sync.Mutex
	failed bool
}

var errCutShort = errors.New("the process died")

func (s *failOpening) ChangeReviews(ctx context.Context, issuerID string, change func(*badges.Reviews) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.failed {
		rs, err := s.Reviews(ctx, issuerID)
		if err != nil {
			return err
		}
		n := len(rs.Items)
		if err := change(&rs); err == nil && len(rs.Items) > n {
			s.failed = true
			return errCutShort
		}
	}
	return s.ReviewStore.ChangeReviews(ctx, issuerID, change)
}

// newTestServerWithCorrections is a test server whose corrections are
// those corrections makes of its Laurel.
func newTestServerWithCorrections(t *testing.T, corrections func(l *wire.Laurel) *badges.Corrections) *testServer {
	t.Helper()
	db := mongotest.NewDB(t)
	l := newLaurelWith(t, db, nil)
	l.Corrections = corrections(l)
	return serveWorking(t, db, l)
}

// serveWorking is a test server on l, whose background work runs until
// the test ends.
func serveWorking(t *testing.T, db *database.DB, l *wire.Laurel) *testServer {
	t.Helper()
	work, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); l.Work(work, 50*time.Millisecond, 0, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() { stop(); <-stopped })
	srv, err := l.Server(api.Config{BaseURL: baseURL, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	token, err := l.Stores.APIKeys.BootstrapAPIKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{srv: srv, db: db, stores: l.Stores, admin: token, router: mustRouter(t), verifier: l.Verifier, accounts: l.Accounts}
}

// serveUnchecked serves a request without checking the answer against
// the OpenAPI document, which does not list a failure's 500.
func serveUnchecked(t *testing.T, ts *testServer, q req) *httptest.ResponseRecorder {
	t.Helper()
	r, _ := ts.request(t, q)
	w := httptest.NewRecorder()
	ts.srv.ServeHTTP(w, r)
	return w
}

// TestCorrections_RetryFinishesReviews: a void cut short after the
// record was rebuilt, before its review was opened, opens it when the
// void is sent again.
func TestCorrections_RetryFinishesReviews(t *testing.T) {
	ts := newTestServerWithCorrections(t, func(l *wire.Laurel) *badges.Corrections {
		return badges.NewCorrections(&failOpening{ReviewStore: l.Stores.Reviews}, l.Awarder, l.Issuing.CredentialsFunc(), l.Issuing.RevokeFunc())
	})
	f := newCorrectionFixtureOn(t, ts)
	if w := serveUnchecked(t, ts, req{method: "POST", path: voidPath(f.acts[0])}); w.Code != http.StatusInternalServerError {
		t.Fatalf("void cut short: %d %s", w.Code, w.Body)
	}
	var v voidAnswer
	ts.do(t, req{method: "POST", path: voidPath(f.acts[0])}).want(t, 200).JSON(t, &v)
	if !v.AlreadyVoided || len(v.Reviews) != 1 || v.Reviews[0].AchievementID != f.ach || len(v.Reviews[0].CredentialIDs) != 1 {
		t.Fatalf("void sent again: %+v", v)
	}
}

// TestCorrections_RevokeCutShort: a revocation whose revoking fails
// leaves the review decided (a dismissal is refused) and is finished when
// it is sent again.
func TestCorrections_RevokeCutShort(t *testing.T) {
	var failed atomic.Bool
	ts := newTestServerWithCorrections(t, func(l *wire.Laurel) *badges.Corrections {
		revoke := l.Issuing.RevokeFunc()
		return badges.NewCorrections(l.Stores.Reviews, l.Awarder, l.Issuing.CredentialsFunc(), func(ctx context.Context, id string, in badges.RevokeInput) error {
			if failed.CompareAndSwap(false, true) {
				return errCutShort
			}
			return revoke(ctx, id, in)
		})
	})
	f := newCorrectionFixtureOn(t, ts)
	var v voidAnswer
	ts.do(t, req{method: "POST", path: voidPath(f.acts[0])}).want(t, 200).JSON(t, &v)
	path := "/api/v1/issuers/" + f.iss + "/reviews/" + v.Reviews[0].ID
	revoke := req{method: "POST", path: path + "/revoke", body: map[string]any{"reason": "Not earned."}}
	if w := serveUnchecked(t, ts, revoke); w.Code != http.StatusInternalServerError {
		t.Fatalf("revoke cut short: %d %s", w.Code, w.Body)
	}
	ts.do(t, req{method: "POST", path: path + "/dismiss"}).wantProblem(t, 409, badges.ECONFLICT, "")
	var r reviewItem
	ts.do(t, revoke).want(t, 200).JSON(t, &r)
	if r.Status != "revoked" || progressOf(t, ts, f.ada)[f.ach].Held {
		t.Fatalf("revoke sent again: %+v, badge held %v", r, progressOf(t, ts, f.ada)[f.ach].Held)
	}
	ts.do(t, revoke).wantProblem(t, 409, badges.ECONFLICT, "")
}

// TestCorrections_VoidEndorsement: voiding the endorser's endorsed-peer
// activity takes the endorsement out of the endorsed member's record, and
// the badge it earned them is listed for review.
func TestCorrections_VoidEndorsement(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	leader := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Leader", "level": "leadership"})["id"].(string)
	recognised := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Recognised"})["id"].(string)
	setRule(t, ts, recognised, `{"condition":{"endorsements":{"min":1}}}`)
	ann, dan := mustMember(t, ts, iss, "ann@example.org", "Ann"), mustMember(t, ts, iss, "dan@example.org", "Dan")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": leader, "memberId": ann}}).want(t, 201)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/endorsements", body: map[string]any{"endorserId": ann, "memberId": dan}}).want(t, 201)
	ts.awaitCredential(t, dan, recognised)
	if p := progressOf(t, ts, dan)[recognised]; !p.Met {
		t.Fatalf("before the void: %+v; want the endorsement rule met", p)
	}
	f := &correctionFixture{ts: ts, iss: iss}
	var endorsed string
	for _, a := range f.activities(t, ann, "").Items {
		if a.Behaviour == badges.BehaviourEndorsement {
			endorsed = a.ID
		}
	}
	var v voidAnswer
	ts.do(t, req{method: "POST", path: voidPath(endorsed), body: map[string]any{"reason": "Endorsed the wrong member."}}).want(t, 200).JSON(t, &v)
	if p := progressOf(t, ts, dan)[recognised]; p.Met {
		t.Fatal("the endorsed member still meets the endorsement rule after the endorsement was voided")
	}
	if len(v.Reviews) != 1 || v.Reviews[0].MemberID != dan || v.Reviews[0].AchievementID != recognised {
		t.Fatalf("reviews %+v; want Dan's Recognised", v.Reviews)
	}
}

// TestActivities_BadPeerEmail: a peer e-mail address that is not one is
// refused on peerEmail, not on the member's own email.
func TestActivities_BadPeerEmail(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ada := mustMember(t, ts, iss, "ada@example.org", "Ada")
	for _, bad := range []string{"not-an-address", strings.Repeat("x", 400) + "@example.org"} {
		p := ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities",
			body: map[string]any{"memberId": ada, "behaviour": "mentored-member", "at": time.Now().Add(-time.Hour), "peerEmail": bad}}).
			wantProblem(t, 400, badges.EINVALID, "peerEmail")
		wantIn(t, p.Detail, `peerEmail "`+bad[:min(len(bad), 20)])
	}
}

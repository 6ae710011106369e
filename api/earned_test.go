package api_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// newMailingServer is newTestServer with the award e-mails queued to a
// recorder, and the award queue's worker running.
func newMailingServer(t *testing.T) (*testServer, *recordingNotifier) {
	t.Helper()
	db := mongotest.NewDB(t)
	loaderOnce.Do(func() { loader, loaderErr = ob3.NewDocumentLoader() })
	if loaderErr != nil {
		t.Fatal(loaderErr)
	}
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	mail := &recordingNotifier{}
	l, err := wire.New(db, wire.Config{BaseURL: baseURL, Sealer: sealer, Loader: loader, Logger: testLogger(t), Notifier: mail})
	if err != nil {
		t.Fatal(err)
	}
	return serveWorking(t, db, l), mail
}

// TestEarnedMail: every way a badge is awarded queues its e-mail exactly
// once per credential, and an award answered with an earlier credential
// queues the same key again.
func TestEarnedMail(t *testing.T) {
	ts, mail := newMailingServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "repeatable": true})["id"].(string)
	awards := "/api/v1/issuers/" + iss + "/awards"

	t.Run("by API", func(t *testing.T) {
		var cred struct{ ID string }
		body := map[string]any{"achievementId": ach, "email": "ada@example.org", "name": "Ada"}
		h := map[string][]string{"Idempotency-Key": {"award-ada-1"}}
		ts.do(t, req{method: "POST", path: awards, body: body, header: h}).want(t, 201).JSON(t, &cred)
		if got := mail.byKey(); len(got) != 1 || got["earned:"+cred.ID] != 1 {
			t.Fatalf("queued %v, want one earned:%s", got, cred.ID)
		}
		ts.do(t, req{method: "POST", path: awards, body: body, header: h}).want(t, 200)
		if got := mail.byKey(); len(got) != 1 || got["earned:"+cred.ID] != 2 {
			t.Fatalf("after the same award again: %v, want earned:%s queued again, nothing else", got, cred.ID)
		}
		n := mail.all()[0]
		if n.Kind != badges.MailEarned || n.To != "ada@example.org" || n.Data["member"] != "Ada" || n.Data["badge"] != "Session Host" ||
			n.Data["claimURL"] != baseURL+claimPath(t, cred.ID) || n.Data["badgeURL"] != baseURL+"/credentials/"+cred.ID {
			t.Fatalf("notification %+v", n)
		}
	})
	t.Run("in bulk", func(t *testing.T) {
		before := len(mail.byKey())
		var rep struct {
			Rows []struct{ CredentialID string }
		}
		rows := []map[string]any{{"achievementId": ach, "email": "b1@example.org", "name": "B One"},
			{"achievementId": ach, "email": "b2@example.org", "name": "B Two"}}
		ts.do(t, req{method: "POST", path: awards + "/bulk", body: rows}).want(t, 200).JSON(t, &rep)
		got := mail.byKey()
		for _, r := range rep.Rows {
			if got["earned:"+r.CredentialID] != 1 {
				t.Errorf("credential %s: queued %d times", r.CredentialID, got["earned:"+r.CredentialID])
			}
		}
		if len(got) != before+2 {
			t.Fatalf("queued %v", got)
		}
	})
	t.Run("by rule, through the award queue", func(t *testing.T) {
		rule := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Regular"})["id"].(string)
		ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + rule + "/rule", contentType: "application/json",
			body: `{"condition":{"count":{"behaviour":"attended-session","min":1}}}`}).want(t, 200)
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: []map[string]any{{"email": "cy@example.org",
			"name": "Cy", "createMember": true, "behaviour": "attended-session", "at": time.Now().UTC().Add(-time.Hour)}}}).want(t, 200)
		waitFor(t, "the award e-mail of the rule's badge", func() (string, bool) {
			var keys []string
			for _, n := range mail.all() {
				if n.To == "cy@example.org" {
					keys = append(keys, n.Key)
				}
			}
			return strings.Join(keys, ","), len(keys) == 1 && strings.HasPrefix(keys[0], "earned:")
		})
	})
}

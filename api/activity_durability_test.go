package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// goneAfter is a record store that ends the request's context once after
// members' records were written, as a client that times out does
// (`curl -m`), and remembers whose records were written.
type goneAfter struct {
	badges.RecordStore
	after int

	mu      sync.Mutex
	gone    context.CancelFunc
	written map[string]bool
}

func (g *goneAfter) UpdateRecord(ctx context.Context, memberID string, change func(*badges.MemberRecord) error) error {
	g.mu.Lock()
	if g.gone != nil && len(g.written) >= g.after {
		g.gone()
	}
	g.mu.Unlock()
	err := g.RecordStore.UpdateRecord(ctx, memberID, change)
	if err == nil {
		g.mu.Lock()
		g.written[memberID] = true
		g.mu.Unlock()
	}
	return err
}

// TestActivities_ResendAfterClientTimeout: a client that gives up on a
// batch while its members' records are being updated, and sends it again,
// has every activity recorded once — the resend answers "recorded" for
// those no record had — and the week counters count each once.
func TestActivities_ResendAfterClientTimeout(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	l := newLaurel(t, db)
	cut := &goneAfter{RecordStore: l.Awarder.Records, after: 8, written: map[string]bool{}}
	l.Awarder.Records = cut
	srv, err := l.Server(api.Config{BaseURL: baseURL, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	token, err := l.Stores.APIKeys.BootstrapAPIKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{srv: srv, db: db, stores: l.Stores, admin: token, router: mustRouter(t), verifier: l.Verifier}
	iss := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/activities"
	now := time.Now().UTC()
	var batch []map[string]any
	for m := range 30 {
		for j := range 10 {
			batch = append(batch, map[string]any{"email": fmt.Sprintf("m%d@example.org", m), "name": fmt.Sprint("M", m), "createMember": true,
				"behaviour": "attended-session", "at": now.Add(-time.Duration(j%2) * 7 * 24 * time.Hour).Add(-time.Hour), "sourceEventId": fmt.Sprintf("e-%d-%d", m, j)})
		}
	}
	raw, err := json.Marshal(batch)
	if err != nil {
		t.Fatal(err)
	}
	reqCtx, gone := context.WithCancel(ctx)
	cut.gone = gone
	r := httptest.NewRequest("POST", path, bytes.NewReader(raw)).WithContext(reqCtx)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	ts.srv.ServeHTTP(httptest.NewRecorder(), r)
	cut.mu.Lock()
	cut.gone = nil
	written := maps.Clone(cut.written)
	cut.mu.Unlock()
	if len(written) == 0 || len(written) == 30 {
		t.Fatalf("%d of 30 members' records written before the client went away; want some", len(written))
	}

	var rep struct {
		Recorded, Duplicate int
		Results             []struct{ Outcome, MemberID string }
	}
	ts.do(t, req{method: "POST", path: path, body: batch}).want(t, 200).JSON(t, &rep)
	if rep.Recorded == 0 || rep.Recorded+rep.Duplicate != len(batch) {
		t.Fatalf("resend: %d recorded, %d duplicate of %d; want those no record had recorded", rep.Recorded, rep.Duplicate, len(batch))
	}
	sent := map[string]int{}
	for i, res := range rep.Results {
		if written[res.MemberID] && res.Outcome != "duplicate" {
			t.Errorf("activity %d of member %s, whose record had it, answered %s", i, res.MemberID, res.Outcome)
		}
		sent[res.MemberID]++
	}
	for m, n := range sent {
		rec, err := l.Stores.Records.Record(ctx, m)
		if err != nil || rec == nil || rec.Behaviours["attended-session"].Count != n {
			t.Errorf("record of member %s: %+v, %v; want %d activities", m, rec, err, n)
		}
	}
	var stats struct {
		Weeks []struct{ Activities map[string]int }
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/stats?weeks=3"}).want(t, 200).JSON(t, &stats)
	counted := 0
	for _, w := range stats.Weeks {
		counted += w.Activities["attended-session"]
	}
	if counted != len(batch) {
		t.Errorf("the week counters count %d activities, %d were sent", counted, len(batch))
	}
}

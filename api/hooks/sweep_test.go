package hooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	bmongo "github.com/laurel-badges/laurel/badges/mongodb"
)

// TestWebhooks_SweepDeleted: what a deleted endpoint leaves (its delivery
// list in chunks, its deliveries, one still queued) is removed by the
// worker's sweep, in bounded batches, once the grace after the deletion
// has passed; another endpoint's deliveries stay.
func TestWebhooks_SweepDeleted(t *testing.T) {
	f := newFixture(t)
	f.db.SetClock(f.clock.Now)
	ctx := context.Background()
	r := newReceiver(t)
	gone, _ := f.endpoint(t, r.URL+"/gone")
	kept, _ := f.endpoint(t, r.URL+"/kept")
	var evs []string
	for i := range 600 {
		evs = append(evs, fmt.Sprintf("credential.issued:c%d", i))
	}
	f.publish(t, evs...)
	f.drain(t)
	f.publish(t, "credential.issued:late") // queued, not yet sent
	if err := f.w.Delete(ctx, "guild", gone.ID); err != nil {
		t.Fatal(err)
	}
	f.drain(t) // the worker gives the late delivery up
	store := f.w.Store.(*bmongo.WebhookStore)
	ids := []string{badges.DeliveryID(gone.ID, "credential.issued:c0"), badges.DeliveryID(gone.ID, "credential.issued:c599"),
		badges.DeliveryID(gone.ID, "credential.issued:late")}
	for _, id := range ids[:2] {
		if _, err := store.Delivery(ctx, id); err != nil {
			t.Fatalf("before the sweep, delivery %s: %v", id, err)
		}
	}
	if more, err := f.w.Sweep(ctx); err != nil || more {
		t.Fatalf("sweep within the grace: more %v, %v", more, err)
	}
	if _, err := store.Delivery(ctx, ids[0]); err != nil {
		t.Fatalf("within the grace, delivery %s: %v", ids[0], err)
	}
	f.clock.Add(10 * time.Minute)
	sweeps := 0
	for more := true; more; sweeps++ {
		var err error
		if more, err = f.w.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if sweeps > 10 {
			t.Fatal("the sweep never ends")
		}
	}
	if sweeps < 2 {
		t.Errorf("%d sweeps removed 601 deliveries and their lists; want batches", sweeps)
	}
	for _, id := range ids {
		if _, err := store.Delivery(ctx, id); badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Errorf("after the sweep, delivery %s: %v", id, err)
		}
	}
	if due, err := f.w.Store.DueDeliveries(ctx, f.clock.Now().Add(48*time.Hour), 1000); err != nil || len(due) != 0 {
		t.Errorf("queue after the sweep: %d entries, %v", len(due), err)
	}
	page, err := f.w.Deliveries(ctx, "guild", kept.ID, badges.ListOptions{Limit: 100})
	if err != nil || page.Total != 601 {
		t.Errorf("the kept endpoint's deliveries: %+v, %v", page, err)
	}
}

// TestWebhooks_BatchedQueue: deliveries queued together by one fan-out
// keep their retries and per-delivery outcomes: a failure in the middle
// of a batch retries that delivery alone, later ones are sent at the next
// drain, and an event published again before its delivery was sent, in
// another fan-out, is still sent once. The queue is empty at the end.
func TestWebhooks_BatchedQueue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := newReceiver(t, 200, 500)
	f.endpoint(t, r.URL)
	f.publish(t, "credential.issued:c0", "credential.issued:c1", "credential.issued:c2")
	f.drain(t) // c0 delivered, c1 fails and ends the run
	f.drain(t) // c2, still due in its batch
	f.clock.Add(6 * time.Second)
	f.drain(t) // c1's retry
	sender := f.w.Sender
	f.w.Sender = nil // fan out only
	f.publish(t, "credential.issued:c3")
	f.drain(t)
	f.publish(t, "credential.issued:c3")
	f.drain(t)
	f.w.Sender = sender
	f.drain(t)
	f.drain(t)
	var got []string
	for _, g := range r.requests() {
		var p badges.EventPayload
		if err := json.Unmarshal(g.Body, &p); err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Data.EventID)
	}
	want := []string{"credential.issued:c0", "credential.issued:c1", "credential.issued:c2", "credential.issued:c1", "credential.issued:c3"}
	if !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
	if due, err := f.w.Store.DueDeliveries(ctx, f.clock.Now().Add(48*time.Hour), 100); err != nil || len(due) != 0 {
		t.Errorf("queue at the end: %+v, %v", due, err)
	}
}

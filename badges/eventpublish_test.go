package badges_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/eventtest"
)

// TestPublishEventBatches: many events are published a bounded batch at a
// time; none, or no publisher, publishes nothing.
func TestPublishEventBatches(t *testing.T) {
	ctx := context.Background()
	var events []badges.CommunityEvent
	for i := range 2500 {
		events = append(events, badges.NewEvent(badges.EventMemberCreated, "i1", time.Now(), badges.EventSubject{MemberID: strconv.Itoa(i)}, strconv.Itoa(i)))
	}
	rec := &eventtest.Recorder{}
	if err := badges.PublishEventBatches(ctx, rec, events); err != nil {
		t.Fatal(err)
	}
	if b := rec.Batches(badges.EventMemberCreated); !slices.Equal(b, []int{1000, 1000, 500}) {
		t.Errorf("batches %v, want 1000, 1000 and 500", b)
	}
	if got := rec.Events()[2499].ID; got != "member.created:2499" {
		t.Errorf("last id %q", got)
	}
	rec.Reset()
	if err := badges.PublishEventBatches(ctx, rec, nil); err != nil || rec.Calls() != 0 {
		t.Errorf("no events: %v, %d calls", err, rec.Calls())
	}
	if err := badges.PublishEvents(ctx, nil, events[0]); err != nil {
		t.Errorf("no publisher: %v", err)
	}
}

// TestNewEvent: an event's id is its type and parts, its time UTC to the
// millisecond.
func TestNewEvent(t *testing.T) {
	at := time.Date(2026, 12, 5, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))
	e := badges.NewEvent(badges.EventMeasureTargetMet, "i1", at, badges.EventSubject{MeasureID: "m1"}, "m1", "2026-W49")
	if e.ID != "measure.target_met:m1:2026-W49" || e.Type != badges.EventMeasureTargetMet || e.IssuerID != "i1" ||
		!e.At.Equal(at.Truncate(time.Millisecond)) || e.At.Location() != time.UTC {
		t.Errorf("event %+v", e)
	}
}

package badges_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// keepingStore keeps what Notify adds.
type keepingStore struct {
	badges.MessageStore
	added []*badges.Message
}

func (s *keepingStore) AddMessages(_ context.Context, ms []*badges.Message) ([]bool, error) {
	s.added = append(s.added, ms...)
	return make([]bool, len(ms)), nil
}

// failingComposer fails for the notifications whose index (in Data) it
// names.
type failingComposer struct{ fail map[string]bool }

func (c failingComposer) Compose(ctx context.Context, n badges.Notification) (*badges.Message, error) {
	if c.fail[n.Data["i"]] {
		return nil, fmt.Errorf("composing %s failed", n.Data["i"])
	}
	return plainComposer{}.Compose(ctx, n)
}

// TestOutbox_NotifyManyInOrder: many notifications, composed several at
// once, are stored in their order without repeats, and a failure is the
// first one's, as when they are composed in turn.
func TestOutbox_NotifyManyInOrder(t *testing.T) {
	ns := make([]badges.Notification, 200)
	for i := range ns {
		ns[i] = badges.Notification{Key: "earned:" + strconv.Itoa(i%150), Kind: badges.MailEarned, IssuerID: "iss",
			To: "ada@example.org", Data: map[string]string{"i": strconv.Itoa(i), "badge": strconv.Itoa(i)}}
	}
	store := &keepingStore{}
	o := &badges.Outbox{Store: store, Composer: failingComposer{}}
	if err := o.Notify(t.Context(), ns...); err != nil {
		t.Fatal(err)
	}
	if len(store.added) != 150 {
		t.Fatalf("stored %d messages, want 150 (the repeated keys once)", len(store.added))
	}
	for i, m := range store.added {
		if m.ID != badges.MessageID("iss", "earned:"+strconv.Itoa(i)) || m.Subject != "About "+strconv.Itoa(i) {
			t.Fatalf("message %d is %s %q", i, m.ID, m.Subject)
		}
	}
	o.Composer = failingComposer{fail: map[string]bool{"37": true, "120": true, "199": true}}
	store.added = nil
	if err := o.Notify(t.Context(), ns...); err == nil || err.Error() != "composing 37 failed" || len(store.added) != 0 {
		t.Fatalf("Notify: %v, %d stored; want the 37th's error and nothing stored", err, len(store.added))
	}
}

package badges

import (
	"context"
	"time"
)

// A member who follows a message's unsubscribe link gets no more of the
// community's messages that are not transactional (sign-in and check-in
// links still come: they answer what the member asked for). The address
// is never stored for it: the opt-out is kept under a keyed hash of the
// address, the same one the link carries.

// MailOptOutStore keeps who unsubscribed from each community's e-mail.
type MailOptOutStore interface {
	// OptOut records that the address behind addressKey unsubscribed, at
	// a time; doing it again keeps the first time.
	OptOut(ctx context.Context, issuerID, addressKey string, at time.Time) error
	// OptIn forgets an opt-out; forgetting none is no error.
	OptIn(ctx context.Context, issuerID, addressKey string) error
	// OptedOut reports whether the address unsubscribed, and when.
	OptedOut(ctx context.Context, issuerID, addressKey string) (bool, time.Time, error)
}

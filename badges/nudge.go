package badges

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The weekly progress e-mail: a member may opt in to a weekly note of
// their nearest badges ("Hosted a session once more in the last 90 days
// for the Session Host badge."). Opt-ins are kept in a small store of
// their own, by member id, so that the weekly sweep reads only the
// members who asked, never the member list. A member is sent at most one
// note per ISO week (the notification's key names the week, and the
// opt-in remembers the last week sent), and none when nothing is near.

// MaxNudgeLines is how many badges one weekly note names.
const MaxNudgeLines = 3

// NudgeOptIn is a member's choice about the weekly progress e-mail.
type NudgeOptIn struct {
	MemberID  string
	IssuerID  string
	On        bool
	ChangedAt time.Time // when the member last chose
	LastWeek  string    // the ISO week last sent, e.g. "2026-W49"
}

// NudgeStore keeps the opt-ins.
type NudgeStore interface {
	// SetNudge records a member's choice, keeping the last week sent.
	SetNudge(ctx context.Context, memberID, issuerID string, on bool, at time.Time) error
	// Nudge reads a member's opt-in; the zero value when they never chose.
	Nudge(ctx context.Context, memberID string) (NudgeOptIn, error)
	// EachNudge calls fn with every opt-in that is on: a scan of the
	// store, for the background sweep only.
	EachNudge(ctx context.Context, fn func(NudgeOptIn) error) error
	// MarkNudged records that week was sent to the member.
	MarkNudged(ctx context.Context, memberID, week string) error
}

// Nudges keeps the opt-ins and sends the weekly notes.
type Nudges struct {
	Store    NudgeStore
	Members  MemberService
	Progress func(ctx context.Context, memberID string) ([]AchievementProgress, error)
	// Notifier queues the notes; nil sends none.
	Notifier Notifier
	// PortalURL is the link to a community's member portal, for the note;
	// nil leaves it out.
	PortalURL func(issuerID string) string
	Now       func() time.Time
}

// NewNudges returns the weekly notes of the awarder's members.
func NewNudges(store NudgeStore, a *Awarder, now func() time.Time) *Nudges {
	return &Nudges{Store: store, Members: a.Members, Progress: a.Progress, Now: now}
}

// SetOptIn records a member's choice about the weekly e-mail.
func (n *Nudges) SetOptIn(ctx context.Context, memberID string, on bool) error {
	m, err := n.Members.Member(ctx, memberID)
	if err != nil {
		return err
	}
	if on && m.Forgotten() {
		return m.forgottenError()
	}
	return n.Store.SetNudge(ctx, m.ID, m.IssuerID, on, n.Now().UTC())
}

// OptedIn reports whether a member asked for the weekly e-mail.
func (n *Nudges) OptedIn(ctx context.Context, memberID string) (bool, error) {
	o, err := n.Store.Nudge(ctx, memberID)
	return o.On, err
}

// ISOWeek names the ISO week of t: "2026-W49".
func ISOWeek(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// NudgeLines are the lines of a member's weekly note: their nearest
// badges not held, closest first (the order Progress gives), each with
// its next step; none when nothing is near.
func NudgeLines(ps []AchievementProgress) []string {
	var lines []string
	for _, p := range ps {
		if l := p.NudgeLine(); l != "" && len(lines) < MaxNudgeLines {
			lines = append(lines, l)
		}
	}
	return lines
}

// Sweep queues this week's note for every opted-in member not sent one
// this week and with something to say, and reports how many it queued.
// A member it fails for is passed over until the next sweep; the first
// error is returned after the others are done.
func (n *Nudges) Sweep(ctx context.Context) (int, error) {
	if n.Notifier == nil {
		return 0, nil
	}
	week := ISOWeek(n.Now())
	sent := 0
	var first error
	err := n.Store.EachNudge(ctx, func(o NudgeOptIn) error {
		if o.LastWeek == week {
			return nil
		}
		ok, err := n.nudge(ctx, o, week)
		if ok {
			sent++
		}
		if err != nil && first == nil {
			first = err
		}
		return ctx.Err()
	})
	if err != nil {
		return sent, err
	}
	return sent, first
}

// nudge queues one member's note for week, then marks the week sent: a
// crash between the two queues it again under the same key, which the
// outbox keeps as one message.
func (n *Nudges) nudge(ctx context.Context, o NudgeOptIn, week string) (bool, error) {
	m, err := n.Members.Member(ctx, o.MemberID)
	switch {
	case ErrorCode(err) == ENOTFOUND || (err == nil && m.Forgotten()):
		return false, n.Store.SetNudge(ctx, o.MemberID, o.IssuerID, false, n.Now().UTC()) // gone: nothing to send, ever
	case err != nil:
		return false, err
	}
	ps, err := n.Progress(ctx, m.ID)
	if err != nil {
		return false, err
	}
	lines := NudgeLines(ps)
	if len(lines) == 0 {
		return false, nil // nothing to say this week; asked again at the next sweep
	}
	data := map[string]string{"member": m.DisplayName, "lines": strings.Join(lines, "\n")}
	if n.PortalURL != nil {
		data["portalURL"] = n.PortalURL(m.IssuerID)
	}
	note := Notification{Key: "progress:" + m.ID + ":" + week, Kind: MailProgress, IssuerID: m.IssuerID, MemberID: m.ID, To: m.Email, Data: data}
	if err := n.Notifier.Notify(ctx, note); err != nil {
		return false, err
	}
	return true, n.Store.MarkNudged(ctx, m.ID, week)
}

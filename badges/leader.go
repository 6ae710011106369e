package badges

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Leaders are members who hold a badge that grants leadership (see
// Awarder.Leads). From the member portal they endorse peers and nominate
// them for badges as themselves, a bounded number of times a day, so that
// one leader's keen afternoon (or a stolen session) cannot flood the
// community's review queue and its members' inboxes.

// The default daily limits of one leader acting from the portal, per UTC
// day. The API, used by a community's own integrations, has none.
const (
	DefaultDailyEndorsements = 10
	DefaultDailyNominations  = 5
)

// LeaderDay is what one leader did on their latest day of acting.
type LeaderDay struct {
	Day          string // UTC date, 2006-01-02
	Endorsements int
	Nominations  int
}

// LeaderDayStore keeps each leader's day, one document per leader.
type LeaderDayStore interface {
	// LeaderDay reads a leader's latest day; the zero LeaderDay when none.
	LeaderDay(ctx context.Context, memberID string) (LeaderDay, error)
	// UpdateLeaderDay changes it atomically; change may run more than
	// once, and nothing is written when it returns an error.
	UpdateLeaderDay(ctx context.Context, memberID string, change func(*LeaderDay) error) error
}

// Leaders lets leaders endorse and nominate within their daily limits.
type Leaders struct {
	Awarder     *Awarder
	Nominations *Nominations
	Days        LeaderDayStore
	// DailyEndorsements and DailyNominations are the limits; zero means
	// the defaults.
	DailyEndorsements, DailyNominations int
}

// Allowance is how much of one kind of action a leader has left today.
type Allowance struct{ Used, Limit int }

// Left is how many more are allowed today.
func (a Allowance) Left() int { return max(a.Limit-a.Used, 0) }

// LeaderAllowance is a leader's allowances today.
type LeaderAllowance struct{ Endorsements, Nominations Allowance }

// errNotLeader refuses a member who leads nothing.
var errNotLeader = Errorf(EFORBIDDEN, "Only members holding a badge that grants leadership may endorse or nominate others.")

// leaderAction is one kind of action that a daily limit counts.
type leaderAction struct {
	count func(*LeaderDay) *int
	limit func(*Leaders) int
	verb  string // "endorse", for the message at the limit
	noun  string // "endorsements"
}

var (
	endorsing = leaderAction{func(d *LeaderDay) *int { return &d.Endorsements },
		func(l *Leaders) int { return orDefault(l.DailyEndorsements, DefaultDailyEndorsements) }, "endorse", "endorsements"}
	nominating = leaderAction{func(d *LeaderDay) *int { return &d.Nominations },
		func(l *Leaders) int { return orDefault(l.DailyNominations, DefaultDailyNominations) }, "nominate", "nominations"}
)

func orDefault(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// Leads reports whether a member is a leader (see Awarder.Leads).
func (l *Leaders) Leads(ctx context.Context, memberID string) (bool, error) {
	return l.Awarder.Leads(ctx, memberID)
}

// Allowance is what a leader has left today.
func (l *Leaders) Allowance(ctx context.Context, memberID string) (LeaderAllowance, error) {
	d, err := l.Days.LeaderDay(ctx, memberID)
	if err != nil {
		return LeaderAllowance{}, err
	}
	if d.Day != today(l.Awarder.now()) {
		d = LeaderDay{}
	}
	return LeaderAllowance{Endorsements: Allowance{d.Endorsements, endorsing.limit(l)},
		Nominations: Allowance{d.Nominations, nominating.limit(l)}}, nil
}

// Endorse is a leader endorsing a peer (see Awarder.Endorse), counted in
// their daily limit; in.EndorserID is the leader.
func (l *Leaders) Endorse(ctx context.Context, issuerID string, in EndorseInput) (*EndorseResult, error) {
	var res *EndorseResult
	err := l.within(ctx, in.EndorserID, endorsing, func() (err error) {
		res, err = l.Awarder.Endorse(ctx, issuerID, in)
		return err
	})
	return res, err
}

// Nominate is a leader nominating a peer (see Nominations.Nominate),
// counted in their daily limit; in.NominatorID is the leader.
func (l *Leaders) Nominate(ctx context.Context, issuerID string, in NominateInput) (*Nomination, error) {
	var n *Nomination
	err := l.within(ctx, in.NominatorID, nominating, func() (err error) {
		n, err = l.Nominations.Nominate(ctx, issuerID, in)
		return err
	})
	return n, err
}

// within does an action of a leader if their day allows one more: the
// action is counted first, so that two at once cannot both take the last
// one, and given back when it fails.
func (l *Leaders) within(ctx context.Context, memberID string, act leaderAction, do func() error) error {
	switch leads, err := l.Awarder.Leads(ctx, memberID); {
	case err != nil:
		return err
	case !leads:
		return errNotLeader
	}
	day, limit := today(l.Awarder.now()), act.limit(l)
	if err := l.Days.UpdateLeaderDay(ctx, memberID, func(d *LeaderDay) error {
		if d.Day != day {
			*d = LeaderDay{Day: day}
		}
		if n := act.count(d); *n < limit {
			*n++
			return nil
		}
		return Errorf(ETOOMANY, "You have used all %d of today's %s; you can %s again tomorrow.", limit, act.noun, act.verb)
	}); err != nil {
		return err
	}
	err := do()
	if err != nil {
		err = errors.Join(err, l.giveBack(ctx, memberID, day, act))
	}
	return err
}

// giveBack uncounts an action that failed, unless the day is over.
func (l *Leaders) giveBack(ctx context.Context, memberID, day string, act leaderAction) error {
	err := l.Days.UpdateLeaderDay(ctx, memberID, func(d *LeaderDay) error {
		if n := act.count(d); d.Day == day && *n > 0 {
			*n--
			return nil
		}
		return errUnchanged
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("give back a leader's %s: %w", act.noun[:len(act.noun)-1], err)
	}
	return nil
}

// today is t's UTC date, the day limits count in.
func today(t time.Time) string { return t.UTC().Format(time.DateOnly) }

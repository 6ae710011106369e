package badges

import (
	"context"
	"fmt"
	"time"
)

// Finding a check-in by its code, and confirming one by an e-mailed link.
// Codes are short, so guessing them is limited per network address: only
// wrong codes count, so a room of people behind one address is never
// turned away for typing the right one. Links are asked for per e-mail
// address, get the same answer whether the address is a member's or not,
// and are single use, ending with the check-in's window.

// Limits of check-in attempts, each over the sign-in limits' window.
const (
	maxWrongCodes    = 20 // wrong codes per address (IPv4, or IPv6 /64)
	maxCheckInMails  = 5  // links asked for per e-mail address
	checkInLimitSpan = signInWindow
)

// FindByCode finds the check-in a code names, open or not (its page says
// when it closed). A malformed or unknown code counts against the
// address it came from; past the limit every code is refused until the
// window moves on.
func (s *CheckIns) FindByCode(ctx context.Context, raw, address string) (*CheckIn, error) {
	key := "checkin-code:" + tokenHash(AddressGroup(address))
	now := s.now()
	if err := s.blocked(ctx, key, now); err != nil {
		return nil, err
	}
	code, err := ParseCheckInCode(raw)
	if err == nil {
		var ci *CheckIn
		if ci, err = s.Store.CheckInByCode(ctx, code); err == nil {
			return ci, nil
		}
		if ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		unknown := FieldErrorf("code", "No check-in has the code %s; check it against the one shown in the room.", code)
		unknown.Code = ENOTFOUND
		err = unknown
	}
	retryAt, takeErr := s.Limits.TakeAttempt(ctx, key, maxWrongCodes, checkInLimitSpan, now)
	if takeErr != nil {
		return nil, takeErr
	}
	if !retryAt.IsZero() {
		return nil, errTooManyCodes(retryAt, now)
	}
	return nil, err
}

// blocked refuses an address that made too many wrong attempts lately,
// without counting this one.
func (s *CheckIns) blocked(ctx context.Context, key string, now time.Time) error {
	at, err := s.Store.RecentAttempts(ctx, key)
	if err != nil {
		return err
	}
	w := AttemptWindow{At: at}
	if retryAt, ok := w.Take(now, maxWrongCodes, checkInLimitSpan); !ok {
		return errTooManyCodes(retryAt, now)
	}
	return nil
}

func errTooManyCodes(retryAt, now time.Time) error {
	return Errorf(ETOOMANY, "Too many wrong check-in codes came from your network; try again in %s.", minutesWords(retryAt.Sub(now)))
}

// SendLink e-mails a member of the check-in's community a link that
// confirms their check-in. An address that is no member's gets the same
// answer and no e-mail; asking is limited per address.
func (s *CheckIns) SendLink(ctx context.Context, ci *CheckIn, email string) error {
	now := s.now()
	if !ci.OpenAt(now) {
		return errCheckInClosed(ci)
	}
	norm, err := NormalizeEmail(email)
	if err != nil {
		return FieldErrorf("email", "Enter your e-mail address, like name@example.org.")
	}
	retryAt, err := s.Limits.TakeAttempt(ctx, "checkin-mail:"+tokenHash(norm), maxCheckInMails, checkInLimitSpan, now)
	if err != nil {
		return err
	}
	if !retryAt.IsZero() {
		return Errorf(ETOOMANY, "Several links were sent to this address lately; use the latest, or try again in %s.", minutesWords(retryAt.Sub(now)))
	}
	page, err := s.Members.Members(ctx, MemberFilter{IssuerID: ci.IssuerID, Email: norm, ListOptions: ListOptions{Limit: 1}})
	if err != nil || len(page.Items) == 0 || s.Notifier == nil {
		return err
	}
	m := page.Items[0]
	token, hash := newToken()
	if err := s.Store.SaveCheckInLink(ctx, hash, CheckInLink{CheckInID: ci.ID, MemberID: m.ID, ExpiresAt: ci.Ends()}); err != nil {
		return err
	}
	return s.Notifier.Notify(ctx, Notification{Key: "checkin:" + hash, Kind: MailCheckIn, IssuerID: ci.IssuerID,
		MemberID: m.ID, To: norm, Data: map[string]string{
			"member": m.DisplayName, "behaviour": s.behaviourName(ctx, ci), "link": s.LinkURL(ci.Code, token),
			"expires": DurationWords(ci.Ends().Sub(now)),
		}})
}

// behaviourName is the name of a check-in's behaviour, or its key when
// the community's behaviours cannot be read.
func (s *CheckIns) behaviourName(ctx context.Context, ci *CheckIn) string {
	bs, err := s.Behaviours(ctx, ci.IssuerID)
	if err != nil {
		return ci.Behaviour
	}
	for _, b := range bs {
		if b.Key == ci.Behaviour {
			return b.Name
		}
	}
	return ci.Behaviour
}

// errLinkUnusable is the one answer to a link that is unknown, used or
// expired.
func errLinkUnusable() error {
	return Errorf(ENOTFOUND, "This check-in link was used already or has expired; open the check-in again to get a new one.")
}

// LinkCheckIn reads the check-in an unused link confirms, without using
// it: the link's page asks before confirming, so that mail scanners that
// open links do not use it up.
func (s *CheckIns) LinkCheckIn(ctx context.Context, token string) (*CheckIn, error) {
	l, err := s.Store.CheckInLink(ctx, tokenHash(token))
	if ErrorCode(err) == ENOTFOUND || err == nil && (!l.UsedAt.IsZero() || !s.now().Before(l.ExpiresAt)) {
		return nil, errLinkUnusable()
	}
	if err != nil {
		return nil, err
	}
	return s.Store.CheckIn(ctx, l.CheckInID)
}

// ConfirmLink uses a link, once, and confirms its member's check-in.
func (s *CheckIns) ConfirmLink(ctx context.Context, token string) (ci *CheckIn, already bool, err error) {
	l, err := s.Store.UseCheckInLink(ctx, tokenHash(token), s.now())
	switch ErrorCode(err) {
	case "":
	case ENOTFOUND, ECONFLICT:
		return nil, false, errLinkUnusable()
	default:
		return nil, false, err
	}
	if ci, err = s.Store.CheckIn(ctx, l.CheckInID); err != nil {
		return nil, false, err
	}
	already, err = s.Confirm(ctx, ci, l.MemberID)
	return ci, already, err
}

// Sweep removes the e-mailed links that have expired: background work.
func (s *CheckIns) Sweep(ctx context.Context) error {
	return s.Store.DeleteCheckInLinksBefore(ctx, s.now())
}

// minutesWords is a wait in whole minutes, rounded up ("1 minute").
func minutesWords(d time.Duration) string {
	n := int((d + time.Minute - 1) / time.Minute)
	if n <= 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", n)
}

// DurationWords is a span in words: "2 hours", "1 hour 30 minutes", "45
// minutes".
func DurationWords(d time.Duration) string {
	h, m := int(d/time.Hour), int((d%time.Hour+time.Minute-1)/time.Minute)
	if m == 60 {
		h, m = h+1, 0
	}
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case h == 0:
		return unit(max(m, 1), "minute")
	case m == 0:
		return unit(h, "hour")
	}
	return unit(h, "hour") + " " + unit(m, "minute")
}

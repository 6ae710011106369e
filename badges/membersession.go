package badges

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// Members sign in to the member portal (/me) with a single-use link sent
// to their e-mail address: no password. One address may be a member of
// several communities; a sign-in covers every one of them, and the portal
// shows one at a time. Only hashes of the link's token and the session's
// token are stored.

// MemberSignIn is a sign-in link that has not been used yet, stored by the
// hash of its token.
type MemberSignIn struct {
	Hash      string   // SHA-256 (hex) of the token
	Email     string   // the normalised address it was sent to
	MemberIDs []string // the members with that address when it was asked for; empty for an unknown address
	ExpiresAt time.Time
}

// MemberSession is a signed-in visit to the member portal.
type MemberSession struct {
	ID         string // SHA-256 (hex) of the token: the token itself is never stored
	Email      string
	MemberIDs  []string // every member the address was, in the order they are offered
	Current    string   // the member whose community the portal shows
	CSRF       string   // random, 32 bytes base64url; every portal form carries it
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// MemberSessionStore keeps sign-in links and member sessions.
type MemberSessionStore interface {
	SaveMemberSignIn(ctx context.Context, in MemberSignIn) error
	MemberSignIn(ctx context.Context, hash string) (*MemberSignIn, error) // ENOTFOUND
	// TakeMemberSignIn reads and removes a link atomically: of requests at
	// once, one gets it and the others ENOTFOUND.
	TakeMemberSignIn(ctx context.Context, hash string) (*MemberSignIn, error)
	DeleteMemberSignInsBefore(ctx context.Context, t time.Time) error

	CreateMemberSession(ctx context.Context, s *MemberSession) error
	MemberSession(ctx context.Context, id string) (*MemberSession, error) // ENOTFOUND
	// UpdateMemberSession changes a session atomically; change may run
	// more than once.
	UpdateMemberSession(ctx context.Context, id string, change func(*MemberSession) error) (*MemberSession, error)
	DeleteMemberSession(ctx context.Context, id string) error
	// DeleteMemberSessionsBefore removes sessions last seen before idle or
	// created before created.
	DeleteMemberSessionsBefore(ctx context.Context, idle, created time.Time) error
}

// Lifetimes of the member portal's links and sessions.
const (
	MemberLinkLifetime   = 15 * time.Minute
	MemberIdleTimeout    = 7 * 24 * time.Hour
	MemberSessionMaxAge  = 30 * 24 * time.Hour
	maxMemberLinkPerMail = 5  // links asked for one address in signInWindow
	maxMemberLinkPerAddr = 20 // links asked from one browser address (IPv4, IPv6 /64) in signInWindow
)

// MemberSessionsDeps are what the MemberSessions service works with.
type MemberSessionsDeps struct {
	Store  MemberSessionStore
	Limits SignInLimitStore
	// Communities lists every community's id: they are few.
	Communities func(ctx context.Context) ([]string, error)
	// MemberByEmail finds a community's member by normalised address,
	// through its key document; nil and no error when there is none.
	MemberByEmail func(ctx context.Context, issuerID, email string) (*Member, error)
	Member        func(ctx context.Context, id string) (*Member, error) // ENOTFOUND
	Now           func() time.Time                                      // nil means time.Now
}

// MemberSessions signs members in to the portal and keeps their sessions.
type MemberSessions struct {
	d MemberSessionsDeps
}

// NewMemberSessions returns the service.
func NewMemberSessions(d MemberSessionsDeps) *MemberSessions {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &MemberSessions{d: d}
}

// Now is the service's clock, to the millisecond the database keeps.
func (s *MemberSessions) Now() time.Time { return s.d.Now().UTC().Truncate(time.Millisecond) }

// SignInRequest is a link asked for: the token to put in the e-mail and
// the members it signs in, none for an address that is no member's.
type SignInRequest struct {
	Token     string
	Hash      string // the token's hash, as stored: names the request
	Email     string
	Members   []*Member
	ExpiresAt time.Time
}

// RequestSignIn makes a sign-in link for an address. An unknown address
// gets a link too (stored, never sent, never working), so that both take
// the same work and the caller answers both alike. Requests are limited
// per address and per browser address, known or not.
func (s *MemberSessions) RequestSignIn(ctx context.Context, email, address string) (*SignInRequest, error) {
	norm, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if err := s.take(ctx, "member-address:"+tokenHash(AddressGroup(address)), maxMemberLinkPerAddr, now); err != nil {
		return nil, err
	}
	if err := s.take(ctx, "member-email:"+tokenHash(norm), maxMemberLinkPerMail, now); err != nil {
		return nil, err
	}
	members, err := s.membersOf(ctx, norm)
	if err != nil {
		return nil, err
	}
	token, hash := newToken()
	in := MemberSignIn{Hash: hash, Email: norm, ExpiresAt: now.Add(MemberLinkLifetime)}
	for _, m := range members {
		in.MemberIDs = append(in.MemberIDs, m.ID)
	}
	if err := s.d.Store.SaveMemberSignIn(ctx, in); err != nil {
		return nil, err
	}
	return &SignInRequest{Token: token, Hash: hash, Email: norm, Members: members, ExpiresAt: in.ExpiresAt}, nil
}

// membersOf finds the members with an address in every community, each by
// its key document.
func (s *MemberSessions) membersOf(ctx context.Context, email string) ([]*Member, error) {
	ids, err := s.d.Communities(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Member
	for _, id := range ids {
		m, err := s.d.MemberByEmail(ctx, id, email)
		if err != nil {
			return nil, err
		}
		if m != nil {
			out = append(out, m)
		}
	}
	return out, nil
}

// take counts a request for a link under key, or says when to try again.
func (s *MemberSessions) take(ctx context.Context, key string, max int, now time.Time) error {
	retryAt, err := s.d.Limits.TakeAttempt(ctx, key, max, signInWindow, now)
	if err != nil || retryAt.IsZero() {
		return err
	}
	return Errorf(ETOOMANY, "There were too many requests for a sign-in link; try again in %s.", minutesUntil(now, retryAt))
}

// minutesUntil says how long until t, in whole minutes, in words.
func minutesUntil(now, t time.Time) string {
	minutes := int((t.Sub(now) + time.Minute - 1) / time.Minute)
	if minutes == 1 {
		return "1 minute"
	}
	return strconv.Itoa(minutes) + " minutes"
}

// errLinkUsed is the one answer to a link that does not work: unknown,
// used, expired, or of an address that is no longer a member's.
func errLinkUsed() error {
	return Errorf(EUNAUTHORIZED, "This sign-in link has expired or has been used already; ask for a new one.")
}

// CheckSignInLink reports whether a link would still sign someone in,
// without using it: the page it opens says so before the visitor acts.
func (s *MemberSessions) CheckSignInLink(ctx context.Context, token string) error {
	if len(token) != 43 {
		return errLinkUsed()
	}
	in, err := s.d.Store.MemberSignIn(ctx, tokenHash(token))
	if ErrorCode(err) == ENOTFOUND || err == nil && (len(in.MemberIDs) == 0 || !s.Now().Before(in.ExpiresAt)) {
		return errLinkUsed()
	}
	return err
}

// SignIn uses a link, once, and starts a session of every member its
// address still belongs to, returning the session's token.
func (s *MemberSessions) SignIn(ctx context.Context, token string) (string, *MemberSession, error) {
	if len(token) != 43 {
		return "", nil, errLinkUsed()
	}
	in, err := s.d.Store.TakeMemberSignIn(ctx, tokenHash(token))
	if ErrorCode(err) == ENOTFOUND {
		return "", nil, errLinkUsed()
	}
	if err != nil {
		return "", nil, err
	}
	now := s.Now()
	if !now.Before(in.ExpiresAt) {
		return "", nil, errLinkUsed()
	}
	sess := &MemberSession{Email: in.Email, CreatedAt: now, LastSeenAt: now}
	members, err := s.holding(ctx, in.Email, in.MemberIDs)
	if err != nil {
		return "", nil, err
	}
	if len(members) == 0 {
		return "", nil, errLinkUsed()
	}
	for _, m := range members {
		sess.MemberIDs = append(sess.MemberIDs, m.ID)
	}
	sess.Current = sess.MemberIDs[0]
	var t string
	t, sess.ID = newToken()
	sess.CSRF, _ = newToken()
	if err := s.d.Store.CreateMemberSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return t, sess, nil
}

// holding are those of ids that are members with the address still: a
// member removed, or given another address, since is left out.
func (s *MemberSessions) holding(ctx context.Context, email string, ids []string) ([]*Member, error) {
	var out []*Member
	for _, id := range ids {
		m, err := s.d.Member(ctx, id)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if m.Email == email {
			out = append(out, m)
		}
	}
	return out, nil
}

// errMemberSignedOut is the answer to a session that does not work.
func errMemberSignedOut() error {
	return Errorf(EUNAUTHORIZED, "Your session has ended; sign in again.")
}

// MemberVisit is a working session with its members as they are now: the
// one the portal shows first.
type MemberVisit struct {
	Session *MemberSession
	Members []*Member // those the session covers that still hold its address
	Current *Member
}

// Session returns the visit of a session token: EUNAUTHORIZED when the
// token is unknown, the session idle or old past its limits, or none of
// its members still has its address. Members that have gone are dropped
// from the session.
func (s *MemberSessions) Session(ctx context.Context, token string) (*MemberVisit, error) {
	if len(token) != 43 {
		return nil, errMemberSignedOut()
	}
	sess, err := s.d.Store.MemberSession(ctx, tokenHash(token))
	if ErrorCode(err) == ENOTFOUND {
		return nil, errMemberSignedOut()
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if now.Sub(sess.LastSeenAt) > MemberIdleTimeout || now.Sub(sess.CreatedAt) > MemberSessionMaxAge {
		return nil, s.end(ctx, sess.ID)
	}
	members, err := s.holding(ctx, sess.Email, sess.MemberIDs)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return nil, s.end(ctx, sess.ID)
	}
	if len(members) != len(sess.MemberIDs) || now.Sub(sess.LastSeenAt) >= touchEvery {
		if sess, err = s.d.Store.UpdateMemberSession(ctx, sess.ID, func(ss *MemberSession) error {
			ss.MemberIDs, ss.LastSeenAt = memberIDs(members), now
			if !slices.Contains(ss.MemberIDs, ss.Current) {
				ss.Current = ss.MemberIDs[0]
			}
			return nil
		}); ErrorCode(err) == ENOTFOUND {
			return nil, errMemberSignedOut() // signed out meanwhile
		} else if err != nil {
			return nil, err
		}
	}
	v := &MemberVisit{Session: sess, Members: members, Current: members[0]}
	for _, m := range members {
		if m.ID == sess.Current {
			v.Current = m
		}
	}
	return v, nil
}

func memberIDs(ms []*Member) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}

// end removes a session that no longer works and says so.
func (s *MemberSessions) end(ctx context.Context, id string) error {
	if err := s.d.Store.DeleteMemberSession(ctx, id); err != nil {
		return err
	}
	return errMemberSignedOut()
}

// Switch shows another of the session's members (another community).
func (s *MemberSessions) Switch(ctx context.Context, sessionID, memberID string) error {
	_, err := s.d.Store.UpdateMemberSession(ctx, sessionID, func(ss *MemberSession) error {
		if !slices.Contains(ss.MemberIDs, memberID) {
			return FieldErrorf("member", "You are not signed in to that community.")
		}
		ss.Current = memberID
		return nil
	})
	return err
}

// SignOut ends the session of a token; an unknown one is already ended.
func (s *MemberSessions) SignOut(ctx context.Context, token string) error {
	return s.d.Store.DeleteMemberSession(ctx, tokenHash(token))
}

// Sweep removes expired links and sessions; sign-in limit windows are
// swept with the console's (Accounts.Sweep), in the same store.
func (s *MemberSessions) Sweep(ctx context.Context) error {
	now := s.Now()
	if err := s.d.Store.DeleteMemberSignInsBefore(ctx, now); err != nil {
		return err
	}
	return s.d.Store.DeleteMemberSessionsBefore(ctx, now.Add(-MemberIdleTimeout), now.Add(-MemberSessionMaxAge))
}

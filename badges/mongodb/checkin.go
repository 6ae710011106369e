package mongodb

import (
	"context"
	"slices"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// CheckInStore keeps each check-in as a computed document by id (its
// attendees a bounded list in it), its code as a key document
// "checkin-code:<code>" naming it, each community's latest check-in ids as
// a computed document by issuer id, and e-mailed links by token hash.
// Every read is by exact _id.
type CheckInStore struct{ db *database.DB }

var _ badges.CheckInStore = (*CheckInStore)(nil)

// NewCheckInStore returns the check-in store of db.
func NewCheckInStore(db *database.DB) *CheckInStore { return &CheckInStore{db: db} }

type checkInRecord struct {
	IssuerID   string           `bson:"issuer"`
	Code       string           `bson:"code"`
	Behaviour  string           `bson:"behaviour"`
	Title      string           `bson:"title"`
	OpensAt    time.Time        `bson:"opensAt"`
	ClosesAt   time.Time        `bson:"closesAt"`
	ClosedAt   time.Time        `bson:"closedAt,omitempty"`
	HostName   string           `bson:"host,omitempty"`
	HostMember string           `bson:"hostMember,omitempty"`
	CreatedAt  time.Time        `bson:"createdAt"`
	Count      int              `bson:"count"`
	Attendees  []attendeeRecord `bson:"attendees,omitempty"`
}

type attendeeRecord struct {
	MemberID string    `bson:"member"`
	Name     string    `bson:"name"`
	At       time.Time `bson:"at"`
}

type checkInList struct {
	IDs []string `bson:"ids"` // newest first
}

type checkInLinkRecord struct {
	CheckInID string    `bson:"checkin"`
	MemberID  string    `bson:"member"`
	ExpiresAt time.Time `bson:"expiresAt"`
	UsedAt    time.Time `bson:"usedAt,omitempty"`
}

func checkInRecordOf(ci *badges.CheckIn) checkInRecord {
	r := checkInRecord{IssuerID: ci.IssuerID, Code: ci.Code, Behaviour: ci.Behaviour, Title: ci.Title,
		OpensAt: ci.OpensAt.UTC(), ClosesAt: ci.ClosesAt.UTC(), ClosedAt: ci.ClosedAt.UTC(), HostName: ci.HostName, HostMember: ci.HostMemberID,
		CreatedAt: ci.CreatedAt.UTC(), Count: ci.Count}
	for _, a := range ci.Attendees {
		r.Attendees = append(r.Attendees, attendeeRecord{MemberID: a.MemberID, Name: a.Name, At: a.At.UTC()})
	}
	return r
}

func (r checkInRecord) checkIn(id string) *badges.CheckIn {
	ci := &badges.CheckIn{ID: id, IssuerID: r.IssuerID, Code: r.Code, Behaviour: r.Behaviour, Title: r.Title,
		OpensAt: r.OpensAt, ClosesAt: r.ClosesAt, ClosedAt: r.ClosedAt, HostName: r.HostName, HostMemberID: r.HostMember,
		CreatedAt: r.CreatedAt, Count: r.Count}
	for _, a := range r.Attendees {
		ci.Attendees = append(ci.Attendees, badges.CheckInAttendee{MemberID: a.MemberID, Name: a.Name, At: a.At})
	}
	return ci
}

func codeKey(code string) string { return "checkin-code:" + code }

// CreateCheckIn stores the check-in first, then claims its code (a code
// held by a check-in that has ended is taken over), then lists it. A
// check-in whose code is taken is removed again.
func (s *CheckInStore) CreateCheckIn(ctx context.Context, ci *badges.CheckIn) error {
	rec := checkInRecordOf(ci)
	err := database.Modify(ctx, s.db, database.CheckIns, ci.ID, func(d *checkInRecord, _ bool) error {
		*d = rec
		return nil
	})
	if err != nil {
		return err
	}
	holder, err := s.db.ClaimKey(ctx, codeKey(ci.Code), ci.ID, func(holder string) (bool, error) {
		return s.holds(ctx, holder)
	})
	if err != nil || holder != "" {
		if dropErr := s.drop(ctx, ci.ID); dropErr != nil {
			return dropErr
		}
		if err != nil {
			return err
		}
		return badges.Errorf(badges.ECONFLICT, "The check-in code %s is in use.", ci.Code)
	}
	return database.Modify(ctx, s.db, database.CheckInLists, ci.IssuerID, func(l *checkInList, _ bool) error {
		l.IDs = append([]string{ci.ID}, l.IDs...)
		if len(l.IDs) > badges.MaxCheckInsListed {
			l.IDs = l.IDs[:badges.MaxCheckInsListed]
		}
		return nil
	})
}

// holds reports whether a check-in keeps its code: while it has not ended.
func (s *CheckInStore) holds(ctx context.Context, id string) (bool, error) {
	ci, err := s.CheckIn(ctx, id)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.db.Now().Before(ci.Ends()), nil
}

func (s *CheckInStore) drop(ctx context.Context, id string) error {
	defer s.db.LockDoc(database.CheckIns, id)()
	return database.DeleteComputed(ctx, s.db, database.CheckIns, id)
}

// CheckIn reads a check-in by id.
func (s *CheckInStore) CheckIn(ctx context.Context, id string) (*badges.CheckIn, error) {
	r, found, err := database.ReadComputed[checkInRecord](ctx, s.db, database.CheckIns, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, badges.Errorf(badges.ENOTFOUND, "No check-in with id %q.", id)
	}
	return r.checkIn(id), nil
}

// CheckInByCode reads the check-in whose code key names it.
func (s *CheckInStore) CheckInByCode(ctx context.Context, code string) (*badges.CheckIn, error) {
	id, err := s.db.KeyRef(ctx, codeKey(code))
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, badges.Errorf(badges.ENOTFOUND, "No check-in has the code %s.", code)
	}
	ci, err := s.CheckIn(ctx, id)
	if badges.ErrorCode(err) == badges.ENOTFOUND || err == nil && ci.Code != code {
		return nil, badges.Errorf(badges.ENOTFOUND, "No check-in has the code %s.", code)
	}
	return ci, err
}

// CheckInsOf reads a community's listed check-ins, newest first.
func (s *CheckInStore) CheckInsOf(ctx context.Context, issuerID string) ([]*badges.CheckIn, error) {
	l, _, err := database.ReadComputed[checkInList](ctx, s.db, database.CheckInLists, issuerID)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*badges.CheckIn, len(l.IDs))
	var found []*badges.CheckIn
	err = database.EachComputedOf(ctx, s.db, database.CheckIns, l.IDs, 4, func(id string, r checkInRecord, ok bool) error {
		if ok {
			byID[id] = r.checkIn(id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range l.IDs {
		if ci := byID[id]; ci != nil {
			found = append(found, ci)
		}
	}
	return found, nil
}

// ChangeCheckIn changes a check-in atomically.
func (s *CheckInStore) ChangeCheckIn(ctx context.Context, id string, change func(*badges.CheckIn) error) (*badges.CheckIn, error) {
	var out *badges.CheckIn
	err := database.Modify(ctx, s.db, database.CheckIns, id, func(d *checkInRecord, exists bool) error {
		if !exists {
			return badges.Errorf(badges.ENOTFOUND, "No check-in with id %q.", id)
		}
		ci := d.checkIn(id)
		if err := change(ci); err != nil {
			return err
		}
		*d, out = checkInRecordOf(ci), ci
		return nil
	})
	return out, err
}

// SaveCheckInLink stores a link by its token's hash.
func (s *CheckInStore) SaveCheckInLink(ctx context.Context, hash string, l badges.CheckInLink) error {
	return database.Modify(ctx, s.db, database.CheckInLinks, hash, func(d *checkInLinkRecord, _ bool) error {
		*d = checkInLinkRecord{CheckInID: l.CheckInID, MemberID: l.MemberID, ExpiresAt: l.ExpiresAt.UTC()}
		return nil
	})
}

// CheckInLink reads a link by its token's hash.
func (s *CheckInStore) CheckInLink(ctx context.Context, hash string) (*badges.CheckInLink, error) {
	r, found, err := database.ReadComputed[checkInLinkRecord](ctx, s.db, database.CheckInLinks, hash)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, badges.Errorf(badges.ENOTFOUND, "No such check-in link.")
	}
	return &badges.CheckInLink{CheckInID: r.CheckInID, MemberID: r.MemberID, ExpiresAt: r.ExpiresAt, UsedAt: r.UsedAt}, nil
}

// UseCheckInLink marks a link used, once, atomically.
func (s *CheckInStore) UseCheckInLink(ctx context.Context, hash string, now time.Time) (*badges.CheckInLink, error) {
	var out *badges.CheckInLink
	err := database.Modify(ctx, s.db, database.CheckInLinks, hash, func(d *checkInLinkRecord, exists bool) error {
		switch {
		case !exists:
			return badges.Errorf(badges.ENOTFOUND, "No such check-in link.")
		case !d.UsedAt.IsZero() || !now.Before(d.ExpiresAt):
			return badges.Errorf(badges.ECONFLICT, "This check-in link was used or has expired.")
		}
		d.UsedAt = now.UTC()
		out = &badges.CheckInLink{CheckInID: d.CheckInID, MemberID: d.MemberID, ExpiresAt: d.ExpiresAt, UsedAt: d.UsedAt}
		return nil
	})
	return out, err
}

// DeleteCheckInLinksBefore removes the links that expired before before:
// a scan, in background work. Each is removed holding its lock, after
// reading it again.
func (s *CheckInStore) DeleteCheckInLinksBefore(ctx context.Context, before time.Time) error {
	var old []string
	err := database.EachComputed(ctx, s.db, database.CheckInLinks, func(id string, d checkInLinkRecord) error {
		if d.ExpiresAt.Before(before) {
			old = append(old, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range old {
		if err := s.dropLink(ctx, id, before); err != nil {
			return err
		}
	}
	return nil
}

func (s *CheckInStore) dropLink(ctx context.Context, id string, before time.Time) error {
	defer s.db.LockDoc(database.CheckInLinks, id)()
	d, found, err := database.ReadComputed[checkInLinkRecord](ctx, s.db, database.CheckInLinks, id)
	if err != nil || !found || !d.ExpiresAt.Before(before) {
		return err
	}
	return database.DeleteComputed(ctx, s.db, database.CheckInLinks, id)
}

// RecentAttempts reads a sign-in limit window without counting an attempt.
func (s *CheckInStore) RecentAttempts(ctx context.Context, key string) ([]time.Time, error) {
	d, _, err := database.ReadComputed[attemptsDoc](ctx, s.db, database.SignInLimits, key)
	return slices.Clone(d.At), err
}

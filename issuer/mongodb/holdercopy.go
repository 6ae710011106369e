package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

// holderCopyRecord is a HolderCopy as stored, by its id.
type holderCopyRecord struct {
	ID         string    `bson:"_id"`
	Credential string    `bson:"credential"`
	Issuer     string    `bson:"issuer"`
	Member     string    `bson:"member"`
	Holder     string    `bson:"holder"`
	IssuedAt   time.Time `bson:"issuedAt"`
	JSON       string    `bson:"json"`
	JWT        string    `bson:"jwt"`
}

// holderEntry is one copy in a member's list.
type holderEntry struct {
	ID         string    `bson:"id"`
	Credential string    `bson:"c"`
	Holder     string    `bson:"h"`
	IssuedAt   time.Time `bson:"t"`
}

// memberHolders is a member's list of copies, newest first: a computed
// document "member:<id>" beside the copies.
type memberHolders struct {
	Entries []holderEntry `bson:"entries"`
}

// maxMemberHolderCopies bounds a member's list; the oldest entries drop
// off it, their copies stay.
const maxMemberHolderCopies = 500

func memberHoldersID(memberID string) string { return "member:" + memberID }

// HolderCopyStore keeps holder copies (issuer/holder.go).
type HolderCopyStore struct{ db *database.DB }

var _ issuer.HolderCopyStore = (*HolderCopyStore)(nil)

// NewHolderCopyStore returns the holder copy store of db.
func NewHolderCopyStore(db *database.DB) *HolderCopyStore { return &HolderCopyStore{db: db} }

// CreateHolderCopy stores a copy, then adds it to its member's list: a
// copy whose id is taken is the one a wallet asked for already (the id is
// derived from the credential and the holder), and is returned instead.
func (s *HolderCopyStore) CreateHolderCopy(ctx context.Context, c *issuer.HolderCopy) (*issuer.HolderCopy, bool, error) {
	r := holderCopyRecord{ID: c.ID, Credential: c.CredentialID, Issuer: c.IssuerID, Member: c.MemberID, Holder: c.Holder,
		IssuedAt: c.IssuedAt, JSON: string(c.JSON), JWT: c.JWT}
	_, err := s.db.Collection(database.HolderCopies).InsertOne(ctx, r)
	if database.IsDuplicate(err) {
		stored, err := s.HolderCopy(ctx, c.ID)
		if err != nil {
			return nil, false, err
		}
		return stored, false, s.list(ctx, stored)
	}
	if err != nil {
		return nil, false, database.Wrap(err, "store holder copy")
	}
	// The list is written after the copy: a failure between leaves a copy
	// the list lacks, which the wallet's retry (a duplicate) adds.
	if err := s.list(ctx, c); err != nil {
		return nil, false, err
	}
	return c, true, nil
}

// errListed leaves a member's list that has the copy as it is.
var errListed = errors.New("listed already")

// list adds a copy to its member's list, unless it is there.
func (s *HolderCopyStore) list(ctx context.Context, c *issuer.HolderCopy) error {
	err := database.Modify(ctx, s.db, database.HolderCopies, memberHoldersID(c.MemberID), func(d *memberHolders, _ bool) error {
		for _, e := range d.Entries {
			if e.ID == c.ID {
				return errListed
			}
		}
		d.Entries = append([]holderEntry{{ID: c.ID, Credential: c.CredentialID, Holder: c.Holder, IssuedAt: c.IssuedAt}}, d.Entries...)
		d.Entries = d.Entries[:min(len(d.Entries), maxMemberHolderCopies)]
		return nil
	})
	if errors.Is(err, errListed) {
		return nil
	}
	return err
}

// HolderCopy returns a copy by id.
func (s *HolderCopyStore) HolderCopy(ctx context.Context, id string) (*issuer.HolderCopy, error) {
	var r holderCopyRecord
	err := s.db.Collection(database.HolderCopies).FindOne(ctx, database.ByID(id)).Decode(&r)
	if database.IsNoDocuments(err) {
		return nil, badges.Errorf(badges.ENOTFOUND, "No holder copy with id %q.", id)
	}
	if err != nil {
		return nil, database.Wrap(err, "read holder copy")
	}
	return &issuer.HolderCopy{ID: r.ID, CredentialID: r.Credential, IssuerID: r.Issuer, MemberID: r.Member, Holder: r.Holder,
		IssuedAt: r.IssuedAt, JSON: []byte(r.JSON), JWT: r.JWT}, nil
}

// MemberHolderCopies lists a member's copies from their list.
func (s *HolderCopyStore) MemberHolderCopies(ctx context.Context, memberID string) ([]*issuer.HolderCopy, error) {
	d, _, err := database.ReadComputed[memberHolders](ctx, s.db, database.HolderCopies, memberHoldersID(memberID))
	if err != nil {
		return nil, err
	}
	out := make([]*issuer.HolderCopy, len(d.Entries))
	for i, e := range d.Entries {
		out[i] = &issuer.HolderCopy{ID: e.ID, CredentialID: e.Credential, MemberID: memberID, Holder: e.Holder, IssuedAt: e.IssuedAt}
	}
	return out, nil
}

// ForgetMemberHolderCopies deletes every copy of the member's, found by
// the member each copy names rather than by their list (which keeps the
// newest only, and lacks a copy whose listing failed), then empties the
// list. On the embedded engine the filter reads the whole collection:
// forgetting is rare.
func (s *HolderCopyStore) ForgetMemberHolderCopies(ctx context.Context, memberID string) error {
	if _, err := s.db.Collection(database.HolderCopies).DeleteMany(ctx, bson.D{{Key: "member", Value: memberID}}); err != nil {
		return database.Wrap(err, "forget holder copies")
	}
	err := database.Modify(ctx, s.db, database.HolderCopies, memberHoldersID(memberID), func(d *memberHolders, exists bool) error {
		if !exists {
			return errListed // no list to empty
		}
		d.Entries = nil
		return nil
	})
	if errors.Is(err, errListed) {
		return nil
	}
	return err
}

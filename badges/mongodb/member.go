package mongodb

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// memberPageSize is how many member ids one list page document holds.
const memberPageSize = 1000

type memberRecord struct {
	ID          string    `bson:"_id"`
	Issuer      string    `bson:"issuer"`
	Email       string    `bson:"email"`
	DisplayName string    `bson:"name"`
	ExternalID  string    `bson:"extId,omitempty"`
	Slug        string    `bson:"slug"`
	Public      bool      `bson:"public"`
	DID         string    `bson:"did,omitempty"` // the member's wallet DID or URL
	Seq         int64     `bson:"seq"`           // position in the issuer's member list
	Rev         int64     `bson:"rev,omitempty"` // counts changes; a change is a compare-and-swap on it
	CreatedAt   time.Time `bson:"createdAt"`
	UpdatedAt   time.Time `bson:"updatedAt"`
	// Choices are the changes of the public profile switch and the name.
	Choices     []memberChoiceRecord `bson:"choices,omitempty"`
	ForgottenAt time.Time            `bson:"forgottenAt,omitempty"` // memberforget.go
}

type memberChoiceRecord struct {
	At     time.Time `bson:"at"`
	What   string    `bson:"what"`
	Public bool      `bson:"public,omitempty"`
	By     string    `bson:"by"`
}

func (r *memberRecord) member() *badges.Member {
	m := &badges.Member{ID: r.ID, IssuerID: r.Issuer, Email: r.Email, DisplayName: r.DisplayName,
		ExternalID: r.ExternalID, Slug: r.Slug, PublicProfile: r.Public, DID: r.DID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ForgottenAt: r.ForgottenAt}
	for _, c := range r.Choices {
		m.Choices = append(m.Choices, badges.MemberChoice{At: c.At, What: c.What, Public: c.Public, By: c.By})
	}
	return m
}

// memberPage lists members of an issuer in creation order, so that the
// members list reads a few documents by _id instead of scanning members.
// Entries are "<seq, 12 digits>:<member id>" and sort in creation order.
type memberPage struct {
	ID  string   `bson:"_id"`
	IDs []string `bson:"ids"`
}

func pageID(issuer string, seq int64) string {
	return issuer + ":" + strconv.FormatInt((seq-1)/memberPageSize, 10)
}

func pageEntry(seq int64, id string) string { return fmt.Sprintf("%012d:%s", seq, id) }

func emailKey(issuer, email string) string { return "email:" + issuer + ":" + database.HashPart(email) }
func slugKey(slug string) string           { return "slug:" + slug }
func extIDKey(issuer, ext string) string   { return "extid:" + issuer + ":" + database.HashPart(ext) }
func membersCounter(issuer string) string  { return "members:" + issuer }

// MemberService stores members with unique e-mail addresses per issuer and
// unique slugs.
type MemberService struct {
	db      *database.DB
	index   *memberIndexState // memberindex.go
	holders *keyHolders       // memberholders.go
}

var _ badges.MemberService = (*MemberService)(nil)

// NewMemberService returns the member service of db.
func NewMemberService(db *database.DB) *MemberService {
	return &MemberService{db: db, index: &memberIndexState{}, holders: &keyHolders{}}
}

func (s *MemberService) record(ctx context.Context, id string) (*memberRecord, error) {
	var r memberRecord
	if err := s.db.Collection(database.Members).FindOne(ctx, database.ByID(id)).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, badges.Errorf(badges.ENOTFOUND, "No member with id %q.", id)
		}
		return nil, database.Wrap(err, "read member")
	}
	return &r, nil
}

// MemberVersion is the member's version in the database's count of
// writes (database.DB.Version).
func (s *MemberService) MemberVersion(id string) (version uint64, exact bool) {
	return s.db.Version(database.Members, id)
}

// Member returns one member.
func (s *MemberService) Member(ctx context.Context, id string) (*badges.Member, error) {
	if !badges.ValidID(id) {
		return nil, badges.Errorf(badges.ENOTFOUND, "No member with id %q.", id)
	}
	r, err := s.record(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.member(), nil
}

// MemberBySlug finds a member by slug, through the slug's key document. A
// slug that is not well-formed is not looked up at all.
func (s *MemberService) MemberBySlug(ctx context.Context, slug string) (*badges.Member, error) {
	notFound := badges.Errorf(badges.ENOTFOUND, "No member with slug %q.", slug)
	if !badges.ValidSlug(slug) {
		return nil, notFound
	}
	id, err := s.db.KeyRef(ctx, slugKey(slug))
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, notFound
	}
	r, err := s.record(ctx, id)
	if badges.ErrorCode(err) == badges.ENOTFOUND || (err == nil && r.Slug != slug) {
		return nil, notFound // a key left behind by a change or a deletion
	}
	if err != nil {
		return nil, err
	}
	return r.member(), nil
}

// owns reports whether a member still holds a key: it exists and its
// current fields derive that key.
func (s *MemberService) owns(ctx context.Context, key string) func(string) (bool, error) {
	return func(holder string) (bool, error) {
		r, err := s.record(ctx, holder)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return slices.Contains(memberKeys(r), key), nil
	}
}

// memberKeys are the key documents of a member's unique values.
func memberKeys(r *memberRecord) []string {
	var keys []string
	for _, u := range r.member().UniqueValues() {
		keys = append(keys, uniqueKey(u))
	}
	return keys
}

// uniqueKey is the key document of a unique value; e-mail addresses and
// external ids appear in it only as hashes.
func uniqueKey(u badges.UniqueValue) string {
	switch u.Field {
	case badges.FieldEmail:
		return emailKey(u.Scope, u.Value)
	case badges.FieldExternalID:
		return extIDKey(u.Scope, u.Value)
	}
	return slugKey(u.Value)
}

// claimMemberKeys reserves the keys r needs that old (nil for a new member)
// does not hold yet. On a conflict it frees what it claimed and returns
// the value taken, with its error.
func (s *MemberService) claimMemberKeys(ctx context.Context, r, old *memberRecord) (claimed []string, taken *badges.UniqueValue, err error) {
	var had []string
	if old != nil {
		had = memberKeys(old)
	}
	for _, u := range r.member().UniqueValues() {
		key := uniqueKey(u)
		if slices.Contains(had, key) {
			continue
		}
		holder, err := s.db.ClaimKey(ctx, key, r.ID, s.owns(ctx, key))
		if err == nil && holder != "" {
			taken, err = &u, u.Conflict(holder)
		}
		if err != nil {
			s.release(ctx, claimed, r.ID)
			return nil, taken, err
		}
		claimed = append(claimed, key)
	}
	return claimed, nil, nil
}

// release frees keys best-effort; a key left behind is stale and is taken
// over by the next claim.
func (s *MemberService) release(ctx context.Context, keys []string, ref string) {
	for _, k := range keys {
		_ = s.db.ReleaseKey(context.WithoutCancel(ctx), k, ref)
	}
}

// CreateMember adds a member to an issuer. Without a slug it takes the
// first free one of those the domain derives from the display name (see
// badges.SlugChoice).
func (s *MemberService) CreateMember(ctx context.Context, issuerID string, in badges.MemberInput) (*badges.Member, error) {
	if err := in.Normalize(); err != nil {
		return nil, err
	}
	now := s.db.Now()
	r := &memberRecord{ID: badges.NewID(), Issuer: issuerID, Email: in.Email, DisplayName: in.DisplayName,
		ExternalID: in.ExternalID, Public: in.PublicProfile, DID: in.DID, CreatedAt: now, UpdatedAt: now}
	claimed, err := s.claimNew(ctx, r, badges.NewSlugChoice(in))
	if err != nil {
		return nil, err
	}
	if errs, absent := s.insertMembers(ctx, []*memberRecord{r}); errs[0] != nil {
		if absent[0] {
			s.release(ctx, claimed, r.ID)
		}
		return nil, errs[0]
	}
	return r.member(), nil
}

// claimNew claims a new member's keys, with the slugs the domain offers
// in turn while it says to try another.
func (s *MemberService) claimNew(ctx context.Context, r *memberRecord, slugs *badges.SlugChoice) ([]string, error) {
	for {
		r.Slug = slugs.Slug()
		claimed, taken, err := s.claimMemberKeys(ctx, r, nil)
		if taken == nil || !slugs.Retry(*taken) {
			return claimed, err
		}
	}
}

// memberAttempts bounds the retries of a change that keeps losing races.
const memberAttempts = 8

// UpdateMember changes a member, moving its unique keys when e-mail, slug
// or external id change. The write is a compare-and-swap on the record's
// rev: a change that lost a race with another is applied again to the
// member as it now is, so that the fields of both are kept. On the
// embedded engine the member's lock makes read and write one step.
func (s *MemberService) UpdateMember(ctx context.Context, id string, u badges.MemberUpdate) (*badges.Member, error) {
	if !badges.ValidID(id) {
		return nil, badges.Errorf(badges.ENOTFOUND, "No member with id %q.", id)
	}
	defer s.db.LockDoc(database.Members, id)()
	for range memberAttempts {
		old, err := s.record(ctx, id)
		if err != nil {
			return nil, err
		}
		m, err := old.member().Apply(u)
		if err != nil {
			return nil, err
		}
		r, changed := updatedRecord(old, m, s.db.Now(), u.By)
		if !changed {
			return old.member(), nil
		}
		saved, err := s.save(ctx, r, old)
		if err != nil || saved {
			return r.member(), err
		}
	}
	return nil, badges.Errorf(badges.EUNAVAILABLE, "Member %s is being changed by many requests at once; try again.", id)
}

// updatedRecord is old changed to m by by (badges.MemberUpdate.By), with
// the changes of the member's choices recorded; changed is false when m
// changes nothing.
func updatedRecord(old *memberRecord, m *badges.Member, now time.Time, by string) (*memberRecord, bool) {
	if m.Email == old.Email && m.DisplayName == old.DisplayName && m.ExternalID == old.ExternalID && m.Slug == old.Slug && m.PublicProfile == old.Public && m.DID == old.DID {
		return old, false
	}
	r := *old
	r.Email, r.DisplayName, r.ExternalID, r.Slug, r.Public, r.DID = m.Email, m.DisplayName, m.ExternalID, m.Slug, m.PublicProfile, m.DID
	badges.RecordChoices(old.member(), m, by, now)
	r.Choices = nil
	for _, c := range m.Choices {
		r.Choices = append(r.Choices, memberChoiceRecord{At: c.At, What: c.What, Public: c.Public, By: c.By})
	}
	r.UpdatedAt, r.Rev = now, old.Rev+1
	return &r, true
}

// save replaces a member record if it is still old, claiming new keys first
// and freeing the old ones after; saved is false when another write came
// first. The keys claimed are then kept: the member, as the other write
// left it, may hold the same values, and a key its record does not need is
// stale and taken over by the next claim.
func (s *MemberService) save(ctx context.Context, r, old *memberRecord) (saved bool, err error) {
	claimed, _, err := s.claimMemberKeys(ctx, r, old)
	if err != nil {
		return false, err
	}
	res, err := s.db.Collection(database.Members).ReplaceOne(ctx, s.db.AtRev(r.ID, old.Rev), r)
	s.db.Changed(database.Members, r.ID)
	if err != nil {
		s.release(ctx, claimed, r.ID)
		return false, database.Wrap(err, "update member")
	}
	if res.MatchedCount == 0 {
		return false, nil
	}
	if err := s.indexMembers(ctx, []*memberRecord{r}); err != nil {
		return false, err
	}
	now := memberKeys(r)
	for _, k := range memberKeys(old) {
		if !slices.Contains(now, k) {
			s.release(ctx, []string{k}, r.ID)
		}
	}
	return true, nil
}

// Members lists an issuer's members in creation order, finds one by
// e-mail or external id, or searches them (membersearch.go).
func (s *MemberService) Members(ctx context.Context, f badges.MemberFilter) (*badges.Page[*badges.Member], error) {
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	switch {
	case f.Email != "":
		return matching(s.memberByEmail(ctx, f.IssuerID, f.Email))(f.Query)
	case f.ExternalID != "":
		return matching(s.memberByExternalID(ctx, f.IssuerID, f.ExternalID))(f.Query)
	case f.Query != "":
		return s.search(ctx, f)
	}
	return s.list(ctx, f) // memberlist.go
}

// pagedList is the member list read from the list pages, each member by
// _id: the list while the member index is being built.
func (s *MemberService) pagedList(ctx context.Context, f badges.MemberFilter) (*badges.Page[*badges.Member], error) {
	after := ""
	if f.Cursor != "" {
		var err error
		if after, err = badges.DecodeCursor(f.Cursor); err != nil {
			return nil, err
		}
	}
	counts, err := s.db.Counters(ctx, membersCounter(f.IssuerID))
	if err != nil {
		return nil, err
	}
	entries, more, err := s.entriesAfter(ctx, f.IssuerID, after, counts["seq"], f.Limit)
	if err != nil {
		return nil, err
	}
	p := &badges.Page[*badges.Member]{Total: int(counts["count"])}
	for _, e := range entries {
		_, id, _ := strings.Cut(e, ":")
		r, err := s.record(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			continue // deleted while listing
		}
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, r.member())
	}
	if more {
		p.NextCursor = badges.EncodeCursor(entries[len(entries)-1])
	}
	return p, nil
}

// entriesAfter reads list pages from the one holding after until it has
// limit entries past after, and says whether more follow.
func (s *MemberService) entriesAfter(ctx context.Context, issuer, after string, maxSeq int64, limit int) ([]string, bool, error) {
	first := int64(1)
	if after != "" {
		seq, err := strconv.ParseInt(after[:min(12, len(after))], 10, 64)
		if err != nil || seq < 1 {
			return nil, false, badges.FieldErrorf("cursor", "cursor is not one this server issued")
		}
		first = seq
	}
	var out []string
	for seq := first; seq <= maxSeq; seq += memberPageSize {
		var pg memberPage
		err := s.db.Collection(database.MemberPages).FindOne(ctx, database.ByID(pageID(issuer, seq))).Decode(&pg)
		if err != nil && !database.IsNoDocuments(err) {
			return nil, false, database.Wrap(err, "read member list")
		}
		slices.Sort(pg.IDs)
		for _, e := range pg.IDs {
			if e <= after {
				continue
			}
			if len(out) == limit {
				return out, true, nil
			}
			out = append(out, e)
		}
		seq -= (seq - 1) % memberPageSize // align to the page start
	}
	return out, false, nil
}

// memberByExternalID finds a member by the id another system gave them.
func (s *MemberService) memberByExternalID(ctx context.Context, issuer, ext string) (*badges.Page[*badges.Member], error) {
	return s.memberByKey(ctx, extIDKey(issuer, ext), func(r *memberRecord) bool { return r.ExternalID == ext && r.Issuer == issuer })
}

func (s *MemberService) memberByEmail(ctx context.Context, issuer, email string) (*badges.Page[*badges.Member], error) {
	email, err := badges.NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	return s.memberByKey(ctx, emailKey(issuer, email), func(r *memberRecord) bool { return r.Email == email && r.Issuer == issuer })
}

// memberByKey finds the member a key document points at, as a page of at
// most one; holds says whether the member still has the key's value (the
// key document may outlive a change). The holder last found is tried
// first, without reading the key.
func (s *MemberService) memberByKey(ctx context.Context, key string, holds func(*memberRecord) bool) (*badges.Page[*badges.Member], error) {
	p := &badges.Page[*badges.Member]{Items: []*badges.Member{}}
	if holder, ok := s.holders.get(key); ok {
		r, err := s.record(ctx, holder)
		if err != nil && badges.ErrorCode(err) != badges.ENOTFOUND {
			return nil, err
		}
		if err == nil && holds(r) {
			p.Items, p.Total = append(p.Items, r.member()), 1
			return p, nil
		}
	}
	holder, err := s.db.KeyRef(ctx, key)
	if err != nil || holder == "" {
		return p, err
	}
	r, err := s.record(ctx, holder)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	if holds(r) {
		s.holders.put(key, holder)
		p.Items, p.Total = append(p.Items, r.member()), 1
	}
	return p, nil
}

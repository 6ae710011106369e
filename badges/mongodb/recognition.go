package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// RecognitionStore keeps the recognition engine's data: custom behaviours
// and rules (small collections, read whole per issuer), member records
// (computed documents by member id), the activity log and the award queue.
type RecognitionStore struct{ db *database.DB }

var _ badges.RecognitionStore = (*RecognitionStore)(nil)

// NewRecognitionStore returns the recognition store of db.
func NewRecognitionStore(db *database.DB) *RecognitionStore { return &RecognitionStore{db: db} }

type behaviourRecord struct {
	ID          string `bson:"_id"` // <issuer>:<key>
	Issuer      string `bson:"issuer"`
	Key         string `bson:"key"`
	Name        string `bson:"name"`
	Description string `bson:"description,omitempty"`
	Category    string `bson:"category"`
}

// CustomBehaviours lists an issuer's own behaviours.
func (s *RecognitionStore) CustomBehaviours(ctx context.Context, issuerID string) ([]badges.Behaviour, error) {
	rs, err := database.FindAll[behaviourRecord](ctx, s.db.Collection(database.Behaviours), bson.D{{Key: "issuer", Value: issuerID}}, "read behaviours",
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]badges.Behaviour, len(rs))
	for i, r := range rs {
		out[i] = badges.Behaviour{Key: r.Key, Name: r.Name, Description: r.Description, Category: badges.BehaviourCategory(r.Category)}
	}
	return out, nil
}

// AddBehaviour adds an issuer's own behaviour; its key is unique per issuer.
func (s *RecognitionStore) AddBehaviour(ctx context.Context, issuerID string, b badges.Behaviour) error {
	_, err := s.db.Collection(database.Behaviours).InsertOne(ctx, behaviourRecord{ID: issuerID + ":" + b.Key, Issuer: issuerID, Key: b.Key,
		Name: b.Name, Description: b.Description, Category: string(b.Category)})
	if database.IsDuplicate(err) {
		return &badges.Error{Code: badges.ECONFLICT, Field: "key", Message: "This community has a behaviour " + b.Key + " already."}
	}
	return database.Wrap(err, "store behaviour")
}

type ruleRecord struct {
	ID        string    `bson:"_id"` // the achievement id
	Issuer    string    `bson:"issuer"`
	Rule      string    `bson:"rule"` // its JSON form
	UpdatedAt time.Time `bson:"updatedAt"`
}

// Rules maps an issuer's achievements to their rules.
func (s *RecognitionStore) Rules(ctx context.Context, issuerID string) (map[string]*badges.Rule, error) {
	rs, err := database.FindAll[ruleRecord](ctx, s.db.Collection(database.Rules), bson.D{{Key: "issuer", Value: issuerID}}, "read rules")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*badges.Rule, len(rs))
	for _, r := range rs {
		rule, err := badges.ParseRule([]byte(r.Rule))
		if err != nil {
			return nil, fmt.Errorf("stored rule of achievement %s: %w", r.ID, err)
		}
		out[r.ID] = rule
	}
	return out, nil
}

// SetRule stores or removes an achievement's rule.
func (s *RecognitionStore) SetRule(ctx context.Context, issuerID, achievementID string, r *badges.Rule) error {
	if r == nil {
		_, err := s.db.Collection(database.Rules).DeleteOne(ctx, database.ByID(achievementID))
		return database.Wrap(err, "delete rule")
	}
	data, err := r.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = s.db.Collection(database.Rules).ReplaceOne(ctx, database.ByID(achievementID),
		ruleRecord{ID: achievementID, Issuer: issuerID, Rule: string(data), UpdatedAt: s.db.Now()}, options.Replace().SetUpsert(true))
	return database.Wrap(err, "store rule")
}

type activityRecord struct {
	ID          string    `bson:"_id"`
	Issuer      string    `bson:"issuer"`
	Member      string    `bson:"member"`
	Behaviour   string    `bson:"behaviour"`
	At          time.Time `bson:"at"`
	Quantity    float64   `bson:"quantity,omitempty"`
	Peer        string    `bson:"peer,omitempty"`
	EvidenceURL string    `bson:"evidenceUrl,omitempty"`
	Narrative   string    `bson:"narrative,omitempty"`
	Cohort      string    `bson:"cohort,omitempty"`
	Source      string    `bson:"source,omitempty"`
	RecordedAt  time.Time `bson:"recordedAt"`
}

// LogActivities appends activities with one unordered insert; an id
// logged before is a duplicate.
func (s *RecognitionStore) LogActivities(ctx context.Context, as []badges.Activity) ([]bool, error) {
	docs := make([]any, len(as))
	for i, a := range as {
		docs[i] = activityRecord{ID: a.ID, Issuer: a.IssuerID, Member: a.MemberID, Behaviour: a.Behaviour, At: a.At.UTC(),
			Quantity: a.Quantity, Peer: a.PeerID, EvidenceURL: a.EvidenceURL, Narrative: a.Narrative, Cohort: a.Cohort,
			Source: a.SourceEventID, RecordedAt: a.RecordedAt.UTC()}
	}
	return database.InsertNew(ctx, s.db.Collection(database.Activities), docs, "log activities")
}

// Record reads a member's record.
func (s *RecognitionStore) Record(ctx context.Context, memberID string) (*badges.MemberRecord, error) {
	rec, found, err := database.ReadComputed[badges.MemberRecord](ctx, s.db, database.Records, memberID)
	if err != nil || !found {
		return nil, err
	}
	return &rec, nil
}

// UpdateRecord changes a member's record atomically.
func (s *RecognitionStore) UpdateRecord(ctx context.Context, memberID string, change func(*badges.MemberRecord) error) error {
	return database.Modify(ctx, s.db, database.Records, memberID, func(rec *badges.MemberRecord, exists bool) error {
		if !exists {
			*rec = *badges.NewMemberRecord(memberID, s.db.Now())
		}
		return change(rec)
	})
}

type pendingRecord struct {
	ID          string    `bson:"_id"`
	Issuer      string    `bson:"issuer"`
	Achievement string    `bson:"achievement"`
	Member      string    `bson:"member"`
	Narrative   string    `bson:"narrative,omitempty"`
	Links       []string  `bson:"links,omitempty"`
	Attempts    int       `bson:"attempts"`
	LastError   string    `bson:"lastError,omitempty"`
	NotBefore   time.Time `bson:"notBefore"`
	CreatedAt   time.Time `bson:"createdAt"`
}

// Enqueue queues awards with one unordered insert; one queued already
// stays as it is.
func (s *RecognitionStore) Enqueue(ctx context.Context, awards []badges.PendingAward) error {
	docs := make([]any, len(awards))
	for i, a := range awards {
		docs[i] = pendingRecord{ID: a.ID, Issuer: a.IssuerID, Achievement: a.AchievementID, Member: a.MemberID,
			Narrative: a.Narrative, Links: a.Links, NotBefore: a.CreatedAt, CreatedAt: a.CreatedAt}
	}
	_, err := database.InsertNew(ctx, s.db.Collection(database.Outbox), docs, "queue awards")
	return err
}

// Pending lists queued awards, oldest first. The queue is short-lived and
// small, so reading it whole is fine.
func (s *RecognitionStore) Pending(ctx context.Context, limit int) ([]badges.PendingAward, error) {
	rs, err := database.FindAll[pendingRecord](ctx, s.db.Collection(database.Outbox), bson.D{}, "read award queue",
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	out := make([]badges.PendingAward, len(rs))
	for i, r := range rs {
		out[i] = badges.PendingAward{ID: r.ID, IssuerID: r.Issuer, AchievementID: r.Achievement, MemberID: r.Member,
			Narrative: r.Narrative, Links: r.Links, Attempts: r.Attempts, LastError: r.LastError, NotBefore: r.NotBefore, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// Done removes an award from the queue.
func (s *RecognitionStore) Done(ctx context.Context, id string) error {
	_, err := s.db.Collection(database.Outbox).DeleteOne(ctx, database.ByID(id))
	return database.Wrap(err, "dequeue award")
}

// Retry records a failed attempt and when to try again.
func (s *RecognitionStore) Retry(ctx context.Context, id, reason string, next time.Time) error {
	defer s.db.LockDoc(database.Outbox, id)()
	_, err := s.db.Collection(database.Outbox).UpdateOne(ctx, database.ByID(id), bson.D{
		{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}},
		{Key: "$set", Value: bson.D{{Key: "lastError", Value: reason}, {Key: "notBefore", Value: next.UTC()}}},
	})
	return database.Wrap(err, "retry award")
}

type nominationRecord struct {
	ID          string    `bson:"_id"`
	Issuer      string    `bson:"issuer"`
	Nominator   string    `bson:"nominator"`
	Member      string    `bson:"member"`
	Achievement string    `bson:"achievement"`
	Note        string    `bson:"note,omitempty"`
	Status      string    `bson:"status"`
	Credential  string    `bson:"credential,omitempty"`
	Reason      string    `bson:"reason,omitempty"`
	CreatedAt   time.Time `bson:"createdAt"`
	DecidedAt   time.Time `bson:"decidedAt,omitempty"`
}

func (r *nominationRecord) nomination() *badges.Nomination {
	return &badges.Nomination{ID: r.ID, IssuerID: r.Issuer, NominatorID: r.Nominator, MemberID: r.Member, AchievementID: r.Achievement,
		Note: r.Note, Status: r.Status, CredentialID: r.Credential, Reason: r.Reason, CreatedAt: r.CreatedAt, DecidedAt: r.DecidedAt}
}

// SaveNomination creates or replaces a nomination.
func (s *RecognitionStore) SaveNomination(ctx context.Context, n *badges.Nomination) error {
	r := nominationRecord{ID: n.ID, Issuer: n.IssuerID, Nominator: n.NominatorID, Member: n.MemberID, Achievement: n.AchievementID,
		Note: n.Note, Status: n.Status, Credential: n.CredentialID, Reason: n.Reason, CreatedAt: n.CreatedAt.UTC(), DecidedAt: n.DecidedAt.UTC()}
	_, err := s.db.Collection(database.Nominations).ReplaceOne(ctx, database.ByID(n.ID), r, options.Replace().SetUpsert(true))
	return database.Wrap(err, "store nomination")
}

// Nomination reads one nomination.
func (s *RecognitionStore) Nomination(ctx context.Context, id string) (*badges.Nomination, error) {
	notFound := badges.Errorf(badges.ENOTFOUND, "No nomination with id %q.", id)
	if !badges.ValidID(id) {
		return nil, notFound
	}
	var r nominationRecord
	if err := s.db.Collection(database.Nominations).FindOne(ctx, database.ByID(id)).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, notFound
		}
		return nil, database.Wrap(err, "read nomination")
	}
	return r.nomination(), nil
}

// Nominations lists an issuer's nominations; the collection is small (an
// admin queue), so it is read with a filter.
func (s *RecognitionStore) Nominations(ctx context.Context, issuerID, status string) ([]*badges.Nomination, error) {
	filter := bson.D{{Key: "issuer", Value: issuerID}}
	if status != "" {
		filter = append(filter, bson.E{Key: "status", Value: status})
	}
	rs, err := database.FindAll[nominationRecord](ctx, s.db.Collection(database.Nominations), filter, "read nominations",
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(1000))
	if err != nil {
		return nil, err
	}
	out := make([]*badges.Nomination, len(rs))
	for i := range rs {
		out[i] = rs[i].nomination()
	}
	return out, nil
}

type pinRecord struct {
	ID       string    `bson:"_id"` // "pin:<issuer>"
	Member   string    `bson:"member"`
	Note     string    `bson:"note,omitempty"`
	PinnedAt time.Time `bson:"pinnedAt"`
}

// SetPin stores or removes a community's spotlight pin.
func (s *RecognitionStore) SetPin(ctx context.Context, issuerID string, p *badges.Pin) error {
	id := "pin:" + issuerID
	if p == nil {
		_, err := s.db.Collection(database.Showcases).DeleteOne(ctx, database.ByID(id))
		return database.Wrap(err, "remove pin")
	}
	_, err := s.db.Collection(database.Showcases).ReplaceOne(ctx, database.ByID(id), pinRecord{ID: id, Member: p.MemberID, Note: p.Note, PinnedAt: p.PinnedAt.UTC()},
		options.Replace().SetUpsert(true))
	return database.Wrap(err, "store pin")
}

// Pin reads a community's spotlight pin.
func (s *RecognitionStore) Pin(ctx context.Context, issuerID string) (*badges.Pin, error) {
	var r pinRecord
	err := s.db.Collection(database.Showcases).FindOne(ctx, database.ByID("pin:"+issuerID)).Decode(&r)
	switch {
	case database.IsNoDocuments(err):
		return nil, nil
	case err != nil:
		return nil, database.Wrap(err, "read pin")
	}
	return &badges.Pin{MemberID: r.Member, Note: r.Note, PinnedAt: r.PinnedAt}, nil
}

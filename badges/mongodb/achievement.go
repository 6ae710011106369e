package mongodb

import (
	"context"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

type alignmentRecord struct {
	TargetName        string `bson:"name"`
	TargetURL         string `bson:"url"`
	TargetDescription string `bson:"description,omitempty"`
	TargetFramework   string `bson:"framework,omitempty"`
	TargetCode        string `bson:"code,omitempty"`
	TargetType        string `bson:"type,omitempty"`
}

type achievementRecord struct {
	ID           string             `bson:"_id"`
	Issuer       string             `bson:"issuer"`
	Achievement  string             `bson:"achievement,omitempty"` // set on version snapshots only
	Name         string             `bson:"name"`
	Description  string             `bson:"description"`
	Criteria     string             `bson:"criteria"`
	Type         string             `bson:"type"`
	Tags         []string           `bson:"tags,omitempty"`
	Alignments   []alignmentRecord  `bson:"alignments,omitempty"`
	Outcomes     []outcomeRefRecord `bson:"outcomes,omitempty"`
	Level        string             `bson:"level,omitempty"`
	ValidityDays int                `bson:"validityDays,omitempty"`
	Repeatable   bool               `bson:"repeatable,omitempty"`
	Applications bool               `bson:"applications,omitempty"`
	Status       string             `bson:"status"`
	Version      int                `bson:"version"`
	Rev          int64              `bson:"rev"` // optimistic concurrency for edits
	Image        imageRefRecord     `bson:"image"`
	CreatedAt    time.Time          `bson:"createdAt"`
	UpdatedAt    time.Time          `bson:"updatedAt"`

	GrantsLeadership *bool `bson:"grantsLeadership,omitempty"` // nil when stored before the choice existed
}

func (r *achievementRecord) achievement() *badges.Achievement {
	a := &badges.Achievement{ID: r.ID, IssuerID: r.Issuer, Name: r.Name, Description: r.Description,
		Criteria: r.Criteria, AchievementType: r.Type, Tags: r.Tags, Level: r.Level,
		ValidityDays: r.ValidityDays, Repeatable: r.Repeatable, Status: badges.AchievementStatus(r.Status), Version: r.Version,
		Image: toImageRef(r.Image), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, GrantsLeadership: badges.GrantsLeadershipByDefault(r.Level),
		Applications: r.Applications}
	if r.GrantsLeadership != nil {
		a.GrantsLeadership = *r.GrantsLeadership
	}
	if r.Achievement != "" {
		a.ID = r.Achievement
	}
	for _, al := range r.Alignments {
		a.Alignments = append(a.Alignments, badges.Alignment(al))
	}
	for _, o := range r.Outcomes {
		a.Outcomes = append(a.Outcomes, badges.OutcomeRef(o))
	}
	return a
}

func achievementToRecord(a *badges.Achievement, rev int64) *achievementRecord {
	r := &achievementRecord{ID: a.ID, Issuer: a.IssuerID, Name: a.Name, Description: a.Description,
		Criteria: a.Criteria, Type: a.AchievementType, Tags: a.Tags, Level: a.Level,
		ValidityDays: a.ValidityDays, Repeatable: a.Repeatable, Status: string(a.Status), Version: a.Version, Rev: rev,
		Image: fromImageRef(a.Image), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Applications: a.Applications, GrantsLeadership: &a.GrantsLeadership}
	for _, al := range a.Alignments {
		r.Alignments = append(r.Alignments, alignmentRecord(al))
	}
	for _, o := range a.Outcomes {
		r.Outcomes = append(r.Outcomes, outcomeRefRecord(o))
	}
	return r
}

func versionID(id string, version int) string { return id + "@" + strconv.Itoa(version) }

// AchievementService stores badge definitions and a snapshot of every
// version, because issued credentials embed the version they were issued
// under.
type AchievementService struct {
	db     *database.DB
	images *ImageStore
}

var _ badges.AchievementService = (*AchievementService)(nil)

// NewAchievementService returns the achievement service of db.
func NewAchievementService(db *database.DB) *AchievementService {
	return &AchievementService{db: db, images: NewImageStore(db)}
}

func notFoundAchievement(id string) error {
	return badges.Errorf(badges.ENOTFOUND, "No achievement with id %q.", id)
}

func (s *AchievementService) record(ctx context.Context, id string) (*achievementRecord, error) {
	if !badges.ValidID(id) {
		return nil, notFoundAchievement(id)
	}
	var r achievementRecord
	if err := s.db.Collection(database.Achievements).FindOne(ctx, database.ByID(id)).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, notFoundAchievement(id)
		}
		return nil, database.Wrap(err, "read achievement")
	}
	return &r, nil
}

// CreateAchievement defines a badge, with generated art until an image is
// uploaded.
func (s *AchievementService) CreateAchievement(ctx context.Context, issuerID string, in badges.AchievementInput) (*badges.Achievement, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.db.Now()
	a := &badges.Achievement{ID: badges.NewID(), IssuerID: issuerID, Name: in.Name, Description: in.Description,
		Criteria: in.Criteria, AchievementType: in.AchievementType, Tags: in.Tags, Alignments: in.Alignments,
		Outcomes: in.Outcomes, Level: in.Level, ValidityDays: in.ValidityDays, Repeatable: in.Repeatable, Status: in.Status, Version: 1,
		CreatedAt: now, UpdatedAt: now, Applications: in.Applications, GrantsLeadership: *in.GrantsLeadership}
	var err error
	if a.Image, err = s.generatedArt(ctx, a); err != nil {
		return nil, err
	}
	if err := s.snapshot(ctx, a, 1); err != nil {
		return nil, err
	}
	if _, err := s.db.Collection(database.Achievements).InsertOne(ctx, achievementToRecord(a, 1)); err != nil {
		return nil, database.Wrap(err, "store achievement")
	}
	return a, nil
}

// snapshot stores a, as of revision rev, under its current version number,
// replacing an earlier snapshot of the same version (drafts are edited in
// place, and a status change keeps the version) unless a later revision
// wrote it already: with several processes the snapshots of two edits can
// arrive in either order. The filter is more than an exact _id, which the
// embedded engine answers by reading the collection; versions are few and
// edits rare.
func (s *AchievementService) snapshot(ctx context.Context, a *badges.Achievement, rev int64) error {
	r := achievementToRecord(a, rev)
	r.ID, r.Achievement = versionID(a.ID, a.Version), a.ID
	older := bson.D{{Key: "_id", Value: r.ID}, {Key: "rev", Value: bson.D{{Key: "$lt", Value: rev}}}}
	_, err := s.db.Collection(database.AchievementVersions).ReplaceOne(ctx, older, r, replaceUpsert())
	if database.IsDuplicate(err) {
		return nil // a later revision's snapshot is stored: the upsert found it newer
	}
	return database.Wrap(err, "store achievement version")
}

// Achievement returns the current version of an achievement.
func (s *AchievementService) Achievement(ctx context.Context, id string) (*badges.Achievement, error) {
	r, err := s.record(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.achievement(), nil
}

// AchievementVersion returns an achievement as it was at a version.
func (s *AchievementService) AchievementVersion(ctx context.Context, id string, version int) (*badges.Achievement, error) {
	if !badges.ValidID(id) || version < 1 {
		return nil, notFoundAchievement(id)
	}
	var r achievementRecord
	if err := s.db.Collection(database.AchievementVersions).FindOne(ctx, database.ByID(versionID(id, version))).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			if cur, cerr := s.record(ctx, id); cerr == nil && cur.Version == version {
				return cur.achievement(), nil
			}
			return nil, badges.Errorf(badges.ENOTFOUND, "Achievement %q has no version %d.", id, version)
		}
		return nil, database.Wrap(err, "read achievement version")
	}
	return r.achievement(), nil
}

// AchievementVersions returns every version of an achievement, oldest first.
func (s *AchievementService) AchievementVersions(ctx context.Context, id string) ([]*badges.Achievement, error) {
	cur, err := s.record(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*badges.Achievement, 0, cur.Version)
	for v := 1; v <= cur.Version; v++ {
		a, err := s.AchievementVersion(ctx, id, v)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Achievements lists an issuer's achievements, oldest first. Achievements
// are few per issuer, so the list is read whole and paged in memory.
func (s *AchievementService) Achievements(ctx context.Context, f badges.AchievementFilter) (*badges.Page[*badges.Achievement], error) {
	filter := bson.D{{Key: "issuer", Value: f.IssuerID}}
	if f.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: string(f.Status)})
	}
	recs, err := database.FindAll[achievementRecord](ctx, s.db.Collection(database.Achievements), filter, "list achievements")
	if err != nil {
		return nil, err
	}
	items := make([]*badges.Achievement, len(recs))
	for i := range recs {
		items[i] = recs[i].achievement()
	}
	return badges.Paginate(items, func(a *badges.Achievement) string { return badges.SortKey(a.CreatedAt, a.ID) }, f.ListOptions)
}

// UpdateAchievement edits an achievement. A content change to an active
// achievement makes a new version; a draft is edited in place.
func (s *AchievementService) UpdateAchievement(ctx context.Context, id string, u badges.AchievementUpdate) (*badges.Achievement, error) {
	return s.modify(ctx, id, func(a *badges.Achievement) (*badges.Achievement, bool, error) {
		n, changed, err := a.Apply(u)
		if err != nil || !changed || n.Image != a.Image || !n.Image.Generated || !artChanged(a, n) {
			return n, changed, err
		}
		// Generated art follows the name and the level.
		if n.Image, err = s.generatedArt(ctx, n); err != nil {
			return nil, false, err
		}
		return n, true, nil
	})
}

// SetAchievementImage replaces the image; nil restores the generated art.
func (s *AchievementService) SetAchievementImage(ctx context.Context, id string, img *badges.Image) (*badges.Achievement, error) {
	return s.modify(ctx, id, func(a *badges.Achievement) (*badges.Achievement, bool, error) {
		if a.Status == badges.StatusArchived {
			return nil, false, badges.Errorf(badges.ECONFLICT, "achievement %s is archived; make it active before editing it", a.ID)
		}
		n := *a
		if img == nil {
			ref, err := s.generatedArt(ctx, a)
			if err != nil {
				return nil, false, err
			}
			n.Image = ref
			return &n, n.Image != a.Image, nil
		}
		if err := s.images.PutImage(ctx, img); err != nil {
			return nil, false, err
		}
		n.Image = img.Ref(false)
		return &n, n.Image != a.Image, nil
	})
}

// modify reads, changes and writes an achievement, failing with a conflict
// if it was changed concurrently: the write is a compare-and-swap on rev
// on MongoDB, and the achievement's lock holds off other writers on the
// embedded engine.
func (s *AchievementService) modify(ctx context.Context, id string, change func(*badges.Achievement) (*badges.Achievement, bool, error)) (*badges.Achievement, error) {
	defer s.db.LockDoc(database.Achievements, id)() // makes the rev check atomic on the embedded engine
	r, err := s.record(ctx, id)
	if err != nil {
		return nil, err
	}
	old := r.achievement()
	n, contentChanged, err := change(old)
	if err != nil {
		return nil, err
	}
	if !contentChanged && n.Status == old.Status && n.Applications == old.Applications && n.GrantsLeadership == old.GrantsLeadership {
		return old, nil
	}
	if contentChanged && old.Status == badges.StatusActive {
		n.Version++
	}
	n.UpdatedAt = s.db.Now()
	res, err := s.db.Collection(database.Achievements).ReplaceOne(ctx, s.db.AtRev(id, r.Rev), achievementToRecord(n, r.Rev+1))
	if err != nil {
		return nil, database.Wrap(err, "update achievement")
	}
	if res.MatchedCount == 0 {
		return nil, badges.Errorf(badges.ECONFLICT, "Achievement %s was changed by another request; fetch it and try again.", id)
	}
	// The snapshot follows the winning write; if it is lost, reads of the
	// current version fall back to the achievement itself.
	return n, s.snapshot(ctx, n, r.Rev+1)
}

package mongodb

import (
	"context"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// ReevaluationStore keeps re-evaluation jobs in the reevaluations
// collection as computed documents by job id, with two lists beside them,
// so that nothing is ever found by its content: "issuer:<issuer>", a
// community's jobs newest first (the latest maxListedReevaluations), and
// "unfinished", the jobs queued or running in every community. The
// members a job works through are read from the members' list pages.
type ReevaluationStore struct {
	db      *database.DB
	members *MemberService
}

var _ badges.ReevaluationStore = (*ReevaluationStore)(nil)

// NewReevaluationStore returns the re-evaluation store of db.
func NewReevaluationStore(db *database.DB) *ReevaluationStore {
	return &ReevaluationStore{db: db, members: NewMemberService(db)}
}

// maxListedReevaluations bounds a community's list of jobs; older jobs
// stay readable by id.
const maxListedReevaluations = 1000

const unfinishedList = "unfinished"

func issuerList(issuerID string) string { return "issuer:" + issuerID }

type reevaluationRecord struct {
	ID              string                `bson:"id"`
	Issuer          string                `bson:"issuer"`
	Achievement     string                `bson:"achievement"`
	AchievementName string                `bson:"achievementName"`
	RuleRevision    string                `bson:"ruleRevision"`
	Reason          string                `bson:"reason"`
	State           string                `bson:"state"`
	MembersTotal    int                   `bson:"membersTotal"`
	MembersDone     int                   `bson:"membersDone"`
	AwardsQueued    int                   `bson:"awardsQueued"`
	Cursor          string                `bson:"cursor,omitempty"`
	InFlight        *reevaluationBatchDoc `bson:"inFlight,omitempty"`
	Runner          string                `bson:"runner,omitempty"`
	Error           string                `bson:"error,omitempty"`
	CreatedAt       time.Time             `bson:"createdAt"`
	StartedAt       time.Time             `bson:"startedAt,omitempty"`
	FinishedAt      time.Time             `bson:"finishedAt,omitempty"`
	UpdatedAt       time.Time             `bson:"updatedAt"`
}

type reevaluationBatchDoc struct {
	Cursor  string          `bson:"cursor"`
	Members int             `bson:"members"`
	Awards  []pendingRecord `bson:"awards"`
}

func reevaluationDoc(j *badges.Reevaluation) reevaluationRecord {
	r := reevaluationRecord{ID: j.ID, Issuer: j.IssuerID, Achievement: j.AchievementID, AchievementName: j.AchievementName,
		RuleRevision: j.RuleRevision, Reason: string(j.Reason), State: string(j.State), MembersTotal: j.MembersTotal,
		MembersDone: j.MembersDone, AwardsQueued: j.AwardsQueued, Cursor: j.Cursor, Runner: j.Runner, Error: j.Error,
		CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, FinishedAt: j.FinishedAt, UpdatedAt: j.UpdatedAt}
	if b := j.InFlight; b != nil {
		r.InFlight = &reevaluationBatchDoc{Cursor: b.Cursor, Members: b.Members, Awards: make([]pendingRecord, len(b.Awards))}
		for i, a := range b.Awards {
			r.InFlight.Awards[i] = pendingRecord{ID: a.ID, Issuer: a.IssuerID, Achievement: a.AchievementID, Member: a.MemberID,
				Narrative: a.Narrative, Links: a.Links, NotBefore: a.NotBefore, CreatedAt: a.CreatedAt}
		}
	}
	return r
}

func (r *reevaluationRecord) reevaluation() *badges.Reevaluation {
	j := &badges.Reevaluation{ID: r.ID, IssuerID: r.Issuer, AchievementID: r.Achievement, AchievementName: r.AchievementName,
		RuleRevision: r.RuleRevision, Reason: badges.ReevaluationReason(r.Reason), State: badges.ReevaluationState(r.State),
		MembersTotal: r.MembersTotal, MembersDone: r.MembersDone, AwardsQueued: r.AwardsQueued, Cursor: r.Cursor,
		Runner: r.Runner, Error: r.Error, CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, UpdatedAt: r.UpdatedAt}
	if b := r.InFlight; b != nil {
		j.InFlight = &badges.ReevaluationBatch{Cursor: b.Cursor, Members: b.Members, Awards: make([]badges.PendingAward, len(b.Awards))}
		for i, a := range b.Awards {
			j.InFlight.Awards[i] = badges.PendingAward{ID: a.ID, IssuerID: a.Issuer, AchievementID: a.Achievement, MemberID: a.Member,
				Narrative: a.Narrative, Links: a.Links, NotBefore: a.NotBefore, CreatedAt: a.CreatedAt}
		}
	}
	return j
}

func notFoundReevaluation(id string) error {
	return badges.Errorf(badges.ENOTFOUND, "No re-evaluation with id %q.", id)
}

// CreateReevaluation stores a new job, then lists it: a job stored and not
// listed (a crash in between) is never run, and its run key, whose holder
// is not unfinished, is taken over by the next start.
func (s *ReevaluationStore) CreateReevaluation(ctx context.Context, j *badges.Reevaluation) error {
	err := database.Modify(ctx, s.db, database.Reevaluations, j.ID, func(r *reevaluationRecord, exists bool) error {
		if exists {
			return badges.Errorf(badges.ECONFLICT, "Re-evaluation %s exists already.", j.ID)
		}
		*r = reevaluationDoc(j)
		return nil
	})
	if err != nil {
		return err
	}
	if err := pushListed(ctx, s.db, database.Reevaluations, unfinishedList, j.ID, false, 0); err != nil {
		return err
	}
	return pushListed(ctx, s.db, database.Reevaluations, issuerList(j.IssuerID), j.ID, true, maxListedReevaluations)
}

// Reevaluation reads a job.
func (s *ReevaluationStore) Reevaluation(ctx context.Context, id string) (*badges.Reevaluation, error) {
	if !badges.ValidID(id) {
		return nil, notFoundReevaluation(id)
	}
	r, found, err := database.ReadComputed[reevaluationRecord](ctx, s.db, database.Reevaluations, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, notFoundReevaluation(id)
	}
	return r.reevaluation(), nil
}

// UpdateReevaluation changes a job atomically; one that finishes leaves
// the unfinished list.
func (s *ReevaluationStore) UpdateReevaluation(ctx context.Context, id string, change func(*badges.Reevaluation) error) error {
	if !badges.ValidID(id) {
		return notFoundReevaluation(id)
	}
	finished := false
	err := database.Modify(ctx, s.db, database.Reevaluations, id, func(r *reevaluationRecord, exists bool) error {
		if !exists {
			return notFoundReevaluation(id)
		}
		j := r.reevaluation()
		if err := change(j); err != nil {
			return err
		}
		*r, finished = reevaluationDoc(j), j.State.Finished()
		return nil
	})
	if err != nil || !finished {
		return err
	}
	return dropListed(ctx, s.db, database.Reevaluations, unfinishedList, []string{id})
}

// Reevaluations lists a community's jobs, newest first; the cursor is the
// last id of the page before.
func (s *ReevaluationStore) Reevaluations(ctx context.Context, issuerID string, o badges.ListOptions) (*badges.Page[*badges.Reevaluation], error) {
	return listedPage(ctx, s.db, database.Reevaluations, issuerList(issuerID), o, s.Reevaluation)
}

// UnfinishedReevaluations lists the jobs queued or running, oldest first,
// and drops from the list those that finished or are gone (a crash came
// between their last change and the list's).
func (s *ReevaluationStore) UnfinishedReevaluations(ctx context.Context) ([]string, error) {
	return unfinishedIDs(ctx, s.db, database.Reevaluations, unfinishedList, s.Reevaluation, func(j *badges.Reevaluation) bool { return j.State.Finished() })
}

// ClaimRun reserves a run key in the key index.
func (s *ReevaluationStore) ClaimRun(ctx context.Context, key, id string, owns func(string) (bool, error)) (string, error) {
	return s.db.ClaimKey(ctx, key, id, owns)
}

// ReleaseRun frees a run key that job id holds.
func (s *ReevaluationStore) ReleaseRun(ctx context.Context, key, id string) error {
	return s.db.ReleaseKey(ctx, key, id)
}

// MemberRecords reads a batch of members' records as fast as the database
// allows (see database.EachComputedOf).
func (s *ReevaluationStore) MemberRecords(ctx context.Context, ids []string, f func(string, *badges.MemberRecord) error) error {
	return database.EachComputedOf(ctx, s.db, database.Records, ids, s.db.RecordWriters(),
		func(id string, rec badges.MemberRecord, found bool) error {
			if !found {
				return f(id, nil)
			}
			return f(id, &rec)
		})
}

// MemberIDs pages through a community's member list, a few list page
// documents at a time, without reading the members.
func (s *ReevaluationStore) MemberIDs(ctx context.Context, issuerID, after string, limit int) ([]string, string, error) {
	counts, err := s.db.Counters(ctx, membersCounter(issuerID))
	if err != nil {
		return nil, "", err
	}
	entries, _, err := s.members.entriesAfter(ctx, issuerID, after, counts["seq"], limit)
	if err != nil || len(entries) == 0 {
		return nil, "", err
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		_, ids[i], _ = strings.Cut(e, ":")
	}
	return ids, entries[len(entries)-1], nil
}

package issuer

import (
	"context"
	"strconv"

	"github.com/laurel-badges/laurel/badges"
)

// MaxBulkAwards bounds one bulk award request.
const MaxBulkAwards = 10000

// Outcomes of one row of a bulk award.
const (
	OutcomeIssued   = "issued"
	OutcomeHeld     = "held" // the member already holds it, or the idempotency key was used
	OutcomeRejected = "rejected"
)

// BulkResult is what became of one row of a bulk award.
type BulkResult struct {
	Outcome    string
	Credential *Credential
	Err        error
}

// bulkRow is one row on its way through AwardMany.
type bulkRow struct {
	in     badges.AwardInput
	ach    *badges.Achievement
	member *badges.Member
	id     string
	claims []claim
	dupOf  *bulkRow // the earlier row of this request asking for the same award
	res    BulkResult
}

// AwardMany awards many achievements at once, answering every row. Each
// row behaves as Award would; requestKey, when given, makes row i use the
// idempotency key "<requestKey>:<i>", so that a resent request issues
// nothing twice even for repeatable achievements. The database work is
// done in bulk (member creation, claims, status slots, inserts) and the
// signing on every core.
func (s *Service) AwardMany(ctx context.Context, issuerID, requestKey string, ins []badges.AwardInput) ([]BulkResult, error) {
	if len(ins) > MaxBulkAwards {
		return nil, badges.Errorf(badges.ETOOLARGE, "A bulk award takes at most %d rows, not %d.", MaxBulkAwards, len(ins))
	}
	p, err := s.deps.Profiles.Profile(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	rows := make([]*bulkRow, len(ins))
	for i, in := range ins {
		if requestKey != "" {
			in.IdempotencyKey = requestKey + ":" + strconv.Itoa(i)
		}
		rows[i] = &bulkRow{in: in, id: badges.NewID()}
	}
	if err := s.bulkAchievements(ctx, issuerID, rows); err != nil {
		return nil, err
	}
	if err := s.bulkRecipients(ctx, issuerID, rows); err != nil {
		return nil, err
	}
	if err := s.bulkClaim(ctx, issuerID, rows); err != nil {
		return nil, err
	}
	if err := s.bulkIssue(ctx, p, rows); err != nil {
		return nil, err
	}
	var listed []*Credential // issued now, or before (which finishes an interrupted award)
	var told []earned
	for _, r := range rows {
		if r.dupOf == nil && r.res.Credential != nil {
			listed = append(listed, r.res.Credential)
			told = append(told, earned{r.res.Credential, r.ach, r.member})
		}
	}
	err = s.recordIssued(ctx, listed)
	s.notifyEarned(ctx, told) // issued, whatever became of the showcases
	if err == nil {
		err = s.publishIssued(ctx, listed) // one call for the whole request
	}
	if err != nil {
		return nil, err
	}
	out := make([]BulkResult, len(rows))
	for i, r := range rows {
		if r.dupOf != nil {
			r.res = BulkResult{Outcome: OutcomeHeld, Credential: r.dupOf.res.Credential, Err: r.dupOf.res.Err}
			if r.dupOf.res.Err != nil {
				r.res.Outcome = OutcomeRejected
			}
		}
		out[i] = r.res
	}
	return out, nil
}

func (r *bulkRow) reject(err error) { r.res = BulkResult{Outcome: OutcomeRejected, Err: err} }
func (r *bulkRow) pending() bool    { return r.res.Outcome == "" }

// bulkAchievements validates rows and finds their achievements, each once.
func (s *Service) bulkAchievements(ctx context.Context, issuerID string, rows []*bulkRow) error {
	type found struct {
		a   *badges.Achievement
		err error
	}
	cache := map[string]found{}
	for _, r := range rows {
		if err := r.in.Validate(); err != nil {
			r.reject(err)
			continue
		}
		f, ok := cache[r.in.AchievementID]
		if !ok {
			f.a, f.err = s.achievement(ctx, issuerID, r.in.AchievementID)
			if f.err != nil && !isRowError(f.err) {
				return f.err
			}
			cache[r.in.AchievementID] = f
		}
		if f.err != nil {
			r.reject(f.err)
		}
		r.ach = f.a
	}
	return nil
}

// isRowError tells errors about one row's input from failures of the
// whole request (the database is down).
func isRowError(err error) bool {
	switch badges.ErrorCode(err) {
	case badges.EINVALID, badges.ENOTFOUND, badges.ECONFLICT:
		return true
	}
	return false
}

// bulkClaim reserves idempotency keys and holds on badges for every row
// with one insert, and answers the rows whose key was taken with the
// credential that took it.
func (s *Service) bulkClaim(ctx context.Context, issuerID string, rows []*bulkRow) error {
	var claims []claim
	var owner []*bulkRow
	seen := map[string]*bulkRow{}
	for _, r := range rows {
		if !r.pending() {
			continue
		}
		for _, c := range awardClaims(issuerID, r.in, r.ach, r.member.ID, r.id) {
			if first, dup := seen[c.key]; dup { // the same award twice in one request
				r.dupOf, r.res.Outcome = first, OutcomeHeld
				break
			}
			seen[c.key] = r
			claims, owner = append(claims, c), append(owner, r)
		}
	}
	keys, refs := make([]string, len(claims)), make([]string, len(claims))
	for i, c := range claims {
		keys[i], refs[i] = c.key, c.ref
	}
	holders, err := s.deps.Claims.ClaimKeys(ctx, keys, refs, func(key, holder string) (bool, error) {
		return s.credentialExists(ctx, key)(holder)
	})
	if err != nil {
		return err
	}
	for i, c := range claims {
		r := owner[i]
		switch {
		case holders[i] == "":
			r.claims = append(r.claims, c)
		case r.pending():
			id, err := holderCredential(c, holders[i])
			if err != nil {
				r.reject(err)
				continue
			}
			r.res = BulkResult{Outcome: OutcomeHeld, Credential: &Credential{ID: id}}
		}
	}
	return s.bulkAwaitHeld(ctx, rows)
}

// bulkAwaitHeld frees the claims of the rows answered without issuing and
// waits for the credentials that answer them. The rows share one deadline:
// claims left by a crashed request cost one wait, not one per row.
func (s *Service) bulkAwaitHeld(ctx context.Context, rows []*bulkRow) error {
	deadline := s.now().Add(inFlightWait)
	for _, r := range rows {
		if r.pending() {
			continue
		}
		s.release(ctx, r.claims)
		r.claims = nil
		if r.res.Outcome != OutcomeHeld || r.dupOf != nil {
			continue // a duplicate is answered once the earlier row is issued
		}
		c, err := s.waitFor(ctx, r.res.Credential.ID, deadline)
		if err != nil && !isRowError(err) {
			return err
		}
		r.res.Credential, r.res.Err = c, err
		if err != nil {
			r.res.Outcome = OutcomeRejected
		}
	}
	return nil
}

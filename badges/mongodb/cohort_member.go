package mongodb

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// idList is a computed document holding a sorted list of ids: a cohort's
// members, or a member's cohorts.
type idList struct {
	IDs []string `bson:"ids"`
}

// add puts id in the list unless it has max ids; it reports whether id is
// in the list after, and whether it was put in now.
func (l *idList) add(id string, max int) (in, added bool) {
	i, found := slices.BinarySearch(l.IDs, id)
	if found {
		return true, false
	}
	if len(l.IDs) >= max {
		return false, false
	}
	l.IDs = slices.Insert(l.IDs, i, id)
	return true, true
}

// remove takes id out of the list; it reports whether it was in it.
func (l *idList) remove(id string) bool {
	i, found := slices.BinarySearch(l.IDs, id)
	if found {
		l.IDs = slices.Delete(l.IDs, i, i+1)
	}
	return found
}

// errIDsUnchanged leaves a list that needs no change as it is: a cohort's
// member list is one document of up to 50,000 ids (about 1 MB), not to be
// written again for a member in it already.
var errIDsUnchanged = errors.New("unchanged")

// modifyList changes a list of ids atomically; a change that returns
// errIDsUnchanged writes nothing.
func (s *CohortStore) modifyList(ctx context.Context, collection, id string, change func(*idList) error) error {
	err := database.Modify(ctx, s.db, collection, id, func(l *idList, _ bool) error { return change(l) })
	if errors.Is(err, errIDsUnchanged) {
		return nil
	}
	return err
}

// JoinCohort adds members to a cohort: each member's cohort list first,
// then the cohort's member list once for all of them. A member the cohort
// has no room for is taken out of it again.
func (s *CohortStore) JoinCohort(ctx context.Context, cohortID string, memberIDs []string) ([]error, error) {
	errs := make([]error, len(memberIDs))
	var joining []string
	for i, m := range memberIDs {
		err := s.modifyList(ctx, database.MemberCohorts, m, func(l *idList) error {
			switch in, added := l.add(cohortID, badges.MaxRecordCohorts); {
			case !in:
				return &badges.Error{Code: badges.ECONFLICT, Field: "memberId",
					Message: fmt.Sprintf("Member %s is in %d cohorts, the most a member can be in.", m, badges.MaxRecordCohorts)}
			case !added:
				return errIDsUnchanged
			}
			return nil
		})
		switch {
		case badges.ErrorCode(err) == badges.ECONFLICT:
			errs[i] = err
		case err != nil:
			return nil, err
		default:
			joining = append(joining, m)
		}
	}
	var full []string
	err := s.modifyList(ctx, database.CohortMembers, cohortID, func(l *idList) error {
		full = full[:0]
		changed := false
		for _, m := range joining {
			in, added := l.add(m, badges.MaxCohortMembers)
			if !in {
				full = append(full, m)
			}
			changed = changed || added
		}
		if !changed {
			return errIDsUnchanged
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, m := range memberIDs {
		if errs[i] == nil && slices.Contains(full, m) {
			errs[i] = badges.Errorf(badges.ECONFLICT, "The cohort has %d members, the most it can have.", badges.MaxCohortMembers)
			if err := s.dropCohort(ctx, m, cohortID); err != nil {
				return nil, err
			}
		}
	}
	return errs, nil
}

// LeaveCohort takes a member out of a cohort: out of the cohort's list
// first, so that a member's own list never lacks a cohort that counts them.
func (s *CohortStore) LeaveCohort(ctx context.Context, cohortID, memberID string) error {
	if err := s.modifyList(ctx, database.CohortMembers, cohortID, removing(memberID)); err != nil {
		return err
	}
	return s.dropCohort(ctx, memberID, cohortID)
}

func (s *CohortStore) dropCohort(ctx context.Context, memberID, cohortID string) error {
	return s.modifyList(ctx, database.MemberCohorts, memberID, removing(cohortID))
}

// removing is the change that takes id out of a list, writing nothing
// when it is not in it.
func removing(id string) func(*idList) error {
	return func(l *idList) error {
		if !l.remove(id) {
			return errIDsUnchanged
		}
		return nil
	}
}

// MemberCohorts reads a member's cohort list: one document by _id.
func (s *CohortStore) MemberCohorts(ctx context.Context, memberID string) ([]string, error) {
	return s.ids(ctx, database.MemberCohorts, memberID)
}

// CohortMembers reads a cohort's member list: one document by _id.
func (s *CohortStore) CohortMembers(ctx context.Context, cohortID string) ([]string, error) {
	return s.ids(ctx, database.CohortMembers, cohortID)
}

func (s *CohortStore) ids(ctx context.Context, collection, id string) ([]string, error) {
	l, _, err := database.ReadComputed[idList](ctx, s.db, collection, id)
	if err != nil {
		return nil, err
	}
	return slices.Clone(l.IDs), nil
}

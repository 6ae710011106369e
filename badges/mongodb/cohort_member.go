package mongodb

import (
	"context"
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
// in the list after.
func (l *idList) add(id string, max int) bool {
	i, found := slices.BinarySearch(l.IDs, id)
	if found {
		return true
	}
	if len(l.IDs) >= max {
		return false
	}
	l.IDs = slices.Insert(l.IDs, i, id)
	return true
}

func (l *idList) remove(id string) {
	if i, found := slices.BinarySearch(l.IDs, id); found {
		l.IDs = slices.Delete(l.IDs, i, i+1)
	}
}

// JoinCohort adds members to a cohort: each member's cohort list first,
// then the cohort's member list once for all of them. A member the cohort
// has no room for is taken out of it again.
func (s *CohortStore) JoinCohort(ctx context.Context, cohortID string, memberIDs []string) ([]error, error) {
	errs := make([]error, len(memberIDs))
	var joining []string
	for i, m := range memberIDs {
		err := database.Modify(ctx, s.db, database.MemberCohorts, m, func(l *idList, _ bool) error {
			if !l.add(cohortID, badges.MaxRecordCohorts) {
				return &badges.Error{Code: badges.ECONFLICT, Field: "memberId",
					Message: fmt.Sprintf("Member %s is in %d cohorts, the most a member can be in.", m, badges.MaxRecordCohorts)}
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
	err := database.Modify(ctx, s.db, database.CohortMembers, cohortID, func(l *idList, _ bool) error {
		full = full[:0]
		for _, m := range joining {
			if !l.add(m, badges.MaxCohortMembers) {
				full = append(full, m)
			}
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
	err := database.Modify(ctx, s.db, database.CohortMembers, cohortID, func(l *idList, _ bool) error {
		l.remove(memberID)
		return nil
	})
	if err != nil {
		return err
	}
	return s.dropCohort(ctx, memberID, cohortID)
}

func (s *CohortStore) dropCohort(ctx context.Context, memberID, cohortID string) error {
	return database.Modify(ctx, s.db, database.MemberCohorts, memberID, func(l *idList, _ bool) error {
		l.remove(cohortID)
		return nil
	})
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

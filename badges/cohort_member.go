package badges

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Joining and leaving cohorts: by request, by the cohorts column of a
// member import, and by the cohort an activity names. The store's
// membership comes first and the member's record follows, so that a
// request repeated after a failure between the two completes it.

// JoinResult says what became of one member asked to join a cohort.
type JoinResult struct {
	MemberID string
	Err      error // nil: the member is in the cohort
}

// Join adds members of the cohort's community to it, and evaluates each
// one's rules again. A member in it already is no error. Only a failure of
// the store fails the call; each member gets their own answer.
func (cs *Cohorts) Join(ctx context.Context, cohortID string, memberIDs []string) ([]JoinResult, error) {
	if len(memberIDs) > MaxCohortJoin {
		return nil, Errorf(ETOOLARGE, "At most %d members can join a cohort at once, not %d.", MaxCohortJoin, len(memberIDs))
	}
	c, err := cs.Cohort(ctx, cohortID)
	if err != nil {
		return nil, err
	}
	if c.Archived {
		return nil, Errorf(ECONFLICT, "The cohort %q is archived and takes no new members; unarchive it first.", c.Name)
	}
	results := make([]JoinResult, len(memberIDs))
	var ok []string
	for i, id := range memberIDs {
		results[i].MemberID = id
		if results[i].Err = cs.inCommunity(ctx, c.IssuerID, id); results[i].Err == nil {
			ok = append(ok, id)
		} else if ErrorCode(results[i].Err) != EINVALID {
			return nil, results[i].Err
		}
	}
	errs, err := cs.store.JoinCohort(ctx, c.ID, ok)
	if err != nil {
		return nil, err
	}
	rs, err := cs.awarder.Catalogue.ruleSet(ctx, c.IssuerID)
	if err != nil {
		return nil, err
	}
	for j, i := 0, 0; i < len(results); i++ {
		if results[i].Err != nil {
			continue
		}
		if results[i].Err = errs[j]; errs[j] == nil {
			if err := cs.mirror(ctx, rs, results[i].MemberID, c, true); err != nil {
				return nil, err
			}
		}
		j++
	}
	return results, nil
}

// Leave takes a member out of a cohort, archived or not, and evaluates
// their rules again (nothing earned is revoked).
func (cs *Cohorts) Leave(ctx context.Context, cohortID, memberID string) error {
	c, err := cs.Cohort(ctx, cohortID)
	if err != nil {
		return err
	}
	if err := cs.inCommunity(ctx, c.IssuerID, memberID); err != nil {
		return err
	}
	if err := cs.store.LeaveCohort(ctx, c.ID, memberID); err != nil {
		return err
	}
	rs, err := cs.awarder.Catalogue.ruleSet(ctx, c.IssuerID)
	if err != nil {
		return err
	}
	return cs.mirror(ctx, rs, memberID, c, false)
}

// ForgetMember takes a deleted member out of every cohort they were in, so
// that member counts and cohort member lists stay true.
func (cs *Cohorts) ForgetMember(ctx context.Context, memberID string) error {
	ids, err := cs.store.MemberCohorts(ctx, memberID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := cs.store.LeaveCohort(ctx, id, memberID); err != nil {
			return err
		}
	}
	return nil
}

// inCommunity checks that a member belongs to the community; EINVALID on
// "memberId" when not.
func (cs *Cohorts) inCommunity(ctx context.Context, issuerID, memberID string) error {
	owner, err := cs.awarder.memberIssuer(ctx, memberID)
	if ErrorCode(err) == ENOTFOUND || (err == nil && owner != issuerID) {
		return FieldErrorf("memberId", "no member %q in this community", memberID)
	}
	return err
}

// mirror puts a member's change of cohort into their record, then
// evaluates the community's rules (rs) against it again. Leaving also
// drops the cohort's name, which activities recorded before cohorts had
// ids.
func (cs *Cohorts) mirror(ctx context.Context, rs *ruleSet, memberID string, c *Cohort, in bool) error {
	var rec *MemberRecord
	err := cs.awarder.Records.UpdateRecord(ctx, memberID, func(r *MemberRecord) error {
		if rec = r; in {
			r.AddCohort(c.ID)
		} else {
			r.RemoveCohort(c.ID)
			r.RemoveCohort(c.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = cs.awarder.evaluate(ctx, rs, rec, everyRule)
	return err
}

// joinActivityCohorts puts a member in the cohorts their activities name,
// matched case-insensitively, creating a cohort that does not exist yet:
// an integration reports the cohort as its platform knows it. Archived
// cohorts, full cohorts and members in MaxRecordCohorts cohorts are passed
// over; the activity is recorded all the same. A cohort the member is in
// already is not joined again: an integration names it with every event.
// It returns the ids of the cohorts, for the caller to put in the
// member's record.
func (a *Awarder) joinActivityCohorts(ctx context.Context, issuerID, memberID string, acts []Activity) ([]string, error) {
	if a.cohorts == nil {
		return nil, nil
	}
	seen := map[string]bool{}
	var ids, in []string // in: the member's cohorts, read with the first name
	for _, act := range acts {
		name := strings.TrimSpace(act.Cohort)
		if name == "" || seen[FoldCohortName(name)] {
			continue
		}
		if len(seen) == 0 {
			var err error
			if in, err = a.cohorts.store.MemberCohorts(ctx, memberID); err != nil {
				return nil, err
			}
		}
		seen[FoldCohortName(name)] = true
		c, err := a.cohorts.byNameOrNew(ctx, issuerID, name)
		if err != nil {
			return nil, err
		}
		if c == nil || c.Archived {
			continue
		}
		if _, found := slices.BinarySearch(in, c.ID); found {
			ids = append(ids, c.ID)
			continue
		}
		errs, err := a.cohorts.store.JoinCohort(ctx, c.ID, []string{memberID})
		if err != nil {
			return nil, err
		}
		if errs[0] == nil {
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}

// byNameOrNew finds a community's cohort by name, creating it when there
// is none; nil when the name cannot be a cohort's or the community has
// MaxCohorts. Creations are made one at a time, so that activities naming
// a new cohort at once find the one the first of them created.
func (cs *Cohorts) byNameOrNew(ctx context.Context, issuerID, name string) (*Cohort, error) {
	c, err := cs.store.NamedCohort(ctx, issuerID, name)
	if ErrorCode(err) != ENOTFOUND {
		return c, err
	}
	cs.creating.Lock()
	defer cs.creating.Unlock()
	c, err = cs.store.NamedCohort(ctx, issuerID, name)
	if ErrorCode(err) != ENOTFOUND {
		return c, err
	}
	c, err = cs.Create(ctx, issuerID, name)
	switch {
	case err == nil:
		return c, nil
	case ErrorCode(err) == ECONFLICT && ErrorField(err) == "name":
		// Created meanwhile by another process; while it is being
		// stored, the member joins with a later activity.
		c, err = cs.store.NamedCohort(ctx, issuerID, name)
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil
		}
		return c, err
	case ErrorCode(err) == ECONFLICT, ErrorCode(err) == EINVALID:
		return nil, nil
	}
	return nil, err
}

// CheckImportCohorts resolves the cohorts each row of a member import
// names, in place: a name that is no cohort of the community, or an
// archived one, rejects its row naming it.
func (cs *Cohorts) CheckImportCohorts(ctx context.Context, issuerID string, rows []ImportRow) error {
	all, err := cs.store.Cohorts(ctx, issuerID)
	if err != nil {
		return err
	}
	byName := make(map[string]*Cohort, len(all))
	for _, c := range all {
		byName[FoldCohortName(c.Name)] = c
	}
	for i := range rows {
		row := &rows[i]
		for _, name := range row.Cohorts {
			c := byName[FoldCohortName(name)]
			switch {
			case row.Err != nil:
			case c == nil:
				row.Err = FieldErrorf("cohorts", "there is no cohort named %q in this community; create it first", name)
			case c.Archived:
				row.Err = FieldErrorf("cohorts", "the cohort %q is archived and takes no new members", c.Name)
			default:
				row.cohortIDs = append(row.cohortIDs, c.ID)
			}
		}
	}
	return nil
}

// JoinImported puts the members an import wrote in the cohorts their rows
// name (see CheckImportCohorts), up to MaxCohortJoin members of a cohort
// at a time. A member that cannot join is reported on their row; the
// member stays written.
func (cs *Cohorts) JoinImported(ctx context.Context, rows []ImportRow, rep *ImportReport) error {
	if !rep.Applied {
		return nil
	}
	byLine := make(map[int]*ImportRow, len(rows))
	for i := range rows {
		byLine[rows[i].Line] = &rows[i]
	}
	joining := map[string][]*ImportResult{} // by cohort id
	var order []string
	for i := range rep.Rows {
		res := &rep.Rows[i]
		row := byLine[res.Line]
		if row == nil || res.MemberID == "" || res.Status == RowRejected {
			continue
		}
		for _, id := range row.cohortIDs {
			if joining[id] == nil {
				order = append(order, id)
			}
			joining[id] = append(joining[id], res)
		}
	}
	for _, id := range order {
		for part := range slices.Chunk(joining[id], MaxCohortJoin) {
			if err := cs.joinRows(ctx, id, part); err != nil {
				return err
			}
		}
	}
	return nil
}

// joinRows puts the members of some import rows in a cohort, noting on
// each row why its member could not join.
func (cs *Cohorts) joinRows(ctx context.Context, cohortID string, part []*ImportResult) error {
	members := make([]string, len(part))
	for i, res := range part {
		members[i] = res.MemberID
	}
	out, err := cs.Join(ctx, cohortID, members)
	for i, res := range part {
		why := err
		switch {
		case err == nil:
			why = out[i].Err
		case ErrorCode(err) != ECONFLICT && ErrorCode(err) != ENOTFOUND: // not archived or deleted meanwhile
			return fmt.Errorf("line %d: %w", res.Line, err)
		}
		if why != nil && res.Err == nil {
			res.Err = &Error{Code: ErrorCode(why), Field: "cohorts", Message: ErrorMessage(why)}
		}
	}
	return nil
}

package mongodb

import (
	"context"
	"errors"
	"sync"

	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// importWorkers bounds the concurrent reads an import makes while checking
// rows.
const importWorkers = 8

// plannedRow is what an import will do with one row.
type plannedRow struct {
	row badges.ImportRow
	old *memberRecord // the member with this e-mail, if there is one
	new *memberRecord // nil when the row is rejected or changes nothing
	err error
}

// ImportMembers applies parsed CSV rows all or nothing: every row is
// checked against the database first, and if any is rejected (or on a dry
// run) nothing is written. Members are matched by e-mail: known ones are
// updated, others created in bulk.
func (s *MemberService) ImportMembers(ctx context.Context, issuerID string, rows []badges.ImportRow, dryRun bool) (*badges.ImportReport, error) {
	plan, err := s.plan(ctx, issuerID, rows)
	if err != nil {
		return nil, err
	}
	rejected := false
	for _, p := range plan {
		rejected = rejected || p.err != nil
	}
	rep := &badges.ImportReport{DryRun: dryRun, Applied: !dryRun && !rejected}
	if rep.Applied {
		s.apply(ctx, plan)
	}
	for _, p := range plan {
		res := badges.ImportResult{Line: p.row.Line, Email: p.row.Input.Email, Err: p.err}
		switch {
		case p.err != nil:
			res.Status = badges.RowRejected
		case p.new == nil:
			res.Status, res.MemberID = badges.RowUnchanged, p.old.ID
		case !rep.Applied:
			res.Status = badges.RowValid
		case p.old == nil:
			res.Status, res.MemberID = badges.RowCreated, p.new.ID
		default:
			res.Status, res.MemberID = badges.RowUpdated, p.new.ID
		}
		rep.Rows = append(rep.Rows, res)
	}
	return rep, nil
}

// plan checks every row against the database, concurrently, then gives new
// members without a slug one derived from their name.
func (s *MemberService) plan(ctx context.Context, issuerID string, rows []badges.ImportRow) ([]plannedRow, error) {
	plan := make([]plannedRow, len(rows))
	if err := forEach(ctx, len(rows), func(i int) (err error) {
		plan[i], err = s.planRow(ctx, issuerID, rows[i])
		return err
	}); err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	var derive []int
	for i, p := range plan {
		switch {
		case p.new == nil || p.err != nil:
		case p.new.Slug != "":
			taken[p.new.Slug] = true
		default:
			p.new.Slug = badges.SlugFor(p.new.DisplayName, 1)
			derive = append(derive, i)
		}
	}
	free := make([]bool, len(derive))
	if err := forEach(ctx, len(derive), func(j int) error {
		holder, err := s.db.KeyRef(ctx, slugKey(plan[derive[j]].new.Slug))
		free[j] = holder == ""
		return err
	}); err != nil {
		return nil, err
	}
	for j, i := range derive {
		r := plan[i].new
		if !free[j] || taken[r.Slug] {
			r.Slug = badges.RandomSlug(r.DisplayName)
		}
		taken[r.Slug] = true
	}
	return plan, nil
}

// forEach runs f for 0..n-1 on a few goroutines and returns the first
// error.
func forEach(ctx context.Context, n int, f func(i int) error) error {
	next := make(chan int)
	errs := make(chan error, importWorkers)
	var wg sync.WaitGroup
	for range min(importWorkers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var err error
feed:
	for i := range n {
		select {
		case next <- i:
		case err = <-errs:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	close(errs)
	return errors.Join(err, <-errs)
}

// planRow decides what a row does and whether it would conflict, without
// writing anything.
func (s *MemberService) planRow(ctx context.Context, issuerID string, row badges.ImportRow) (plannedRow, error) {
	p := plannedRow{row: row, err: row.Err}
	if p.err != nil {
		return p, nil
	}
	in := row.Input
	holder, err := s.db.KeyRef(ctx, emailKey(issuerID, in.Email))
	if err != nil {
		return p, err
	}
	if holder != "" {
		old, err := s.record(ctx, holder)
		switch {
		case err == nil && old.Email == in.Email && old.Issuer == issuerID:
			p.old = old
		case err != nil && badges.ErrorCode(err) != badges.ENOTFOUND:
			return p, err
		}
	}
	now := s.db.Now()
	if p.old != nil {
		u := badges.MemberUpdate{DisplayName: &in.DisplayName, ExternalID: &in.ExternalID, PublicProfile: &in.PublicProfile}
		if in.Slug != "" {
			u.Slug = &in.Slug
		}
		m, err := p.old.member().Apply(u)
		if err != nil {
			p.err = err
			return p, nil
		}
		if r, changed := updatedRecord(p.old, m, now); changed {
			p.new = r
		}
	} else {
		p.new = &memberRecord{ID: badges.NewID(), Issuer: issuerID, Email: in.Email, DisplayName: in.DisplayName,
			ExternalID: in.ExternalID, Slug: in.Slug, Public: in.PublicProfile, CreatedAt: now, UpdatedAt: now}
	}
	if p.new != nil {
		p.err = s.checkFree(ctx, p.new, p.old)
	}
	return p, nil
}

// checkFree reports a conflict if another member holds a slug or an
// external id r needs (its e-mail address is what matched it to old).
func (s *MemberService) checkFree(ctx context.Context, r, old *memberRecord) error {
	for _, u := range r.member().UniqueValues() {
		if u.Field == badges.FieldEmail || u.Value == "" {
			continue
		}
		key := uniqueKey(u)
		holder, err := s.db.KeyRef(ctx, key)
		if err != nil {
			return err
		}
		if holder == "" || (old != nil && holder == old.ID) {
			continue
		}
		live, err := s.owns(ctx, key)(holder)
		if err != nil {
			return err
		}
		if live {
			return u.Conflict(holder)
		}
	}
	return nil
}

// apply writes the planned rows: updates one by one, new members in bulk.
// A conflict that appears between the check and the write (another request
// took a slug meanwhile) rejects just that row.
func (s *MemberService) apply(ctx context.Context, plan []plannedRow) {
	var fresh []*plannedRow
	for i := range plan {
		p := &plan[i]
		switch {
		case p.err != nil || p.new == nil:
		case p.old == nil:
			fresh = append(fresh, p)
		default:
			p.err = s.save(ctx, p.new, p.old)
		}
	}
	s.createMany(ctx, fresh)
}

// createMany inserts new members with a handful of bulk writes: their key
// documents, a block of sequence numbers, the list entries per page, the
// records and the count. A row whose keys could not all be inserted in bulk
// (taken meanwhile, or held by a stale key) is claimed again one by one,
// which takes stale keys over and names the holder of a real conflict.
func (s *MemberService) createMany(ctx context.Context, rows []*plannedRow) {
	if len(rows) == 0 {
		return
	}
	var keyDocs []any
	owner := []int{} // keyDocs[i] belongs to rows[owner[i]]
	for i, p := range rows {
		for _, k := range memberKeys(p.new) {
			keyDocs = append(keyDocs, database.KeyDoc{ID: k, Ref: p.new.ID, CreatedAt: s.db.Now()})
			owner = append(owner, i)
		}
	}
	_, err := s.db.Collection(database.KeyIndex).InsertMany(ctx, keyDocs, options.InsertMany().SetOrdered(false))
	failed, err := database.DuplicateRows(err, owner, "store member keys")
	var ok []*plannedRow
	for i, p := range rows {
		switch {
		case err != nil:
			p.err = err
		case failed[i]:
			s.release(ctx, memberKeys(p.new), p.new.ID)
			if _, p.err = s.claimMemberKeys(ctx, p.new, nil); p.err == nil {
				ok = append(ok, p)
			}
		default:
			ok = append(ok, p)
		}
		if err != nil {
			s.release(ctx, memberKeys(p.new), p.new.ID)
		}
	}
	if err := s.insertMany(ctx, ok); err != nil {
		for _, p := range ok {
			p.err = err
			s.release(ctx, memberKeys(p.new), p.new.ID)
		}
	}
}

// insertMany lists and stores members whose keys are claimed.
func (s *MemberService) insertMany(ctx context.Context, rows []*plannedRow) error {
	if len(rows) == 0 {
		return nil
	}
	issuer := rows[0].new.Issuer
	last, err := s.db.IncCounter(ctx, membersCounter(issuer), "seq", int64(len(rows)))
	if err != nil {
		return err
	}
	pages := map[string][]string{}
	docs := make([]any, len(rows))
	for i, p := range rows {
		p.new.Seq = last - int64(len(rows)) + 1 + int64(i)
		id := pageID(issuer, p.new.Seq)
		pages[id] = append(pages[id], pageEntry(p.new.Seq, p.new.ID))
		docs[i] = p.new
	}
	for id, entries := range pages {
		if err := s.pushEntries(ctx, id, entries...); err != nil {
			return err
		}
	}
	if _, err := s.db.Collection(database.Members).InsertMany(ctx, docs); err != nil {
		for _, p := range rows {
			s.unlist(ctx, p.new)
		}
		return database.Wrap(err, "store members")
	}
	_, err = s.db.IncCounter(ctx, membersCounter(issuer), "count", int64(len(rows)))
	return err
}

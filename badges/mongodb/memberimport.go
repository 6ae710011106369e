package mongodb

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// importWorkers bounds the concurrent reads an import makes while checking
// rows.
const importWorkers = 8

// plannedRow is what an import will do with one row.
type plannedRow struct {
	row     badges.ImportRow
	old     *memberRecord       // the member with this e-mail, if there is one
	update  badges.MemberUpdate // what the row changes of old
	new     *memberRecord       // nil when the row is rejected or changes nothing
	derived bool                // new's slug was derived from its name, not given
	err     error
}

// ImportMembers applies parsed CSV rows all or nothing: every row is
// checked against the database first, and if any is rejected (or on a dry
// run) nothing is written. Members are matched by e-mail: known ones are
// updated, others created in bulk. See apply for what can still fail once
// writing has begun.
func (s *MemberService) ImportMembers(ctx context.Context, issuerID string, rows []badges.ImportRow, dryRun bool) (*badges.ImportReport, error) {
	plan, err := s.plan(ctx, issuerID, rows)
	if err != nil {
		return nil, err
	}
	rejected := false
	for _, p := range plan {
		rejected = rejected || p.err != nil
	}
	rep := &badges.ImportReport{DryRun: dryRun}
	if !dryRun && !rejected {
		if rep.Applied, err = s.apply(ctx, plan); err != nil {
			return nil, err
		}
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
			plan[i].derived = true
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
		p.update = badges.MemberUpdate{DisplayName: &in.DisplayName, ExternalID: &in.ExternalID, PublicProfile: &in.PublicProfile}
		if in.Slug != "" {
			p.update.Slug = &in.Slug
		}
		m, err := p.old.member().Apply(p.update)
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

// apply writes the planned rows: first it claims every key they need, and
// if any is taken — by a member created meanwhile, or by a key that a crash
// left less than a minute ago — it releases them and writes nothing
// (applied is false, the rows at fault rejected). Then it updates members
// one by one and creates the new ones in bulk. Only a database failure, or
// a member changed or deleted by another request at the same moment, can
// reject a row after that; every other row is written, and the report
// says which.
func (s *MemberService) apply(ctx context.Context, plan []plannedRow) (applied bool, err error) {
	ok, err := s.claimAll(ctx, plan)
	if err != nil || !ok {
		return false, err
	}
	var fresh []*plannedRow
	for i := range plan {
		p := &plan[i]
		switch {
		case p.err != nil || p.new == nil:
		case p.old == nil:
			fresh = append(fresh, p)
		default:
			_, p.err = s.UpdateMember(ctx, p.old.ID, p.update)
		}
	}
	if err := s.insertMany(ctx, fresh); err != nil {
		for _, p := range fresh {
			p.err = err
			s.release(ctx, memberKeys(p.new), p.new.ID)
		}
	}
	return true, nil
}

// wantedKey is a key a planned row needs and its member does not hold.
type wantedKey struct {
	key   string
	row   int // index in the plan
	value badges.UniqueValue
}

// keysWanted lists the keys the planned writes need that their members do
// not hold yet.
func keysWanted(plan []plannedRow) []wantedKey {
	var want []wantedKey
	for i, p := range plan {
		if p.err != nil || p.new == nil {
			continue
		}
		var had []string
		if p.old != nil {
			had = memberKeys(p.old)
		}
		for _, u := range p.new.member().UniqueValues() {
			if k := uniqueKey(u); !slices.Contains(had, k) {
				want = append(want, wantedKey{key: k, row: i, value: u})
			}
		}
	}
	return want
}

// claimAll claims the keys the planned writes need, with one bulk insert.
// A key another member holds, or another row of the file wants too,
// rejects its row — a slug derived from a name is replaced by a random one
// instead. ok is false when a row was rejected; then, as on an error, the
// keys claimed here are released.
func (s *MemberService) claimAll(ctx context.Context, plan []plannedRow) (ok bool, err error) {
	want := keysWanted(plan)
	keys, refs := make([]string, len(want)), make([]string, len(want))
	for j, w := range want {
		keys[j], refs[j] = w.key, plan[w.row].new.ID
	}
	holders, err := s.db.ClaimKeys(ctx, keys, refs, func(key, holder string) (bool, error) { return s.owns(ctx, key)(holder) })
	if err != nil {
		s.releaseWanted(ctx, plan, want)
		return false, err
	}
	var claimed []wantedKey
	firstLine := map[string]int{} // the line of the first row wanting a key
	for j, w := range want {
		p := &plan[w.row]
		line, repeated := firstLine[w.key]
		if !repeated {
			firstLine[w.key] = p.row.Line
		}
		switch {
		case holders[j] == "":
			claimed = append(claimed, w)
		case repeated:
			p.reject(w.value.Repeated(line))
		default:
			key, err := s.taken(ctx, p, w.value, holders[j])
			if err != nil {
				s.releaseWanted(ctx, plan, claimed)
				return false, err
			}
			if key != "" {
				claimed = append(claimed, wantedKey{key: key, row: w.row, value: w.value})
			}
		}
	}
	for _, p := range plan {
		if p.err != nil {
			s.releaseWanted(ctx, plan, claimed)
			return false, nil
		}
	}
	return true, nil
}

// reject rejects a planned row, keeping the first reason given.
func (p *plannedRow) reject(err error) {
	if p.err == nil {
		p.err = err
	}
}

// taken deals with a value of a planned row that another member holds: a
// slug derived from a name is replaced by a random one, whose key it
// returns claimed; any other value rejects the row.
func (s *MemberService) taken(ctx context.Context, p *plannedRow, u badges.UniqueValue, holder string) (claimed string, err error) {
	if u.Field == badges.FieldSlug && p.derived {
		if claimed, err = s.claimRandomSlug(ctx, p.new); err != nil || claimed != "" {
			return claimed, err
		}
		p.reject(u.Conflict(holder))
		return "", nil
	}
	p.reject(s.conflict(ctx, u, holder))
	return "", nil
}

// claimRandomSlug gives a new member a random slug and claims it, and
// returns its key, or "" when every slug tried was taken.
func (s *MemberService) claimRandomSlug(ctx context.Context, r *memberRecord) (string, error) {
	for range badges.MaxSlugAttempts {
		slug := badges.RandomSlug(r.DisplayName)
		holder, err := s.db.ClaimKey(ctx, slugKey(slug), r.ID, s.owns(ctx, slugKey(slug)))
		if err != nil {
			return "", err
		}
		if holder == "" {
			r.Slug = slug
			return slugKey(slug), nil
		}
	}
	return "", nil
}

// conflict is the error for a value another member holds. A holder that
// does not exist is a member being created at this moment, or one whose
// creation a crash interrupted less than a minute ago.
func (s *MemberService) conflict(ctx context.Context, u badges.UniqueValue, holder string) error {
	if _, err := s.record(ctx, holder); badges.ErrorCode(err) == badges.ENOTFOUND {
		return u.Pending()
	}
	return u.Conflict(holder)
}

// releaseWanted frees keys claimed for planned rows.
func (s *MemberService) releaseWanted(ctx context.Context, plan []plannedRow, want []wantedKey) {
	for _, w := range want {
		s.release(ctx, []string{w.key}, plan[w.row].new.ID)
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

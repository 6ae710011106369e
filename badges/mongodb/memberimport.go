package mongodb

import (
	"context"
	"slices"

	"github.com/laurel-badges/laurel/badges"
)

// importWorkers bounds the concurrent reads an import makes while checking
// rows.
const importWorkers = 8

// plannedRow is what an import will do with one row.
type plannedRow struct {
	row    badges.ImportRow
	old    *memberRecord       // the member with this e-mail, if there is one
	update badges.MemberUpdate // what the row changes of old
	new    *memberRecord       // nil when the row is rejected or changes nothing
	slugs  *badges.SlugChoice  // the slugs a new member may take; nil for an update
	err    error
}

// ImportMembers applies parsed CSV rows all or nothing: every row is
// checked against the database first, and if any is rejected (or on a dry
// run) nothing is written. Members are matched by e-mail: known ones are
// updated, others created in bulk. See apply for what can still fail once
// writing has begun.
func (s *MemberService) ImportMembers(ctx context.Context, issuerID string, rows []badges.ImportRow, dryRun bool) (*badges.ImportReport, error) {
	plan, err := s.plan(ctx, issuerID, rows, dryRun)
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
			res.Status, res.MemberID, res.Member = badges.RowUnchanged, p.old.ID, p.old.member()
		case !rep.Applied:
			res.Status = badges.RowValid
		case p.old == nil:
			res.Status, res.MemberID, res.Member = badges.RowCreated, p.new.ID, p.new.member()
		default:
			res.Status, res.MemberID, res.Member = badges.RowUpdated, p.new.ID, p.new.member()
		}
		rep.Rows = append(rep.Rows, res)
	}
	return rep, nil
}

// plan checks every row against the database, concurrently, then keeps
// the slugs of the new members apart.
func (s *MemberService) plan(ctx context.Context, issuerID string, rows []badges.ImportRow, dryRun bool) ([]plannedRow, error) {
	plan := make([]plannedRow, len(rows))
	if err := badges.Parallel(ctx, len(rows), importWorkers, func(i int) (err error) {
		plan[i], err = s.planRow(ctx, issuerID, rows[i], dryRun)
		return err
	}); err != nil {
		return nil, err
	}
	s.spreadSlugs(ctx, plan)
	return plan, nil
}

// spreadSlugs keeps a file's slugs apart: slugs given, and those of
// members updated, are taken first, in the order of the file; a derived
// slug an earlier row took gives way to the next the domain offers, which
// is checked against the database too.
func (s *MemberService) spreadSlugs(ctx context.Context, plan []plannedRow) {
	derived := func(p *plannedRow) bool { return p.slugs != nil && p.slugs.Derived() }
	taken := map[string]int{} // slug → line of the row taking it
	for i := range plan {
		if p := &plan[i]; p.new != nil && p.err == nil && !derived(p) {
			taken[p.new.Slug] = p.row.Line
		}
	}
	for i := range plan {
		p := &plan[i]
		for p.new != nil && p.err == nil && derived(p) {
			line, repeated := taken[p.new.Slug]
			if !repeated {
				taken[p.new.Slug] = p.row.Line
				break
			}
			u := badges.UniqueValue{Field: badges.FieldSlug, Value: p.new.Slug}
			if !p.slugs.Retry(u) {
				p.reject(u.Repeated(line))
				break
			}
			p.new.Slug = p.slugs.Slug()
			p.err = s.checkValue(ctx, p, badges.UniqueValue{Field: badges.FieldSlug, Value: p.new.Slug})
		}
	}
}

// planRow decides what a row does and whether it would conflict, without
// writing anything.
func (s *MemberService) planRow(ctx context.Context, issuerID string, row badges.ImportRow, dryRun bool) (plannedRow, error) {
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
	if p.old != nil && row.KeepExisting {
		return p, nil
	}
	if p.old != nil {
		p.update = badges.MemberUpdate{DisplayName: &in.DisplayName, ExternalID: &in.ExternalID, PublicProfile: &in.PublicProfile}
		if in.Slug != "" {
			p.update.Slug = &in.Slug
		}
		if in.DID != "" { // an empty cell leaves the member's DID
			p.update.DID = &in.DID
		}
		m, err := p.old.member().Apply(p.update)
		if err != nil {
			p.err = err
			return p, nil
		}
		if r, changed := updatedRecord(p.old, m, now, badges.ByAdmin); changed {
			p.new = r
		}
	} else {
		p.slugs = badges.NewSlugChoice(in)
		p.new = &memberRecord{ID: badges.NewID(), Issuer: issuerID, Email: in.Email, DisplayName: in.DisplayName,
			ExternalID: in.ExternalID, Slug: p.slugs.Slug(), Public: in.PublicProfile, DID: in.DID, CreatedAt: now, UpdatedAt: now}
	}
	if p.new != nil {
		p.err = s.checkFree(ctx, &p, dryRun)
	}
	return p, nil
}

// checkFree reports a conflict if another member holds a slug or an
// external id the row needs (its e-mail address is what matched it to
// p.old). A slug derived from the name is not read when the import is
// applied: claiming it (claimAll) moves on to the next one when it is
// held, as this check would, and saves a read a new member.
func (s *MemberService) checkFree(ctx context.Context, p *plannedRow, dryRun bool) error {
	for _, u := range p.new.member().UniqueValues() {
		if u.Field == badges.FieldEmail || u.Value == "" {
			continue
		}
		if u.Field == badges.FieldSlug && p.slugs != nil && p.slugs.Derived() && !dryRun {
			continue
		}
		if err := s.checkValue(ctx, p, u); err != nil {
			return err
		}
	}
	return nil
}

// checkValue reports a conflict if another member holds u, a value the
// row needs; while the domain offers another slug for one that is held,
// the row takes it instead.
func (s *MemberService) checkValue(ctx context.Context, p *plannedRow, u badges.UniqueValue) error {
	for {
		holder, err := s.liveHolder(ctx, u, p.old)
		if err != nil || holder == "" {
			return err
		}
		if p.slugs == nil || !p.slugs.Retry(u) {
			return u.Conflict(holder)
		}
		p.new.Slug = p.slugs.Slug()
		u.Value = p.new.Slug
	}
}

// liveHolder returns the member other than old that holds u, or "" when
// none does: the key is free, or left behind by a change or a deletion.
func (s *MemberService) liveHolder(ctx context.Context, u badges.UniqueValue, old *memberRecord) (string, error) {
	key := uniqueKey(u)
	holder, err := s.db.KeyRef(ctx, key)
	if err != nil || holder == "" || (old != nil && holder == old.ID) {
		return "", err
	}
	live, err := s.owns(ctx, key)(holder)
	if err != nil || !live {
		return "", err
	}
	return holder, nil
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
	s.createAll(ctx, fresh)
	return true, nil
}

// createAll stores the new members of an import in bulk. A row whose
// member is not stored is rejected, and gives up its keys only when its
// member is certainly absent.
func (s *MemberService) createAll(ctx context.Context, fresh []*plannedRow) {
	if len(fresh) == 0 {
		return
	}
	recs := make([]*memberRecord, len(fresh))
	for i, p := range fresh {
		recs[i] = p.new
	}
	errs, absent := s.insertMembers(ctx, recs)
	for i, p := range fresh {
		p.err = errs[i]
		if absent[i] {
			s.release(ctx, memberKeys(p.new), p.new.ID)
		}
	}
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
// A key another row of the file wants too rejects its row; so does one
// another member holds, unless the domain offers another slug instead.
// ok is false when a row was rejected; then, as on an error, the keys
// claimed here are released.
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

// taken deals with a value of a planned row that another member holds:
// while the domain offers another slug for it, the row claims that one
// and taken returns its key; otherwise the row is rejected.
func (s *MemberService) taken(ctx context.Context, p *plannedRow, u badges.UniqueValue, holder string) (claimed string, err error) {
	for p.slugs != nil && p.slugs.Retry(u) {
		p.new.Slug = p.slugs.Slug()
		u.Value = p.new.Slug
		key := slugKey(u.Value)
		if holder, err = s.db.ClaimKey(ctx, key, p.new.ID, s.owns(ctx, key)); err != nil {
			return "", err
		}
		if holder == "" {
			return key, nil
		}
	}
	p.reject(s.conflict(ctx, u, holder))
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

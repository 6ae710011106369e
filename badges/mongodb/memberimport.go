package mongodb

import (
	"context"
	"errors"

	"github.com/laurel-badges/laurel/badges"
)

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
// updated, others created.
func (s *MemberService) ImportMembers(ctx context.Context, issuerID string, rows []badges.ImportRow, dryRun bool) (*badges.ImportReport, error) {
	plan := make([]plannedRow, len(rows))
	rejected := false
	for i, row := range rows {
		p, err := s.planRow(ctx, issuerID, row)
		if err != nil {
			return nil, err
		}
		plan[i] = p
		rejected = rejected || p.err != nil
	}
	rep := &badges.ImportReport{DryRun: dryRun, Applied: !dryRun && !rejected}
	for _, p := range plan {
		res := badges.ImportResult{Line: p.row.Line, Email: p.row.Input.Email, Err: p.err}
		switch {
		case p.err != nil:
			res.Status = badges.RowRejected
		case p.new == nil:
			res.Status, res.MemberID = badges.RowUnchanged, p.old.ID
		case !rep.Applied:
			res.Status = badges.RowValid
		default:
			res.Status, res.MemberID, res.Err = s.applyRow(ctx, p)
		}
		rep.Rows = append(rep.Rows, res)
	}
	return rep, nil
}

// planRow decides what a row does and whether it would conflict, without
// writing anything.
func (s *MemberService) planRow(ctx context.Context, issuerID string, row badges.ImportRow) (plannedRow, error) {
	p := plannedRow{row: row, err: row.Err}
	if p.err != nil {
		return p, nil
	}
	in := row.Input
	holder, err := s.db.keyRef(ctx, emailKey(issuerID, in.Email))
	if err != nil {
		return p, err
	}
	now := s.db.Now()
	if holder != "" {
		old, err := s.record(ctx, holder)
		switch {
		case err == nil && old.Email == in.Email:
			p.old = old
		case err != nil && badges.ErrorCode(err) != badges.ENOTFOUND:
			return p, err
		}
	}
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
		p.new = &memberRecord{Issuer: issuerID, Email: in.Email, DisplayName: in.DisplayName,
			ExternalID: in.ExternalID, Slug: in.Slug, Public: in.PublicProfile, CreatedAt: now, UpdatedAt: now}
	}
	if p.new != nil {
		p.err = s.checkFree(ctx, p.new, p.old)
	}
	return p, nil
}

// checkFree reports a conflict if another member holds a key r needs.
func (s *MemberService) checkFree(ctx context.Context, r, old *memberRecord) error {
	fields := []struct{ key, field string }{{slugKey(r.Slug), "slug"}}
	if r.ExternalID != "" {
		fields = append(fields, struct{ key, field string }{extIDKey(r.Issuer, r.ExternalID), "externalId"})
	}
	for _, f := range fields {
		if r.Slug == "" && f.field == "slug" {
			continue
		}
		holder, err := s.db.keyRef(ctx, f.key)
		if err != nil {
			return err
		}
		if holder == "" || (old != nil && holder == old.ID) {
			continue
		}
		if live, err := s.owns(ctx, f.key)(holder); err != nil || live {
			return errors.Join(err, conflictField(f.field, r, holder))
		}
	}
	return nil
}

// applyRow writes one planned row. A conflict that appears between the
// check and the write (another request took the slug) rejects just that
// row.
func (s *MemberService) applyRow(ctx context.Context, p plannedRow) (status, memberID string, err error) {
	if p.old == nil {
		in := p.row.Input
		m, err := s.CreateMember(ctx, p.new.Issuer, in)
		if err != nil {
			return badges.RowRejected, "", err
		}
		return badges.RowCreated, m.ID, nil
	}
	if err := s.save(ctx, p.new, p.old); err != nil {
		return badges.RowRejected, "", err
	}
	return badges.RowUpdated, p.new.ID, nil
}

package issuer

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
)

// bulkLookups bounds the concurrent member look-ups of one bulk award: each
// is a round trip to the database that waits more than it works.
const bulkLookups = 8

// bulkRecipients finds every row's member, adding the new e-mail
// addresses as members with one import.
func (s *Service) bulkRecipients(ctx context.Context, issuerID string, rows []*bulkRow) error {
	byEmail := map[string][]*bulkRow{}
	var emails []string // in the order of the rows, so imports keep it
	for _, r := range rows {
		if !r.pending() {
			continue
		}
		if r.in.MemberID != "" {
			m, err := s.recipient(ctx, issuerID, r.in)
			if err != nil && !isRowError(err) {
				return err
			}
			if err != nil {
				r.reject(err)
			}
			r.member = m
			continue
		}
		if _, seen := byEmail[r.in.Email]; !seen {
			emails = append(emails, r.in.Email)
		}
		byEmail[r.in.Email] = append(byEmail[r.in.Email], r)
	}
	imports, keys, err := s.bulkImportRows(ctx, issuerID, emails, byEmail)
	if err != nil {
		return err
	}
	return s.bulkImport(ctx, issuerID, imports, keys, byEmail)
}

// bulkImportRows makes the import of the rows' addresses. An address with a
// name a member can have joins it as it is: the import's own checks find
// its member, or add one. The others are looked up first, and only those
// that are new join it.
func (s *Service) bulkImportRows(ctx context.Context, issuerID string, emails []string, byEmail map[string][]*bulkRow) (rows []badges.ImportRow, keys []string, err error) {
	var unnamed []string
	for _, email := range emails {
		in := badges.MemberInput{Email: email, DisplayName: byEmail[email][0].in.Name}
		if in.DisplayName == "" || in.Normalize() != nil {
			unnamed = append(unnamed, email)
			continue
		}
		rows, keys = append(rows, badges.ImportRow{Line: len(rows), Input: in, KeepExisting: true}), append(keys, email)
	}
	found, err := s.membersByEmail(ctx, issuerID, unnamed)
	if err != nil {
		return nil, nil, err
	}
	for i, email := range unnamed {
		rs := byEmail[email]
		if found[i] != nil {
			for _, r := range rs {
				r.member = found[i]
			}
			continue
		}
		in := badges.MemberInput{Email: email, DisplayName: rs[0].in.Name}
		if in.DisplayName == "" {
			for _, r := range rs {
				r.reject(badges.FieldErrorf("name", "name is required to add %s, who is not a member yet", email))
			}
			continue
		}
		err := in.Normalize() // fails: the import rejects the row, and so adds no one
		rows, keys = append(rows, badges.ImportRow{Line: len(rows), Input: in, Err: err, KeepExisting: true}), append(keys, email)
	}
	return rows, keys, nil
}

// membersByEmail looks up the members with these addresses, a few at a
// time; found[i] is nil when emails[i] is no member's address yet.
func (s *Service) membersByEmail(ctx context.Context, issuerID string, emails []string) (found []*badges.Member, err error) {
	found = make([]*badges.Member, len(emails))
	err = badges.Parallel(ctx, len(emails), bulkLookups, func(i int) error {
		page, err := s.deps.Members.Members(ctx, badges.MemberFilter{IssuerID: issuerID, Email: emails[i]})
		if err == nil && len(page.Items) == 1 {
			found[i] = page.Items[0]
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return found, nil
}

// bulkImport finds or adds the rows' members with one import; its new
// members are added all or none.
func (s *Service) bulkImport(ctx context.Context, issuerID string, imports []badges.ImportRow, keys []string, byEmail map[string][]*bulkRow) error {
	if len(imports) == 0 {
		return nil
	}
	rep, err := s.deps.Members.ImportMembers(ctx, issuerID, imports, false)
	if err != nil {
		return err
	}
	for i, res := range rep.Rows {
		for _, r := range byEmail[keys[i]] {
			switch {
			case res.Status == badges.RowUnchanged && res.Member != nil: // a member already
				r.member = res.Member
			case res.Err != nil || !rep.Applied || res.Member == nil:
				r.reject(firstErr(res.Err, badges.Errorf(badges.ECONFLICT, "Another new member in this request could not be added, so none were; send this row again.")))
			default:
				r.member = res.Member
			}
		}
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

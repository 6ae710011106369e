package issuer

import (
	"context"
	"sync"

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
	found, err := s.membersByEmail(ctx, issuerID, emails)
	if err != nil {
		return err
	}
	var imports []badges.ImportRow
	for i, email := range emails {
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
		imports = append(imports, badges.ImportRow{Line: len(imports), Input: in, Err: in.Normalize()})
	}
	return s.bulkImport(ctx, issuerID, imports, byEmail)
}

// membersByEmail looks up the members with these addresses, a few at a
// time; found[i] is nil when emails[i] is no member's address yet.
func (s *Service) membersByEmail(ctx context.Context, issuerID string, emails []string) (found []*badges.Member, err error) {
	found = make([]*badges.Member, len(emails))
	errs := make([]error, len(emails))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(bulkLookups, len(emails)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				page, err := s.deps.Members.Members(ctx, badges.MemberFilter{IssuerID: issuerID, Email: emails[i]})
				if errs[i] = err; err == nil && len(page.Items) == 1 {
					found[i] = page.Items[0]
				}
			}
		}()
	}
	for i := range emails {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return found, nil
}

// bulkImport adds the rows' new members with one import, all or nothing.
func (s *Service) bulkImport(ctx context.Context, issuerID string, imports []badges.ImportRow, byEmail map[string][]*bulkRow) error {
	if len(imports) == 0 {
		return nil
	}
	rep, err := s.deps.Members.ImportMembers(ctx, issuerID, imports, false)
	if err != nil {
		return err
	}
	for i, res := range rep.Rows {
		for _, r := range byEmail[imports[i].Input.Email] {
			if res.Err != nil || !rep.Applied {
				r.reject(firstErr(res.Err, badges.Errorf(badges.ECONFLICT, "Another new member in this request could not be added, so none were; send this row again.")))
				continue
			}
			r.member = &badges.Member{ID: res.MemberID, IssuerID: issuerID, Email: res.Email, DisplayName: imports[i].Input.DisplayName}
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

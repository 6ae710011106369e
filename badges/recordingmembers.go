package badges

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"
)

// Finding the members a recording request names. A request names up to
// MaxActivityBatch members, most of them known: their lookups are made
// together, several at a time, before the activities are prepared one by
// one; what they do not find (new members, mistakes) is left to
// resolveMember, which creates or explains.

// memberKey is how an activity names its member within a request, and
// the field that names them; "" if it names none.
func memberKey(in ActivityInput) (key, field string) {
	switch {
	case in.MemberID != "":
		return "id:" + in.MemberID, "memberId"
	case in.Email != "":
		return "email:" + in.Email, FieldEmail
	case in.ExternalID != "":
		return "external:" + in.ExternalID, FieldExternalID
	}
	return "", ""
}

// prefetchMembers looks up, several at a time, the members that ins name,
// and returns how each one found was named → their id. It creates no one
// and reports no error: resolveMember looks again for what it misses.
func (a *Awarder) prefetchMembers(ctx context.Context, issuerID string, ins []ActivityInput) map[string]string {
	found := map[string]string{}
	var todo []ActivityInput
	seen := map[string]bool{}
	for _, in := range ins {
		if key, _ := memberKey(in); key != "" && !seen[key] {
			seen[key] = true
			todo = append(todo, in)
		}
	}
	todo = a.indexedMembers(ctx, issuerID, todo, found)
	if len(todo) < 2 {
		return found
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan ActivityInput)
	for range min(cmp.Or(a.Writers, DefaultRecordWriters), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for in := range next {
				id, err := a.lookupMember(ctx, issuerID, in)
				if err != nil || id == "" {
					continue
				}
				key, _ := memberKey(in)
				mu.Lock()
				found[key] = id
				mu.Unlock()
			}
		}()
	}
	for _, in := range todo {
		next <- in
	}
	close(next)
	wg.Wait()
	return found
}

// indexedMembers finds the members of todo named by an id not known
// lately in one pass over the community's member index, instead of a read
// each, and records them in found; it returns the rest of todo, for the
// lookups one by one. If the index cannot answer (being rebuilt, say),
// those lookups say why.
func (a *Awarder) indexedMembers(ctx context.Context, issuerID string, todo []ActivityInput, found map[string]string) []ActivityInput {
	var ids []string
	for _, in := range todo {
		if in.MemberID == "" {
			continue
		}
		if _, known := a.knownIssuer(in.MemberID); !known {
			ids = append(ids, in.MemberID)
		}
	}
	if len(ids) < 2 {
		return todo
	}
	members, err := a.Members.MemberNames(ctx, issuerID, ids)
	if err != nil || len(members) == 0 {
		return todo
	}
	a.know(issuerID, slices.Collect(maps.Keys(members)))
	var rest []ActivityInput
	for _, in := range todo {
		if _, ok := members[in.MemberID]; ok {
			key, _ := memberKey(in)
			found[key] = in.MemberID
			continue
		}
		rest = append(rest, in)
	}
	return rest
}

// resolveMember finds the member an activity names, in members first (how
// members were named → their ids, within the request), creating them when
// asked to; a member not found is an error about the field that named
// them.
func (a *Awarder) resolveMember(ctx context.Context, issuerID string, in ActivityInput, members map[string]string) (string, error) {
	key, field := memberKey(in)
	if key == "" {
		return "", FieldErrorf("memberId", "name the member: memberId, email or externalId")
	}
	if id, ok := members[key]; ok {
		return id, nil
	}
	id, err := a.lookupMember(ctx, issuerID, in)
	if err == nil && id == "" {
		id, err = a.unknownMember(ctx, issuerID, in)
	}
	if ErrorCode(err) == ENOTFOUND {
		return "", &UnknownMemberError{Err: &Error{Code: EINVALID, Field: field, Message: ErrorMessage(err)}}
	}
	if err != nil {
		return "", err
	}
	members[key] = id
	return id, nil
}

// lookupMember finds the member an activity names in the community, ""
// if there is none.
func (a *Awarder) lookupMember(ctx context.Context, issuerID string, in ActivityInput) (string, error) {
	switch {
	case in.MemberID != "":
		owner, err := a.memberIssuer(ctx, in.MemberID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			return "", nil
		case err != nil:
			return "", err
		case owner != issuerID:
			return "", nil
		}
		return in.MemberID, nil
	case in.Email != "":
		m, err := a.findByEmail(ctx, issuerID, in.Email)
		if err != nil || m == nil {
			return "", err
		}
		return m.ID, nil
	default:
		page, err := a.Members.Members(ctx, MemberFilter{IssuerID: issuerID, ExternalID: in.ExternalID, ListOptions: ListOptions{Limit: 1}})
		if err != nil || len(page.Items) == 0 {
			return "", err
		}
		return page.Items[0].ID, nil
	}
}

// unknownMember creates the member an activity names by an unknown e-mail
// address, if asked to; otherwise it says who is unknown.
func (a *Awarder) unknownMember(ctx context.Context, issuerID string, in ActivityInput) (string, error) {
	switch {
	case in.MemberID != "":
		return "", Errorf(ENOTFOUND, "No member with id %q.", in.MemberID)
	case in.Email == "":
		return "", Errorf(ENOTFOUND, "No member with external id %q.", in.ExternalID)
	case !in.CreateMember:
		return "", Errorf(ENOTFOUND, "No member with e-mail %q; set createMember to add one.", in.Email)
	}
	m, err := a.createByEmail(ctx, issuerID, in)
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

// createByEmail adds the member an activity names by e-mail address, or
// finds them if they were added meanwhile.
func (a *Awarder) createByEmail(ctx context.Context, issuerID string, in ActivityInput) (*Member, error) {
	m, err := a.Members.CreateMember(ctx, issuerID, MemberInput{Email: in.Email, DisplayName: in.Name})
	if ErrorCode(err) != ECONFLICT || ErrorField(err) != FieldEmail {
		return m, err
	}
	// Created meanwhile, or being created: the address is reserved before
	// the member is stored, and a creation cut short by a crash holds it
	// for up to a minute.
	if m, err = a.findByEmail(ctx, issuerID, in.Email); err != nil || m != nil {
		return m, err
	}
	return nil, UniqueValue{Field: FieldEmail, Scope: issuerID, Value: in.Email}.Pending()
}

// findByEmail returns the member with an e-mail address, nil if none.
func (a *Awarder) findByEmail(ctx context.Context, issuerID, email string) (*Member, error) {
	page, err := a.Members.Members(ctx, MemberFilter{IssuerID: issuerID, Email: email, ListOptions: ListOptions{Limit: 1}})
	if err != nil || len(page.Items) == 0 {
		return nil, err
	}
	return page.Items[0], nil
}

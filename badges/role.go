package badges

import (
	"context"
	"slices"
)

// Role is what a person may do in one community's console.
type Role string

// Roles, from most to least trusted.
const (
	RoleOwner   Role = "owner"
	RoleAdmin   Role = "admin"
	RoleAwarder Role = "awarder"
	RoleViewer  Role = "viewer"
)

// Permission is a kind of console action; each role allows those of its
// rank and below.
type Permission int

// Permissions, from least to most trusted.
const (
	PermView   Permission = iota + 1 // viewer and up: read every console page of the community
	PermAward                        // awarder and up: award (one and bulk), record and import activity
	PermManage                       // admin and up: badges, rules, members, revoke, void, nominations, spotlight, cohorts, outcomes, measures, re-evaluations
	PermOwn                          // owner: people and their roles, community settings, signing keys
)

// rank orders roles: a role allows the permissions up to its rank.
func (r Role) rank() Permission {
	switch r {
	case RoleOwner:
		return PermOwn
	case RoleAdmin:
		return PermManage
	case RoleAwarder:
		return PermAward
	case RoleViewer:
		return PermView
	}
	return 0
}

// Allows reports whether the role grants p.
func (r Role) Allows(p Permission) bool { return p >= PermView && p <= r.rank() }

// ParseRole reads a role by its name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if r.rank() == 0 {
		return "", FieldErrorf("role", "role %q is not one of owner, admin, awarder and viewer", s)
	}
	return r, nil
}

// needed says, in the words of a refusal, who may do what p permits.
var needed = map[Permission]string{
	PermView:   "Only people of this community can see its console pages.",
	PermAward:  "Only an awarder, admin or owner of this community can award badges and record activity.",
	PermManage: "Only an admin or owner of this community can change its badges, rules, members and awards.",
	PermOwn:    "Only an owner of this community can manage its people.",
}

// AccountsOf returns the accounts with a role in a community, service
// administrators not included. Accounts are few (the people who run
// communities, not their members), so the store reads them all.
func (s *Accounts) AccountsOf(ctx context.Context, issuerID string) ([]*Account, error) {
	all, err := s.store.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(a *Account) bool { _, ok := a.Roles[issuerID]; return !ok }), nil
}

// SetRole gives an account a role in a community, refusing to demote the
// community's last owner. Service administrators do not count as a
// community's owners for that rule: a community always keeps an owner of
// its own, so it never depends on the people who run the service.
func (s *Accounts) SetRole(ctx context.Context, accountID, issuerID string, role Role) error {
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	if !ValidID(issuerID) {
		return errNoCommunity()
	}
	a, err := s.store.Account(ctx, accountID)
	if err != nil {
		return err
	}
	if err := s.changeOwnership(ctx, a, issuerID, role == RoleOwner); err != nil {
		return err
	}
	_, err = s.store.UpdateAccount(ctx, accountID, func(a *Account) error {
		if a.Roles == nil {
			a.Roles = map[string]Role{}
		}
		a.Roles[issuerID] = role
		return nil
	})
	return err
}

// RemoveRole takes an account's role in a community away, refusing to
// remove the community's last owner (see SetRole).
func (s *Accounts) RemoveRole(ctx context.Context, accountID, issuerID string) error {
	if !ValidID(issuerID) {
		return errNoCommunity()
	}
	a, err := s.store.Account(ctx, accountID)
	if err != nil {
		return err
	}
	if err := s.changeOwnership(ctx, a, issuerID, false); err != nil {
		return err
	}
	_, err = s.store.UpdateAccount(ctx, accountID, func(a *Account) error {
		delete(a.Roles, issuerID)
		return nil
	})
	return err
}

func errNoCommunity() error { return Errorf(ENOTFOUND, "There is no such community.") }

// changeOwnership counts a among the community's owners or uncounts it,
// before its role changes. The set of owners is changed atomically with
// the check that one is left, so two people demoting the last two owners
// at once cannot both succeed. A crash between the two steps leaves an
// owner uncounted or a non-owner counted, which can only make a later
// demotion be refused.
func (s *Accounts) changeOwnership(ctx context.Context, a *Account, issuerID string, owner bool) error {
	was := a.Roles[issuerID] == RoleOwner
	if was == owner {
		return nil
	}
	return s.store.ChangeOwners(ctx, issuerID, func(ids []string) ([]string, error) {
		if owner {
			if !slices.Contains(ids, a.ID) {
				ids = append(ids, a.ID)
			}
			return ids, nil
		}
		rest := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == a.ID })
		if len(rest) == 0 {
			return nil, Errorf(ECONFLICT, "%s is the last owner of this community; make someone else an owner first.", a.Name)
		}
		return rest, nil
	})
}

// InviteToCommunity gives the person with an e-mail address a role in a
// community: an existing account gets the role (and token is ""), anyone
// else a new account with it and the token of its set-password link.
func (s *Accounts) InviteToCommunity(ctx context.Context, issuerID, email, name string, role Role) (*Account, string, error) {
	if _, err := ParseRole(string(role)); err != nil {
		return nil, "", err
	}
	norm, err := NormalizeEmail(email)
	if err != nil {
		return nil, "", err
	}
	a, err := s.store.AccountByEmail(ctx, norm)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return s.CreateAccount(ctx, AccountInput{Email: norm, Name: name, Roles: map[string]Role{issuerID: role}})
	case err != nil:
		return nil, "", err
	}
	if err := s.SetRole(ctx, a.ID, issuerID, role); err != nil {
		return nil, "", err
	}
	a, err = s.store.Account(ctx, a.ID)
	return a, "", err
}

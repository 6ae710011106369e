package mongodb_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

const community = "cccccccccccccccccccc"

// TestAccounts_LastOwner: a community's last owner can be neither
// demoted nor removed; service administrators do not count as its owners.
func TestAccounts_LastOwner(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	if _, _, err := f.accounts.CreateAccount(ctx, badges.AccountInput{Email: "root@example.org", Name: "Root", ServiceAdmin: true}); err != nil {
		t.Fatal(err)
	}
	ann := f.mustAccount(t, "ann@example.org", map[string]badges.Role{community: badges.RoleOwner})
	bo := f.mustAccount(t, "bo@example.org", map[string]badges.Role{community: badges.RoleViewer})
	err := f.accounts.RemoveRole(ctx, ann.ID, community)
	if badges.ErrorCode(err) != badges.ECONFLICT || badges.ErrorMessage(err) != "Person ann@example.org is the last owner of this community; make someone else an owner first." {
		t.Errorf("removing the last owner: %v", err)
	}
	wantCode(t, "demoting the last owner", f.accounts.SetRole(ctx, ann.ID, community, badges.RoleAdmin), badges.ECONFLICT)
	if err := f.accounts.SetRole(ctx, bo.ID, community, badges.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if err := f.accounts.SetRole(ctx, ann.ID, community, badges.RoleAdmin); err != nil {
		t.Fatalf("demoting one of two owners: %v", err)
	}
	wantCode(t, "removing the new last owner", f.accounts.RemoveRole(ctx, bo.ID, community), badges.ECONFLICT)
	wantCode(t, "a role in no community", f.accounts.SetRole(ctx, bo.ID, "../x", badges.RoleViewer), badges.ENOTFOUND)
	if err := f.accounts.RemoveRole(ctx, ann.ID, community); err != nil {
		t.Errorf("removing an admin: %v", err)
	}
	people, err := f.accounts.AccountsOf(ctx, community)
	if err != nil || len(people) != 1 || people[0].ID != bo.ID || people[0].Roles[community] != badges.RoleOwner {
		t.Errorf("people: %+v, %v", people, err)
	}
}

// TestAccounts_LastOwnersAtOnce: of two owners demoting each other at
// once, one stays owner.
func TestAccounts_LastOwnersAtOnce(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	ann := f.mustAccount(t, "ann@example.org", map[string]badges.Role{community: badges.RoleOwner})
	bo := f.mustAccount(t, "bo@example.org", map[string]badges.Role{community: badges.RoleOwner})
	errs := mongotest.AtOnce(
		func() error { return f.accounts.RemoveRole(ctx, ann.ID, community) },
		func() error { return f.accounts.SetRole(ctx, bo.ID, community, badges.RoleViewer) },
	)
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("answers %v, want one refusal", errs)
	}
	people, err := f.accounts.AccountsOf(ctx, community)
	if err != nil {
		t.Fatal(err)
	}
	owners := 0
	for _, p := range people {
		if p.Roles[community] == badges.RoleOwner {
			owners++
		}
	}
	if owners != 1 {
		t.Errorf("%d owners left, want 1", owners)
	}
}

func TestAccounts_InviteToCommunity(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	ann := f.mustAccount(t, "ann@example.org", nil)
	a, token, err := f.accounts.InviteToCommunity(ctx, community, "ANN@example.org", "Ann", badges.RoleAwarder)
	if err != nil || token != "" || a.ID != ann.ID || a.Roles[community] != badges.RoleAwarder {
		t.Fatalf("existing account: %+v, %q, %v", a, token, err)
	}
	b, token, err := f.accounts.InviteToCommunity(ctx, community, "bo@example.org", "Bo", badges.RoleViewer)
	if err != nil || token == "" || b.Roles[community] != badges.RoleViewer || b.Name != "Bo" {
		t.Fatalf("new account: %+v, %q, %v", b, token, err)
	}
	if _, err := f.accounts.SetPassword(ctx, token, goodPassword); err != nil {
		t.Errorf("invitation link: %v", err)
	}
	_, _, err = f.accounts.InviteToCommunity(ctx, community, "cy@example.org", "Cy", "chief")
	if badges.ErrorField(err) != "role" {
		t.Errorf("bad role: %v", err)
	}
	if !b.Can(community, badges.PermView) || b.Can(community, badges.PermAward) || b.Can("other", badges.PermView) {
		t.Errorf("viewer's permissions: %+v", b)
	}
}

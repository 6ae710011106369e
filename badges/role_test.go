package badges_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestRole_Allows checks every role against every permission.
func TestRole_Allows(t *testing.T) {
	perms := []badges.Permission{badges.PermView, badges.PermAward, badges.PermManage, badges.PermOwn}
	want := map[badges.Role][4]bool{
		badges.RoleOwner:   {true, true, true, true},
		badges.RoleAdmin:   {true, true, true, false},
		badges.RoleAwarder: {true, true, false, false},
		badges.RoleViewer:  {true, false, false, false},
		"":                 {false, false, false, false},
		"root":             {false, false, false, false},
	}
	for role, allows := range want {
		for i, p := range perms {
			if got := role.Allows(p); got != allows[i] {
				t.Errorf("%q allows %d: %v, want %v", role, p, got, allows[i])
			}
		}
		if role.Allows(0) || role.Allows(badges.PermOwn+1) {
			t.Errorf("%q allows a permission that does not exist", role)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, s := range []string{"owner", "admin", "awarder", "viewer"} {
		if r, err := badges.ParseRole(s); err != nil || string(r) != s {
			t.Errorf("ParseRole(%q) = %q, %v", s, r, err)
		}
	}
	for _, s := range []string{"", "Owner", "root"} {
		_, err := badges.ParseRole(s)
		if badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "role" {
			t.Errorf("ParseRole(%q): %v, want a role error", s, err)
		}
	}
}

// TestAccount_Authorize: service administrators own every community;
// others have their role where they have one and nothing elsewhere.
func TestAccount_Authorize(t *testing.T) {
	admin := &badges.Account{ServiceAdmin: true}
	awarder := &badges.Account{Roles: map[string]badges.Role{"c1": badges.RoleAwarder}}
	if err := admin.Authorize("any", badges.PermOwn); err != nil {
		t.Errorf("service admin: %v", err)
	}
	if r, ok := admin.RoleIn("any"); !ok || r != badges.RoleOwner {
		t.Errorf("service admin's role %q, %v", r, ok)
	}
	if err := awarder.Authorize("c1", badges.PermAward); err != nil {
		t.Errorf("awarder awarding: %v", err)
	}
	err := awarder.Authorize("c1", badges.PermOwn)
	if badges.ErrorCode(err) != badges.EFORBIDDEN || badges.ErrorMessage(err) != "Only an owner of this community can manage its people." {
		t.Errorf("awarder managing people: %v", err)
	}
	if err := awarder.Authorize("c2", badges.PermView); badges.ErrorCode(err) != badges.EFORBIDDEN {
		t.Errorf("awarder in another community: %v", err)
	}
	if awarder.Can("c1", badges.PermManage) {
		t.Error("an awarder can manage")
	}
}

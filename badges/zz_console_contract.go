package badges

import "time"

// Temporary: the accounts contract, replaced by the accounts change.

type Role string

const (
	RoleOwner   Role = "owner"
	RoleAdmin   Role = "admin"
	RoleAwarder Role = "awarder"
	RoleViewer  Role = "viewer"
)

type Permission int

const (
	PermView Permission = iota + 1
	PermAward
	PermManage
	PermOwn
)

func (r Role) Allows(p Permission) bool {
	rank := map[Role]Permission{RoleViewer: PermView, RoleAwarder: PermAward, RoleAdmin: PermManage, RoleOwner: PermOwn}
	return rank[r] >= p
}

type Account struct {
	ID, Email, Name          string
	PasswordHash             string
	ServiceAdmin             bool
	Roles                    map[string]Role
	Epoch                    int
	CreatedAt, PasswordSetAt time.Time
}

func (a *Account) RoleIn(issuerID string) (Role, bool) {
	if a.ServiceAdmin {
		return RoleOwner, true
	}
	r, ok := a.Roles[issuerID]
	return r, ok
}

func (a *Account) Can(issuerID string, p Permission) bool {
	r, ok := a.RoleIn(issuerID)
	return ok && r.Allows(p)
}

func (a *Account) Authorize(issuerID string, p Permission) error {
	if a.Can(issuerID, p) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Your role in this community does not allow this.")
}

type Session struct {
	ID                    string
	AccountID             string
	Epoch                 int
	CSRF                  string
	CreatedAt, LastSeenAt time.Time
	Address, UserAgent    string
}

const ETOOMANY = "too_many"

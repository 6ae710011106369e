package mongodb_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// accountsFixture is the Accounts service on a fresh database, with cheap
// password hashes and a clock the test moves.
type accountsFixture struct {
	db       *database.DB
	stores   *mongodb.AccountStores
	accounts *badges.Accounts
	mu       sync.Mutex
	now      time.Time
}

func newAccountsFixture(t *testing.T) *accountsFixture {
	t.Helper()
	f := &accountsFixture{db: mongotest.NewDB(t), now: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)}
	st := mongodb.NewAccountStores(f.db)
	f.stores = st
	f.accounts = badges.NewAccounts(badges.AccountsDeps{Store: st.Accounts, Sessions: st.Sessions, Limits: st.Limits,
		Now: f.clock, PasswordParams: badges.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}})
	f.db.SetClock(f.clock)
	return f
}

func (f *accountsFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *accountsFixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

const goodPassword = "a long good password"

// mustAccount creates an account with a password and returns it.
func (f *accountsFixture) mustAccount(t *testing.T, email string, roles map[string]badges.Role) *badges.Account {
	t.Helper()
	_, token, err := f.accounts.CreateAccount(t.Context(), badges.AccountInput{Email: email, Name: "Person " + email, Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.accounts.SetPassword(t.Context(), token, goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// mustSignIn signs in with the good password and returns the token.
func (f *accountsFixture) mustSignIn(t *testing.T, email string) string {
	t.Helper()
	token, _, _, err := f.accounts.SignIn(t.Context(), email, goodPassword, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if badges.ErrorCode(err) != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

const linkGone = "This link has expired or has been used; ask for a new one."

func wantLinkGone(t *testing.T, what string, err error) {
	t.Helper()
	if badges.ErrorMessage(err) != linkGone {
		t.Errorf("%s: %v, want %q", what, err, linkGone)
	}
}

func TestAccounts_Create(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	a, token, err := f.accounts.CreateAccount(ctx, badges.AccountInput{Email: " Ann@Example.org ", Name: "Ann Lee", ServiceAdmin: true})
	if err != nil || token == "" || a.Email != "ann@example.org" || !a.ServiceAdmin || a.PasswordHash != "" {
		t.Fatalf("create: %+v, %q, %v", a, token, err)
	}
	_, _, err = f.accounts.CreateAccount(ctx, badges.AccountInput{Email: "ANN@example.org", Name: "Ann again"})
	wantCode(t, "same e-mail in other case", err, badges.ECONFLICT)
	_, _, err = f.accounts.CreateAccount(ctx, badges.AccountInput{Email: "not-an-address", Name: "X"})
	if badges.ErrorField(err) != "email" {
		t.Errorf("bad e-mail: %v", err)
	}
	_, _, err = f.accounts.CreateAccount(ctx, badges.AccountInput{Email: "bo@example.org", Name: "Bo", Roles: map[string]badges.Role{"c1": "boss"}})
	if badges.ErrorField(err) != "role" {
		t.Errorf("bad role: %v", err)
	}
	got, err := f.accounts.AccountByEmail(ctx, "ann@EXAMPLE.org")
	if err != nil || got.ID != a.ID {
		t.Errorf("by e-mail: %+v, %v", got, err)
	}
}

func TestAccounts_SetPassword(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	a, first, err := f.accounts.CreateAccount(ctx, badges.AccountInput{Email: "ann@example.org", Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("bad password keeps the link", func(t *testing.T) {
		_, err := f.accounts.SetPassword(ctx, first, "ann@example.org")
		if badges.ErrorField(err) != "password" {
			t.Errorf("e-mail as password: %v", err)
		}
	})
	second, err := f.accounts.PasswordLink(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.accounts.SetPassword(ctx, first, goodPassword)
	wantLinkGone(t, "link replaced by a newer one", err)
	got, err := f.accounts.SetPassword(ctx, second, goodPassword)
	if err != nil || got.PasswordHash == "" || got.Epoch != 1 || !got.PasswordSetAt.Equal(f.clock()) {
		t.Fatalf("set: %+v, %v", got, err)
	}
	_, err = f.accounts.SetPassword(ctx, second, "another good password")
	wantLinkGone(t, "reused link", err)
	_, err = f.accounts.SetPassword(ctx, "unknown", goodPassword)
	wantLinkGone(t, "unknown link", err)

	third, err := f.accounts.PasswordLink(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.advance(badges.LinkLifetime)
	_, err = f.accounts.SetPassword(ctx, third, goodPassword)
	wantLinkGone(t, "expired link", err)
}

// TestAccounts_SetPasswordAtOnce: of two uses of one link at once, one
// sets the password.
func TestAccounts_SetPasswordAtOnce(t *testing.T) {
	f := newAccountsFixture(t)
	_, token, err := f.accounts.CreateAccount(t.Context(), badges.AccountInput{Email: "ann@example.org", Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	var ok int
	for _, err := range mongotest.AtOnce(
		func() error { _, err := f.accounts.SetPassword(t.Context(), token, "first good password"); return err },
		func() error { _, err := f.accounts.SetPassword(t.Context(), token, "other good password"); return err },
	) {
		if err == nil {
			ok++
		} else {
			wantLinkGone(t, "second use", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d uses succeeded, want 1", ok)
	}
}

func TestAccounts_SignIn(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	a := f.mustAccount(t, "ann@example.org", nil)
	token, sess, got, err := f.accounts.SignIn(ctx, "ANN@example.org", goodPassword, "192.0.2.1", "Firefox\x1b[2J")
	if err != nil || got.ID != a.ID || sess.AccountID != a.ID || len(sess.CSRF) != 43 || sess.UserAgent != "Firefox[2J" {
		t.Fatalf("sign in: %+v, %+v, %v", sess, got, err)
	}
	if sess.ID == token {
		t.Error("the session is stored under its token")
	}
	s2, a2, err := f.accounts.Session(ctx, token)
	if err != nil || s2.ID != sess.ID || a2.ID != a.ID || s2.CSRF != sess.CSRF {
		t.Fatalf("session: %+v, %+v, %v", s2, a2, err)
	}
	t.Run("no enumeration", func(t *testing.T) {
		_, _, _, wrong := f.accounts.SignIn(ctx, "ann@example.org", "not the password", "192.0.2.2", "")
		_, _, _, unknown := f.accounts.SignIn(ctx, "nobody@example.org", "not the password", "192.0.2.2", "")
		_, _, _, invalid := f.accounts.SignIn(ctx, "not an address", "not the password", "192.0.2.2", "")
		_, _, _, huge := f.accounts.SignIn(ctx, "ann@example.org", strings.Repeat("x", 5000), "192.0.2.2", "")
		for _, err := range []error{wrong, unknown, invalid, huge} {
			if badges.ErrorCode(err) != badges.EUNAUTHORIZED || badges.ErrorMessage(err) != "The e-mail address or password is not right." {
				t.Errorf("%v, want the one sign-in error", err)
			}
		}
	})
	if err := f.accounts.SignOut(ctx, token); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.accounts.Session(ctx, token)
	wantCode(t, "signed out", err, badges.EUNAUTHORIZED)
	_, _, err = f.accounts.Session(ctx, "garbage")
	wantCode(t, "garbage token", err, badges.EUNAUTHORIZED)
}

func TestAccounts_SessionExpiry(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	f.mustAccount(t, "ann@example.org", nil)
	t.Run("idle", func(t *testing.T) {
		token := f.mustSignIn(t, "ann@example.org")
		f.advance(2*time.Hour + time.Second)
		_, _, err := f.accounts.Session(ctx, token)
		wantCode(t, "idle session", err, badges.EUNAUTHORIZED)
	})
	t.Run("absolute", func(t *testing.T) {
		token := f.mustSignIn(t, "ann@example.org")
		for range 24 {
			f.advance(time.Hour)
			if _, _, err := f.accounts.Session(ctx, token); err != nil {
				t.Fatalf("session in use: %v", err)
			}
		}
		f.advance(time.Second)
		_, _, err := f.accounts.Session(ctx, token)
		wantCode(t, "session over a day old", err, badges.EUNAUTHORIZED)
	})
	t.Run("last seen once a minute", func(t *testing.T) {
		token := f.mustSignIn(t, "ann@example.org")
		start := f.clock()
		f.advance(30 * time.Second)
		s, _, err := f.accounts.Session(ctx, token)
		if err != nil || !s.LastSeenAt.Equal(start) {
			t.Errorf("after 30 s: %+v, %v", s, err)
		}
		f.advance(40 * time.Second)
		if s, _, err = f.accounts.Session(ctx, token); err != nil || !s.LastSeenAt.Equal(f.clock()) {
			t.Errorf("after 70 s: %+v, %v", s, err)
		}
	})
}

// TestAccounts_Epoch: a password change and "sign out everywhere" end
// every earlier session.
func TestAccounts_Epoch(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	a := f.mustAccount(t, "ann@example.org", nil)
	t.Run("change password", func(t *testing.T) {
		token := f.mustSignIn(t, "ann@example.org")
		err := f.accounts.ChangePassword(ctx, a.ID, "wrong current", "a new good password")
		if badges.ErrorField(err) != "currentPassword" {
			t.Fatalf("wrong current password: %v", err)
		}
		for range 4 {
			_ = f.accounts.ChangePassword(ctx, a.ID, "wrong current", "a new good password")
		}
		wantTooMany(t, "sixth guess of the current password", f.accounts.ChangePassword(ctx, a.ID, goodPassword, goodPassword+"!"))
		f.advance(15 * time.Minute)
		if err := f.accounts.ChangePassword(ctx, a.ID, goodPassword, goodPassword+"!"); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.accounts.Session(ctx, token)
		wantCode(t, "session after a password change", err, badges.EUNAUTHORIZED)
		if _, _, _, err := f.accounts.SignIn(ctx, "ann@example.org", goodPassword+"!", "192.0.2.1", ""); err != nil {
			t.Errorf("new password: %v", err)
		}
	})
	t.Run("epoch alone", func(t *testing.T) {
		// Another process may bump the epoch while this one still has
		// the session's record: the epoch ends it all the same.
		token, _, _, err := f.accounts.SignIn(ctx, "ann@example.org", goodPassword+"!", "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.stores.Accounts.UpdateAccount(ctx, a.ID, func(a *badges.Account) error { a.Epoch++; return nil }); err != nil {
			t.Fatal(err)
		}
		// Its record is still there, but "where you are signed in" leaves it out.
		if list, err := f.accounts.SessionsOf(ctx, a.ID); err != nil || len(list) != 0 {
			t.Fatalf("sessions of an old epoch listed: %d, %v", len(list), err)
		}
		_, _, err = f.accounts.Session(ctx, token)
		wantCode(t, "session of an old epoch", err, badges.EUNAUTHORIZED)
	})
	t.Run("sign out everywhere", func(t *testing.T) {
		one, _, _, _ := f.accounts.SignIn(ctx, "ann@example.org", goodPassword+"!", "192.0.2.1", "")
		two, _, _, _ := f.accounts.SignIn(ctx, "ann@example.org", goodPassword+"!", "192.0.2.3", "")
		if list, err := f.accounts.SessionsOf(ctx, a.ID); err != nil || len(list) < 2 {
			t.Fatalf("sessions: %d, %v", len(list), err)
		}
		if err := f.accounts.SignOutEverywhere(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		for _, token := range []string{one, two} {
			_, _, err := f.accounts.Session(ctx, token)
			wantCode(t, "session after sign out everywhere", err, badges.EUNAUTHORIZED)
		}
		if list, err := f.accounts.SessionsOf(ctx, a.ID); err != nil || len(list) != 0 {
			t.Errorf("sessions left: %d, %v", len(list), err)
		}
	})
}

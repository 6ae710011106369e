package mongodb_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func wantTooMany(t *testing.T, what string, err error) {
	t.Helper()
	if badges.ErrorCode(err) != badges.ETOOMANY || !strings.Contains(badges.ErrorMessage(err), "try again in") {
		t.Errorf("%s: %v, want too many attempts", what, err)
	}
}

// TestAccounts_SignInLimitPerAccount: five failures per e-mail address
// in 15 minutes, known or not; then even the right password waits.
func TestAccounts_SignInLimitPerAccount(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	f.mustAccount(t, "ann@example.org", nil)
	for _, email := range []string{"ann@example.org", "nobody@example.org"} {
		for i := range 5 {
			_, _, _, err := f.accounts.SignIn(ctx, email, "wrong password", fmt.Sprintf("192.0.2.%d", 10+i), "")
			wantCode(t, email+" failure", err, badges.EUNAUTHORIZED)
		}
		_, _, _, err := f.accounts.SignIn(ctx, email, goodPassword, "198.51.100.1", "")
		wantTooMany(t, email+" sixth attempt", err)
	}
	_, _, _, err := f.accounts.SignIn(ctx, "ann@example.org", goodPassword, "198.51.100.1", "")
	if badges.ErrorMessage(err) != "There were too many attempts to sign in; try again in 15 minutes." {
		t.Errorf("message: %v", err)
	}
	f.advance(15 * time.Minute)
	if _, _, _, err := f.accounts.SignIn(ctx, "ann@example.org", goodPassword, "198.51.100.1", ""); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// A success forgets the failures: five more are allowed.
	for range 4 {
		_, _, _, err := f.accounts.SignIn(ctx, "ann@example.org", "wrong password", "198.51.100.2", "")
		wantCode(t, "failure after a success", err, badges.EUNAUTHORIZED)
	}
	if _, _, _, err := f.accounts.SignIn(ctx, "ann@example.org", goodPassword, "198.51.100.2", ""); err != nil {
		t.Errorf("fifth attempt after a success: %v", err)
	}
}

// TestAccounts_SignInLimitPerAddress: 30 attempts per IPv4 address or
// IPv6 /64 in 15 minutes, whatever the e-mail addresses.
func TestAccounts_SignInLimitPerAddress(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	for i := range 30 {
		addr := fmt.Sprintf("2001:db8:0:1::%x", i+1) // one /64
		_, _, _, err := f.accounts.SignIn(ctx, fmt.Sprintf("p%d@example.org", i), "wrong password", addr, "")
		wantCode(t, "attempt", err, badges.EUNAUTHORIZED)
	}
	_, _, _, err := f.accounts.SignIn(ctx, "fresh@example.org", "wrong password", "2001:db8:0:1:ffff::9", "")
	wantTooMany(t, "31st attempt from one /64", err)
	_, _, _, err = f.accounts.SignIn(ctx, "fresh@example.org", "wrong password", "2001:db8:0:2::1", "")
	wantCode(t, "another /64", err, badges.EUNAUTHORIZED)
	for range 30 {
		_, _, _, _ = f.accounts.SignIn(ctx, "x@example.org", "wrong password", "203.0.113.5", "")
	}
	_, _, _, err = f.accounts.SignIn(ctx, "y@example.org", "wrong password", "203.0.113.5", "")
	wantTooMany(t, "31st attempt from one IPv4 address", err)
	_, _, _, err = f.accounts.SignIn(ctx, "y@example.org", "wrong password", "203.0.113.6", "")
	wantCode(t, "the next IPv4 address", err, badges.EUNAUTHORIZED)
}

// TestAccounts_SignInAtOnce: attempts at once at one account check the
// password at most five times and count every attempt.
func TestAccounts_SignInAtOnce(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	f.mustAccount(t, "ann@example.org", nil)
	const n = 16
	var wg sync.WaitGroup
	codes := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _, err := f.accounts.SignIn(ctx, "ann@example.org", "wrong password", fmt.Sprintf("192.0.2.%d", i+1), "")
			codes[i] = badges.ErrorCode(err)
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[badges.EUNAUTHORIZED] != 5 || count[badges.ETOOMANY] != n-5 {
		t.Errorf("answers %v, want 5 wrong passwords and %d refusals", count, n-5)
	}
	_, _, _, err := f.accounts.SignIn(ctx, "ann@example.org", goodPassword, "192.0.2.200", "")
	wantTooMany(t, "after the attempts at once", err)
}

// TestAccounts_Sweep removes expired links, sessions and limit windows,
// and keeps live ones.
func TestAccounts_Sweep(t *testing.T) {
	f := newAccountsFixture(t)
	ctx := t.Context()
	a, oldLink, err := f.accounts.CreateAccount(ctx, badges.AccountInput{Email: "ann@example.org", Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, _ = f.accounts.SignIn(ctx, "bo@example.org", "wrong password", "192.0.2.9", "")
	f.advance(badges.LinkLifetime)
	live, err := f.accounts.PasswordLink(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.accounts.SetPassword(ctx, live, goodPassword); err != nil {
		t.Fatal(err)
	}
	stale := f.mustSignIn(t, "ann@example.org")
	f.advance(3 * time.Hour)
	fresh := f.mustSignIn(t, "ann@example.org")
	if err := f.accounts.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	for coll, want := range map[string]int64{"accountlinks": 0, "sessions": 1, "signinlimits": 1} {
		if n, err := f.db.Count(ctx, coll); err != nil || n != want {
			t.Errorf("%s: %d left, %v; want %d", coll, n, err, want)
		}
	}
	if _, _, err := f.accounts.Session(ctx, fresh); err != nil {
		t.Errorf("live session swept: %v", err)
	}
	_, _, err = f.accounts.Session(ctx, stale)
	wantCode(t, "stale session", err, badges.EUNAUTHORIZED)
	_, err = f.accounts.SetPassword(ctx, oldLink, goodPassword)
	wantLinkGone(t, "expired link", err)
}

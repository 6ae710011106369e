package badges_test

import (
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

var cheap = badges.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashPassword(t *testing.T) {
	phc := badges.HashPassword(cheap, "correct horse battery")
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q", phc)
	}
	if ok, err := badges.VerifyPassword(phc, "correct horse battery"); !ok || err != nil {
		t.Errorf("right password: %v, %v", ok, err)
	}
	if ok, err := badges.VerifyPassword(phc, "correct horse batterY"); ok || err != nil {
		t.Errorf("wrong password: %v, %v", ok, err)
	}
	if phc == badges.HashPassword(cheap, "correct horse battery") {
		t.Error("two hashes of one password are equal: no salt")
	}
	// The costs a hash records are used, whatever new hashes use.
	other := badges.HashPassword(badges.PasswordParams{Memory: 128, Time: 2, Threads: 2, SaltLen: 8, KeyLen: 16}, "pw")
	if ok, err := badges.VerifyPassword(other, "pw"); !ok || err != nil {
		t.Errorf("other costs: %v, %v", ok, err)
	}
}

func TestVerifyPassword_BadHash(t *testing.T) {
	for _, phc := range []string{
		"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
		"$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$aGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$$aGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$!!",
	} {
		if ok, err := badges.VerifyPassword(phc, "pw"); ok || err == nil {
			t.Errorf("%q: %v, %v, want an error", phc, ok, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct{ pw, want string }{
		{"long enough pass", ""},
		{"ééééééééééé!", ""},
		{"short", "password is shorter than 10 characters."},
		{strings.Repeat("a", 257), "password is longer than 256 characters."},
		{"aaaaaaaaaaaa", "password is one character repeated; choose another."},
		{"éééééééééééé", "password is one character repeated; choose another."},
		{"Ann@Example.org", "password is the e-mail address; choose another."},
	} {
		err := badges.CheckPassword(tc.pw, "ann@example.org")
		if tc.want == "" && err != nil || tc.want != "" && (badges.ErrorMessage(err) != tc.want || badges.ErrorField(err) != "password") {
			t.Errorf("%q: %v, want %q", tc.pw, err, tc.want)
		}
	}
}

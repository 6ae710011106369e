package badges

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id costs of new password hashes. Hashes
// record their own costs, so changing these leaves existing passwords
// valid.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultPasswordParams are the costs OWASP recommends for argon2id:
// 19 MiB, two passes, one thread.
var DefaultPasswordParams = PasswordParams{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits on what a stored hash may ask for, so that a damaged or hostile
// record cannot make one verification take the machine.
const (
	maxHashMemory = 1 << 20 // KiB: 1 GiB
	maxHashTime   = 100
)

// HashPassword returns the PHC string of password under p:
// $argon2id$v=19$m=...,t=...,p=...$salt$hash.
func HashPassword(p PasswordParams, password string) string {
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// errBadHash is a stored hash Laurel cannot read.
var errBadHash = errors.New("password hash is not an argon2id PHC string")

// VerifyPassword reports, in constant time, whether password matches the
// PHC string phc, with the costs the string records.
func VerifyPassword(phc, password string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var p PasswordParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory == 0 || p.Memory > maxHashMemory || p.Time == 0 || p.Time > maxHashTime || p.Threads == 0 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) == 0 {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 1024 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Password lengths, in characters.
const (
	minPasswordLen = 10
	maxPasswordLen = 256
)

// CheckPassword applies the rules of a new password: 10 to 256
// characters, not one character repeated, not the e-mail address.
func CheckPassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	first, _ := utf8.DecodeRuneInString(password)
	switch {
	case n < minPasswordLen:
		return FieldErrorf("password", "password is shorter than %d characters", minPasswordLen)
	case n > maxPasswordLen:
		return FieldErrorf("password", "password is longer than %d characters", maxPasswordLen)
	case strings.Count(password, string(first)) == n:
		return FieldErrorf("password", "password is one character repeated; choose another")
	case email != "" && strings.EqualFold(strings.TrimSpace(password), email):
		return FieldErrorf("password", "password is the e-mail address; choose another")
	}
	return nil
}

// errBusy answers a password check that waited for its turn until its
// request ended.
func errBusy() error {
	return Errorf(EUNAVAILABLE, "Laurel is busy checking other sign-ins; try again in a moment.")
}

// hash hashes a new password when a hashing slot is free.
func (s *Accounts) hash(ctx context.Context, password string) (string, error) {
	if err := s.turn(ctx); err != nil {
		return "", err
	}
	defer func() { <-s.hashing }()
	return HashPassword(s.params, password), nil
}

// verify checks a password against a stored hash when a slot is free.
func (s *Accounts) verify(ctx context.Context, phc, password string) (bool, error) {
	if err := s.turn(ctx); err != nil {
		return false, err
	}
	defer func() { <-s.hashing }()
	return VerifyPassword(phc, password)
}

// turn waits for a hashing slot, or until ctx ends.
func (s *Accounts) turn(ctx context.Context) error {
	select {
	case s.hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return errBusy()
	}
}

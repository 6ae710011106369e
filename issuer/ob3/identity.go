package ob3

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// IdentityHash is "sha256$" + hex(sha256(identity + salt)), as Open Badges hashes a recipient's e-mail.
// The identity is hashed exactly as given: normalising an address (case,
// whitespace) is the caller's choice and must match what the recipient types.
func IdentityHash(identity, salt string) string {
	sum := sha256.Sum256([]byte(identity + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// NewSalt returns a random salt: 16 bytes, hex-encoded. The salt stops anyone
// from testing guessed addresses against many credentials at once.
func NewSalt() string {
	var b [16]byte
	// crypto/rand.Read never returns an error; it aborts the program if the
	// system's random source fails.
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// MatchIdentityHash checks a claimed identity against "sha256$…" or "md5$…" hashes, case-insensitively on the hex.
// MD5 is accepted only because the specification still allows reading it.
func MatchIdentityHash(hash, identity, salt string) bool {
	alg, digest, ok := strings.Cut(hash, "$")
	if !ok {
		return false
	}
	var got []byte
	switch strings.ToLower(alg) {
	case "sha256":
		sum := sha256.Sum256([]byte(identity + salt))
		got = sum[:]
	case "md5":
		sum := md5.Sum([]byte(identity + salt))
		got = sum[:]
	default:
		return false
	}
	want, err := hex.DecodeString(digest)
	if err != nil {
		return false
	}
	// ConstantTimeCompare also returns 0 when the lengths differ.
	return subtle.ConstantTimeCompare(got, want) == 1
}

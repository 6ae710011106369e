package issuer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// LinkSigner makes and checks the codes of links that need no stored
// token: a claim link names its credential, an unsubscribe link its
// address, and the code proves Laurel made the link. Each purpose has its
// own key, so a code made for one purpose never passes for another.
type LinkSigner struct{ key []byte }

// LinkSigner returns the signer of links for purpose, keyed by the master
// key: links survive restarts and work on every process sharing the key.
func (s *Sealer) LinkSigner(purpose string) *LinkSigner {
	m := hmac.New(sha256.New, s.links)
	m.Write([]byte(purpose))
	return &LinkSigner{key: m.Sum(nil)}
}

// Code is the code of a link naming parts: 22 URL-safe characters (128
// bits of an HMAC-SHA256).
func (l *LinkSigner) Code(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString(l.mac(parts)[:16])
}

// Valid reports whether code is the code of a link naming parts, in
// constant time.
func (l *LinkSigner) Valid(code string, parts ...string) bool {
	got, err := base64.RawURLEncoding.Strict().DecodeString(code)
	return err == nil && len(got) == 16 && hmac.Equal(got, l.mac(parts)[:16])
}

// mac is the HMAC of parts, each length-prefixed so that no two lists of
// parts share an input.
func (l *LinkSigner) mac(parts []string) []byte {
	m := hmac.New(sha256.New, l.key)
	for _, p := range parts {
		n := len(p)
		m.Write([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

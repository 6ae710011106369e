package verifier

import (
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// Token is a VC-JWT read once, to be verified again and again. What
// reading finds depends on the token's bytes alone, so a caller that
// verifies the same token on every request (a credential's public page,
// at each view) keeps the Token and passes it as Input.Token; each Verify
// still makes every check: signature, claims, dates, status and schema.
// A Token is shared: nothing modifies it.
type Token struct {
	cred *credential
}

// ReadToken reads an Open Badges 3.0 VC-JWT, keeping token itself rather
// than a copy. Anything else, an Open Badges 2.0 signed assertion
// included, is an error, as Verify would answer it for bad input.
func ReadToken(token string) (*Token, error) {
	if len(token) > MaxJWTSize {
		return nil, badges.Errorf(badges.ETOOLARGE, "The VC-JWT is larger than %d MiB.", MaxJWTSize>>20)
	}
	token = strings.TrimSpace(token)
	if !looksLikeJWS(token) {
		return nil, badges.Errorf(badges.EINVALID, "This is not a VC-JWT: expected three base64url parts joined by dots.")
	}
	rr, err := readToken(token, "jwt")
	if err != nil {
		return nil, err
	}
	if rr.ob2 != nil {
		return nil, badges.Errorf(badges.EINVALID, "This is an Open Badges 2.0 signed assertion, not a VC-JWT.")
	}
	return &Token{cred: rr.cred}, nil
}

// Size estimates the memory a Token holds besides the token's own text:
// the decoded header, payload and signature, and the payload decoded
// into maps (measured at about four times its JSON), for caches that
// count what they keep.
func (t *Token) Size() int {
	j := t.cred.jwt
	return len(j.SigningInput) + len(j.RawHeader) + len(j.Signature) + 5*len(j.RawPayload)
}

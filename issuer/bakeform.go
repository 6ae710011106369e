package issuer

import (
	"fmt"
	"slices"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// ValidatorJWTAlgs are the VC-JWT algorithms the public 1EdTech validator
// accepts in a baked badge or a pasted token. EdDSA, which an issuer may
// choose, is not among them.
var ValidatorJWTAlgs = []string{AlgRS256, AlgES256}

// BakedForm is the form of a credential that its baked badge carries: the
// VC-JWT when its algorithm is one the public validator accepts, else the
// signed JSON with its Data Integrity proof, which the validator and every
// wallet accept. The choice follows the token's own header, not the
// issuer's present algorithm, so a credential's baked badge stays the same
// when its issuer later picks another algorithm.
func BakedForm(c *Credential) (string, error) {
	tok, err := ob3.ParseJWT(c.JWT)
	if err != nil {
		return "", fmt.Errorf("credential %s: %w", c.ID, err)
	}
	if slices.Contains(ValidatorJWTAlgs, tok.Header.Alg) {
		return c.JWT, nil
	}
	return string(c.JSON), nil
}

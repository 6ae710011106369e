package issuer_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestLinkSigner(t *testing.T) {
	s, err := issuer.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	claim := s.LinkSigner("claim")
	code := claim.Code("cred-1")
	if len(code) != 22 || !claim.Valid(code, "cred-1") {
		t.Fatalf("code %q does not pass for what it was made for", code)
	}
	// The last character carries 2 bits of the code and 4 of padding: the
	// same code spelt with other padding is not the code.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	respelt := code[:21] + string(alphabet[strings.IndexByte(alphabet, code[21])^1])
	other, _ := issuer.NewSealer(bytes.Repeat([]byte{8}, 32))
	for name, ok := range map[string]bool{
		"another credential": claim.Valid(code, "cred-2"),
		"parts run together": claim.Valid(claim.Code("ab", "c"), "a", "bc"),
		"another purpose":    s.LinkSigner("unsubscribe").Valid(code, "cred-1"),
		"another master key": other.LinkSigner("claim").Valid(code, "cred-1"),
		"a truncated code":   claim.Valid(code[:21], "cred-1"),
		"not base64":         claim.Valid("!!!!!!!!!!!!!!!!!!!!!!", "cred-1"),
		"an empty code":      claim.Valid("", "cred-1"),
		"respelt padding":    claim.Valid(respelt, "cred-1"),
	} {
		if ok {
			t.Errorf("%s: the code passed", name)
		}
	}
}

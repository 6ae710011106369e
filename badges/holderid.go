package badges

import "strings"

// A credential's holder, when known, is named by a DID (what a wallet
// proves it controls) or an https URL: it becomes the credential's
// credentialSubject.id.

// maxHolderLen bounds a holder's identifier.
const maxHolderLen = 512

// CheckHolderID checks that s names a credential's holder: a DID
// ("did:method:id") or an https URL. field names it in the error.
func CheckHolderID(field, s string) error {
	switch {
	case s == "":
		return FieldErrorf(field, "%s is required", field)
	case len(s) > maxHolderLen:
		return FieldErrorf(field, "%s is longer than %d characters", field, maxHolderLen)
	case strings.HasPrefix(s, "did:"):
		if !validDID(s) {
			return FieldErrorf(field, "%s is not a DID of the form did:method:identifier", field)
		}
		return nil
	case strings.HasPrefix(s, "https://"):
		if !IsHTTPURL(s) {
			return FieldErrorf(field, "%s is not a valid URL", field)
		}
		return nil
	}
	return FieldErrorf(field, "%s must be a DID (did:…) or an https URL", field)
}

// validDID follows the DID syntax: "did:", a method name of lowercase
// letters and digits, ":", and an identifier of the allowed characters,
// possibly in parts separated by colons, none of them empty at the end.
func validDID(s string) bool {
	method, id, ok := strings.Cut(strings.TrimPrefix(s, "did:"), ":")
	if !ok || method == "" || id == "" || strings.HasSuffix(id, ":") {
		return false
	}
	for _, r := range method {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte(".-_:", c) >= 0:
		case c == '%' && i+2 < len(id) && isHex(id[i+1]) && isHex(id[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

package api

// tokenOnlyBody reads the commonest verify request, {"credential": "<a
// compact JWS>"}, without a general JSON decoder, which would scan the
// token twice: once to decode the body and once to unquote the string.
// It answers ok only for exactly that shape (JSON whitespace allowed
// between tokens); for anything else the general decoder reads the body,
// so both always agree (FuzzTokenOnlyBody checks it).
func tokenOnlyBody(body []byte) (token []byte, ok bool) {
	rest, ok := expect(skipSpace(body), `{`)
	if ok {
		rest, ok = expect(skipSpace(rest), `"credential"`)
	}
	if ok {
		rest, ok = expect(skipSpace(rest), `:`)
	}
	if ok {
		rest, ok = expect(skipSpace(rest), `"`)
	}
	if !ok {
		return nil, false
	}
	n := 0
	for n < len(rest) && isTokenByte(rest[n]) {
		n++
	}
	token, rest = rest[:n], rest[n:]
	rest, ok = expect(rest, `"`)
	if ok {
		rest, ok = expect(skipSpace(rest), `}`)
	}
	if !ok || n == 0 || len(skipSpace(rest)) != 0 {
		return nil, false
	}
	return token, true
}

// isTokenByte is a byte of a compact JWS: base64url and the dots.
func isTokenByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

func expect(b []byte, s string) ([]byte, bool) {
	if len(b) < len(s) || string(b[:len(s)]) != s {
		return b, false
	}
	return b[len(s):], true
}

// skipSpace drops JSON's whitespace from the start of b.
func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

package badges

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxQueryLen bounds a member search.
const maxQueryLen = 200

// CheckQuery validates a member search (the query parameter q) and
// returns it folded for matching (see FoldSearch); "" means no search.
func CheckQuery(q string) (string, error) {
	q, err := CheckLine("q", q, false, maxQueryLen)
	if err != nil {
		return "", err
	}
	return FoldSearch(q), nil
}

// FoldSearch is the form member searches compare: lower-case, without
// accents, so that "Zoe" finds "Zoë" and "ZOË".
func FoldSearch(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// SearchKey is what a search for a member compares with: the folded name,
// e-mail address and external id, one a line, so that a search matches
// within one of them.
func (m *Member) SearchKey() string {
	return FoldSearch(m.DisplayName) + "\n" + FoldSearch(m.Email) + "\n" + FoldSearch(m.ExternalID)
}

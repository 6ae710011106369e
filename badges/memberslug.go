package badges

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const maxSlugLen = 64

var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)

// ValidSlug reports whether s can name a public profile page.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// Slugify derives a slug from a display name: accents dropped, lower-case,
// runs of other characters turned into single hyphens. It returns "member"
// when nothing usable is left.
func Slugify(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
		if b.Len() >= maxSlugLen-8 { // leave room for a uniqueness suffix
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "member"
	}
	return s
}

// Slugs tried for a member created without one: the name's slug, then
// with -2 … -5 appended, then with a random suffix.
const (
	numberedSlugs = 5
	// MaxSlugAttempts bounds the slugs tried before giving up.
	MaxSlugAttempts = 10
)

// SlugFor returns the attempt-th slug to try for a member named name,
// counting from 1.
func SlugFor(name string, attempt int) string {
	switch {
	case attempt <= 1:
		return Slugify(name)
	case attempt <= numberedSlugs:
		return Slugify(name) + "-" + strconv.Itoa(attempt)
	}
	return RandomSlug(name)
}

// RandomSlug is the name's slug with a random suffix: 30 bits, so that
// the few tried are all but certain to find one free.
func RandomSlug(name string) string { return Slugify(name) + "-" + NewID()[:6] }

// SlugChoice is the slugs a new member may take, in order of preference,
// and the one being tried. It is the one policy of creating a member and
// of importing one: a slug given is the only one, and a value taken
// rejects the member; without a slug, those SlugFor derives from the
// display name are tried in turn, and only when the last is taken too is
// the member rejected.
type SlugChoice struct {
	name    string // the display name the slugs derive from
	attempt int    // of SlugFor; 0 when the slug was given
	slug    string
}

// NewSlugChoice returns the slugs a member created from in, normalised,
// may take.
func NewSlugChoice(in MemberInput) *SlugChoice {
	if in.Slug != "" {
		return &SlugChoice{slug: in.Slug}
	}
	return &SlugChoice{name: in.DisplayName, attempt: 1, slug: SlugFor(in.DisplayName, 1)}
}

// Slug is the slug being tried.
func (c *SlugChoice) Slug() string { return c.slug }

// Derived reports whether the slug comes from the display name, so that
// another may replace it.
func (c *SlugChoice) Derived() bool { return c.attempt > 0 }

// Retry decides what becomes of the new member when another member holds
// its value u (or, in an import, an earlier row wants it): when u is the
// slug being tried and it was derived, Retry moves on to the next slug and
// reports true; a slug given, any other value, or the last slug derived
// rejects the member, and Retry reports false.
func (c *SlugChoice) Retry(u UniqueValue) bool {
	if u.Field != FieldSlug || u.Value != c.slug || !c.Derived() || c.attempt >= MaxSlugAttempts {
		return false
	}
	c.attempt++
	c.slug = SlugFor(c.name, c.attempt)
	return true
}

package ob3

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/piprate/json-gold/ld"
)

// maxIRIVerdicts bounds the IRI verdicts the fast path remembers.
const maxIRIVerdicts = 4096

// maxURLRunes is json-gold's limit: an http(s) IRI of this many runes or
// more fails its URL test, and its statements are dropped.
const maxURLRunes = 2083

// iriVerdicts remembers which IRIs the general path keeps. The general path
// refuses a document with an IRI that is not absolute, or an http(s) IRI
// that json-gold's URL pattern rejects (it would drop the statements), so
// the fast path answers only when every IRI passes both tests. Safe for
// concurrent use.
type iriVerdicts struct {
	mu sync.RWMutex
	ok map[string]bool
}

func newIRIVerdicts() *iriVerdicts { return &iriVerdicts{ok: make(map[string]bool)} }

// check reports whether the general path keeps iri. Blank-node
// identifiers are not IRIs here: the fast path leaves them to the general one.
func (v *iriVerdicts) check(iri string) bool {
	if strings.HasPrefix(iri, "_:") {
		return false
	}
	web := strings.HasPrefix(iri, "https://") || strings.HasPrefix(iri, "http://")
	if !web {
		return v.remembered(iri, ld.IsAbsoluteIri)
	}
	if authority, rest, ok := splitWebIRI(iri); ok && safePath(rest) && utf8.RuneCountInString(iri) < maxURLRunes {
		// Each credential has IRIs of its own under a few origins: the
		// origin is tested once, the rest by its characters alone.
		return v.remembered(authority+"/", isAbsoluteURL)
	}
	return v.remembered(iri, isAbsoluteURL)
}

// remembered returns test(iri), computed once while there is room.
func (v *iriVerdicts) remembered(iri string, test func(string) bool) bool {
	v.mu.RLock()
	ok, seen := v.ok[iri]
	v.mu.RUnlock()
	if seen {
		return ok
	}
	ok = test(iri)
	v.mu.Lock()
	if len(v.ok) < maxIRIVerdicts {
		v.ok[iri] = ok
	}
	v.mu.Unlock()
	return ok
}

// isAbsoluteURL is the general path's pair of tests for an http(s) IRI.
func isAbsoluteURL(iri string) bool { return ld.IsAbsoluteIri(iri) && ld.IsURL(iri) }

// splitWebIRI splits an http(s) IRI into scheme://authority and the rest,
// which must begin with '/'.
func splitWebIRI(iri string) (authority, rest string, ok bool) {
	start := strings.Index(iri, "://") + len("://")
	end := strings.IndexAny(iri[start:], "/?#")
	if end < 0 || iri[start+end] != '/' {
		return "", "", false
	}
	return iri[:start+end], iri[start+end:], true
}

// safePath reports whether rest holds only characters that change neither
// outcome: for scheme://authority + rest, URL parsing fails only on control
// characters and malformed %-escapes after the authority, and json-gold's
// pattern takes anything but white space after the first '/'. So when
// scheme://authority/ passes both tests, scheme://authority + rest does too.
func safePath(rest string) bool {
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-._~:/?#@!$&'()*+,;=", c) >= 0:
		default:
			return false
		}
	}
	return true
}

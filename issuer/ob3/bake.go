package ob3

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Baking puts a credential inside a badge image (Open Badges 3.0 §5.3):
// this file holds what PNG and SVG share; bakepng.go and bakesvg.go hold
// each format's reading and writing.

// MaxBakedImageSize is the largest PNG or SVG that Unbake reads and that
// BakePNG and BakeSVG produce. HTTP handlers should cap uploads at the same size.
const MaxBakedImageSize = 8 << 20

// Limits for untrusted images. Each one bounds the memory or the time that a
// single upload can use.
const (
	maxPNGChunks  = 10000   // chunks read before IEND
	maxPNGChunk   = 8 << 20 // data bytes in any one chunk
	maxPNGInflate = 2 << 20 // output of a compressed text chunk (zip bombs)
	maxSVGDepth   = 64      // element nesting
	maxSVGTokens  = 1 << 20 // XML tokens of any kind
)

// Keywords and namespaces from the Open Badges baking specifications.
const (
	pngKeywordOB3 = "openbadgecredential"
	pngKeywordOB2 = "openbadges"
	svgNSOB3      = "https://purl.imsglobal.org/ob/v3p0"
	svgNSOB2      = "http://openbadges.org"
)

// Errors returned by Unbake, BakePNG and BakeSVG; test them with errors.Is.
// The wrapped messages are short and quote no more of the input than a
// bounded, escaped element or encoding name, so a verifier can show them
// to whoever uploaded the file.
var (
	ErrNotBaked = errors.New("ob3: the image carries no Open Badges credential")
	ErrImage    = errors.New("ob3: not a valid PNG or SVG image")
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Baked is what an image carries.
type Baked struct {
	Format  string // "png" or "svg"
	Version string // "3.0" (openbadgecredential / ob/v3p0 namespace) or "2.0" (openbadges keyword / openbadges.org namespace)
	Payload string // the JWS or the JSON (or, for 2.0, whatever the assertion field holds: a URL, JSON or a JWS)
}

func imageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrImage}, args...)...)
}

func notBakedError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNotBaked}, args...)...)
}

// Unbake extracts the first credential from a baked PNG or SVG (sniffed by content).
//
// A PNG's chunks are checked up to IEND and the first badge text chunk wins;
// an SVG is read until the first credential or assertion element, in document order.
func Unbake(data []byte) (*Baked, error) {
	if len(data) > MaxBakedImageSize {
		return nil, imageError("the file is larger than 8 MiB")
	}
	if bytes.HasPrefix(data, pngSignature) {
		return unbakePNG(data)
	}
	return unbakeSVG(data)
}

// bakeCredential checks what is about to be baked and reports whether it is
// a compact JWS (otherwise it is a JSON object).
func bakeCredential(credential string) (string, bool, error) {
	cred := strings.TrimSpace(credential)
	switch {
	case cred == "":
		return "", false, errors.New("ob3: the credential to bake is empty")
	case len(cred) > maxPNGChunk-64:
		return "", false, errors.New("ob3: the credential is too large to bake")
	case !utf8.ValidString(cred):
		return "", false, errors.New("ob3: the credential is not valid UTF-8")
	case bakeIsJWS(cred):
		return cred, true, nil
	case cred[0] == '{' && json.Valid([]byte(cred)):
		return cred, false, nil
	}
	return "", false, errors.New("ob3: the credential must be a compact JWS or a JSON object")
}

// bakeIsJWS reports whether s has the shape of a compact JWS: three
// non-empty base64url segments.
func bakeIsJWS(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// xmlChar reports whether r may appear in an XML document (XML 1.0 "Char").
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

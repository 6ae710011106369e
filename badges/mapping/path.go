package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/badges/jsondepth"
)

// A path is dotted keys into the payload ("post.user.email"), where a
// number indexes an array ("commits.0.id"), or "header:" and a header's
// name ("header:X-GitHub-Event").
const (
	headerPrefix  = "header:"
	maxPathLen    = 200
	maxPathDepth  = 16
	maxHeaderName = 100
)

func isHeader(p string) bool { return strings.HasPrefix(p, headerPrefix) }

// checkPath checks one path's form and bounds.
func checkPath(field, p string) error {
	switch {
	case p == "":
		return fieldErrorf(field, "A path cannot be empty.")
	case len(p) > maxPathLen:
		return fieldErrorf(field, "A path may have at most %d characters.", maxPathLen)
	case isHeader(p):
		name := p[len(headerPrefix):]
		if name == "" || len(name) > maxHeaderName || strings.ContainsFunc(name, notTokenRune) {
			return fieldErrorf(field, "%q does not name a header (letters, digits and hyphens).", clip(p))
		}
		return nil
	}
	segs := strings.Split(p, ".")
	if len(segs) > maxPathDepth {
		return fieldErrorf(field, "A path may have at most %d parts; %q has %d.", maxPathDepth, clip(p), len(segs))
	}
	for _, s := range segs {
		if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return fieldErrorf(field, "%q is not a path: parts are non-empty keys joined by dots.", clip(p))
		}
	}
	return nil
}

func notTokenRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
}

// lookup reads a path in a value decoded by ParsePayload, or in the
// headers; ok is false when it is absent.
func lookup(v any, h http.Header, p string) (any, bool) {
	if isHeader(p) {
		vs := h.Values(p[len(headerPrefix):])
		if len(vs) == 0 {
			return nil, false
		}
		return vs[0], true
	}
	for seg := range strings.SplitSeq(p, ".") {
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[seg]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// text is a looked-up scalar as text: a string as it is, a number as
// written, a boolean as true or false; objects, arrays and null are not
// text.
func text(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// Payload errors callers tell apart.
var (
	ErrPayloadTooLarge = fmt.Errorf("the payload is larger than %d KiB", MaxPayloadBytes>>10)
	ErrPayloadTooDeep  = fmt.Errorf("the payload nests arrays and objects deeper than %d levels", MaxPayloadDepth)
	ErrPayloadInvalid  = errors.New("the payload is not one JSON object")
)

// ParsePayload decodes a delivery's body: at most MaxPayloadBytes and
// MaxPayloadDepth deep (checked before decoding), one JSON object. Numbers
// stay as written (json.Number), so ids are compared and joined exactly.
func ParsePayload(body []byte) (map[string]any, error) {
	if len(body) > MaxPayloadBytes {
		return nil, ErrPayloadTooLarge
	}
	if jsondepth.Of(body, MaxPayloadDepth) > MaxPayloadDepth {
		return nil, ErrPayloadTooDeep
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil || v == nil {
		return nil, fmt.Errorf("%w: %v", ErrPayloadInvalid, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the object", ErrPayloadInvalid)
	}
	return v, nil
}

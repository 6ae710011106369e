package verifier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/laurel-badges/laurel/badges/jsondepth"
)

// Accept headers by what is fetched.
const (
	acceptCredential = "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8, application/vc+jwt;q=0.7"
	acceptKey        = "application/ld+json, application/did+json;q=0.9, application/jwk+json;q=0.9, application/jwk-set+json;q=0.9, application/json;q=0.8"
	acceptStatus     = "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8, application/vc+jwt;q=0.7"
)

// errNoNetwork says a document would have to be fetched but the verifier
// has no Fetcher.
var errNoNetwork = errors.New("this verifier does not use the network")

// get returns a document: from Local when this Laurel publishes it,
// otherwise through the Fetcher.
func (v *run) get(ctx context.Context, url string, kind FetchKind, accept string) ([]byte, string, error) {
	if v.local != nil {
		body, mediaType, ok, err := v.local.Document(ctx, url)
		if ok {
			if err != nil {
				return nil, "", fmt.Errorf("%s: %w", url, err)
			}
			if v.answered == nil {
				v.answered = make(map[string]bool)
			}
			v.answered[url] = true
			return body, mediaType, nil
		}
	}
	if v.fetcher == nil {
		return nil, "", errNoNetwork
	}
	if v.fetches >= maxFetches {
		return nil, "", fmt.Errorf("not fetched: this credential needs more than %d fetches", maxFetches)
	}
	v.fetches++
	return v.fetcher.Fetch(ctx, url, kind, accept)
}

// getJSON fetches a document and decodes it as one JSON object.
func (v *run) getJSON(ctx context.Context, url string, kind FetchKind, accept string) (map[string]any, error) {
	body, _, err := v.get(ctx, url, kind, accept)
	if err != nil {
		return nil, err
	}
	return v.decodeShared(url, body)
}

// decodeShared decodes a fetched JSON object, or returns the one decoded
// before from the same content. The object is shared: read it, never
// modify it.
func (v *Verifier) decodeShared(url string, body []byte) (map[string]any, error) {
	if m, ok := v.docs.get(body); ok {
		return m, nil
	}
	m, err := decodeObject(body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	v.docs.put(body, m)
	return m, nil
}

// decodeObject decodes one JSON object, bounded in depth, with nothing after
// it.
func decodeObject(b []byte) (map[string]any, error) {
	if jsondepth.Of(b, MaxJSONDepth) > MaxJSONDepth {
		return nil, fmt.Errorf("JSON nested deeper than %d levels", MaxJSONDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	if dec.More() {
		return nil, errors.New("not valid JSON: data after the value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// str reads a string member.
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// obj reads an object member.
func obj(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

// list reads a member that may hold one value or an array of them.
func list(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}

// objects reads a member that may hold one object or an array of them;
// anything else in it is skipped.
func objects(v any) []map[string]any {
	var out []map[string]any
	for _, e := range list(v) {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// types reads a type member: a string or an array of strings.
func types(m map[string]any) []string {
	var out []string
	for _, e := range list(m["type"]) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func hasType(m map[string]any, want ...string) bool {
	for _, t := range types(m) {
		for _, w := range want {
			if t == w {
				return true
			}
		}
	}
	return false
}

// idOf reads an id that may be a string or an object with an id.
func idOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str(t, "id")
	}
	return ""
}

// text reads a human-readable value: a string, a language map or an array
// of either; the first string found wins.
func text(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		for _, e := range t {
			if s := text(e); s != "" {
				return s
			}
		}
	case map[string]any:
		if s, ok := t["@value"].(string); ok {
			return s
		}
		for _, k := range []string{"en", "en-US", "en-GB"} {
			if s, ok := t[k].(string); ok {
				return s
			}
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the same credential always shows the same text
		for _, k := range keys {
			if s, ok := t[k].(string); ok {
				return s
			}
		}
	}
	return ""
}

// clip shortens text quoted from a credential for a report message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// plainJSON is decoded JSON with every json.Number a float64, as a plain
// json.Unmarshal would have made it (or its text, when it is not one).
// Only the objects and arrays that hold a number are copied; the rest is
// shared with v, which must be left as it is, as everything a verification
// reads is.
func plainJSON(v any) any {
	p, _ := plain(v)
	return p
}

// plain is plainJSON, saying whether anything was changed.
func plain(v any) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		var m map[string]any
		for k, e := range x {
			if p, changed := plain(e); changed {
				if m == nil {
					m = maps.Clone(x)
				}
				m[k] = p
			}
		}
		if m == nil {
			return x, false
		}
		return m, true
	case []any:
		var s []any
		for i, e := range x {
			if p, changed := plain(e); changed {
				if s == nil {
					s = slices.Clone(x)
				}
				s[i] = p
			}
		}
		if s == nil {
			return x, false
		}
		return s, true
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String(), true
		}
		return f, true
	}
	return v, false
}

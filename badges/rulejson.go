package badges

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A small JSON tree that keeps object keys in order and refuses duplicates,
// so that errors can point at the exact path.

type jsonKind int

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

type jsonNode struct {
	kind  jsonKind
	keys  []string    // object
	vals  []*jsonNode // object
	items []*jsonNode // array
	str   string      // string, or a number's text
	b     bool
}

func readJSON(data []byte) (*jsonNode, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, FieldErrorf("rule", "rule is empty; expected a JSON object with a condition")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readJSONValue(dec, "rule", 1)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, FieldErrorf("rule", "rule has more data after its JSON object, at byte %d", dec.InputOffset())
	}
	return n, nil
}

func readJSONValue(dec *json.Decoder, path string, depth int) (*jsonNode, error) {
	if depth > maxJSONNesting {
		return nil, FieldErrorf(path, "rule is nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(dec, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &jsonNode{kind: jsonObject}
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, syntaxError(dec, err)
				}
				key, _ := kt.(string)
				if seen[key] {
					return nil, FieldErrorf(path+pathKey(key), "key %q appears twice", truncateForMessage(key))
				}
				seen[key] = true
				v, err := readJSONValue(dec, path+pathKey(key), depth+1)
				if err != nil {
					return nil, err
				}
				n.keys, n.vals = append(n.keys, key), append(n.vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, syntaxError(dec, err)
			}
			return n, nil
		case '[':
			n := &jsonNode{kind: jsonArray}
			for dec.More() {
				v, err := readJSONValue(dec, fmt.Sprintf("%s[%d]", path, len(n.items)), depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, syntaxError(dec, err)
			}
			return n, nil
		}
	case string:
		return &jsonNode{kind: jsonString, str: t}, nil
	case json.Number:
		return &jsonNode{kind: jsonNumber, str: string(t)}, nil
	case bool:
		return &jsonNode{kind: jsonBool, b: t}, nil
	case nil:
		return &jsonNode{kind: jsonNull}, nil
	}
	return nil, FieldErrorf("rule", "rule is not valid JSON at byte %d", dec.InputOffset())
}

func syntaxError(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return FieldErrorf("rule", "rule is not valid JSON at byte %d: %s", se.Offset, se.Error())
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return FieldErrorf("rule", "rule is not valid JSON: it ends too soon")
	}
	return FieldErrorf("rule", "rule is not valid JSON at byte %d", dec.InputOffset())
}

// pathKey is the path segment for an object key: ".key", or ["key"] when
// the key is not a plain name.
func pathKey(key string) string {
	plain := key != "" && len(key) <= 40
	for i, r := range key {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return "." + key
	}
	return "[" + strconv.Quote(truncateForMessage(key)) + "]"
}

func quoteKeys(keys []string) string {
	q := make([]string, 0, len(keys))
	for i, k := range keys {
		if i == 5 {
			q = append(q, "…")
			break
		}
		q = append(q, strconv.Quote(truncateForMessage(k)))
	}
	return strings.Join(q, ", ")
}

// describe names a value in an error message: its text when it is short
// and simple, else its type.
func (n *jsonNode) describe() string {
	switch n.kind {
	case jsonNull:
		return "null"
	case jsonBool:
		return "a boolean"
	case jsonNumber:
		return truncateForMessage(n.str)
	case jsonString:
		return strconv.Quote(truncateForMessage(n.str))
	case jsonArray:
		return "an array"
	}
	return "an object"
}

func (n *jsonNode) get(key string) *jsonNode {
	if i := slices.Index(n.keys, key); i >= 0 {
		return n.vals[i]
	}
	return nil
}

// object checks that n is an object whose keys are all allowed.
func (n *jsonNode) object(path, name string, allowed []string) error {
	if n.kind != jsonObject {
		return FieldErrorf(path, "%s must be an object with %s, not %s", name, orList(allowed, "and"), n.describe())
	}
	for _, k := range n.keys {
		if !slices.Contains(allowed, k) {
			return FieldErrorf(path+pathKey(k), "unknown key %q in %s; expected %s", truncateForMessage(k), name, orList(allowed, "or"))
		}
	}
	return nil
}

func orList(words []string, conj string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + conj + " " + words[len(words)-1]
}

// number returns the value of a finite JSON number.
func (n *jsonNode) number() (float64, bool) {
	if n.kind != jsonNumber {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.str, 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// whole returns a whole number from lo to hi.
func (n *jsonNode) whole(path, name string, lo, hi int, hint string) (int, error) {
	f, ok := n.number()
	if !ok || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, FieldErrorf(path, "%s must be a whole number from %d to %d%s, not %s", name, lo, hi, hint, n.describe())
	}
	return int(f), nil
}

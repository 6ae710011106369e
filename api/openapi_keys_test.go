package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/assets"
)

// TestOpenAPI_NoDuplicateKeys reads the embedded document token by token:
// a JSON decoder keeps the last of two equal keys in an object, so a
// document merged by hand could lose a schema or a description silently.
func TestOpenAPI_NoDuplicateKeys(t *testing.T) {
	if dups := duplicateKeys(t, assets.OpenAPI); len(dups) > 0 {
		t.Fatalf("keys given twice in one object: %s", strings.Join(dups, ", "))
	}
	for doc, want := range map[string]string{
		`{"a":{"b":1,"c":2,"b":3},"d":[{"e":1},{"e":2}]}`:        "/a/b",
		`{"a":{"x":1},"b":"a","a":3}`:                            "/a",
		`{"p":[{"q":{"r":[1,2]},"s":"q"}],"t":{"u":"u","u":{}}}`: "/t/u",
	} {
		if dups := duplicateKeys(t, []byte(doc)); len(dups) != 1 || dups[0] != want {
			t.Errorf("the check itself on %s: %v, want [%s]", doc, dups, want)
		}
	}
}

// duplicateKeys lists, as paths, the keys that appear twice in an object.
func duplicateKeys(t *testing.T, doc []byte) []string {
	t.Helper()
	type frame struct {
		path      string
		object    bool
		keys      map[string]bool
		key       string // the last key read, in an object
		expectKey bool   // in an object, the next string is a key
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	var stack []*frame
	var dups []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return dups
		}
		if err != nil {
			t.Fatal(err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if s, ok := tok.(string); ok && top != nil && top.object && top.expectKey {
			if top.keys[s] {
				dups = append(dups, top.path+"/"+s)
			}
			top.keys[s], top.key, top.expectKey = true, s, false
			continue
		}
		path := ""
		if top != nil {
			path = top.path
			if top.object {
				path += "/" + top.key
				top.expectKey = true // this token is the key's value
			}
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &frame{path: path, object: d == '{', keys: map[string]bool{}, expectKey: true})
		}
	}
}

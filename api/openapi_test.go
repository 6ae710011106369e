package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/assets"
)

func TestOpenAPI_Servers(t *testing.T) {
	ts := newTestServer(t)
	r := ts.do(t, req{method: http.MethodGet, path: "/api/v1/openapi.json", token: "-"}).want(t, http.StatusOK)
	var served, embedded map[string]json.RawMessage
	r.JSON(t, &served)
	if err := json.Unmarshal(assets.OpenAPI, &embedded); err != nil {
		t.Fatal(err)
	}
	var servers []struct{ URL string }
	if err := json.Unmarshal(served["servers"], &servers); err != nil || len(servers) != 1 || servers[0].URL != baseURL {
		t.Fatalf("servers = %s, want the base URL %s", served["servers"], baseURL)
	}
	if len(served["paths"]) != len(compact(t, embedded["paths"])) {
		t.Fatalf("the served document's paths differ from the embedded one's")
	}
}

func compact(t *testing.T, raw json.RawMessage) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return b
}

// TestOpenAPI_Lint holds the document to what generated clients need: one
// name per path parameter, an operationId and a 4xx answer on every
// operation, and request bodies whose every schema has a shape.
func TestOpenAPI_Lint(t *testing.T) {
	if problems := lintOpenAPI(t, assets.OpenAPI); len(problems) > 0 {
		t.Fatalf("the OpenAPI document has %d problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	t.Run("finds each problem", func(t *testing.T) {
		bad := `{"paths": {
			"/api/v1/keys/{keyId}": {"get": {"operationId": "a", "parameters": [{"name": "keyId", "in": "path", "schema": {"type": "string"}}], "responses": {"200": {}, "404": {}}}},
			"/api/v1/issuers/{issuerId}/keys/{key_id}": {"get": {"operationId": "b", "parameters": [{"name": "issuerId", "in": "path", "schema": {"type": "string"}}], "responses": {"200": {}}}},
			"/api/v1/issuers/{issuerId}/cohorts/{keyId}": {"post": {"parameters": [{"name": "issuerId", "in": "path", "schema": {"type": "string"}}, {"name": "keyId", "in": "path", "schema": {"type": "string", "pattern": "^k"}}],
				"requestBody": {"content": {"application/json": {"schema": {"type": "object", "oneOf": [{"required": ["memberId"]}, {"required": ["email"]}], "properties": {"memberId": {"type": "string"}, "email": {}}}}}}, "responses": {"400": {}}}}
		}}`
		got := strings.Join(lintOpenAPI(t, []byte(bad)), "\n")
		for _, want := range []string{
			"GET /api/v1/issuers/{issuerId}/keys/{key_id}: no 4xx response",
			"GET /api/v1/issuers/{issuerId}/keys/{key_id}: path parameter {key_id} is not declared",
			"GET /api/v1/issuers/{issuerId}/keys/{key_id}: path parameter {key_id} is not lowerCamelCase",
			"path parameter after \"/api/v1/…/keys/\" has two names: keyId, key_id",
			"path parameter {keyId} has two schemas",
			"POST /api/v1/issuers/{issuerId}/cohorts/{keyId}: no operationId",
			"request body application/json: an empty schema at .email",
			"request body application/json: a oneOf without types at (root)",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("the linter missed %q; it said:\n%s", want, got)
			}
		}
	})
}

var camel = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)
var pathParam = regexp.MustCompile(`^\{(.+)\}$`)

type openAPILinter struct {
	doc      map[string]any
	problems []string
	after    map[string][]string // literal segment → names of the parameter after it
	schemas  map[string][]string // parameter name → its schemas, as JSON
}

// lintOpenAPI answers what is wrong with an OpenAPI document, one line a
// problem, in a stable order.
func lintOpenAPI(t *testing.T, raw []byte) []string {
	t.Helper()
	l := &openAPILinter{after: map[string][]string{}, schemas: map[string][]string{}}
	if err := json.Unmarshal(raw, &l.doc); err != nil {
		t.Fatal(err)
	}
	paths, _ := l.doc["paths"].(map[string]any)
	for _, path := range sortedKeys(paths) {
		item, _ := paths[path].(map[string]any)
		shared := l.params(item["parameters"])
		for _, method := range sortedKeys(item) {
			op, ok := item[method].(map[string]any)
			if !ok || method == "parameters" {
				continue
			}
			l.operation(strings.ToUpper(method)+" "+path, path, op, shared)
		}
	}
	for _, seg := range sortedKeys(l.after) {
		if names := uniq(l.after[seg]); len(names) > 1 {
			l.problems = append(l.problems, fmt.Sprintf("path parameter after %q has two names: %s", seg+"/", strings.Join(names, ", ")))
		}
	}
	for _, name := range sortedKeys(l.schemas) {
		if s := uniq(l.schemas[name]); len(s) > 1 {
			l.problems = append(l.problems, fmt.Sprintf("path parameter {%s} has two schemas: %s", name, strings.Join(s, " and ")))
		}
	}
	return l.problems
}

func (l *openAPILinter) operation(where, path string, op map[string]any, shared map[string]map[string]any) {
	if id, _ := op["operationId"].(string); id == "" {
		l.problems = append(l.problems, where+": no operationId")
	}
	responses, _ := op["responses"].(map[string]any)
	if !slices.ContainsFunc(sortedKeys(responses), func(code string) bool { return strings.HasPrefix(code, "4") }) {
		l.problems = append(l.problems, where+": no 4xx response")
	}
	declared := l.params(op["parameters"])
	for name, p := range shared {
		if _, ok := declared[name]; !ok {
			declared[name] = p
		}
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	inPath := map[string]bool{}
	for i, seg := range segs {
		m := pathParam.FindStringSubmatch(seg)
		if m == nil {
			continue
		}
		name := m[1]
		inPath[name] = true
		if !camel.MatchString(name) {
			l.problems = append(l.problems, fmt.Sprintf("%s: path parameter {%s} is not lowerCamelCase", where, name))
		}
		if i > 0 && !pathParam.MatchString(segs[i-1]) {
			key := segs[i-1] // the API's and the public pages' names are kept apart: a page is a slug where the API has an id
			if strings.HasPrefix(path, "/api/") {
				key = "/api/v1/…/" + key
			}
			l.after[key] = append(l.after[key], name)
		}
		p, ok := declared[name]
		if !ok {
			l.problems = append(l.problems, fmt.Sprintf("%s: path parameter {%s} is not declared", where, name))
			continue
		}
		schema, _ := json.Marshal(p["schema"])
		l.schemas[name] = append(l.schemas[name], string(schema))
	}
	for name := range declared {
		if !inPath[name] {
			l.problems = append(l.problems, fmt.Sprintf("%s: parameter {%s} is declared but not in the path", where, name))
		}
	}
	l.requestBody(where, op["requestBody"])
}

// params are the path parameters of a parameter list, by name.
func (l *openAPILinter) params(list any) map[string]map[string]any {
	out := map[string]map[string]any{}
	items, _ := list.([]any)
	for _, it := range items {
		p, _ := l.resolve(it).(map[string]any)
		if p["in"] == "path" {
			name, _ := p["name"].(string)
			out[name] = p
		}
	}
	return out
}

func (l *openAPILinter) requestBody(where string, body any) {
	b, _ := l.resolve(body).(map[string]any)
	content, _ := b["content"].(map[string]any)
	for _, ct := range sortedKeys(content) {
		media, _ := content[ct].(map[string]any)
		l.schema(fmt.Sprintf("%s: request body %s", where, ct), "", media["schema"], map[string]bool{})
	}
}

// schema finds empty schemas and oneOf unions of bare constraints (which
// generators turn into types without fields) anywhere in a schema.
func (l *openAPILinter) schema(where, at string, s any, seen map[string]bool) {
	m, _ := s.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		if seen[ref] {
			return
		}
		seen[ref] = true
		m, _ = l.resolve(m).(map[string]any)
	}
	if len(m) == 0 {
		l.problems = append(l.problems, fmt.Sprintf("%s: an empty schema at %s", where, orRoot(at)))
		return
	}
	if branches, ok := m["oneOf"].([]any); ok {
		for _, br := range branches {
			b, _ := br.(map[string]any)
			if b["type"] == nil && b["$ref"] == nil {
				l.problems = append(l.problems, fmt.Sprintf("%s: a oneOf without types at %s", where, orRoot(at)))
				break
			}
		}
	}
	props, _ := m["properties"].(map[string]any)
	for _, name := range sortedKeys(props) {
		l.schema(where, at+"."+name, props[name], seen)
	}
	if items, ok := m["items"]; ok {
		l.schema(where, at+"[]", items, seen)
	}
	for _, k := range []string{"oneOf", "anyOf", "allOf"} {
		list, _ := m[k].([]any)
		for _, br := range list {
			if b, _ := br.(map[string]any); b["type"] != nil || b["$ref"] != nil {
				l.schema(where, at, br, seen)
			}
		}
	}
}

// resolve follows a local $ref.
func (l *openAPILinter) resolve(v any) any {
	for range 10 {
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		var cur any = l.doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			c, _ := cur.(map[string]any)
			cur = c[part]
		}
		v = cur
	}
	return v
}

func orRoot(at string) string {
	if at == "" {
		return "(root)"
	}
	return at
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func uniq(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}

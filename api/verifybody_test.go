package api

import (
	"encoding/json"
	"testing"
)

func TestTokenOnlyBody(t *testing.T) {
	for body, want := range map[string]string{
		`{"credential":"a.b.c"}`:                     "a.b.c",
		" {\n\t\"credential\" : \"eyJ-_.x.y\"\r\n} ": "eyJ-_.x.y",
	} {
		got, ok := tokenOnlyBody([]byte(body))
		if !ok || string(got) != want {
			t.Errorf("tokenOnlyBody(%q) = %q, %v; want %q", body, got, ok, want)
		}
	}
	for _, body := range []string{
		``, `{}`, `{"credential":""}`, `{"credential":"a\u002eb"}`, `{"credential":"a.b.c","url":"x"}`,
		`{"Credential":"a.b.c"}`, `{"credential":"a.b.c"}}`, `{"credential":"a.b.c"} x`, `{"credential":{"a":1}}`,
		`{"credential":"a b"}`, `{"credential":"a.b.c"`, `["credential","a.b.c"]`,
	} {
		if got, ok := tokenOnlyBody([]byte(body)); ok {
			t.Errorf("tokenOnlyBody(%q) = %q, true; want the general path", body, got)
		}
	}
}

// FuzzTokenOnlyBody checks that whenever the shortcut reads a body, the
// general decoder reads the same token from it and nothing else.
func FuzzTokenOnlyBody(f *testing.F) {
	for _, s := range []string{`{"credential":"a.b.c"}`, ` { "credential" : "x" } `, `{"credential":"a.b.c","email":"a@b"}`, `{"credential":"\u0061"}`, `{"credential":"a"}{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		token, ok := tokenOnlyBody(body)
		if !ok {
			return
		}
		var req verifyRequest
		if err := decodeBody(body, &req); err != nil {
			t.Fatalf("shortcut read %q from %q, the general decoder refuses it: %v", token, body, err)
		}
		var text string
		if err := json.Unmarshal(req.Credential, &text); err != nil || text != string(token) || req.URL != "" || req.Email != "" {
			t.Fatalf("shortcut read %q from %q, the general decoder %q (url %q, email %q)", token, body, text, req.URL, req.Email)
		}
	})
}

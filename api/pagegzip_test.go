package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestCredentialPage_KeptGzip: a browser taking gzip gets the credential
// page compressed, the same page as without gzip, and the same bytes from
// one request to the next; a revocation changes the page and so its
// gzip; the signed documents on the same route are still compressed.
func TestCredentialPage_KeptGzip(t *testing.T) {
	c := newCommunity(t)
	path := "/credentials/" + c.adaCred
	get := func(enc string) *resp {
		h := accept("text/html")
		if enc != "" {
			h.Set("Accept-Encoding", enc)
		}
		return c.ts.do(t, req{method: "GET", path: path, token: "-", header: h}).want(t, http.StatusOK)
	}
	plain := get("")
	if plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("compressed for a client that takes no gzip: %v", plain.Header())
	}
	first, again := get("gzip, deflate, br"), get("gzip")
	if first.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(first.Header().Values("Vary"), ","), "Accept-Encoding") {
		t.Fatalf("headers %v, want gzip varying by Accept-Encoding", first.Header())
	}
	if !bytes.Equal(first.body, again.body) {
		t.Error("the page's gzip was made again: the bytes differ")
	}
	if got := gunzip(t, first.body); !bytes.Equal(got, plain.body) {
		t.Errorf("the gzipped page differs from the page:\n%.300s\n---\n%.300s", got, plain.body)
	}

	c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.adaCred + "/revoke", body: map[string]any{"reason": "Awarded by mistake."}}).want(t, http.StatusOK)
	if revoked := gunzip(t, get("gzip").body); bytes.Equal(revoked, plain.body) || !strings.Contains(string(revoked), "Revoked on") {
		t.Error("after the revocation the page's gzip is still the valid page's")
	}

	for name, q := range map[string]req{
		"json by Accept": {method: "GET", path: path, token: "-", header: http.Header{"Accept": {"application/vc+ld+json"}, "Accept-Encoding": {"gzip"}}},
		".json":          {method: "GET", path: path + ".json", token: "-", header: http.Header{"Accept-Encoding": {"gzip"}}},
	} {
		r := c.ts.do(t, q).want(t, http.StatusOK)
		if r.Header().Get("Content-Encoding") != "gzip" || !bytes.Contains(gunzip(t, r.body), []byte(c.adaCred)) {
			t.Errorf("%s: not the credential, gzipped: %v", name, r.Header())
		}
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

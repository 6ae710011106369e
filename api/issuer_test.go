package api_test

import (
	"bytes"
	"image"
	"image/png"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
)

func TestIssuer_CRUD(t *testing.T) {
	ts := newTestServer(t)
	var created map[string]any
	r := ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{
		"name": "  Gophers of Lyon ", "url": "https://gophers.example.org", "email": "Hello@Gophers.example.org", "description": "A Go community."}}).want(t, 201)
	r.JSON(t, &created)
	id := created["id"].(string)
	if r.Header().Get("Location") != "/api/v1/issuers/"+id || created["name"] != "Gophers of Lyon" ||
		created["email"] != "hello@gophers.example.org" || created["publicUrl"] != baseURL+"/issuers/"+id {
		t.Fatalf("created %v (Location %q)", created, r.Header().Get("Location"))
	}

	t.Run("OK/get", func(t *testing.T) {
		var got map[string]any
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + id}).want(t, 200).JSON(t, &got)
		if got["name"] != "Gophers of Lyon" {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("OK/update clears a field", func(t *testing.T) {
		var got map[string]any
		ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + id, body: map[string]any{"description": "", "name": "Lyon Gophers"}}).want(t, 200).JSON(t, &got)
		if got["name"] != "Lyon Gophers" || got["description"] != nil || got["url"] != "https://gophers.example.org" {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("404", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/aaaaaaaaaaaaaaaaaaaa"}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/not-an-id"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	})
	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"400/missing name", map[string]any{"url": "https://x.example"}, "name"},
		{"400/bad url", map[string]any{"name": "X", "url": "javascript:alert(1)"}, "url"},
		{"400/bad email", map[string]any{"name": "X", "email": "nope"}, "email"},
		{"400/unknown field", map[string]any{"name": "X", "colour": "red"}, "colour"},
		{"400/wrong type", map[string]any{"name": 42}, "name"},
		{"400/control character in name", map[string]any{"name": "Gophers\x1b[2J"}, "name"},
		{"400/control character in description", map[string]any{"name": "X", "description": "Meets\x00 monthly."}, "description"},
		{"400/name over lines", map[string]any{"name": "Gophers\nof Lyon"}, "name"},
		{"400/malformed json", `{"name": "X",`, ""},
		{"400/not an object", `["X"]`, ""},
		{"400/trailing data", `{"name":"X"} {}`, ""},
		{"400/empty body", ``, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: tc.body, contentType: "application/json"}).
				wantProblem(t, 400, badges.EINVALID, tc.field)
		})
	}
	t.Run("415", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: `name=X`, contentType: "application/x-www-form-urlencoded"}).
			wantProblem(t, 415, "unsupported_media_type", "")
	})
	t.Run("413", func(t *testing.T) {
		big := `{"name":"X","description":"` + strings.Repeat("a", 1<<20) + `"}`
		ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: big, contentType: "application/json"}).
			wantProblem(t, 413, badges.ETOOLARGE, "")
	})
}

func TestIssuer_ListPages(t *testing.T) {
	ts := newTestServer(t)
	want := map[string]bool{}
	for range 5 {
		want[mustIssuer(t, ts)] = true
	}
	seen := map[string]bool{}
	path := "/api/v1/issuers?limit=2"
	for pages := 1; ; pages++ {
		var l struct {
			Items      []struct{ ID string }
			Total      int
			NextCursor string
		}
		ts.do(t, req{method: "GET", path: path}).want(t, 200).JSON(t, &l)
		if l.Total != 5 || len(l.Items) > 2 {
			t.Fatalf("page %d: %+v", pages, l)
		}
		for _, it := range l.Items {
			if seen[it.ID] {
				t.Fatalf("issuer %s listed twice", it.ID)
			}
			seen[it.ID] = true
		}
		if l.NextCursor == "" {
			if pages != 3 {
				t.Fatalf("%d pages, want 3", pages)
			}
			break
		}
		path = "/api/v1/issuers?limit=2&cursor=" + l.NextCursor
	}
	if len(seen) != len(want) {
		t.Fatalf("listed %d issuers, want %d", len(seen), len(want))
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers?limit=500"}).wantProblem(t, 400, badges.EINVALID, "limit")
	ts.do(t, req{method: "GET", path: "/api/v1/issuers?limit=x"}).wantProblem(t, 400, badges.EINVALID, "limit")
	ts.do(t, req{method: "GET", path: "/api/v1/issuers?cursor=%25%25"}).wantProblem(t, 400, badges.EINVALID, "cursor")
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.UintN(256)) // noise: does not compress
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestIssuer_Image(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.ImageLimit = 64 << 10 })
	id := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + id + "/image"
	pngData := testPNG(t, 64, 64)

	var got struct {
		Image struct{ URL, Format, SHA256 string }
	}
	ts.do(t, req{method: "PUT", path: path, body: pngData, contentType: "image/png"}).want(t, 200).JSON(t, &got)
	if got.Image.Format != "image/png" || !strings.HasPrefix(got.Image.URL, baseURL+"/images/") {
		t.Fatalf("image = %+v", got.Image)
	}
	img := ts.do(t, req{method: "GET", path: strings.TrimPrefix(got.Image.URL, baseURL), token: "-"}).want(t, 200)
	if !bytes.Equal(img.body, pngData) || img.Header().Get("Content-Type") != "image/png" ||
		!strings.Contains(img.Header().Get("Cache-Control"), "immutable") {
		t.Fatalf("served image: %d bytes, headers %v", len(img.body), img.Header())
	}

	for _, tc := range []struct {
		name, ct string
		body     []byte
		status   int
		code     string
	}{
		{"400/png that is not", "image/png", []byte("GIF89a not really"), 400, badges.EINVALID},
		{"400/svg that is a png", "image/svg+xml", pngData, 400, badges.EINVALID},
		{"400/svg with script", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 400, badges.EINVALID},
		{"400/svg with external reference", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/x.png"/></svg>`), 400, badges.EINVALID},
		{"413/too large", "image/png", testPNG(t, 1000, 1000), 413, badges.ETOOLARGE},
		{"415/gif", "image/gif", []byte("GIF89a"), 415, "unsupported_media_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts.do(t, req{method: "PUT", path: path, body: tc.body, contentType: tc.ct}).wantProblem(t, tc.status, tc.code, fieldFor(tc.code))
		})
	}
	t.Run("404/image", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/images/" + strings.Repeat("0", 64) + ".png", token: "-"}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "GET", path: "/images/../../etc/passwd", token: "-"}).want(t, http.StatusNotFound)
	})
}

// fieldFor is the field image validation errors name.
func fieldFor(code string) string {
	if code == badges.EINVALID {
		return "image"
	}
	return ""
}

package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// issuerOf reads a community as the API shows it.
func issuerOf(t *testing.T, ts *testServer, id string) map[string]any {
	t.Helper()
	var p map[string]any
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + id}).want(t, http.StatusOK).JSON(t, &p)
	return p
}

// settingsForm is a full settings form with one field changed.
func settingsForm(field, value string) url.Values {
	f := url.Values{"name": {"Gophers of Lyon"}, "description": {""}, "url": {"https://gophers.example.org"},
		"email": {""}, "jwtAlg": {"RS256"}, "accentColor": {""}}
	f.Set(field, value)
	return f
}

// TestConsoleSettings_Profile: the profile form changes what the API
// then returns, the accent colour included, with the text colour for it
// shown; strings are escaped.
func TestConsoleSettings_Profile(t *testing.T) {
	ts := newTestServer(t)
	community := mustIssuer(t, ts)
	owner := ts.consoleAs(t, badges.RoleOwner, community)
	settings := "/admin/c/" + community + "/settings"
	owner.get(t, settings).wantPage(t, http.StatusOK, "Gophers of Lyon", baseURL+"/issuers/"+community,
		"No accent colour: Laurel’s green, #25613f, with white text (7.3:1 contrast).")

	f := settingsForm("accentColor", "#1E88E5")
	f.Set("description", "<script>alert(1)</script>")
	f.Set("email", "hello@gophers.example.org")
	owner.post(t, settings, f).wantRedirect(t, settings)
	page := owner.get(t, settings)
	page.wantPage(t, http.StatusOK, "are saved", "#1e88e5, with black text (5.7:1 contrast)", "<script>alert(1)</script>")
	if strings.Contains(page.Body, "<script>alert(1)</script>") {
		t.Fatal("the description is not escaped")
	}
	if !strings.Contains(page.Body, `fill="#1e88e5"`) || !strings.Contains(page.Body, `fill="#000000"`) {
		t.Fatalf("the swatch does not show the colours: %s", page.Body)
	}
	p := issuerOf(t, ts, community)
	if p["accentColor"] != "#1e88e5" || p["email"] != "hello@gophers.example.org" || p["description"] != "<script>alert(1)</script>" {
		t.Fatalf("the API shows %v", p)
	}

	owner.post(t, settings, settingsForm("accentColor", "")).wantRedirect(t, settings)
	if p := issuerOf(t, ts, community); p["accentColor"] != nil {
		t.Fatalf("the accent colour was not cleared: %v", p["accentColor"])
	}
}

// TestConsoleSettings_BadInput: a value the API would refuse comes back
// on its field with what was typed; nothing changes.
func TestConsoleSettings_BadInput(t *testing.T) {
	ts := newTestServer(t)
	community := mustIssuer(t, ts)
	owner := ts.consoleAs(t, badges.RoleOwner, community)
	settings := "/admin/c/" + community + "/settings"
	for field, value := range map[string]string{"accentColor": "#12345", "url": "ftp://gophers.example.org", "name": "", "jwtAlg": "HS256"} {
		t.Run(field, func(t *testing.T) {
			f := settingsForm(field, value)
			f.Set("description", "Kept as typed")
			w := owner.post(t, settings, f)
			w.wantPage(t, http.StatusBadRequest, "There is a problem", "Kept as typed")
			if !strings.Contains(w.Body, `id="f-`+field+`-error"`) {
				t.Fatalf("the error is not beside %s: %s", field, w.Body)
			}
		})
	}
	if p := issuerOf(t, ts, community); p["description"] != nil || p["accentColor"] != nil {
		t.Fatalf("a refused form changed the community: %v", p)
	}
}

// TestConsoleSettings_Logo: a PNG or SVG logo is set and shown as the
// public pages show it; other files are refused on the field.
func TestConsoleSettings_Logo(t *testing.T) {
	ts := newTestServer(t)
	community := mustIssuer(t, ts)
	owner := ts.consoleAs(t, badges.RoleOwner, community)
	settings := "/admin/c/" + community + "/settings"
	owner.postFile(t, settings+"/logo", url.Values{}, "image", "logo.png", testPNG(t, 64, 64)).wantRedirect(t, settings)
	p := issuerOf(t, ts, community)
	img, _ := p["image"].(map[string]any)
	if img == nil || img["format"] != "image/png" {
		t.Fatalf("the API shows image %v", p["image"])
	}
	imgURL, _ := img["url"].(string)
	if page := owner.get(t, settings); !strings.Contains(page.Body, `src="`+strings.TrimPrefix(imgURL, baseURL)+`"`) {
		t.Fatalf("the settings page does not show the logo %s: %s", imgURL, page.Body)
	}

	owner.postFile(t, settings+"/logo", url.Values{}, "image", "logo.svg", badges.DefaultBadgeSVG("Gophers")).wantRedirect(t, settings)
	w := owner.postFile(t, settings+"/logo", url.Values{}, "image", "notes.txt", []byte("not an image"))
	w.wantPage(t, http.StatusBadRequest, "neither a PNG nor an SVG")
	if !strings.Contains(w.Body, `id="f-image-error"`) {
		t.Fatalf("the error is not beside the file field: %s", w.Body)
	}
	evil := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	owner.postFile(t, settings+"/logo", url.Values{}, "image", "evil.svg", evil).wantPage(t, http.StatusBadRequest)
	if p := issuerOf(t, ts, community); p["image"].(map[string]any)["format"] != "image/svg+xml" {
		t.Fatalf("a refused file replaced the logo: %v", p["image"])
	}
}

// TestConsoleSettings_Rotate: rotating asks first, then makes new keys
// as the API's rotation does.
func TestConsoleSettings_Rotate(t *testing.T) {
	ts := newTestServer(t)
	community := mustIssuer(t, ts)
	var before struct{ Items []struct{ Generation int } }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + community + "/keys/rotate"}).want(t, http.StatusOK).JSON(t, &before)
	owner := ts.consoleAs(t, badges.RoleOwner, community)
	settings := "/admin/c/" + community + "/settings"
	owner.get(t, settings).wantPage(t, http.StatusOK, "Signs new credentials", "Rotate signing keys")
	owner.get(t, settings+"/rotate").wantPage(t, http.StatusOK, "every credential issued so far still verifies")
	owner.post(t, settings+"/rotate", nil).wantRedirect(t, settings)
	var after struct{ Items []struct{ Generation int } }
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + community + "/keys"}).want(t, http.StatusOK).JSON(t, &after)
	if len(after.Items) <= len(before.Items) {
		t.Fatalf("keys before %d, after %d: no new key", len(before.Items), len(after.Items))
	}
	owner.get(t, settings).wantPage(t, http.StatusOK, "are rotated", "Verifies earlier ones")
	ts.consoleAs(t, badges.RoleAdmin, community).post(t, settings+"/rotate", nil).wantPage(t, http.StatusForbidden)
}

// TestIssuer_AccentColor: the API sets, normalises and clears a
// community's accent colour and refuses one that is not #rrggbb.
func TestIssuer_AccentColor(t *testing.T) {
	ts := newTestServer(t)
	var p struct{ ID, AccentColor string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": "Blue", "accentColor": "#0000FF"}}).want(t, http.StatusCreated).JSON(t, &p)
	if p.AccentColor != "#0000ff" {
		t.Fatalf("accentColor %q", p.AccentColor)
	}
	ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + p.ID, body: map[string]any{"accentColor": "#ffff00"}}).want(t, http.StatusOK).JSON(t, &p)
	if p.AccentColor != "#ffff00" {
		t.Fatalf("accentColor %q", p.AccentColor)
	}
	ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + p.ID, body: map[string]any{"accentColor": "blue"}}).wantProblem(t, http.StatusBadRequest, badges.EINVALID, "accentColor")
	ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + p.ID, body: map[string]any{"accentColor": ""}}).want(t, http.StatusOK)
	if got := issuerOf(t, ts, p.ID); got["accentColor"] != nil {
		t.Fatalf("accentColor not cleared: %v", got["accentColor"])
	}
}

// TestConsoleSettings_DIDWeb: the did:web tick box explains the choice and
// names the DID it would give; ticked, the API shows the DID and the page
// links its document; unticked again, the DID is kept.
func TestConsoleSettings_DIDWeb(t *testing.T) {
	ts := newTestServer(t)
	community := mustIssuer(t, ts)
	owner := ts.consoleAs(t, badges.RoleOwner, community)
	settings := "/admin/c/" + community + "/settings"
	did := "did:web:badges.example.org:issuers:" + community
	page := owner.get(t, settings)
	page.wantPage(t, http.StatusOK, "Use a did:web identifier", "Lets wallets’ trust registries list you", "Credentials already issued keep their identifier", did)
	if strings.Contains(page.Body, `value="did:web" aria-describedby="f-identifier-hint" checked`) || strings.Contains(page.Body, "/did.json") {
		t.Fatal("an https community's page shows did:web chosen")
	}

	f := settingsForm("identifier", "did:web")
	owner.post(t, settings, f).wantRedirect(t, settings)
	if p := issuerOf(t, ts, community); p["identifier"] != "did:web" || p["did"] != did {
		t.Fatalf("after ticking, the API shows %v %v", p["identifier"], p["did"])
	}
	page = owner.get(t, settings)
	for _, want := range []string{`value="did:web" aria-describedby="f-identifier-hint" checked`, `href="` + baseURL + "/issuers/" + community + `/did.json"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("after ticking, the page lacks %s", want)
		}
	}

	f.Del("identifier")
	owner.post(t, settings, f).wantRedirect(t, settings)
	if p := issuerOf(t, ts, community); p["identifier"] != "https" || p["did"] != did {
		t.Fatalf("after unticking, the API shows %v %v", p["identifier"], p["did"])
	}
}

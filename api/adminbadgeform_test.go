package api_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// formOfBadge is a complete badge form with the given name.
func formOfBadge(name string) url.Values {
	return url.Values{"name": {name}, "description": {"Hosted a session for the community."},
		"criteria": {"Host **four** sessions."}, "achievementType": {"Badge"}, "level": {"contribution"},
		"tags": {"events, hosting"}, "validityDays": {"365"}, "repeatable": {"yes"}, "status": {"draft"},
		"alignmentName": {"Facilitation", ""}, "alignmentUrl": {"https://skills.example.org/facilitation", ""},
		"alignmentFramework": {"Skills", ""}, "alignmentCode": {"F1", ""}}
}

type achievementBody struct {
	ID, Name, Criteria, Level, Status string
	Tags                              []string
	ValidityDays, Version             int
	Repeatable                        bool
	Outcomes                          []string
	Alignments                        []struct{ TargetName, TargetURL, TargetFramework, TargetCode string }
	Image                             struct{ URL string }
}

func getAchievement(t *testing.T, ts *testServer, id string) achievementBody {
	t.Helper()
	var a achievementBody
	ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + id}).want(t, 200).JSON(t, &a)
	return a
}

// TestConsoleBadges_Create: the form creates the badge the API then
// returns, every field included; bad input comes back on its field with
// the values kept; HTML typed is escaped.
func TestConsoleBadges_Create(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	var outcome struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/outcomes", body: map[string]any{"name": "Confident hosts"}}).want(t, 201).JSON(t, &outcome)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	admin.get(t, "/admin/c/"+iss+"/badges/new").wantPage(t, http.StatusOK, "New badge", "Confident hosts", "Its public page")

	form := formOfBadge("Community Host")
	form.Set("outcomes", outcome.ID)
	loc := admin.post(t, "/admin/c/"+iss+"/badges/new", form).wantRedirect(t, "/admin/c/"+iss+"/badges/")
	a := getAchievement(t, ts, loc[strings.LastIndex(loc, "/")+1:])
	if a.Name != "Community Host" || a.Criteria != "Host **four** sessions." || a.Level != "contribution" || a.Status != "draft" ||
		strings.Join(a.Tags, "|") != "events|hosting" || a.ValidityDays != 365 || !a.Repeatable || len(a.Outcomes) != 1 || a.Outcomes[0] != outcome.ID ||
		len(a.Alignments) != 1 || a.Alignments[0].TargetCode != "F1" || a.Alignments[0].TargetURL != "https://skills.example.org/facilitation" {
		t.Fatalf("created %+v", a)
	}
	admin.get(t, loc).wantPage(t, http.StatusOK, "Community Host is saved as draft.", "Confident hosts", "Facilitation")

	for name, c := range map[string]struct {
		field, value, message string
	}{
		"no name":       {"name", "", "name"},
		"bad level":     {"level", "Top Level!", "level"},
		"bad validity":  {"validityDays", "a year", "Validity must be a whole number of days"},
		"bad alignment": {"alignmentUrl", "not a web address", "must be an http or https URL"},
	} {
		t.Run(name, func(t *testing.T) {
			f := formOfBadge("Kept " + injected)
			f.Set("description", "Described "+injected)
			f.Set(c.field, c.value)
			w := admin.post(t, "/admin/c/"+iss+"/badges/new", f)
			w.wantPage(t, http.StatusBadRequest, "There is a problem", c.message, "Described "+injected)
			field := c.field
			if strings.HasPrefix(field, "alignment") {
				field = "alignments"
			}
			if !strings.Contains(w.Body, `href="#f-`+field+`"`) {
				t.Errorf("the summary does not link to #f-%s: %s", field, w.Body)
			}
			if c.field != "name" && !strings.Contains(w.Body, `value="Kept &lt;script&gt;alert(1)&lt;/script&gt;"`) {
				t.Errorf("the name typed is not kept, escaped: %s", w.Body)
			}
			if strings.Contains(w.Body, injected) {
				t.Errorf("typed HTML is not escaped")
			}
		})
	}
	var list struct{ Items []struct{ Name string } }
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/achievements"}).want(t, 200).JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("a refused form created a badge: %+v", list.Items)
	}
}

// TestConsoleBadges_Edit: editing an active badge makes a new version, as
// the API's update does; the form shows the badge's values.
func TestConsoleBadges_Edit(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "tags": []string{"first"}})["id"].(string)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	path := "/admin/c/" + iss + "/badges/" + ach + "/edit"
	if w := admin.get(t, path); w.Code != http.StatusOK || !strings.Contains(w.Body, `name="tags" type="text" value="first"`) || !strings.Contains(w.Body, "Save changes") {
		t.Fatalf("the edit form: %d %s", w.Code, w.Body)
	}
	admin.post(t, path, formOfBadge("Session Lead")).wantRedirect(t, "/admin/c/"+iss+"/badges/"+ach)
	a := getAchievement(t, ts, ach)
	if a.Name != "Session Lead" || a.Version != 2 || a.Status != "active" || strings.Join(a.Tags, "|") != "events|hosting" {
		t.Fatalf("edited %+v; want version 2, still active", a)
	}
	admin.get(t, "/admin/c/"+iss+"/badges/"+ach).wantPage(t, http.StatusOK, "saved as version 2", "Versions")
	if w := admin.post(t, path, formOfBadge("")); w.Code != http.StatusBadRequest || !strings.Contains(w.Body, `name="name" type="text" value=""`) {
		t.Fatalf("an empty name: %d %s", w.Code, w.Body)
	}
	if a := getAchievement(t, ts, ach); a.Name != "Session Lead" {
		t.Fatalf("a refused edit changed the name to %q", a.Name)
	}
	ts.consoleAs(t, badges.RoleAwarder, iss).post(t, path, formOfBadge("Awarder's")).wantPage(t, http.StatusForbidden)
}

var criteriaDiv = regexp.MustCompile(`(?s)<div class="criteria">(.*?)</div>`)

// TestConsoleBadges_Preview: the criteria preview and the public page's
// preview are rendered as the public page renders them, scripts dropped;
// the page preview may be framed by the console only.
func TestConsoleBadges_Preview(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	criteria := "Host **four** sessions.\n\n- plan\n- run\n\n<script>alert(1)</script> [x](javascript:alert(1))"
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "criteria": criteria})["id"].(string)
	public := ts.do(t, req{method: "GET", path: "/achievements/" + ach, header: http.Header{"Accept": {"text/html"}}}).want(t, 200)
	want := criteriaDiv.FindStringSubmatch(string(public.body))
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)

	md := admin.post(t, "/admin/c/"+iss+"/badges/markdown", url.Values{"criteria": {criteria}})
	if md.Code != http.StatusOK || strings.TrimSpace(md.Body) != strings.TrimSpace(want[1]) || strings.Contains(md.Body, "<script") {
		t.Fatalf("criteria preview %d %q; want the public page's %q", md.Code, md.Body, want[1])
	}
	saved := admin.get(t, "/admin/c/"+iss+"/badges/preview?badge="+ach)
	if got := criteriaDiv.FindStringSubmatch(saved.Body); saved.Code != http.StatusOK || got == nil || got[1] != want[1] {
		t.Fatalf("page preview of the saved badge: %d %s", saved.Code, saved.Body)
	}
	f := formOfBadge("Previewed " + injected)
	f.Set("badge", ach)
	f.Set("criteria", "Run **five** sessions.")
	w := admin.post(t, "/admin/c/"+iss+"/badges/preview", f)
	w.wantPage(t, http.StatusOK, "Previewed "+injected, "version 2", "Facilitation", "events")
	if !strings.Contains(w.Body, "<strong>five</strong>") || strings.Contains(w.Body, injected) {
		t.Fatalf("preview: %s", w.Body)
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self'") || strings.Contains(csp, "'none'; base") && strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("the preview's policy %q; want it framed by this site only", csp)
	}
	if w.Header().Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Fatalf("X-Frame-Options %q", w.Header().Get("X-Frame-Options"))
	}
	if csp := admin.get(t, "/admin/c/"+iss+"/badges").Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("another console page may be framed: %q", csp)
	}
	if a := getAchievement(t, ts, ach); a.Name != "Session Host" || a.Version != 1 {
		t.Fatalf("a preview saved the badge: %+v", a)
	}
	nojs := admin.post(t, "/admin/c/"+iss+"/badges/new", url.Values{"name": {"Draft"}, "criteria": {"Be **kind**."}, "action": {"preview"}})
	nojs.wantPage(t, http.StatusOK, "Draft")
	if !strings.Contains(nojs.Body, "<strong>kind</strong>") {
		t.Fatalf("the preview without JavaScript: %s", nojs.Body)
	}
	art := admin.get(t, "/admin/c/"+iss+"/badges/art.svg?name=Draft")
	if art.Code != http.StatusOK || !strings.HasPrefix(art.Body, "<svg") || !strings.Contains(art.Header().Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("generated art: %d %s", art.Code, art.Header())
	}
}

// TestConsoleBadges_Image: an uploaded PNG becomes the badge's art and is
// shown as the PNG, an uploaded SVG is shown drawn as one; a file that is
// not an image, or an SVG too costly to draw, is refused on its field;
// the generated art comes back on request.
func TestConsoleBadges_Image(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, nil)["id"].(string)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	path := "/admin/c/" + iss + "/badges/" + ach
	admin.get(t, path+"/image").wantPage(t, http.StatusOK, "generated by Laurel", path+"/art.png")
	generated := admin.get(t, path+"/art.png")
	if _, err := png.Decode(strings.NewReader(generated.Body)); generated.Code != http.StatusOK || err != nil {
		t.Fatalf("the generated art as PNG: %d %v", generated.Code, err)
	}

	admin.postFile(t, path+"/image", url.Values{}, "image", "art.txt", []byte("not a picture")).
		wantPage(t, http.StatusBadRequest, "There is a problem", "neither a PNG nor an SVG")
	admin.postFile(t, path+"/image", url.Values{}, "image", "evil.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)).
		wantPage(t, http.StatusBadRequest, "event handler")

	var buf bytes.Buffer
	pic := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	pic.Set(1, 1, color.NRGBA{R: 200, A: 255})
	if err := png.Encode(&buf, pic); err != nil {
		t.Fatal(err)
	}
	admin.postFile(t, path+"/image", url.Values{}, "image", "art.png", buf.Bytes()).wantRedirect(t, path+"/image")
	if a := getAchievement(t, ts, ach); !strings.HasSuffix(a.Image.URL, ".png") {
		t.Fatalf("after the upload the image is %q", a.Image.URL)
	}
	if got := admin.get(t, path+"/art.png"); got.Body != buf.String() {
		t.Fatal("the PNG shown is not the one uploaded")
	}
	costly := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">` + strings.Repeat(`<rect width="9" height="9"/>`, 30) + `</svg>`
	admin.postFile(t, path+"/image", url.Values{}, "image", "costly.svg", []byte(costly)).
		wantPage(t, http.StatusBadRequest, "too complex to draw as a PNG")
	disc := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><circle cx="4.5" cy="4.5" r="4" fill="#c80000"/></svg>`
	admin.postFile(t, path+"/image", url.Values{}, "image", "disc.svg", []byte(disc)).wantRedirect(t, path+"/image")
	admin.get(t, path+"/image").wantPage(t, http.StatusOK, path+"/art.png")
	drawn, err := png.Decode(strings.NewReader(admin.get(t, path+"/art.png").Body))
	if err != nil {
		t.Fatalf("the uploaded SVG as PNG: %v", err)
	}
	if got := color.NRGBAModel.Convert(drawn.At(256, 256)); got != (color.NRGBA{R: 200, A: 255}) {
		t.Errorf("the uploaded SVG's PNG has %v in the middle, want its red", got)
	}
	admin.post(t, path+"/image/reset", nil).wantRedirect(t, path+"/image")
	if a := getAchievement(t, ts, ach); !strings.HasSuffix(a.Image.URL, ".svg") {
		t.Fatalf("after the reset the image is %q", a.Image.URL)
	}
	ts.consoleAs(t, badges.RoleViewer, iss).postFile(t, path+"/image", url.Values{}, "image", "art.png", buf.Bytes()).wantPage(t, http.StatusForbidden)
}

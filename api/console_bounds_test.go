package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// garbage are values no form or page expects: too long, NUL and other
// control bytes, invalid UTF-8, markup, numbers past any bound.
var garbage = []string{strings.Repeat("x", 70000), strings.Repeat("é", 1500), "a\x00b", "\xff\xfe", "<script>alert(1)</script>", "-1", "99999999999999999999", "1e309", "../../etc", " ", "%00"}

// garbageFields are the names of every field the console's forms and
// pages read.
var garbageFields = []string{"name", "description", "criteria", "reason", "step", "archived", "role", "status", "displayName", "email",
	"externalId", "slug", "m-name", "m-kind", "m-period", "m-target", "m-cohort", "m-behaviours", "m-achievements", "note", "q", "member",
	"memberId", "achievementId", "behaviour", "at", "quantity", "evidenceUrl", "evidenceName", "narrative", "key", "emails", "op",
	"c.type", "c.min", "period", "json", "url", "jwtAlg", "accentColor", "level", "tags", "validityDays", "achievementType", "badge",
	"password", "confirm", "currentPassword", "publishReason", "action", "scopes", "publicProfile", "repeatable", "next"}

// TestConsole_GarbageInput sends every console route, as an owner of the
// community with real ids in the path, each field and query parameter
// holding garbage: the answer is a page or a clear 4xx, never a 5xx.
func TestConsole_GarbageInput(t *testing.T) {
	ts := newTestServer(t)
	f := newForeignCommunity(t, ts)
	owner, service := ts.consoleAs(t, badges.RoleOwner, f.iss), ts.consoleAs(t, "", "")
	for _, rt := range ts.srv.Routes() {
		if !strings.HasPrefix(rt.Path, "/admin") || endsSession[rt.Method+" "+rt.Path] || strings.Contains(rt.Path, ":token") {
			continue
		}
		c := owner
		if !strings.Contains(rt.Path, ":issuer") {
			c = service
		}
		path := strings.Replace(rt.Path, ":issuer", f.iss, 1)
		path = anyParam.ReplaceAllStringFunc(path, func(p string) string {
			if id, ok := f.ids[p[1:]]; ok {
				return id
			}
			return "aaaaaaaaaaaaaaaaaaaa"
		})
		for i, g := range garbage {
			if rt.Method == http.MethodGet {
				q := garbageFields[i%len(garbageFields)]
				c.get(t, path+"?"+url.Values{q: {g}, "from": {g}, "cursor": {g}}.Encode())
				continue
			}
			form := url.Values{}
			for _, name := range garbageFields {
				form[name] = []string{g}
				if i%2 == 1 {
					form[name] = append(form[name], g)
				}
			}
			if w := c.post(t, path, form); w.Code < 400 && w.Code != http.StatusSeeOther && w.Code != http.StatusOK {
				t.Errorf("POST %s with %.20q → %d", rt.Path, g, w.Code)
			}
		}
	}
}

// TestConsole_GarbageUploads sends every console upload files that are
// not what it takes: binary, NUL bytes, a header of thousands of
// columns, an image that is not one, script in an SVG: each is a clear
// 4xx, or a job that reports its rows, never a 5xx.
func TestConsole_GarbageUploads(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	badge := mustAchievement(t, ts, iss, nil)["id"].(string)
	owner := ts.consoleAs(t, badges.RoleOwner, iss)
	base := "/admin/c/" + iss
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	files := map[string][]byte{
		"binary.csv":  png,
		"nul.csv":     []byte("email,displayName\x00\na\x00@example.org,A\x00\n"),
		"wide.csv":    []byte(strings.Repeat("email,", 20000) + "\n"),
		"utf16.csv":   []byte("\xff\xfee\x00m\x00a\x00i\x00l\x00\n\x00"),
		"quotes.csv":  []byte("email,displayName\n\"unterminated,x\n"),
		"script.svg":  []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect onload="alert(2)"/></svg>`),
		"html.svg":    []byte(`<html><body onload="alert(1)"></body></html>`),
		"entity.svg":  []byte(`<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>`),
		"empty.png":   {},
		"trunc.png":   png,
		"../../x.csv": []byte("email,displayName\n"),
	}
	for _, up := range []struct{ path, field string }{
		{base + "/members/import", "file"}, {base + "/activity/import", "file"}, {base + "/awards/import", "file"},
		{base + "/badges/" + badge + "/image", "image"}, {base + "/settings/logo", "image"},
	} {
		for name, data := range files {
			w := owner.postFile(t, up.path, url.Values{}, up.field, name, data)
			if w.Code != http.StatusSeeOther && (w.Code < 400 || w.Code >= 500) {
				t.Errorf("%s with %s → %d", up.path, name, w.Code)
			}
			if strings.HasSuffix(name, ".svg") && w.Code == http.StatusSeeOther && strings.Contains(up.path, "image") {
				t.Errorf("%s took %s", up.path, name)
			}
		}
	}
}

// TestConsole_MarkdownPreviewBounded: the criteria preview renders what a
// badge could hold; a longer text, built to make Markdown parsing slow,
// is answered at once, as plain text.
func TestConsole_MarkdownPreviewBounded(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	for name, text := range map[string]string{"links": strings.Repeat("[a](", 20000), "quotes": strings.Repeat(">", 80000)} {
		start := time.Now()
		w := admin.post(t, "/admin/c/"+iss+"/badges/markdown", url.Values{"criteria": {text}})
		if took := time.Since(start); took > 3*time.Second || w.Code != http.StatusOK {
			t.Errorf("%s: a preview of %d bytes → %d after %s", name, len(text), w.Code, took)
		}
	}
}

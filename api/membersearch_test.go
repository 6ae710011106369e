package api_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func TestMember_Search(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/members"
	create := func(email, name, ext string) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: path, body: map[string]any{"email": email, "displayName": name, "externalId": ext}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	zoe := create("zoe@example.org", "Zoë Durand", "gh:zd")
	jose := create("jose@example.org", "José Álvarez", "")
	create("ada@example.com", "Ada Lovelace", "gh:ada")
	search := func(t *testing.T, query string) memberList {
		t.Helper()
		var l memberList
		ts.do(t, req{method: "GET", path: path + "?" + query}).want(t, 200).JSON(t, &l)
		return l
	}
	names := func(l memberList) string {
		var n []string
		for _, it := range l.Items {
			n = append(n, it.DisplayName)
		}
		return strings.Join(n, ", ")
	}
	for q, want := range map[string]string{
		"zoe": "Zoë Durand", "ZOË": "Zoë Durand", "alvarez": "José Álvarez", "JOSE@": "José Álvarez",
		"example.org": "Zoë Durand, José Álvarez", "gh:": "Zoë Durand, Ada Lovelace", "nobody": "",
	} {
		t.Run("OK/"+q, func(t *testing.T) {
			l := search(t, "q="+url.QueryEscape(q))
			if got := names(l); got != want || l.Total != len(l.Items) {
				t.Fatalf("q=%s: %q (total %d), want %q", q, got, l.Total, want)
			}
		})
	}
	t.Run("OK/pages", func(t *testing.T) {
		l := search(t, "q=example&limit=2")
		if l.Total != 3 || names(l) != "Zoë Durand, José Álvarez" || l.NextCursor == "" {
			t.Fatalf("first page: %+v", l)
		}
		if l = search(t, "q=example&limit=2&cursor="+l.NextCursor); l.Total != 3 || names(l) != "Ada Lovelace" || l.NextCursor != "" {
			t.Fatalf("second page: %+v", l)
		}
	})
	t.Run("OK/with email", func(t *testing.T) {
		if l := search(t, "email=jose@example.org&q=alv"); l.Total != 1 || l.Items[0].ID != jose {
			t.Fatalf("email and a matching q: %+v", l)
		}
		if l := search(t, "email=jose@example.org&q=zoe"); l.Total != 0 || len(l.Items) != 0 {
			t.Fatalf("email and another's q: %+v", l)
		}
	})
	t.Run("OK/after a change and a deletion", func(t *testing.T) {
		ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + zoe, body: map[string]any{"displayName": "Zoé Martin"}}).want(t, 200)
		if l := search(t, "q=martin"); names(l) != "Zoé Martin" {
			t.Fatalf("renamed: %+v", l)
		}
		if l := search(t, "q=durand"); l.Total != 0 {
			t.Fatalf("old name still found: %+v", l)
		}
		ts.do(t, req{method: "DELETE", path: "/api/v1/members/" + jose}).want(t, 204)
		if l := search(t, "q=jose"); l.Total != 0 {
			t.Fatalf("deleted member found: %+v", l)
		}
	})
	t.Run("OK/imported", func(t *testing.T) {
		importCSV(t, ts, iss, "email,displayName\nbjorn@example.org,Björn Borg\nzoe@example.org,Zoë Imported\n", "")
		if l := search(t, "q=bjorn"); names(l) != "Björn Borg" {
			t.Fatalf("created by an import: %+v", l)
		}
		if l := search(t, "q=imported"); names(l) != "Zoë Imported" {
			t.Fatalf("updated by an import: %+v", l)
		}
	})
	t.Run("400/q", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: path + "?q=" + strings.Repeat("a", 201)}).wantProblem(t, 400, badges.EINVALID, "q")
		ts.do(t, req{method: "GET", path: path + "?q=%01"}).wantProblem(t, 400, badges.EINVALID, "q")
	})
}

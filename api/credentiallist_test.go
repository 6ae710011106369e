package api_test

import (
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
)

type credentialList struct {
	Items []struct {
		ID, URL, IssuerID, IssuerName, AchievementID, AchievementName, MemberID, MemberName, Status string
		AwardedAt                                                                                   time.Time
		ValidUntil, RevokedAt                                                                       *time.Time
	}
	Total      int
	NextCursor string
}

// credentialFixture is a community with two badges, three members and
// five credentials: Ada holds both badges, the host badge expires after a
// day, and Grace's host badge is revoked.
type credentialFixture struct {
	ts                *testServer
	issuer, host, mvp string
	ada, grace, linus string
	revoked           string
	shift             *atomic.Int64 // moves the server's clock
}

func newCredentialFixture(t *testing.T) *credentialFixture {
	f := &credentialFixture{shift: new(atomic.Int64)}
	f.ts = newTestServer(t, func(c *api.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(f.shift.Load())) }
	})
	f.issuer = mustIssuer(t, f.ts)
	f.host = mustAchievement(t, f.ts, f.issuer, map[string]any{"status": "active", "validityDays": 1})["id"].(string)
	f.mvp = mustAchievement(t, f.ts, f.issuer, map[string]any{"name": "Most Valuable Gopher", "status": "active"})["id"].(string)
	award := func(ach, email, name string) (cred, member string) {
		var c struct{ ID, MemberID string }
		f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.issuer + "/awards",
			body: map[string]any{"achievementId": ach, "email": email, "name": name}}).want(t, 201).JSON(t, &c)
		return c.ID, c.MemberID
	}
	_, f.ada = award(f.host, "ada@example.org", "Ada Lovelace")
	award(f.mvp, "ada@example.org", "Ada Lovelace")
	f.revoked, f.grace = award(f.host, "grace@example.org", "Grace Hopper")
	_, f.linus = award(f.mvp, "linus@example.org", "Linus Torvalds")
	award(f.mvp, "grace@example.org", "Grace Hopper")
	f.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + f.revoked + "/revoke", body: map[string]any{"reason": "Issued by mistake."}}).want(t, 200)
	return f
}

func (f *credentialFixture) list(t *testing.T, query string) credentialList {
	t.Helper()
	var l credentialList
	f.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + f.issuer + "/credentials?" + query, token: mustKey(t, f.ts, badges.ScopeRead)}).want(t, 200).JSON(t, &l)
	return l
}

func TestCredentialList(t *testing.T) {
	f := newCredentialFixture(t)

	t.Run("OK/all, newest first, with names", func(t *testing.T) {
		l := f.list(t, "")
		if l.Total != 5 || len(l.Items) != 5 || l.NextCursor != "" {
			t.Fatalf("list: %+v", l)
		}
		for i, it := range l.Items {
			if it.IssuerName != "Gophers of Lyon" || it.AchievementName == "" || it.MemberName == "" || it.URL != baseURL+"/credentials/"+it.ID {
				t.Fatalf("item %d lacks names: %+v", i, it)
			}
			if i > 0 && (it.AwardedAt.After(l.Items[i-1].AwardedAt) || it.AwardedAt.Equal(l.Items[i-1].AwardedAt) && it.ID > l.Items[i-1].ID) {
				t.Fatalf("item %d is newer than the one before it: %+v", i, l.Items)
			}
		}
	})
	t.Run("OK/member", func(t *testing.T) {
		l := f.list(t, "member="+f.ada)
		if l.Total != 2 || l.Items[0].MemberName != "Ada Lovelace" || l.Items[1].MemberName != "Ada Lovelace" {
			t.Fatalf("Ada's: %+v", l)
		}
	})
	t.Run("OK/achievement and member", func(t *testing.T) {
		l := f.list(t, "achievement="+f.mvp+"&member="+f.grace)
		if l.Total != 1 || l.Items[0].AchievementName != "Most Valuable Gopher" || l.Items[0].MemberName != "Grace Hopper" {
			t.Fatalf("Grace's MVP: %+v", l)
		}
	})
	t.Run("OK/revoked", func(t *testing.T) {
		l := f.list(t, "status=revoked")
		if l.Total != 1 || l.Items[0].ID != f.revoked || l.Items[0].Status != "revoked" || l.Items[0].RevokedAt == nil {
			t.Fatalf("revoked: %+v", l)
		}
	})
	t.Run("OK/date range", func(t *testing.T) {
		today := time.Now().UTC().Format(time.DateOnly)
		if l := f.list(t, "from="+today+"&to="+today); l.Total != 5 {
			t.Fatalf("today: %+v", l)
		}
		tomorrow := time.Now().UTC().Add(24 * time.Hour).Format(time.DateOnly)
		if l := f.list(t, "from="+tomorrow); l.Total != 0 || len(l.Items) != 0 {
			t.Fatalf("from tomorrow: %+v", l)
		}
		before := url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339))
		if l := f.list(t, "to="+before); l.Total != 0 {
			t.Fatalf("to an hour ago: %+v", l)
		}
	})
	t.Run("OK/expired at query time", func(t *testing.T) {
		if l := f.list(t, "status=expired"); l.Total != 0 {
			t.Fatalf("expired today: %+v", l)
		}
		f.shift.Store(int64(3 * 24 * time.Hour))
		defer f.shift.Store(0)
		l := f.list(t, "status=expired")
		if l.Total != 1 || l.Items[0].MemberID != f.ada || l.Items[0].Status != "expired" || l.Items[0].ValidUntil == nil {
			t.Fatalf("expired in three days (Ada's host badge; Grace's is revoked): %+v", l)
		}
		if l := f.list(t, "status=active"); l.Total != 3 {
			t.Fatalf("active in three days: %+v", l)
		}
	})
	t.Run("OK/pages", func(t *testing.T) {
		all := f.list(t, "")
		var seen []string
		query := "limit=2"
		for range 5 {
			l := f.list(t, query)
			if l.Total != 5 || len(l.Items) > 2 {
				t.Fatalf("page: %+v", l)
			}
			for _, it := range l.Items {
				seen = append(seen, it.ID)
			}
			if l.NextCursor == "" {
				break
			}
			query = "limit=2&cursor=" + l.NextCursor
		}
		want := make([]string, len(all.Items))
		for i, it := range all.Items {
			want[i] = it.ID
		}
		if !slices.Equal(seen, want) {
			t.Fatalf("pages gave %v, want %v", seen, want)
		}
	})
	t.Run("400", func(t *testing.T) {
		for query, field := range map[string]string{
			"status=lost": "status", "from=yesterday": "from", "to=2026-13-01": "to", "limit=-1": "limit", "limit=201": "limit",
			"cursor=!!": "cursor", "member=x": "member", "achievement=x": "achievement", "sort=name": "sort",
			"from=2026-03-02&to=2026-03-01": "to", "status=active&status=revoked": "status",
		} {
			t.Run(query, func(t *testing.T) {
				f.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + f.issuer + "/credentials?" + query}).wantProblem(t, 400, badges.EINVALID, field)
			})
		}
	})
	t.Run("404/member or achievement of no such issuer", func(t *testing.T) {
		other := mustIssuer(t, f.ts)
		f.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + other + "/credentials?member=" + f.ada}).wantProblem(t, 404, badges.ENOTFOUND, "member")
		f.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + other + "/credentials?achievement=" + f.host}).wantProblem(t, 404, badges.ENOTFOUND, "achievement")
		if l := (&credentialFixture{ts: f.ts, issuer: other}).list(t, ""); l.Total != 0 || len(l.Items) != 0 {
			t.Fatalf("another issuer's: %+v", l)
		}
		f.ts.do(t, req{method: "GET", path: "/api/v1/issuers/aaaaaaaaaaaaaaaaaaaa/credentials"}).want(t, 404)
	})
	t.Run("OK/member renamed", func(t *testing.T) {
		f.ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + f.linus, body: map[string]any{"displayName": "Linus T."}}).want(t, 200)
		l := f.list(t, "member="+f.linus)
		if l.Total != 1 || !strings.HasPrefix(l.Items[0].MemberName, "Linus T.") {
			t.Fatalf("after the rename: %+v", l)
		}
	})
}

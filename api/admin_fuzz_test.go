package api

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext: whatever a sign-in link's next says, the console sends
// the browser to a path of its own under /admin: never another host,
// never a scheme, never a path a browser reads as one ("//", "/\").
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/admin/c/x/members?q=a", "//evil.example/admin", "/\\evil.example", "https://evil.example/admin",
		"/admin/..//evil.example", "/admin\t//x", "javascript:alert(1)", "/admin/login?next=//x", "/admin%0d%0aX: y", "/%2e%2e/admin"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		u, err := url.Parse(got)
		if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(got, "/admin") ||
			strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\x00\r\n\t") || strings.HasPrefix(u.Path, "/admin/login") {
			t.Fatalf("safeNext(%q) = %q: not a console path of this site", next, got)
		}
	})
}

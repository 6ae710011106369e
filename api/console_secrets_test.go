package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/api"
)

// lockedBuffer is a log the server and the test share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestConsole_PasswordLinkNotLogged: a set-password link is a secret
// until used: the access log names its page, never its token, and the
// page sends no referrer.
func TestConsole_PasswordLinkNotLogged(t *testing.T) {
	var log lockedBuffer
	ts := newTestServer(t, func(c *api.Config) { c.Logger = slog.New(slog.NewTextHandler(&log, nil)) })
	a := ts.newAccount(t, "ada@example.org", "", "")
	token, err := ts.accounts.PasswordLink(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	guest := ts.guest()
	shown := guest.get(t, "/admin/password/"+token)
	shown.wantPage(t, http.StatusOK)
	if got := shown.Header().Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q, want no-referrer", got)
	}
	guest.csrf = guest.cookies["laurel-signin"]
	guest.post(t, "/admin/password/"+token, url.Values{"password": {"short"}, "confirm": {"short"}})
	if strings.Contains(log.String(), token) {
		t.Fatalf("the access log has the set-password token:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "/admin/password/") {
		t.Fatalf("the access log does not name the page:\n%s", log.String())
	}
}

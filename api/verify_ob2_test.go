package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/verifier"
)

// TestVerify_OB2 verifies an Open Badges 2.0 hosted assertion through the
// API and the page, its badge class and issuer read from an offline folder
// in place of the network: the report and the page say it is 2.0.
func TestVerify_OB2(t *testing.T) {
	folder, err := verifier.OpenOffline(filepath.Join("..", "verifier", "testdata", "offline-ob2"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServerWith(t, mongotest.NewDB(t), verifier.NewFetcher(verifier.FetcherOptions{Offline: folder}))
	assertion, err := os.ReadFile(filepath.Join("..", "verifier", "testdata", "offline-ob2", "assertion.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("API", func(t *testing.T) {
		var rep struct {
			Verdict, OpenBadgesVersion string
			Credential                 struct{ IssuerName, AchievementName string }
		}
		ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", body: map[string]any{"url": "https://example.org/beths-robotics-badge.json"}}).
			want(t, 200).JSON(t, &rep)
		if rep.Verdict != "valid" || rep.OpenBadgesVersion != "2.0" || rep.Credential.IssuerName != "An Example Badge Issuer" || rep.Credential.AchievementName != "Awesome Robotics Badge" {
			t.Fatalf("report %+v", rep)
		}
	})
	t.Run("page", func(t *testing.T) {
		got := postVerify(t, ts, map[string]string{"credential": string(assertion)})
		if got.code != 200 || !strings.HasPrefix(got.headline, "Genuine — issued by An Example Badge Issuer") {
			t.Fatalf("got %d %q", got.code, got.headline)
		}
		if !strings.Contains(got.body, "Verified · Open Badges 2.0</p>") {
			t.Error("the page does not say the assertion is Open Badges 2.0")
		}
	})
}

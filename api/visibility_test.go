package api_test

import (
	"context"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

// TestCredentialVisibility checks the member's choice on every public
// page that names or lists a credential, and in the admin API.
func TestCredentialVisibility(t *testing.T) {
	ctx := context.Background()
	c := newCommunity(t)
	issuing := newIssuing(t, c.ts.db)
	other := mustAchievement(t, c.ts, c.issuer, map[string]any{"status": "active", "name": "Mentor", "level": "contribution"})["id"].(string)
	hidden := c.award(t, c.ada, map[string]any{"achievementId": other})

	var j struct {
		Visibility string  `json:"visibility"`
		AcceptedAt *string `json:"acceptedAt"`
	}
	c.ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + c.adaCred}).want(t, 200).JSON(t, &j)
	if j.Visibility != "public" || j.AcceptedAt != nil {
		t.Fatalf("a new credential: %+v, want public and not accepted", j)
	}
	wantIn(t, c.page(t, "/members/ada", 200), "/credentials/"+c.adaCred, "/credentials/"+hidden)

	t.Run("link", func(t *testing.T) {
		if _, err := issuing.SetVisibility(ctx, c.adaCred, c.ada, issuer.VisibilityLink); err != nil {
			t.Fatal(err)
		}
		profile := c.page(t, "/members/ada", 200)
		wantNotIn(t, profile, "/credentials/"+c.adaCred)
		wantIn(t, profile, "/credentials/"+hidden)
		wantIn(t, c.page(t, "/credentials/"+c.adaCred, 200), `id="recipient">Ada Lovelace</a>`)
		wantNotIn(t, c.page(t, "/achievements/"+c.badge, 200), "/credentials/"+c.adaCred)
		c.ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + c.adaCred}).want(t, 200).JSON(t, &j)
		if j.Visibility != "link" {
			t.Fatalf("visibility %q, want link", j.Visibility)
		}
	})
	t.Run("hidden", func(t *testing.T) {
		if _, err := issuing.SetVisibility(ctx, hidden, c.ada, issuer.VisibilityHidden); err != nil {
			t.Fatal(err)
		}
		wantNotIn(t, c.page(t, "/members/ada", 200), "/credentials/"+hidden)
		body := c.page(t, "/credentials/"+hidden, 200)
		wantIn(t, body, `<span id="recipient">a verified recipient</span>`, `<span class="pill">Verified</span>`)
		wantNotIn(t, body, "Ada", "/members/ada")
		wantNotIn(t, c.page(t, "/achievements/"+other, 200), "Ada")
		// Verifying it is not affected.
		jwt := c.ts.do(t, req{method: "GET", path: "/credentials/" + hidden + ".jwt", token: "-"}).want(t, 200).body
		var rep struct {
			Verdict string `json:"verdict"`
		}
		c.ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", body: map[string]any{"credential": string(jwt)}}).
			want(t, 200).JSON(t, &rep)
		if rep.Verdict != "valid" {
			t.Fatalf("a hidden credential verifies as %q", rep.Verdict)
		}
	})
}

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// TestBrowser_ClaimStates photographs the claim page of a badge in each
// state a member may find it in, at both widths in both schemes: offered,
// revoked with its reason published and kept private, expired before it
// was accepted and after. A badge that no longer counts says so plainly,
// greys its art and offers nothing to share or download; an expired one
// may still be accepted, a revoked one not.
func TestBrowser_ClaimStates(t *testing.T) {
	t.Parallel()
	w := newCredentialStates(t)
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	type state struct {
		name, id string
		check    func(t *testing.T, tab *browsertest.Tab)
	}
	photograph := func(states ...state) {
		for _, tc := range states {
			for _, v := range views() {
				t.Run(tc.name+"/"+v.name+"/"+string(v.scheme), func(t *testing.T) {
					tab := b.Open(t, w.base+w.claimPath(t, tc.id), v.width, v.height, v.scheme)
					tab.WantNoProblems(t)
					checkPageBasics(t, tab, v.width, v.scheme)
					tc.check(t, tab)
					if v.width < 600 {
						wantTouchTargets(t, tab, "#claim")
					}
					shot := filepath.Join(dir, "claim-"+tc.name+"-"+v.name+"-"+string(v.scheme)+".png")
					if gotW, gotH := tab.Screenshot(t, shot); gotW != v.width || gotH < v.height/2 {
						t.Errorf("screenshot %dx%d at a %dx%d viewport", gotW, gotH, v.width, v.height)
					}
				})
			}
		}
	}
	photograph(
		state{"offer", w.valid, claimOffered},
		state{"revoked-reason-published", w.revokedPublic, claimGone("This badge was revoked on ", "Awarded for a session that was cancelled.", "", false)},
		state{"revoked-reason-private", w.revokedPrivate, claimGone("This badge was revoked on ", "", "Zq7", false)},
		state{"expired", w.gone, claimGone("This badge expired on ", "", "", true)},
	)
	t.Run("accept the expired badge", func(t *testing.T) {
		tab := b.Open(t, w.base+w.claimPath(t, w.gone), 390, 844)
		tab.Check(t, "input[value=link]", true)
		tab.Click(t, "#claim-accept")
		if got := tab.Text(t, "#claim-chosen"); got != "Only people you share its link with will see it." {
			t.Errorf("after accepting, the page says %q", got)
		}
		tab.WantNoProblems(t)
	})
	photograph(state{"expired-accepted", w.gone, claimGone("This badge expired on ", "", "", false)})
}

// claimOffered checks a badge that counts and is not accepted yet: the
// choice and the Accept button, and nothing to share before acceptance.
func claimOffered(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	if tab.Count(t, "#claim-accept") != 1 || tab.Count(t, "#claim-status") != 0 {
		t.Error("an offered badge lacks its Accept button or carries a notice")
	}
	if n := tab.Count(t, sharingSelectors); n != 0 {
		t.Errorf("the page offers %d ways to share before the badge is accepted", n)
	}
}

// claimGone checks the claim page of a badge that no longer counts: the
// notice starting with headline, the reason only when published (hidden
// must not show), greyed art, nothing to share or download, and an Accept
// button only where one is still offered (an expired badge not accepted).
func claimGone(headline, reason, hidden string, acceptable bool) func(t *testing.T, tab *browsertest.Tab) {
	return func(t *testing.T, tab *browsertest.Tab) {
		t.Helper()
		notice := tab.Text(t, "#claim-status")
		if !strings.HasPrefix(notice, headline) {
			t.Errorf("the notice says %q, want it to start %q", notice, headline)
		}
		if reason != "" && tab.Text(t, "#claim-reason") != "The issuer’s reason: "+reason {
			t.Errorf("the published reason is not shown: %q", notice)
		}
		if body := tab.Text(t, "body"); hidden != "" && strings.Contains(body, hidden) {
			t.Errorf("the page shows the private reason %q", hidden)
		}
		if n := tab.Count(t, sharingSelectors); n != 0 {
			t.Errorf("the page offers %d ways to share or download", n)
		}
		if got := tab.Count(t, "#claim-accept") == 1; got != acceptable {
			t.Errorf("Accept offered: %v, want %v", got, acceptable)
		}
		var filter string
		tab.Eval(t, `getComputedStyle(document.querySelector(".claim-art")).filter`, &filter)
		if !strings.Contains(filter, "grayscale") {
			t.Errorf("the art is not greyed: filter %q", filter)
		}
	}
}

// wantTouchTargets fails for any visible link, button, summary or choice
// inside scope smaller than 44 px high, the least a finger can hit. Links
// inside a sentence are exempt, and so is a front door card's name, whose
// target is the whole card.
func wantTouchTargets(t *testing.T, tab *browsertest.Tab, scope string) {
	t.Helper()
	var small []string
	tab.Eval(t, `Array.from(document.querySelectorAll(["a", "button", "summary", "label:has(input)"].map(s => `+"`"+scope+` ${s}`+"`"+`).join()))
		.filter(e => e.offsetParent !== null && !e.closest("p") && !e.matches(".fd-body h3 a"))
		.filter(e => e.getBoundingClientRect().height < 43.5)
		.map(e => e.tagName + " " + (e.id || e.textContent.trim().slice(0, 30)) + " " + Math.round(e.getBoundingClientRect().height) + "px")`, &small)
	for _, s := range small {
		t.Errorf("touch target under 44 px: %s", s)
	}
}

// TestBrowser_PublicTouchTargets opens every kind of public page on a
// phone and checks that each link and button a finger may need is at
// least 44 px high.
func TestBrowser_PublicTouchTargets(t *testing.T) {
	t.Parallel()
	w := newCredentialStates(t)
	f := newFrontWorld(t)
	b := browsertest.New(t)
	for name, u := range map[string]string{
		"credential":  w.base + "/credentials/" + w.valid,
		"achievement": w.base + "/achievements/" + w.mentor,
		"holders":     w.base + "/achievements/" + w.badge + "/holders",
		"member":      w.base + "/members/ada",
		"spotlight":   w.base + "/issuers/" + w.issuer + "/spotlight",
		"verify":      w.base + "/verify?credential=" + w.base + "/credentials/" + w.valid,
		"front door":  f.base + "/",
		"community":   f.base + "/issuers/" + f.other,
		"directory":   f.base + "/issuers/" + f.other + "/members",
		"claim":       w.base + w.claimPath(t, w.valid),
	} {
		t.Run(name, func(t *testing.T) {
			tab := b.Open(t, u, 390, 844, browsertest.Dark)
			wantTouchTargets(t, tab, "body")
		})
	}
}

// TestBrowser_PublicFrontCards: on the front door a community's whole card
// leads to its page, through the link that is its name, while the card's
// own links (members, spotlight) still lead where they say.
func TestBrowser_PublicFrontCards(t *testing.T) {
	t.Parallel()
	w := newFrontWorld(t)
	b := browsertest.New(t)
	card := `.fd-community:has(a[href$="/issuers/` + w.other + `"])`
	for _, v := range []view{{"desktop", 1280, 800, browsertest.Light}, {"phone", 390, 844, browsertest.Dark}} {
		t.Run(v.name, func(t *testing.T) {
			tab := b.Open(t, w.base+"/", v.width, v.height, v.scheme)
			if n := tab.Count(t, card+" h3 a"); n != 1 {
				t.Fatalf("%d links as the community's name, want 1", n)
			}
			tab.Click(t, card+" .fd-figures")
			if got := tab.URL(t); !strings.HasSuffix(got, "/issuers/"+w.other) {
				t.Errorf("a click on the card's figures leads to %s, want the community's page", got)
			}
			tab.Go(t, w.base+"/")
			tab.Click(t, card+` .fd-links a[href$="/spotlight"]`)
			if got := tab.URL(t); !strings.HasSuffix(got, "/issuers/"+w.other+"/spotlight") {
				t.Errorf("the card's Spotlight link leads to %s", got)
			}
			tab.WantNoProblems(t)
		})
	}
}

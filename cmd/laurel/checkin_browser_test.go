package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
)

// linkCatcher keeps the links of the check-in e-mails queued through it.
type linkCatcher struct {
	mu    sync.Mutex
	links []string
}

func (l *linkCatcher) Notify(_ context.Context, ns ...badges.Notification) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, n := range ns {
		l.links = append(l.links, n.Data["link"])
	}
	return nil
}

// checkInLink asks, as a member would, for the link that confirms their
// check-in to the session of code, and returns it: the running Laurel
// sends no e-mail, so the link is asked for through a check-in service
// on its database that keeps what it would send.
func (w *consoleWorld) checkInLink(t *testing.T, code, email string) string {
	t.Helper()
	ctx := t.Context()
	st := wire.NewStores(w.main.db)
	mail := &linkCatcher{}
	svc := &badges.CheckIns{Store: st.CheckIns, Members: st.Members, Limits: st.Accounts.Limits, Notifier: mail, Now: time.Now,
		Behaviours: badges.NewCatalogue(st.Behaviours, st.Rules, st.Achievements).Behaviours, LinkURL: api.CheckInLinkURL(w.base)}
	ci, err := st.CheckIns.CheckInByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SendLink(ctx, ci, email); err != nil || len(mail.links) != 1 {
		t.Fatalf("asking for a link for %s: %v, %d links", email, err, len(mail.links))
	}
	return mail.links[0]
}

// openCheckIn opens a check-in in the console, as a host would, and
// checks Ada in by her e-mailed link, so that its page has a name.
func (w *consoleWorld) openCheckIn(t *testing.T, tab *browsertest.Tab) (code string) {
	t.Helper()
	tab.Go(t, w.base+"/admin/c/"+w.issuer+"/checkins/new")
	tab.Fill(t, "#f-title", "Lyon Gophers meetup: generics in practice")
	tab.Fill(t, "#f-behaviour", "attended-session")
	tab.Click(t, "form.form button.primary")
	w.checkIn = strings.TrimPrefix(tab.URL(t), w.base)
	if !strings.HasPrefix(w.checkIn, "/admin/c/"+w.issuer+"/checkins/") {
		t.Fatalf("opening a check-in ends on %s", w.checkIn)
	}
	code = tab.Text(t, ".checkin-code")
	tab.Go(t, w.checkInLink(t, code, "ada@example.org"))
	tab.Click(t, ".checkin-form button.primary")
	if got := tab.Text(t, ".checkin-result h2"); got != "You’re checked in" {
		t.Fatalf("after confirming, the page says %q", got)
	}
	return code
}

// TestBrowser_CheckIn opens the check-in pages a member sees, from the
// room's code to the confirmation, at both widths in both colour schemes:
// no problems reported, nothing wider than the screen, and a screenshot
// of each.
func TestBrowser_CheckIn(t *testing.T) {
	t.Parallel()
	w := newConsoleWorld(t)
	admin, guest := browsertest.New(t), browsertest.New(t)
	tab := admin.Open(t, w.base+"/admin/login", 1280, 800)
	w.setPassword(t, tab)
	w.signIn(t, tab, w.password)
	code := w.openCheckIn(t, tab)
	dir := browsertest.ScreenshotDir(t)
	shoot := func(t *testing.T, tab *browsertest.Tab, name string, v view) {
		t.Helper()
		checkPageBasics(t, tab, v.width, v.scheme)
		tab.Screenshot(t, filepath.Join(dir, name+"-"+v.name+"-"+string(v.scheme)+".png"))
	}
	for i, v := range views() {
		t.Run(v.name+"/"+string(v.scheme), func(t *testing.T) {
			tab := guest.Open(t, w.base+"/checkin", v.width, v.height, v.scheme)
			tab.WantNoProblems(t)
			shoot(t, tab, "checkin-enter", v)
			tab.Fill(t, "#f-code", strings.ToLower(code[:3])+" "+code[3:])
			tab.Click(t, ".checkin-form button.primary")
			if got := tab.URL(t); got != w.base+"/checkin/"+code {
				t.Fatalf("entering the code ends on %s", got)
			}
			shoot(t, tab, "checkin-session", v)
			tab.Fill(t, "#f-email", "visitor"+string(rune('a'+i))+"@example.org")
			tab.Click(t, ".checkin-form button.primary")
			if got := tab.Text(t, ".checkin-result h2"); got != "Check your e-mail" {
				t.Fatalf("after asking for a link, the page says %q", got)
			}
			shoot(t, tab, "checkin-sent", v)
			tab.Go(t, w.checkInLink(t, code, "grace@example.org"))
			shoot(t, tab, "checkin-confirm", v)
			tab.Click(t, ".checkin-form button.primary")
			shoot(t, tab, "checkin-done", v)
			tab.WantNoProblems(t)
		})
	}
	tab.Go(t, w.base+w.checkIn+"/close")
	tab.Click(t, "form.actions button.danger")
	for _, v := range views() {
		t.Run("closed/"+v.name+"/"+string(v.scheme), func(t *testing.T) {
			tab := guest.Open(t, w.base+"/checkin/"+code, v.width, v.height, v.scheme)
			tab.WantNoProblems(t)
			if got := tab.Text(t, ".checkin-result h2"); got != "This check-in has closed" {
				t.Errorf("a closed check-in's page says %q", got)
			}
			shoot(t, tab, "checkin-closed", v)
		})
	}
}

// openCheckIn opens a check-in from the member portal as Ada, who holds a
// leadership badge, as a leader hosting a session would.
func (w *portalWorld) openCheckIn(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	tab.Go(t, w.base+"/me/checkins")
	tab.Fill(t, "#f-title", "Go code review club")
	tab.Click(t, "button.me-primary")
	w.checkIn = strings.TrimPrefix(tab.URL(t), w.base)
	if !strings.HasPrefix(w.checkIn, "/me/checkins/") {
		t.Fatalf("opening a check-in from the portal ends on %s", w.checkIn)
	}
}

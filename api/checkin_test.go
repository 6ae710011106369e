package api_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// checkInEnv is a test server whose check-ins e-mail through a mail box, a
// community with a member (Ada) and a badge earned by attending one
// session, and an awarder's console session.
type checkInEnv struct {
	ts      *testServer
	mail    *recordingNotifier
	iss     string
	ada     string
	badge   string
	awarder *consoleClient
}

func newCheckInEnv(t *testing.T) *checkInEnv {
	t.Helper()
	db := mongotest.NewDB(t)
	l := newLaurel(t, db)
	e := &checkInEnv{mail: &recordingNotifier{}}
	l.CheckIns.Notifier = e.mail
	e.ts = serveWorking(t, db, l)
	e.iss = mustIssuer(t, e.ts)
	e.ada = mustMember(t, e.ts, e.iss, "ada@example.org", "Ada Lovelace")
	e.badge = mustAchievement(t, e.ts, e.iss, map[string]any{"name": "Regular", "status": "active"})["id"].(string)
	setRule(t, e.ts, e.badge, `{"condition":{"count":{"behaviour":"attended-session","min":1}}}`)
	e.awarder = e.ts.consoleAs(t, badges.RoleAwarder, e.iss)
	return e
}

var checkInCode = regexp.MustCompile(`class="checkin-code"[^>]*>([A-Z2-9]{6})<`)

// open opens a check-in from the console and returns its console path and
// code.
func (e *checkInEnv) open(t *testing.T, title string) (path, code string) {
	t.Helper()
	w := e.awarder.post(t, "/admin/c/"+e.iss+"/checkins/new", url.Values{"title": {title}, "behaviour": {"attended-session"}, "window": {"120"}})
	path = w.wantRedirect(t, "/admin/c/"+e.iss+"/checkins/")
	p := e.awarder.get(t, path)
	p.wantPage(t, http.StatusOK, "Checked in: 0", path+"/qr.svg")
	m := checkInCode.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("the check-in page shows no code: %s", p.Body)
	}
	return path, m[1]
}

// mustCheckIn opens a check-in in a community's console and returns its id.
func mustCheckIn(t *testing.T, c *consoleClient, iss string) string {
	t.Helper()
	w := c.post(t, "/admin/c/"+iss+"/checkins/new", url.Values{"title": {"Session"}, "behaviour": {"attended-session"}, "window": {"60"}})
	return strings.TrimPrefix(w.wantRedirect(t, "/admin/c/"+iss+"/checkins/"), "/admin/c/"+iss+"/checkins/")
}

// guestWithToken is a visitor who opened a check-in page, with its CSRF
// token.
func guestWithToken(t *testing.T, ts *testServer, path string) (*consoleClient, *page) {
	t.Helper()
	g := ts.guest()
	p := g.get(t, path)
	m := csrfField.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("%s has no CSRF field: %d %s", path, p.Code, p.Body)
	}
	g.csrf = html.UnescapeString(m[1])
	return g, p
}

// TestCheckIn_ByLink opens a check-in in the console, asks for a link as a
// member on its public page, opens the link (which uses nothing) and
// confirms: the host sees the member, the badge whose rule counts the
// behaviour is awarded, and the link works once.
func TestCheckIn_ByLink(t *testing.T) {
	e := newCheckInEnv(t)
	consolePath, code := e.open(t, "Tuesday study group")
	qr := e.awarder.get(t, consolePath+"/qr.svg")
	if qr.Code != http.StatusOK || !strings.HasPrefix(qr.Body, "<svg") || !strings.Contains(qr.Body, baseURL+"/checkin/"+code) {
		t.Fatalf("QR code: %d %.200s", qr.Code, qr.Body)
	}
	guest, p := guestWithToken(t, e.ts, "/checkin/"+strings.ToLower(code))
	p.wantPage(t, http.StatusOK, "Tuesday study group", "Attended a session", "Closes in 2 hours")
	guest.post(t, "/checkin/"+code, url.Values{"email": {"nobody@example.org"}}).wantPage(t, http.StatusOK, "Check your e-mail")
	if e.mail.lastLink() != "" {
		t.Fatal("an unknown address was sent a link")
	}
	guest.post(t, "/checkin/"+code, url.Values{"email": {"ada@example.org"}}).wantPage(t, http.StatusOK, "Check your e-mail")
	link := e.mail.lastLink()
	if !strings.HasPrefix(link, baseURL+"/checkin/"+code+"/link/") {
		t.Fatalf("link %q", link)
	}
	linkPath := strings.TrimPrefix(link, baseURL)
	for range 2 {
		guest.get(t, linkPath).wantPage(t, http.StatusOK, "Confirm my check-in")
	}
	guest.post(t, linkPath, nil).wantPage(t, http.StatusOK, "You’re checked in")
	guest.post(t, linkPath, nil).wantPage(t, http.StatusNotFound, "used already or has expired")
	e.awarder.get(t, consolePath).wantPage(t, http.StatusOK, "Checked in: 1", "Ada Lovelace")
	e.awarder.get(t, "/admin/c/"+e.iss+"/checkins").wantPage(t, http.StatusOK, "Tuesday study group", "Open")
	deadline := time.Now().Add(10 * time.Second)
	for {
		var l struct{ Items []map[string]any }
		e.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + e.iss + "/credentials?member=" + e.ada}).want(t, 200).JSON(t, &l)
		if len(l.Items) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d credentials for Ada after checking in, want the rule's badge", len(l.Items))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCheckIn_Refusals: a wrong code, a closed check-in and forms without
// their CSRF token are refused with clear pages, and nothing is recorded.
func TestCheckIn_Refusals(t *testing.T) {
	e := newCheckInEnv(t)
	consolePath, code := e.open(t, "Workshop")
	wrong := "ZZZZZZ"
	if code == wrong {
		wrong = "YYYYYY"
	}
	e.ts.guest().get(t, "/checkin/"+wrong).wantPage(t, http.StatusNotFound, "No check-in has the code "+wrong)
	e.ts.guest().get(t, "/checkin/0O1I").wantPage(t, http.StatusBadRequest, "The check-in code must be 6 letters and digits")
	guest, _ := guestWithToken(t, e.ts, "/checkin")
	guest.post(t, "/checkin", url.Values{"code": {" " + strings.ToLower(code[:3]) + "-" + code[3:]}}).wantRedirect(t, "/checkin/"+code)
	for name, token := range map[string]string{"none": "", "forged": strings.Repeat("A", 43)} {
		t.Run("csrf "+name, func(t *testing.T) {
			guest.post(t, "/checkin/"+code, url.Values{"csrf": {token}, "email": {"ada@example.org"}}).wantPage(t, http.StatusForbidden)
			e.awarder.post(t, "/admin/c/"+e.iss+"/checkins/new", url.Values{"csrf": {token}, "title": {"Forged"}, "behaviour": {"attended-session"}, "window": {"60"}}).
				wantPage(t, http.StatusForbidden)
		})
	}
	if e.mail.lastLink() != "" {
		t.Fatal("a form without its CSRF token sent a link")
	}
	e.awarder.get(t, consolePath+"/close").wantPage(t, http.StatusOK, "stops working now")
	e.awarder.post(t, consolePath+"/close", nil).wantRedirect(t, consolePath)
	e.awarder.get(t, consolePath).wantPage(t, http.StatusOK, "This check-in is closed")
	guest.get(t, "/checkin/"+code).wantPage(t, http.StatusOK, "This check-in has closed")
	guest.post(t, "/checkin/"+code, url.Values{"email": {"ada@example.org"}}).wantPage(t, http.StatusConflict, "This check-in has closed")
	if list := e.awarder.get(t, "/admin/c/"+e.iss+"/checkins"); strings.Contains(list.Body, "Forged") {
		t.Fatal("a check-in was opened without a CSRF token")
	}
}

// TestCheckIn_CodeGuesses: wrong codes from one address are limited; past
// the limit the address gets 429 even for a code that exists.
func TestCheckIn_CodeGuesses(t *testing.T) {
	e := newCheckInEnv(t)
	_, code := e.open(t, "Meetup")
	guest, _ := guestWithToken(t, e.ts, "/checkin")
	for i := range 20 {
		w := guest.post(t, "/checkin", url.Values{"code": {strings.Repeat(string("ABCDEFGHJKLMNPQRSTUV"[i]), 6)}})
		if w.Code != http.StatusNotFound && w.Code != http.StatusSeeOther {
			t.Fatalf("guess %d: %d", i, w.Code)
		}
	}
	guest.get(t, "/checkin/"+code).wantPage(t, http.StatusTooManyRequests, "Too many wrong check-in codes")
}

// TestCheckIn_OtherCommunity: a check-in's console pages, QR code and close
// form are not found from another community's console.
func TestCheckIn_OtherCommunity(t *testing.T) {
	e := newCheckInEnv(t)
	consolePath, _ := e.open(t, "Private session")
	other := mustIssuer(t, e.ts)
	owner := e.ts.consoleAs(t, badges.RoleOwner, other)
	id := consolePath[strings.LastIndex(consolePath, "/")+1:]
	base := "/admin/c/" + other + "/checkins/" + id
	for _, path := range []string{base, base + "/qr.svg", base + "/close"} {
		owner.get(t, path).wantPage(t, http.StatusNotFound)
	}
	owner.post(t, base+"/close", nil).wantPage(t, http.StatusNotFound)
	if l := owner.get(t, "/admin/c/"+other+"/checkins"); strings.Contains(l.Body, "Private session") {
		t.Fatal("another community's list shows the check-in")
	}
	e.awarder.get(t, consolePath).wantPage(t, http.StatusOK, "Private session", "Close now")
}

// TestCheckIn_Injection: a title and names with markup are shown as text
// on the console's and the public pages.
func TestCheckIn_Injection(t *testing.T) {
	e := newCheckInEnv(t)
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	consolePath, code := e.open(t, evil)
	for _, p := range []*page{e.awarder.get(t, consolePath), e.awarder.get(t, "/admin/c/"+e.iss+"/checkins"), e.ts.guest().get(t, "/checkin/"+code)} {
		if strings.Contains(p.Body, "<script>alert") || strings.Contains(p.Body, "<img src=x") {
			t.Fatalf("markup in a title reached a page unescaped: %s", p.Body)
		}
		p.wantHTML(t, "&lt;script&gt;alert(1)&lt;/script&gt;")
	}
}

// TestCheckIn_API opens, lists and closes check-ins with an API key; bad
// input names its field, and another community's check-in is not found.
func TestCheckIn_API(t *testing.T) {
	ts := newTestServer(t)
	iss, other := mustIssuer(t, ts), mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/checkins"
	var ci struct {
		ID, Code, URL, Title string
		Open                 bool
		OpensAt, ClosesAt    time.Time
	}
	ts.do(t, req{method: "POST", path: path, body: map[string]any{"behaviour": "attended-session", "title": "Study group", "windowMinutes": 30}}).
		want(t, 201).JSON(t, &ci)
	if !ci.Open || ci.URL != baseURL+"/checkin/"+ci.Code || ci.ClosesAt.Sub(ci.OpensAt) != 30*time.Minute {
		t.Fatalf("opened %+v", ci)
	}
	for field, body := range map[string]map[string]any{
		"title":         {"behaviour": "attended-session"},
		"behaviour":     {"behaviour": "nope", "title": "T"},
		"windowMinutes": {"behaviour": "attended-session", "title": "T", "windowMinutes": 1441},
	} {
		ts.do(t, req{method: "POST", path: path, body: body}).wantProblem(t, 400, badges.EINVALID, field)
	}
	ts.do(t, req{method: "POST", path: path, token: mustKey(t, ts, badges.ScopeIngest), body: map[string]any{"behaviour": "attended-session", "title": "T"}}).want(t, 403)
	var list struct{ Items []struct{ ID string } }
	ts.do(t, req{method: "GET", path: path}).want(t, 200).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != ci.ID {
		t.Fatalf("list %+v", list)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + other + "/checkins/" + ci.ID + "/close"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	var closed struct{ Open bool }
	ts.do(t, req{method: "POST", path: path + "/" + ci.ID + "/close"}).want(t, 200).JSON(t, &closed)
	if closed.Open {
		t.Fatal("a closed check-in is still open")
	}
}

// TestCheckIn_SignedIn: a member signed in to the portal confirms with one
// button, once; the button needs the session's CSRF token, and a member of
// another community gets no button and cannot confirm.
func TestCheckIn_SignedIn(t *testing.T) {
	ps := newPortalServer(t)
	iss, other := mustIssuer(t, ps.testServer), mustIssuer(t, ps.testServer)
	mustMember(t, ps.testServer, iss, "ada@example.org", "Ada Lovelace")
	mustMember(t, ps.testServer, other, "grace@example.org", "Grace Hopper")
	host := ps.consoleAs(t, badges.RoleAwarder, iss)
	consolePath := host.post(t, "/admin/c/"+iss+"/checkins/new", url.Values{"title": {"Study group"}, "behaviour": {"attended-session"}, "window": {"60"}}).
		wantRedirect(t, "/admin/c/"+iss+"/checkins/")
	ps.clock.Advance(time.Minute) // the pages' clock stood still while the check-in opened, on the service's
	code := checkInCode.FindStringSubmatch(host.get(t, consolePath).Body)[1]

	ada := ps.memberSignedIn(t, "ada@example.org")
	ada.get(t, "/checkin/"+code).wantPage(t, http.StatusOK, "You are signed in as", "Ada Lovelace", "Confirm my check-in")
	ada.post(t, "/checkin/"+code+"/confirm", url.Values{"csrf": {strings.Repeat("A", 43)}}).wantPage(t, http.StatusForbidden)
	host.get(t, consolePath).wantPage(t, http.StatusOK, "Checked in: 0")
	ada.post(t, "/checkin/"+code+"/confirm", nil).wantPage(t, http.StatusOK, "You’re checked in")
	ada.post(t, "/checkin/"+code+"/confirm", nil).wantPage(t, http.StatusOK, "You had checked in already")
	ada.get(t, "/checkin/"+code).wantPage(t, http.StatusOK, "You had checked in already")
	host.get(t, consolePath).wantPage(t, http.StatusOK, "Checked in: 1", "Ada Lovelace")

	grace := ps.memberSignedIn(t, "grace@example.org")
	if p := grace.get(t, "/checkin/"+code); strings.Contains(p.Body, "signed in as") || strings.Contains(p.Body, "Ada") {
		t.Fatalf("a member of another community sees: %s", p.Body)
	}
	grace.post(t, "/checkin/"+code+"/confirm", nil).wantPage(t, http.StatusNotFound)
	ps.guest().post(t, "/checkin/"+code+"/confirm", nil).wantRedirect(t, "/me/signin")
	host.post(t, consolePath+"/close", nil).wantRedirect(t, consolePath)
	ada.post(t, "/checkin/"+code+"/confirm", nil).wantPage(t, http.StatusConflict, "This check-in has closed")
}

// TestCheckIn_Leader: a member holding a leadership badge opens a check-in
// from the portal and shows it to the room; a member who may not lead is
// refused, another leader does not find it, and the form needs its token.
func TestCheckIn_Leader(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	lead := mustAchievement(t, ps.testServer, iss, map[string]any{"name": "Host", "level": "leadership", "status": "active"})["id"]
	for _, email := range []string{"ada@example.org", "bo@example.org"} {
		m := mustMember(t, ps.testServer, iss, email, strings.Split(email, "@")[0])
		ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": lead, "memberId": m}}).want(t, 201)
	}
	mustMember(t, ps.testServer, iss, "grace@example.org", "Grace Hopper")

	ada := ps.memberSignedIn(t, "ada@example.org")
	ada.get(t, "/me").wantHTML(t, `href="/me/checkins"`)
	ada.get(t, "/me/checkins").wantPage(t, http.StatusOK, "Open a check-in")
	form := url.Values{"title": {"Ada's <b>workshop</b>"}, "behaviour": {"attended-session"}, "window": {"60"}}
	forged := url.Values{"csrf": {strings.Repeat("A", 43)}, "title": form["title"], "behaviour": form["behaviour"], "window": form["window"]}
	ada.post(t, "/me/checkins", forged).wantPage(t, http.StatusForbidden)
	ada.post(t, "/me/checkins", url.Values{"title": {""}, "behaviour": {"attended-session"}, "window": {"60"}}).wantPage(t, http.StatusBadRequest, "The title is required")
	path := ada.post(t, "/me/checkins", form).wantRedirect(t, "/me/checkins/")
	ps.clock.Advance(time.Minute) // the pages' clock stood still while the check-in opened, on the service's
	p := ada.get(t, path)
	p.wantPage(t, http.StatusOK, "Ada's <b>workshop</b>", "Checked in: 0", path+"/qr.svg")
	if !checkInCodeMe.MatchString(p.Body) {
		t.Fatalf("the leader's check-in page shows no code: %s", p.Body)
	}
	if qr := ada.get(t, path+"/qr.svg"); qr.Code != http.StatusOK || !strings.HasPrefix(qr.Body, "<svg") {
		t.Fatalf("QR code: %d", qr.Code)
	}
	ada.get(t, "/me/checkins").wantPage(t, http.StatusOK, "Check-ins you opened", "Ada's <b>workshop</b>")

	bo := ps.memberSignedIn(t, "bo@example.org")
	bo.get(t, path).wantPage(t, http.StatusNotFound)
	bo.get(t, path+"/qr.svg").wantPage(t, http.StatusNotFound)
	if l := bo.get(t, "/me/checkins"); strings.Contains(l.Body, "workshop") {
		t.Fatal("another leader sees Ada's check-in")
	}
	grace := ps.memberSignedIn(t, "grace@example.org")
	grace.get(t, "/me/checkins").wantPage(t, http.StatusForbidden, "Only members holding a badge that lets them lead")
	grace.get(t, path).wantPage(t, http.StatusForbidden)
	grace.post(t, "/me/checkins", form).wantPage(t, http.StatusForbidden)
}

var checkInCodeMe = regexp.MustCompile(`class="me-code"[^>]*>[A-Z2-9]{6}<`)

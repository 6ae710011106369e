package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// walkWait bounds each wait of the walk for something the page or the
// background work brings: a bound for a hung page on a loaded machine,
// not a measure of speed.
const walkWait = 2 * time.Minute

// walk is a manager's tab on a Laurel started as "laurel --demo", with
// where the screenshots of each step go.
type walk struct {
	tab           *browsertest.Tab
	base, console string // the server; the demo community's console
	dir           string
	step          int
}

// shot writes the tab's screenshot of the next step, walk-NN-name.png.
func (w *walk) shot(t *testing.T, name string) {
	t.Helper()
	w.step++
	w.tab.Screenshot(t, filepath.Join(w.dir, fmt.Sprintf("walk-%02d-%s.png", w.step, name)))
}

// nav follows a link of the console's side navigation.
func (w *walk) nav(t *testing.T, section string) {
	t.Helper()
	w.tab.Click(t, fmt.Sprintf(`nav.side-nav a[href=%q]`, strings.TrimPrefix(w.console+section, w.base)))
}

// flash is the message the last action left.
func (w *walk) flash(t *testing.T, want string) {
	t.Helper()
	if got := w.tab.Text(t, ".flash"); !strings.Contains(got, want) {
		t.Fatalf("on %s the flash says %q, want %q", w.tab.URL(t), got, want)
	}
}

// TestBrowser_ConsoleWalk walks issue 13's "done when" in Chromium: a
// manager who has never seen the API starts from "laurel --demo", sets a
// password, creates a badge with a streak rule, previews and activates it,
// sees it awarded to the members who qualify, revokes one, imports members
// and activity from CSV files, approves a nomination and reads the
// dashboard, all through the console's pages. The API only checks what
// the pages did, afterwards.
func TestBrowser_ConsoleWalk(t *testing.T) {
	t.Parallel()
	m, out := startMain(t, t.TempDir(), func(c *Config) { c.Demo = true })
	base, token := linkToken(t, out)
	if base != m.URL() {
		t.Fatalf("the set-password link is on %s, not %s:\n%s", base, m.URL(), out)
	}
	b := browsertest.New(t)
	w := &walk{base: base, dir: browsertest.ScreenshotDir(t)}
	w.tab = b.Open(t, base+"/admin/password/"+token, 1280, 800, browsertest.Light)
	api := newClient(t, base, adminKey(t, out))

	w.signIn(t)
	badge, name := w.createBadge(t)
	wouldEarn := w.buildRule(t, badge, name)
	credential := w.activateAndSeeAwards(t, badge, name, wouldEarn)
	w.revoke(t, credential, name)
	emails := w.importMembers(t)
	w.importActivity(t, emails)
	nominee := w.approveNomination(t)
	w.readDashboard(t)

	// What the pages did, as the API reports it.
	iss := strings.TrimPrefix(w.console, base+"/admin/c/")
	creds := api.json(t, "GET", "/api/v1/issuers/"+iss+"/credentials?achievement="+badge, nil, http.StatusOK)
	if n := total(t, creds); n != wouldEarn {
		t.Errorf("the API lists %d credentials of %s, the preview said %d", n, name, wouldEarn)
	}
	revoked := api.json(t, "GET", "/api/v1/issuers/"+iss+"/credentials?status=revoked&achievement="+badge, nil, http.StatusOK)
	if n := total(t, revoked); n != 1 || !strings.Contains(fmt.Sprint(revoked), credential) {
		t.Errorf("the API lists %d revoked credentials of %s, want the one revoked: %v", n, name, revoked)
	}
	for _, e := range emails {
		found := api.json(t, "GET", "/api/v1/issuers/"+iss+"/members?email="+url.QueryEscape(e), nil, http.StatusOK)
		if n := total(t, found); n != 1 {
			t.Errorf("the API finds %d members of %s after the import, want 1", n, e)
			continue
		}
		member := str(t, found["items"].([]any)[0].(map[string]any), "id")
		if n := total(t, api.json(t, "GET", "/api/v1/members/"+member+"/activities", nil, http.StatusOK)); n != 2 {
			t.Errorf("the API lists %d activities of %s after the import, want 2", n, e)
		}
	}
	approved := api.json(t, "GET", "/api/v1/issuers/"+iss+"/nominations?status=approved", nil, http.StatusOK)
	items, _ := approved["items"].([]any)
	if len(items) != 1 || str(t, items[0].(map[string]any), "memberName") != nominee || str(t, items[0].(map[string]any), "credentialId") == "" {
		t.Errorf("the API's approved nominations are %v, want %s's, with its credential", approved, nominee)
	}
}

// signIn opens the printed set-password link, chooses a password and
// signs in, ending on the demo community's dashboard.
func (w *walk) signIn(t *testing.T) {
	t.Helper()
	const password = "a walk in the laurel grove"
	w.tab.Fill(t, "#f-password", password)
	w.tab.Fill(t, "#f-confirm", password)
	w.shot(t, "set-password")
	w.tab.Click(t, "button[type=submit]")
	if got := w.tab.URL(t); got != w.base+"/admin/login" {
		t.Fatalf("setting the password ends on %s, want the sign-in page", got)
	}
	w.flash(t, "Your password is set")
	w.tab.Fill(t, "#f-email", demoAdminEmail)
	w.tab.Fill(t, "#f-password", password)
	w.shot(t, "sign-in")
	w.tab.Click(t, "button.primary")
	w.console = w.tab.URL(t)
	if w.console == w.base+"/admin" {
		// The demo has two communities: the manager picks the first from
		// the list of communities (not the switcher's copy of it).
		w.shot(t, "communities")
		var href string
		w.tab.Eval(t, `[...document.querySelectorAll('main a[href^="/admin/c/"]')].find(a => a.textContent.includes("Demo Community of Practice")).getAttribute("href")`, &href)
		w.tab.Click(t, `main a[href="`+href+`"]`)
		w.console = w.tab.URL(t)
	}
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(w.base) + `/admin/c/[^/]+$`).MatchString(w.console) {
		t.Fatalf("signing in to the demo ends on %s, want its one community's dashboard", w.console)
	}
	w.tab.WantNoProblems(t)
}

// createBadge makes a draft badge through Badges → New badge, watching the
// public page's preview follow the form. It returns the badge's id and
// name.
func (w *walk) createBadge(t *testing.T) (badge, name string) {
	t.Helper()
	name = "Forum Regular"
	w.nav(t, "/badges")
	w.tab.Click(t, `.page-head a[href$="/badges/new"]`)
	frameH1 := `(document.querySelector("iframe.preview-frame").contentDocument.querySelector("h1") || {}).textContent`
	w.tab.WaitFor(t, frameH1+` === "Your new badge"`, walkWait)
	w.tab.Fill(t, "#f-name", name)
	w.tab.Fill(t, "#f-description", "Replies in the forum week after week.")
	w.tab.Fill(t, "#f-criteria", "Reply in the forum in **four** weeks in a row.")
	w.tab.Fill(t, "#f-status", "draft")
	w.tab.WaitFor(t, frameH1+` === "`+name+`"`, walkWait)
	w.tab.WaitFor(t, `(document.querySelector("iframe.preview-frame").contentDocument.querySelector(".criteria strong") || {}).textContent === "four"`, walkWait)
	w.shot(t, "badge-preview")
	w.tab.Click(t, "#badge-form button.primary")
	w.flash(t, name+" is saved as draft")
	badge = strings.TrimPrefix(w.tab.URL(t), w.console+"/badges/")
	if strings.Contains(badge, "/") || badge == "" {
		t.Fatalf("creating the badge ends on %s, want its page", w.tab.URL(t))
	}
	w.tab.WantNoProblems(t)
	return badge, name
}

// ruleField is the rule builder's field of the top condition.
func ruleField(key string) string { return fmt.Sprintf(`[id="f-c.%s"]`, key) }

// buildRule gives the badge a streak rule in the rule builder ("replied"
// in four weeks in a row, which the demo's most engaged members did),
// reads the live preview and saves the rule. It returns how many members
// the preview says would earn the badge.
func (w *walk) buildRule(t *testing.T, badge, name string) int {
	t.Helper()
	w.tab.Click(t, `a[href$="/badges/`+badge+`/rule"]`)
	if got := w.tab.Text(t, "h1"); got != "Rule of "+name {
		t.Fatalf("the rule link opens %q", got)
	}
	// Choosing the type redraws the condition's fields (admin.js presses
	// "Change type"): the streak's unit appears.
	w.tab.Fill(t, ruleField("type"), "streak")
	w.tab.WaitFor(t, `document.readyState === "complete" && document.querySelector('[id="f-c.unit"]') !== null`, walkWait)
	w.tab.Fill(t, ruleField("behaviour"), "replied")
	w.tab.Fill(t, ruleField("min"), "4")
	w.tab.Fill(t, ruleField("unit"), "weeks")
	// The live preview answers the form as it is now.
	w.tab.WaitFor(t, `(() => {
		const json = (document.querySelector("#rule-live .rule-json") || {}).textContent || "";
		const flat = json.replace(/\s/g, "");
		return flat.includes('"streak"') && flat.includes('"behaviour":"replied"') && flat.includes('"min":4') &&
			flat.includes('"unit":"weeks"') && document.querySelector("#rule-live .rule-count strong") !== null &&
			document.querySelector("#rule-live .rule-names li") !== null;
	})()`, walkWait)
	count := w.tab.Text(t, "#rule-live .rule-count strong")
	n, err := strconv.Atoi(strings.ReplaceAll(count, ",", ""))
	if err != nil || n <= 0 {
		t.Fatalf("the preview says %q members would earn it, want a positive number", count)
	}
	if words := w.tab.Text(t, "#rule-live .rule-text"); !strings.Contains(words, "4") || !strings.Contains(words, "week") {
		t.Errorf("the rule in words is %q", words)
	}
	w.shot(t, "rule-preview")
	w.tab.Click(t, `#rule-form button[value="save"]`)
	w.flash(t, "The rule of "+name+" is saved")
	// The saved rule's page shows who would qualify once it has loaded.
	w.tab.WaitFor(t, `document.querySelector("#rule-live .rule-count") !== null`, walkWait)
	w.shot(t, "rule-saved")
	w.tab.WantNoProblems(t)
	return n
}

// activateAndSeeAwards activates the badge (its confirmation first),
// follows the re-evaluation that starts to its end, then filters the
// awards by the badge until they number what the preview said. It
// returns the first award's credential id.
func (w *walk) activateAndSeeAwards(t *testing.T, badge, name string, wouldEarn int) string {
	t.Helper()
	// The rule page of a draft offers its activation.
	w.tab.Click(t, "#rule-activate")
	if got := w.tab.Text(t, ".confirm .next-steps"); !strings.Contains(got, "those who meet it now are awarded it") {
		t.Errorf("the activation's confirmation says %q", got)
	}
	w.shot(t, "activate-confirm")
	w.tab.Click(t, ".confirm button.primary")
	w.flash(t, name+" is active")
	w.tab.Click(t, `section[aria-labelledby="reevaluations"] tbody tr:first-child a`)
	w.tab.WaitFor(t, `document.querySelector("#reevaluation-progress .job-state.good") !== null`, walkWait)
	w.shot(t, "reevaluation-done")
	// The finished re-evaluation leads to the badge's awards.
	w.tab.Click(t, "#reevaluation-awards")
	var selected string
	w.tab.Eval(t, `(document.querySelector("#f-achievement option:checked") || {}).textContent`, &selected)
	if strings.TrimSpace(selected) != name {
		t.Errorf("the awards are filtered to %q, want %s", selected, name)
	}
	// The queued awards are issued in the background: the list is read
	// again until it holds them all.
	filtered := w.tab.URL(t)
	want := fmt.Sprintf(" of %d", wouldEarn)
	deadline := time.Now().Add(walkWait)
	for !strings.HasSuffix(w.pagerText(t), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the awards of %s say %q after %v, want %q", name, w.pagerText(t), walkWait, want)
		}
		w.tab.Go(t, filtered)
	}
	if got := w.tab.Text(t, "table.awards tbody tr:first-child td:nth-child(2)"); got != name {
		t.Errorf("the filtered awards show %q", got)
	}
	w.shot(t, "awards")
	w.tab.WantNoProblems(t)
	w.tab.Click(t, "table.awards tbody tr:first-child td:nth-child(2) a")
	return strings.TrimPrefix(w.tab.URL(t), w.console+"/awards/")
}

// pagerText is the awards pager's count, or "" when the list is empty.
func (w *walk) pagerText(t *testing.T) string {
	t.Helper()
	if w.tab.Count(t, "nav.pager span") == 0 {
		return ""
	}
	return strings.ReplaceAll(w.tab.Text(t, "nav.pager span"), ",", "")
}

// revoke revokes the credential shown with a private reason, through its
// confirmation, then opens its public page: revoked, without the reason.
func (w *walk) revoke(t *testing.T, credential, name string) {
	t.Helper()
	const reason = "Replies copied from another forum."
	w.tab.Click(t, `.page-head a[href$="/revoke"]`)
	w.tab.Fill(t, "#f-reason", reason)
	w.tab.Click(t, "button.primary")
	if got := w.tab.Text(t, ".what-happens"); !strings.HasPrefix(got, "Revoke "+name+" of ") || !strings.HasSuffix(got, "the reason stays private.") {
		t.Errorf("the revocation's check says %q", got)
	}
	w.shot(t, "revoke-confirm")
	w.tab.Click(t, `button[value="confirm"]`)
	w.flash(t, "is revoked")
	w.tab.WantNoProblems(t)
	w.tab.Click(t, `.page-head a[href="/credentials/`+credential+`"]`)
	status := w.tab.Text(t, "#status")
	if !strings.Contains(strings.ToLower(status), "revoked") {
		t.Errorf("the public credential page says %q, want it revoked", status)
	}
	var body string
	w.tab.Eval(t, `document.body.innerText`, &body)
	if strings.Contains(body, reason) {
		t.Errorf("the public credential page shows the private reason")
	}
	w.shot(t, "revoked-public")
	w.tab.Go(t, w.console)
}

// importMembers imports three new members from a CSV file through
// Members → Import from CSV, and watches the job to its end.
func (w *walk) importMembers(t *testing.T) []string {
	t.Helper()
	emails := []string{"wanda.walker@example.org", "walt.whitfield@example.org", "wren.wallace@example.org"}
	csv := "email,displayName,publicProfile\n" + emails[0] + ",Wanda Walker,yes\n" +
		emails[1] + ",Walt Whitfield,no\n" + emails[2] + ",Wren Wallace,yes\n"
	w.nav(t, "/members")
	w.tab.Click(t, `.page-head a[href$="/members/import"]`)
	w.tab.Upload(t, "#f-file", writeTemp(t, "new-members.csv", csv))
	w.tab.Click(t, "form[enctype] button.primary")
	w.waitJob(t, "3 rows worked through")
	w.shot(t, "members-imported")
	return emails
}

// importActivity records activity of the new members from a CSV file
// through Activity → Import from a CSV file.
func (w *walk) importActivity(t *testing.T, emails []string) {
	t.Helper()
	var csv strings.Builder
	csv.WriteString("behaviour,at,email,narrative\n")
	for i, e := range emails {
		at := time.Now().UTC().Add(-time.Duration(24*(i+1)) * time.Hour).Format(time.RFC3339)
		fmt.Fprintf(&csv, "attended-session,%s,%s,Came to the newcomers' evening.\n", at, e)
		fmt.Fprintf(&csv, "completed-onboarding,%s,%s,\n", at, e)
	}
	w.nav(t, "/activity")
	w.tab.Click(t, `.page-head a[href$="/activity/import"]`)
	w.tab.Upload(t, "#f-file", writeTemp(t, "newcomers-evening.csv", csv.String()))
	w.tab.Click(t, "form[enctype] button.primary")
	w.waitJob(t, "6 rows worked through")
	w.shot(t, "activity-imported")
}

// waitJob waits on a job's page, which polls, for it to be done without a
// failed row.
func (w *walk) waitJob(t *testing.T, want string) {
	t.Helper()
	if !strings.Contains(w.tab.URL(t), "/jobs/") {
		t.Fatalf("the upload ends on %s, want its job's page", w.tab.URL(t))
	}
	w.tab.WaitFor(t, `document.querySelector("#job-progress .job-state.good") !== null`, walkWait)
	if got := w.tab.Text(t, "#job-progress .job-state"); !strings.Contains(got, want) {
		t.Errorf("the job says %q, want %q", got, want)
	}
	if n := w.tab.Count(t, "#job-progress table"); n != 0 {
		t.Errorf("the job lists failed rows: %s", w.tab.Text(t, "#job-progress table"))
	}
	if n := w.tab.Count(t, "#job-progress .counts div"); n == 0 {
		t.Error("the finished job shows no counts")
	}
	w.tab.WantNoProblems(t)
}

// writeTemp writes a file for an upload and returns its path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// approveNomination approves the first pending nomination and finds it
// among the approved ones. It returns the nominee's name.
func (w *walk) approveNomination(t *testing.T) string {
	t.Helper()
	w.nav(t, "/nominations")
	nominee := w.tab.Text(t, "table.data tbody tr:first-child td:first-child")
	badge := w.tab.Text(t, "table.data tbody tr:first-child td:nth-child(2)")
	w.tab.Click(t, "table.data tbody tr:first-child a.button")
	w.shot(t, "nomination")
	w.tab.Click(t, ".confirm button.primary")
	w.flash(t, nominee+" is awarded "+badge+".")
	w.tab.Click(t, `ul.chips a[href$="status=approved"]`)
	var found bool
	w.tab.Eval(t, `Array.from(document.querySelectorAll("table.data tbody tr")).some(r =>
		r.cells[0].textContent.trim() === `+strconv.Quote(nominee)+` && r.textContent.includes("Approved"))`, &found)
	if !found {
		t.Errorf("the approved nominations do not list %s", nominee)
	}
	w.shot(t, "nomination-approved")
	// The approved nomination leads to the credential it issued.
	w.tab.Click(t, `table.data tbody tr:first-child a[href*="/awards/"]`)
	if got := w.tab.Text(t, "h1"); !strings.Contains(got, nominee) || !strings.Contains(got, badge) {
		t.Errorf("the approved nomination's award is %q, want %s's %s", got, nominee, badge)
	}
	w.tab.WantNoProblems(t)
	return nominee
}

// readDashboard reads the dashboard: headline numbers, charts drawn as
// SVG with titles, and a chart's numbers as a table.
func (w *walk) readDashboard(t *testing.T) {
	t.Helper()
	w.nav(t, "")
	if n := w.tab.Count(t, "ul.headline li .headline-n"); n == 0 {
		t.Error("the dashboard shows no headline numbers")
	}
	charts := w.tab.Count(t, ".chart-card")
	if charts == 0 || w.tab.Count(t, ".chart-card svg") != charts || w.tab.Count(t, ".chart-card svg title") < charts {
		t.Errorf("%d charts, %d drawn, %d SVG titles", charts, w.tab.Count(t, ".chart-card svg"), w.tab.Count(t, ".chart-card svg title"))
	}
	w.tab.Click(t, ".chart-card:first-child .chart-numbers summary")
	var shown bool
	w.tab.Eval(t, `document.querySelector(".chart-card:first-child .chart-table").checkVisibility()`, &shown)
	if !shown {
		t.Error(`"Show the numbers" does not show the chart's table`)
	}
	w.shot(t, "dashboard")
	w.tab.WantNoProblems(t)
}

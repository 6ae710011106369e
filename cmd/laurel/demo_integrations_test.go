package main

import (
	"context"
	"io"
	"net/http"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// checkDemoIntegrations checks, through the API, the demo community's
// integrations: the forum and the repository listed, each with deliveries
// in its log dated in the past that recorded activity; the monthly call's
// attendance recorded for Ada; and no endpoint enabled, since the demo's
// receivers are examples that would fail.
func checkDemoIntegrations(t *testing.T, c *client, issuerURL string) {
	t.Helper()
	base := "/api/v1/issuers/" + path.Base(issuerURL)
	sources := c.json(t, "GET", base+"/sources", nil, http.StatusOK)["items"].([]any)
	presets := map[string]string{}
	for _, it := range sources {
		src := c.json(t, "GET", "/api/v1/sources/"+it.(map[string]any)["id"].(string), nil, http.StatusOK)
		presets[src["name"].(string)] = src["preset"].(string)
		calls, _ := src["recentCalls"].([]any)
		recorded := 0.0
		for _, cl := range calls {
			cl := cl.(map[string]any)
			at, err := time.Parse(time.RFC3339, cl["at"].(string))
			if err != nil || time.Since(at) < 24*time.Hour || cl["status"].(float64) != http.StatusOK {
				t.Errorf("source %q: a call at %v (%v) answered %v; want the demo's past, answered 200", src["name"], at, err, cl["status"])
			}
			recorded += cl["recorded"].(float64)
		}
		if len(calls) < 3 || recorded < 2 || src["enabled"] != true {
			t.Errorf("source %q (enabled %v): %d calls recording %v activities; want a few that recorded some", src["name"], src["enabled"], len(calls), recorded)
		}
	}
	if presets["Community forum"] != "discourse" || presets["Project repository"] != "github" || len(presets) != 2 {
		t.Errorf("demo sources by name and preset: %v; want the forum (discourse) and the repository (github)", presets)
	}
	hooks := c.json(t, "GET", base+"/webhooks", nil, http.StatusOK)["items"].([]any)
	for _, it := range hooks {
		if e := it.(map[string]any); e["state"] != string(badges.EndpointDisabled) || !strings.HasPrefix(e["description"].(string), "Example:") {
			t.Errorf("demo endpoint toward %v is %v, described %q; want every one a disabled example", e["url"], e["state"], e["description"])
		}
	}
	if len(hooks) == 0 {
		t.Error("the demo has no example endpoint")
	}
	checkDemoAttended(t, c, base)
}

// checkDemoAttended checks that the imported call is among Ada's
// activities, dated in the demo's past.
func checkDemoAttended(t *testing.T, c *client, base string) {
	t.Helper()
	ada := c.json(t, "GET", base+"/members?email=member0@example.org", nil, http.StatusOK)["items"].([]any)[0].(map[string]any)
	acts := c.json(t, "GET", "/api/v1/members/"+ada["id"].(string)+"/activities?limit=200", nil, http.StatusOK)["items"].([]any)
	for _, it := range acts {
		a := it.(map[string]any)
		if id, _ := a["sourceEventId"].(string); strings.HasPrefix(id, "attendance:") && a["behaviour"] == "attended-session" {
			if at, err := time.Parse(time.RFC3339, a["at"].(string)); err != nil || time.Since(at) < 24*time.Hour {
				t.Errorf("Ada's attendance of the imported call is dated %v (%v); want the demo's past", at, err)
			}
			return
		}
	}
	t.Errorf("none of Ada's %d activities comes from the imported participant report", len(acts))
}

// checkDemoAttendanceJob opens the stopped demo's data and checks its
// attendance import: one job, finished in the demo's past, with the
// members who stayed long enough recorded and the others reported.
func checkDemoAttendanceJob(t *testing.T, dir, issuerID string) {
	t.Helper()
	m := NewMain(io.Discard, io.Discard)
	m.Config.DataDir = dir
	l, err := m.openData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	page, err := l.Jobs.JobsOf(context.Background(), issuerID, badges.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var jobs []*badges.Job
	for _, j := range page.Items {
		if j.Kind == badges.JobAttendance {
			jobs = append(jobs, j)
		}
	}
	if len(jobs) != 1 {
		t.Fatalf("the demo has %d attendance jobs; want 1", len(jobs))
	}
	j := jobs[0]
	if j.State != badges.JobDone || j.Counts["recorded"] != 5 || j.Counts[badges.AttendanceTooShort] != 1 ||
		j.Counts[badges.AttendanceNoEmail] != 1 || time.Since(j.FinishedAt) < 24*time.Hour {
		t.Errorf("the demo's attendance job is %s, finished %v, counts %v; want done days ago, 5 recorded, 1 too short, 1 without e-mail",
			j.State, j.FinishedAt, j.Counts)
	}
}

package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mapping"
)

// demoSources are the demo community's forum and repository, connected a
// month ago, and what their tools sent since, shaped as Discourse and
// GitHub send it (trimmed to the fields that matter): some deliveries
// record activity, the first post of a topic and GitHub's ping are
// ignored by the presets' mappings, and a forum user who is no member is
// skipped.
func demoSources(now time.Time) []demoSource {
	day := func(d, h int) time.Time {
		return now.Truncate(time.Hour).AddDate(0, 0, -d).Add(time.Duration(h) * time.Hour)
	}
	return []demoSource{
		{in: badges.SourceInput{Name: "Community forum", Preset: mapping.PresetDiscourse}, created: day(31, 0), deliveries: []demoDelivery{
			discourse(day(9, 2), 9181, "topic_created", "topic", fmt.Sprintf(`{"topic": {"id": 412, "title": "Notes from the monthly call",
"slug": "notes-from-the-monthly-call", "posts_count": 1, "created_at": %q, "created_by": {"id": 17, "username": "ada", "name": "Ada Lovelace"}}}`, rfc(day(9, 2)))),
			discourse(day(9, 2), 9182, "post_created", "post", discoursePost(5120, 1, "ada", 412, "Notes from the monthly call", day(9, 2))),
			discourse(day(8, 5), 9207, "post_created", "post", discoursePost(5131, 2, "grace", 412, "Notes from the monthly call", day(8, 5))),
			discourse(day(6, 1), 9266, "post_created", "post", discoursePost(5187, 4, "sam-from-the-meetup", 398, "Where do newcomers start?", day(6, 1))),
			discourse(day(4, 3), 9301, "accepted_solution", "solved", `{"solved": {"id": 5164, "username": "alan", "name": "Alan Turing",
"post_number": 3, "topic_id": 398, "topic_slug": "where-do-newcomers-start", "topic_title": "Where do newcomers start?", "accepted_answer": true}}`),
		}},
		{in: badges.SourceInput{Name: "Project repository", Preset: mapping.PresetGitHub}, created: day(30, 1), deliveries: []demoDelivery{
			github(day(30, 1), "ping", `{"zen": "Keep it logically awesome.", "hook_id": 48213377, "sender": {"login": "ada"}}`),
			github(day(7, 4), "issues", fmt.Sprintf(`{"action": "opened", "issue": {"number": 57, "title": "The badge page could show when it expires",
"html_url": "https://github.com/example/community-site/issues/57", "created_at": %q, "user": {"login": "katherine"}}, "sender": {"login": "katherine"}}`, rfc(day(7, 4)))),
			github(day(5, 6), "pull_request_review", fmt.Sprintf(`{"action": "submitted", "review": {"state": "approved",
"html_url": "https://github.com/example/community-site/pull/58#pullrequestreview-2231", "submitted_at": %q, "user": {"login": "ken"}},
"pull_request": {"number": 58, "title": "Show a badge's expiry on its page"}, "sender": {"login": "ken"}}`, rfc(day(5, 6)))),
			github(day(5, 7), "pull_request", fmt.Sprintf(`{"action": "closed", "number": 58, "pull_request": {"number": 58, "merged": true,
"merged_at": %q, "title": "Show a badge's expiry on its page", "html_url": "https://github.com/example/community-site/pull/58",
"user": {"login": "linus"}}, "sender": {"login": "ken"}}`, rfc(day(5, 7)))),
		}},
	}
}

// discourse is a Discourse webhook delivery of an event.
func discourse(at time.Time, id int, event, kind, body string) demoDelivery {
	return demoDelivery{at: at.Add(time.Duration(1+id%7) * time.Second), body: body, header: map[string]string{"X-Discourse-Instance": "https://forum.example.org",
		"X-Discourse-Event-Id": strconv.Itoa(id), "X-Discourse-Event-Type": kind, "X-Discourse-Event": event}}
}

// discoursePost is the body of Discourse's post_created.
func discoursePost(id, number int, username string, topic int, title string, at time.Time) string {
	return fmt.Sprintf(`{"post": {"id": %d, "post_number": %d, "username": %q, "created_at": %q, "topic_id": %d, "topic_title": %q}}`,
		id, number, username, rfc(at), topic, title)
}

// github is a GitHub webhook delivery of an event; its delivery id is
// derived from the event and its time, as unique as GitHub's.
func github(at time.Time, event, body string) demoDelivery {
	return demoDelivery{at: at.Add(3 * time.Second), body: body, header: map[string]string{"User-Agent": "GitHub-Hookshot/7c1a2f4",
		"X-GitHub-Event": event, "X-GitHub-Hook-ID": "48213377",
		"X-GitHub-Delivery": fmt.Sprintf("%08x-cc78-11e3-81ab-4c9367dc0958", at.Unix()&0xffffffff)}}
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

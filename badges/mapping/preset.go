package mapping

import (
	"fmt"
	"slices"
)

// Preset names a tool Laurel knows: how it signs its deliveries, and a
// ready mapping of the events worth recognising.
type Preset string

// The presets.
const (
	PresetDiscourse Preset = "discourse"
	PresetGitHub    Preset = "github"
	PresetGeneric   Preset = "generic"
)

// Presets are every preset, in the order a person picks from.
var Presets = []Preset{PresetDiscourse, PresetGitHub, PresetGeneric}

// ValidPreset says whether p is a preset.
func ValidPreset(p Preset) bool {
	return p == PresetDiscourse || p == PresetGitHub || p == PresetGeneric
}

// discourseMapping maps Discourse's webhooks (the post, topic, like and
// solved event types). A member is their Discourse username as external
// id, or their e-mail address where a Discourse version sends it. Each
// event's key is its type and the ids of what it is about, so a
// redelivery, or the same event delivered to a second webhook, is a
// duplicate.
const discourseMapping = `{
  "when": [
    {"if": {"header:X-Discourse-Event": "topic_created"}, "behaviour": "posted",
     "memberExternalId": "topic.created_by.username", "at": "topic.created_at", "narrative": "topic.title",
     "eventKey": ["header:X-Discourse-Event", "topic.id"]},
    {"if": {"header:X-Discourse-Event": "post_created", "post.post_number": 1},
     "ignore": "The first post of a topic counts as the topic (topic_created)."},
    {"if": {"header:X-Discourse-Event": "post_created"}, "behaviour": "replied",
     "memberEmail": "post.user_email", "memberExternalId": "post.username", "at": "post.created_at", "narrative": "post.topic_title",
     "eventKey": ["header:X-Discourse-Event", "post.id"]},
    {"if": {"header:X-Discourse-Event": "accepted_solution"}, "behaviour": "solution-accepted",
     "memberEmail": "solved.user_email", "memberExternalId": "solved.username", "narrative": "solved.topic_title",
     "eventKey": ["header:X-Discourse-Event", "solved.id"]},
    {"if": {"header:X-Discourse-Event": "post_liked"}, "behaviour": "like-received",
     "memberEmail": "like.post.user_email", "memberExternalId": "like.post.username", "narrative": "like.post.topic_title",
     "eventKey": ["header:X-Discourse-Event", "like.post.id", "like.user.id"]}
  ]
}`

// githubMapping maps GitHub's webhooks: a merged pull request credits its
// author, an opened issue its author, a submitted review its reviewer,
// each by GitHub login as external id. GitHub keeps a delivery's id when
// it redelivers it, which makes that id the event's key.
const githubMapping = `{
  "eventKey": ["header:X-GitHub-Delivery"],
  "memberExternalId": "sender.login",
  "when": [
    {"if": {"header:X-GitHub-Event": "ping"}, "ignore": "GitHub's ping: the webhook reaches Laurel."},
    {"if": {"header:X-GitHub-Event": "pull_request", "action": "closed", "pull_request.merged": true}, "behaviour": "pull-request-merged",
     "memberExternalId": ["pull_request.user.login", "sender.login"], "at": "pull_request.merged_at",
     "evidenceUrl": "pull_request.html_url", "narrative": "pull_request.title"},
    {"if": {"header:X-GitHub-Event": "issues", "action": "opened"}, "behaviour": "issue-opened",
     "memberExternalId": ["issue.user.login", "sender.login"], "at": "issue.created_at",
     "evidenceUrl": "issue.html_url", "narrative": "issue.title"},
    {"if": {"header:X-GitHub-Event": "pull_request_review", "action": "submitted"}, "behaviour": "gave-feedback",
     "memberExternalId": ["review.user.login", "sender.login"], "at": "review.submitted_at",
     "evidenceUrl": "review.html_url", "narrative": "pull_request.title"}
  ]
}`

// genericMapping reads Laurel's own shape: one activity, or an array of
// them under "activities", each with an id that makes it idempotent.
const genericMapping = `{
  "items": "activities",
  "behaviourFrom": "behaviour",
  "memberEmail": "email", "memberExternalId": "externalId", "memberName": "name",
  "at": "at", "evidenceUrl": "evidenceUrl", "narrative": "narrative",
  "peerEmail": "peerEmail", "peerExternalId": "peerExternalId",
  "eventKey": ["id"]
}`

// PresetJSON is a preset's mapping as JSON, to show and to edit.
func PresetJSON(p Preset) string {
	switch p {
	case PresetDiscourse:
		return discourseMapping
	case PresetGitHub:
		return githubMapping
	}
	return genericMapping
}

// PresetMapping is a preset's mapping, a fresh copy each call.
func PresetMapping(p Preset) *Mapping {
	m, err := Parse([]byte(PresetJSON(p)))
	if err != nil {
		panic(fmt.Sprintf("mapping: preset %s: %v", p, err)) // the presets are constants, checked by the tests
	}
	return m
}

// Sample is a small delivery of a preset's tool, to try a mapping with:
// its headers, one a line ("Name: value"), and its body.
func Sample(p Preset) (headers, body string) {
	switch p {
	case PresetDiscourse:
		return "X-Discourse-Event: post_created\nX-Discourse-Event-Type: post",
			`{"post": {"id": 1042, "username": "ada", "created_at": "2026-11-30T09:12:44.061Z", "post_number": 3, "topic_id": 311, "topic_title": "Looping the engine"}}`
	case PresetGitHub:
		return "X-GitHub-Event: pull_request\nX-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958",
			`{"action": "closed", "pull_request": {"merged": true, "merged_at": "2026-11-30T08:00:00Z", "title": "Loop the Bernoulli numbers", "html_url": "https://github.com/analytical/engine/pull/87", "user": {"login": "ada"}}, "sender": {"login": "charles"}}`
	}
	return "", `{"activities": [{"id": "meetup-30-ada", "email": "ada@example.org", "behaviour": "attended-session", "at": "2026-11-30T18:00:00Z"}]}`
}

// Behaviours are the behaviour keys a mapping records, when it names them
// (a behaviourFrom mapping reads them from each delivery).
func (m *Mapping) Behaviours() []string {
	var keys []string
	add := func(k string) {
		if k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	add(m.Behaviour)
	for _, r := range m.When {
		add(r.Behaviour)
	}
	return keys
}

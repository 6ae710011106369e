package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The console's Integrations hub: one card for each way a community's
// recognition flows to and from its other tools, each leading to its own
// pages (webhooks here, chat, activity in and attendance beside it).

type integrationsPage struct {
	adminPage
	Cards []integrationCard
}

// integrationCard is one way of connecting, in a line, with what the
// community has of it when that is cheap to count, or what to do first
// when it has none.
type integrationCard struct {
	Title, Path, Words, Count, Start string
}

// endpointCounts counts a community's signed webhooks and chat channels:
// one read of its endpoints, which are few.
func (s *Server) endpointCounts(c echo.Context, issuerID string) (webhooks, chats int, err error) {
	if s.svc.Webhooks == nil {
		return 0, 0, nil
	}
	es, err := s.svc.Webhooks.Endpoints(c.Request().Context(), issuerID)
	for _, e := range es {
		if e.Kind.Chat() {
			chats++
		} else {
			webhooks++
		}
	}
	return webhooks, chats, err
}

// countWords says how many of a thing a community has, or "" for none.
func countWords(n int, one, many string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 " + one
	}
	return thousands(n) + " " + many
}

func (s *Server) handleIntegrationsPage(c echo.Context) error {
	v := visitOf(c)
	hooks, chats, err := s.endpointCounts(c, v.Community.ID)
	if err != nil {
		return err
	}
	sources, err := s.svc.Sources.List(c.Request().Context(), v.Community.ID)
	if err != nil {
		return err
	}
	lastReport, err := s.lastAttendanceWords(c)
	if err != nil {
		return err
	}
	p := integrationsPage{adminPage: s.adminPageFor(c, v, "Integrations", "integrations")}
	p.Cards = []integrationCard{
		{Title: "Webhooks", Path: "/integrations/webhooks", Count: countWords(hooks, "endpoint", "endpoints"), Start: "Add a webhook",
			Words: "Tell your own systems, Zapier or n8n when a badge is issued, a nomination decided or a member added, with signed JSON."},
		{Title: "Chat channels", Path: "/integrations/chat", Count: countWords(chats, "channel", "channels"), Start: "Add a channel",
			Words: "Celebrate awards in Slack, Discord or Microsoft Teams, and post a weekly spotlight."},
		{Title: "Activity sources", Path: "/integrations/sources", Count: countWords(len(sources), "source", "sources"), Start: "Add a source",
			Words: "Record activity from your forum, code host or any tool that sends webhooks, mapped to your behaviours."},
		{Title: "Meeting attendance", Path: "/integrations/attendance", Count: lastReport, Start: "Upload a report",
			Words: "Upload a Zoom-style participant report: who stayed long enough is recorded as attending."},
	}
	return s.renderAdmin(c, http.StatusOK, "integrations", p)
}

// lastAttendanceWords says when the latest participant report was
// uploaded, or "" when none was.
func (s *Server) lastAttendanceWords(c echo.Context) (string, error) {
	jobs, err := s.recentJobs(c, badges.JobAttendance)
	if err != nil || len(jobs) == 0 {
		return "", err
	}
	return "Last report " + dayOf(jobs[0].CreatedAt), nil
}

// eventWords say what each event type means, in plain words, beside its
// checkbox.
var eventWords = map[badges.EventType]string{
	badges.EventCredentialIssued:   "A badge is issued to a member.",
	badges.EventCredentialRevoked:  "A badge is revoked.",
	badges.EventCredentialClaimed:  "A member accepts a badge.",
	badges.EventNominationCreated:  "A leader nominates a member, or a member applies for a badge.",
	badges.EventNominationDecided:  "A nomination or application is approved or declined.",
	badges.EventEndorsementCreated: "A leader endorses a member.",
	badges.EventMemberCreated:      "A member is added to the community.",
	badges.EventBadgeActivated:     "A badge becomes active, so members can earn it.",
	badges.EventMeasureTargetMet:   "A measure of success reaches its target.",
}

// eventChoice is one event type's checkbox.
type eventChoice struct {
	Value, Words string
	Checked      bool
}

// eventChoices are the checkboxes of every event type, in the order
// badges.EventTypes lists them, with checked ones ticked.
func eventChoices(checked []badges.EventType) []eventChoice {
	out := make([]eventChoice, len(badges.EventTypes))
	for i, t := range badges.EventTypes {
		out[i] = eventChoice{Value: string(t), Words: eventWords[t]}
		for _, c := range checked {
			out[i].Checked = out[i].Checked || c == t
		}
	}
	return out
}

package api

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/api/chat"
	"github.com/laurel-badges/laurel/badges"
)

// Chat channels in the console: a community's Slack, Discord and Teams
// incoming webhooks, which announce its awards (and, if asked, its new
// badges and the weekly spotlight). They are endpoints of the webhook
// service like any other; this page shows only the chat kinds, never a
// whole URL (an incoming-webhook URL is a secret), and their recent
// deliveries.

// chatRecent is how many of each channel's latest deliveries the page shows.
const chatRecent = 5

type chatPage struct {
	adminPage
	Channels   []chatChannel
	Deliveries []chatDelivery
	Platforms  []choice
	In         chatInput
	Form       formState
	Confirm    *chatChannel // the channel about to be removed
	Off        bool         // this server has no webhook service
}

// chatInput is the form that adds a channel, as typed.
type chatInput struct {
	Kind, URL, Description string
	Spotlight, NewBadges   bool
}

// chatChannel is one channel as the page lists it.
type chatChannel struct {
	ID, Platform, Short, Description string
	Spotlight, NewBadges             bool
	Endpoint                         *badges.Endpoint
}

// chatDelivery is one delivery as the page lists it, newest first.
type chatDelivery struct {
	Platform, Short, When, What, Answer string
	State                               badges.DeliveryState
	at                                  int64
}

// handleChatPage lists the community's chat channels, their recent
// deliveries, and the form that adds one.
func (s *Server) handleChatPage(c echo.Context) error {
	return s.renderChat(c, http.StatusOK, chatPage{In: chatInput{Kind: string(badges.EndpointSlack), Spotlight: true}}, nil)
}

// renderChat draws the page with p's form values and a failure.
func (s *Server) renderChat(c echo.Context, status int, p chatPage, failed error) error {
	v := visitOf(c)
	p.adminPage = s.adminPageFor(c, v, "Chat channels", "integrations")
	for _, pl := range chat.Platforms {
		p.Platforms = append(p.Platforms, choice{Value: string(pl.Kind), Label: pl.Name, Selected: p.In.Kind == string(pl.Kind)})
	}
	if failed != nil {
		p.Form.fail(failed, "url")
	}
	if s.svc.Webhooks == nil {
		p.Off = true
		return s.renderAdmin(c, status, "chat", p)
	}
	var err error
	if p.Channels, p.Deliveries, err = s.chatChannels(c.Request().Context(), v.Community.ID); err != nil {
		return err
	}
	return s.renderAdmin(c, status, "chat", p)
}

// chatChannels reads the community's chat channels and their latest
// deliveries.
func (s *Server) chatChannels(ctx context.Context, issuerID string) ([]chatChannel, []chatDelivery, error) {
	eps, err := s.svc.Webhooks.Endpoints(ctx, issuerID)
	if err != nil {
		return nil, nil, err
	}
	var chs []chatChannel
	var ds []chatDelivery
	for _, e := range eps {
		if !e.Kind.Chat() {
			continue
		}
		ch := channelOf(e)
		chs = append(chs, ch)
		page, err := s.svc.Webhooks.Deliveries(ctx, issuerID, e.ID, badges.ListOptions{Limit: chatRecent})
		if err != nil {
			return nil, nil, err
		}
		for _, d := range page.Items {
			ds = append(ds, deliveryOf(ch, e.URL, d))
		}
	}
	slices.SortStableFunc(ds, func(a, b chatDelivery) int { return cmp.Compare(b.at, a.at) })
	return chs, ds, nil
}

// channelOf is an endpoint as the page lists it.
func channelOf(e *badges.Endpoint) chatChannel {
	pl, _ := chat.PlatformOf(e.Kind)
	return chatChannel{ID: e.ID, Platform: pl.Name, Short: chat.ShortURL(e.URL), Description: e.Description,
		Spotlight: e.Spotlight, NewBadges: slices.Contains(e.Events, badges.EventBadgeActivated), Endpoint: e}
}

// chatEventWords name what a delivery was, for people.
var chatEventWords = map[badges.EventType]string{
	badges.EventCredentialIssued: "Award",
	badges.EventBadgeActivated:   "New badge",
	badges.EventSpotlightWeekly:  "Weekly spotlight",
	badges.EventPing:             "Test post",
}

// deliveryOf is a delivery as the page lists it: what it was, when, and
// the platform's answer to its last attempt, with the channel's URL (a
// secret that an error message may quote) shortened.
func deliveryOf(ch chatChannel, url string, d *badges.WebhookDelivery) chatDelivery {
	out := chatDelivery{Platform: ch.Platform, Short: ch.Short, When: momentOf(d.CreatedAt), What: chatEventWords[d.EventType],
		State: d.State, at: d.CreatedAt.UnixNano()}
	if out.What == "" {
		out.What = string(d.EventType)
	}
	switch {
	case d.State == badges.DeliverySkipped:
		out.Answer = "Not posted: nothing to announce (the member has no public profile, for one)."
	case len(d.Log) > 0:
		a := d.Log[len(d.Log)-1]
		out.Answer = chat.Redact(strings.TrimSpace(a.Detail), url)
		if a.Status != 0 {
			out.Answer = strings.TrimSpace(fmt.Sprintf("%d %s", a.Status, out.Answer))
		}
	default:
		out.Answer = "Not tried yet."
	}
	return out
}

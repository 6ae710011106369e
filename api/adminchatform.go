package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/api/chat"
	"github.com/laurel-badges/laurel/badges"
)

// The chat channels' actions: add one (its URL checked against its
// platform's form), send a test post, and remove one after a confirmation.

// handleChatAdd adds a chat channel to the community.
func (s *Server) handleChatAdd(c echo.Context) error {
	in := chatInput{Kind: c.FormValue("kind"), URL: strings.TrimSpace(c.FormValue("url")), Description: c.FormValue("description"),
		Spotlight: c.FormValue("spotlight") == "yes", NewBadges: c.FormValue("newBadges") == "yes"}
	v := visitOf(c)
	if s.svc.Webhooks == nil {
		return badges.Errorf(badges.EUNAVAILABLE, "Chat channels are not available on this server.")
	}
	kind := badges.EndpointKind(in.Kind)
	err := chat.CheckURL(kind, in.URL, s.cfg.ChatAnyURL)
	if err == nil {
		events := []badges.EventType{badges.EventCredentialIssued}
		if in.NewBadges {
			events = append(events, badges.EventBadgeActivated)
		}
		_, _, err = s.svc.Webhooks.Create(c.Request().Context(), v.Community.ID, badges.EndpointInput{Kind: kind, URL: in.URL,
			Description: in.Description, Events: events, Spotlight: in.Spotlight})
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderChat(c, statusOfFormError(err), chatPage{In: in}, chatFormError(err, in.URL))
	}
	pl, _ := chat.PlatformOf(kind)
	return s.redirectDone(c, v.adminBase()+"/integrations/chat",
		fmt.Sprintf("The %s channel is added: it announces awards from now on. Send a test post to see it work.", pl.Name))
}

// chatFormError is err with the URL typed, a secret, taken out of its
// message (the service's messages quote what they refuse).
func chatFormError(err error, url string) error {
	field, msg := badges.ErrorField(err), badges.ErrorMessage(err)
	if url == "" || !strings.Contains(msg, url) {
		return err
	}
	return &badges.Error{Code: badges.ErrorCode(err), Field: field, Message: chat.Redact(msg, url)}
}

// communityChannel is the chat channel the path names, of the visited
// community.
func (s *Server) communityChannel(c echo.Context) (*badges.Endpoint, error) {
	notFound := badges.Errorf(badges.ENOTFOUND, "No chat channel with id %q.", c.Param("endpoint"))
	if s.svc.Webhooks == nil {
		return nil, notFound
	}
	e, err := s.svc.Webhooks.Endpoint(c.Request().Context(), visitOf(c).Community.ID, c.Param("endpoint"))
	if err != nil {
		return nil, err
	}
	if !e.Kind.Chat() {
		return nil, notFound
	}
	return e, nil
}

// handleChatTest sends a test post to a channel now and says what the
// platform answered.
func (s *Server) handleChatTest(c echo.Context) error {
	e, err := s.communityChannel(c)
	if err != nil {
		return err
	}
	v := visitOf(c)
	d, err := s.svc.Webhooks.Ping(c.Request().Context(), v.Community.ID, e.ID)
	if badges.ErrorCode(err) == badges.EUNAVAILABLE { // a server that sends no webhooks: say so where the button was
		return s.redirectDone(c, v.adminBase()+"/integrations/chat", sentence(badges.ErrorMessage(err))+" The test post was not sent.")
	}
	if err != nil {
		return err
	}
	ch := channelOf(e)
	msg := fmt.Sprintf("The test post reached %s (%s).", ch.Platform, ch.Short)
	if d.State != badges.DeliveryDelivered {
		msg = fmt.Sprintf("The test post did not reach %s (%s): %s Check the URL, or remove the channel and add it again.",
			ch.Platform, ch.Short, sentence(deliveryOf(ch, e.URL, d).Answer))
	}
	return s.redirectDone(c, v.adminBase()+"/integrations/chat", msg)
}

// handleChatRemovePage asks before removing a channel.
func (s *Server) handleChatRemovePage(c echo.Context) error {
	e, err := s.communityChannel(c)
	if err != nil {
		return err
	}
	ch := channelOf(e)
	return s.renderChat(c, http.StatusOK, chatPage{Confirm: &ch}, nil)
}

// handleChatRemove removes a channel: nothing more is posted to it.
func (s *Server) handleChatRemove(c echo.Context) error {
	e, err := s.communityChannel(c)
	if err != nil {
		return err
	}
	v := visitOf(c)
	if err := s.svc.Webhooks.Delete(c.Request().Context(), v.Community.ID, e.ID); err != nil {
		return err
	}
	ch := channelOf(e)
	return s.redirectDone(c, v.adminBase()+"/integrations/chat",
		fmt.Sprintf("The %s channel (%s) is removed: Laurel posts nothing more to it.", ch.Platform, ch.Short))
}

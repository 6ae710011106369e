package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Outbox is what the console asks of the e-mail outbox: a community's
// messages with their delivery logs, and sending a failed one again.
type Outbox interface {
	Configured() bool // messages are sent, not held
	Messages(ctx context.Context, issuerID string, o badges.ListOptions) (*badges.Page[*badges.Message], error)
	Message(ctx context.Context, issuerID, id string) (*badges.Message, error)
	Counts(ctx context.Context, issuerID string) (map[badges.MessageState]int, error)
	SendAgain(ctx context.Context, issuerID, id string) error
}

type messagesPage struct {
	adminPage
	MailOff bool
	Counts  []statusChip
	Rows    []*badges.Message
	Pager   pager
}

type messagePage struct {
	adminPage
	MailOff bool
	Message *badges.Message
	Hidden  bool // a link that acts for the member, shown to service administrators only
	Confirm bool // the "Send again" confirmation
	Form    formState
	Queued  string // when, in words
	Sent    string
	Next    string // when it is tried again, for one waiting
	Log     []deliveryRow
}

// deliveryRow is one attempt of the delivery log, its time in words.
type deliveryRow struct {
	When   string
	OK     bool
	Detail string
}

// momentOf is a time in words, to the minute: the log is read to see what
// happened when.
func momentOf(t time.Time) string { return t.UTC().Format("2 January 2006 at 15:04 UTC") }

// messageStates are the counts' states, in their order, as people read them.
var messageStates = []struct {
	state badges.MessageState
	label string
}{
	{badges.MessagePending, "Waiting to be sent"},
	{badges.MessageHeld, "Kept, not sent"},
	{badges.MessageSent, "Sent"},
	{badges.MessageFailed, "Failed"},
}

// mailOff reports whether messages are held for want of a mail server.
func (s *Server) mailOff() bool { return s.svc.Outbox == nil || !s.svc.Outbox.Configured() }

// handleMessagesPage lists a community's latest messages, newest first,
// with counts by state.
func (s *Server) handleMessagesPage(c echo.Context) error {
	ctx, v := c.Request().Context(), visitOf(c)
	p := messagesPage{adminPage: s.adminPageFor(c, v, "Messages", "messages"), MailOff: s.mailOff()}
	o, from, err := spanListOptions(c)
	if err != nil {
		return err
	}
	if s.svc.Outbox == nil {
		return s.renderAdmin(c, http.StatusOK, "messages", p)
	}
	counts, err := s.svc.Outbox.Counts(ctx, v.Community.ID)
	if err != nil {
		return err
	}
	for _, st := range messageStates {
		if counts[st.state] == 0 {
			continue
		}
		p.Counts = append(p.Counts, statusChip{Label: st.label, N: counts[st.state]})
	}
	page, err := s.svc.Outbox.Messages(ctx, v.Community.ID, o)
	if err != nil {
		return err
	}
	p.Rows = page.Items
	p.Pager = newPager(listURL(p.Base()+"/messages", nil), "from", from, len(page.Items), page.Total, page.NextCursor)
	return s.renderAdmin(c, http.StatusOK, "messages", p)
}

// communityMessage is the message of the path in the visited community.
func (s *Server) communityMessage(c echo.Context) (*badges.Message, error) {
	if s.svc.Outbox == nil {
		return nil, badges.Errorf(badges.ENOTFOUND, "No message with id %q.", c.Param("message"))
	}
	v := visitOf(c)
	return s.svc.Outbox.Message(c.Request().Context(), v.Community.ID, c.Param("message"))
}

// renderMessage shows a message: its parts as text (the HTML part as its
// source, never as markup), its delivery log, and for a failed one the
// way to send it again.
func (s *Server) renderMessage(c echo.Context, status int, m *badges.Message, confirm bool, f formState) error {
	v := visitOf(c)
	title := m.Subject
	if confirm {
		title = "Send “" + m.Subject + "” again?"
	}
	p := messagePage{adminPage: s.adminPageFor(c, v, title, "messages"), MailOff: s.mailOff(), Message: m, Confirm: confirm, Form: f,
		Hidden: m.Kind.Transactional() && !v.Account.ServiceAdmin, Queued: momentOf(m.CreatedAt)}
	if m.State == badges.MessageSent {
		p.Sent = momentOf(m.SentAt)
	}
	if m.State == badges.MessagePending {
		p.Next = momentOf(m.NextAttemptAt)
	}
	for i := len(m.Log) - 1; i >= 0; i-- { // newest first
		d := m.Log[i]
		p.Log = append(p.Log, deliveryRow{When: momentOf(d.At), OK: d.OK, Detail: capital(d.Detail)})
	}
	return s.renderAdmin(c, status, "message", p)
}

func (s *Server) handleMessagePage(c echo.Context) error {
	m, err := s.communityMessage(c)
	if err != nil {
		return err
	}
	return s.renderMessage(c, http.StatusOK, m, false, formState{})
}

func (s *Server) handleMessageSendPage(c echo.Context) error {
	m, err := s.communityMessage(c)
	if err != nil {
		return err
	}
	return s.renderMessage(c, http.StatusOK, m, true, formState{})
}

// handleMessageSend queues a failed message again, with a fresh set of
// attempts; one not failed (sent meanwhile, say) is refused on the
// confirmation page.
func (s *Server) handleMessageSend(c echo.Context) error {
	m, err := s.communityMessage(c)
	if err != nil {
		return err
	}
	if err := s.svc.Outbox.SendAgain(c.Request().Context(), m.IssuerID, m.ID); err != nil {
		if !isFormError(err) {
			return err
		}
		var f formState
		f.fail(err, "confirm")
		return s.renderMessage(c, statusOf[badges.ErrorCode(err)], m, true, f)
	}
	done := "The message to " + m.To + " is queued again: it is sent in a moment."
	if s.mailOff() {
		done = "The message to " + m.To + " is kept again: it is sent once mail is configured."
	}
	return s.redirectDone(c, "/admin/c/"+m.IssuerID+"/messages/"+m.ID, done)
}

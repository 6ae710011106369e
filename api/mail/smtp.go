package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/laurel-badges/laurel/badges"
)

// SMTPSender hands messages to one SMTP server, a connection a message.
// Credentials only ever travel encrypted, except to a relay on loopback:
// smtps is TLS from the first byte; smtp to another machine requires
// STARTTLS, and to loopback uses it when the server offers it.
type SMTPSender struct {
	cfg     SMTPConfig
	from    netmail.Address
	tls     *tls.Config
	now     func() time.Time
	timeout time.Duration
	// loopback says whether the server is on this machine; tests replace
	// it to try the rules for a remote server on a local one.
	loopback bool
}

var _ badges.Sender = (*SMTPSender)(nil)

// NewSMTPSender returns a sender to the server of cfg, from the address
// from. tlsConfig (nil for the system's roots) lets tests trust their own
// certificate; its ServerName defaults to the server's host.
func NewSMTPSender(cfg SMTPConfig, from netmail.Address, tlsConfig *tls.Config, now func() time.Time) *SMTPSender {
	t := &tls.Config{MinVersion: tls.VersionTLS12}
	if tlsConfig != nil {
		t = tlsConfig.Clone()
	}
	if t.ServerName == "" {
		t.ServerName = cfg.Host
	}
	if now == nil {
		now = time.Now
	}
	return &SMTPSender{cfg: cfg, from: from, tls: t, now: now, timeout: 30 * time.Second, loopback: cfg.Loopback()}
}

// Send delivers one message. A refusal of its recipient or content (a 5xx
// answer to RCPT or DATA) wraps badges.ErrMessageRefused; everything else
// (the server down, TLS or authentication failing, a 4xx) is temporary.
func (s *SMTPSender) Send(ctx context.Context, m *badges.Message) error {
	msg, err := s.compose(m)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(s.cfg.Host, s.options()...)
	if err != nil {
		return fmt.Errorf("set up the connection to %s: %w", s.cfg.Redacted(), err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 &&
			(se.Reason == gomail.ErrSMTPRcptTo || se.Reason == gomail.ErrSMTPData || se.Reason == gomail.ErrSMTPDataClose) {
			return fmt.Errorf("%w: %v", badges.ErrMessageRefused, err)
		}
		return err
	}
	return nil
}

// options are the connection's: TLS as the rules above say, and the
// credentials if any.
func (s *SMTPSender) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTLSConfig(s.tls), gomail.WithTimeout(s.timeout)}
	switch {
	case s.cfg.Implicit:
		opts = append(opts, gomail.WithSSL())
	case s.loopback:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username == "" {
		return append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthNoAuth))
	}
	// PLAIN refuses an unencrypted connection itself, except to
	// loopback, where the relay is this machine.
	auth := gomail.SMTPAuthPlain
	if s.loopback {
		auth = gomail.SMTPAuthPlainNoEnc
	}
	return append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
}

// compose makes the MIME message: text and HTML as alternatives, a
// Message-ID from the message's id, List-Unsubscribe for a message that
// is not transactional. Addresses are checked and the subject made one
// line, so that no value can add a header.
func (s *SMTPSender) compose(m *badges.Message) (*gomail.Msg, error) {
	to, err := badges.NormalizeEmail(m.To)
	if err != nil {
		return nil, fmt.Errorf("%w: the recipient %q is not a valid address", badges.ErrMessageRefused, m.To)
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(badges.OneLine(s.from.Name), s.from.Address); err != nil {
		return nil, fmt.Errorf("the sender address: %w", err)
	}
	if err := msg.To(to); err != nil {
		return nil, fmt.Errorf("%w: the recipient: %v", badges.ErrMessageRefused, err)
	}
	msg.Subject(badges.OneLine(m.Subject))
	msg.SetMessageIDWithValue(m.ID + "@" + domainOf(s.from.Address))
	msg.SetDateWithValue(s.now())
	if m.Unsubscribe != "" {
		u, err := url.Parse(m.Unsubscribe)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			strings.ContainsFunc(m.Unsubscribe, func(r rune) bool { return r <= ' ' || r == '<' || r == '>' || r == ',' || r == 0x7f }) {
			return nil, fmt.Errorf("%w: the unsubscribe link %q is not a web address", badges.ErrMessageRefused, m.Unsubscribe)
		}
		msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, "<"+u.String()+">")
		msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

func domainOf(addr string) string { return addr[strings.LastIndexByte(addr, '@')+1:] }

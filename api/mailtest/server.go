// Package mailtest runs a real SMTP server in a test's process, so that
// tests of Laurel's e-mail see what a mail server would receive: the SMTP
// exchange, TLS, authentication, and each message's MIME parts.
package mailtest

import (
	"crypto/tls"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options shape the server.
type Options struct {
	// TLS, when set, is offered by STARTTLS, or from the first byte when
	// Implicit is set (smtps). SelfSigned makes one.
	TLS      *tls.Config
	Implicit bool
	// Username and Password, when set, are required (AUTH PLAIN) before
	// mail is accepted.
	Username, Password string
	// Refuse lists recipients the server refuses for good (550).
	Refuse []string
}

// Server is a running SMTP server that keeps what it receives.
type Server struct {
	Addr string // host:port on the loopback interface

	opts    Options
	mu      sync.Mutex
	mails   []*Mail
	auths   int // AUTH PLAIN attempts, right or wrong
	arrived chan struct{}
	refused map[string]bool
}

// Start runs a server until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: l.Addr().String(), opts: o, arrived: make(chan struct{}, 1), refused: map[string]bool{}}
	for _, r := range o.Refuse {
		s.refused[r] = true
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, conn: c}, nil }))
	srv.Domain = "mail.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 4 << 20
	srv.TLSConfig = o.TLS
	srv.AllowInsecureAuth = o.TLS == nil // a plain loopback relay
	if o.Implicit {
		l = tls.NewListener(l, o.TLS)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	// Waiting for Serve keeps a test's server from outliving the test.
	t.Cleanup(func() { _ = srv.Close(); <-done })
	return s
}

// AuthAttempts is how many times a client sent credentials (AUTH PLAIN),
// accepted or not: a test that must prove no credentials left the client
// expects zero.
func (s *Server) AuthAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths
}

// Mails returns what the server accepted so far, oldest first.
func (s *Server) Mails() []*Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mails)
}

// Wait waits up to timeout for at least n messages and returns them all;
// it fails the test if fewer arrive.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []*Mail {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if got := s.Mails(); len(got) >= n {
			return got
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("the SMTP server received %d messages in %s, want %d", len(s.Mails()), timeout, n)
		}
	}
}

func (s *Server) receive(m *Mail) {
	s.mu.Lock()
	s.mails = append(s.mails, m)
	s.mu.Unlock()
	select {
	case s.arrived <- struct{}{}:
	default:
	}
}

// session is one SMTP connection's exchange.
type session struct {
	s    *Server
	conn *smtp.Conn
	user string // who authenticated, "" before AUTH succeeds
	from string
	to   []string
}

var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		ss.s.mu.Lock()
		ss.s.auths++
		ss.s.mu.Unlock()
		if user != ss.s.opts.Username || pass != ss.s.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		ss.user = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && ss.user == "" {
		return errAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.refused[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Malformed message: " + err.Error()}
	}
	m.From, m.To, m.User = ss.from, slices.Clone(ss.to), ss.user
	// Asked now, not when the session began, so STARTTLS counts.
	_, m.TLS = ss.conn.TLSConnectionState()
	ss.s.receive(m)
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// Package hooks sends the webhook outbox's deliveries: each one a POST
// through the guarded transport the verifier's fetches use, bounded in
// time and in what is read of the answer, never redirected.
package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/verifier"
)

// DefaultTimeout bounds one delivery: connecting, sending and the answer.
const DefaultTimeout = 10 * time.Second

// drainBytes is how much of a long answer is read past what the log
// keeps, so that the connection can carry the next delivery.
const drainBytes = 64 << 10

// userAgent names Laurel to receivers.
const userAgent = "Laurel-Webhooks/1.0"

// Options configure a Sender; the zero value refuses loopback and private
// addresses and waits DefaultTimeout.
type Options struct {
	AllowLoopback bool // LAUREL_WEBHOOK_ALLOW_LOOPBACK: for local development and tests
	AllowPrivate  bool // LAUREL_WEBHOOK_ALLOW_PRIVATE: for receivers on the operator's network
	Timeout       time.Duration
}

// Sender POSTs deliveries to endpoints.
type Sender struct {
	client *http.Client
}

var _ badges.WebhookSender = (*Sender)(nil)

// NewSender makes a Sender.
func NewSender(o Options) *Sender {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	t := verifier.NewGuardedTransport(verifier.GuardOptions{AllowLoopback: o.AllowLoopback, AllowPrivate: o.AllowPrivate, Timeout: o.Timeout})
	return &Sender{client: &http.Client{
		Transport: t,
		Timeout:   o.Timeout,
		// A redirect is not followed: the receiver is the URL the admins
		// gave, and a redirect could lead a signed body anywhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Post sends body to rawURL with headers and returns the answer: its
// status and the first badges.MaxAnswerDetail bytes of its body. A
// redirect is an answer too, a failed one, and says where it led.
func (s *Sender) Post(ctx context.Context, rawURL string, body []byte, mediaType string, headers map[string]string) (*badges.WebhookAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("not sent: the endpoint's URL cannot be posted to")
	}
	req.Header.Set("Content-Type", mediaType)
	req.Header.Set("User-Agent", userAgent)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, sendError(req.URL, err)
	}
	defer resp.Body.Close()
	detail, _ := io.ReadAll(io.LimitReader(resp.Body, badges.MaxAnswerDetail))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainBytes))
	a := &badges.WebhookAnswer{Status: resp.StatusCode, Body: string(detail)}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		a.Body = fmt.Sprintf("Redirect to %q not followed: webhooks go to the URL given, only.", resp.Header.Get("Location"))
	}
	return a, nil
}

// sendError says why a POST had no answer, briefly: the delivery log
// shows it. It names the host only: a chat channel's URL is its
// credential, so the URL the client's errors quote is left out.
func sendError(u *url.URL, err error) error {
	var ue *url.Error
	timeout := errors.As(err, &ue) && ue.Timeout()
	if ue != nil {
		err = ue.Err
	}
	switch {
	case errors.Is(err, verifier.ErrFetchRefused):
		return fmt.Errorf("not sent: %w", err)
	case timeout, errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return fmt.Errorf("%s did not answer in time", u.Host)
	}
	return fmt.Errorf("%s could not be reached: %w", u.Host, err)
}

package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// What one request may take: its body's size, and how long the body may
// take to arrive and the answer to leave (the route table sets both).

// bodyLimit refuses bodies larger than n bytes (n plus formOverhead for a
// multipart form): at once when the length is declared, otherwise when
// the reader passes it (an *http.MaxBytesError). It also bounds the time
// the body may take to arrive (deadlines).
func bodyLimit(n int64, timeout time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r, limit := c.Request(), n
			if mediaType(c) == echo.MIMEMultipartForm {
				limit += formOverhead
			}
			if r.ContentLength > limit {
				return badges.Errorf(badges.ETOOLARGE, "The request body is larger than the %d bytes this endpoint accepts.", limit)
			}
			if err := deadlines(c, timeout); err != nil {
				return err
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
			return next(c)
		}
	}
}

const (
	// readGrace puts a request's read deadline just after its time limit:
	// Go's server cancels a request whose read deadline passes (even in
	// its own read after the body), and the handler should see its time
	// limit first, answering 503, not a cancelled request.
	readGrace = time.Second
	// answerTime is how long an answer may take to leave after its
	// route's time limit: a large report to a slow client.
	answerTime = 30 * time.Second
)

// deadlines gives the request's connection a read deadline at its route's
// time limit (the request's context does not interrupt reading a body, so
// a slow sender would otherwise hold any route as long as the server's
// ReadTimeout) and a write deadline answerTime later. They are on the wall
// clock, as the network's are, whatever clock the pages are told. A
// connection that has none (a test's recorder) is left as it is.
func deadlines(c echo.Context, timeout time.Duration) error {
	now, rc := time.Now(), http.NewResponseController(c.Response())
	for _, err := range []error{rc.SetReadDeadline(now.Add(timeout + readGrace)), rc.SetWriteDeadline(now.Add(timeout + answerTime))} {
		if err != nil && !errors.Is(err, http.ErrNotSupported) {
			return fmt.Errorf("set the connection's deadlines: %w", err)
		}
	}
	return nil
}

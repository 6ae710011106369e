package wire_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	netmail "net/mail"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/mail"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// countingSMTP is an SMTP server in process that accepts every message
// and counts them.
type countingSMTP struct{ n atomic.Int64 }

func (c *countingSMTP) NewSession(*smtp.Conn) (smtp.Session, error) { return countingSession{c}, nil }

type countingSession struct{ c *countingSMTP }

func (countingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (countingSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s countingSession) Data(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	s.c.n.Add(1)
	return err
}
func (countingSession) Reset()        {}
func (countingSession) Logout() error { return nil }

// startCountingSMTP serves on a loopback port until tb ends.
func startCountingSMTP(tb testing.TB) (*countingSMTP, int) {
	c := &countingSMTP{}
	s := smtp.NewServer(c)
	s.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	tb.Cleanup(func() { _ = s.Close() })
	return c, l.Addr().(*net.TCPAddr).Port
}

// BenchmarkOutbox_DrainBesideReads queues 10,000 messages at once (a bulk
// award's) and drains them through an SMTP server in process, while a
// cheap API read (a community's public profile) is made again and again;
// it compares the read's 99th percentile with the same reads made just
// before, with the outbox idle, in the same run. Run it once:
// -bench DrainBesideReads -benchtime 1x.
func BenchmarkOutbox_DrainBesideReads(b *testing.B) {
	server, port := startCountingSMTP(b)
	cfg, err := mail.ParseSMTPURL("smtp://127.0.0.1:" + strconv.Itoa(port))
	if err != nil {
		b.Fatal(err)
	}
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		b.Fatal(err)
	}
	l, err := wire.New(mongotest.NewDB(b), wire.Config{BaseURL: "https://badges.example.org", Sealer: sealer,
		Mail: mail.NewSMTPSender(*cfg, netmail.Address{Name: "Guild", Address: "badges@example.org"}, nil, nil)})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := l.Server(api.Config{BaseURL: "https://badges.example.org"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	p, err := l.Stores.Profiles.CreateProfile(ctx, issuer.ProfileInput{Name: "Guild", URL: "https://guild.example.org", Email: "hello@guild.example.org"})
	if err != nil {
		b.Fatal(err)
	}
	read := func() time.Duration {
		r := httptest.NewRequest(http.MethodGet, "/issuers/"+p.ID, nil)
		r.Header.Set("Accept", "application/ld+json")
		w := httptest.NewRecorder()
		start := time.Now()
		srv.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("read: %d %s", w.Code, w.Body)
		}
		return time.Since(start)
	}
	const total = 10_000
	for b.Loop() {
		var idle []time.Duration
		for range 2000 {
			idle = append(idle, read())
		}
		ns := make([]badges.Notification, total)
		for i := range ns {
			ns[i] = badges.Notification{Key: fmt.Sprintf("earned:%d", i), Kind: badges.MailEarned, IssuerID: p.ID,
				To: fmt.Sprintf("member%d@example.org", i), Data: map[string]string{"badge": "Helper", "member": "A member",
					"claimURL": fmt.Sprintf("https://badges.example.org/claim/%d", i)}}
		}
		start := time.Now()
		if err := l.Outbox.Notify(ctx, ns...); err != nil {
			b.Fatal(err)
		}
		queued := time.Since(start)
		work, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); l.Outbox.Run(work, time.Second) }()
		var busy []time.Duration
		for server.n.Load() < total && time.Since(start) < 20*time.Minute {
			busy = append(busy, read())
		}
		drained := time.Since(start)
		stop()
		<-done
		if server.n.Load() < total {
			b.Fatalf("the server received %d of %d messages", server.n.Load(), total)
		}
		b.ReportMetric(float64(queued.Milliseconds()), "queue10k-ms")
		b.ReportMetric(drained.Seconds(), "drain-s")
		b.ReportMetric(p99(idle), "p99-idle-ms")
		b.ReportMetric(p99(busy), "p99-draining-ms")
		b.ReportMetric(float64(len(busy)), "reads-while-draining")
	}
}

// p99 is the 99th percentile of ds, in ms.
func p99(ds []time.Duration) float64 {
	slices.Sort(ds)
	return float64(ds[len(ds)*99/100].Microseconds()) / 1000
}

package api_test

import (
	"context"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/mail"
	"github.com/laurel-badges/laurel/api/mailtest"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// newSMTPServer is a test server whose outbox sends through an SMTP
// server in process, with its background work running.
func newSMTPServer(t *testing.T) (*testServer, *mailtest.Server) {
	t.Helper()
	smtp := mailtest.Start(t, mailtest.Options{})
	cfg, err := mail.ParseSMTPURL("smtp://" + smtp.Addr)
	if err != nil {
		t.Fatal(err)
	}
	db := mongotest.NewDB(t)
	l := newLaurelWithConfig(t, db, func(c *wire.Config) {
		c.Mail = mail.NewSMTPSender(*cfg, netmail.Address{Name: "Gophers of Lyon", Address: "badges@example.org"}, nil, nil)
	})
	work, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); l.Work(work, 50*time.Millisecond, 0, slog.New(slog.DiscardHandler)) }()
	stopWork := func() { stop(); <-stopped }
	t.Cleanup(stopWork)
	srv, err := l.Server(api.Config{BaseURL: baseURL, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	token, err := l.Stores.APIKeys.BootstrapAPIKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{srv: srv, db: db, stores: l.Stores, admin: token, router: mustRouter(t), verifier: l.Verifier,
		accounts: l.Accounts, stopWork: stopWork}, smtp
}

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// txCodeMail waits for the n-th transaction code e-mailed to the member
// and returns the code.
func txCodeMail(t *testing.T, smtp *mailtest.Server, n int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var codes []string
		for _, m := range smtp.Mails() {
			if strings.Contains(m.Subject, "wallet") && len(m.To) == 1 && m.To[0] == "ada@example.org" {
				codes = append(codes, sixDigits.FindString(m.Text))
			}
		}
		if len(codes) >= n {
			if codes[n-1] == "" {
				t.Fatalf("the wallet code e-mail holds no code")
			}
			return codes[n-1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no wallet code e-mail #%d arrived", n)
	return ""
}

// TestOID4VCI_TxCodeByEmail: an offer fetched with ?tx_code=email asks
// for a code that reaches the member through the SMTP server; the wallet
// that types it in receives the credential, and five wrong codes burn a
// grant for good.
func TestOID4VCI_TxCodeByEmail(t *testing.T) {
	ts, smtp := newSMTPServer(t)
	f := newWalletFixture(t, ts)
	w := newTestWallet(t, ts)
	w.TxCode = func() string { return txCodeMail(t, smtp, 1) }
	got := w.Receive(t, baseURL+f.offer+"?tx_code=email", issuer.ConfigJWT)
	jwtString(t, got.Credential)

	code, offer := f.offerCode(t, "?tx_code=email")
	tx := offer["grants"].(map[string]any)[issuer.PreAuthorizedGrant].(map[string]any)["tx_code"].(map[string]any)
	if tx["input_mode"] != "numeric" || tx["length"] != float64(6) || tx["description"] == "" {
		t.Fatalf("tx_code %v", tx)
	}
	right := txCodeMail(t, smtp, 2)
	form := url.Values{"grant_type": {issuer.PreAuthorizedGrant}, "pre-authorized_code": {code}}
	wantWalletError(t, f.token(t, form), 400, issuer.ErrInvalidRequest) // the code is missing
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	for range 5 {
		form.Set("tx_code", wrong)
		wantWalletError(t, f.token(t, form), 400, issuer.ErrInvalidGrant)
	}
	form.Set("tx_code", right)
	wantWalletError(t, f.token(t, form), 400, issuer.ErrInvalidGrant) // burnt

	// Five codes a credential in 15 minutes: the sixth offer is refused,
	// and one without a code is still made.
	for range 3 {
		f.offerCode(t, "?tx_code=email")
	}
	ts.do(t, req{method: "GET", path: f.offer + "?tx_code=email", token: "-"}).wantProblem(t, 429, "too_many", "")
	f.offerCode(t, "")
}

package mail_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/mail"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// profiles is one community.
type profiles map[string]*issuer.Profile

func (p profiles) Profile(_ context.Context, id string) (*issuer.Profile, error) {
	if pr, ok := p[id]; ok {
		return pr, nil
	}
	return nil, badges.Errorf(badges.ENOTFOUND, "No community %s.", id)
}

// memTemplates and memOptOuts keep wording and opt-outs in memory.
type memTemplates struct {
	mu sync.Mutex
	m  map[string]badges.MailTemplate
}

func (s *memTemplates) MailTemplate(_ context.Context, issuerID string, kind badges.MessageKind) (*badges.MailTemplate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[issuerID+":"+string(kind)]
	if !ok {
		return nil, badges.Errorf(badges.ENOTFOUND, "None.")
	}
	return &t, nil
}

func (s *memTemplates) PutMailTemplate(_ context.Context, t *badges.MailTemplate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[t.IssuerID+":"+string(t.Kind)] = *t
	return nil
}

func (s *memTemplates) DeleteMailTemplate(_ context.Context, issuerID string, kind badges.MessageKind) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, issuerID+":"+string(kind))
	return nil
}

type memOptOuts struct {
	mu sync.Mutex
	m  map[string]time.Time
}

func (s *memOptOuts) OptOut(_ context.Context, issuerID, key string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[issuerID+":"+key]; !ok {
		s.m[issuerID+":"+key] = at
	}
	return nil
}

func (s *memOptOuts) OptIn(_ context.Context, issuerID, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, issuerID+":"+key)
	return nil
}

func (s *memOptOuts) OptedOut(_ context.Context, issuerID, key string) (bool, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.m[issuerID+":"+key]
	return ok, at, nil
}

const base = "https://badges.example.org"

// fixture is a composer over one community, "Rust Guild", with a PNG logo
// and a light accent (black text), and the stores it reads.
type fixture struct {
	c         *mail.Composer
	templates *badges.MailTemplates
	optOuts   *memOptOuts
	profile   *issuer.Profile
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	urls, err := issuer.NewURLs(base)
	if err != nil {
		tb.Fatal(err)
	}
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	p := &issuer.Profile{ID: "guild", Name: "Rust Guild", AccentColor: "#f2c94c",
		Image: &badges.ImageRef{SHA256: "ab12", Format: badges.ImagePNG}}
	f := &fixture{profile: p, optOuts: &memOptOuts{m: map[string]time.Time{}},
		templates: &badges.MailTemplates{Store: &memTemplates{m: map[string]badges.MailTemplate{}}, Now: func() time.Time { return time.Unix(1.7e9, 0) }}}
	f.c, err = mail.NewComposer(mail.Config{URLs: urls, Profiles: profiles{"guild": p}, Templates: f.templates, OptOuts: f.optOuts,
		Links: sealer.LinkSigner("unsubscribe")})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// compose composes the sample of kind, with data over the sample's.
func (f *fixture) compose(tb testing.TB, kind badges.MessageKind, data map[string]string) *badges.Message {
	tb.Helper()
	n := f.c.Sample("guild", kind)
	for k, v := range data {
		n.Data[k] = v
	}
	m, err := f.c.Compose(context.Background(), n)
	if err != nil {
		tb.Fatalf("Compose %s: %v", kind, err)
	}
	return m
}

package wire_test

import (
	"bytes"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

// TestNew: every store and every service the API calls is wired, so that
// a field added to either cannot be left out here unnoticed.
func TestNew(t *testing.T) {
	db := mongotest.NewDB(t)
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	l, err := wire.New(db, wire.Config{BaseURL: "https://badges.example.org", Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{"Stores": *l.Stores, "Services": l.Services(), "Laurel": *l} {
		rv := reflect.ValueOf(v)
		for i := range rv.NumField() {
			if rv.Field(i).IsZero() {
				t.Errorf("%s.%s is not wired", name, rv.Type().Field(i).Name)
			}
		}
	}
	if l.Awarder.Report == nil {
		t.Error("the awarder reports to no one")
	}
	if w := l.Awarder.Writers; w != db.RecordWriters() {
		t.Errorf("the awarder has %d record writers, the database wants %d", w, db.RecordWriters())
	}
	if _, err := wire.New(db, wire.Config{BaseURL: "https://badges.example.org"}); err == nil {
		t.Error("New without a sealer: no error")
	}
	if _, err := wire.New(db, wire.Config{BaseURL: "not a url", Sealer: sealer}); err == nil {
		t.Error("New with a bad base URL: no error")
	}
}

// TestLogNotices: what the awarder went on from is logged, failures as
// warnings with the award and the whole error, recoveries as information.
func TestLogNotices(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    badges.Notice
		want string
	}{
		{"failure of an award", badges.Notice{Doing: "issuing a queued award", Award: "rule:a:m:", Err: errors.New("signing key unreadable")},
			`level=WARN msg="issuing a queued award" award=rule:a:m: err="signing key unreadable"`},
		{"failure", badges.Notice{Doing: "awarding queued awards", Err: errors.New("database gone")},
			`level=WARN msg="awarding queued awards" err="database gone"`},
		{"recovery", badges.Notice{Doing: "recovered unfinished activity batches", Batches: 2},
			`level=INFO msg="recovered unfinished activity batches" batches=2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}}))
			wire.LogNotices(log)(tc.n)
			if got := strings.TrimSpace(buf.String()); got != tc.want {
				t.Fatalf("logged %q, want %q", got, tc.want)
			}
		})
	}
	if wire.LogNotices(nil) != nil {
		t.Error("LogNotices(nil) reports somewhere")
	}
}

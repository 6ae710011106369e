package wire_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

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

// TestNew_OneOutbox: every service that causes a message queues it in the
// one outbox, so that no kind of e-mail is silently never sent.
func TestNew_OneOutbox(t *testing.T) {
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	l, err := wire.New(mongotest.NewDB(t), wire.Config{BaseURL: "https://badges.example.org", Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]badges.Notifier{"Laurel": l.Notifier, "Services": l.Services().Notifier,
		"Awarder": l.Awarder.Notifier, "Nominations": l.Nominations.Notifier, "CheckIns": l.CheckIns.Notifier, "Nudges": l.Nudges.Notifier} {
		if n != badges.Notifier(l.Outbox) {
			t.Errorf("%s queues its messages in %T, not the outbox", name, n)
		}
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

// TestLaurel_WorkTakesUpReevaluations: a re-evaluation left by an earlier
// run of Laurel is finished by the background work of the next, and the
// awards it queues are issued.
func TestLaurel_WorkTakesUpReevaluations(t *testing.T) {
	db := mongotest.NewDB(t)
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	build := func() *wire.Laurel {
		l, err := wire.New(db, wire.Config{BaseURL: "https://badges.example.org", Sealer: sealer})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	ctx := t.Context()
	first := build()
	p, err := first.Stores.Profiles.CreateProfile(ctx, issuer.ProfileInput{Name: "Guild", URL: "https://guild.example.org", Email: "hello@guild.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	ach, err := first.Stores.Achievements.CreateAchievement(ctx, p.ID, badges.AchievementInput{Name: "Host", Description: "D", Criteria: "C", Status: badges.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	res, err := first.Awarder.Record(ctx, p.ID, []badges.ActivityInput{{Email: "ada@example.org", Name: "Ada", CreateMember: true,
		Activity: badges.Activity{Behaviour: "hosted-session", At: time.Now().Add(-time.Hour)}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("record: %+v, %v", res, err)
	}
	rule, err := badges.ParseRule([]byte(`{"condition":{"count":{"behaviour":"hosted-session","min":1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Awarder.Catalogue.SetRule(ctx, ach.ID, rule); err != nil {
		t.Fatal(err)
	}
	j, _, err := first.Reevaluator.Start(ctx, ach.ID, badges.ReevaluationRuleChanged)
	if err != nil {
		t.Fatal(err)
	}

	next := build()
	work, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { defer close(stopped); next.Work(work, 20*time.Millisecond, 0, slog.New(slog.DiscardHandler)) }()
	defer func() { stop(); <-stopped }()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		j, err = next.Reevaluator.Reevaluation(ctx, j.ID)
		held, herr := next.Awarder.Holdings(ctx, res[0].MemberID)
		if err == nil && herr == nil && j.State == badges.ReevaluationDone && held[ach.ID] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %+v (%v), holdings %v (%v); want done and the badge issued", j, err, held, herr)
		}
	}
	if j.AwardsQueued != 1 || j.MembersDone != 1 {
		t.Fatalf("job %+v; want one member, one award", j)
	}
}

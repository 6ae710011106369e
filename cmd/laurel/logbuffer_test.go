package main

import (
	"log/slog"
	"strings"
	"testing"
)

// TestLogBuffer: lines are passed on in order, a warning at once with the
// lines before it, and whatever waits on Flush.
func TestLogBuffer(t *testing.T) {
	var out syncBuffer // the timed flush may write while the test reads
	buf := &logBuffer{w: &out}
	log := slog.New(flushingHandler{slog.NewTextHandler(buf, nil), buf}).With("app", "laurel")
	log.Info("first")
	log.Warn("second")
	got := out.String()
	if !strings.Contains(got, "msg=first app=laurel") || !strings.Contains(got, "msg=second") || strings.Index(got, "first") > strings.Index(got, "second") {
		t.Fatalf("after a warning the log holds:\n%s", got)
	}
	log.Info("third")
	log.Handler().(interface{ Flush() }).Flush()
	if !strings.Contains(out.String(), "msg=third") {
		t.Fatalf("after Flush the log holds:\n%s", out.String())
	}
	big := strings.Repeat("x", logBufferMax)
	log.Info(big)
	if !strings.Contains(out.String(), big) {
		t.Fatal("a full buffer was not written at once")
	}
}

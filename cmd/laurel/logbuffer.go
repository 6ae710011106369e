package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// A busy server logs a line per request. Written one by one, each line is
// a system call, a tenth of a small request's cost; gathered, they are
// written together at most logFlushEvery apart. A warning or worse is
// written at once, with whatever is waiting before it.
const (
	logFlushEvery = 100 * time.Millisecond
	logBufferMax  = 64 << 10 // written at once when this much is waiting
)

// logBuffer gathers what is written to it and passes it on in batches.
type logBuffer struct {
	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	pending bool // a flush is timed
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logBufferMax {
		b.flushLocked()
	} else if !b.pending {
		b.pending = true
		time.AfterFunc(logFlushEvery, b.Flush)
	}
	return len(p), nil
}

// Flush writes what is waiting.
func (b *logBuffer) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = false
	b.flushLocked()
}

func (b *logBuffer) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	_, _ = b.w.Write(b.buf) // nowhere to report a failure to log
	b.buf = b.buf[:0]
}

// flushingHandler flushes its buffer after each record of level warning
// or worse, so that those show at once.
type flushingHandler struct {
	slog.Handler
	buf *logBuffer
}

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.buf.Flush()
	}
	return err
}

func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(attrs), h.buf}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.buf}
}

// Flush writes what is waiting; Main.Close calls it last.
func (h flushingHandler) Flush() { h.buf.Flush() }

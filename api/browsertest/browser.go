package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

const (
	// startTimeout bounds starting the browser or opening a tab: a cold
	// start on a busy machine can take many seconds.
	startTimeout = 90 * time.Second
	// stepTimeout bounds every other exchange with the browser, so that a
	// hung browser fails the test instead of hanging it.
	stepTimeout = 60 * time.Second
)

// Chromium finds the headless browser: $LAUREL_CHROMIUM, else chromium or
// chromium-browser on the PATH. A missing browser fails the test: pages
// must be checked as a person's browser renders them.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("LAUREL_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("LAUREL_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("headless Chromium not found (tried $LAUREL_CHROMIUM, chromium, chromium-browser): run scripts/install-deps")
	return ""
}

// Browser is one headless Chromium for a test; closed at t.Cleanup.
type Browser struct {
	ctx     context.Context // the browser's chromedp context; tabs derive from it
	dataDir string          // the profile directory, unique to this browser

	mu     sync.Mutex
	closes []func() // close the open tabs
}

// New starts a headless Chromium with a fresh profile. It is closed, with
// its tabs and every process it started, when the test ends.
func New(t testing.TB) *Browser {
	t.Helper()
	b := &Browser{dataDir: t.TempDir()}
	output := &processOutput{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(b.dataDir),
		chromedp.CombinedOutput(output),
	)
	// root lets the start watchdog stop everything at once.
	root, stop := context.WithCancel(context.Background())
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(root, opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	b.ctx = ctx
	// Registered before the start, so a failed start cleans up too; it runs
	// before t.TempDir removes the profile.
	t.Cleanup(func() {
		b.closeTabs()
		// Ask Chromium to quit, then make sure: cancelling kills the
		// process and waits for it, and the sweep ends its helpers.
		cctx, ccancel := context.WithTimeout(ctx, 15*time.Second)
		if err := chromedp.Cancel(cctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Logf("closing Chromium: %v", err)
		}
		ccancel()
		cancelBrowser()
		cancelAlloc()
		stop()
		if left := killLeftovers(b.dataDir); len(left) > 0 {
			t.Errorf("Chromium processes outlived the browser and could not be killed: %v", left)
		}
	})
	// The first Run starts the browser and binds its life to ctx, so it
	// must not carry a timeout of its own; the watchdog stops it instead.
	if err := start(ctx, stop); err != nil {
		t.Fatalf("starting Chromium: %v\nits output ends with:\n%s", err, output.String())
	}
	return b
}

// closeTabs closes every tab the browser still has open, newest first.
func (b *Browser) closeTabs() {
	b.mu.Lock()
	closes := slices.Clone(b.closes)
	b.closes = nil
	b.mu.Unlock()
	for _, c := range slices.Backward(closes) {
		c()
	}
}

// start runs the first, context-binding chromedp.Run on ctx: starting the
// browser or attaching a new tab. If that takes longer than startTimeout,
// stop cancels ctx's ancestors.
func start(ctx context.Context, stop func()) error {
	watchdog := time.AfterFunc(startTimeout, stop)
	err := chromedp.Do(ctx)
	if !watchdog.Stop() {
		return fmt.Errorf("no answer within %v: %w", startTimeout, err)
	}
	return err
}

// run runs one action against ctx's tab within stepTimeout and fails the
// test if it fails.
func run[T any](t testing.TB, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("Chromium did not answer within %v: %w", stepTimeout, err)
		}
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// call sends one DevTools protocol command; see run.
func call[P, R any](t testing.TB, ctx context.Context, cmd cdp.Command[P, R], params P) R {
	t.Helper()
	return run(t, ctx, cmd.Method, func(ctx context.Context, tg *chromedp.Target) (R, error) {
		return cdp.Call(ctx, tg, cmd, params)
	})
}

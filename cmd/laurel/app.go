package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/hooks"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// Main is one running Laurel: database, engine and HTTP server.
type Main struct {
	Config Config
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string // the environment, beyond Config
	log    *slog.Logger

	engine    *database.Engine
	lock      *os.File // held on the data directory while the embedded engine runs
	db        *database.DB
	http      *http.Server
	served    chan error
	url       string
	debug     *http.Server // the profiler's listener, with -debug-addr
	debugAddr string
	stopWork  context.CancelFunc // stops the award queue's worker
	workDone  chan struct{}
	// notifier, when set, takes the messages Laurel queues in place of
	// the one wired: tests read the links members are sent from it.
	notifier badges.Notifier
}

// awardInterval is how often the award queue is looked at when nothing
// wakes its worker (failed awards are retried with backoff).
const awardInterval = 5 * time.Second

// NewMain returns a Main with the default configuration and an empty
// environment.
func NewMain(stdout, stderr io.Writer) *Main {
	m := &Main{stdout: stdout, stderr: stderr, getenv: func(string) string { return "" }}
	_ = m.Config.parse(nil, m.getenv, io.Discard)
	return m
}

// URL is where the server listens, known once Run has returned.
func (m *Main) URL() string { return m.url }

// Run opens the database (starting the embedded engine when no MongoDB URI
// is set), starts serving and returns; the server runs until Close.
func (m *Main) Run(ctx context.Context) error {
	m.log = newLogger(m.Config, m.stderr)
	if m.getenv("GOGC") == "" {
		debug.SetGCPercent(m.Config.GCPercent)
	}
	if m.getenv("GOMEMLIMIT") == "" && m.Config.MemoryLimitMiB > 0 {
		debug.SetMemoryLimit(int64(m.Config.MemoryLimitMiB) << 20)
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.url = fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
	baseURL := cmp.Or(m.Config.BaseURL, m.url)
	srv, l, err := m.build(ctx, baseURL)
	if err != nil {
		ln.Close()
		return err
	}
	// Each route sets its connection's read and write deadlines from its
	// own time limit (the long routes' is -import-timeout); these bound
	// only what comes before, and requests no route serves.
	m.http = &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       m.Config.RequestTimeout,
		WriteTimeout:      m.Config.RequestTimeout + time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(ln) }() // from here on, Close closes ln
	// The award queue and the re-evaluations of rules are worked in the
	// background, and what a crash left of them is taken up at the next
	// start: at once on the embedded engine, which one process owns.
	// Indexes missing or outdated are rebuilt meanwhile (lists that need
	// them answer 503 until then).
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	m.stopWork, m.workDone = stopWork, make(chan struct{})
	takeOver := badges.StaleReevaluationAge
	if m.engine != nil {
		takeOver = 0
	}
	go func() { defer close(m.workDone); l.Work(workCtx, awardInterval, takeOver, m.log) }()
	if m.Config.DebugAddr != "" {
		if err := m.serveDebug(); err != nil {
			return err
		}
	}
	m.log.Info("laurel started", "url", m.url, "base_url", baseURL, "database", m.db.Name(), "embedded", m.engine != nil)
	fmt.Fprintf(m.stdout, "Laurel is running at %s\n", m.url)
	return nil
}

// build opens the database, wires Laurel on it, makes the first admin key
// and seeds the demo when asked, and returns the HTTP API's server and the
// Laurel whose background work is to be run (the award queue, the
// re-evaluations, the index rebuilds).
func (m *Main) build(ctx context.Context, baseURL string) (*api.Server, *wire.Laurel, error) {
	l, err := m.open(ctx, baseURL, verifier.NewFetcher(verifier.FetcherOptions{}))
	if err != nil {
		return nil, nil, err
	}
	svc := l.Services()
	srv, err := api.NewServer(api.Config{
		BaseURL: baseURL, BodyLimit: m.Config.MaxBodyBytes, ImageLimit: m.Config.MaxImageBytes,
		RequestTimeout: m.Config.RequestTimeout, ImportTimeout: m.Config.ImportTimeout, VerifyRate: m.Config.VerifyRate, VerifyInFlight: m.Config.VerifyInFlight,
		TrustedProxies: m.Config.TrustedProxies, CORSOrigins: m.Config.CORSOrigins, Logger: m.log, ChatAnyURL: m.Config.WebhookAllowLoopback,
	}, svc)
	if err != nil {
		return nil, nil, err
	}
	if err := m.bootstrap(ctx, baseURL, l); err != nil {
		return nil, nil, err
	}
	// The embedded engine has one process, so a recording batch left
	// unfinished was cut short by the last run: apply it before serving.
	// Elsewhere the award worker does so once it is StaleBatchAge old.
	if m.engine != nil {
		n, err := l.Awarder.Recover(ctx, 0)
		if err != nil {
			m.log.Warn("recovering unfinished activity batches", "err", err)
		}
		if n > 0 {
			m.log.Info("recovered unfinished activity batches", "batches", n)
		}
	}
	return srv, l, nil
}

func (m *Main) openDB(ctx context.Context) error {
	uri := m.Config.MongoURI
	if uri == "" {
		if s := m.Config.DataSync; s != "normal" && s != "full" {
			return fmt.Errorf("-data-sync must be normal or full, not %q", s)
		}
		lock, err := lockDataDir(m.Config.DataDir)
		if err != nil {
			return err
		}
		m.lock = lock
		e, err := database.StartEngine(database.EngineConfig{Dir: m.Config.DataDir, Logger: m.log, FullSync: m.Config.DataSync == "full"})
		if err != nil {
			return err
		}
		m.engine, uri = e, e.URI()
		m.log.Info("embedded database started", "dir", e.Dir(), "socket", e.Socket())
	}
	db, err := database.Open(ctx, database.Options{URI: uri, Database: m.Config.MongoDatabase, Engine: m.engine})
	if err != nil {
		return err
	}
	m.db = db
	return nil
}

// open opens the database and wires Laurel on it; with a nil fetcher its
// verifier stays offline.
func (m *Main) open(ctx context.Context, baseURL string, fetcher *verifier.Fetcher) (*wire.Laurel, error) {
	if m.log == nil {
		m.log = newLogger(m.Config, m.stderr)
	}
	if err := m.openDB(ctx); err != nil {
		return nil, err
	}
	master, err := m.masterKey()
	if err != nil {
		return nil, err
	}
	sealer, err := issuer.NewSealer(master)
	if err != nil {
		return nil, err
	}
	sender, err := m.Config.mailSender()
	if err != nil {
		return nil, err
	}
	hooksOut := hooks.NewSender(hooks.Options{AllowLoopback: m.Config.WebhookAllowLoopback, AllowPrivate: m.Config.WebhookAllowPrivate})
	return wire.New(m.db, wire.Config{BaseURL: baseURL, Sealer: sealer, Fetcher: fetcher, Logger: m.log, Mail: sender, Notifier: m.notifier,
		Webhooks: hooksOut})
}

// defaultBaseURL is the public origin of the commands that work on the data
// directly, when -base-url is not given.
const defaultBaseURL = "http://localhost:8080"

// openData opens the database and wires Laurel on it for a command that
// works on the data directly, without serving.
func (m *Main) openData(ctx context.Context) (*wire.Laurel, error) {
	return m.open(ctx, cmp.Or(m.Config.BaseURL, defaultBaseURL), nil)
}

// lockDataDir takes an exclusive lock on the data directory: the embedded
// engine's files may be used by one process only, and Laurel's in-process
// document locks rely on it.
func lockDataDir(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "laurel.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, &dataDirInUseError{dir: dir}
	}
	return f, nil
}

// dataDirInUseError says that another process holds the data directory's
// lock; commands that must not run beside serve say so in their words.
type dataDirInUseError struct{ dir string }

func (e *dataDirInUseError) Error() string {
	return fmt.Sprintf("another Laurel process is using the data directory %s (stop it, or use the HTTP API)", e.dir)
}

// masterKey is the key that seals signing keys: from -master-key, or from
// master.key in the data directory, made on first start.
func (m *Main) masterKey() ([]byte, error) {
	if m.Config.MasterKey != "" {
		k, err := issuer.ParseMasterKey(m.Config.MasterKey)
		if err != nil {
			return nil, fmt.Errorf("-master-key: %w", err)
		}
		return k, nil
	}
	return issuer.LoadOrCreateMasterKeyFile(filepath.Join(m.Config.DataDir, "master.key"))
}

// bootstrap prints the first admin key once in the life of a database,
// helps to the first console administrator, and seeds the demo community
// when asked.
func (m *Main) bootstrap(ctx context.Context, baseURL string, l *wire.Laurel) error {
	token, err := l.Stores.APIKeys.BootstrapAPIKey(ctx)
	if err != nil {
		return fmt.Errorf("create the first admin API key: %w", err)
	}
	if token != "" {
		fmt.Fprintf(m.stdout, "Admin API key (shown only this once; keep it safe): %s\n", token)
	}
	if err := m.firstAdmin(ctx, baseURL, l); err != nil {
		return err
	}
	if m.Config.Demo {
		return seedDemoIfEmpty(ctx, l, baseURL, m.stdout)
	}
	return nil
}

// Close shuts down gracefully: in-flight requests finish (within the
// shutdown timeout), then the database and the engine close.
func (m *Main) Close() error {
	var errs []error
	if m.debug != nil {
		errs = append(errs, m.debug.Close())
	}
	if m.stopWork != nil {
		m.stopWork()
		<-m.workDone
	}
	if m.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
		defer cancel()
		errs = append(errs, m.http.Shutdown(ctx))
		if err := <-m.served; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		m.http = nil
	}
	if m.db != nil {
		errs = append(errs, m.db.Close(context.Background()))
		m.db = nil
	}
	if m.engine != nil {
		errs = append(errs, m.engine.Close())
		m.engine = nil
	}
	if m.lock != nil {
		errs = append(errs, m.lock.Close()) // closing releases the lock
		m.lock = nil
	}
	if m.log != nil {
		m.log.Info("laurel stopped")
		if f, ok := m.log.Handler().(interface{ Flush() }); ok {
			f.Flush()
		}
	}
	return errors.Join(errs...)
}

// newLogger logs to w. A file (the process's standard error) gets its
// lines in batches (logbuffer.go); anything else, such as a test's
// buffer, line by line.
func newLogger(c Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(c.LogLevel))); err != nil {
		level = slog.LevelInfo
	}
	var buf *logBuffer
	if _, ok := w.(*os.File); ok {
		buf = &logBuffer{w: w}
		w = buf
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if c.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	if buf != nil {
		h = flushingHandler{h, buf}
	}
	return slog.New(h)
}

// serveDebug starts the profiler's listener (-debug-addr): Go's
// /debug/pprof/ endpoints, on an address of their own so that they are
// never reachable through the public one.
func (m *Main) serveDebug() error {
	ln, err := net.Listen("tcp", m.Config.DebugAddr)
	if err != nil {
		return fmt.Errorf("listen on -debug-addr %s: %w", m.Config.DebugAddr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	m.debug = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = m.debug.Serve(ln) }()
	m.log.Warn("profiler listening; keep this address private", "addr", ln.Addr().String())
	m.debugAddr = ln.Addr().String()
	return nil
}

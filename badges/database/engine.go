package database

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Engine is the embedded, MongoDB-wire-compatible database: FerretDB with its
// SQLite backend, so that Laurel talks to it through the ordinary MongoDB
// driver. It keeps one SQLite file per database under Dir.
//
// It listens on a Unix socket in a directory only Laurel's user may enter,
// never on a TCP port: the wire protocol has no authentication here, and a
// port, even on loopback, would let any local process read every document
// and insert an admin API key.
type Engine struct {
	dir    string
	socket string // the socket's path
	fdb    *ferretdb.FerretDB
	cancel context.CancelFunc
	done   chan struct{}
	// cleanup removes the socket's directory when it is a temporary one.
	cleanup func() error

	fullSync bool

	mu     sync.Mutex
	sqlDBs map[string]*sql.DB               // per database, for the index fix and group commit
	tables map[string]map[string]string     // per database, each collection's table (see table)
	stmts  map[*sql.DB]map[string]*sql.Stmt // prepared on sqlDBs' handles (see prepared)

	commits groupCommits // per database (see groupcommit.go)

	locks    *docLocks // shared by every connection to this engine
	keyLocks *docLocks // likewise
	docs     *docCache // likewise
	changes  *changes  // likewise
}

// EngineConfig says where the embedded engine keeps its files, and how.
type EngineConfig struct {
	Dir    string       // created if missing
	Logger *slog.Logger // nil means slog.Default()

	// FullSync makes every write wait until it is on the disk. Without it
	// a write survives a crash of Laurel, but the last writes before a
	// power cut or a crash of the operating system can be lost (the
	// database stays consistent); writing is then about twice as fast.
	FullSync bool
}

// StartEngine starts the embedded engine. Its log lines below error level
// are dropped (see levelFilter).
func StartEngine(cfg EngineConfig) (*Engine, error) {
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	socket, cleanup, err := socketPath(abs)
	if err != nil {
		return nil, err
	}
	logger := cmp.Or(cfg.Logger, slog.Default())
	fdb, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL(abs, cfg.FullSync),
		Logger:    slog.New(levelFilter{next: logger.Handler(), min: slog.LevelError}),
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("start embedded database: %w", err), cleanup())
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{dir: abs, socket: socket, fdb: fdb, cancel: cancel, done: make(chan struct{}), cleanup: cleanup, fullSync: cfg.FullSync,
		sqlDBs: map[string]*sql.DB{}, tables: map[string]map[string]string{}, stmts: map[*sql.DB]map[string]*sql.Stmt{}, locks: &docLocks{}, keyLocks: &docLocks{},
		docs: newDocCache(docCacheBudget), changes: newChanges()}
	go func() {
		defer close(e.done)
		_ = fdb.Run(ctx) // returns only after ctx is cancelled
	}()
	return e, nil
}

// URI is the mongodb:// URI the driver connects to: the socket's path,
// percent-encoded, as the host.
func (e *Engine) URI() string { return "mongodb://" + url.QueryEscape(e.socket) + "/" }

// Socket is the path of the Unix socket the engine listens on.
func (e *Engine) Socket() string { return e.socket }

// Dir is the directory holding the engine's files.
func (e *Engine) Dir() string { return e.dir }

// Close stops the engine, closing its listener and flushing its files.
func (e *Engine) Close() error {
	e.cancel()
	<-e.done
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	for name, db := range e.sqlDBs {
		errs = append(errs, db.Close())
		delete(e.sqlDBs, name)
	}
	return errors.Join(append(errs, e.cleanup())...)
}

// maxSocketPath is the longest socket path every Unix accepts (Linux
// allows 107 bytes, macOS 103).
const maxSocketPath = 103

// socketPath prepares the directory of the engine's socket, "socket" in
// the data directory, readable and enterable by this user only whatever
// it was before, and removes a socket left behind by a crash (the data
// directory belongs to one process at a time). When that path would be
// too long for a socket, a new private temporary directory is used and
// cleanup removes it.
func socketPath(dataDir string) (path string, cleanup func() error, err error) {
	dir := filepath.Join(dataDir, "socket")
	path = filepath.Join(dir, "engine.sock")
	cleanup = func() error { return nil }
	if len(path) > maxSocketPath {
		if dir, err = os.MkdirTemp("", "laurel-"); err != nil { // made with mode 0700
			return "", nil, fmt.Errorf("embedded database socket: %w", err)
		}
		return filepath.Join(dir, "engine.sock"), func() error { return os.RemoveAll(dir) }, nil
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return "", nil, fmt.Errorf("embedded database socket: %w", err)
	}
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() {
		return "", nil, fmt.Errorf("embedded database socket: %s must be a directory", dir)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("embedded database socket: %w", err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", nil, fmt.Errorf("embedded database socket: %w", err)
	}
	return path, cleanup, nil
}

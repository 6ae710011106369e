package mongodb

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
	"regexp"
	"sync"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself links; used for the _id index fix
)

// Engine is the embedded, MongoDB-wire-compatible database: FerretDB with its
// SQLite backend, serving on a loopback port so that Laurel talks to it through
// the ordinary MongoDB driver. It keeps one SQLite file per database under Dir.
type Engine struct {
	dir    string
	fdb    *ferretdb.FerretDB
	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	sqlDBs map[string]*sql.DB // per database, for the index fix

	locks *docLocks // shared by every connection to this engine
	docs  *docCache // likewise
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

// sqlitePragmas tune the engine's SQLite files for Laurel's writes, on top
// of the busy timeout and write-ahead log the engine sets itself:
//   - temp_store(memory) keeps statement journals in memory: writing them
//     to temporary files took a tenth of the time of an update;
//   - wal_autocheckpoint(16384) copies the write-ahead log into the
//     database every 64 MiB instead of every 4 MiB, so that a page written
//     many times in between is copied once;
//   - cache_size(-8192) gives each connection 8 MiB of pages instead of
//     2 MiB, fewer reads from the file as the database grows.
const sqlitePragmas = "_pragma=temp_store(memory)&_pragma=wal_autocheckpoint(16384)&_pragma=cache_size(-8192)"

// StartEngine starts the embedded engine. Its log lines below error level
// are dropped: the engine reports every command the driver sends that it
// does not know.
func StartEngine(cfg EngineConfig) (*Engine, error) {
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	logger := cmp.Or(cfg.Logger, slog.Default())
	quiet := slog.New(levelFilter{next: logger.Handler(), min: slog.LevelError})
	pragmas := sqlitePragmas
	if !cfg.FullSync {
		// In write-ahead-log mode, "normal" syncs the log only when it is
		// copied into the database rather than on every commit.
		pragmas += "&_pragma=synchronous(normal)"
	}
	u := url.URL{Scheme: "file", Path: abs + "/", RawQuery: pragmas}
	fdb, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: u.String(),
		Logger:    quiet,
	})
	if err != nil {
		return nil, fmt.Errorf("start embedded database: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{dir: abs, fdb: fdb, cancel: cancel, done: make(chan struct{}), sqlDBs: map[string]*sql.DB{}, locks: &docLocks{}, docs: newDocCache(docCacheBudget)}
	go func() {
		defer close(e.done)
		_ = fdb.Run(ctx) // returns only after ctx is cancelled
	}()
	return e, nil
}

// URI is the mongodb:// URI the driver connects to.
func (e *Engine) URI() string { return e.fdb.MongoDBURI() }

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
	return errors.Join(errs...)
}

// validDBName guards the file name built from a database name.
var validDBName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`)

// sqlDB opens (once) the SQLite file behind a database, in WAL mode with a
// busy timeout, the same way the engine opens it.
func (e *Engine) sqlDB(database string) (*sql.DB, error) {
	if !validDBName.MatchString(database) {
		return nil, fmt.Errorf("database name %q: only letters, digits, _ and - are allowed", database)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if db, ok := e.sqlDBs[database]; ok {
		return db, nil
	}
	u := url.URL{Scheme: "file", Path: filepath.Join(e.dir, database+".sqlite"),
		RawQuery: "_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	e.sqlDBs[database] = db
	return db, nil
}

// forgetDB closes the SQLite handle of a dropped database.
func (e *Engine) forgetDB(database string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if db, ok := e.sqlDBs[database]; ok {
		_ = db.Close()
		delete(e.sqlDBs, database)
	}
}

// FixIDIndexes makes exact-_id lookups use an index. The engine's own unique
// _id index is built on an expression different from the one its queries
// filter on, so SQLite scans the whole table for every {_id: …} query. This
// adds an index on the expression the queries use, for every collection table
// of the database. It is idempotent and must run again after a collection is
// created. It depends on the engine's internal table layout, which is why the
// engine version is pinned.
func (e *Engine) FixIDIndexes(ctx context.Context, database string) error {
	db, err := e.sqlDB(database)
	if err != nil {
		return err
	}
	tables, err := collectionTables(ctx, db)
	if err != nil {
		return err
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"__id_expr", t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("index fix on %s: %w", t, err)
		}
	}
	return nil
}

// collectionTables lists the SQLite tables behind a database's collections.
func collectionTables(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, table_name FROM _ferretdb_collections`)
	if err != nil {
		return nil, fmt.Errorf("list collection tables: %w", err)
	}
	defer rows.Close()
	tables := map[string]string{}
	for rows.Next() {
		var name, table string
		if err := rows.Scan(&name, &table); err != nil {
			return nil, err
		}
		tables[name] = table
	}
	return tables, rows.Err()
}

// IDQueryPlan returns SQLite's plan for the engine's exact-_id query on a
// collection, for tests that prove the index fix is used.
func (e *Engine) IDQueryPlan(ctx context.Context, database, collection string) (string, error) {
	db, err := e.sqlDB(database)
	if err != nil {
		return "", err
	}
	tables, err := collectionTables(ctx, db)
	if err != nil {
		return "", err
	}
	t, ok := tables[collection]
	if !ok {
		return "", fmt.Errorf("no collection %q", collection)
	}
	q := fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, t)
	var id, parent, notUsed int
	var detail string
	if err := db.QueryRowContext(ctx, q, `"x"`).Scan(&id, &parent, &notUsed, &detail); err != nil {
		return "", err
	}
	return detail, nil
}

// levelFilter passes on only records at or above a level. It is lazy: the
// engine calls Logger.With with every statement's arguments, whole documents
// included, before logging them at debug level, and slog's handlers format
// such attributes as soon as they are added. That formatting alone was a fifth
// of the time of an update. Here attributes and groups are only remembered,
// and handed to the wrapped handler when a record is actually passed on.
type levelFilter struct {
	next  slog.Handler
	min   slog.Level
	scope *handlerScope // attributes and groups added, innermost last; nil for none
}

// handlerScope is one WithAttrs (attrs) or WithGroup (group) call, linked to
// the calls before it.
type handlerScope struct {
	outer *handlerScope
	group string
	attrs []slog.Attr
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.next.Enabled(ctx, l)
}

func (f levelFilter) Handle(ctx context.Context, r slog.Record) error {
	return f.apply(f.scope).Handle(ctx, r)
}

// apply hands s and the scopes outside it to the wrapped handler, outermost
// first.
func (f levelFilter) apply(s *handlerScope) slog.Handler {
	if s == nil {
		return f.next
	}
	h := f.apply(s.outer)
	if s.attrs != nil {
		return h.WithAttrs(s.attrs)
	}
	return h.WithGroup(s.group)
}

func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	if len(a) == 0 {
		return f
	}
	f.scope = &handlerScope{outer: f.scope, attrs: a}
	return f
}

func (f levelFilter) WithGroup(n string) slog.Handler {
	if n == "" {
		return f
	}
	f.scope = &handlerScope{outer: f.scope, group: n}
	return f
}

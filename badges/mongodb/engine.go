package mongodb

import (
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
}

// StartEngine starts the embedded engine with its files under dir, creating
// the directory if needed. Its log lines below error level are dropped: the
// engine reports every command the driver sends that it does not know.
func StartEngine(dir string, logger *slog.Logger) (*Engine, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if logger == nil {
		logger = slog.Default()
	}
	quiet := slog.New(levelFilter{logger.Handler(), slog.LevelError})
	u := url.URL{Scheme: "file", Path: abs + "/"}
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
	e := &Engine{dir: abs, fdb: fdb, cancel: cancel, done: make(chan struct{}), sqlDBs: map[string]*sql.DB{}, locks: &docLocks{}}
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

// levelFilter passes on only records at or above a level.
type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{f.Handler.WithAttrs(a), f.min}
}

func (f levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{f.Handler.WithGroup(n), f.min}
}

package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/laurel-badges/laurel/badges"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself links; used for the _id index fix
)

// Every workaround the embedded engine (FerretDB v1.24 with SQLite, see
// engine.go) needs is in this file, each with its reason. Measurements are
// in docs/storage.md and docs/performance.md.
//
//  1. sqlitePragmas: SQLite settings for Laurel's writes.
//  2. levelFilter: the engine's logging made cheap.
//  3. FixIDIndexes: an index that makes exact-_id queries use it.
//  4. docLocks (DB.LockDoc, DB.lockKey): updates are not atomic on the
//     engine.
//  5. computed: computed documents stored as one opaque value.
//  6. isEngineDuplicate: a unique-key violation the engine reports as an
//     internal error.
//  7. DB.RecordWriters: how many writers the engine takes at once.
//  8. socketDialer: the driver's way to the engine's socket.
//  9. DB.count: counting a whole collection without holding it in memory.
//
// Some depend on the engine's internals, which is why its version is
// pinned exactly; so do group commit and the direct reads of computed
// documents (groupcommit.go, enginerow.go), which write and read the
// engine's rows themselves.

// 1. sqlitePragmas tune the engine's SQLite files for Laurel's writes, on
// top of the busy timeout and write-ahead log the engine sets itself:
//   - temp_store(memory) keeps statement journals in memory: writing them
//     to temporary files took a tenth of the time of an update;
//   - wal_autocheckpoint(16384) copies the write-ahead log into the
//     database every 64 MiB instead of every 4 MiB, so that a page written
//     many times in between is copied once;
//   - cache_size(-4096) gives each connection 4 MiB of pages instead of
//     2 MiB, fewer reads from the file as the database grows. The engine
//     keeps a connection for each query that ran at once (about ten under
//     the page load), each with its own cache outside the Go heap, so at
//     8 MiB the caches alone held up to 90 MiB.
const sqlitePragmas = "_pragma=temp_store(memory)&_pragma=wal_autocheckpoint(16384)&_pragma=cache_size(-4096)"

// sqliteURL is the engine's SQLite URI: the data directory and the pragmas.
// Without fullSync, "normal" synchronous mode syncs the write-ahead log
// only when it is copied into the database rather than on every commit.
func sqliteURL(dir string, fullSync bool) string {
	u := url.URL{Scheme: "file", Path: dir + "/", RawQuery: enginePragmas(fullSync)}
	return u.String()
}

// enginePragmas are the pragmas of every connection to the engine's files.
func enginePragmas(fullSync bool) string {
	if fullSync {
		return sqlitePragmas
	}
	return sqlitePragmas + "&_pragma=synchronous(normal)"
}

// 2. levelFilter passes on only records at or above a level: the engine
// reports every command the driver sends that it does not know, so only
// errors are kept. It is lazy: the engine calls Logger.With with every
// statement's arguments, whole documents included, before logging them at
// debug level, and slog's handlers format such attributes as soon as they
// are added. That formatting alone was a fifth of the time of an update.
// Here attributes and groups are only remembered, and handed to the
// wrapped handler when a record is actually passed on.
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

// 3. FixIDIndexes makes exact-_id lookups use an index. The engine passes
// only a filter that is exactly {_id: value} to SQLite, and even then its
// own unique _id index is built on an expression different from the one
// its queries filter on, so SQLite scans the whole table for every {_id: …}
// query. This adds an index on the expression the queries use, for every
// collection table of the database, through a second connection to the
// same SQLite file. It is idempotent and must run again after a collection
// is created. It depends on the engine's internal table layout.
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

// validDBName guards the file name built from a database name.
var validDBName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`)

// sqlDB opens (once) the SQLite file behind a database, in WAL mode with a
// busy timeout, the same way the engine opens it, and with its pragmas:
// group commit writes through it, so its commits must be as durable as
// the engine's. It has one connection, so its writes are made one at a
// time.
func (e *Engine) sqlDB(database string) (*sql.DB, error) { return e.openSQL(database, "", 1) }

// sqlReader is sqlDB for reads of computed documents (see
// readComputedRow): several connections, which the write-ahead log lets
// read while another writes.
func (e *Engine) sqlReader(database string) (*sql.DB, error) {
	return e.openSQL(database, " read", sqlReaders)
}

// sqlReaders is how many connections read computed documents at once.
const sqlReaders = 4

// openSQL opens (once) a handle on a database's SQLite file, kept under
// the database's name and a suffix no name can have.
func (e *Engine) openSQL(database, suffix string, conns int) (*sql.DB, error) {
	if !validDBName.MatchString(database) {
		return nil, fmt.Errorf("database name %q: only letters, digits, _ and - are allowed", database)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if db, ok := e.sqlDBs[database+suffix]; ok {
		return db, nil
	}
	u := url.URL{Scheme: "file", Path: filepath.Join(e.dir, database+".sqlite"),
		RawQuery: "_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&" + enginePragmas(e.fullSync)}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	e.sqlDBs[database+suffix] = db
	return db, nil
}

// forgetDB closes the SQLite handle of a dropped database.
func (e *Engine) forgetDB(database string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, key := range []string{database, database + " read"} {
		if db, ok := e.sqlDBs[key]; ok {
			_ = db.Close() // closes its prepared statements too
			delete(e.sqlDBs, key)
			delete(e.stmts, db)
		}
	}
	delete(e.tables, database)
}

// 4. docLocks serialise updates to one document within this process.
//
// The engine applies every update — $inc, $push, $set, or a replace with a
// filter beyond _id — by reading the document, changing it in Go and
// writing it back, with no lock: concurrent updates of one document are
// lost (measured: 100 concurrent $inc of one counter left it at 10). Only
// this process uses its embedded engine (Laurel locks the data directory),
// so a lock here makes those updates atomic. Real MongoDB applies them
// atomically itself, and then no lock is taken, so several Laurel
// processes can share it.
type docLocks struct {
	mu          sync.Mutex
	collections map[string]*[lockStripes]sync.Mutex // the stripes of each collection
}

const lockStripes = 256

func (l *docLocks) lock(collection, id string) func() {
	l.mu.Lock()
	stripes := l.collections[collection]
	if stripes == nil {
		if l.collections == nil {
			l.collections = map[string]*[lockStripes]sync.Mutex{}
		}
		stripes = new([lockStripes]sync.Mutex)
		l.collections[collection] = stripes
	}
	l.mu.Unlock()
	m := &stripes[stripe(collection, id)]
	m.Lock()
	return m.Unlock
}

// stripe is the lock stripe of a collection's document.
func stripe(collection, id string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(collection))
	h.Write([]byte{0})
	h.Write([]byte(id))
	return h.Sum32() % lockStripes
}

// LockDoc makes an update of one document atomic on the embedded engine
// and returns the unlock function; with an external MongoDB it does
// nothing. Hold it across the update (and, for a conditional update, the
// read it depends on).
//
// A lock is one of lockStripes stripes that many documents of a collection
// share, and it is not reentrant: a caller must never hold two locks of
// one collection at once, since two documents on one stripe, or two
// callers taking stripes in opposite orders, would wait for each other
// forever. Each collection has stripes of its own, so a caller may hold
// the locks of documents of two collections when they are always taken
// in the same order (a member's, then its chunk of the member index; a
// document's, then a key's: see lockKey).
func (db *DB) LockDoc(collection, id string) (unlock func()) {
	if db.locks == nil {
		return func() {}
	}
	return db.locks.lock(collection, id)
}

// lockKey is LockDoc for a key document (see keys.go), on stripes of
// their own: stores claim and release keys while holding a document's
// lock (a member's, when its e-mail address changes). Nothing else is
// locked while a key's lock is held, so it cannot be part of a cycle.
func (db *DB) lockKey(key string) (unlock func()) {
	if db.keyLocks == nil {
		return func() {}
	}
	return db.keyLocks.lock(KeyIndex, key)
}

// 5. computed is how a computed document (see Modify) is stored: its
// content as one BSON binary value, opaque to the database, and Rev, the
// count of its writes. The engine converts every field of a document it
// reads or writes to and from JSON, a cost that grows with the number of
// fields: a week of counters with 1,400 members was 1,400 fields, and the
// engine spent more on them than on anything else while activity was
// recorded. As one value it is copied whole.
type computed struct {
	ID   string `bson:"_id"`
	Rev  int64  `bson:"rev"`
	Data []byte `bson:"data,omitempty"`
	// Doc is the content as an embedded document, as earlier versions
	// stored it; it is read when there is no Data and replaced on the
	// next write.
	Doc bson.Raw `bson:"doc,omitempty"`
}

// encodeComputed returns the stored form of a computed document.
func encodeComputed[T any](id string, rev int64, doc T) (bson.Raw, error) {
	data, err := bson.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return bson.Marshal(computed{ID: id, Rev: rev, Data: data})
}

// decodeComputed reads the stored form of a computed document.
func decodeComputed[T any](raw bson.Raw) (rev int64, doc T, err error) {
	var c computed
	if err := bson.Unmarshal(raw, &c); err != nil {
		return 0, doc, err
	}
	content := c.Data
	if content == nil {
		content = c.Doc
	}
	if content != nil {
		err = bson.Unmarshal(content, &doc)
	}
	return c.Rev, doc, err
}

// 6. isEngineDuplicate recognises a unique-key violation the engine reports
// as an internal error (code 1) rather than E11000: the violation is
// SQLite's, and the engine passes its message on. The message is all
// there is to go by.
func isEngineDuplicate(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCodeWithMessage(engineInternalError, "UNIQUE constraint failed")
}

// engineInternalError is the code of the engine's InternalError.
const engineInternalError = 1

// 7. RecordWriters is how many members' records are best updated at once.
// The engine writes one document at a time; a writer that found it busy
// slept for a millisecond or more, so two writers did best then. Group
// commit (groupcommit.go) writes what arrives together in one transaction,
// and reads go by row: the more writers, the larger each round and the
// fewer commits. Measured with 5,000 members on the idle two cores, one
// run after another: 3,362-3,562 activities a second with two writers,
// 3,639-4,154 with eight, 4,242-4,618 with sixteen (4,287-5,065 with 32).
// With every commit synced to the disk the same holds, more so. A MongoDB
// server takes DefaultRecordWriters.
func (db *DB) RecordWriters() int {
	if db.engine != nil {
		return engineRecordWriters
	}
	return badges.DefaultRecordWriters
}

// engineRecordWriters is RecordWriters on the embedded engine.
const engineRecordWriters = 16

// 8. socketDialer connects the driver to the engine's Unix socket. The
// driver lower-cases every server address, socket paths included, so it
// cannot reach a socket whose path has a capital letter in it (a data
// directory under /Users, or a test's temporary directory); this dialer
// ignores the address and dials the socket itself.
type socketDialer struct{ path string }

func (d socketDialer) DialContext(ctx context.Context, _, _ string) (net.Conn, error) {
	var nd net.Dialer
	return nd.DialContext(ctx, "unix", d.path)
}

// 9. count returns the number of documents in a collection. The driver's
// CountDocuments is an aggregation whose $group stage the engine runs by
// holding every document of the collection in memory (exporting 67,000
// documents, that was 42 of 54 MB of heap), and the engine's count command
// decodes every document (a third of an export's time). SQLite counts the
// rows of the collection's table without either, through the connection
// of the index fix; like that fix it depends on the engine's table layout.
func (db *DB) count(ctx context.Context, collection string) (int64, error) {
	if db.engine == nil {
		return db.Collection(collection).CountDocuments(ctx, bson.D{})
	}
	sdb, err := db.engine.sqlDB(db.Name())
	if err != nil {
		return 0, err
	}
	tables, err := collectionTables(ctx, sdb)
	if err != nil {
		return 0, err
	}
	t, ok := tables[collection]
	if !ok {
		return 0, nil
	}
	var n int64
	if err := sdb.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %q`, t)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", collection, err)
	}
	return n, nil
}

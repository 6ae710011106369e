package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Group commit of computed documents on the embedded engine. The engine
// makes each write its own SQLite transaction, and SQLite commits one at
// a time: recording a batch of activity wrote two computed documents per
// member (an activity index and a record), each waiting for the one
// before, and writers that found SQLite busy slept. Here the writes of
// computed documents that arrive together, from any number of writers,
// are made in one transaction of their own on the engine's SQLite file
// (see enginerow.go for the row format), and each writer returns once the
// transaction holding its write is committed: what a write survives is
// what it survived before, at each synchronous level, since the
// connection has the engine's.
//
// A write is made in the transaction of a round: the first writer to come
// when no round runs leads it, taking every write waiting; writes coming
// meanwhile wait for the next round, which the first of them leads.

// commitWrite is one computed document's write in a round.
type commitWrite struct {
	stmt   *sql.Stmt // writeQuery's, prepared
	id     string    // the row's _id as the engine stores it
	row    string
	insert bool  // a new document, else a replace of revision rev
	rev    int64 // 0 matches a document stored without one (see AtRev)

	done bool  // written; false for an insert of an existing _id or a replace of another revision
	err  error // why it was not written
	next chan bool
}

// groupCommit gathers the writes of one database into rounds.
type groupCommit struct {
	mu      sync.Mutex
	leading bool // a round runs
	waiting []*commitWrite
}

// groupCommits holds each database's groupCommit, by name.
type groupCommits struct {
	mu  sync.Mutex
	dbs map[string]*groupCommit
}

func (g *groupCommits) of(database string) *groupCommit {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.dbs == nil {
		g.dbs = map[string]*groupCommit{}
	}
	gc := g.dbs[database]
	if gc == nil {
		gc = &groupCommit{}
		g.dbs[database] = gc
	}
	return gc
}

// commitComputed writes a computed document in stored form (see
// encodeComputed) in a group commit, as a new document or as the change
// of revision rev; done is false when another writer came first (an
// insert of an existing document, a replace of another revision). handled
// is false when the document cannot be written this way (a collection the
// engine has no table for yet): the caller writes it through the engine.
func (db *DB) commitComputed(ctx context.Context, collection string, insert bool, rev int64, next bson.Raw) (done, handled bool, err error) {
	sdb, err := db.engine.sqlDB(db.Name())
	if err != nil {
		return false, false, err
	}
	table, err := db.engine.table(ctx, db.Name(), sdb, collection)
	if err != nil || table == "" {
		return false, false, err
	}
	row, id, err := engineRow(next)
	if err != nil {
		return false, false, nil
	}
	// Prepared before joining a round: the handle's one connection is
	// the round's while it runs.
	st, err := db.engine.prepared(ctx, sdb, writeQuery(table, insert))
	if err != nil {
		return false, true, Wrap(err, "write "+collection)
	}
	w := &commitWrite{stmt: st, id: id, row: row, insert: insert, rev: rev, next: make(chan bool, 1)}
	db.engine.commits.of(db.Name()).write(context.WithoutCancel(ctx), sdb, w)
	if w.err != nil {
		return false, true, Wrap(w.err, "write "+collection)
	}
	return w.done, true, nil
}

// write makes w in a round, leading one when none runs, and returns once
// it is committed or has failed.
func (g *groupCommit) write(ctx context.Context, sdb *sql.DB, w *commitWrite) {
	g.mu.Lock()
	g.waiting = append(g.waiting, w)
	if g.leading {
		g.mu.Unlock()
		if lead := <-w.next; !lead {
			return
		}
		g.mu.Lock()
	}
	g.leading = true
	round := g.waiting
	g.waiting = nil
	g.mu.Unlock()

	commitRound(ctx, sdb, round)
	for _, o := range round {
		if o != w {
			o.next <- false
		}
	}

	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.waiting) == 0 {
		g.leading = false
		return
	}
	g.waiting[0].next <- true // the next round's leader; it stays among the waiting
}

// commitRound makes a round's writes in one transaction. Should one of
// them fail, the transaction is rolled back and each write is made alone,
// so that one write's error is only its own.
func commitRound(ctx context.Context, sdb *sql.DB, round []*commitWrite) {
	err := inTx(ctx, sdb, func(tx *sql.Tx) error {
		for _, w := range round {
			if err := w.exec(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(round) == 1 {
		for _, w := range round {
			w.err = err
		}
		return
	}
	for _, w := range round {
		w.err = inTx(ctx, sdb, func(tx *sql.Tx) error { return w.exec(ctx, tx) })
	}
}

// exec makes one write in tx and sets w.done. An insert of an _id that
// exists and a replace of another revision are not errors: they leave
// done false, as the engine's insert and conditional replace would.
func (w *commitWrite) exec(ctx context.Context, tx *sql.Tx) error {
	w.done = false
	if w.insert {
		_, err := tx.StmtContext(ctx, w.stmt).ExecContext(ctx, w.row)
		var se *sqlite.Error
		if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
			return nil
		}
		w.done = err == nil
		return err
	}
	res, err := tx.StmtContext(ctx, w.stmt).ExecContext(ctx, w.row, w.id, w.rev)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	w.done = n > 0
	return err
}

// writeQuery is the statement of an insert of a row into table, or of a
// replace of a row by the exact _id, which the index fix serves, and the
// revision, a compare-and-swap like AtRev's.
func writeQuery(table string, insert bool) string {
	if insert {
		return fmt.Sprintf(`INSERT INTO %q (_ferretdb_sjson) VALUES (?)`, table)
	}
	return fmt.Sprintf(`UPDATE %q SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->'$._id' = ? AND IFNULL(_ferretdb_sjson->>'$.rev', 0) = ?`, table)
}

// inTx runs f in a transaction and commits it.
func inTx(ctx context.Context, sdb *sql.DB, f func(*sql.Tx) error) error {
	tx, err := sdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// table returns the SQLite table of a database's collection, "" when the
// engine has none yet. The tables are read once per database, and again
// when a collection is not among them.
func (e *Engine) table(ctx context.Context, database string, sdb *sql.DB, collection string) (string, error) {
	e.mu.Lock()
	t, ok := e.tables[database][collection]
	e.mu.Unlock()
	if ok {
		return t, nil
	}
	tables, err := collectionTables(ctx, sdb)
	if err != nil {
		return "", err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tables[database] = tables
	return tables[collection], nil
}

// prepared returns a statement prepared once on one of the engine's
// handles: preparing it for every write was a fifth of a commit's time.
func (e *Engine) prepared(ctx context.Context, sdb *sql.DB, query string) (*sql.Stmt, error) {
	e.mu.Lock()
	st, ok := e.stmts[sdb][query]
	e.mu.Unlock()
	if ok {
		return st, nil
	}
	// Prepared without the engine's lock: it waits for the handle's
	// connection, which a group commit may hold.
	st, err := sdb.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if kept, ok := e.stmts[sdb][query]; ok {
		_ = st.Close() // prepared meanwhile by another writer
		return kept, nil
	}
	if e.stmts[sdb] == nil {
		e.stmts[sdb] = map[string]*sql.Stmt{}
	}
	e.stmts[sdb][query] = st
	return st, nil
}

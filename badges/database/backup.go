package database

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Backups: Export writes a database to an archive (see archive.go) and
// Restore writes an archive into an empty database, on the embedded engine
// or a MongoDB server alike. Neither needs a transaction, which the
// embedded engine does not have: an export is consistent because nothing
// writes meanwhile (the caller holds the embedded engine's data directory,
// or has stopped Laurel on MongoDB), and a restore that fails deletes what
// it wrote.

// Collections lists every collection Laurel uses, in the order archives
// hold them.
func Collections() []string { return slices.Clone(all) }

// exportBatch is how many documents each round trip of an export reads.
const exportBatch = 200

// Restore batches: an insert of 1,000 documents or 1 MiB at most.
const (
	restoreBatch      = 1000
	restoreBatchBytes = 1 << 20
)

// Export writes every document of every collection in Collections to w as
// an archive and returns its header. laurel is the version of Laurel
// writing it.
//
// Nothing may write to the database meanwhile: the counts in the header
// are taken first, and a collection that turns out to hold another number
// of documents fails the export with ErrChanged.
func (db *DB) Export(ctx context.Context, w io.Writer, laurel string) (*ArchiveHeader, error) {
	h := &ArchiveHeader{Format: ArchiveFormat, Version: ArchiveVersion, Laurel: laurel, Created: db.Now(), Database: db.Name()}
	for _, name := range all {
		n, err := db.count(ctx, name)
		if err != nil {
			return nil, Wrap(err, "count "+name)
		}
		h.Collections = append(h.Collections, ArchiveCollection{Name: name, Count: n})
	}
	aw, err := newArchiveWriter(w, h)
	if err != nil {
		return nil, err
	}
	for _, c := range h.Collections {
		if err := db.exportCollection(ctx, aw, c); err != nil {
			return nil, err
		}
	}
	return h, aw.finish()
}

// exportCollection writes every document of one collection, as stored.
// No sort: the embedded engine would sort the whole collection in memory.
func (db *DB) exportCollection(ctx context.Context, aw *archiveWriter, c ArchiveCollection) error {
	cur, err := db.Collection(c.Name).Find(ctx, bson.D{}, options.Find().SetBatchSize(exportBatch))
	if err != nil {
		return Wrap(err, "export "+c.Name)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var n int64
	for cur.Next(ctx) {
		if n++; n > c.Count {
			break
		}
		if err := aw.write(cur.Current); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return Wrap(err, "export "+c.Name)
	}
	if n != c.Count {
		return archiveErrorf(ErrChanged, "The collection %s changed during the export (%d documents counted, %d read): stop every Laurel process that writes to the database, then export again.",
			c.Name, c.Count, n)
	}
	return nil
}

// checkEmpty returns an ErrNotEmpty error naming the first collection that
// holds a document, nil when none does.
func (db *DB) checkEmpty(ctx context.Context) error {
	for _, name := range all {
		err := db.Collection(name).FindOne(ctx, bson.D{}).Err()
		switch {
		case IsNoDocuments(err):
			continue
		case err != nil:
			return Wrap(err, "read "+name)
		}
		return archiveErrorf(ErrNotEmpty, "The database %s is not empty (the collection %s holds documents): import only into an empty database.", db.Name(), name)
	}
	return nil
}

// Restore writes an archive into db, which must be empty (ErrNotEmpty
// otherwise), in batches, and returns the archive's header. It checks
// the archive as it reads it, but some of it is written before its end
// proves it whole: when anything fails — a damaged archive, a lost
// connection — every document written is deleted again, so that db is as
// empty as before. VerifyArchive first, and nothing is written at all for
// a damaged archive.
func (db *DB) Restore(ctx context.Context, r io.Reader) (*ArchiveHeader, error) {
	if err := db.checkEmpty(ctx); err != nil {
		return nil, err
	}
	ar, err := NewArchiveReader(r)
	if err != nil {
		return nil, err
	}
	if err := db.restore(ctx, ar); err != nil {
		return nil, errors.Join(err, db.clear(context.WithoutCancel(ctx)))
	}
	h := ar.Header()
	return &h, nil
}

// restore inserts the archive's documents, each collection in batches.
func (db *DB) restore(ctx context.Context, ar *ArchiveReader) error {
	var (
		batch []any
		size  int
		coll  string
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := db.Collection(coll).InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		batch, size = batch[:0], 0
		return Wrap(err, "import "+coll)
	}
	for {
		name, doc, err := ar.Next()
		if errors.Is(err, io.EOF) {
			return flush()
		}
		if err != nil {
			return err
		}
		if name != coll || len(batch) == restoreBatch || size+len(doc) > restoreBatchBytes {
			if err := flush(); err != nil {
				return err
			}
			coll = name
		}
		batch = append(batch, bson.Raw(slices.Clone(doc)))
		size += len(doc)
	}
}

// clear deletes every document of every collection, after a failed
// restore into what was an empty database.
func (db *DB) clear(ctx context.Context) error {
	defer db.docs.forgetDatabase(db.Name())
	for _, name := range all {
		if _, err := db.Collection(name).DeleteMany(ctx, bson.D{}); err != nil {
			return fmt.Errorf("delete what the failed import wrote to %s: %w", name, err)
		}
	}
	return nil
}

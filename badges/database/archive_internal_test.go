package database

import (
	"context"
	"io"
)

// ExportCollection writes one collection to a new archive as Export would
// after counting count documents in it, for tests of a count that changed.
func ExportCollection(ctx context.Context, db *DB, w io.Writer, name string, count int64) error {
	h := &ArchiveHeader{Format: ArchiveFormat, Version: ArchiveVersion, Collections: []ArchiveCollection{{Name: name, Count: count}}}
	aw, err := newArchiveWriter(w, h)
	if err != nil {
		return err
	}
	return db.exportCollection(ctx, aw, h.Collections[0])
}

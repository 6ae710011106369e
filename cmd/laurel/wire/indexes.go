package wire

import (
	"context"
	"log/slog"
)

// indexes are the stores that keep a per-community index for lists and
// searches: the credential index and the member index.
type indexes interface {
	PrepareIndex(ctx context.Context) error
	RebuildIndex(ctx context.Context) (int, error)
}

func (st *Stores) indexes() map[string]indexes {
	return map[string]indexes{"credentials": st.Credentials, "members": st.Members}
}

// PrepareIndexes finds out, before anything is written, whether each
// index is complete: built by this version, or on a database that has
// nothing to index yet. An index that is not is rebuilt by
// RebuildIndexes, and lists that need it answer 503 until then.
func (st *Stores) PrepareIndexes(ctx context.Context) error {
	for _, ix := range st.indexes() {
		if err := ix.PrepareIndex(ctx); err != nil {
			return err
		}
	}
	return nil
}

// RebuildIndexes builds the indexes that are missing or outdated from the
// collections they index. It scans them, so it runs in the background at
// start; issues, revocations and member changes go on meanwhile.
func (st *Stores) RebuildIndexes(ctx context.Context, log *slog.Logger) {
	for name, ix := range st.indexes() {
		n, err := ix.RebuildIndex(ctx)
		switch {
		case err != nil:
			log.Warn("rebuilding an index", "index", name, "err", err)
		case n > 0:
			log.Info("rebuilt an index", "index", name, "documents", n)
		}
	}
}

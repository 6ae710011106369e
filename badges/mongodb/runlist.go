package mongodb

import (
	"context"
	"slices"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// Jobs and re-evaluations are background work kept the same way: each by
// id, with two lists of ids beside them in the same collection, so that
// nothing is found by its content: a community's, newest first, and
// "unfinished", the work queued or running, oldest first. These are the
// lists' operations, for both stores.

// pushListed adds id to list, first (keeping the latest max) or last.
func pushListed(ctx context.Context, db *database.DB, collection, list, id string, first bool, max int) error {
	return database.Modify(ctx, db, collection, list, func(l *orderedIDs, _ bool) error {
		if slices.Contains(l.IDs, id) {
			return nil
		}
		if first {
			l.IDs = append([]string{id}, l.IDs[:min(len(l.IDs), max-1)]...)
		} else {
			l.IDs = append(l.IDs, id)
		}
		return nil
	})
}

// dropListed removes ids from list.
func dropListed(ctx context.Context, db *database.DB, collection, list string, ids []string) error {
	return database.Modify(ctx, db, collection, list, func(l *orderedIDs, _ bool) error {
		l.IDs = slices.DeleteFunc(l.IDs, func(id string) bool { return slices.Contains(ids, id) })
		return nil
	})
}

// listedPage is a page of list, each read by id with read; the cursor is
// the last id of the page before. One gone since it was listed is left
// out.
func listedPage[T any](ctx context.Context, db *database.DB, collection, list string, o badges.ListOptions,
	read func(context.Context, string) (T, error)) (*badges.Page[T], error) {
	l, _, err := database.ReadComputed[orderedIDs](ctx, db, collection, list)
	if err != nil {
		return nil, err
	}
	start := 0
	if o.Cursor != "" {
		after, err := badges.DecodeCursor(o.Cursor)
		if err != nil {
			return nil, err
		}
		if start = slices.Index(l.IDs, after) + 1; start == 0 {
			return nil, badges.FieldErrorf("cursor", "cursor is not one this server issued, or its page is gone")
		}
	}
	end := min(start+o.Limit, len(l.IDs))
	p := &badges.Page[T]{Items: []T{}, Total: len(l.IDs)}
	for _, id := range l.IDs[start:end] {
		it, err := read(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, it)
	}
	if end < len(l.IDs) {
		p.NextCursor = badges.EncodeCursor(l.IDs[end-1])
	}
	return p, nil
}

// unfinishedIDs are the ids of list whose work is not finished, in its
// order; those finished or gone (a crash came between their last change
// and the list's) leave the list.
func unfinishedIDs[T any](ctx context.Context, db *database.DB, collection, list string,
	read func(context.Context, string) (T, error), finished func(T) bool) ([]string, error) {
	l, _, err := database.ReadComputed[orderedIDs](ctx, db, collection, list)
	if err != nil {
		return nil, err
	}
	var live, gone []string
	for _, id := range l.IDs {
		it, err := read(ctx, id)
		switch {
		case badges.ErrorCode(err) == badges.ENOTFOUND || (err == nil && finished(it)):
			gone = append(gone, id)
		case err != nil:
			return nil, err
		default:
			live = append(live, id)
		}
	}
	if len(gone) > 0 {
		if err := dropListed(ctx, db, collection, list, gone); err != nil {
			return nil, err
		}
	}
	return live, nil
}

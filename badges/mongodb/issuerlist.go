package mongodb

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// A small per-community collection (outcomes, measures) keeps each
// document by its id and, in the computed document "issuer:<issuer>" of
// the same collection, the ids of a community's documents in the order
// they were made: listing reads it and then each document by exact _id,
// never a scan.
type orderedIDs struct {
	IDs []string `bson:"ids"`
}

func listID(issuerID string) string { return "issuer:" + issuerID }

// addListed stores doc as id in collection and lists it under its
// community, refusing with full when the list has max ids. The id is
// listed first, so the bound holds under concurrent creates; a document
// whose write then fails leaves the list again, so as not to hold a slot
// (were that cut short too, listing skips it).
func addListed[T any](ctx context.Context, db *database.DB, collection, issuerID, id string, doc T, max int, full error) error {
	err := database.Modify(ctx, db, collection, listID(issuerID), func(l *orderedIDs, _ bool) error {
		if slices.Contains(l.IDs, id) {
			return nil
		}
		if len(l.IDs) >= max {
			return full
		}
		l.IDs = append(l.IDs, id)
		return nil
	})
	if err != nil {
		return err
	}
	err = database.Modify(ctx, db, collection, id, func(d *T, _ bool) error {
		*d = doc
		return nil
	})
	if err != nil {
		if _, uerr := unlist(context.WithoutCancel(ctx), db, collection, issuerID, id); uerr != nil {
			return errors.Join(err, uerr)
		}
	}
	return err
}

// unlist takes id out of its community's list, writing nothing when it is
// not in it, so that it can be sent again; it reports whether it was.
func unlist(ctx context.Context, db *database.DB, collection, issuerID, id string) (listed bool, err error) {
	err = database.Modify(ctx, db, collection, listID(issuerID), func(l *orderedIDs, _ bool) error {
		n := len(l.IDs)
		l.IDs = slices.DeleteFunc(l.IDs, func(x string) bool { return x == id })
		if listed = len(l.IDs) < n; !listed {
			return errNotListed
		}
		return nil
	})
	if errors.Is(err, errNotListed) {
		err = nil
	}
	return listed, err
}

// errNotListed leaves a list without the id to remove as it is.
var errNotListed = errors.New("not listed")

// listedIDs are the ids of a community's documents, in the order they
// were made.
func listedIDs(ctx context.Context, db *database.DB, collection, issuerID string) ([]string, error) {
	l, _, err := database.ReadComputed[orderedIDs](ctx, db, collection, listID(issuerID))
	return l.IDs, err
}

// readOne reads the document id of collection; notFound when there is
// none or id cannot be one of Laurel's.
func readOne[T any](ctx context.Context, db *database.DB, collection, id string, notFound error) (T, error) {
	var zero T
	if !badges.ValidID(id) {
		return zero, notFound
	}
	d, found, err := database.ReadComputed[T](ctx, db, collection, id)
	if err != nil {
		return zero, fmt.Errorf("read %s %s: %w", collection, id, err)
	}
	if !found {
		return zero, notFound
	}
	return d, nil
}

// updateOne changes the existing document id of collection atomically
// (see database.Modify); notFound when there is none.
func updateOne[T any](ctx context.Context, db *database.DB, collection, id string, notFound error, change func(*T) error) (T, error) {
	var out T
	if !badges.ValidID(id) {
		return out, notFound
	}
	err := database.Modify(ctx, db, collection, id, func(d *T, exists bool) error {
		if !exists {
			return notFound
		}
		if err := change(d); err != nil {
			return err
		}
		out = *d
		return nil
	})
	return out, err
}

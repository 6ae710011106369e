package database

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/mongo"

	"github.com/laurel-badges/laurel/badges"
)

// Wrap turns driver errors into domain errors: no document becomes
// ENOTFOUND, a lost connection EUNAVAILABLE; a domain error is returned as
// it is, anything else is wrapped with what was being done. doing is a
// verb and its object ("read member"). The driver's error stays in the
// chain of an unavailable database, for the log to say why.
func Wrap(err error, doing string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return badges.Errorf(badges.ENOTFOUND, "Could not %s: it does not exist.", doing)
	case mongo.IsTimeout(err) || mongo.IsNetworkError(err) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w: %w", doing, &badges.Error{Code: badges.EUNAVAILABLE, Message: "The database did not answer in time."}, err)
	case errors.Is(err, mongo.ErrClientDisconnected):
		return fmt.Errorf("%s: %w: %w", doing, errUnreachable(), err)
	}
	var be *badges.Error
	if errors.As(err, &be) {
		return err
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// errUnreachable is what users are told when the database does not answer.
func errUnreachable() *badges.Error {
	return &badges.Error{Code: badges.EUNAVAILABLE, Message: "The database is not reachable."}
}

// IsNoDocuments reports a read that found no document.
func IsNoDocuments(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// IsDuplicate reports a unique-key violation, as MongoDB reports it or as
// the embedded engine does (see isEngineDuplicate).
func IsDuplicate(err error) bool {
	return err != nil && (mongo.IsDuplicateKeyError(err) || isEngineDuplicate(err))
}

// DuplicateRows reads the outcome of an unordered bulk insert whose
// documents belong to rows (docs[i] to row owner[i]): the rows that had a
// document rejected as a duplicate. Any other failure is returned as an
// error.
func DuplicateRows(err error, owner []int, doing string) (map[int]bool, error) {
	dup := map[int]bool{}
	if err == nil {
		return dup, nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return nil, Wrap(err, doing)
	}
	for _, we := range bwe.WriteErrors {
		if !IsDuplicate(we) {
			return nil, Wrap(we, doing)
		}
		dup[owner[we.Index]] = true
	}
	return dup, nil
}

// oneEach is the owner list of a bulk insert with one document per row.
func oneEach(n int) []int {
	ix := make([]int, n)
	for i := range ix {
		ix[i] = i
	}
	return ix
}

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists")
}

package database_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/x/mongo/driver/topology"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

func TestIsDuplicate_Errors(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want bool
	}{
		"nil":                   {nil, false},
		"E11000":                {mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000 duplicate key error"}}}, true},
		"engine, on update":     {mongo.CommandError{Code: 1, Name: "InternalError", Message: "constraint failed: UNIQUE constraint failed: index 'x_k_1' (2067)"}, true},
		"wrapped":               {fmt.Errorf("store: %w", mongo.CommandError{Code: 1, Message: "UNIQUE constraint failed: x"}), true},
		"other internal":        {mongo.CommandError{Code: 1, Name: "InternalError", Message: "disk I/O error"}, false},
		"same text, other code": {mongo.CommandError{Code: 2, Name: "BadValue", Message: "UNIQUE constraint failed"}, false},
		"not a server error":    {errors.New("UNIQUE constraint failed"), false},
		"no document":           {mongo.ErrNoDocuments, false},
	} {
		if got := database.IsDuplicate(tc.err); got != tc.want {
			t.Errorf("%s: IsDuplicate(%v) = %v, want %v", name, tc.err, got, tc.want)
		}
	}
}

// TestIsDuplicate_Server: the unique-key violations the server (MongoDB or
// the embedded engine) reports are recognised, whichever way it reports
// them; other failures are not.
func TestIsDuplicate_Server(t *testing.T) {
	ctx := t.Context()
	c := mongotest.NewDB(t).Collection("uniques")
	if _, err := c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "k", Value: 1}}, Options: options.Index().SetUnique(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.InsertMany(ctx, []any{bson.D{{Key: "_id", Value: "a"}, {Key: "k", Value: 1}}, bson.D{{Key: "_id", Value: "b"}, {Key: "k", Value: 2}}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}})
	if !database.IsDuplicate(err) {
		t.Errorf("insert of an existing _id: %v", err)
	}
	_, err = c.UpdateOne(ctx, database.ByID("b"), bson.D{{Key: "$set", Value: bson.D{{Key: "k", Value: 1}}}})
	if !database.IsDuplicate(err) {
		t.Errorf("update breaking a unique index: %v", err)
	}
	_, err = c.UpdateOne(ctx, database.ByID("b"), bson.D{{Key: "$inc", Value: bson.D{{Key: "k", Value: "x"}}}})
	if err == nil || database.IsDuplicate(err) {
		t.Errorf("a bad update: %v", err)
	}
	_, err = c.InsertMany(ctx, []any{bson.D{{Key: "_id", Value: "c"}, {Key: "k", Value: 3}}, bson.D{{Key: "_id", Value: "a"}}},
		options.InsertMany().SetOrdered(false))
	rows, err := database.DuplicateRows(err, []int{0, 0}, "insert")
	if err != nil || len(rows) != 1 || !rows[0] {
		t.Errorf("DuplicateRows = %v, %v; want row 0 only", rows, err)
	}
	err = database.Wrap(c.FindOne(ctx, database.ByID("zz")).Err(), "read")
	if badges.ErrorCode(err) != badges.ENOTFOUND || database.IsDuplicate(err) {
		t.Errorf("a missing document: %v", err)
	}
}

// TestOpen_Unreachable: a database that cannot be reached is reported to
// users as unavailable, and the driver's error stays in the chain, so that
// the log says why (here: no socket where the URI points).
func TestOpen_Unreachable(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "none.sock")
	_, err := database.Open(t.Context(), database.Options{URI: "mongodb://" + url.QueryEscape(sock) + "/",
		Database: "unreachable", Timeout: 300 * time.Millisecond})
	if badges.ErrorCode(err) != badges.EUNAVAILABLE || badges.ErrorMessage(err) != "The database is not reachable." {
		t.Fatalf("Open = %v; want the database unavailable", err)
	}
	var sel topology.ServerSelectionError
	if !errors.As(err, &sel) || len(sel.Desc.Servers) != 1 || !errors.Is(sel.Desc.Servers[0].LastError, syscall.ENOENT) {
		t.Fatalf("Open = %v; want the cause (no such file) in the chain", err)
	}
}

// TestWrap: what users are told of driver errors, a sentence; the
// driver's error stays in the chain of an unavailable database, for the
// log.
func TestWrap(t *testing.T) {
	for name, tc := range map[string]struct {
		err       error
		code, msg string
		keeps     bool
	}{
		"no document":  {mongo.ErrNoDocuments, badges.ENOTFOUND, "Could not read member: it does not exist.", false},
		"timeout":      {context.DeadlineExceeded, badges.EUNAVAILABLE, "The database did not answer in time.", true},
		"disconnected": {mongo.ErrClientDisconnected, badges.EUNAVAILABLE, "The database is not reachable.", true},
	} {
		err := database.Wrap(tc.err, "read member")
		if badges.ErrorCode(err) != tc.code || badges.ErrorMessage(err) != tc.msg || errors.Is(err, tc.err) != tc.keeps {
			t.Errorf("%s: Wrap = %v; want %s %q, driver error kept: %v", name, err, tc.code, tc.msg, tc.keeps)
		}
	}
}

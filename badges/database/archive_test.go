package database_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// fillForArchive writes documents of several kinds to db: plain ones with
// every type Laurel stores, a computed document (binary content), an
// ObjectID _id, and more than one restore batch of one collection.
func fillForArchive(t *testing.T, db *database.DB) {
	t.Helper()
	ctx := t.Context()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	_, err := db.Collection(database.Issuers).InsertMany(ctx, []any{
		bson.D{{Key: "_id", Value: "iss1"}, {Key: "name", Value: "Ünïcode “quotes” 🎉"}, {Key: "n32", Value: int32(7)},
			{Key: "n64", Value: int64(1) << 40}, {Key: "f", Value: 0.5}, {Key: "at", Value: at}, {Key: "yes", Value: true},
			{Key: "nothing", Value: nil}, {Key: "bin", Value: []byte{0, 1, 2, 255}},
			{Key: "nested", Value: bson.D{{Key: "list", Value: bson.A{"a", int32(2), bson.D{{Key: "deep", Value: "x"}}}}}}},
		bson.D{{Key: "_id", Value: "iss2"}, {Key: "name", Value: "Second"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection(database.Audit).InsertOne(ctx, bson.D{{Key: "_id", Value: primitive.NewObjectID()}, {Key: "what", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	if err := database.Modify(ctx, db, database.Showcases, "tally", func(d *tally, _ bool) error {
		d.N, d.Names = 3, []string{"a", "b"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	many := make([]any, 1203) // more than one restore batch
	for i := range many {
		many[i] = bson.D{{Key: "_id", Value: fmt.Sprintf("act%05d", i)}, {Key: "i", Value: int32(i)}}
	}
	if _, err := db.Collection(database.Activities).InsertMany(ctx, many); err != nil {
		t.Fatal(err)
	}
}

// dump is every document of every collection as stored, by _id.
func dump(t *testing.T, db *database.DB) map[string][]bson.Raw {
	t.Helper()
	out := map[string][]bson.Raw{}
	for _, name := range database.Collections() {
		docs, err := database.FindAll[bson.Raw](t.Context(), db.Collection(name), bson.D{}, "dump", options.Find())
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(docs, func(a, b bson.Raw) int { return strings.Compare(a.Lookup("_id").String(), b.Lookup("_id").String()) })
		if len(docs) > 0 {
			out[name] = docs
		}
	}
	return out
}

func exportArchive(t *testing.T, db *database.DB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := db.Export(t.Context(), &buf, "test"); err != nil {
		t.Fatalf("Export: %v", err)
	}
	return buf.Bytes()
}

// TestArchive_RoundTrip exports a database and restores it into a new one:
// every document comes back byte for byte.
func TestArchive_RoundTrip(t *testing.T) {
	src := mongotest.NewDB(t)
	fillForArchive(t, src)
	archive := exportArchive(t, src)

	h, err := database.VerifyArchive(bytes.NewReader(archive), nil)
	if err != nil {
		t.Fatalf("VerifyArchive: %v", err)
	}
	if h.Format != database.ArchiveFormat || h.Version != database.ArchiveVersion || h.Laurel != "test" || h.Database != src.Name() || h.Created.IsZero() {
		t.Errorf("header = %+v", h)
	}
	if got, want := len(h.Collections), len(database.Collections()); got != want || h.Documents() != 2+1+1+1203 {
		t.Errorf("header lists %d collections and %d documents: %+v", got, h.Documents(), h.Collections)
	}

	dst := mongotest.NewDB(t)
	if _, err := dst.Restore(t.Context(), bytes.NewReader(archive)); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	before, after := dump(t, src), dump(t, dst)
	if len(after) != len(before) {
		t.Fatalf("restored collections %d, exported %d", len(after), len(before))
	}
	for name, docs := range before {
		if len(after[name]) != len(docs) {
			t.Fatalf("%s: %d documents restored of %d", name, len(after[name]), len(docs))
		}
		for i := range docs {
			if !bytes.Equal(docs[i], after[name][i]) {
				t.Fatalf("%s: document %d differs:\n%v\n%v", name, i, docs[i], after[name][i])
			}
		}
	}
	got, found, err := database.ReadComputed[tally](t.Context(), dst, database.Showcases, "tally")
	if err != nil || !found || got.N != 3 || len(got.Names) != 2 {
		t.Errorf("computed document after restore = %+v, %v, %v", got, found, err)
	}
	// The restored database works as before: the computed document changes.
	if err := database.Modify(t.Context(), dst, database.Showcases, "tally", func(d *tally, _ bool) error { d.N++; return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestArchive_Empty(t *testing.T) {
	archive := exportArchive(t, mongotest.NewDB(t))
	dst := mongotest.NewDB(t)
	h, err := dst.Restore(t.Context(), bytes.NewReader(archive))
	if err != nil || h.Documents() != 0 {
		t.Fatalf("Restore of an empty database = %+v, %v", h, err)
	}
}

// gunzip and regzip let a test alter an archive's content and compress it
// again, so that only Laurel's own checksum can tell.
func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func regzip(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestArchive_Refused: every damaged or foreign archive is refused with
// its own error, by VerifyArchive and by Restore, and the target database
// stays empty.
func TestArchive_Refused(t *testing.T) {
	src := mongotest.NewDB(t)
	fillForArchive(t, src)
	good := exportArchive(t, src)
	plain := gunzip(t, good)
	at := bytes.Index(plain, []byte("Second")) // inside a document of issuers

	alter := func(f func(b []byte) []byte) []byte { return regzip(t, f(bytes.Clone(plain))) }
	cases := []struct {
		name    string
		archive []byte
		kind    error
		message string
	}{
		{"empty file", nil, database.ErrArchiveDamaged, "not gzip-compressed"},
		{"not gzip", []byte("name,email\nA,a@example.org\n"), database.ErrArchiveDamaged, "not gzip-compressed"},
		{"empty stream", regzip(t, nil), database.ErrArchiveDamaged, "it is empty"},
		{"not an archive", regzip(t, must(bson.Marshal(bson.D{{Key: "format", Value: "other"}}))), database.ErrArchiveDamaged, "not a Laurel archive"},
		{"truncated compressed", good[:len(good)/2], database.ErrArchiveDamaged, "truncated"},
		{"truncated before the end", alter(func(b []byte) []byte { return b[:len(b)-60] }), database.ErrArchiveDamaged, "truncated"},
		{"truncated in a document", alter(func(b []byte) []byte { return b[:at] }), database.ErrArchiveDamaged, "truncated"},
		{"altered compressed byte", flip(good, len(good)/2), database.ErrArchiveDamaged, ""},
		{"altered content", alter(func(b []byte) []byte { b[at] = 'Z'; return b }), database.ErrArchiveDamaged, "checksum does not match"},
		{"data after the end", alter(func(b []byte) []byte { return append(b, 0) }), database.ErrArchiveDamaged, "goes on after its end"},
		{"impossible length", alter(func(b []byte) []byte {
			start := bytes.Index(b, []byte("\x02_id\x00\x05\x00\x00\x00iss2\x00")) - 4 // the length of a document
			b[start+3] = 0x7f
			return b
		}), database.ErrArchiveDamaged, "claims a length"},
		{"later version", alter(func(b []byte) []byte { return setVersion(t, b, 2) }), database.ErrArchiveVersion, "version 2"},
		{"unknown collection", alter(func(b []byte) []byte {
			return bytes.Replace(b, []byte("\x00nominations\x00"), []byte("\x00nominationz\x00"), 1)
		}), database.ErrArchiveVersion, `"nominationz"`},
	}
	dst := mongotest.NewDB(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := database.VerifyArchive(bytes.NewReader(tc.archive), nil)
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("VerifyArchive: %v; want %v saying %q", err, tc.kind, tc.message)
			}
			if msg := err.Error(); msg[0] < 'A' || msg[0] > 'Z' || !strings.HasSuffix(msg, ".") {
				t.Errorf("message %q is not a sentence", msg)
			}
			if _, err := dst.Restore(t.Context(), bytes.NewReader(tc.archive)); !errors.Is(err, tc.kind) {
				t.Fatalf("Restore: %v; want %v", err, tc.kind)
			}
			if err := dst.CheckEmpty(t.Context()); err != nil {
				t.Fatalf("after a refused restore: %v", err)
			}
		})
	}
}

// TestRestore_NotEmpty: a database with anything in it is left alone.
func TestRestore_NotEmpty(t *testing.T) {
	src := mongotest.NewDB(t)
	fillForArchive(t, src)
	archive := exportArchive(t, src)
	dst := mongotest.NewDB(t)
	if _, err := dst.Collection(database.APIKeys).InsertOne(t.Context(), bson.D{{Key: "_id", Value: "k1"}}); err != nil {
		t.Fatal(err)
	}
	_, err := dst.Restore(t.Context(), bytes.NewReader(archive))
	if !errors.Is(err, database.ErrNotEmpty) || !strings.Contains(err.Error(), "apikeys") {
		t.Fatalf("Restore into a non-empty database: %v", err)
	}
	if n := count(t, dst); n != 1 {
		t.Fatalf("the refused restore left %d documents, want the 1 there was", n)
	}
}

// TestRestore_UndoesPartialWrite: an archive whose damage shows only at
// its end (the checksum), restored without verifying it first, has its
// first batches written; they are deleted again.
func TestRestore_UndoesPartialWrite(t *testing.T) {
	src := mongotest.NewDB(t)
	fillForArchive(t, src)
	plain := gunzip(t, exportArchive(t, src))
	at := bytes.LastIndex(plain, []byte("act01202")) // in the last document
	plain[at] = 'b'
	dst := mongotest.NewDB(t)
	if _, err := dst.Restore(t.Context(), bytes.NewReader(regzip(t, plain))); !errors.Is(err, database.ErrArchiveDamaged) {
		t.Fatalf("Restore: %v; want a damaged archive", err)
	}
	if n := count(t, dst); n != 0 {
		t.Fatalf("the failed restore left %d documents", n)
	}
}

// TestExport_Changed: a collection that does not hold what was counted
// fails the export.
func TestExport_Changed(t *testing.T) {
	db := mongotest.NewDB(t)
	fillForArchive(t, db)
	for _, counted := range []int64{1, 3} { // issuers holds 2
		err := database.ExportCollection(t.Context(), db, io.Discard, database.Issuers, counted)
		if !errors.Is(err, database.ErrChanged) || !strings.Contains(err.Error(), "stop every Laurel process") {
			t.Errorf("counted %d: %v; want ErrChanged", counted, err)
		}
	}
	if err := database.ExportCollection(t.Context(), db, io.Discard, database.Issuers, 2); err != nil {
		t.Errorf("counted right: %v", err)
	}
}

func count(t *testing.T, db *database.DB) int64 {
	t.Helper()
	var n int64
	for _, name := range database.Collections() {
		c, err := db.Collection(name).CountDocuments(context.Background(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		n += c
	}
	return n
}

// setVersion rewrites the format version in an uncompressed archive's
// header.
func setVersion(t *testing.T, plain []byte, v int32) []byte {
	t.Helper()
	key := []byte("\x10version\x00")
	i := bytes.Index(plain, key)
	if i < 0 {
		t.Fatal("no version in the header")
	}
	at := i + len(key)
	plain[at], plain[at+1], plain[at+2], plain[at+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	return plain
}

func flip(b []byte, i int) []byte {
	b = bytes.Clone(b)
	b[i] ^= 0x55
	return b
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

package database_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// rowCases are computed documents whose ids and contents exercise the
// engine's encoding: escaping, Unicode, empty and large content, revisions
// past 32 bits.
func rowCases() []struct {
	id  string
	rev int64
	doc tally
} {
	return []struct {
		id  string
		rev int64
		doc tally
	}{
		{"plain", 1, tally{N: 1}},
		{`quote " back \ slash`, 2, tally{Names: []string{"a"}}},
		{"<html> & 'apos'", 3, tally{}},
		{"unicode é ✓ 𝄞 \u2028\u2029", 1 << 40, tally{N: -5, Names: []string{"é", "\x00"}}},
		{"tab\tnew\nline\x01", 7, tally{Names: []string{strings.Repeat("x", 100_000)}}},
	}
}

// embedded reports whether the tests run on the embedded engine, whose
// rows group commit writes. With an external MongoDB there are no rows to
// compare and no engine may run; neither configured is a broken setup.
func embedded(t *testing.T) bool {
	t.Helper()
	switch {
	case mongotest.External() && mongotest.Engine() != nil:
		t.Fatal("an embedded engine runs although an external MongoDB is configured")
	case mongotest.External():
		return false
	case mongotest.Engine() == nil:
		t.Fatal("no embedded engine and no external MongoDB configured")
	}
	return true
}

// TestEngineRow proves that the row group commit writes for a computed
// document is the very text the engine stores for it: each document is
// inserted through the engine and its row read from SQLite.
func TestEngineRow(t *testing.T) {
	if !embedded(t) {
		return
	}
	db := mongotest.NewDB(t)
	ctx := context.Background()
	for _, c := range rowCases() {
		raw, err := database.EncodeComputed(c.id, c.rev, c.doc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Collection(database.Showcases).InsertOne(ctx, bson.Raw(raw)); err != nil {
			t.Fatal(err)
		}
		stored, err := database.StoredRow(ctx, db, database.Showcases, c.id)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := database.EngineRow(raw)
		if err != nil {
			t.Fatal(err)
		}
		if ours != stored {
			t.Errorf("%q: row\n%.400s\nwant the engine's\n%.400s", c.id, ours, stored)
		}
	}
	if _, err := database.EngineRow(mustMarshal(t, bson.D{{Key: "_id", Value: "x"}, {Key: "n", Value: 1}})); err == nil {
		t.Error("EngineRow took a document that is not a computed one")
	}
}

// TestReadRow proves that reading a computed document's row straight from
// SQLite gives what the engine gives for it, and that a document of
// another shape is left to the engine.
func TestReadRow(t *testing.T) {
	if !embedded(t) {
		return
	}
	db := mongotest.NewDB(t)
	ctx := context.Background()
	c := db.Collection(database.Showcases)
	for _, rc := range rowCases() {
		raw, err := database.EncodeComputed(rc.id, rc.rev, rc.doc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.InsertOne(ctx, bson.Raw(raw)); err != nil {
			t.Fatal(err)
		}
		want, err := c.FindOne(ctx, database.ByID(rc.id)).Raw()
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := database.ReadRow(ctx, db, database.Showcases, rc.id)
		if err != nil || !ok || !bytes.Equal(got, want) {
			t.Errorf("%q: ReadRow = %.200v, %v, %v; want the engine's %.200v", rc.id, bson.Raw(got), ok, err, want)
		}
	}
	if got, ok, err := database.ReadRow(ctx, db, database.Showcases, "missing"); err != nil || !ok || got != nil {
		t.Errorf("missing: ReadRow = %v, %v, %v; want nothing, read", got, ok, err)
	}
	others := []bson.D{
		{{Key: "_id", Value: "earlier"}, {Key: "rev", Value: int64(1)}, {Key: "doc", Value: bson.D{{Key: "n", Value: 1}}}},
		{{Key: "_id", Value: "int32"}, {Key: "rev", Value: int32(1)}, {Key: "data", Value: []byte{5, 0, 0, 0, 0}}},
		{{Key: "_id", Value: "extra"}, {Key: "rev", Value: int64(1)}, {Key: "data", Value: []byte{5, 0, 0, 0, 0}}, {Key: "x", Value: 1}},
	}
	for _, d := range others {
		if _, err := c.InsertOne(ctx, d); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := database.ReadRow(ctx, db, database.Showcases, d[0].Value.(string)); ok || err != nil {
			t.Errorf("%v: ReadRow read it (%v, %v); want it left to the engine", d[0].Value, ok, err)
		}
	}
}

// TestModify_GroupCommitReadsBack writes computed documents through Modify
// (new ones, then changes of them) and reads each back through the engine
// from a fresh connection with no cache: the engine must return exactly
// the stored form.
func TestModify_GroupCommitReadsBack(t *testing.T) {
	db := mongotest.NewDB(t)
	ctx := context.Background()
	for round := range 2 {
		for _, c := range rowCases() {
			err := database.Modify(ctx, db, database.Showcases, c.id, func(d *tally, _ bool) error {
				*d = c.doc
				d.N += round
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	other := database.AsAnotherProcess(db)
	for _, c := range rowCases() {
		got, err := db.Collection(database.Showcases).FindOne(ctx, database.ByID(c.id)).Raw()
		if err != nil {
			t.Fatal(err)
		}
		want := c.doc
		want.N++
		raw, err := database.EncodeComputed(c.id, 2, want)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, raw) {
			t.Errorf("%q: read back %.200v, want %.200v", c.id, got, bson.Raw(raw))
		}
		if doc, found, err := database.ReadComputed[tally](ctx, other, database.Showcases, c.id); err != nil || !found || doc.N != want.N {
			t.Errorf("%q: ReadComputed = %+v, %v, %v", c.id, doc.N, found, err)
		}
	}
}

// TestModify_GroupCommitConcurrent changes many documents from many
// writers at once, so that their writes share transactions, and checks
// every change arrived, including a refused one that writes nothing.
func TestModify_GroupCommitConcurrent(t *testing.T) {
	db := mongotest.NewDB(t)
	ctx := context.Background()
	const docs, writes = 20, 10
	var wg sync.WaitGroup
	errs := make(chan error, docs*writes)
	for d := range docs {
		for range writes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- database.Modify(ctx, db, database.Showcases, fmt.Sprint("doc-", d), func(t *tally, _ bool) error {
					if d == 0 {
						return errRefused
					}
					t.N++
					return nil
				})
			}()
		}
	}
	wg.Wait()
	close(errs)
	refused := 0
	for err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, errRefused):
			refused++
		default:
			t.Fatal(err)
		}
	}
	if refused != writes {
		t.Errorf("%d changes refused, want %d", refused, writes)
	}
	if _, found, err := database.ReadComputed[tally](ctx, db, database.Showcases, "doc-0"); err != nil || found {
		t.Errorf("a refused change wrote doc-0: found %v, %v", found, err)
	}
	for d := 1; d < docs; d++ {
		got, _, err := database.ReadComputed[tally](ctx, database.AsAnotherProcess(db), database.Showcases, fmt.Sprint("doc-", d))
		if err != nil || got.N != writes {
			t.Errorf("doc-%d: n = %d, %v; want %d", d, got.N, err, writes)
		}
	}
}

var errRefused = errors.New("refused")

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := bson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkModify_Writers changes member-record-sized computed documents,
// each its own, from several writers at once, as recording a batch does:
// on the embedded engine their writes share group commits. It reports
// documents written a second.
func BenchmarkModify_Writers(b *testing.B) {
	db := mongotest.NewDB(b)
	ctx := b.Context()
	names := make([]string, 100)
	for i := range names {
		names[i] = fmt.Sprintf("event-%03d-with-some-detail", i)
	}
	for _, writers := range []int{1, 2, 8} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			b.ReportAllocs()
			next := 0
			for b.Loop() {
				var wg sync.WaitGroup
				for w := range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						id := fmt.Sprint("doc-", (next+w)%1000)
						err := database.Modify(ctx, db, database.Showcases, id, func(d *tally, _ bool) error {
							d.N++
							d.Names = names
							return nil
						})
						if err != nil {
							b.Error(err)
						}
					}()
				}
				wg.Wait()
				next += writers
			}
			b.ReportMetric(float64(b.N*writers)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

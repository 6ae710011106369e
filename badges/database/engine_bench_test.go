package database_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// benchSizes are the collection sizes measured: a small issuer and a large one.
var benchSizes = []int{10_000, 100_000}

const (
	benchCollection = "members"
	benchBatch      = 1_000
	benchBioLen     = 2_000 // makes each document about 2 KB, like a member with a long profile
)

// benchDataset is one filled collection and the ids in it.
type benchDataset struct {
	db  *database.DB
	ids []string
}

// benchDatasets caches the filled databases by size for the life of the test
// binary: filling 100,000 documents is slow, and BenchmarkIDLookup and
// BenchmarkIDUpdate can share one. The embedded engine's directory, and so
// these databases, is removed when the binary exits.
var (
	benchMu       sync.Mutex
	benchDatasets = map[int]*benchDataset{}
)

// dataset returns a collection of n member-like documents. On an external
// MongoDB it is built per benchmark so that the test database is dropped
// afterwards rather than left behind on the server.
func dataset(b *testing.B, n int) *benchDataset {
	b.Helper()
	e := mongotest.Engine()
	if e == nil {
		return fill(b, mongotest.NewDB(b), n)
	}
	benchMu.Lock()
	defer benchMu.Unlock()
	if d, ok := benchDatasets[n]; ok {
		return d
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := database.Open(ctx, database.Options{URI: e.URI(), Database: fmt.Sprintf("bench_n%d", n), Engine: e})
	if err != nil {
		b.Fatalf("open benchmark database: %v", err)
	}
	d := fill(b, db, n)
	benchDatasets[n] = d
	return d
}

// fill inserts n documents shaped like Laurel's members, with random 20-char
// ids so that lookups land all over the id space as they do in production.
func fill(b *testing.B, db *database.DB, n int) *benchDataset {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	started := time.Now()
	bio := strings.Repeat("Recognised for sustained contributions to the community. ", benchBioLen/57+1)[:benchBioLen]
	issuer := badges.NewID()
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := &benchDataset{db: db, ids: make([]string, 0, n)}
	coll := db.Collection(benchCollection)
	for start := 0; start < n; start += benchBatch {
		docs := make([]any, 0, benchBatch)
		for i := start; i < min(start+benchBatch, n); i++ {
			id := badges.NewID()
			d.ids = append(d.ids, id)
			docs = append(docs, bson.D{
				{Key: "_id", Value: id},
				{Key: "issuer", Value: issuer},
				{Key: "email", Value: fmt.Sprintf("member%d@example.org", i)},
				{Key: "name", Value: fmt.Sprintf("Member %d", i)},
				{Key: "slug", Value: fmt.Sprintf("member-%d", i)},
				{Key: "public", Value: i%2 == 0},
				{Key: "seq", Value: int64(i)},
				{Key: "bio", Value: bio},
				{Key: "createdAt", Value: created},
				{Key: "updatedAt", Value: created},
			})
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			b.Fatalf("fill %d documents: batch at %d: %v", n, start, err)
		}
	}
	b.Logf("filled %d documents in %v", n, time.Since(started).Round(time.Millisecond))
	return d
}

// fixModes are the index states measured. On an external MongoDB there is no
// fix to toggle, so its own _id index is measured once.
func fixModes() []string {
	if mongotest.Engine() == nil {
		return []string{"external"}
	}
	return []string{"on", "off"}
}

// setFix installs or removes the fix index of the benchmark collection, so
// that both states are measured on the same data.
func setFix(b *testing.B, d *benchDataset, mode string) {
	b.Helper()
	e := mongotest.Engine()
	if e == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	switch mode {
	case "on":
		if err := e.FixIDIndexes(ctx, d.db.Name()); err != nil {
			b.Fatalf("FixIDIndexes: %v", err)
		}
	case "off":
		if _, err := dropIDFix(ctx, openEngineSQL(b, e, d.db.Name()), benchCollection); err != nil {
			b.Fatal(err)
		}
	}
	// Guard against measuring the wrong state, which would make the figures
	// meaningless rather than merely slow.
	plan, err := e.IDQueryPlan(ctx, d.db.Name(), benchCollection)
	if err != nil {
		b.Fatalf("IDQueryPlan: %v", err)
	}
	if planUsesFix(plan) != (mode == "on") {
		b.Fatalf("fix=%s but the plan is %q", mode, plan)
	}
}

// benchIDs runs op for random ids over the whole dataset, for every size and
// index state, and reports microseconds per operation under unit.
func benchIDs(b *testing.B, unit string, op func(ctx context.Context, d *benchDataset, id string, i int) error) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			d := dataset(b, n)
			for _, mode := range fixModes() {
				b.Run("fix="+mode, func(b *testing.B) {
					setFix(b, d, mode)
					ctx := context.Background()
					r := rand.New(rand.NewPCG(uint64(n), 1))
					i := 0
					for b.Loop() {
						if err := op(ctx, d, d.ids[r.IntN(len(d.ids))], i); err != nil {
							b.Fatal(err)
						}
						i++
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e3/float64(b.N), unit)
				})
			}
			// Leave the dataset as Open leaves it for the next benchmark.
			setFix(b, d, "on")
		})
	}
}

// BenchmarkIDLookup measures an exact-_id read through the driver, the access
// every hot path uses.
func BenchmarkIDLookup(b *testing.B) {
	benchIDs(b, "us/lookup", func(ctx context.Context, d *benchDataset, id string, _ int) error {
		var got struct {
			ID string `bson:"_id"`
		}
		if err := d.db.Collection(benchCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&got); err != nil {
			return fmt.Errorf("FindOne(%s): %w", id, err)
		}
		if got.ID != id {
			return fmt.Errorf("FindOne(%s) returned %s", id, got.ID)
		}
		return nil
	})
}

// BenchmarkIDUpdate measures a $set by exact _id, the shape of Laurel's
// single-document updates.
func BenchmarkIDUpdate(b *testing.B) {
	benchIDs(b, "us/update", func(ctx context.Context, d *benchDataset, id string, i int) error {
		res, err := d.db.Collection(benchCollection).UpdateOne(ctx,
			bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: int64(i)}, {Key: "updatedAt", Value: time.Now().UTC()}}}})
		if err != nil {
			return fmt.Errorf("UpdateOne(%s): %w", id, err)
		}
		if res.MatchedCount != 1 {
			return fmt.Errorf("UpdateOne(%s) matched %d documents", id, res.MatchedCount)
		}
		return nil
	})
}

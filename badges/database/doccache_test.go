package database

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

func rawDoc(t *testing.T, id string, size int) bson.Raw {
	t.Helper()
	raw, err := bson.Marshal(bson.D{{Key: "_id", Value: id}, {Key: "pad", Value: strings.Repeat("x", size)}})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestDocCache_EvictsLeastRecentlyUsed(t *testing.T) {
	a, b, c := rawDoc(t, "a", 100), rawDoc(t, "b", 100), rawDoc(t, "c", 100)
	cache := newDocCache(len(a) + len(b) + len(c)/2) // room for two
	cache.put("a", a)
	cache.put("b", b)
	if _, ok := cache.get("a"); !ok { // a is now the most recently used
		t.Fatal("a is not kept")
	}
	cache.put("c", c)
	if _, ok := cache.get("b"); ok {
		t.Error("b, the least recently used, was kept past the budget")
	}
	for _, k := range []string{"a", "c"} {
		if got, ok := cache.get(k); !ok || !bytes.Equal(got, map[string]bson.Raw{"a": a, "c": c}[k]) {
			t.Errorf("%s: got %v, %v", k, got, ok)
		}
	}
	if cache.size != len(a)+len(c) {
		t.Errorf("size = %d, want %d", cache.size, len(a)+len(c))
	}
	cache.put("a", c) // replacing counts the new size only
	if cache.size != 2*len(c) {
		t.Errorf("size after replacing = %d, want %d", cache.size, 2*len(c))
	}
}

func TestDocCache_SkipsLargeDocuments(t *testing.T) {
	cache := newDocCache(docCacheBudget)
	cache.put("k", rawDoc(t, "k", 10))
	cache.put("k", rawDoc(t, "k", docCacheLargest)) // too large: the old copy must go too
	if _, ok := cache.get("k"); ok {
		t.Error("a document over docCacheLargest was kept, or its older copy stayed")
	}
	if cache.size != 0 {
		t.Errorf("size = %d, want 0", cache.size)
	}
}

func TestDocCache_ForgetDatabase(t *testing.T) {
	cache := newDocCache(docCacheBudget)
	keep, drop := docKey("db1", "records", "m"), docKey("db2", "records", "m")
	cache.put(keep, rawDoc(t, "m", 10))
	cache.put(drop, rawDoc(t, "m", 10))
	cache.put(docKey("db20", "records", "m"), rawDoc(t, "m", 10))
	cache.forgetDatabase("db2")
	if _, ok := cache.get(drop); ok {
		t.Error("a document of the forgotten database is kept")
	}
	if _, ok := cache.get(keep); !ok {
		t.Error("a document of another database was forgotten")
	}
	if _, ok := cache.get(docKey("db20", "records", "m")); !ok {
		t.Error("a database whose name starts with the forgotten one's was forgotten")
	}
}

// countingValue counts how often slog formats it.
type countingValue struct{ n *int }

func (v countingValue) LogValue() slog.Value {
	*v.n++
	return slog.StringValue("counted")
}

// TestLevelFilter_Lazy: attributes added with With are not formatted for
// records that are dropped, and are passed on, in order and in their
// groups, with records that are not.
func TestLevelFilter_Lazy(t *testing.T) {
	var out bytes.Buffer
	var formatted int
	log := slog.New(levelFilter{next: slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}), min: slog.LevelError})

	log.With("args", countingValue{&formatted}).Debug("dropped")
	if formatted != 0 || out.Len() != 0 {
		t.Fatalf("a dropped record formatted its attributes %d times and wrote %q", formatted, out.String())
	}

	log.With("a", 1).WithGroup("g").With("b", countingValue{&formatted}).Error("kept", "c", 3)
	got := out.String()
	if formatted != 1 {
		t.Errorf("attribute formatted %d times, want 1", formatted)
	}
	if !strings.Contains(got, "msg=kept a=1 g.b=counted g.c=3") {
		t.Errorf("output %q lacks the attributes in their groups", got)
	}
}

package mongodb

import (
	"fmt"
	"reflect"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

// TestWeekDoc_Unmarshal: the hand-written decoder reads what the driver
// writes, as the driver's own decoder would, numbers of every BSON type
// included, and refuses what is not counters.
func TestWeekDoc_Unmarshal(t *testing.T) {
	cases := map[string]any{
		"full":  weekDoc{Activities: map[string]int{"posted": 3}, Members: map[string]int{"m1": 2, "m2": 1}, Awards: map[string]int{"a": 1}, Batches: []string{"b1", "b2"}},
		"empty": weekDoc{},
		"types": bson.D{{Key: "members", Value: bson.D{{Key: "m1", Value: int32(2)}, {Key: "m2", Value: int64(3)}, {Key: "m3", Value: 4.0}}}, {Key: "activities", Value: nil}},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := bson.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			var fast weekDoc
			if err := fast.UnmarshalBSON(data); err != nil {
				t.Fatal(err)
			}
			type plain weekDoc // the same fields without the method: the driver's decoder
			var slow plain
			if err := bson.Unmarshal(data, &slow); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fast, weekDoc(slow)) {
				t.Fatalf("decoded %+v, the driver decodes %+v", fast, slow)
			}
		})
	}
	bad, _ := bson.Marshal(bson.D{{Key: "members", Value: bson.D{{Key: "m1", Value: "two"}}}})
	var d weekDoc
	if err := d.UnmarshalBSON(bad); err == nil {
		t.Fatal("a count that is a string was read")
	}
	// Cut short anywhere, a document is refused, never read past its end.
	whole, _ := bson.Marshal(cases["full"])
	for n := range len(whole) {
		if err := d.UnmarshalBSON(whole[:n]); err == nil {
			t.Fatalf("the first %d bytes of %d were read as a week", n, len(whole))
		}
	}
}

func BenchmarkWeekDoc_Unmarshal(b *testing.B) {
	in := weekDoc{Members: map[string]int{}, Activities: map[string]int{"posted": 2000}}
	for i := range 2000 {
		in.Members[fmt.Sprintf("m%019d", i*7919)] = i%5 + 1
	}
	data, err := bson.Marshal(in)
	if err != nil {
		b.Fatal(err)
	}
	type plain weekDoc
	b.Run("hand-written", func(b *testing.B) {
		for b.Loop() {
			var d weekDoc
			if err := d.UnmarshalBSON(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("driver", func(b *testing.B) {
		for b.Loop() {
			var d plain
			if err := bson.Unmarshal(data, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
}

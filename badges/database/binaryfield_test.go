package database_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges/database"
)

// TestBinaryField reads a binary field, and as empty one the driver
// wrote as null (a nil slice: a member index chunk whose last row was
// removed).
func TestBinaryField(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  any
		want string
		bad  bool
	}{
		{"binary", bson.M{"rows": []byte("ab")}, "ab", false},
		{"null", struct {
			Rows []byte `bson:"rows"`
		}{}, "", false},
		{"absent", bson.M{}, "", false},
		{"not binary", bson.M{"rows": "ab"}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := bson.Marshal(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			got, err := database.BinaryField(raw, "rows")
			if (err != nil) != tc.bad || string(got) != tc.want {
				t.Fatalf("BinaryField = %q, %v; want %q, error %v", got, err, tc.want, tc.bad)
			}
		})
	}
}

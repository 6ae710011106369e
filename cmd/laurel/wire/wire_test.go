package wire_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/laurel-badges/laurel/badges/mongodb/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

// TestNew: every store and every service the API calls is wired, so that
// a field added to either cannot be left out here unnoticed.
func TestNew(t *testing.T) {
	db := mongotest.NewDB(t)
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	l, err := wire.New(db, wire.Config{BaseURL: "https://badges.example.org", Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{"Stores": *l.Stores, "Services": l.Services(), "Laurel": *l} {
		rv := reflect.ValueOf(v)
		for i := range rv.NumField() {
			if rv.Field(i).IsZero() {
				t.Errorf("%s.%s is not wired", name, rv.Type().Field(i).Name)
			}
		}
	}
	if w := l.Awarder.Writers; w != db.RecordWriters() {
		t.Errorf("the awarder has %d record writers, the database wants %d", w, db.RecordWriters())
	}
	if _, err := wire.New(db, wire.Config{BaseURL: "https://badges.example.org"}); err == nil {
		t.Error("New without a sealer: no error")
	}
	if _, err := wire.New(db, wire.Config{BaseURL: "not a url", Sealer: sealer}); err == nil {
		t.Error("New with a bad base URL: no error")
	}
}

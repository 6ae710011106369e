package database_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// TestVersion: with the embedded engine a document's version is exact and
// moves when it is written, whichever connection wrote it; another
// document's may move too (counters are shared), never back.
func TestVersion(t *testing.T) {
	db := mongotest.NewDB(t)
	other, err := database.Open(t.Context(), database.Options{URI: mongotest.URI(), Database: db.Name(), Engine: mongotest.Engine()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(t.Context())
	v1, exact := db.Version(database.Members, "m1")
	if !exact {
		t.Fatal("the embedded engine's versions are not exact")
	}
	other.Changed(database.Members, "m1")
	v2, _ := db.Version(database.Members, "m1")
	if v2 == v1 {
		t.Error("a write through another connection did not change the version")
	}
	if v, _ := db.Version(database.Members, "m1"); v != v2 {
		t.Error("the version changed without a write")
	}
}

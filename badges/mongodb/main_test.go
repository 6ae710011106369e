package mongodb_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

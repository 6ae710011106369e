package api

import (
	"strings"
	"testing"
)

// TestQueryParams_DeclaredRoutesExist: parameters declared for a route
// the table does not have stop the server from starting.
func TestQueryParams_DeclaredRoutesExist(t *testing.T) {
	routes := map[string]route{"GET /a": {}}
	if err := checkQueryParams(map[string][]string{"GET /a": {"x"}}, routes); err != nil {
		t.Fatal(err)
	}
	err := checkQueryParams(map[string][]string{"GET /b": {"x"}}, routes)
	if err == nil || !strings.Contains(err.Error(), "GET /b") {
		t.Fatalf("a declaration for no route: %v", err)
	}
}

package api

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestToProblem_TooMany: too many attempts (signing in to the console) is
// 429, with the message that says when to try again.
func TestToProblem_TooMany(t *testing.T) {
	p := toProblem(badges.Errorf(badges.ETOOMANY, "There were too many attempts to sign in; try again in 3 minutes."))
	if p.Status != 429 || p.Code != badges.ETOOMANY || p.Detail != "There were too many attempts to sign in; try again in 3 minutes." {
		t.Errorf("problem %+v", p)
	}
}

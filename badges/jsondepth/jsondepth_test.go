package jsondepth_test

import (
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges/jsondepth"
)

func TestOf(t *testing.T) {
	for _, tc := range []struct {
		in          string
		limit, want int
	}{
		{`{}`, 64, 1},
		{`"just a string"`, 64, 0},
		{`{"a":[{"b":1}]}`, 64, 3},
		{`{"a":"[[[[{{{{"}`, 64, 1},
		{`{"a":"\"[[["}`, 64, 1},
		{`{"a":"\\"}, [[`, 64, 2},
		{`[[[[`, 64, 4},
		{`[[]][[[]]]`, 64, 3},
		// It stops once past the limit: a deeper document reads as limit+1.
		{strings.Repeat("[", 1000), 32, 33},
	} {
		t.Run(tc.in[:min(len(tc.in), 20)], func(t *testing.T) {
			if got := jsondepth.Of([]byte(tc.in), tc.limit); got != tc.want {
				t.Fatalf("depth %d, want %d", got, tc.want)
			}
		})
	}
}

package chat

import (
	"context"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// FuzzFormatter writes awards and spotlights with arbitrary names and
// notes for every platform: it never panics, and every message is valid
// JSON within its platform's rules and limits.
func FuzzFormatter(f *testing.F) {
	for _, s := range hostileNames {
		f.Add(s, "Ran every meetup.")
	}
	f.Add("Ada Lovelace", "")
	f.Add("", "\xff\xfe invalid UTF-8")
	f.Fuzz(func(t *testing.T, name, note string) {
		for _, p := range hostilePayloads(name) {
			if p.Data.Spotlight != nil {
				p.Data.Spotlight.Note = note
			}
			for _, k := range kinds {
				ep := endpointOf(k)
				body, _, err := Formatter{}.Format(context.Background(), ep, p)
				if err != nil {
					continue // a skip: nothing is sent
				}
				if err := checkMessage(k, body); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

func endpointOf(k badges.EndpointKind) *badges.Endpoint { return &badges.Endpoint{Kind: k} }

package badges

import (
	"cmp"
	"context"
	"slices"
)

// A community's public member directory lists the members who chose a
// public profile, by name, each linking to that profile. Nobody else is
// listed, counted or hinted at.

// ListedMember is one entry of a community's public directory.
type ListedMember struct {
	Name string // the display name
	Slug string // of the member's public profile
	Key  string // the name folded for search (FoldSearch)
}

// MemberDirectory reads the members of a community who consent to a
// public profile, have a name to show and were not forgotten.
type MemberDirectory interface {
	PublicMembers(ctx context.Context, issuerID string) ([]ListedMember, error)
}

// SortListed puts a directory in name order, case and accents folded,
// the slug breaking ties so that pages are stable.
func SortListed(ms []ListedMember) {
	slices.SortFunc(ms, func(a, b ListedMember) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Slug, b.Slug))
	})
}

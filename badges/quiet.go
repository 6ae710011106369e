package badges

import (
	"context"
	"slices"
	"strings"
)

// Bounds of the quiet-members list.
const (
	// DefaultQuietWeeks is how many weeks without activity make a member
	// quiet unless asked otherwise.
	DefaultQuietWeeks = 4
	// MaxQuietWeeks bounds the weeks asked for.
	MaxQuietWeeks = 52
	// QuietLookbackWeeks is how far before the quiet weeks a member must
	// have been active to count as having gone quiet, rather than never
	// having taken part.
	QuietLookbackWeeks = 26
)

// QuietMember is a member who was active and has gone quiet: someone who
// may need support.
type QuietMember struct {
	MemberID   string
	Name       string
	LastActive string // the ISO week of their last activity, e.g. 2026-W40
	Activities int    // their activities in the look-back weeks
}

// Quiet lists the members of a community who were active in the
// QuietLookbackWeeks before the last weeks weeks and have done nothing
// since (the current week included), those who went quiet most recently
// first; with in, only the members it accepts (a cohort's members now).
// It reads weeks+QuietLookbackWeeks weekly counters and the page's names
// (quietNames); a member deleted since is left out of the page.
func (s *Measures) Quiet(ctx context.Context, issuerID string, weeks int, in func(memberID string) bool, o ListOptions) (*Page[QuietMember], error) {
	if weeks < 1 || weeks > MaxQuietWeeks {
		return nil, FieldErrorf("weeks", "weeks must be a whole number from 1 to %d", MaxQuietWeeks)
	}
	if err := o.Normalize(); err != nil {
		return nil, err
	}
	after := ""
	if o.Cursor != "" {
		var err error
		if after, err = DecodeCursor(o.Cursor); err != nil {
			return nil, err
		}
		if _, id, ok := strings.Cut(after, "|"); !ok || !ValidID(id) {
			return nil, FieldErrorf("cursor", "cursor is not one this server issued")
		}
	}
	names := LastWeeks(s.d.Now(), weeks+QuietLookbackWeeks)
	ws, err := s.d.Stats.Weeks(ctx, issuerID, names)
	if err != nil {
		return nil, err
	}
	all := quietMembers(ws, weeks)
	if in != nil {
		all = slices.DeleteFunc(all, func(q QuietMember) bool { return !in(q.MemberID) })
	}
	page := &Page[QuietMember]{Total: len(all)}
	i := 0
	if after != "" {
		i, _ = slices.BinarySearchFunc(all, after, func(q QuietMember, key string) int { return strings.Compare(quietKey(q), key) })
		for i < len(all) && quietKey(all[i]) <= after {
			i++
		}
	}
	end := min(i+o.Limit, len(all))
	named, err := s.quietNames(ctx, issuerID, all[i:end])
	if err != nil {
		return nil, err
	}
	for _, q := range all[i:end] {
		name, ok := named[q.MemberID]
		if !ok {
			continue // deleted since
		}
		q.Name = name
		page.Items = append(page.Items, q)
	}
	if end < len(all) {
		page.NextCursor = EncodeCursor(quietKey(all[end-1]))
	}
	return page, nil
}

// quietNames names a page of quiet members: in one pass over the
// community's member index when the service has one (MemberNames) and
// it is built, otherwise one member at a time. A member deleted since has no name.
func (s *Measures) quietNames(ctx context.Context, issuerID string, page []QuietMember) (map[string]string, error) {
	ids := make([]string, len(page))
	for i, q := range page {
		ids[i] = q.MemberID
	}
	if s.d.MemberNames != nil {
		names, err := s.d.MemberNames(ctx, issuerID, ids)
		if ErrorCode(err) != EUNAVAILABLE { // the index is being built: one at a time meanwhile
			return names, err
		}
	}
	names := make(map[string]string, len(ids))
	for _, id := range ids {
		m, err := s.d.Member(ctx, id)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		names[id] = m.DisplayName
	}
	return names, nil
}

// quietMembers finds, in weeks of counters oldest first, the members
// active before the last quiet weeks and not in them, ordered by
// quietKey.
func quietMembers(ws []WeekStats, quiet int) []QuietMember {
	recent := map[string]bool{}
	for _, w := range ws[len(ws)-quiet:] {
		for id := range w.Members {
			recent[id] = true
		}
	}
	byID := map[string]*QuietMember{}
	for _, w := range ws[:len(ws)-quiet] {
		for id, n := range w.Members {
			if recent[id] {
				continue
			}
			q := byID[id]
			if q == nil {
				q = &QuietMember{MemberID: id}
				byID[id] = q
			}
			q.LastActive = w.Week // weeks are oldest first
			q.Activities += n
		}
	}
	// Each member's key is made once: thousands of members are sorted.
	type keyed struct {
		key string
		q   QuietMember
	}
	ks := make([]keyed, 0, len(byID))
	for _, q := range byID {
		ks = append(ks, keyed{quietKey(*q), *q})
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	out := make([]QuietMember, len(ks))
	for i, k := range ks {
		out[i] = k.q
	}
	return out
}

// quietKey orders quiet members: most recently active first (the week's
// name inverted, so that a later week sorts first), then by id.
func quietKey(q QuietMember) string {
	inv := []byte(q.LastActive)
	for i, c := range inv {
		if c >= '0' && c <= '9' {
			inv[i] = '9' - c + '0'
		}
	}
	return string(inv) + "|" + q.MemberID
}

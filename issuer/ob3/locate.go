package ob3

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Locating an undefined term: json-gold's safe-mode error does not say which
// property it refused. The document is shrunk, level by level, while it still
// fails; what remains at the bottom is the term. The probes are bounded so a
// large hostile document cannot turn one failure into unbounded work.
const (
	maxLocateProbes = 64
	maxLocateValues = 4000
	maxLocateTerms  = 3
)

// locateUndefined names up to maxLocateTerms undefined terms of doc, or
// returns nil if it cannot within its budget or before ctx ends.
func (l *DocumentLoader) locateUndefined(ctx context.Context, doc map[string]any) error {
	if countValues(doc, maxLocateValues+1) > maxLocateValues {
		return nil
	}
	budget := maxLocateProbes
	work := copyJSON(doc, allLevels).(map[string]any)
	var found []error
	for len(found) < maxLocateTerms && budget > 0 {
		probe := copyJSON(work, allLevels).(map[string]any)
		s := &shrinker{ctx: ctx, l: l, root: probe, budget: &budget}
		if !s.fails() {
			break // nothing undefined is left
		}
		ptr, term, ok := s.locate()
		if !ok {
			break
		}
		found = append(found, &SafeModeError{Pointer: ptr, Term: term})
		if !removeAt(work, ptr) {
			break
		}
	}
	if len(found) == 0 {
		return nil
	}
	return errors.Join(found...)
}

type shrinker struct {
	ctx    context.Context
	l      *DocumentLoader
	root   map[string]any
	budget *int
}

// fails reports whether the current document still hits the safe-mode
// error. Once ctx ends it spends the whole budget, which stops the search.
func (s *shrinker) fails() bool {
	if s.ctx.Err() != nil {
		*s.budget = 0
		return false
	}
	*s.budget--
	_, err := s.l.expand(s.root)
	return isInvalidProperty(err)
}

// slot is one removable member: a map entry (deleted) or an array element
// (set to null, which expansion skips, so later indexes keep their pointers).
type slot struct {
	m   map[string]any
	key string
	a   []any
	i   int
	v   any
}

func (sl *slot) remove() {
	if sl.m != nil {
		delete(sl.m, sl.key)
	} else {
		sl.a[sl.i] = nil
	}
}

func (sl *slot) restore() {
	if sl.m != nil {
		sl.m[sl.key] = sl.v
	} else {
		sl.a[sl.i] = sl.v
	}
}

// locate shrinks the document from the root down and returns the pointer and
// name of an undefined term.
func (s *shrinker) locate() (string, string, bool) {
	var container any = s.root
	pointer := ""
	keyPointer, key := "", "" // the last object member descended through
	for {
		kept, ok := s.minimize(slotsOf(container))
		if !ok {
			return "", "", false
		}
		if len(kept) == 0 {
			// Everything below could go: the member holding it is the
			// undefined term.
			return keyPointer, key, key != ""
		}
		// Descend into a kept member that still holds something; a kept
		// member with nothing below it is the culprit.
		var next *slot
		var leaves []*slot
		for _, sl := range kept {
			switch {
			case hasContent(sl.v):
				if next == nil {
					next = sl
				}
			case sl.m != nil:
				leaves = append(leaves, sl)
			}
		}
		if len(leaves) > 0 {
			return pointer + "/" + escapePointer(leaves[0].key), leaves[0].key, true
		}
		if next == nil {
			return keyPointer, key, key != ""
		}
		if next.m != nil {
			pointer += "/" + escapePointer(next.key)
			keyPointer, key = pointer, next.key
		} else {
			pointer += "/" + strconv.Itoa(next.i)
		}
		container = next.v
	}
}

// minimize removes as many slots as it can while the document still fails,
// halving the chunk size each round, and returns the slots that had to stay.
func (s *shrinker) minimize(slots []*slot) ([]*slot, bool) {
	removed := make([]bool, len(slots))
	for size := (len(slots) + 1) / 2; size >= 1; size = (size + 1) / 2 {
		for start := 0; start < len(slots); start += size {
			var chunk []int
			for i := start; i < start+size && i < len(slots); i++ {
				if !removed[i] {
					chunk = append(chunk, i)
				}
			}
			if len(chunk) == 0 {
				continue
			}
			if *s.budget <= 0 {
				return nil, false
			}
			for _, i := range chunk {
				slots[i].remove()
			}
			if s.fails() {
				for _, i := range chunk {
					removed[i] = true
				}
			} else {
				for _, i := range chunk {
					slots[i].restore()
				}
			}
		}
		if size == 1 {
			break
		}
	}
	var kept []*slot
	for i, sl := range slots {
		if !removed[i] {
			kept = append(kept, sl)
		}
	}
	return kept, true
}

func slotsOf(v any) []*slot {
	var out []*slot
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			if !pinned(k) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, &slot{m: t, key: k, v: t[k]})
		}
	case []any:
		for i, e := range t {
			if e != nil {
				out = append(out, &slot{a: t, i: i, v: e})
			}
		}
	}
	return out
}

// pinned members are never removed while shrinking: without its @context or
// its type (whose scoped context defines terms), a node would fail for
// reasons of its own and hide the real culprit.
func pinned(key string) bool {
	return key == "@context" || key == "type" || key == "@type"
}

// hasContent reports whether v still holds members that could be removed.
func hasContent(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for k := range t {
			if !pinned(k) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if e != nil {
				return true
			}
		}
	}
	return false
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// removeAt deletes the member a JSON Pointer names; it reports false if the
// pointer does not lead to a map entry.
func removeAt(root map[string]any, pointer string) bool {
	parts := strings.Split(pointer, "/")[1:]
	var cur any = root
	for i, p := range parts {
		p = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
		last := i == len(parts)-1
		switch t := cur.(type) {
		case map[string]any:
			if last {
				if _, ok := t[p]; !ok {
					return false
				}
				delete(t, p)
				return true
			}
			cur = t[p]
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(t) || last {
				return false
			}
			cur = t[n]
		default:
			return false
		}
	}
	return false
}

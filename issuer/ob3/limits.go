package ob3

import (
	"errors"
	"fmt"
	"strconv"
)

// Limits on the documents Canonicalize takes. json-gold's JSON-LD steps take
// no context and cannot be stopped once started, and its RDF conversion
// compares each new value of a node's property with every value it already
// has, so its work grows with the square of a property's values: 20,000
// alignments cost about 10 CPU-seconds. A document is measured first, in
// time linear in its size, and refused past these limits. Real credentials
// stay far below them: the complete OB 3.0 example has 545 JSON values, and
// 1,000 alignments make about 6,000; at the limits canonicalization takes
// well under a second.
const (
	// MaxCanonicalValues bounds the JSON values of a document: every
	// object, array, string, number, boolean and null, nested ones
	// included.
	MaxCanonicalValues = 10000
	// MaxPropertyValues bounds the values one property of one node
	// gathers after expansion, from all the places that name the node.
	MaxPropertyValues = 1000
)

// ErrTooLarge is returned (wrapped, with ErrCanonicalization) for a document
// past MaxCanonicalValues or MaxPropertyValues.
var ErrTooLarge = errors.New("ob3: document too large")

// checkSize refuses a document with more than MaxCanonicalValues values.
func checkSize(doc map[string]any) error {
	if countValues(doc, MaxCanonicalValues) > MaxCanonicalValues {
		return fmt.Errorf("%w: it has more than %d JSON values (objects, arrays and what they hold), the most that is canonicalized", ErrTooLarge, MaxCanonicalValues)
	}
	return nil
}

// propertyKey names one property of one node; nodes without an @id are
// each their own.
type propertyKey struct{ node, property string }

// checkPropertyValues refuses an expanded document in which one property of
// one node has more than MaxPropertyValues values, counting every node
// object that shares the node's @id and the values @reverse adds.
func checkPropertyValues(expanded []any) error {
	counts := make(map[propertyKey]int)
	anonymous := 0
	nodeID := func(m map[string]any) string {
		if id, ok := m["@id"].(string); ok {
			return id
		}
		anonymous++
		return "\x00" + strconv.Itoa(anonymous) // no @id can look like this
	}
	add := func(k propertyKey, n int) error {
		counts[k] += n
		if counts[k] > MaxPropertyValues {
			return fmt.Errorf("%w: property %q of node %q has more than %d values, the most that is canonicalized", ErrTooLarge, k.property, clipID(k.node), MaxPropertyValues)
		}
		return nil
	}
	var walk func(v any) error
	walk = func(v any) error {
		switch t := v.(type) {
		case []any:
			for _, e := range t {
				if err := walk(e); err != nil {
					return err
				}
			}
		case map[string]any:
			if _, isValue := t["@value"]; isValue {
				return nil
			}
			self := nodeID(t)
			for k, e := range t {
				var err error
				switch k {
				case "@id", "@index", "@context":
					continue
				case "@reverse":
					err = walkReverse(e, nodeID, add, walk)
				default:
					if err = add(propertyKey{self, k}, len(asList(e))); err == nil {
						err = walk(e)
					}
				}
				if err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(expanded)
}

// walkReverse counts what a @reverse map adds: each node it lists gains
// the reverse property's value.
func walkReverse(v any, nodeID func(map[string]any) string, add func(propertyKey, int) error, walk func(any) error) error {
	rev, _ := v.(map[string]any)
	for property, nodes := range rev {
		for _, n := range asList(nodes) {
			if m, ok := n.(map[string]any); ok {
				if err := add(propertyKey{nodeID(m), property}, 1); err != nil {
					return err
				}
			}
		}
		if err := walk(nodes); err != nil {
			return err
		}
	}
	return nil
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// clipID shortens a node id for an error message; a blank node has none.
func clipID(id string) string {
	switch {
	case id != "" && id[0] == 0:
		return "(a blank node)"
	case len(id) > 80:
		return id[:80] + "…"
	}
	return id
}

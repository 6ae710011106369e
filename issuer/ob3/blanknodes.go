package ob3

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// ErrBlankNodeComplexity is returned (wrapped) for a document whose blank
// nodes are so alike that canonicalizing it would take exponential time
// (a "poison graph"). json-gold has no limit of its own.
var ErrBlankNodeComplexity = errors.New("ob3: too many interchangeable blank nodes to canonicalize")

// maxNDegreeWork bounds the blank-node symmetry a document may have. RDFC-1.0
// labels blank nodes it cannot tell apart by trying every order of their
// look-alike neighbours, recursively, and json-gold sets no limit. Measured
// without this guard: 8 mutually linked look-alikes took 12 s, two identical
// ternary trees of depth 3 0.5 s. Each connected group of k look-alikes counts
// k!; the sum must stay within this (a fully linked group of 6: ~0.1 s).
// Tree-shaped JSON with distinct content never comes near it.
const maxNDegreeWork = 1000

// checkBlankNodes estimates the work of RDFC-1.0's n-degree hashing before
// running it. Blank nodes with the same first-degree quads (with themselves
// as _:a and other blank nodes as _:z) are the ones it cannot label directly;
// those connected to each other are explored together.
func checkBlankNodes(ds *ld.RDFDataset) error {
	quadsOf := make(map[string][]*ld.Quad)
	for _, quads := range ds.Graphs {
		for _, q := range quads {
			for _, id := range blankIDs(q) {
				quadsOf[id] = append(quadsOf[id], q)
			}
		}
	}
	if len(quadsOf) < 5 {
		return nil // at most 4! orderings: cheap whatever the shape
	}
	signature := make(map[string]string, len(quadsOf))
	count := make(map[string]int, len(quadsOf))
	for id, quads := range quadsOf {
		lines := make([]string, len(quads))
		for i, q := range quads {
			lines[i] = firstDegreeLine(q, id)
		}
		slices.Sort(lines)
		sig := strings.Join(lines, "\n")
		signature[id] = sig
		count[sig]++
	}

	// Union-find over the look-alike blank nodes, joined by shared quads.
	parent := make(map[string]string)
	for id, sig := range signature {
		if count[sig] > 1 {
			parent[id] = id
		}
	}
	if len(parent) < 5 {
		return nil
	}
	find := func(x string) string {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, quads := range ds.Graphs {
		for _, q := range quads {
			first := ""
			for _, id := range blankIDs(q) {
				if _, alike := parent[id]; !alike {
					continue
				}
				if first == "" {
					first = id
				} else {
					parent[find(id)] = find(first)
				}
			}
		}
	}
	size := make(map[string]int)
	for id := range parent {
		size[find(id)]++
	}
	work, largest := 0, 0
	for _, k := range size {
		largest = max(largest, k)
		f := 1
		for i := 2; i <= k && f <= maxNDegreeWork; i++ {
			f *= i
		}
		work += f
	}
	if work > maxNDegreeWork {
		return fmt.Errorf("%w: %d look-alike blank nodes, largest connected group %d", ErrBlankNodeComplexity, len(parent), largest)
	}
	return nil
}

// blankIDs lists the distinct blank nodes of a quad.
func blankIDs(q *ld.Quad) []string {
	var ids []string
	for _, n := range [3]ld.Node{q.Subject, q.Object, q.Graph} {
		if b, ok := n.(ld.BlankNode); ok && !slices.Contains(ids, b.Attribute) {
			ids = append(ids, b.Attribute)
		}
	}
	return ids
}

// firstDegreeLine is a quad as RDFC-1.0's first-degree hash sees it from
// blank node id; the form only needs to be unambiguous, not N-Quads.
func firstDegreeLine(q *ld.Quad, id string) string {
	var b strings.Builder
	for _, n := range [4]ld.Node{q.Subject, q.Predicate, q.Object, q.Graph} {
		switch t := n.(type) {
		case nil:
			b.WriteString("-")
		case ld.BlankNode:
			if t.Attribute == id {
				b.WriteString("a")
			} else {
				b.WriteString("z")
			}
		case ld.IRI:
			b.WriteString(strconv.Quote(t.Value))
		case ld.Literal:
			b.WriteString(strconv.Quote(t.Value) + strconv.Quote(t.Datatype) + strconv.Quote(t.Language))
		}
		b.WriteByte(' ')
	}
	return b.String()
}

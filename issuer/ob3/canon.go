package ob3

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// ErrCanonicalization is returned (wrapped) when a document cannot be
// canonicalized, including when part of it would be silently left out of the
// canonical form and so out of what is signed.
var ErrCanonicalization = errors.New("ob3: JSON-LD canonicalization failed")

// ErrBlankNodeComplexity is returned (wrapped) for a document whose blank
// nodes are so alike that canonicalizing it would take exponential time
// (a "poison graph"). json-gold has no limit of its own.
var ErrBlankNodeComplexity = errors.New("ob3: too many interchangeable blank nodes to canonicalize")

// ErrUndefinedTerm is matched by every *SafeModeError.
var ErrUndefinedTerm = errors.New("ob3: data not defined by the JSON-LD contexts")

// SafeModeError reports data that JSON-LD processing would drop without a
// word: a property no context defines, or an IRI that is relative or
// malformed. It matches ErrUndefinedTerm under errors.Is.
type SafeModeError struct {
	Pointer string // JSON Pointer (RFC 6901) of the property, when known
	Term    string // the property name or the IRI at fault
	Reason  string
}

func (e *SafeModeError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("ob3: safe mode: %q %s", e.Term, e.Reason)
	}
	return fmt.Sprintf("ob3: safe mode: term %q at %q is not defined by the @context and would be dropped from the signed data", e.Term, e.Pointer)
}

// Unwrap lets errors.Is(err, ErrUndefinedTerm) match.
func (e *SafeModeError) Unwrap() error { return ErrUndefinedTerm }

// Canonicalize returns the RDFC-1.0 (URDNA2015) canonical N-Quads of a
// JSON-LD document, using only the embedded contexts. It runs in safe mode:
// anything JSON-LD would silently drop (an undefined term, a relative or
// malformed IRI, an invalid language tag) is an error instead, because
// dropped data would go unsigned. doc is not modified.
func (l *DocumentLoader) Canonicalize(doc map[string]any) ([]byte, error) {
	if doc == nil {
		return nil, fmt.Errorf("%w: no document", ErrCanonicalization)
	}
	expanded, err := l.expand(doc)
	if err != nil {
		if isInvalidProperty(err) {
			if located := l.locateUndefined(doc); located != nil {
				return nil, fmt.Errorf("%w: %w", ErrCanonicalization, located)
			}
			// Too large to narrow down: still an undefined term.
			return nil, fmt.Errorf("%w: %w: %w", ErrCanonicalization, ErrUndefinedTerm, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}

	iris := make(map[string]bool)
	if err := checkExpanded(expanded, iris); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}

	api := ld.NewJsonLdApi()
	dataset, err := api.ToRDF(expanded, l.opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}
	if err := checkDropped(dataset, iris); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}
	if err := checkBlankNodes(dataset); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
	}
	return serializeCanonical(dataset)
}

// expand is JSON-LD expansion in safe mode with the top-level @context taken
// from the cache. Expanding the document without its @context under the
// already-processed context is what the expansion algorithm does itself.
func (l *DocumentLoader) expand(doc map[string]any) ([]any, error) {
	body := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "@context" {
			body[k] = v
		}
	}
	active := ld.NewContext(nil, l.opts)
	if local, ok := doc["@context"]; ok {
		var err error
		if active, err = l.activeContext(local); err != nil {
			return nil, err
		}
	}
	out, err := ld.NewJsonLdApi().Expand(active, "", body, l.opts, false, nil)
	if err != nil {
		return nil, err
	}
	// The final step of the expansion algorithm.
	switch v := out.(type) {
	case nil:
		return []any{}, nil
	case []any:
		return v, nil
	case map[string]any:
		if len(v) == 0 {
			return []any{}, nil
		}
		if g, ok := v["@graph"]; ok && len(v) == 1 {
			if list, ok := g.([]any); ok {
				return list, nil
			}
			return []any{g}, nil
		}
	}
	return []any{out}, nil
}

// isInvalidProperty reports json-gold's safe-mode failure, which says that a
// property was dropped but not which one.
func isInvalidProperty(err error) bool {
	var jerr *ld.JsonLdError
	return errors.As(err, &jerr) && jerr.Code == ld.InvalidProperty
}

// checkExpanded finds what the RDF conversion would drop without an error:
// relative IRIs, blank-node predicates and malformed language tags. It also
// collects every http(s) IRI for checkDropped.
func checkExpanded(v any, iris map[string]bool) error {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if err := checkExpanded(e, iris); err != nil {
				return err
			}
		}
	case map[string]any:
		_, isValue := t["@value"]
		for k, e := range t {
			switch k {
			case "@value", "@context":
				continue
			case "@id":
				if s, ok := e.(string); ok {
					if err := checkIRI(s, "@id", iris); err != nil {
						return err
					}
				}
				continue
			case "@type":
				for _, s := range stringsOf(e) {
					if isValue && s == "@json" {
						continue
					}
					if err := checkIRI(s, "@type", iris); err != nil {
						return err
					}
				}
				continue
			case "@language":
				if s, ok := e.(string); ok && !validLanguageTag(s) {
					return &SafeModeError{Term: s, Reason: "is not a valid language tag; the value would be dropped"}
				}
				continue
			}
			if !ld.IsKeyword(k) {
				if strings.HasPrefix(k, "_:") {
					return &SafeModeError{Term: k, Reason: "is a blank-node property, which RDF drops"}
				}
				if err := checkIRI(k, "property", iris); err != nil {
					return err
				}
			}
			if err := checkExpanded(e, iris); err != nil {
				return err
			}
		}
	}
	return nil
}

func stringsOf(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// checkIRI rejects the IRIs json-gold's RDF conversion skips as relative.
func checkIRI(s, role string, iris map[string]bool) error {
	if _, seen := iris[s]; seen {
		return nil
	}
	if strings.HasPrefix(s, "_:") {
		iris[s] = false
		return nil
	}
	if !ld.IsAbsoluteIri(s) {
		return &SafeModeError{Term: s, Reason: "(" + role + ") is not an absolute IRI, so it would be dropped (an undefined type or a relative id?)"}
	}
	iris[s] = strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
	return nil
}

// validLanguageTag is the test json-gold applies before dropping a
// language-tagged literal.
func validLanguageTag(s string) bool {
	for i, part := range strings.Split(s, "-") {
		if part == "" {
			return false
		}
		for _, r := range part {
			alpha := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
			digit := r >= '0' && r <= '9'
			if !alpha && !(digit && i > 0) {
				return false
			}
		}
	}
	return true
}

// checkDropped finds http(s) IRIs that the RDF conversion removed: json-gold
// silently drops every statement holding an IRI its URL pattern rejects. An
// IRI that still appears in the dataset was accepted, so the slow pattern runs
// only for IRIs that vanished.
func checkDropped(ds *ld.RDFDataset, iris map[string]bool) error {
	present := make(map[string]struct{}, len(iris))
	note := func(n ld.Node) {
		switch t := n.(type) {
		case ld.IRI:
			present[t.Value] = struct{}{}
		case ld.Literal:
			present[t.Datatype] = struct{}{}
		}
	}
	for g, quads := range ds.Graphs {
		present[g] = struct{}{}
		for _, q := range quads {
			note(q.Subject)
			note(q.Predicate)
			note(q.Object)
		}
	}
	var bad []string
	for iri, web := range iris {
		if _, ok := present[iri]; web && !ok && !ld.IsURL(iri) {
			bad = append(bad, iri)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	errs := make([]error, len(bad))
	for i, iri := range bad {
		errs[i] = &SafeModeError{Term: iri, Reason: "is not a URL the JSON-LD processor accepts; statements using it would be dropped"}
	}
	return errors.Join(errs...)
}

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

// serializeCanonical runs URDNA2015 on the dataset and writes the sorted,
// relabelled quads. json-gold's own N-Quads output concatenates strings
// (quadratic in the document size); this writes each quad once.
func serializeCanonical(ds *ld.RDFDataset) ([]byte, error) {
	na := ld.NewNormalisationAlgorithm(ld.AlgorithmURDNA2015)
	na.Normalize(ds)
	var buf bytes.Buffer
	ser := &ld.NQuadRDFSerializer{}
	one := ld.NewRDFDataset()
	for _, q := range na.Quads() {
		graph := "@default"
		if q.Graph != nil {
			graph = q.Graph.GetValue()
		}
		clear(one.Graphs)
		one.Graphs[graph] = []*ld.Quad{q}
		if err := ser.SerializeTo(&buf, one); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCanonicalization, err)
		}
	}
	return buf.Bytes(), nil
}

// Locating an undefined term: json-gold's safe-mode error does not say which
// property it refused. The document is shrunk, level by level, while it still
// fails; what remains at the bottom is the term. The probes are bounded so a
// large hostile document cannot turn one failure into unbounded work.
const (
	maxLocateProbes = 64
	maxLocateKeys   = 2000
	maxLocateTerms  = 3
)

// locateUndefined names up to maxLocateTerms undefined terms of doc, or
// returns nil if it cannot within its budget.
func (l *DocumentLoader) locateUndefined(doc map[string]any) error {
	if countKeys(doc, maxLocateKeys+1) > maxLocateKeys {
		return nil
	}
	budget := maxLocateProbes
	work := deepCopy(doc).(map[string]any)
	var found []error
	for len(found) < maxLocateTerms && budget > 0 {
		probe := deepCopy(work).(map[string]any)
		s := &shrinker{l: l, root: probe, budget: &budget}
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
	l      *DocumentLoader
	root   map[string]any
	budget *int
}

// fails reports whether the current document still hits the safe-mode error.
func (s *shrinker) fails() bool {
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

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

// countKeys counts map entries in v, stopping once it passes limit.
func countKeys(v any, limit int) int {
	n := 0
	var walk func(any)
	walk = func(v any) {
		if n > limit {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			n += len(t)
			for _, e := range t {
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return n
}

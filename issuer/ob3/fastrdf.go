package ob3

import (
	"slices"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// rdfType is the predicate of a node's types.
var rdfType ld.Node = ld.NewIRI(ld.RDFType)

// fastWalker turns a document of the shapes Laurel builds straight into
// RDF quads, doing what JSON-LD expansion and json-gold's RDF conversion
// would do for those shapes, with json-gold's own processed contexts and
// IRI expansion. Every method answers ok=false for anything outside those
// shapes, and the caller then uses the general path: the walker never
// decides that a document is wrong, only that it is not one it covers.
type fastWalker struct {
	l      *DocumentLoader
	quads  []*ld.Quad
	seen   map[[3]ld.Node]struct{} // quads already emitted, as the node map merges them
	counts map[propertyOf]int      // values per node and property, as checkPropertyValues counts them
	blanks int
}

// propertyOf is one property of one node.
type propertyOf struct {
	node      ld.Node
	predicate string
}

// fastQuads is the default graph of doc, or ok=false.
func (l *DocumentLoader) fastQuads(doc map[string]any) ([]*ld.Quad, bool) {
	local, has := doc["@context"]
	if !has {
		return nil, false
	}
	if _, cacheable := l.contextKey(local); !cacheable {
		return nil, false
	}
	c, err := l.activeContext(local)
	if err != nil || c.Values.HasLanguage || c.Values.Direction != "" {
		return nil, false
	}
	w := &fastWalker{l: l, seen: make(map[[3]ld.Node]struct{}, 64), counts: make(map[propertyOf]int, 32)}
	if _, ok := w.node(l.fast.top(c), doc, true); !ok || len(w.quads) == 0 {
		// A top-level node with nothing to say is dropped by expansion;
		// leave that to the general path.
		return nil, false
	}
	return w.quads, true
}

// node emits the quads of one node object, starting in scope entry, and
// returns the node that names it.
func (w *fastWalker) node(entry *fastScope, m map[string]any, top bool) (ld.Node, bool) {
	typeKey, types, ok := w.types(entry, m)
	if !ok {
		return nil, false
	}
	acc := entry
	for _, t := range slices.Sorted(slices.Values(types)) {
		if acc, ok = w.l.fast.withType(acc, entry, t); !ok {
			return nil, false
		}
	}
	subject, ok := w.subject(acc, m)
	if !ok {
		return nil, false
	}
	for _, t := range types {
		iri, err := entry.ctx.ExpandIri(t, true, true, nil, nil)
		if err != nil || !w.l.iris.check(iri) {
			return nil, false
		}
		w.emit(subject, rdfType, ld.NewIRI(iri))
	}
	if typeKey != "" {
		// Expansion reads every key under the node's own scope; a type
		// key that means something else there is not covered.
		if exp, err := acc.ctx.ExpandIri(typeKey, false, true, nil, nil); err != nil || exp != "@type" {
			return nil, false
		}
	}
	for key, value := range m {
		if key == typeKey || (top && key == "@context") {
			continue
		}
		if !w.property(acc, subject, key, value) {
			return nil, false
		}
	}
	return subject, true
}

// types finds the one key that expands to @type and its values.
func (w *fastWalker) types(entry *fastScope, m map[string]any) (string, []string, bool) {
	typeKey := ""
	var types []string
	for key, value := range m {
		exp, err := entry.ctx.ExpandIri(key, false, true, nil, nil)
		if err != nil {
			return "", nil, false
		}
		if exp != "@type" {
			continue
		}
		if typeKey != "" {
			return "", nil, false
		}
		typeKey = key
		switch v := value.(type) {
		case string:
			types = []string{v}
		case []any:
			for _, e := range v {
				s, isString := e.(string)
				if !isString {
					return "", nil, false
				}
				types = append(types, s)
			}
		default:
			return "", nil, false
		}
	}
	return typeKey, types, true
}

// subject is the node's @id as an IRI, or a new blank node.
func (w *fastWalker) subject(acc *fastScope, m map[string]any) (ld.Node, bool) {
	var id ld.Node
	for key, value := range m {
		exp, err := acc.ctx.ExpandIri(key, false, true, nil, nil)
		if err != nil {
			return nil, false
		}
		if exp != "@id" {
			continue
		}
		s, isString := value.(string)
		if !isString {
			return nil, false
		}
		iri, err := acc.ctx.ExpandIri(s, true, false, nil, nil)
		if err != nil || id != nil || !w.l.iris.check(iri) {
			return nil, false // two keys for @id collide in expansion
		}
		id = ld.NewIRI(iri)
	}
	if id != nil {
		return id, true
	}
	w.blanks++
	return ld.NewBlankNode("_:b" + strconv.Itoa(w.blanks)), true
}

// property emits the values of one property of subject.
func (w *fastWalker) property(acc *fastScope, subject ld.Node, key string, value any) bool {
	exp, err := acc.ctx.ExpandIri(key, false, true, nil, nil)
	if err != nil || exp == "@id" {
		return err == nil
	}
	if ld.IsKeyword(exp) || !strings.Contains(exp, ":") || !w.l.iris.check(exp) {
		return false
	}
	td := acc.ctx.GetTermDefinition(key)
	scope, ok := w.l.fast.withProperty(acc, key)
	if !ok || !plainTerm(td) {
		return false
	}
	scoped := scope != acc
	if scoped {
		// The value is expanded under the property's own context.
		if td = scope.ctx.GetTermDefinition(key); !plainTerm(td) {
			return false
		}
	}
	values, isList := value.([]any)
	if !isList {
		values = []any{value}
	}
	countKey := propertyOf{subject, exp}
	w.counts[countKey] += len(values)
	if w.counts[countKey] > MaxPropertyValues {
		return false
	}
	predicate := ld.NewIRI(exp)
	for _, v := range values {
		if _, isMap := v.(map[string]any); isMap && scoped {
			// Node objects under a property-scoped context are not covered.
			return false
		}
		object, ok := w.object(scope, td, v)
		if !ok {
			return false
		}
		w.emit(subject, predicate, object)
	}
	return true
}

// plainTerm reports a term definition the fast path covers: no container
// but @set, no reverse, nesting, language, direction or JSON literal. No
// definition at all is a term expanded by @vocab, which is covered too. A
// scoped context is applied by the caller.
func plainTerm(td *ld.TermDefinition) bool {
	if td == nil {
		return true
	}
	for _, c := range td.Container {
		if c != "@set" {
			return false
		}
	}
	return !td.Reverse && td.Nest == "" && td.Index == "" &&
		!td.HasLanguage && !td.HasDirection && td.Type != "@json"
}

// object is the RDF term of one value of a property defined by td.
func (w *fastWalker) object(acc *fastScope, td *ld.TermDefinition, v any) (ld.Node, bool) {
	coerce := ""
	if td != nil {
		coerce = td.Type
	}
	switch t := v.(type) {
	case string:
		switch coerce {
		case "@id", "@vocab":
			iri, err := acc.ctx.ExpandIri(t, true, coerce == "@vocab", nil, nil)
			if err != nil || !w.l.iris.check(iri) {
				return nil, false
			}
			return ld.NewIRI(iri), true
		case "", "@none":
			if acc.ctx.Values.HasLanguage || acc.ctx.Values.Direction != "" {
				return nil, false // a default language or direction applies
			}
			return ld.NewLiteral(t, ld.XSDString, ""), true
		}
		if !w.l.iris.check(coerce) {
			return nil, false
		}
		return ld.NewLiteral(t, coerce, ""), true
	case bool:
		datatype := ld.XSDBoolean
		if coerce != "" && coerce != "@id" && coerce != "@vocab" && coerce != "@none" {
			if !w.l.iris.check(coerce) {
				return nil, false
			}
			datatype = coerce
		}
		return ld.NewLiteral(strconv.FormatBool(t), datatype, ""), true
	case map[string]any:
		return w.nested(acc, t)
	}
	return nil, false
}

// nested walks a node object held by a property of a node in scope acc.
// Like expansion, it leaves the type-scoped context behind unless the
// object is only a reference ({"id": ...}); value objects are not covered.
func (w *fastWalker) nested(acc *fastScope, m map[string]any) (ld.Node, bool) {
	if len(m) == 0 {
		return nil, false
	}
	scope := acc.reverted()
	for key := range m {
		exp, err := acc.ctx.ExpandIri(key, false, true, nil, nil)
		if err != nil || exp == "@value" || key == "@context" {
			return nil, false
		}
		if exp == "@id" && len(m) == 1 {
			scope = acc
		}
	}
	return w.node(scope, m, false)
}

// emit adds a quad once.
func (w *fastWalker) emit(s, p, o ld.Node) {
	key := [3]ld.Node{s, p, o}
	if _, dup := w.seen[key]; dup {
		return
	}
	w.seen[key] = struct{}{}
	w.quads = append(w.quads, ld.NewQuad(s, p, o, "@default"))
}

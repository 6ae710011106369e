package svgsafe

import (
	"encoding/xml"
	"strings"
)

// namespaces keeps the prefixes declared on the open elements, so that
// names inside attribute values (animation targets such as
// attributeName="q:href") resolve as a browser resolves them.
type namespaces struct {
	bindings []binding // innermost last
	marks    []int     // len(bindings) when each open element started
}

type binding struct{ prefix, uri string }

// push records an element's xmlns:prefix declarations.
func (n *namespaces) push(attrs []xml.Attr) {
	n.marks = append(n.marks, len(n.bindings))
	for _, a := range attrs {
		if a.Name.Space == "xmlns" {
			n.bindings = append(n.bindings, binding{prefix: a.Name.Local, uri: a.Value})
		}
	}
}

// pop forgets the declarations of the element that ended.
func (n *namespaces) pop() {
	if len(n.marks) == 0 {
		return
	}
	n.bindings = n.bindings[:n.marks[len(n.marks)-1]]
	n.marks = n.marks[:len(n.marks)-1]
}

// lookup returns the namespace bound to prefix on the open elements.
func (n *namespaces) lookup(prefix string) (string, bool) {
	for i := len(n.bindings) - 1; i >= 0; i-- {
		if n.bindings[i].prefix == prefix {
			return n.bindings[i].uri, true
		}
	}
	return "", false
}

// Resolve expands a qualified attribute name written in an attribute value
// of the element last started (such as attributeName="xlink:href"), as an
// attribute name: without a prefix it is in no namespace. Surrounding XML
// white space is ignored. ok is false when the prefix is declared nowhere
// in scope.
func (r *Reader) Resolve(qname string) (name xml.Name, ok bool) {
	qname = strings.Trim(qname, " \t\r\n")
	prefix, local, found := strings.Cut(qname, ":")
	switch {
	case !found:
		return xml.Name{Local: qname}, true
	case prefix == "xml":
		return xml.Name{Space: XMLNamespace, Local: local}, true
	}
	uri, ok := r.ns.lookup(prefix)
	if !ok {
		return xml.Name{Space: prefix, Local: local}, false
	}
	return xml.Name{Space: uri, Local: local}, true
}

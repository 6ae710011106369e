package ob3

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// canonicalSimple is RDFC-1.0 (URDNA2015) for a default-graph dataset whose
// blank nodes all have distinct first-degree hashes, the common case, in
// which each blank node's label follows from the sorted hashes alone. It
// writes the N-Quads as json-gold's serializer does, escapes included. ok
// is false when two blank nodes share a hash: the n-degree step, and the
// guard against its cost, are the general path's.
func canonicalSimple(quads []*ld.Quad) ([]byte, bool) {
	byBlank := make(map[string][]*ld.Quad)
	for _, q := range quads {
		for _, n := range [2]ld.Node{q.Subject, q.Object} {
			// Once per occurrence, as json-gold lists them.
			if b, ok := n.(ld.BlankNode); ok {
				byBlank[b.Attribute] = append(byBlank[b.Attribute], q)
			}
		}
	}
	byHash := make(map[string]string, len(byBlank))
	var lines []string
	var b strings.Builder
	for id, qs := range byBlank {
		lines = lines[:0]
		for _, q := range qs {
			b.Reset()
			writeNQuad(&b, q, func(label string) string {
				if label == id {
					return "_:a"
				}
				return "_:z"
			})
			lines = append(lines, b.String())
		}
		slices.Sort(lines)
		h := sha256.New()
		for _, l := range lines {
			h.Write([]byte(l))
		}
		hash := hex.EncodeToString(h.Sum(nil))
		if _, taken := byHash[hash]; taken {
			return nil, false
		}
		byHash[hash] = id
	}
	canonical := make(map[string]string, len(byHash))
	for i, hash := range slices.Sorted(maps.Keys(byHash)) {
		canonical[byHash[hash]] = "_:c14n" + strconv.Itoa(i)
	}
	lines = make([]string, len(quads))
	for i, q := range quads {
		b.Reset()
		writeNQuad(&b, q, func(label string) string { return canonical[label] })
		lines[i] = b.String()
	}
	slices.Sort(lines)
	size := 0
	for _, l := range lines {
		size += len(l)
	}
	out := make([]byte, 0, size)
	for _, l := range lines {
		out = append(out, l...)
	}
	return out, true
}

// writeNQuad writes a default-graph quad as json-gold's toNQuad does, with
// blank node labels mapped by label.
func writeNQuad(b *strings.Builder, q *ld.Quad, label func(string) string) {
	writeTerm(b, q.Subject, label)
	b.WriteByte(' ')
	writeTerm(b, q.Predicate, label)
	b.WriteByte(' ')
	writeTerm(b, q.Object, label)
	b.WriteString(" .\n")
}

func writeTerm(b *strings.Builder, n ld.Node, label func(string) string) {
	switch t := n.(type) {
	case ld.IRI:
		b.WriteByte('<')
		writeEscaped(b, t.Value)
		b.WriteByte('>')
	case ld.BlankNode:
		b.WriteString(label(t.Attribute))
	case ld.Literal:
		b.WriteByte('"')
		writeEscaped(b, t.Value)
		b.WriteByte('"')
		if t.Datatype == ld.RDFLangString {
			b.WriteString("@" + t.Language)
		} else if t.Datatype != ld.XSDString {
			b.WriteString("^^<")
			writeEscaped(b, t.Datatype)
			b.WriteByte('>')
		}
	}
}

// writeEscaped is json-gold's N-Quads escaping in one pass: backslash,
// double quote, line feed, carriage return and tab, nothing else.
func writeEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
}

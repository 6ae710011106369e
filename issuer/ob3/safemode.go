package ob3

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/piprate/json-gold/ld"
)

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

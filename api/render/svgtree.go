package render

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/laurel-badges/laurel/assets/svgsafe"
)

// Bounds of the work one SVG may ask for. They sit well above what badge
// art needs (Laurel's own art has 8 elements, a designer's badge a few
// hundred) and well below what would take a second to draw.
const (
	maxSVGBytes    = 2 << 20
	maxSVGDepth    = 64
	maxSVGElements = 20_000 // after <use> is expanded
	maxSVGNumbers  = 400_000
	maxSVGTextRune = 20_000
	maxUseDepth    = 8
)

// svgPolicy matches the upload check's depth, and accepts an <svg> in no
// namespace, which hand-written files have.
var svgPolicy = svgsafe.Policy{MaxDepth: maxSVGDepth, MaxTokens: 4 * maxSVGElements, AllowNoNamespace: true}

// ErrUnsupportedSVG is wrapped by RasterizeSVG's error when the document
// is well-formed but goes past a bound or uses something refused, such as
// a DOCTYPE.
var ErrUnsupportedSVG = errors.New("unsupported SVG")

func unsupportedf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupportedSVG, fmt.Sprintf(format, args...))
}

// node is an element of the document, or a run of character data
// (name == "").
type node struct {
	name     string // local name, lower case for elements of interest
	attrs    map[string]string
	children []*node
	text     string
}

// attr returns an attribute's value with surrounding space trimmed.
func (n *node) attr(name string) string { return strings.TrimSpace(n.attrs[name]) }

// has reports whether the element carries an attribute.
func (n *node) has(name string) bool {
	_, ok := n.attrs[name]
	return ok
}

// parseTree reads a document through the shared safety checks into a
// tree. Attributes are keyed by local name, except that of an xlink:href
// is "href" too (SVG 2 dropped the namespace); an href in no namespace
// wins.
func parseTree(data []byte) (*node, error) {
	if len(data) > maxSVGBytes {
		return nil, unsupportedf("the SVG is %d bytes; at most %d are drawn", len(data), maxSVGBytes)
	}
	r, err := svgsafe.NewReader(data, svgPolicy)
	if err != nil {
		return nil, safetyError(err)
	}
	var stack []*node
	var root *node
	elements := 0
	for {
		tok, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, safetyError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if elements++; elements > maxSVGElements {
				return nil, unsupportedf("the SVG has more than %d elements", maxSVGElements)
			}
			n := newNode(t)
			if len(stack) == 0 {
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, &node{text: string(t)})
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: the document has no <svg> element", ErrUnsupportedSVG)
	}
	return root, nil
}

// newNode keeps an element's name and attributes.
func newNode(el xml.StartElement) *node {
	n := &node{name: el.Name.Local, attrs: make(map[string]string, len(el.Attr))}
	for _, a := range el.Attr {
		name := a.Name.Local
		if a.Name.Space == svgsafe.XLinkNamespace && name == "href" {
			if _, ok := n.attrs["href"]; ok {
				continue
			}
		} else if a.Name.Space != "" {
			continue // xml:space, foreign editors' attributes
		}
		n.attrs[name] = a.Value
	}
	return n
}

// safetyError words a refusal of the shared pre-checks: malformed XML is
// an error of its own, anything refused is unsupported.
func safetyError(err error) error {
	var se *svgsafe.Error
	if errors.As(err, &se) && se.Kind == svgsafe.Refused {
		return fmt.Errorf("%w: %s", ErrUnsupportedSVG, se.Msg)
	}
	return fmt.Errorf("invalid SVG: %w", err)
}

// Package svgsafe reads SVG documents token by token and applies, in one
// place, the safety pre-checks that every reader of SVG in Laurel needs:
// the upload check (badges), baking and unbaking (issuer/ob3) and the
// rasterizer (api/render). It refuses what could make a reader misbehave or
// a document mean two things: other encodings than UTF-8, DOCTYPE and
// entity declarations, processing instructions, a root other than <svg>,
// several roots, text outside the root, repeated attributes, unbounded
// nesting and token counts. What each reader does with the tokens — the
// upload's script and link checks, finding a baked credential, drawing — is
// its own business.
//
// It imports only the standard library, so every layer may use it; it
// lives beside the embedded assets, the one leaf the whole project shares.
package svgsafe

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Namespaces that SVG readers resolve names against.
const (
	Namespace      = "http://www.w3.org/2000/svg"
	XLinkNamespace = "http://www.w3.org/1999/xlink"
	XMLNamespace   = "http://www.w3.org/XML/1998/namespace"
)

// Kind tells a reader what a refusal means.
type Kind int

const (
	// Malformed documents break the rules of XML (or of an SVG file):
	// no reader could use them.
	Malformed Kind = iota + 1
	// Refused documents are well-formed but use something unsafe, or go
	// past a limit.
	Refused
)

// Error is every error a Reader returns, apart from io.EOF. Msg is short,
// names no more of the input than a bounded, escaped element or encoding
// name, and may be shown to whoever sent the document.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func malformed(format string, args ...any) error {
	return &Error{Kind: Malformed, Msg: fmt.Sprintf(format, args...)}
}

func refused(format string, args ...any) error {
	return &Error{Kind: Refused, Msg: fmt.Sprintf(format, args...)}
}

// Policy is what a reader tolerates beyond the strict core.
type Policy struct {
	// MaxDepth bounds element nesting; the root is at depth 1.
	MaxDepth int
	// MaxTokens bounds the XML tokens of any kind; 0 leaves them unbounded
	// (the caller bounds the document's size instead).
	MaxTokens int
	// AllowNoNamespace accepts a root <svg> in no namespace, as
	// hand-written files have; browsers draw those only inline in HTML.
	AllowNoNamespace bool
	// Foreign is for documents made by other tools that are read for
	// their data, never served or drawn: a plain <!DOCTYPE> before the root
	// (editors write one) and processing instructions are let through. An
	// internal subset, where entity declarations live, is still refused.
	Foreign bool
}

// Reader hands out the tokens of one document once they have passed the
// checks. Use it like an xml.Decoder: call Next until it returns io.EOF.
type Reader struct {
	dec    *xml.Decoder
	policy Policy
	base   int // bytes of a byte order mark skipped before dec's input

	tokens      int
	depth       int
	rootSeen    bool
	rootDone    bool
	doctypeSeen bool
	ns          namespaces
}

// utf8BOM is the byte order mark some editors put before UTF-8 text.
const utf8BOM = "\xef\xbb\xbf"

// NewReader checks the encoding of data (UTF-8, with or without a byte
// order mark) and that it starts like markup, and returns a Reader of it.
func NewReader(data []byte, p Policy) (*Reader, error) {
	base := 0
	switch {
	case bytes.HasPrefix(data, []byte(utf8BOM)):
		base = len(utf8BOM)
	case bytes.HasPrefix(data, []byte("\xfe\xff")) || bytes.HasPrefix(data, []byte("\xff\xfe")):
		return nil, malformed("the SVG is UTF-16; only UTF-8 is supported")
	}
	body := data[base:]
	if lead := bytes.TrimLeft(body, " \t\r\n"); len(lead) == 0 || lead[0] != '<' {
		return nil, malformed("unknown file type: the data does not start with markup")
	}
	if !utf8.Valid(body) {
		return nil, malformed("the SVG is not valid UTF-8")
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	// Strict, and with no Entity map, the decoder knows XML's five
	// entities only and never loads a DTD.
	dec.Strict = true
	dec.CharsetReader = utf8Only
	return &Reader{dec: dec, policy: p, base: base}, nil
}

// charsetError carries the encoding a document declared.
type charsetError struct{ label string }

func (e *charsetError) Error() string { return "unsupported charset " + e.label }

// utf8Only stands in for a charset converter. The bytes are already known
// to be UTF-8, and these labels name it or its ASCII subset; anything else
// would need transcoding, and the checks would no longer see what a
// browser sees.
func utf8Only(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf8", "us-ascii", "ascii":
		return r, nil
	}
	return nil, &charsetError{label: label}
}

// Offset is the byte offset in the data given to NewReader just past the
// last token read (before the first token after a byte order mark).
func (r *Reader) Offset() int { return r.base + int(r.dec.InputOffset()) }

// Depth is the number of open elements: the root's start makes it 1, its
// end 0 again.
func (r *Reader) Depth() int { return r.depth }

// Next returns the next token, or io.EOF after a complete document. The
// token's bytes are valid until the next call, as with xml.Decoder.Token.
func (r *Reader) Next() (xml.Token, error) {
	tok, err := r.dec.Token()
	if errors.Is(err, io.EOF) {
		if !r.rootSeen {
			return nil, malformed("the SVG has no root element")
		}
		return nil, io.EOF
	}
	if err != nil {
		return nil, readError(err)
	}
	if r.tokens++; r.policy.MaxTokens > 0 && r.tokens > r.policy.MaxTokens {
		return nil, refused("the SVG has more than %d XML tokens", r.policy.MaxTokens)
	}
	if err := r.check(tok); err != nil {
		return nil, err
	}
	return tok, nil
}

// readError turns a decoder error into a message that names only a line
// or the declared encoding.
func readError(err error) error {
	var ce *charsetError
	if errors.As(err, &ce) {
		return malformed("the SVG declares the character encoding %.40q; only UTF-8 is supported", ce.label)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return malformed("not a valid SVG: the XML is not well-formed (line %d)", se.Line)
	}
	return malformed("the SVG could not be read")
}

func (r *Reader) check(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return r.start(t)
	case xml.EndElement:
		r.ns.pop()
		if r.depth--; r.depth == 0 {
			r.rootDone = true
		}
	case xml.CharData:
		if r.depth == 0 && len(bytes.Trim(t, " \t\r\n")) > 0 {
			return malformed("the SVG has text outside the root element")
		}
	case xml.ProcInst:
		// A stylesheet instruction would load CSS from anywhere.
		if !r.policy.Foreign && (t.Target != "xml" || r.tokens != 1) {
			return refused("the SVG contains a processing instruction <?%.40s?>; only a leading XML declaration is allowed", t.Target)
		}
	case xml.Directive:
		return r.directive(t)
	}
	return nil // comments are harmless
}

func (r *Reader) start(el xml.StartElement) error {
	if r.depth == 0 {
		if err := r.root(el); err != nil {
			return err
		}
	}
	if r.depth++; r.depth > r.policy.MaxDepth {
		return refused("the SVG nests elements deeper than %d levels", r.policy.MaxDepth)
	}
	if duplicateAttr(el.Attr) {
		return malformed("the SVG repeats an attribute on one element")
	}
	for _, a := range el.Attr {
		// XML 1.0 namespaces forbid undeclaring a prefix.
		if a.Name.Space == "xmlns" && a.Value == "" {
			return malformed("the SVG has an empty namespace prefix declaration")
		}
	}
	r.ns.push(el.Attr)
	return nil
}

func (r *Reader) root(el xml.StartElement) error {
	if r.rootDone {
		return malformed("the SVG has more than one root element")
	}
	r.rootSeen = true
	inNamespace := el.Name.Space == Namespace || el.Name.Space == "" && r.policy.AllowNoNamespace
	if el.Name.Local != "svg" || !inNamespace {
		return refused("the root element is <%.40s> in namespace %.100q, not <svg> in namespace %s",
			el.Name.Local, el.Name.Space, Namespace)
	}
	return nil
}

// directive refuses declarations: DOCTYPE brings ENTITY definitions
// (expansion bombs, external entities). Foreign documents may keep one
// plain <!DOCTYPE> before the root, which the decoder never loads.
func (r *Reader) directive(d xml.Directive) error {
	keyword := directiveKeyword(d)
	switch {
	case !r.policy.Foreign:
		return refused("the SVG contains a <!%s> declaration; DOCTYPE and ENTITY declarations are not allowed", keyword)
	case bytes.Contains(d, []byte("ENTITY")):
		return refused("the SVG declares XML entities (<!ENTITY>), which are not allowed")
	case !strings.EqualFold(keyword, "DOCTYPE"):
		return refused("the SVG contains an XML declaration other than <!DOCTYPE>, which is not allowed")
	case bytes.IndexByte(d, '[') >= 0:
		return refused("the SVG has a <!DOCTYPE> with an internal subset, which is not allowed")
	case r.depth > 0 || r.rootDone || r.doctypeSeen:
		return refused("the SVG has a misplaced or repeated <!DOCTYPE>")
	}
	r.doctypeSeen = true
	return nil
}

// directiveKeyword is the word after "<!" (letters only, at most 20), or "…".
func directiveKeyword(d xml.Directive) string {
	n := 0
	for n < len(d) && n < 20 && ('A' <= d[n] && d[n] <= 'Z' || 'a' <= d[n] && d[n] <= 'z') {
		n++
	}
	if n == 0 {
		return "…"
	}
	return string(d[:n])
}

// duplicateAttr reports a repeated attribute (by expanded name), which
// makes the XML ill-formed.
func duplicateAttr(attrs []xml.Attr) bool {
	if len(attrs) <= 16 {
		for i := range attrs {
			for j := i + 1; j < len(attrs); j++ {
				if attrs[i].Name == attrs[j].Name {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[xml.Name]struct{}, len(attrs))
	for _, a := range attrs {
		if _, ok := seen[a.Name]; ok {
			return true
		}
		seen[a.Name] = struct{}{}
	}
	return false
}

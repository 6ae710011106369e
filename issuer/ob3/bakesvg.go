package ob3

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/laurel-badges/laurel/assets/svgsafe"
)

// svgPolicy reads SVGs made by any tool, for their credential: a plain
// DOCTYPE, processing instructions and a root without a namespace are
// ignored, as other verifiers ignore them; the rest of the shared
// pre-checks apply.
var svgPolicy = svgsafe.Policy{MaxDepth: maxSVGDepth, MaxTokens: maxSVGTokens, AllowNoNamespace: true, Foreign: true}

// BakeSVG returns svg with xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" on the root <svg>
// and, directly inside it, <openbadges:credential verify="JWS"/> for a compact JWS, or
// <openbadges:credential><![CDATA[JSON]]></openbadges:credential> for JSON. Existing credential elements are replaced.
//
// OB 2.0 <assertion> elements are removed too. The rest of the document is
// copied byte for byte, except the root start tag when it binds the
// "openbadges" prefix to another namespace (it is then rewritten). The input is not modified.
func BakeSVG(svg []byte, credential string) ([]byte, error) {
	cred, jws, err := bakeCredential(credential)
	if err != nil {
		return nil, err
	}
	if !jws && strings.IndexFunc(cred, func(r rune) bool { return !xmlChar(r) }) >= 0 {
		return nil, errors.New("ob3: the credential contains characters that XML cannot carry")
	}
	if len(svg) > MaxBakedImageSize {
		return nil, imageError("the file is larger than 8 MiB")
	}
	doc, err := scanSVG(svg, true)
	if err != nil {
		return nil, err
	}
	// Baking adds a few tokens; keep the result readable by Unbake.
	if doc.tokens > maxSVGTokens-8 {
		return nil, imageError("the SVG has too many XML tokens")
	}
	out := make([]byte, 0, len(svg)+len(cred)+128)
	out = append(out, svg[:doc.rootStart]...)
	out, closing, err := appendBakedRoot(out, svg[doc.rootStart:doc.rootEnd], doc.rootAttrs)
	if err != nil {
		return nil, err
	}
	out = appendSVGCredential(out, cred, jws)
	out = append(out, closing...)
	pos := doc.rootEnd
	for _, c := range doc.creds {
		out = append(out, svg[pos:c.start]...)
		pos = c.end
	}
	out = append(out, svg[pos:]...)
	if len(out) > MaxBakedImageSize {
		return nil, errors.New("ob3: the baked image would be larger than 8 MiB")
	}
	return out, nil
}

// appendBakedRoot writes the root start tag with the OB 3.0 namespace
// declared, and returns the end tag to write after the credential when
// the root was self-closing ("" otherwise).
func appendBakedRoot(out, rootTag []byte, attrs []xml.Attr) ([]byte, string, error) {
	selfClosing := bytes.HasSuffix(rootTag, []byte("/>"))
	tagBody := bytes.TrimSuffix(rootTag[:len(rootTag)-1], []byte("/"))
	raw, err := xml.NewDecoder(bytes.NewReader(rootTag)).RawToken()
	rawRoot, ok := raw.(xml.StartElement)
	if err != nil || !ok {
		return nil, "", imageError("the SVG root element could not be read")
	}
	var decls []string
	for _, a := range attrs {
		if a.Name.Space == "xmlns" && a.Name.Local == "openbadges" {
			decls = append(decls, a.Value)
		}
	}
	switch {
	case len(decls) == 1 && decls[0] == svgNSOB3:
		out = append(out, tagBody...)
	case len(decls) == 0:
		out = append(out, tagBody...)
		out = append(out, ` xmlns:openbadges="`+svgNSOB3+`"`...)
	default:
		// The prefix is bound elsewhere (typically to the OB 2.0 namespace):
		// rewrite the tag rather than declare the attribute twice.
		out = appendSVGStartTag(out, rawRoot)
	}
	out = append(out, '>')
	if selfClosing {
		return out, "</" + svgQName(rawRoot.Name) + ">", nil
	}
	return out, "", nil
}

// appendSVGCredential writes the credential element: a JWS in its verify
// attribute, JSON in CDATA.
func appendSVGCredential(out []byte, cred string, jws bool) []byte {
	if jws {
		out = append(out, `<openbadges:credential verify="`...)
		out = append(out, cred...)
		return append(out, `"/>`...)
	}
	// "]]>" cannot occur inside CDATA: end the section and start another.
	out = append(out, "<openbadges:credential><![CDATA["...)
	out = append(out, strings.ReplaceAll(cred, "]]>", "]]]]><![CDATA[>")...)
	return append(out, "]]></openbadges:credential>"...)
}

type svgCredential struct {
	start, end int // byte span of the element, tags included
	version    string
	payload    string
}

type svgDoc struct {
	rootStart, rootEnd int // byte span of the root start tag
	rootAttrs          []xml.Attr
	creds              []svgCredential
	tokens             int
}

func unbakeSVG(data []byte) (*Baked, error) {
	doc, err := scanSVG(data, false)
	if err != nil {
		return nil, err
	}
	if len(doc.creds) == 0 {
		return nil, notBakedError("the SVG has no Open Badges credential or assertion element")
	}
	c := doc.creds[0]
	if c.payload == "" {
		return nil, notBakedError("its credential element is empty")
	}
	return &Baked{Format: "svg", Version: c.version, Payload: c.payload}, nil
}

// svgScanner finds the credential elements of an SVG.
type svgScanner struct {
	r   *svgsafe.Reader
	doc *svgDoc
	all bool // record every credential element, not just the first
	// rebound is, when baking, the namespace whose credential and
	// assertion elements become badge elements once the root binds
	// "openbadges" to OB 3.0, so they are removed as well; "" otherwise.
	rebound  string
	cur      *svgCredential
	curDepth int
	text     strings.Builder
}

// scanSVG streams the document once through the shared pre-checks,
// recording the credential elements. Unless all is set it stops after the
// first credential. Offsets are into data.
func scanSVG(data []byte, all bool) (*svgDoc, error) {
	r, err := svgsafe.NewReader(data, svgPolicy)
	if err != nil {
		return nil, svgReadError(err)
	}
	s := &svgScanner{r: r, doc: &svgDoc{}, all: all}
	for {
		start := r.Offset()
		tok, err := r.Next()
		if errors.Is(err, io.EOF) {
			return s.doc, nil
		}
		if err != nil {
			return nil, svgReadError(err)
		}
		s.doc.tokens++
		if s.token(tok, start) {
			return s.doc, nil
		}
	}
}

// token handles one token that started at byte start and reports whether
// the scan is done.
func (s *svgScanner) token(tok xml.Token, start int) bool {
	switch t := tok.(type) {
	case xml.StartElement:
		if s.r.Depth() == 1 {
			s.doc.rootStart, s.doc.rootEnd = start, s.r.Offset()
			s.doc.rootAttrs = t.Attr
			if s.all {
				s.rebound = svgReboundSpace(t.Attr)
			}
		}
		if s.cur == nil {
			s.open(t, start)
		}
	case xml.EndElement:
		// The reader already counts the element as closed.
		if s.cur != nil && s.r.Depth()+1 == s.curDepth {
			s.cur.end = s.r.Offset()
			if s.cur.payload == "" {
				s.cur.payload = strings.TrimSpace(s.text.String())
			}
			s.doc.creds = append(s.doc.creds, *s.cur)
			s.cur = nil
			return !s.all
		}
	case xml.CharData:
		if s.cur != nil && s.cur.payload == "" {
			s.text.Write(t)
		}
	}
	return false
}

// open starts recording el if it is a credential or assertion element.
func (s *svgScanner) open(el xml.StartElement, start int) {
	v := svgCredentialVersion(el.Name)
	captured := s.rebound != "" && el.Name.Space == s.rebound && (el.Name.Local == "credential" || el.Name.Local == "assertion")
	if v == "" && !captured {
		return
	}
	s.cur = &svgCredential{start: start, version: v}
	s.curDepth = s.r.Depth()
	s.text.Reset()
	for _, a := range el.Attr {
		if a.Name.Local == "verify" && (a.Name.Space == "" || a.Name.Space == el.Name.Space) {
			s.cur.payload = strings.TrimSpace(a.Value)
			return
		}
	}
}

func svgCredentialVersion(n xml.Name) string {
	switch {
	case n.Space == svgNSOB3 && n.Local == "credential":
		return "3.0"
	case n.Space == svgNSOB2 && n.Local == "assertion":
		return "2.0"
	}
	return ""
}

// svgReboundSpace is the namespace that "openbadges:" names currently
// resolve to under the root and that baking rebinds, or "" if the root
// already binds it to OB 3.0. An unbound prefix resolves to itself.
func svgReboundSpace(rootAttrs []xml.Attr) string {
	for _, a := range rootAttrs {
		if a.Name.Space == "xmlns" && a.Name.Local == "openbadges" {
			if a.Value == svgNSOB3 {
				return ""
			}
			return a.Value
		}
	}
	return "openbadges"
}

// svgReadError words a problem the shared pre-checks found.
func svgReadError(err error) error {
	var se *svgsafe.Error
	if errors.As(err, &se) {
		return imageError("%s", se.Msg)
	}
	return imageError("the SVG could not be read")
}

func svgQName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// appendSVGStartTag writes a start tag (without its closing ">") from a raw
// token, replacing any xmlns:openbadges with the OB 3.0 namespace.
func appendSVGStartTag(out []byte, el xml.StartElement) []byte {
	var buf bytes.Buffer
	buf.WriteByte('<')
	buf.WriteString(svgQName(el.Name))
	for _, a := range el.Attr {
		if a.Name.Space == "xmlns" && a.Name.Local == "openbadges" {
			continue
		}
		buf.WriteByte(' ')
		buf.WriteString(svgQName(a.Name))
		buf.WriteString(`="`)
		_ = xml.EscapeText(&buf, []byte(a.Value)) // bytes.Buffer writes do not fail
		buf.WriteByte('"')
	}
	buf.WriteString(` xmlns:openbadges="` + svgNSOB3 + `"`)
	return append(out, buf.Bytes()...)
}

package ob3

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxBakedImageSize is the largest PNG or SVG that Unbake reads and that
// BakePNG and BakeSVG produce. HTTP handlers should cap uploads at the same size.
const MaxBakedImageSize = 8 << 20

// Limits for untrusted images. Each one bounds the memory or the time that a
// single upload can use.
const (
	maxPNGChunks  = 10000   // chunks read before IEND
	maxPNGChunk   = 8 << 20 // data bytes in any one chunk
	maxPNGInflate = 2 << 20 // output of a compressed text chunk (zip bombs)
	maxSVGDepth   = 64      // element nesting
	maxSVGTokens  = 1 << 20 // XML tokens of any kind
)

// Keywords and namespaces from the Open Badges baking specifications.
const (
	pngKeywordOB3 = "openbadgecredential"
	pngKeywordOB2 = "openbadges"
	svgNSOB3      = "https://purl.imsglobal.org/ob/v3p0"
	svgNSOB2      = "http://openbadges.org"
	svgNS         = "http://www.w3.org/2000/svg"
)

// Errors returned by Unbake, BakePNG and BakeSVG; test them with errors.Is.
// The wrapped messages are short and never quote the input, so a verifier can
// show them to whoever uploaded the file.
var (
	ErrNotBaked = errors.New("ob3: the image carries no Open Badges credential")
	ErrImage    = errors.New("ob3: not a valid PNG or SVG image")
)

// errSVGCharset is returned by the XML decoder's charset hook so that a
// non-UTF-8 declaration can be reported in plain words.
var errSVGCharset = errors.New("unsupported charset")

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Baked is what an image carries.
type Baked struct {
	Format  string // "png" or "svg"
	Version string // "3.0" (openbadgecredential / ob/v3p0 namespace) or "2.0" (openbadges keyword / openbadges.org namespace)
	Payload string // the JWS or the JSON (or, for 2.0, whatever the assertion field holds: a URL, JSON or a JWS)
}

func imageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrImage}, args...)...)
}

func notBakedError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNotBaked}, args...)...)
}

// Unbake extracts the first credential from a baked PNG or SVG (sniffed by content).
//
// A PNG's chunks are checked up to IEND and the first badge text chunk wins;
// an SVG is read until the first credential or assertion element, in document order.
func Unbake(data []byte) (*Baked, error) {
	if len(data) > MaxBakedImageSize {
		return nil, imageError("the file is larger than 8 MiB")
	}
	if bytes.HasPrefix(data, pngSignature) {
		return unbakePNG(data)
	}
	return unbakeSVG(data)
}

// BakePNG returns png with the credential (a compact JWS, or credential JSON) in one iTXt chunk with
// keyword "openbadgecredential", compression flag 0, empty language and translated keyword, placed
// before IEND; an existing openbadgecredential chunk is replaced. The input must be a valid PNG.
//
// OB 2.0 "openbadges" text chunks are removed too, so that the image carries
// exactly the credential given; bytes after IEND are dropped. The input is not modified.
func BakePNG(png []byte, credential string) ([]byte, error) {
	cred, _, err := bakeCredential(credential)
	if err != nil {
		return nil, err
	}
	if len(png) > MaxBakedImageSize {
		return nil, imageError("the file is larger than 8 MiB")
	}
	chunks, err := readPNGChunks(png)
	if err != nil {
		return nil, err
	}
	text := make([]byte, 0, len(pngKeywordOB3)+5+len(cred))
	text = append(text, pngKeywordOB3...)
	// NUL after the keyword, compression flag 0, method 0, then the empty
	// language tag and translated keyword, each NUL-terminated.
	text = append(text, 0, 0, 0, 0, 0)
	text = append(text, cred...)
	if len(text) > maxPNGChunk {
		return nil, errors.New("ob3: the credential is too large to bake (8 MiB chunk limit)")
	}

	out := make([]byte, 0, len(png)+len(text)+12)
	out = append(out, pngSignature...)
	kept := 0
	for _, c := range chunks {
		if pngBadgeChunk(c) {
			continue
		}
		if c.typ == "IEND" {
			out = appendPNGChunk(out, "iTXt", text)
			kept++
		}
		out = append(out, png[c.start:c.end]...)
		kept++
	}
	if kept > maxPNGChunks {
		return nil, imageError("the PNG has too many chunks to add a credential")
	}
	if len(out) > MaxBakedImageSize {
		return nil, errors.New("ob3: the baked image would be larger than 8 MiB")
	}
	return out, nil
}

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
	if !jws {
		for _, r := range cred {
			if !xmlChar(r) {
				return nil, errors.New("ob3: the credential contains characters that XML cannot carry")
			}
		}
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

	rootTag := svg[doc.rootStart:doc.rootEnd]
	selfClosing := bytes.HasSuffix(rootTag, []byte("/>"))
	tagBody := rootTag[:len(rootTag)-1]
	if selfClosing {
		tagBody = rootTag[:len(rootTag)-2]
	}
	raw, err := xml.NewDecoder(bytes.NewReader(rootTag)).RawToken()
	rawRoot, ok := raw.(xml.StartElement)
	if err != nil || !ok {
		return nil, imageError("the SVG root element could not be read")
	}

	var decls []string
	for _, a := range doc.rootAttrs {
		if a.Name.Space == "xmlns" && a.Name.Local == "openbadges" {
			decls = append(decls, a.Value)
		}
	}

	out := make([]byte, 0, len(svg)+len(cred)+128)
	out = append(out, svg[:doc.rootStart]...)
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
	if jws {
		out = append(out, `<openbadges:credential verify="`...)
		out = append(out, cred...)
		out = append(out, `"/>`...)
	} else {
		// "]]>" cannot occur inside CDATA: end the section and start another.
		out = append(out, "<openbadges:credential><![CDATA["...)
		out = append(out, strings.ReplaceAll(cred, "]]>", "]]]]><![CDATA[>")...)
		out = append(out, "]]></openbadges:credential>"...)
	}
	if selfClosing {
		out = append(out, "</"...)
		out = append(out, svgQName(rawRoot.Name)...)
		out = append(out, '>')
	}
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

// bakeCredential checks what is about to be baked and reports whether it is
// a compact JWS (otherwise it is a JSON object).
func bakeCredential(credential string) (string, bool, error) {
	cred := strings.TrimSpace(credential)
	switch {
	case cred == "":
		return "", false, errors.New("ob3: the credential to bake is empty")
	case len(cred) > maxPNGChunk-64:
		return "", false, errors.New("ob3: the credential is too large to bake")
	case !utf8.ValidString(cred):
		return "", false, errors.New("ob3: the credential is not valid UTF-8")
	case bakeIsJWS(cred):
		return cred, true, nil
	case cred[0] == '{' && json.Valid([]byte(cred)):
		return cred, false, nil
	}
	return "", false, errors.New("ob3: the credential must be a compact JWS or a JSON object")
}

// bakeIsJWS reports whether s has the shape of a compact JWS: three
// non-empty base64url segments.
func bakeIsJWS(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// xmlChar reports whether r may appear in an XML document (XML 1.0 "Char").
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// --- PNG ---

type pngChunk struct {
	typ        string
	data       []byte
	start, end int // the whole chunk: length, type, data and CRC
}

// readPNGChunks checks the chunk structure up to IEND (lengths, types, CRCs,
// IHDR first, some IDAT) without decoding pixels.
func readPNGChunks(b []byte) ([]pngChunk, error) {
	if !bytes.HasPrefix(b, pngSignature) {
		return nil, imageError("not a PNG file")
	}
	var chunks []pngChunk
	off := len(pngSignature)
	sawIDAT := false
	for {
		n := len(chunks) + 1
		rest := len(b) - off
		if rest == 0 {
			return nil, imageError("the PNG ends without an IEND chunk (truncated file?)")
		}
		if rest < 12 {
			return nil, imageError("PNG chunk %d is truncated", n)
		}
		if len(chunks) == maxPNGChunks {
			return nil, imageError("the PNG has more than %d chunks", maxPNGChunks)
		}
		length := binary.BigEndian.Uint32(b[off:])
		if length > maxPNGChunk {
			return nil, imageError("PNG chunk %d declares %d bytes, over the 8 MiB limit", n, length)
		}
		size := int(length)
		if size > rest-12 {
			return nil, imageError("PNG chunk %d runs past the end of the file (truncated file?)", n)
		}
		typ := b[off+4 : off+8]
		for _, c := range typ {
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
				return nil, imageError("PNG chunk %d has an invalid type", n)
			}
		}
		crc := binary.BigEndian.Uint32(b[off+8+size:])
		if crc32.ChecksumIEEE(b[off+4:off+8+size]) != crc {
			return nil, imageError("PNG chunk %d (%s) fails its CRC check (corrupt file)", n, typ)
		}
		c := pngChunk{typ: string(typ), data: b[off+8 : off+8+size], start: off, end: off + 12 + size}
		if n == 1 && (c.typ != "IHDR" || size != 13) {
			return nil, imageError("the PNG does not start with an IHDR chunk")
		}
		chunks = append(chunks, c)
		off = c.end
		switch c.typ {
		case "IDAT":
			sawIDAT = true
		case "IEND":
			if !sawIDAT {
				return nil, imageError("the PNG has no image data (IDAT)")
			}
			return chunks, nil
		}
	}
}

func appendPNGChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

func pngHasKeyword(data []byte, keyword string) bool {
	return len(data) > len(keyword) && data[len(keyword)] == 0 && string(data[:len(keyword)]) == keyword
}

// pngCredentialVersion tells which Open Badges version a chunk carries, or "".
func pngCredentialVersion(c pngChunk) string {
	switch c.typ {
	case "iTXt":
		if pngHasKeyword(c.data, pngKeywordOB3) {
			return "3.0"
		}
		if pngHasKeyword(c.data, pngKeywordOB2) {
			return "2.0"
		}
	case "tEXt", "zTXt":
		if pngHasKeyword(c.data, pngKeywordOB2) {
			return "2.0"
		}
	}
	return ""
}

// pngBadgeChunk reports whether baking should drop c: any text chunk with
// either badge keyword.
func pngBadgeChunk(c pngChunk) bool {
	switch c.typ {
	case "iTXt", "tEXt", "zTXt":
		return pngHasKeyword(c.data, pngKeywordOB3) || pngHasKeyword(c.data, pngKeywordOB2)
	}
	return false
}

func unbakePNG(data []byte) (*Baked, error) {
	chunks, err := readPNGChunks(data)
	if err != nil {
		return nil, err
	}
	for _, c := range chunks {
		version := pngCredentialVersion(c)
		if version == "" {
			continue
		}
		text, err := pngText(c)
		if err != nil {
			return nil, err
		}
		if text == "" {
			return nil, notBakedError("its credential text chunk is empty")
		}
		return &Baked{Format: "png", Version: version, Payload: text}, nil
	}
	return nil, notBakedError("the PNG has no openbadgecredential or openbadges text chunk")
}

// pngText returns the text of a tEXt, zTXt or iTXt chunk whose keyword has
// already been matched.
func pngText(c pngChunk) (string, error) {
	rest := c.data[bytes.IndexByte(c.data, 0)+1:]
	var text []byte
	switch c.typ {
	case "tEXt":
		text = rest
	case "zTXt":
		if len(rest) < 1 || rest[0] != 0 {
			return "", imageError("the credential chunk uses an unknown compression method")
		}
		var err error
		if text, err = pngInflate(rest[1:]); err != nil {
			return "", err
		}
	case "iTXt":
		if len(rest) < 2 {
			return "", imageError("the credential chunk is malformed")
		}
		flag, method := rest[0], rest[1]
		rest = rest[2:]
		// Skip the language tag and the translated keyword.
		for range 2 {
			i := bytes.IndexByte(rest, 0)
			if i < 0 {
				return "", imageError("the credential chunk is malformed")
			}
			rest = rest[i+1:]
		}
		switch flag {
		case 0:
			text = rest
		case 1:
			if method != 0 {
				return "", imageError("the credential chunk uses an unknown compression method")
			}
			var err error
			if text, err = pngInflate(rest); err != nil {
				return "", err
			}
		default:
			return "", imageError("the credential chunk has an invalid compression flag")
		}
	}
	if !utf8.Valid(text) {
		return "", imageError("the credential text is not valid UTF-8")
	}
	return strings.TrimSpace(string(text)), nil
}

func pngInflate(data []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, imageError("the compressed credential text is corrupt")
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, maxPNGInflate+1))
	if len(out) > maxPNGInflate {
		return nil, imageError("the compressed credential text expands beyond 2 MiB")
	}
	if err != nil {
		return nil, imageError("the compressed credential text is corrupt")
	}
	return out, nil
}

// --- SVG ---

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

// scanSVG streams the document once, checking that it is a UTF-8 SVG within
// the limits and recording the credential elements. Unless all is set it
// stops after the first credential. Offsets are into data.
func scanSVG(data []byte, all bool) (*svgDoc, error) {
	base := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		base = 3
	} else if bytes.HasPrefix(data, []byte("\xFE\xFF")) || bytes.HasPrefix(data, []byte("\xFF\xFE")) {
		return nil, imageError("the SVG is UTF-16; only UTF-8 is supported")
	}
	body := data[base:]
	if lead := bytes.TrimLeft(body, " \t\r\n"); len(lead) == 0 || lead[0] != '<' {
		return nil, imageError("unknown file type")
	}
	if !utf8.Valid(body) {
		return nil, imageError("the SVG is not valid UTF-8")
	}

	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		// The bytes are already known to be UTF-8; these labels are its
		// aliases or subsets. Anything else would need transcoding.
		switch strings.ToLower(label) {
		case "utf8", "us-ascii", "ascii":
			return r, nil
		}
		return nil, errSVGCharset
	}

	doc := &svgDoc{}
	depth := 0
	rootDone, sawDoctype := false, false
	var cur *svgCredential
	curDepth := 0
	// When baking, elements that would turn into badge elements once the
	// root binds "openbadges" to OB 3.0 are removed as well.
	rebound := ""
	var text strings.Builder
	for {
		start := base + int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, svgReadError(err)
		}
		doc.tokens++
		if doc.tokens > maxSVGTokens {
			return nil, imageError("the SVG has more than %d XML tokens", maxSVGTokens)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if rootDone {
				return nil, imageError("the SVG has more than one root element")
			}
			depth++
			if depth > maxSVGDepth {
				return nil, imageError("the SVG nests elements more than %d deep", maxSVGDepth)
			}
			if svgDuplicateAttr(t.Attr) {
				return nil, imageError("the SVG repeats an attribute on one element")
			}
			for _, a := range t.Attr {
				// XML 1.0 namespaces forbid undeclaring a prefix.
				if a.Name.Space == "xmlns" && a.Value == "" {
					return nil, imageError("the SVG has an empty namespace prefix declaration")
				}
			}
			if depth == 1 {
				if t.Name.Local != "svg" || (t.Name.Space != "" && t.Name.Space != svgNS) {
					return nil, imageError("the root element is not <svg>")
				}
				doc.rootStart, doc.rootEnd = start, base+int(d.InputOffset())
				doc.rootAttrs = t.Attr
				if all {
					rebound = svgReboundSpace(t.Attr)
				}
			}
			if cur == nil {
				v := svgCredentialVersion(t.Name)
				if v != "" || rebound != "" && t.Name.Space == rebound && (t.Name.Local == "credential" || t.Name.Local == "assertion") {
					cur = &svgCredential{start: start, version: v}
					curDepth = depth
					text.Reset()
					for _, a := range t.Attr {
						if a.Name.Local == "verify" && (a.Name.Space == "" || a.Name.Space == t.Name.Space) {
							cur.payload = strings.TrimSpace(a.Value)
							break
						}
					}
				}
			}
		case xml.EndElement:
			if cur != nil && depth == curDepth {
				cur.end = base + int(d.InputOffset())
				if cur.payload == "" {
					cur.payload = strings.TrimSpace(text.String())
				}
				doc.creds = append(doc.creds, *cur)
				cur = nil
				if !all {
					return doc, nil
				}
			}
			depth--
			if depth == 0 {
				rootDone = true
			}
		case xml.CharData:
			if depth == 0 {
				if len(bytes.Trim(t, " \t\r\n")) > 0 {
					return nil, imageError("the SVG has text outside its root element")
				}
			} else if cur != nil && cur.payload == "" {
				text.Write(t)
			}
		case xml.Directive:
			if err := svgCheckDirective(t, depth > 0 || rootDone || sawDoctype); err != nil {
				return nil, err
			}
			sawDoctype = true
		}
	}
	if doc.rootEnd == 0 {
		return nil, imageError("the SVG has no root element")
	}
	return doc, nil
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

// svgCheckDirective allows a single plain <!DOCTYPE> before the root, as
// editors write (encoding/xml never loads it), and refuses internal subsets,
// where entity declarations live.
func svgCheckDirective(dir []byte, misplaced bool) error {
	switch {
	case bytes.Contains(dir, []byte("ENTITY")):
		return imageError("the SVG declares XML entities (<!ENTITY>), which are not allowed")
	case len(dir) < 7 || !strings.EqualFold(string(dir[:7]), "DOCTYPE"):
		return imageError("the SVG contains an XML declaration other than <!DOCTYPE>, which is not allowed")
	case bytes.IndexByte(dir, '[') >= 0:
		return imageError("the SVG has a <!DOCTYPE> with an internal subset, which is not allowed")
	case misplaced:
		return imageError("the SVG has a misplaced or repeated <!DOCTYPE>")
	}
	return nil
}

// svgDuplicateAttr reports a repeated attribute (by expanded name), which
// makes the XML ill-formed.
func svgDuplicateAttr(attrs []xml.Attr) bool {
	if len(attrs) < 2 {
		return false
	}
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

// svgReadError turns a decoder error into a message that names only a line.
func svgReadError(err error) error {
	if errors.Is(err, errSVGCharset) {
		return imageError("the SVG declares a character encoding other than UTF-8; only UTF-8 is supported")
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return imageError("the SVG is not well-formed XML (line %d)", se.Line)
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

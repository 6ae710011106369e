package badges

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"image/png"
	"io"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ImageFormat is the media type of a validated image.
type ImageFormat string

// The image formats Laurel accepts for badges and issuers.
const (
	ImagePNG ImageFormat = "image/png"
	ImageSVG ImageFormat = "image/svg+xml"
)

const (
	// MaxImageBytes is the default upper bound of an uploaded image.
	MaxImageBytes = 1 << 20
	// MaxImageSide bounds a PNG's width and height in pixels (decompression bombs).
	MaxImageSide = 4096

	// maxSVGDepth bounds element nesting: no badge needs more, and nothing
	// that later walks the tree should meet an arbitrarily deep document.
	maxSVGDepth  = 64
	svgNamespace = "http://www.w3.org/2000/svg"
	pngSignature = "\x89PNG\r\n\x1a\n"
	utf8BOM      = "\xef\xbb\xbf"
)

// ValidateImage checks that data is a well-formed PNG or SVG no larger than
// maxBytes and, when declared is non-empty (a Content-Type such as
// "image/png", "image/svg+xml", possibly with parameters like "; charset=utf-8"),
// that the content is what it claims. It returns the detected format.
func ValidateImage(data []byte, declared string, maxBytes int) (ImageFormat, error) {
	if len(data) > maxBytes {
		return "", &Error{Code: ETOOLARGE, Field: "image",
			Message: fmt.Sprintf("image is %d bytes; the limit is %d bytes", len(data), maxBytes)}
	}
	if len(data) == 0 {
		return "", imageErrorf("image is empty")
	}
	claimed, err := declaredFormat(declared)
	if err != nil {
		return "", err
	}
	detected := sniffImage(data)
	if claimed != "" && claimed != detected {
		noun := map[ImageFormat]string{ImagePNG: "a PNG", ImageSVG: "an SVG"}[claimed]
		return "", imageErrorf("the upload is declared as %s but is not %s", claimed, noun)
	}
	validate := map[ImageFormat]func([]byte) error{ImagePNG: validatePNG, ImageSVG: validateSVG}[detected]
	if validate == nil {
		return "", imageErrorf("the image is neither a PNG nor an SVG")
	}
	if err := validate(data); err != nil {
		return "", err
	}
	return detected, nil
}

// imageErrorf returns an EINVALID error about the image field.
func imageErrorf(format string, args ...any) error {
	return FieldErrorf("image", format, args...)
}

// declaredFormat reduces a Content-Type to an accepted format or "" (none).
func declaredFormat(declared string) (ImageFormat, error) {
	mediaType, _, _ := strings.Cut(declared, ";")
	format := ImageFormat(strings.ToLower(strings.TrimSpace(mediaType)))
	switch format {
	case "", ImagePNG, ImageSVG:
		return format, nil
	}
	return "", imageErrorf("unsupported image type %.64s; upload PNG or SVG", format)
}

// sniffImage guesses the format from the first bytes; anything starting like
// markup is an SVG candidate, so a broken SVG is reported as such.
func sniffImage(data []byte) ImageFormat {
	rest := bytes.TrimLeft(bytes.TrimPrefix(data, []byte(utf8BOM)), " \t\r\n")
	switch {
	case bytes.HasPrefix(data, []byte(pngSignature)):
		return ImagePNG
	case bytes.HasPrefix(rest, []byte("<")):
		return ImageSVG
	}
	return ""
}

func validatePNG(data []byte) error {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return pngError(err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide {
		return imageErrorf("the PNG is %d×%d pixels; width and height must be between 1 and %d",
			cfg.Width, cfg.Height, MaxImageSide)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		return pngError(err)
	}
	return nil
}

func pngError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = errors.New("the file is truncated")
	}
	return imageErrorf("not a valid PNG: %s", strings.TrimPrefix(err.Error(), "png: "))
}

func validateSVG(data []byte) error {
	if !utf8.Valid(data) {
		return imageErrorf("not a valid SVG: the text is not UTF-8")
	}
	w := &svgWalker{dec: xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte(utf8BOM))))}
	w.dec.CharsetReader = refuseCharset
	return w.walk()
}

// refuseCharset stands in for a charset converter: images must be UTF-8.
func refuseCharset(string, io.Reader) (io.Reader, error) {
	return nil, errors.New("only UTF-8 text is supported")
}

// svgWalker checks an SVG token by token; the first problem ends the walk.
type svgWalker struct {
	dec        *xml.Decoder
	tokens     int
	depth      int
	rootSeen   bool
	styleDepth int // depth of the open <style> element, 0 outside one
	styleText  strings.Builder
}

func (w *svgWalker) walk() error {
	for ; ; w.tokens++ {
		tok, err := w.dec.Token()
		switch {
		case err == io.EOF && !w.rootSeen:
			return imageErrorf("not a valid SVG: there is no root element")
		case err == io.EOF:
			return nil
		case err != nil:
			return imageErrorf("not a valid SVG: %s", strings.TrimPrefix(err.Error(), "xml: "))
		}
		if err := w.visit(tok); err != nil {
			return err
		}
	}
}

func (w *svgWalker) visit(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return w.start(t)
	case xml.EndElement:
		return w.end()
	case xml.CharData:
		return w.text(t)
	case xml.ProcInst:
		if t.Target != "xml" || w.tokens != 0 {
			return imageErrorf("the SVG contains a processing instruction <?%.40s?>; only a leading XML declaration is allowed", t.Target)
		}
	case xml.Directive:
		// DOCTYPE brings ENTITY definitions: expansion bombs, external entities.
		keyword, _, _ := strings.Cut(strings.TrimSpace(string(t)), " ")
		return imageErrorf("the SVG contains a <!%.20s> declaration; DOCTYPE and ENTITY declarations are not allowed", keyword)
	}
	return nil // comments are harmless
}

func (w *svgWalker) start(el xml.StartElement) error {
	if w.depth == 0 && w.rootSeen {
		return imageErrorf("not a valid SVG: there is more than one root element")
	}
	if w.depth == 0 && (el.Name.Local != "svg" || el.Name.Space != svgNamespace) {
		return imageErrorf("the root element is <%.40s> in namespace %.100q; it must be <svg> in namespace %s",
			el.Name.Local, el.Name.Space, svgNamespace)
	}
	w.rootSeen = true
	if w.depth++; w.depth > maxSVGDepth {
		return imageErrorf("the SVG nests elements deeper than %d levels", maxSVGDepth)
	}
	if err := checkElement(el); err != nil {
		return err
	}
	if w.styleDepth == 0 && strings.EqualFold(el.Name.Local, "style") {
		w.styleDepth = w.depth
		w.styleText.Reset()
	}
	return nil
}

func (w *svgWalker) end() error {
	if w.styleDepth != 0 && w.styleDepth == w.depth {
		w.styleDepth = 0
		if reason := cssProblem(w.styleText.String(), true); reason != "" {
			return imageErrorf("a <style> element in the SVG contains %s", reason)
		}
	}
	w.depth--
	return nil
}

func (w *svgWalker) text(t xml.CharData) error {
	switch {
	case w.depth == 0 && len(bytes.Trim(t, " \t\r\n")) > 0:
		return imageErrorf("not a valid SVG: there is text outside the root element")
	case w.styleDepth != 0:
		// Join text and CDATA tokens so a url( split across them is seen.
		w.styleText.Write(t)
	}
	return nil
}

// forbiddenElements run script or embed documents in any namespace (handler: SVG Tiny 1.2).
var forbiddenElements = map[string]bool{
	"script": true, "foreignobject": true, "iframe": true, "embed": true, "object": true, "handler": true,
}

func checkElement(el xml.StartElement) error {
	local := strings.ToLower(el.Name.Local)
	if forbiddenElements[local] {
		return imageErrorf("the SVG contains the element <%.40s>, which is not allowed", el.Name.Local)
	}
	for _, a := range el.Attr {
		if err := checkAttr(a); err != nil {
			return err
		}
		// <animate>/<set> can rewrite a link or handler after validation.
		target := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(a.Value)), "xlink:")
		if (local == "animate" || local == "set") && strings.EqualFold(a.Name.Local, "attributeName") &&
			(target == "href" || target == "src" || strings.HasPrefix(target, "on")) {
			return imageErrorf("the SVG animates the %.40s attribute, which is not allowed", a.Value)
		}
	}
	return nil
}

func checkAttr(a xml.Attr) error {
	local := strings.ToLower(a.Name.Local)
	switch {
	case strings.HasPrefix(local, "on"):
		return imageErrorf("the SVG has an event handler attribute %.40s, which is not allowed", a.Name.Local)
	case strings.Contains(squeeze(a.Value), "javascript:"):
		return imageErrorf("the SVG attribute %.40s contains a javascript: URL", a.Name.Local)
	case (local == "href" || local == "src") && !safeReference(a.Value):
		return imageErrorf("the SVG attribute %s points to %.80q; only #id references and embedded PNG, JPEG, GIF or WebP data are allowed",
			local, a.Value)
	}
	if reason := cssProblem(a.Value, local == "style"); reason != "" {
		return imageErrorf("the SVG attribute %.40s contains %s", a.Name.Local, reason)
	}
	return nil
}

// squeeze lower-cases s without the spaces and controls browsers skip ("java\tscript:").
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

var embeddedImagePrefixes = []string{
	"data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;base64,", "data:image/webp;base64,",
}

// safeReference reports whether a link stays inside the document; anything
// else would fetch a resource (tracking, mixed content) or active content.
func safeReference(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return strings.HasPrefix(v, "#") ||
		slices.ContainsFunc(embeddedImagePrefixes, func(p string) bool { return strings.HasPrefix(v, p) })
}

// cssProblem describes what in CSS could load an external resource, or "".
// sheet marks a style attribute or <style> element; other attributes are
// checked too because presentation attributes (fill=) are CSS values.
func cssProblem(css string, sheet bool) string {
	lower := strings.ToLower(css)
	switch {
	case sheet && strings.Contains(lower, "@import"):
		return "an @import rule"
	case strings.Contains(lower, `\`) && (sheet || strings.Contains(lower, "(")):
		return `a CSS escape (\), which could disguise url(`
	}
	// image-set(), image() and src() take bare string URLs, like url().
	for _, fn := range []string{"url(", "image-set(", "image(", "src("} {
		if call := externalCall(lower, fn); call != "" {
			return call + " pointing outside the document"
		}
	}
	return ""
}

// externalCall returns the first call of fn (such as "url(") in css whose
// argument is not a #fragment, or "".
func externalCall(css, fn string) string {
	for rest := css; ; {
		i := strings.Index(rest, fn)
		if i < 0 {
			return ""
		}
		rest = strings.TrimLeft(rest[i+len(fn):], " \t\r\n\f\"'")
		if !strings.HasPrefix(rest, "#") {
			arg, _, _ := strings.Cut(rest, ")")
			return fmt.Sprintf("%s%.60s)", fn, arg)
		}
	}
}

// badgeSVGTemplate is a round badge: a disc in the name's colour, a soft
// highlight from the top, a thin lighter ring and the initials in white.
const badgeSVGTemplate = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512" role="img">
<defs><linearGradient id="laurel-shine" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#ffffff" stop-opacity="0.24"/>
<stop offset="0.55" stop-color="#ffffff" stop-opacity="0"/></linearGradient></defs>
<circle cx="256" cy="256" r="248" fill="%s"/>
<circle cx="256" cy="256" r="248" fill="url(#laurel-shine)"/>
<circle cx="256" cy="256" r="220" fill="none" stroke="%s" stroke-width="6"/>
<text x="256" y="%d" text-anchor="middle" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-weight="700" font-size="%d" fill="#ffffff">%s</text>
</svg>
`

// DefaultBadgeSVG draws a default badge for a badge with no uploaded image:
// the initials of name (up to 2 letters, Unicode-aware, uppercase; "?" if none) on a
// shape filled with a colour derived deterministically from name.
func DefaultBadgeSVG(name string) []byte {
	initials := badgeInitials(name)
	size := 280 - 40*len(initials) // two initials need room side by side
	fill, ring := badgeColours(name)
	var text strings.Builder // initials are letters, yet the name is untrusted
	xml.EscapeText(&text, []byte(strings.Join(initials, "")))
	// The baseline sits 0.35em below the centre so capitals look centred.
	return fmt.Appendf(nil, badgeSVGTemplate, fill, ring, 256+size*35/100, size, text.String())
}

// badgeInitials returns the first letter (or digit) of each of the first
// two words of name, or "?" when there is none.
func badgeInitials(name string) []string {
	var initials []string
	for _, word := range strings.FieldsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	}) {
		if initial := wordInitial(word); initial != "" && len(initials) < 2 {
			initials = append(initials, initial)
		}
	}
	if len(initials) == 0 {
		return []string{"?"}
	}
	return initials
}

// wordInitial keeps the combining marks after the first letter, so a
// decomposed "ñ" (n + U+0303) stays one accented initial.
func wordInitial(word string) string {
	for i, r := range word {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rest := word[i+utf8.RuneLen(r):]
			if n := strings.IndexFunc(rest, func(m rune) bool { return !unicode.Is(unicode.M, m) }); n >= 0 {
				rest = rest[:n]
			}
			return strings.ToUpper(string(r) + rest)
		}
	}
	return ""
}

// badgeColours picks a hue from the FNV-1a hash of name. The fill keeps white
// text at 3:1 contrast or more (large bold text) at every hue.
func badgeColours(name string) (fill, ring string) {
	h := fnv.New32a()
	h.Write([]byte(name))
	hue := float64(h.Sum32() % 360)
	return hslHex(hue, 0.58, 0.34), hslHex(hue, 0.65, 0.78)
}

func hslHex(hue, sat, light float64) string {
	c := (1 - math.Abs(2*light-1)) * sat
	x := c * (1 - math.Abs(math.Mod(hue/60, 2)-1))
	rgb := [6][3]float64{{c, x, 0}, {x, c, 0}, {0, c, x}, {0, x, c}, {x, 0, c}, {c, 0, x}}[int(hue/60)%6]
	m := light - c/2
	byteOf := func(v float64) uint8 { return uint8(math.Round((v + m) * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", byteOf(rgb[0]), byteOf(rgb[1]), byteOf(rgb[2]))
}

package badges

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/laurel-badges/laurel/assets/svgsafe"
)

// svgPolicy is what an uploaded SVG may be: Laurel serves it to browsers
// as it is, so it gets the strict core (a namespaced root, no DOCTYPE, no
// processing instructions but the XML declaration). No badge needs
// deeper nesting, and nothing that later walks the tree should meet an
// arbitrarily deep document.
var svgPolicy = svgsafe.Policy{MaxDepth: 64}

// validateSVG checks an SVG through the shared pre-checks, then for
// anything that could run script or fetch a resource when a browser shows
// it.
func validateSVG(data []byte) error {
	r, err := svgsafe.NewReader(data, svgPolicy)
	if err != nil {
		return svgError(err)
	}
	w := &svgWalker{r: r}
	return w.walk()
}

// svgError words a problem the shared pre-checks found.
func svgError(err error) error {
	var se *svgsafe.Error
	if errors.As(err, &se) {
		return imageErrorf("%s", se.Msg)
	}
	return imageErrorf("the SVG could not be read")
}

// svgWalker checks an SVG token by token; the first problem ends the walk.
type svgWalker struct {
	r          *svgsafe.Reader
	styleDepth int // depth of the open <style> element, 0 outside one
	styleText  strings.Builder
}

func (w *svgWalker) walk() error {
	for {
		tok, err := w.r.Next()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return svgError(err)
		}
		if err := w.visit(tok); err != nil {
			return err
		}
	}
}

func (w *svgWalker) visit(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		if err := w.checkElement(t); err != nil {
			return err
		}
		if w.styleDepth == 0 && strings.EqualFold(t.Name.Local, "style") {
			w.styleDepth = w.r.Depth()
			w.styleText.Reset()
		}
	case xml.EndElement:
		// The reader already counts the element as closed.
		if w.styleDepth != 0 && w.styleDepth == w.r.Depth()+1 {
			w.styleDepth = 0
			if reason := cssProblem(w.styleText.String(), true); reason != "" {
				return imageErrorf("a <style> element in the SVG contains %s", reason)
			}
		}
	case xml.CharData:
		if w.styleDepth != 0 {
			// Join text and CDATA tokens so a url( split across them is seen.
			w.styleText.Write(t)
		}
	}
	return nil
}

// forbiddenElements run script or embed documents in any namespace (handler: SVG Tiny 1.2).
var forbiddenElements = map[string]bool{
	"script": true, "foreignobject": true, "iframe": true, "embed": true, "object": true, "handler": true,
}

func (w *svgWalker) checkElement(el xml.StartElement) error {
	if forbiddenElements[strings.ToLower(el.Name.Local)] {
		return imageErrorf("the SVG contains the element <%.40s>, which is not allowed", el.Name.Local)
	}
	for _, a := range el.Attr {
		if err := checkAttr(a); err != nil {
			return err
		}
		// <animate>, <set> and their kin can rewrite a link or handler
		// after validation.
		if strings.EqualFold(a.Name.Local, "attributeName") {
			if err := w.checkAnimated(a.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkAnimated refuses an animation of a link, a base URL or a handler.
// The target is a qualified name, resolved against the namespaces in
// scope as a browser resolves it, so any prefix bound to XLink counts.
func (w *svgWalker) checkAnimated(target string) error {
	name, ok := w.r.Resolve(target)
	shown := strings.TrimSpace(target)
	if !ok {
		return imageErrorf("the SVG animates %.40s, an attribute with the undeclared prefix %.20s", shown, name.Space)
	}
	if linkAttribute(name) {
		return imageErrorf("the SVG animates the %.40s attribute, which is not allowed", shown)
	}
	return nil
}

// linkAttribute reports whether an attribute (by expanded name) points
// somewhere or runs script: href and src in no namespace or XLink's,
// event handlers, and xml:base, which moves every #id reference.
func linkAttribute(name xml.Name) bool {
	local := strings.ToLower(name.Local)
	switch name.Space {
	case "", svgsafe.XLinkNamespace:
		return local == "href" || local == "src" || strings.HasPrefix(local, "on")
	case svgsafe.XMLNamespace:
		return local == "base"
	}
	return false
}

func checkAttr(a xml.Attr) error {
	local := strings.ToLower(a.Name.Local)
	switch {
	case strings.HasPrefix(local, "on"):
		return imageErrorf("the SVG has an event handler attribute %.40s, which is not allowed", a.Name.Local)
	case a.Name.Space == svgsafe.XMLNamespace && local == "base":
		return imageErrorf("the SVG sets xml:base, which could point its #id references outside the document")
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

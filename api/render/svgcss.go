package render

import (
	"slices"
	"strings"
)

// Editors (Illustrator above all) put styles in a <style> sheet of class
// rules: ".st0{fill:#E30613;}". Rules with simple selectors — a type, a
// class, an id, or a type with classes and an id, in a comma list — are
// applied; rules with combinators, attributes or pseudo-classes, and
// at-rules (@media, @font-face), are not.

// cssRule is one selector of a rule with the rule's declarations.
type cssRule struct {
	tag, id     string
	classes     []string
	decls       map[string]string
	specificity int
}

// maxCSSRules bounds the rules read from a document's style sheets.
const maxCSSRules = 2000

// parseSheets reads the rules of every <style> element under root, in
// document order.
func parseSheets(root *node) []cssRule {
	var rules []cssRule
	var walk func(*node)
	walk = func(n *node) {
		if n.name == "style" {
			var text strings.Builder
			for _, ch := range n.children {
				text.WriteString(ch.text)
			}
			rules = append(rules, parseSheet(text.String())...)
		}
		for _, ch := range n.children {
			walk(ch)
		}
	}
	walk(root)
	if len(rules) > maxCSSRules {
		rules = rules[:maxCSSRules]
	}
	// A stable sort keeps document order among rules of equal weight.
	slices.SortStableFunc(rules, func(a, b cssRule) int { return a.specificity - b.specificity })
	return rules
}

// parseSheet reads the rules of one style sheet.
func parseSheet(css string) []cssRule {
	css = stripComments(css)
	var rules []cssRule
	for len(rules) < maxCSSRules {
		open := strings.IndexByte(css, '{')
		if open < 0 {
			return rules
		}
		end := blockEnd(css, open)
		prelude, body := strings.TrimSpace(css[:open]), css[open+1:max(open+1, end-1)]
		css = css[end:]
		if strings.HasPrefix(prelude, "@") {
			continue
		}
		decls := styleDeclarations(body)
		for sel := range strings.SplitSeq(prelude, ",") {
			if r, ok := parseSelector(strings.TrimSpace(sel)); ok {
				r.decls = decls
				rules = append(rules, r)
			}
		}
	}
	return rules
}

// blockEnd returns the index just after the brace closing the block
// opened at open, or the end of css.
func blockEnd(css string, open int) int {
	depth := 0
	for i := open; i < len(css); i++ {
		switch css[i] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(css)
}

// stripComments removes /* … */ comments.
func stripComments(css string) string {
	var b strings.Builder
	for {
		start := strings.Index(css, "/*")
		if start < 0 {
			b.WriteString(css)
			return b.String()
		}
		b.WriteString(css[:start])
		end := strings.Index(css[start+2:], "*/")
		if end < 0 {
			return b.String()
		}
		css = css[start+2+end+2:]
	}
}

// parseSelector reads a compound selector such as "path.st0.big#logo";
// anything else is not ok.
func parseSelector(sel string) (cssRule, bool) {
	if sel == "" || strings.ContainsAny(sel, " \t\n>+~:[*()") {
		return cssRule{}, false
	}
	var r cssRule
	i := strings.IndexAny(sel, ".#")
	if i < 0 {
		i = len(sel)
	}
	r.tag, sel = sel[:i], sel[i:]
	if r.tag != "" {
		r.specificity = 1
	}
	for sel != "" {
		kind := sel[0]
		next := strings.IndexAny(sel[1:], ".#")
		if next < 0 {
			next = len(sel) - 1
		}
		name := sel[1 : next+1]
		if name == "" {
			return cssRule{}, false
		}
		if kind == '#' {
			r.id, r.specificity = name, r.specificity+100
		} else {
			r.classes, r.specificity = append(r.classes, name), r.specificity+10
		}
		sel = sel[next+1:]
	}
	return r, true
}

// matches reports whether the rule's selector selects n.
func (r cssRule) matches(n *node) bool {
	if r.tag != "" && r.tag != n.name || r.id != "" && r.id != n.attr("id") {
		return false
	}
	classes := strings.Fields(n.attrs["class"])
	for _, c := range r.classes {
		if !slices.Contains(classes, c) {
			return false
		}
	}
	return true
}

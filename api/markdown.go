package api

import (
	"bytes"
	"html/template"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders criteria narratives, which the standard says are
// Markdown. Raw HTML in the source is dropped and links with dangerous
// schemes (javascript:, vbscript:, file:) are emptied: goldmark does both
// unless told it is unsafe, which Laurel never does.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table))

// maxMarkdownRunes is the longest text rendered as Markdown: the longest
// criteria or narrative the service keeps. Parsing some texts takes time
// that grows faster than their length (thousands of unclosed links or
// quote markers), so a longer one, which only a preview of a form can
// send, is shown as plain text.
const maxMarkdownRunes = 20000

// renderMarkdown returns safe HTML for a Markdown narrative; if rendering
// fails, or the text is too long to render, it is shown as it is, escaped.
func renderMarkdown(src string) template.HTML {
	var b bytes.Buffer
	if utf8.RuneCountInString(src) > maxMarkdownRunes {
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	return template.HTML(b.String())
}

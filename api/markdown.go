package api

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders criteria narratives, which the standard says are
// Markdown. Raw HTML in the source is dropped and links with dangerous
// schemes (javascript:, vbscript:, file:) are emptied: goldmark does both
// unless told it is unsafe, which Laurel never does.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table))

// renderMarkdown returns safe HTML for a Markdown narrative; if rendering
// fails, the text is shown as it is, escaped.
func renderMarkdown(src string) template.HTML {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	return template.HTML(b.String())
}

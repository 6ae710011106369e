package api

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// formState is what a console form shows after a failed submission: the
// error summary at the top, each message beside the field it names, and
// the values as they were typed (pages keep those in their own fields).
type formState struct {
	Errors []fieldError
}

// fieldError is one problem with a form, linked from the summary to its
// field (the input whose id is "f-" + Field).
type fieldError struct {
	Field, Message string
}

// fail records err against the field it names, or against fallback when
// it names none (the summary links there).
func (f *formState) fail(err error, fallback string) {
	field := badges.ErrorField(err)
	if field == "" {
		field = fallback
	}
	f.Errors = append(f.Errors, fieldError{Field: field, Message: sentence(badges.ErrorMessage(err))})
}

// Failed reports whether the form has errors.
func (f formState) Failed() bool { return len(f.Errors) > 0 }

// On is the message for one field, or "".
func (f formState) On(field string) string {
	for _, e := range f.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// sentence makes a domain message read as a sentence: capitalised and
// ending with a full stop (domain messages start with the field's name).
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return "Something is not right with this value."
	}
	msg = capital(msg)
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") {
		msg += "."
	}
	return msg
}

// capital makes a word or phrase start with a capital letter.
func capital(s string) string {
	if s == "" {
		return s
	}
	if r := s[0]; r >= 'a' && r <= 'z' {
		return string(r-'a'+'A') + s[1:]
	}
	return s
}

// adminFuncs are what console templates may call besides the built-ins.
var adminFuncs = template.FuncMap{
	"date":     func(t time.Time) string { return dayOf(t) },
	"datetime": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"number":   thousands,
	"capital":  capital,
	"markdown": renderMarkdown,
}

// dayOf is a date for people ("3 May 2026"), or "never" for no date.
func dayOf(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(dateLayout)
}

// thousands writes n with thousands separators ("4,210").
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// isFormError reports whether err is about what was typed, for the form
// to show beside its field; any other error is the error page's.
func isFormError(err error) bool {
	switch badges.ErrorCode(err) {
	case badges.EINVALID, badges.ECONFLICT, badges.ETOOLARGE:
		return true
	}
	return false
}

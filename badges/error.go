// Package badges is Laurel's recognition domain: badge definitions
// (achievements), members and their records, and the vocabulary of errors
// every other layer speaks. It imports no web framework and no database
// driver; adapters implement the store interfaces declared here.
package badges

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error codes. Each maps to one HTTP status in the api package and nowhere
// else.
const (
	EINVALID      = "invalid"      // the input is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // the thing does not exist
	ECONFLICT     = "conflict"     // a unique key or a state rule is violated
	EUNAUTHORIZED = "unauthorized" // no or unknown credentials
	EFORBIDDEN    = "forbidden"    // known credentials without the needed scope
	ETOOLARGE     = "too_large"    // a body, upload or batch exceeds its limit
	EINTERNAL     = "internal"     // anything unexpected; details are logged, not shown
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) cannot be reached
	EKEYREUSED    = "key_reused"   // an idempotency key came back with a different request
	ETOOMANY      = "too_many"     // too many attempts (signing in); the message says when to try again
)

// Error is a domain error: a code from the list above and a message that is
// safe to show a user. Field names the offending input field, when there is
// one.
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message,
// written as a sentence (see Sentence).
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: Sentence(fmt.Sprintf(format, args...), "")}
}

// FieldErrorf returns an EINVALID error about one input field, its message
// written as a sentence (see Sentence).
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Message: Sentence(fmt.Sprintf(format, args...), field), Field: field}
}

// Sentence is the one style of every message Laurel shows a user: a
// sentence that starts with a capital letter and ends with a full stop.
// A message that starts with the name of the field it is about (name,
// memberId, alignments.targetUrl, or the last part of a dotted name) keeps
// the name as it is spelled: it is what the client sent, not a word to
// capitalise.
func Sentence(msg, field string) string {
	if msg == "" {
		return msg
	}
	if first, _, _ := strings.Cut(msg, " "); field == "" || (first != field && first != field[strings.LastIndexByte(field, '.')+1:]) {
		r, n := utf8.DecodeRuneInString(msg)
		msg = string(unicode.ToUpper(r)) + msg[n:]
	}
	if !strings.ContainsAny(msg[len(msg)-1:], ".!?") {
		msg += "."
	}
	return msg
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the message of the first
// *Error in its chain, or a generic sentence for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// ErrorField returns the input field err is about, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

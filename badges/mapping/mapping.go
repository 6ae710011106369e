// Package mapping turns the JSON a tool sends (a forum's or a code host's
// webhook) into the activities it stands for, by a declarative mapping:
// paths into the payload and its headers, and comparisons with literal
// values. A mapping cannot run code, and every part of it is bounded. The
// package does no I/O: it parses mappings and payloads, checks signatures
// and applies mappings, and leaves recording to its caller.
package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/laurel-badges/laurel/badges/jsondepth"
)

// Mapping says how one delivery becomes activities:
//
//	{"memberExternalId": "sender.login",
//	 "when": [{"if": {"header:X-GitHub-Event": "issues", "action": "opened"}, "behaviour": "issue-opened"}],
//	 "eventKey": ["header:X-GitHub-Delivery"]}
//
// The behaviour is the constant Behaviour, or the value at BehaviourFrom,
// or chosen by the first rule of When whose conditions all hold; a rule
// may also override any field, or ignore the delivery with a reason.
type Mapping struct {
	// Items, when set, is the path of an array whose elements are each
	// one activity; paths other than headers are then read in the
	// element. A payload without that array is one item itself.
	Items         string `json:"items,omitempty"`
	Behaviour     string `json:"behaviour,omitempty"`
	BehaviourFrom string `json:"behaviourFrom,omitempty"`
	When          []Rule `json:"when,omitempty"`
	Fields
}

// Fields are where an activity's parts are read. Each is a list of
// alternative paths, the first one present wins; a single path may be
// written as a string.
type Fields struct {
	MemberEmail      Paths `json:"memberEmail,omitempty"`
	MemberExternalID Paths `json:"memberExternalId,omitempty"`
	MemberName       Paths `json:"memberName,omitempty"` // the name of a member created on the way
	At               Paths `json:"at,omitempty"`         // RFC 3339 or Unix seconds; absent means now
	EvidenceURL      Paths `json:"evidenceUrl,omitempty"`
	Narrative        Paths `json:"narrative,omitempty"`
	PeerEmail        Paths `json:"peerEmail,omitempty"`
	PeerExternalID   Paths `json:"peerExternalId,omitempty"`
	// EventKey is the parts of the source's id of the event, joined:
	// every part must be present. Delivering the same event again then
	// records nothing new.
	EventKey []string `json:"eventKey,omitempty"`
}

// Rule is one row of a When table.
type Rule struct {
	// If maps paths to the literal each must equal (a string, number,
	// boolean or null, or an array of them: any one of them).
	If        map[string]any `json:"if"`
	Behaviour string         `json:"behaviour,omitempty"`
	Ignore    string         `json:"ignore,omitempty"` // why a matching delivery records nothing
	Fields
}

// Paths are alternative paths, tried in order.
type Paths []string

// UnmarshalJSON takes one path as a string or several as an array.
func (p *Paths) UnmarshalJSON(b []byte) error {
	if s := bytes.TrimSpace(b); len(s) > 0 && s[0] == '"' {
		var one string
		if err := json.Unmarshal(s, &one); err != nil {
			return err
		}
		*p = Paths{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("a path or an array of paths")
	}
	*p = many
	return nil
}

// Bounds of a mapping and of what it reads.
const (
	MaxMappingBytes = 32 << 10  // the JSON form of a mapping
	MaxPayloadBytes = 256 << 10 // one delivery's body
	MaxPayloadDepth = 32        // nesting of arrays and objects in a delivery
	MaxItems        = 1000      // activities in one delivery
	maxRules        = 50
	maxConditions   = 10
	maxAlternatives = 5
	maxKeyParts     = 5
	maxLiteralLen   = 200
	maxReasonLen    = 200
)

// FieldError is a problem with a mapping or a payload, naming the JSON
// path at fault (e.g. "when[2].if.action").
type FieldError struct {
	Field   string
	Message string // a sentence
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErrorf(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Parse reads a mapping from JSON, strictly (unknown fields are errors),
// and checks it.
func Parse(data []byte) (*Mapping, error) {
	if len(data) > MaxMappingBytes {
		return nil, fieldErrorf("mapping", "A mapping must be at most %d KiB of JSON; this one is %d bytes.", MaxMappingBytes>>10, len(data))
	}
	if jsondepth.Of(data, MaxPayloadDepth) > MaxPayloadDepth {
		return nil, fieldErrorf("mapping", "The mapping is not valid JSON: %v.", ErrPayloadTooDeep)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		return nil, fieldErrorf("mapping", "The mapping cannot be read: %s.", decodeProblem(err))
	}
	if dec.More() {
		return nil, fieldErrorf("mapping", "The mapping must be one JSON object.")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// decodeProblem describes a decoding error without Go's type names.
func decodeProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s has the wrong type (%s)", te.Field, te.Value)
	}
	return err.Error()
}

package mapping

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Activity is what a mapping read for one activity of a delivery.
type Activity struct {
	Index            int // the item it came from (0 for a payload without items)
	Rule             int // the When rule that chose the behaviour; -1 for none
	Behaviour        string
	MemberEmail      string
	MemberExternalID string
	MemberName       string
	At               time.Time // zero when the payload gives no time: now
	EvidenceURL      string
	Narrative        string
	PeerEmail        string
	PeerExternalID   string
	EventKey         string // the event key's parts joined by ":"; "" when the mapping has none
}

// Outcome is an item that became no activity, and why.
type Outcome struct {
	Index  int // -1 for the whole delivery
	Field  string
	Reason string // a sentence
}

// Result is what a mapping made of a delivery. Ignored items are events
// the mapping does not map (nothing is wrong); Problems are items it maps
// but cannot read (a member or a time missing or malformed).
type Result struct {
	Activities []Activity
	Ignored    []Outcome
	Problems   []Outcome
}

// maxNarrative is where a narrative read from a payload is cut: the
// length an activity's narrative may have.
const maxNarrative = 2000

// Apply maps a parsed payload and its headers to activities.
func (m *Mapping) Apply(payload map[string]any, h http.Header) Result {
	var res Result
	items := []any{payload}
	if m.Items != "" {
		switch v, ok := lookup(payload, h, m.Items); {
		case !ok:
		case isArray(v) && len(v.([]any)) > MaxItems:
			res.Problems = append(res.Problems, Outcome{-1, "items", fmt.Sprintf("A delivery may carry at most %d items, not %d.", MaxItems, len(v.([]any)))})
			return res
		case isArray(v):
			items = v.([]any)
		default:
			res.Problems = append(res.Problems, Outcome{-1, "items", fmt.Sprintf("The payload's %s is not an array.", m.Items)})
			return res
		}
	}
	for i, item := range items {
		a, out, ok := m.applyOne(item, h)
		a.Index, out.Index = i, i
		switch {
		case ok:
			res.Activities = append(res.Activities, a)
		case out.Field == "":
			res.Ignored = append(res.Ignored, out)
		default:
			res.Problems = append(res.Problems, out)
		}
	}
	return res
}

func isArray(v any) bool { _, ok := v.([]any); return ok }

// applyOne maps one item; without ok, the outcome says why not (with a
// field for a problem, without one for an ignored event).
func (m *Mapping) applyOne(item any, h http.Header) (Activity, Outcome, bool) {
	a := Activity{Rule: -1, Behaviour: m.Behaviour}
	f := m.Fields
	switch {
	case m.BehaviourFrom != "":
		v, ok := lookup(item, h, m.BehaviourFrom)
		s, isText := text(v)
		if !ok || !isText || s == "" {
			return a, Outcome{Reason: fmt.Sprintf("The payload has no behaviour at %s.", m.BehaviourFrom)}, false
		}
		if !validKey(s) {
			return a, Outcome{Field: "behaviourFrom", Reason: fmt.Sprintf("%q at %s is not a behaviour key.", clip(s), m.BehaviourFrom)}, false
		}
		a.Behaviour = s
	case len(m.When) > 0:
		i := m.match(item, h)
		if i < 0 {
			return a, Outcome{Reason: "No rule of the mapping's when table matches this event."}, false
		}
		r := &m.When[i]
		if r.Ignore != "" {
			return a, Outcome{Reason: r.Ignore}, false
		}
		a.Rule, a.Behaviour, f = i, r.Behaviour, f.override(r.Fields)
	}
	out, ok := f.read(item, h, &a)
	return a, out, ok
}

// match is the index of the first rule whose conditions all hold, -1 if
// none.
func (m *Mapping) match(item any, h http.Header) int {
	for i, r := range m.When {
		all := true
		for p, want := range r.If {
			v, ok := lookup(item, h, p)
			if !matches(v, ok, want) {
				all = false
				break
			}
		}
		if all {
			return i
		}
	}
	return -1
}

// matches compares a looked-up value with a literal: null matches an
// absent value or null; an array matches when any of its values does.
func matches(v any, present bool, want any) bool {
	switch w := want.(type) {
	case nil:
		return !present || v == nil
	case []any:
		for _, e := range w {
			if matches(v, present, e) {
				return true
			}
		}
		return false
	case bool:
		b, ok := v.(bool)
		return ok && b == w
	case float64:
		n, err := number(v)
		return err == nil && n == w
	case string:
		s, ok := v.(string)
		return ok && s == w
	}
	return false
}

func number(v any) (float64, error) {
	switch v := v.(type) {
	case float64:
		return v, nil
	case interface{ Float64() (float64, error) }: // json.Number
		return v.Float64()
	case string:
		return strconv.ParseFloat(v, 64)
	}
	return 0, fmt.Errorf("not a number")
}

// override is f with every field r sets replaced.
func (f Fields) override(r Fields) Fields {
	for _, p := range []struct{ dst, src *Paths }{{&f.MemberEmail, &r.MemberEmail}, {&f.MemberExternalID, &r.MemberExternalID},
		{&f.MemberName, &r.MemberName}, {&f.At, &r.At}, {&f.EvidenceURL, &r.EvidenceURL}, {&f.Narrative, &r.Narrative},
		{&f.PeerEmail, &r.PeerEmail}, {&f.PeerExternalID, &r.PeerExternalID}} {
		if len(*p.src) > 0 {
			*p.dst = *p.src
		}
	}
	if len(r.EventKey) > 0 {
		f.EventKey = r.EventKey
	}
	return f
}

// read fills an activity from the fields' paths.
func (f Fields) read(item any, h http.Header, a *Activity) (Outcome, bool) {
	first := func(ps Paths) string {
		for _, p := range ps {
			if v, ok := lookup(item, h, p); ok {
				if s, ok := text(v); ok && s != "" {
					return s
				}
			}
		}
		return ""
	}
	a.MemberEmail, a.MemberExternalID, a.MemberName = first(f.MemberEmail), first(f.MemberExternalID), first(f.MemberName)
	if a.MemberEmail == "" && a.MemberExternalID == "" {
		return Outcome{Field: "memberEmail", Reason: fmt.Sprintf("The payload names no member at %s.", describe(f.MemberEmail, f.MemberExternalID))}, false
	}
	a.EvidenceURL, a.PeerEmail, a.PeerExternalID = first(f.EvidenceURL), first(f.PeerEmail), first(f.PeerExternalID)
	a.Narrative = cut(first(f.Narrative), maxNarrative)
	if s := first(f.At); s != "" {
		at, err := parseTime(s)
		if err != nil {
			return Outcome{Field: "at", Reason: fmt.Sprintf("The time %q is neither RFC 3339 nor Unix seconds.", clip(s))}, false
		}
		a.At = at
	}
	parts := make([]string, 0, len(f.EventKey))
	for _, p := range f.EventKey {
		s := first(Paths{p})
		if s == "" {
			return Outcome{Field: "eventKey", Reason: fmt.Sprintf("The payload has no %s, a part of the event's key.", p)}, false
		}
		parts = append(parts, s)
	}
	a.EventKey = strings.Join(parts, ":")
	return Outcome{}, true
}

// describe lists the paths where a member was looked for.
func describe(pss ...Paths) string {
	var all []string
	for _, ps := range pss {
		all = append(all, ps...)
	}
	if len(all) == 0 {
		return "any path"
	}
	return strings.Join(all, " or ")
}

// parseTime reads RFC 3339 or Unix seconds (milliseconds when the number
// is too large to be seconds).
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || n < 0 || n > 1e14 {
		return time.Time{}, fmt.Errorf("not a time")
	}
	if n > 1e11 {
		n /= 1000
	}
	sec, frac := math.Modf(n)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// cut shortens s to at most n characters.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

package mapping

import (
	"fmt"
	"slices"
	"strings"
)

// Validate checks a mapping: every path well formed, every bound kept,
// and a way to find the behaviour and the member. Errors name the JSON
// path of the part at fault.
func (m *Mapping) Validate() error {
	if m.Items != "" {
		if err := checkPath("items", m.Items); err != nil {
			return err
		}
		if isHeader(m.Items) {
			return fieldErrorf("items", "items must be a path into the payload, not a header.")
		}
	}
	ways := 0
	for _, s := range []string{m.Behaviour, m.BehaviourFrom} {
		if s != "" {
			ways++
		}
	}
	if len(m.When) > 0 {
		ways++
	}
	switch {
	case ways == 0:
		return fieldErrorf("behaviour", "Give a behaviour, a behaviourFrom path or a when table.")
	case ways > 1:
		return fieldErrorf("behaviour", "Give only one of behaviour, behaviourFrom and when.")
	}
	if m.Behaviour != "" && !validKey(m.Behaviour) {
		return fieldErrorf("behaviour", "behaviour %q is not a behaviour key (1 to 40 lower-case letters, digits and hyphens).", clip(m.Behaviour))
	}
	if m.BehaviourFrom != "" {
		if err := checkPath("behaviourFrom", m.BehaviourFrom); err != nil {
			return err
		}
	}
	if err := m.Fields.check(""); err != nil {
		return err
	}
	if len(m.When) > maxRules {
		return fieldErrorf("when", "A when table may have at most %d rules, not %d.", maxRules, len(m.When))
	}
	for i := range m.When {
		if err := m.When[i].check(fmt.Sprintf("when[%d]", i)); err != nil {
			return err
		}
	}
	return m.checkMember()
}

// checkMember makes sure every activity the mapping makes names its
// member somewhere.
func (m *Mapping) checkMember() error {
	if m.names() {
		return nil
	}
	for i, r := range m.When {
		if r.Ignore == "" && !r.names() {
			return fieldErrorf(fmt.Sprintf("when[%d]", i), "Say where the member is: memberEmail or memberExternalId, here or at the top.")
		}
	}
	if len(m.When) == 0 {
		return fieldErrorf("memberEmail", "Say where the member is: memberEmail or memberExternalId.")
	}
	return nil
}

func (f *Fields) names() bool { return len(f.MemberEmail) > 0 || len(f.MemberExternalID) > 0 }

// check checks a rule of a When table.
func (r *Rule) check(at string) error {
	switch {
	case len(r.If) == 0:
		return fieldErrorf(at+".if", "A rule needs at least one condition.")
	case len(r.If) > maxConditions:
		return fieldErrorf(at+".if", "A rule may have at most %d conditions, not %d.", maxConditions, len(r.If))
	case (r.Behaviour == "") == (r.Ignore == ""):
		return fieldErrorf(at+".behaviour", "A rule gives either a behaviour or a reason to ignore.")
	case r.Behaviour != "" && !validKey(r.Behaviour):
		return fieldErrorf(at+".behaviour", "behaviour %q is not a behaviour key (1 to 40 lower-case letters, digits and hyphens).", clip(r.Behaviour))
	case len(r.Ignore) > maxReasonLen:
		return fieldErrorf(at+".ignore", "A reason to ignore may have at most %d characters.", maxReasonLen)
	}
	keys := make([]string, 0, len(r.If))
	for k := range r.If {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the first problem found is the same every time
	for _, k := range keys {
		field := at + ".if." + k
		if err := checkPath(field, k); err != nil {
			return err
		}
		if err := checkLiteral(field, r.If[k], true); err != nil {
			return err
		}
	}
	return r.Fields.check(at + ".")
}

// checkLiteral allows strings, numbers, booleans and null, and (at the
// top) an array of them.
func checkLiteral(field string, v any, top bool) error {
	switch v := v.(type) {
	case nil, bool, float64:
		return nil
	case string:
		if len(v) > maxLiteralLen {
			return fieldErrorf(field, "A compared value may have at most %d characters.", maxLiteralLen)
		}
		return nil
	case []any:
		if !top || len(v) == 0 || len(v) > maxAlternatives*2 {
			return fieldErrorf(field, "Compare with a string, number, boolean or null, or a short array of them.")
		}
		for _, e := range v {
			if err := checkLiteral(field, e, false); err != nil {
				return err
			}
		}
		return nil
	}
	return fieldErrorf(field, "Compare with a string, number, boolean or null, or a short array of them.")
}

// check checks the paths of the fields; prefix is the JSON path of the
// object that holds them.
func (f *Fields) check(prefix string) error {
	for name, ps := range f.all() {
		if len(ps) > maxAlternatives {
			return fieldErrorf(prefix+name, "%s may name at most %d alternative paths.", name, maxAlternatives)
		}
		for _, p := range ps {
			if err := checkPath(prefix+name, p); err != nil {
				return err
			}
		}
	}
	if len(f.EventKey) > maxKeyParts {
		return fieldErrorf(prefix+"eventKey", "eventKey may have at most %d parts.", maxKeyParts)
	}
	for _, p := range f.EventKey {
		if err := checkPath(prefix+"eventKey", p); err != nil {
			return err
		}
	}
	return nil
}

// all is the alternatives of each field, by JSON name, in a fixed order.
func (f *Fields) all() func(yield func(string, Paths) bool) {
	return func(yield func(string, Paths) bool) {
		for _, e := range []struct {
			name string
			ps   Paths
		}{{"memberEmail", f.MemberEmail}, {"memberExternalId", f.MemberExternalID}, {"memberName", f.MemberName},
			{"at", f.At}, {"evidenceUrl", f.EvidenceURL}, {"narrative", f.Narrative},
			{"peerEmail", f.PeerEmail}, {"peerExternalId", f.PeerExternalID}} {
			if !yield(e.name, e.ps) {
				return
			}
		}
	}
}

// validKey is badges.ValidBehaviourKey, which this package cannot import.
func validKey(s string) bool {
	if len(s) == 0 || len(s) > 40 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if len(s) <= 60 {
		return s
	}
	return strings.ToValidUTF8(s[:60], "") + "…"
}

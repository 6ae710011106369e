package verifier

import (
	"fmt"
	"strings"
)

// The shapes of Open Badges 2.0 documents: the assertion's context and
// type, and the fields that the specification requires of an Assertion, a
// BadgeClass and an issuer Profile, with their types.

// Contexts that mark Open Badges 2.0; the first is the one the
// specification publishes, the others serve the same document.
var ob2Contexts = []string{
	"https://w3id.org/openbadges/v2",
	"https://openbadgespec.org/v2/context.json",
	"https://w3id.org/openbadges/v2/context.json",
}

// checkShape checks the assertion's context, type and fields.
func (o *ob2Run) checkShape() {
	doc, r := o.doc, o.r
	if hasOB2Context(doc) {
		r.add(CheckContext, Pass, "The @context is the Open Badges 2.0 context.")
	} else {
		r.add(CheckContext, Fail, "The @context does not include the Open Badges 2.0 context, "+ob2Contexts[0]+".")
	}
	if ob2HasType(doc, "Assertion") {
		r.add(CheckType, Pass, "The type is Assertion.")
	} else {
		r.add(CheckType, Fail, fmt.Sprintf("The type is %s; an Open Badges 2.0 assertion has the type Assertion.", quoteTypes(doc)))
	}
	if problems := assertionProblems(doc); len(problems) > 0 {
		r.add(CheckFields, Fail, "The assertion is not as Open Badges 2.0 requires: "+strings.Join(problems, "; ")+".")
		return
	}
	r.add(CheckFields, Pass, "The assertion has its required fields (id, recipient, badge, verification, issuedOn), of the right types.")
}

func hasOB2Context(doc map[string]any) bool {
	for _, c := range list(doc["@context"]) {
		for _, want := range ob2Contexts {
			if c == want {
				return true
			}
		}
	}
	return false
}

// ob2HasType accepts a type by its term or its full IRI in the Open Badges
// vocabulary, as compacted JSON-LD may give either.
func ob2HasType(doc map[string]any, want ...string) bool {
	for _, w := range want {
		if hasType(doc, w, "obi:"+w, "https://w3id.org/openbadges#"+w) {
			return true
		}
	}
	return false
}

func quoteTypes(doc map[string]any) string {
	t := types(doc)
	if len(t) == 0 {
		return "missing"
	}
	return fmt.Sprintf("%q", clip(strings.Join(t, ", "), 80))
}

// fieldCheck gathers what is wrong with a document's fields.
type fieldCheck struct {
	doc      map[string]any
	problems []string
}

func (f *fieldCheck) add(format string, args ...any) {
	f.problems = append(f.problems, fmt.Sprintf(format, args...))
}

// iri requires (or, when optional, allows) a member that is an IRI.
func (f *fieldCheck) iri(name string, required bool) {
	v, ok := f.doc[name]
	switch s, isString := v.(string); {
	case !ok && required:
		f.add("%s is missing", name)
	case ok && (!isString || !isURI(s)):
		f.add("%s is not an IRI", name)
	}
}

// text requires a member that is text: a string, or a language value.
func (f *fieldCheck) text(name string) {
	if _, ok := f.doc[name]; !ok {
		f.add("%s is missing", name)
	} else if text(f.doc[name]) == "" {
		f.add("%s is not text", name)
	}
}

// ref requires (or allows) a member that is an IRI or an object with one,
// as a badge, an image or criteria may be given.
func (f *fieldCheck) ref(name string, required bool) {
	v, ok := f.doc[name]
	switch t := v.(type) {
	case nil:
		if ok || required {
			f.add("%s is missing", name)
		}
	case string:
		if !isURI(t) && !strings.HasPrefix(t, "data:") {
			f.add("%s is not an IRI", name)
		}
	case map[string]any:
	default:
		f.add("%s is neither an IRI nor an object", name)
	}
}

// optionalString allows a member that, if present, is a string.
func (f *fieldCheck) optionalString(name string) {
	if v, ok := f.doc[name]; ok {
		if _, isString := v.(string); !isString {
			f.add("%s is not a string", name)
		}
	}
}

// assertionProblems lists what is wrong with an assertion's fields.
func assertionProblems(doc map[string]any) []string {
	f := &fieldCheck{doc: doc}
	f.iri("id", true)
	recipientProblems(f)
	f.ref("badge", true)
	if v := ob2Verification(doc); v == nil {
		f.add("verification is missing or not an object")
	} else if str(v, "type") == "" {
		f.add("verification.type is missing")
	} else if ob2VerificationType(doc) == "" {
		f.add("verification.type %q is neither HostedBadge nor SignedBadge", clip(str(v, "type"), 40))
	}
	if _, ok := doc["issuedOn"]; !ok {
		f.add("issuedOn is missing")
	}
	f.ref("image", false)
	f.optionalString("revocationReason")
	if v, ok := doc["revoked"]; ok {
		if _, isBool := v.(bool); !isBool {
			f.add("revoked is not true or false")
		}
	}
	return f.problems
}

// recipientProblems checks the recipient's IdentityObject.
func recipientProblems(f *fieldCheck) {
	rec, ok := f.doc["recipient"].(map[string]any)
	if !ok {
		f.add("recipient is missing or not an object")
		return
	}
	if str(rec, "type") == "" {
		f.add("recipient.type is missing")
	}
	if str(rec, "identity") == "" {
		f.add("recipient.identity is missing")
	}
	switch h := rec["hashed"].(type) {
	case nil, bool:
	case string:
		if h != "true" && h != "false" {
			f.add("recipient.hashed is not true or false")
		}
	default:
		f.add("recipient.hashed is not true or false")
	}
	if v, ok := rec["salt"]; ok {
		if _, isString := v.(string); !isString {
			f.add("recipient.salt is not a string")
		}
	}
}

// badgeClassProblems lists what is wrong with a BadgeClass's fields.
func badgeClassProblems(doc map[string]any) []string {
	f := &fieldCheck{doc: doc}
	if !ob2HasType(doc, "BadgeClass") {
		f.add("the type is %s, not BadgeClass", quoteTypes(doc))
	}
	f.iri("id", true)
	f.text("name")
	f.text("description")
	f.ref("image", true)
	f.ref("criteria", true)
	f.ref("issuer", true)
	return f.problems
}

// profileProblems lists what is wrong with an issuer Profile's fields.
func profileProblems(doc map[string]any) []string {
	f := &fieldCheck{doc: doc}
	if !ob2HasType(doc, "Issuer", "Profile") {
		f.add("the type is %s, not Issuer or Profile", quoteTypes(doc))
	}
	f.iri("id", true)
	f.text("name")
	f.iri("url", false)
	f.optionalString("email")
	return f.problems
}

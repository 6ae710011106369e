package verifier

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// VC contexts that may come first.
const (
	contextVC11 = "https://www.w3.org/2018/credentials/v1"
	contextVC20 = ob3.ContextCredentialsV2
)

// obContexts are the Open Badges 3.0 contexts; the first is current, the
// others older releases and aliases accepted with a warning.
var obContexts = []string{
	ob3.ContextOB,
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld",
	"https://imsglobal.github.io/openbadges-specification/context.json",
}

// credentialKind says which Open Badges credential a document is, which
// picks its schema and subject type.
type credentialKind int

const (
	kindUnknown credentialKind = iota
	kindAchievement
	kindEndorsement
)

// checkStructure checks @context, type and the required fields, in that
// order, and returns what kind of credential the document is.
func (v *Verifier) checkStructure(r *Report, c *credential) credentialKind {
	checkContext(r, c.doc)
	kind := checkType(r, c.doc)
	checkFields(r, c.doc, kind)
	return kind
}

func checkContext(r *Report, doc map[string]any) {
	var ctx []string
	for _, e := range list(doc["@context"]) {
		s, _ := e.(string)
		ctx = append(ctx, s)
	}
	if len(ctx) == 0 {
		r.add(CheckContext, Fail, "The credential has no @context.")
		return
	}
	if ctx[0] != contextVC20 && ctx[0] != contextVC11 {
		r.add(CheckContext, Fail, fmt.Sprintf("The first @context must be %s (or %s for VC 1.1), not %q.", contextVC20, contextVC11, clip(ctx[0], 100)))
		return
	}
	ob := ""
	for _, s := range ctx {
		for _, known := range obContexts {
			if s == known && ob == "" {
				ob = s
			}
		}
	}
	switch {
	case ob == "":
		r.add(CheckContext, Fail, fmt.Sprintf("The @context does not include the Open Badges 3.0 context (%s).", ob3.ContextOB))
	case ctx[0] == contextVC11:
		r.add(CheckContext, Warn, "The credential uses the VC 1.1 data model (https://www.w3.org/2018/credentials/v1); Open Badges 3.0 is built on VC 2.0.")
	case ob != ob3.ContextOB:
		r.add(CheckContext, Warn, fmt.Sprintf("The Open Badges context %s is an older release; the current one is %s.", ob, ob3.ContextOB))
	default:
		r.add(CheckContext, Pass, "The @context is VC 2.0 followed by Open Badges 3.0.")
	}
}

func checkType(r *Report, doc map[string]any) credentialKind {
	switch {
	case !hasType(doc, "VerifiableCredential"):
		r.add(CheckType, Fail, "The type does not include VerifiableCredential.")
	case hasType(doc, "OpenBadgeCredential", "AchievementCredential"):
		r.add(CheckType, Pass, "The type is VerifiableCredential and OpenBadgeCredential.")
		return kindAchievement
	case hasType(doc, "EndorsementCredential"):
		r.add(CheckType, Pass, "The type is VerifiableCredential and EndorsementCredential.")
		return kindEndorsement
	default:
		r.add(CheckType, Fail, fmt.Sprintf("The type %q includes neither OpenBadgeCredential nor AchievementCredential.", clip(strings.Join(types(doc), ", "), 100)))
	}
	return kindUnknown
}

// checkFields checks the members every credential needs, and the types of
// the objects inside it, as the data model names them.
func checkFields(r *Report, doc map[string]any, kind credentialKind) {
	var problems []string
	if id, ok := doc["id"]; ok && !isURI(idOf(id)) {
		problems = append(problems, "id is not a URI")
	}
	issuer := issuerID(doc)
	switch {
	case issuer == "":
		problems = append(problems, "issuer is missing or has no id")
	case !isURI(issuer):
		problems = append(problems, "issuer id is not a URI")
	}
	if str(doc, "validFrom") == "" && str(doc, "issuanceDate") == "" {
		problems = append(problems, "validFrom is missing")
	}
	subjects := objects(doc["credentialSubject"])
	if len(subjects) == 0 {
		problems = append(problems, "credentialSubject is missing")
	}
	problems = append(problems, nestedTypes(doc, subjects, kind)...)
	if len(problems) == 0 {
		r.add(CheckFields, Pass, "The required fields are present and the objects inside have their expected types.")
		return
	}
	if len(problems) > 6 {
		problems = append(problems[:6], fmt.Sprintf("and %d more", len(problems)-6))
	}
	r.add(CheckFields, Fail, "The credential is malformed: "+strings.Join(problems, "; ")+".")
}

// shapes collects what is wrong with the objects inside a credential.
type shapes struct {
	problems []string
}

func (sh *shapes) add(format string, args ...any) {
	sh.problems = append(sh.problems, fmt.Sprintf(format, args...))
}

// want checks that m has one of the given types.
func (sh *shapes) want(where string, m map[string]any, typ ...string) {
	if !hasType(m, typ...) {
		sh.add("%s has type %q, not %s", where, clip(strings.Join(types(m), ", "), 60), typ[0])
	}
}

func (sh *shapes) profile(where string, p map[string]any) {
	sh.want(where, p, "Profile")
	for _, o := range objects(p["otherIdentifier"]) {
		sh.want(where+".otherIdentifier", o, "IdentifierEntry")
	}
	if parent := obj(p, "parentOrg"); parent != nil {
		sh.want(where+".parentOrg", parent, "Profile")
	}
}

// nestedTypes checks the type of each object the data model types.
func nestedTypes(doc map[string]any, subjects []map[string]any, kind credentialKind) []string {
	sh := &shapes{}
	if issuer := obj(doc, "issuer"); issuer != nil {
		sh.profile("issuer", issuer)
	}
	for _, e := range objects(doc["evidence"]) {
		sh.want("evidence", e, "Evidence")
	}
	for _, s := range subjects {
		switch kind {
		case kindAchievement:
			sh.achievementSubject(s)
		case kindEndorsement:
			sh.want("credentialSubject", s, "EndorsementSubject")
		}
	}
	return sh.problems
}

// achievementSubject checks an AchievementSubject and what it holds.
func (sh *shapes) achievementSubject(s map[string]any) {
	sh.want("credentialSubject", s, "AchievementSubject")
	if str(s, "id") == "" && s["identifier"] == nil {
		sh.add("credentialSubject has neither id nor identifier")
	}
	for _, id := range objects(s["identifier"]) {
		sh.want("credentialSubject.identifier", id, "IdentityObject")
	}
	for _, res := range objects(s["result"]) {
		sh.want("credentialSubject.result", res, "Result")
	}
	if src := obj(s, "source"); src != nil {
		sh.profile("credentialSubject.source", src)
	}
	a := obj(s, "achievement")
	if a == nil {
		sh.add("credentialSubject has no achievement")
		return
	}
	sh.want("achievement", a, "Achievement")
	if creator := obj(a, "creator"); creator != nil {
		sh.profile("achievement.creator", creator)
	}
	for _, rd := range objects(a["resultDescription"]) {
		sh.want("achievement.resultDescription", rd, "ResultDescription")
	}
	for _, al := range objects(a["alignment"]) {
		sh.want("achievement.alignment", al, "Alignment")
	}
}

// isURI reports whether s is an absolute URI (a scheme and something after).
func isURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Opaque != "" || u.Host != "" || u.Path != "")
}

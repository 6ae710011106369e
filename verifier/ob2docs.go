package verifier

import (
	"context"
	"fmt"
	"strings"
)

// The documents an Open Badges 2.0 assertion names: its BadgeClass and the
// BadgeClass's issuer Profile, each given by URL or embedded. What decides
// trust comes from where a document was fetched, so an issuer is always
// fetched from its id when that is a web URL, even when it is embedded.

// docError is why a document could not be read: it could not be fetched
// (Unreachable), or what came back is not a JSON object (Fail).
type docError struct {
	outcome Outcome
	reason  string
}

// fetchDoc fetches a JSON object through the guarded client, or from this
// Laurel's own documents. It is shared: read it, never modify it.
func (o *ob2Run) fetchDoc(ctx context.Context, url string, kind FetchKind, accept string) (map[string]any, *docError) {
	if !isWebURL(url) {
		return nil, &docError{Fail, fmt.Sprintf("%q is not an http(s) URL", clip(url, 80))}
	}
	body, _, err := o.get(ctx, url, kind, accept)
	if err != nil {
		return nil, &docError{Unreachable, fetchReason(err)}
	}
	if m, ok := o.docs.get(body); ok {
		return m, nil
	}
	m, err := decodeObject(body)
	if err != nil {
		return nil, &docError{Fail, "it is " + trimDot(err)}
	}
	o.docs.put(body, m)
	return m, nil
}

// follow reads the assertion's BadgeClass and its issuer, and checks their
// fields.
func (o *ob2Run) follow(ctx context.Context) {
	if o.doc["badge"] == nil {
		return // the fields check has said so
	}
	o.badge = o.node(ctx, o.doc["badge"], "BadgeClass", badgeClassProblems, false)
	if o.badge == nil {
		return
	}
	o.issuer = o.node(ctx, o.badge["issuer"], "issuer profile", profileProblems, true)
}

// node reads a document that v names, by URL or embedded, reports its
// fields, and returns it; nil when it cannot be had or used. An embedded
// document with a web id is fetched from it when fetchEmbedded is set.
func (o *ob2Run) node(ctx context.Context, v any, what string, problems func(map[string]any) []string, fetchEmbedded bool) map[string]any {
	var doc map[string]any
	from := ""
	switch t := v.(type) {
	case string:
		from = t
	case map[string]any:
		doc = t
		if id := str(t, "id"); fetchEmbedded && isWebURL(id) {
			from = id
		}
	default:
		o.r.add(CheckFields, Fail, fmt.Sprintf("The %s is neither a URL nor an object.", what))
		return nil
	}
	if from != "" {
		fetched, err := o.fetchDoc(ctx, from, KindKey, acceptKey)
		if err != nil {
			o.r.add(CheckFields, err.outcome, fmt.Sprintf("The %s could not be read from %s: %s.", what, clip(from, 120), err.reason))
			return nil
		}
		if !o.sameID(what, from, fetched) {
			return nil
		}
		doc = fetched
		if what == "issuer profile" {
			o.issuerFrom = from
		}
	}
	if p := problems(doc); len(p) > 0 {
		o.r.add(CheckFields, Fail, fmt.Sprintf("The %s %s is not as Open Badges 2.0 requires: %s.", what, clip(str(doc, "id"), 120), strings.Join(p, "; ")))
		return nil
	}
	where := "embedded"
	if from != "" {
		where = "fetched from " + clip(from, 120)
	}
	o.r.add(CheckFields, Pass, fmt.Sprintf("The %s %q (%s) has its required fields.", what, clip(text(doc["name"]), 80), where))
	return doc
}

// sameID checks that a fetched document is the one its URL names. A
// document may give another id on the same host (a moved or aliased
// document), or an id that is not a web address: that is a warning. A web
// id on another host would let any site speak for another's badge or
// issuer, so it fails.
func (o *ob2Run) sameID(what, from string, doc map[string]any) bool {
	id := str(doc, "id")
	switch {
	case id == from:
		return true
	case id != "" && (!isWebURL(id) || hostOf(id) == hostOf(from)):
		o.r.add(CheckFields, Warn, fmt.Sprintf("The %s fetched from %s gives its id as %s.", what, clip(from, 120), clip(id, 120)))
		return true
	}
	o.r.add(CheckFields, Fail, fmt.Sprintf("The %s fetched from %s gives its id as %q, which is not on %s.", what, clip(from, 120), clip(id, 120), hostOf(from)))
	return false
}

// issuerIDs are the ids the issuer goes by: the id in its profile, and the
// URL it was fetched from when that differs.
func (o *ob2Run) issuerIDs() []string {
	ids := []string{str(o.issuer, "id")}
	if o.issuerFrom != "" && o.issuerFrom != ids[0] {
		ids = append(ids, o.issuerFrom)
	}
	return ids
}

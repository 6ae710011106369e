package issuer

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// How an issuer is identified in the credentials it issues.
const (
	// IdentifierHTTPS names the issuer by its profile URL,
	// {base}/issuers/{id}, and its keys by their URLs. The default.
	IdentifierHTTPS = "https"
	// IdentifierDIDWeb names the issuer by a did:web DID,
	// did:web:HOST:issuers:{id}, whose DID document lists its keys, so
	// that wallets' trust registries can list it.
	IdentifierDIDWeb = "did:web"
)

// Identifiers lists the kinds of issuer identifier.
var Identifiers = []string{IdentifierHTTPS, IdentifierDIDWeb}

// checkIdentifier validates an identifier kind; "" is https.
func checkIdentifier(kind string) (string, error) {
	if kind == "" {
		return IdentifierHTTPS, nil
	}
	if !slices.Contains(Identifiers, kind) {
		return "", badges.FieldErrorf("identifier", "The identifier must be one of %s, not %q.", strings.Join(Identifiers, ", "), kind)
	}
	return kind, nil
}

// DIDWebHost is the method-specific part of the did:web DIDs of the public
// base URL: the host, a port percent-encoded as did:web requires, then
// each path segment of the base as a further part.
func (u URLs) DIDWebHost() string {
	b, err := url.Parse(u.base)
	if err != nil {
		return ""
	}
	parts := []string{strings.ReplaceAll(b.Host, ":", "%3A")}
	for _, seg := range strings.Split(strings.Trim(b.EscapedPath(), "/"), "/") {
		if seg != "" {
			parts = append(parts, strings.ReplaceAll(seg, ":", "%3A"))
		}
	}
	return strings.Join(parts, ":")
}

// DIDWeb is the did:web DID of an issuer whose DID host is host (see
// DIDWebHost). Its DID document is {base}/issuers/{id}/did.json.
func DIDWeb(host, issuerID string) string { return "did:web:" + host + ":issuers:" + issuerID }

// UsesDIDWeb reports whether p's new credentials are issued by its DID.
func (p *Profile) UsesDIDWeb() bool { return p.IdentifierKind == IdentifierDIDWeb && p.DID != "" }

// IssuerID is the id the credentials p issues now carry as issuer.id: its
// DID once it chose did:web, else its profile URL. Credentials issued
// before keep the id they were signed with.
func (u URLs) IssuerID(p *Profile) string {
	if p.UsesDIDWeb() {
		return p.DID
	}
	return u.Issuer(p.ID)
}

// VerificationMethod names one of p's keys as the credentials p issues now
// refer to it: DID#kid for a did:web issuer, else the key's URL.
func (u URLs) VerificationMethod(p *Profile, keyID string) string {
	if p.UsesDIDWeb() {
		return p.DID + "#" + keyID
	}
	return u.Key(p.ID, keyID)
}

// NamesOurIssuer reports whether an issuer id is one this Laurel gives:
// a profile URL under its base, or a did:web DID of its host.
func (u URLs) NamesOurIssuer(id string) bool {
	return strings.HasPrefix(id, u.Issuer("")) || strings.HasPrefix(id, DIDWeb(u.DIDWebHost(), ""))
}

// DIDDocumentURL is where an issuer's DID document is served.
func (u URLs) DIDDocumentURL(issuerID string) string { return u.Issuer(issuerID) + "/did.json" }

// DIDStatusList is the URL of one of an issuer's revocation lists as
// issued by its DID. The list is the same as at StatusList, whose
// credential stays issued by the profile URL for the credentials that
// name it: a list's issuer must be its credentials' issuer.
func (u URLs) DIDStatusList(issuerID string, number int) string {
	return u.Issuer(issuerID) + "/status-lists/" + strconv.Itoa(number)
}

// CredentialStatusList is the list URL the credentials p issues now name.
func (u URLs) CredentialStatusList(p *Profile, number int) string {
	if p.UsesDIDWeb() {
		return u.DIDStatusList(p.ID, number)
	}
	return u.StatusList(p.ID, number)
}

// didWebTwin is the https form of a URL under an http base: a did:web DID
// always resolves over https, so a resolver asks for its document there
// even when Laurel's base URL is http (a test or a private install).
func (u URLs) didWebTwin(raw string) (string, bool) {
	rest, ok := strings.CutPrefix(u.base, "http://")
	if !ok {
		return "", false
	}
	path, ok := strings.CutPrefix(raw, "https://"+rest+"/")
	if !ok {
		return "", false
	}
	return u.base + "/" + path, true
}

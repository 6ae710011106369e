package issuer

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// URLs builds the public URLs of Laurel's resources. They appear inside
// issued credentials, so their shape must never change.
type URLs struct {
	base string // scheme://host[:port][/path], no trailing slash
}

// NewURLs checks and normalises the public base URL.
func NewURLs(base string) (URLs, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return URLs{}, badges.Errorf(badges.EINVALID, "base URL %q must be an http(s) URL with a host and no query", base)
	}
	return URLs{base: strings.TrimSuffix(u.String(), "/")}, nil
}

// Base is the public origin (and path prefix, if any).
func (u URLs) Base() string { return u.base }

// Issuer is the id and page of an issuer profile.
func (u URLs) Issuer(id string) string { return u.base + "/issuers/" + id }

// Achievement is the id and page of an achievement.
func (u URLs) Achievement(id string) string { return u.base + "/achievements/" + id }

// Outcome is the public page of a community's outcome, which badges align
// to.
func (u URLs) Outcome(id string) string { return u.base + "/outcomes/" + id }

// Image is the URL of a stored image.
func (u URLs) Image(r badges.ImageRef) string { return u.base + "/images/" + r.FileName() }

// Member is a member's public profile page.
func (u URLs) Member(slug string) string { return u.base + "/members/" + slug }

// Credential is the id and public page of a credential.
func (u URLs) Credential(id string) string { return u.base + "/credentials/" + id }

// HolderCopy is the id of a credential's copy issued to a wallet's holder
// (see holder.go): below the original, whose page it leads to.
func (u URLs) HolderCopy(credentialID, copyID string) string {
	return u.Credential(credentialID) + "/copies/" + copyID
}

// Claim is the link of a credential's claim page, with the code that
// proves Laurel made it (see LinkSigner).
func (u URLs) Claim(credentialID, code string) string {
	return u.base + "/claim/" + credentialID + "/" + code
}

// Wallet is a credential's interaction URL, with the code that proves
// Laurel made it: what a wallet scans to be offered the credential
// (GET with Accept: application/json lists the protocols it can use).
func (u URLs) Wallet(credentialID, code string) string {
	return u.base + "/wallet/" + credentialID + "/" + code
}

// WalletVCAPI is the VC-API exchange a wallet starts from a credential's
// interaction URL.
func (u URLs) WalletVCAPI(credentialID, code string) string {
	return u.Wallet(credentialID, code) + "/vcapi"
}

// WalletCredentialOffer is the OpenID for Verifiable Credential Issuance
// credential offer (by reference) of a credential's interaction URL.
func (u URLs) WalletCredentialOffer(credentialID, code string) string {
	return u.Wallet(credentialID, code) + "/oid4vci"
}

// StatusList is the URL of one of an issuer's revocation lists.
func (u URLs) StatusList(issuerID string, number int) string {
	return u.base + "/status/" + issuerID + "/" + strconv.Itoa(number)
}

// Key is where a public key is published: the JWT kid and the Data
// Integrity verificationMethod both dereference here.
func (u URLs) Key(issuerID, keyID string) string {
	return u.base + "/issuers/" + issuerID + "/keys/" + keyID
}

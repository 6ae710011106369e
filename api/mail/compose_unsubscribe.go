package mail

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// An unsubscribe link needs no stored token:
//
//	{base}/mail/unsubscribe/{issuer}/{code}?a={address key}
//
// The address key is a keyed hash of the address (the link never shows
// the address, and no one without the master key can make the key of an
// address they guess); the code proves Laurel made the link for that
// community and that key. The opt-out is stored under the same key, so
// the composer finds it from the address it is writing to.

// AddressKey is the keyed hash of an address that its opt-outs are kept
// under: 22 URL-safe characters.
func (m *Composer) AddressKey(address string) (string, error) {
	a, err := badges.NormalizeEmail(address)
	if err != nil {
		return "", err
	}
	return m.cfg.Links.Code("address", a), nil
}

// UnsubscribeURL is the link that unsubscribes address from the
// community's e-mail that is not transactional.
func (m *Composer) UnsubscribeURL(issuerID, address string) (string, error) {
	key, err := m.AddressKey(address)
	if err != nil {
		return "", err
	}
	return m.cfg.URLs.Base() + "/mail/unsubscribe/" + url.PathEscape(issuerID) + "/" + m.linkCode(issuerID, key) +
		"?" + url.Values{"a": {key}}.Encode(), nil
}

// linkCode is the code of the unsubscribe link of one address key.
func (m *Composer) linkCode(issuerID, key string) string {
	return m.cfg.Links.Code("unsubscribe", issuerID, key)
}

// OptedOut reports whether address unsubscribed from the community's
// e-mail that is not transactional.
func (m *Composer) OptedOut(ctx context.Context, issuerID, address string) (bool, error) {
	key, err := m.AddressKey(address)
	if err != nil {
		return false, err
	}
	out, _, err := m.cfg.OptOuts.OptedOut(ctx, issuerID, key)
	return out, err
}

// errBadLink answers a link Laurel did not make, or that was changed.
var errBadLink = badges.Errorf(badges.ENOTFOUND, "This unsubscribe link is not one Laurel made, or it was cut short; use the link from the e-mail as it is.")

// LinkState checks an unsubscribe link (its community, code and address
// key) and says whether its address has unsubscribed, and when.
func (m *Composer) LinkState(ctx context.Context, issuerID, code, key string) (out bool, at time.Time, err error) {
	if !m.validLink(issuerID, code, key) {
		return false, time.Time{}, errBadLink
	}
	return m.cfg.OptOuts.OptedOut(ctx, issuerID, key)
}

// Unsubscribe records the opt-out of a link's address, at a time.
func (m *Composer) Unsubscribe(ctx context.Context, issuerID, code, key string, at time.Time) error {
	if !m.validLink(issuerID, code, key) {
		return errBadLink
	}
	return m.cfg.OptOuts.OptOut(ctx, issuerID, key, at)
}

// Resubscribe forgets the opt-out of a link's address.
func (m *Composer) Resubscribe(ctx context.Context, issuerID, code, key string) error {
	if !m.validLink(issuerID, code, key) {
		return errBadLink
	}
	return m.cfg.OptOuts.OptIn(ctx, issuerID, key)
}

// validLink reports whether Laurel made the link: its code matches its
// community and address key.
func (m *Composer) validLink(issuerID, code, key string) bool {
	return len(key) == 22 && !strings.ContainsAny(key, "=+/") && m.cfg.Links.Valid(code, "unsubscribe", issuerID, key)
}

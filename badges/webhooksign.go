package badges

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Webhooks are signed per the Standard Webhooks specification
// (standardwebhooks.com), so that receivers can check them with its
// libraries: the headers webhook-id (the delivery's id, the same in every
// attempt), webhook-timestamp (the attempt's time in Unix seconds) and
// webhook-signature, "v1," and the base64 HMAC-SHA256 of
// "<id>.<timestamp>.<body>" under the secret's bytes. While a rotation's
// overlap lasts, the header carries one signature per secret, separated
// by spaces, and a receiver with either secret accepts the delivery.

// The headers of a signed webhook.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// webhookSecretPrefix starts every secret, as the specification has it.
const webhookSecretPrefix = "whsec_"

// webhookSecretBytes is the length of a new secret: the specification
// asks for 24 to 64 random bytes.
const webhookSecretBytes = 32

// NewWebhookSecret makes a signing secret: "whsec_" and the base64 of
// random bytes.
func NewWebhookSecret() (string, error) {
	b := make([]byte, webhookSecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return webhookSecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// webhookKey is the HMAC key of a secret: the bytes its base64 encodes.
func webhookKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, webhookSecretPrefix))
	if err != nil || len(key) == 0 {
		return nil, Errorf(EINTERNAL, "A webhook secret is damaged.")
	}
	return key, nil
}

// SignWebhook signs a delivery's body with each of secrets and returns
// the headers to send with it.
func SignWebhook(secrets []string, id string, at time.Time, body []byte) (map[string]string, error) {
	ts := strconv.FormatInt(at.Unix(), 10)
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		key, err := webhookKey(s)
		if err != nil {
			return nil, err
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(id + "." + ts + "."))
		mac.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	return map[string]string{HeaderWebhookID: id, HeaderWebhookTimestamp: ts, HeaderWebhookSignature: strings.Join(sigs, " ")}, nil
}

// CheckEndpointURL checks an endpoint's URL: absolute http or https, a
// host, no user name or password, at most MaxEndpointURL characters.
// Where it may lead (loopback, private addresses) is the sender's to
// check, when it connects.
func CheckEndpointURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", FieldErrorf("url", "The address to send events to, url, is required.")
	}
	if len(raw) > MaxEndpointURL {
		return "", FieldErrorf("url", "The address, url, is longer than %d characters.", MaxEndpointURL)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs():
		return "", FieldErrorf("url", "The address, url, must be an absolute URL such as https://example.org/hooks/laurel, not %q.", truncateForMessage(raw))
	case u.Scheme != "http" && u.Scheme != "https":
		return "", FieldErrorf("url", "The address, url, must be an https or http URL, not %q.", truncateForMessage(u.Scheme))
	case u.Hostname() == "":
		return "", FieldErrorf("url", "The address, url, names no host: %q.", truncateForMessage(raw))
	case u.User != nil:
		return "", FieldErrorf("url", "The address, url, must not hold a user name or password.")
	}
	return u.String(), nil
}

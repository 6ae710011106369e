package mapping

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Signature headers: each tool signs the body with the source's secret,
// HMAC-SHA256, written "sha256=<hex>".
const (
	HeaderDiscourse = "X-Discourse-Event-Signature"
	HeaderGitHub    = "X-Hub-Signature-256"
	HeaderLaurel    = "X-Laurel-Signature"
	// HeaderTimestamp, when a generic sender sends it, is Unix seconds,
	// and the signature is then over "<timestamp>.<body>": a delivery
	// captured and sent again later than MaxSkew is refused.
	HeaderTimestamp = "X-Laurel-Timestamp"
	MaxSkew         = 5 * time.Minute
)

// Signature errors.
var (
	ErrUnsigned     = errors.New("the request carries no signature")
	ErrBadSignature = errors.New("the signature does not match the body and the source's secret")
	ErrMalformed    = errors.New(`the signature is not "sha256=" and 64 hexadecimal digits`)
	ErrStale        = errors.New("the timestamp is missing, malformed or more than 5 minutes from now")
)

// SignatureHeader is the header a preset's tool signs in.
func SignatureHeader(p Preset) string {
	switch p {
	case PresetDiscourse:
		return HeaderDiscourse
	case PresetGitHub:
		return HeaderGitHub
	}
	return HeaderLaurel
}

// ParseSignature reads "sha256=<64 hex digits>".
func ParseSignature(v string) ([]byte, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, ErrUnsigned
	}
	hexSum, ok := strings.CutPrefix(v, "sha256=")
	if !ok || len(hexSum) != 2*sha256.Size {
		return nil, ErrMalformed
	}
	sum, err := hex.DecodeString(hexSum)
	if err != nil {
		return nil, ErrMalformed
	}
	return sum, nil
}

// Sign is the signature header's value for a body: what the tools send.
func Sign(secret string, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, body))
}

// SignAt is a generic sender's signature of a body sent at a time, with
// the timestamp header's value.
func SignAt(secret string, body []byte, at time.Time) (signature, timestamp string) {
	timestamp = strconv.FormatInt(at.Unix(), 10)
	return Sign(secret, timestamped(timestamp, body)), timestamp
}

func timestamped(ts string, body []byte) []byte {
	return append([]byte(ts+"."), body...)
}

func mac(secret string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a delivery's signature against any of the secrets (a
// rotated secret is accepted for a while beside the new one), in constant
// time.
func Verify(p Preset, h http.Header, body []byte, secrets []string, now time.Time) error {
	sum, err := ParseSignature(h.Get(SignatureHeader(p)))
	if err != nil {
		return err
	}
	signed := body
	if ts := h.Get(HeaderTimestamp); p == PresetGeneric && ts != "" {
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > MaxSkew {
			return ErrStale
		}
		signed = timestamped(ts, body)
	}
	for _, s := range secrets {
		if s != "" && hmac.Equal(sum, mac(s, signed)) {
			return nil
		}
	}
	return ErrBadSignature
}

package verifier

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/jsondepth"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Bounds on what Verify reads.
const (
	MaxInputSize = 8 << 20        // bytes of data or of a fetched credential
	MaxJSONDepth = 64             // nesting of arrays and objects
	MaxJWTSize   = ob3.MaxJWTSize // a compact JWS
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// readResult is the credential found in the input, and the checks that
// say how it was read.
type readResult struct {
	format string
	cred   *credential
	ob2    *ob2Input // an Open Badges 2.0 assertion: Verify checks it, not cred
	checks []Check
}

func (rr *readResult) add(id string, o Outcome, msg string) {
	rr.checks = append(rr.checks, Check{ID: id, Outcome: o, Message: msg})
}

// read turns the input into a credential, or a *badges.Error when it is
// not one in any format.
func (v *run) read(ctx context.Context, in Input) (*readResult, error) {
	switch {
	case in.Token != nil && (len(in.Data) > 0 || in.URL != ""):
		return nil, badges.Errorf(badges.EINVALID, "Give the credential once: as data, as a URL or as a token read before.")
	case in.Token != nil:
		return jwtRead("jwt", in.Token.cred), nil
	case len(in.Data) > 0 && in.URL != "":
		return nil, badges.Errorf(badges.EINVALID, "Give either the credential or its URL, not both.")
	case in.URL != "":
		return v.readURL(ctx, in.URL)
	case len(in.Data) == 0:
		return nil, badges.Errorf(badges.EINVALID, "There is nothing to verify: the input is empty.")
	case len(in.Data) > MaxInputSize:
		return nil, badges.Errorf(badges.ETOOLARGE, "The input is larger than %d MiB.", MaxInputSize>>20)
	}
	if c, ok := v.tokens.get(in.Data); ok {
		return jwtRead("jwt", c), nil
	}
	rr, err := sniff(in.Data)
	if err == nil && rr.format == "jwt" && rr.cred != nil && rr.cred.jwt != nil && rr.ob2 == nil {
		v.tokens.put(in.Data, rr.cred)
	}
	return rr, err
}

// readURL fetches a credential from a URL and reads what came back.
func (v *run) readURL(ctx context.Context, url string) (*readResult, error) {
	if _, err := checkURL(url); err != nil {
		return nil, badges.Errorf(badges.EINVALID, "The URL cannot be fetched: only public http and https URLs without credentials are.")
	}
	body, mediaType, err := v.get(ctx, url, KindCredential, acceptCredential)
	if err != nil {
		bad := badges.Errorf(badges.EINVALID, "The credential could not be fetched from %s: %s.", clip(url, 120), fetchReason(err))
		if errors.Is(err, ErrUnreachable) {
			return nil, &inputUnreachable{bad: bad, cause: err}
		}
		return nil, bad
	}
	rr, err := sniff(body)
	if err != nil {
		return nil, err
	}
	if rr.ob2 != nil && rr.ob2.doc != nil {
		rr.ob2.url, rr.ob2.fetched = url, true
	}
	found := rr.format
	rr.format = "url"
	if mediaType != "" {
		found += ", " + mediaType
	}
	rr.checks = append([]Check{{ID: CheckInput, Outcome: Pass, Message: fmt.Sprintf("Fetched %s (%s).", clip(url, 120), found)}}, rr.checks...)
	return rr, nil
}

// inputUnreachable is a credential URL that could not be fetched: bad
// input to an API, and a credential that could not be checked to a
// command, which tells them apart with errors.Is(err, ErrUnreachable).
type inputUnreachable struct {
	bad   *badges.Error
	cause error
}

func (e *inputUnreachable) Error() string   { return e.bad.Error() }
func (e *inputUnreachable) Unwrap() []error { return []error{e.bad, e.cause} }

// fetchReason is a fetch error in words safe to show: refusals and
// network failures, without internal detail.
func fetchReason(err error) string {
	var r *refusal
	switch {
	case errors.As(err, &r):
		return r.reason
	case errors.Is(err, errNoNetwork):
		return "this verifier does not fetch from the network"
	case errors.Is(err, context.DeadlineExceeded):
		return "the server did not answer in time"
	}
	return trimDot(err)
}

// sniff recognises the input by its content: a baked PNG or SVG, a JSON
// object, or a compact JWS.
func sniff(data []byte) (*readResult, error) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	switch {
	case bytes.HasPrefix(data, pngSignature), bytes.HasPrefix(trimmed, []byte("<")):
		return unbake(data)
	case bytes.HasPrefix(trimmed, []byte("{")):
		return readJSON(trimmed, "json")
	case looksLikeJWS(trimmed):
		return readJWT(trimmed, "jwt")
	}
	return nil, badges.Errorf(badges.EINVALID, "This is not a credential: expected Open Badges 3.0 JSON, a VC-JWT, or a baked PNG or SVG.")
}

// unbake reads the credential baked into a PNG or SVG.
func unbake(data []byte) (*readResult, error) {
	baked, err := ob3.Unbake(data)
	switch {
	case errors.Is(err, ob3.ErrNotBaked):
		return nil, badges.Errorf(badges.EINVALID, "The image carries no Open Badges credential.")
	case err != nil:
		return nil, badges.Errorf(badges.EINVALID, "The file is not a valid PNG or SVG image.")
	}
	if baked.Version == ob2BakedVersion {
		return unbakeOB2(baked)
	}
	payload := bytes.TrimSpace([]byte(baked.Payload))
	var rr *readResult
	switch {
	case bytes.HasPrefix(payload, []byte("{")):
		rr, err = readJSON(payload, baked.Format)
	case looksLikeJWS(payload):
		rr, err = readJWT(payload, baked.Format)
	default:
		return nil, badges.Errorf(badges.EINVALID, "The %s carries something that is neither credential JSON nor a VC-JWT.", baked.Format)
	}
	if err != nil {
		return nil, err
	}
	rr.checks[0].Message = fmt.Sprintf("Read a baked %s; it carries %s", baked.Format, lowerFirst(rr.checks[0].Message))
	return rr, nil
}

// readJSON reads a credential given as a JSON object.
func readJSON(data []byte, format string) (*readResult, error) {
	if len(data) > MaxInputSize {
		return nil, badges.Errorf(badges.ETOOLARGE, "The credential is larger than %d MiB.", MaxInputSize>>20)
	}
	doc, err := decodeObject(data)
	if err != nil {
		return nil, badges.Errorf(badges.EINVALID, "The credential is not usable JSON: %v.", err)
	}
	rr := &readResult{format: format, cred: &credential{doc: doc, raw: data}}
	if isOB2(doc) {
		// The credential stays set for the callers that read only 3.0
		// (status lists, endorsements): to them it is not one.
		rr.ob2 = &ob2Input{doc: doc}
		rr.add(CheckInput, Pass, "An Open Badges 2.0 assertion, as JSON.")
		rr.add(CheckJSON, Pass, fmt.Sprintf("A well-formed JSON object, nested at most %d deep.", jsondepth.Of(data, MaxJSONDepth)))
		return rr, nil
	}
	rr.add(CheckInput, Pass, "Credential JSON.")
	rr.add(CheckJSON, Pass, fmt.Sprintf("A well-formed JSON object, nested at most %d deep.", jsondepth.Of(data, MaxJSONDepth)))
	return rr, nil
}

// readJWT reads a compact JWS; the credential is its payload (VC 2.0) or
// the payload's vc claim (VC 1.1).
func readJWT(data []byte, format string) (*readResult, error) {
	if len(data) > MaxJWTSize {
		return nil, badges.Errorf(badges.ETOOLARGE, "The VC-JWT is larger than %d MiB.", MaxJWTSize>>20)
	}
	return readToken(string(data), format)
}

// readToken is readJWT of a token held as a string, which the token read
// keeps rather than a copy.
func readToken(token, format string) (*readResult, error) {
	t, err := ob3.ParseJWT(token)
	if err != nil {
		return nil, badges.Errorf(badges.EINVALID, "This looks like a JWT but cannot be read: %s.", jwtReason(err))
	}
	if jsondepth.Of(t.RawPayload, MaxJSONDepth) > MaxJSONDepth {
		return nil, badges.Errorf(badges.EINVALID, "The VC-JWT payload is nested deeper than %d levels.", MaxJSONDepth)
	}
	// The plain JSON form (numbers as float64), which the JSON-LD and
	// schema code read, sharing what has no number with the token's own,
	// which the claims check reads.
	p, copied := plain(t.Credential)
	doc, ok := p.(map[string]any)
	if !ok {
		return nil, badges.Errorf(badges.EINVALID, "The VC-JWT payload cannot be read.")
	}
	if isOB2(doc) {
		rr := &readResult{format: format, cred: &credential{doc: doc, raw: t.RawPayload}, ob2: &ob2Input{doc: doc, jws: t}}
		rr.add(CheckInput, Pass, fmt.Sprintf("An Open Badges 2.0 signed assertion: a JWS signed with %s.", clip(t.Header.Alg, 20)))
		rr.add(CheckJSON, Pass, "The JWS's header and payload are well-formed JSON.")
		return rr, nil
	}
	if !t.VC11 {
		// The registered claims belong to the JWT, not to the credential: an
		// embedded proof was made before they were added. The token keeps
		// them in its own copy of the top level.
		if !copied {
			doc = maps.Clone(doc)
		}
		for _, claim := range []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"} {
			delete(doc, claim)
		}
	}
	return jwtRead(format, &credential{doc: doc, jwt: t, raw: t.RawPayload}), nil
}

// jwtRead is what reading a VC-JWT found: the credential and the checks
// that say how it was read.
func jwtRead(format string, c *credential) *readResult {
	rr := &readResult{format: format, cred: c}
	rr.add(CheckInput, Pass, fmt.Sprintf("A VC-JWT signed with %s.", clip(c.jwt.Header.Alg, 20)))
	rr.add(CheckJSON, Pass, "The token's header and payload are well-formed JSON.")
	return rr
}

// looksLikeJWS reports whether b has the shape of a compact JWS: three
// base64url parts joined by dots.
func looksLikeJWS[T string | []byte](b T) bool {
	dots := 0
	for i := range len(b) {
		if c := b[i]; c == '.' {
			dots++
		} else if !base64URL[c] {
			return false
		}
	}
	return dots == 2
}

// base64URL holds the base64url alphabet.
var base64URL = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
		t[c] = true
	}
	return t
}()

// isOB2 recognises an Open Badges 2.0 assertion.
func isOB2(doc map[string]any) bool {
	for _, c := range list(doc["@context"]) {
		if c == "https://w3id.org/openbadges/v2" || c == "https://openbadgespec.org/v2/context.json" {
			return true
		}
	}
	return hasType(doc, "Assertion")
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// statusList is a status list credential and what was read from it. It is
// shared between verifications: read it, never modify it.
type statusList struct {
	*credential
	digest  string         // of the document as fetched
	bits    *ob3.Bitstring // its encodedList, decoded
	bitsErr error          // why the encodedList cannot be decoded
}

// fetchStatusList fetches a status list credential, given as JSON or as a
// VC-JWT, and decodes its list. Lists are remembered by their content.
func (v *run) fetchStatusList(ctx context.Context, url string) (*statusList, error) {
	body, _, err := v.get(ctx, url, KindStatus, acceptStatus)
	if err != nil {
		return nil, err
	}
	if list, ok := v.statusLists.get(body); ok {
		return list, nil
	}
	trimmed := bytes.TrimSpace(body)
	var rr *readResult
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")):
		rr, err = readJSON(trimmed, "json")
	case looksLikeJWS(trimmed):
		rr, err = readJWT(trimmed, "jwt")
	default:
		return nil, errors.New("the document is neither JSON nor a VC-JWT")
	}
	if err != nil {
		return nil, errors.New(badges.ErrorMessage(err))
	}
	sum := sha256.Sum256(body)
	list := &statusList{credential: rr.cred, digest: hex.EncodeToString(sum[:])}
	list.bits, list.bitsErr = ob3.DecodeBitstring(str(obj(rr.cred.doc, "credentialSubject"), "encodedList"))
	v.statusLists.put(body, list)
	return list, nil
}

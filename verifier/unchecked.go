package verifier

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// A check that could not be made because a document it needs could not be
// fetched neither proves nor refutes anything: it is Unreachable, and
// leaves a credential that nothing proved wrong "could not be checked".

// unconfirmedKey is what a signature verified with the key named in its
// verificationMethod's fragment, whose URL could not be fetched, amounts
// to.
const unconfirmedKey = "the signature matches the key the credential names, but the issuer did not confirm that key"

// addUnreachable adds an Unreachable check. what names, for the plain
// answer, the document that could not be fetched ("the issuer's key"); the
// host err names is added to it.
func (r *Report) addUnreachable(id, msg, what string, err error) {
	if host, ok := unreachableHost(err); ok && host != "" {
		what += " at " + host
	}
	r.noteUnreachable(id, msg, what+" could not be reached")
}

// noteUnreachable adds an Unreachable check with its plain words.
func (r *Report) noteUnreachable(id, msg, plain string) {
	if r.unreached == nil {
		r.unreached = map[int]string{}
	}
	r.unreached[len(r.Checks)] = plain
	r.add(id, Unreachable, msg)
}

// settle turns the Unreachable checks from index from on into warnings:
// what they could not reach no longer decides anything, since another
// proof verified.
func (r *Report) settle(from int) {
	for i := from; i < len(r.Checks); i++ {
		if r.Checks[i].Outcome == Unreachable {
			r.Checks[i].Outcome = Warn
			delete(r.unreached, i)
		}
	}
}

// uncheckedWhy is the plain words of the first Unreachable check.
func (r *Report) uncheckedWhy() string {
	for i, c := range r.Checks {
		if c.Outcome != Unreachable {
			continue
		}
		if why, ok := r.unreached[i]; ok {
			return why
		}
		break
	}
	return "a document it needs could not be reached"
}

func firstUnreachable(checks []Check) string {
	for _, c := range checks {
		if c.Outcome == Unreachable {
			return strings.TrimSuffix(c.Message, ".")
		}
	}
	return ""
}

// keyUnreachable reports a proof whose key could not be fetched.
func keyUnreachable(r *Report, label string, err error) Outcome {
	r.addUnreachable(CheckKey, fmt.Sprintf("%s: %v.", label, trimDot(err)), "the issuer's key", err)
	r.add(CheckProof, Unreachable, label+": not verified, since its key could not be fetched.")
	return Unreachable
}

// ed25519MultikeyPrefix starts every base58btc Ed25519 Multikey.
const ed25519MultikeyPrefix = "z6Mk"

// fragmentKey is the Ed25519 key a verification method URL carries as its
// fragment (https://example.org/keys#z6Mk…), if it carries one; err says
// why a fragment that has the shape of one is not.
func fragmentKey(vm string) (mk *methodKey, ok bool, err error) {
	u, perr := url.Parse(vm)
	if perr != nil || (u.Scheme != "https" && u.Scheme != "http") || !strings.HasPrefix(u.Fragment, ed25519MultikeyPrefix) {
		return nil, false, nil
	}
	pub, err := ob3.DecodeMultikeyEd25519(u.Fragment)
	if err != nil {
		return nil, true, fmt.Errorf("the key %s its verificationMethod names is not a valid Ed25519 Multikey", clip(u.Fragment, 60))
	}
	return &methodKey{id: vm, key: pub, source: "verification method's fragment"}, true, nil
}

// unconfirmedProof checks a Data Integrity proof whose verification method
// could not be fetched (fetchErr) with the Ed25519 key its URL's fragment
// names, if it names one. That is evidence, never proof: a bad signature
// fails, a good one leaves the key unconfirmed, so the proof Unreachable.
// ok is false when there is no such key to try.
func (v *run) unconfirmedProof(ctx context.Context, r *Report, doc, p map[string]any, label string, fetchErr error) (Outcome, bool) {
	mk, ok, err := fragmentKey(str(p, "verificationMethod"))
	if !ok || str(p, "cryptosuite") == suiteECDSASD {
		return "", false
	}
	if err != nil {
		r.add(CheckKey, Fail, fmt.Sprintf("%s: %v, and %v.", label, trimDot(fetchErr), err))
		r.add(CheckProof, Fail, label+": not verified, since its key cannot be used.")
		return Fail, true
	}
	err = v.verifyEmbedded(ctx, doc, p, mk, false)
	if err != nil && ctx.Err() != nil {
		return "", false
	}
	if err != nil {
		r.addUnreachable(CheckKey, fmt.Sprintf("%s: %v.", label, trimDot(fetchErr)), "the issuer's key", fetchErr)
		if errors.Is(err, errSignature) {
			err = errors.New("the signature does not verify with the key its verificationMethod names")
		}
		r.add(CheckProof, Fail, fmt.Sprintf("%s: %v.", label, trimDot(err)))
		return Fail, true
	}
	r.noteUnreachable(CheckKey, fmt.Sprintf("%s: %s (%v).", label, unconfirmedKey, trimDot(fetchErr)), unconfirmedKey)
	r.add(CheckProof, Unreachable, label+": the signature verifies with the key its verificationMethod names, which the issuer's documents could not confirm.")
	return Unreachable, true
}

package verifier

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// ecdsa-sd-2023 is the selective-disclosure cryptosuite: the issuer signs the
// mandatory statements and an ephemeral key; the ephemeral key signs each
// other statement, so a holder can drop statements and keep the proof. A
// verifier only ever sees a derived proof.

// derivedHeader starts every derived ecdsa-sd-2023 proofValue (CBOR tag 0x5d01).
var derivedHeader = []byte{0xd9, 0x5d, 0x01}

// maxSDProofValue bounds the proofValue before decoding.
const maxSDProofValue = 256 << 10

type sdProof struct {
	baseSignature []byte
	publicKey     []byte // the ephemeral key, Multikey bytes (0x80 0x24 + compressed point)
	signatures    [][]byte
	labelMap      map[string]string // canonical blank-node label -> HMAC-derived label
	mandatory     []int
}

// parseDerivedProof decodes a derived ecdsa-sd-2023 proofValue.
func parseDerivedProof(value string) (*sdProof, error) {
	if len(value) > maxSDProofValue {
		return nil, errors.New("the proofValue is too long")
	}
	rest, ok := strings.CutPrefix(value, "u")
	if !ok {
		return nil, errors.New("the proofValue is not multibase base64url")
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("the proofValue is not base64url: %w", err)
	}
	if !bytes.HasPrefix(raw, derivedHeader) {
		if bytes.HasPrefix(raw, []byte{0xd9, 0x5d, 0x00}) {
			return nil, errors.New("this is a base proof, meant for the holder: a verifier needs a derived proof")
		}
		return nil, errors.New("the proofValue is not a derived ecdsa-sd-2023 proof")
	}
	item, err := decodeCBOR(raw[len(derivedHeader):])
	if err != nil {
		return nil, err
	}
	parts, ok := item.([]any)
	if !ok || len(parts) != 5 {
		return nil, errors.New("the derived proof is not an array of five components")
	}
	return sdComponents(parts)
}

func sdComponents(parts []any) (*sdProof, error) {
	p := &sdProof{}
	var ok bool
	if p.baseSignature, ok = parts[0].([]byte); !ok || len(p.baseSignature) != 64 {
		return nil, errors.New("the base signature is not 64 bytes")
	}
	if p.publicKey, ok = parts[1].([]byte); !ok || len(p.publicKey) != 35 {
		return nil, errors.New("the ephemeral key is not a P-256 Multikey")
	}
	var err error
	if p.signatures, err = sdSignatures(parts[2]); err != nil {
		return nil, err
	}
	if p.labelMap, err = sdLabels(parts[3]); err != nil {
		return nil, err
	}
	idx, ok := parts[4].([]any)
	if !ok {
		return nil, errors.New("the mandatory indexes are not an array")
	}
	for _, e := range idx {
		n, ok := e.(uint64)
		if !ok || n > 1<<20 {
			return nil, errors.New("a mandatory index is not a small unsigned integer")
		}
		p.mandatory = append(p.mandatory, int(n))
	}
	return p, nil
}

// sdSignatures reads the per-statement signatures.
func sdSignatures(v any) ([][]byte, error) {
	sigs, ok := v.([]any)
	if !ok {
		return nil, errors.New("the signatures are not an array")
	}
	out := make([][]byte, 0, len(sigs))
	for _, s := range sigs {
		b, ok := s.([]byte)
		if !ok || len(b) != 64 {
			return nil, errors.New("a statement signature is not 64 bytes")
		}
		out = append(out, b)
	}
	return out, nil
}

// sdLabels decompresses the label map: canonical label "c14n<k>" -> the
// HMAC-derived label "u" + base64url(value).
func sdLabels(v any) (map[string]string, error) {
	labels, ok := v.(map[uint64]any)
	if !ok {
		return nil, errors.New("the label map is not a map")
	}
	out := make(map[string]string, len(labels))
	for k, e := range labels {
		b, ok := e.([]byte)
		if !ok {
			return nil, errors.New("a label is not a byte string")
		}
		out[fmt.Sprintf("c14n%d", k)] = "u" + base64.RawURLEncoding.EncodeToString(b)
	}
	return out, nil
}

// verifyECDSASD verifies a derived ecdsa-sd-2023 proof with the issuer's
// P-256 key.
func (v *Verifier) verifyECDSASD(ctx context.Context, doc, proof map[string]any, issuerKey *ecdsa.PublicKey) error {
	p, err := parseDerivedProof(str(proof, "proofValue"))
	if err != nil {
		return err
	}
	ephemeral, err := decompressP256(p.publicKey[2:])
	if err != nil || p.publicKey[0] != multicodecP256[0] || p.publicKey[1] != multicodecP256[1] {
		return errors.New("the ephemeral key is not a P-256 Multikey")
	}
	proofHash, err := v.proofConfigHash(ctx, doc, proof)
	if err != nil {
		return err
	}
	canon, err := v.loader.Canonicalize(ctx, unsecured(doc))
	if err != nil {
		return err
	}
	quads, err := relabel(canon, p.labelMap)
	if err != nil {
		return err
	}
	mandatory, other, err := splitQuads(quads, p.mandatory)
	if err != nil {
		return err
	}
	mandatoryHash := sha256.Sum256([]byte(strings.Join(mandatory, "")))
	signed := slices.Concat(proofHash, p.publicKey, mandatoryHash[:])
	if !verifyP256(issuerKey, signed, p.baseSignature) {
		return errSignature
	}
	if len(other) != len(p.signatures) {
		return fmt.Errorf("%d disclosed statements but %d signatures", len(other), len(p.signatures))
	}
	for i, q := range other {
		if !verifyP256(ephemeral, []byte(q), p.signatures[i]) {
			return fmt.Errorf("%w (disclosed statement %d)", errSignature, i+1)
		}
	}
	return nil
}

// relabel replaces each canonical blank-node label with its HMAC-derived
// label and sorts the statements again, as the issuer did when signing.
func relabel(canon []byte, labels map[string]string) ([]string, error) {
	lines := strings.SplitAfter(string(canon), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	for i, l := range lines {
		out, err := relabelLine(l, labels)
		if err != nil {
			return nil, err
		}
		lines[i] = out
	}
	slices.Sort(lines)
	return lines, nil
}

// relabelLine rewrites the blank nodes of one N-Quad, skipping over IRIs and
// literals so that text that looks like a label is left alone.
func relabelLine(l string, labels map[string]string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(l); {
		switch {
		case l[i] == '<':
			end := strings.IndexByte(l[i:], '>')
			if end < 0 {
				return "", errors.New("unterminated IRI in canonical N-Quads")
			}
			b.WriteString(l[i : i+end+1])
			i += end + 1
		case l[i] == '"':
			j := i + 1
			for j < len(l) && l[j] != '"' {
				if l[j] == '\\' {
					j++
				}
				j++
			}
			b.WriteString(l[i:min(j+1, len(l))])
			i = j + 1
		case strings.HasPrefix(l[i:], "_:"):
			end := strings.IndexByte(l[i:], ' ')
			if end < 0 {
				return "", errors.New("unterminated blank node in canonical N-Quads")
			}
			label := l[i+2 : i+end]
			to, ok := labels[label]
			if !ok {
				return "", fmt.Errorf("the label map has no entry for blank node %s", label)
			}
			b.WriteString("_:" + to)
			i += end
		default:
			b.WriteByte(l[i])
			i++
		}
	}
	return b.String(), nil
}

// splitQuads separates the mandatory statements from the disclosed ones.
func splitQuads(quads []string, mandatory []int) (must, other []string, err error) {
	isMandatory := make(map[int]bool, len(mandatory))
	for _, i := range mandatory {
		if i >= len(quads) {
			return nil, nil, fmt.Errorf("mandatory index %d is out of range", i)
		}
		isMandatory[i] = true
	}
	for i, q := range quads {
		if isMandatory[i] {
			must = append(must, q)
		} else {
			other = append(other, q)
		}
	}
	return must, other, nil
}

// verifyP256 checks an IEEE P1363 (r||s) ECDSA signature over SHA-256(msg).
func verifyP256(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	if len(sig) != 64 {
		return false
	}
	h := sha256.Sum256(msg)
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	return ecdsa.Verify(pub, h[:], r, s)
}

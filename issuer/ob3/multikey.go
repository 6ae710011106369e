package ob3

import (
	"crypto/ed25519"
	"errors"
	"fmt"
)

// ErrMultikey is returned (wrapped) for a publicKeyMultibase value that is
// not an Ed25519 Multikey.
var ErrMultikey = errors.New("ob3: not an Ed25519 Multikey")

// multicodecEd25519Pub is the multicodec header of an Ed25519 public key
// (0xed as an unsigned varint).
var multicodecEd25519Pub = [2]byte{0xed, 0x01}

// maxMultikeyLen bounds the input before base58 decoding: 34 bytes encode to
// at most 47 characters, plus the multibase prefix.
const maxMultikeyLen = 64

// EncodeMultikeyEd25519 returns the Multikey publicKeyMultibase of an Ed25519
// public key: "z" + base58btc(0xed 0x01 || key). It starts "z6Mk".
func EncodeMultikeyEd25519(pub ed25519.PublicKey) string {
	b := make([]byte, 0, 2+len(pub))
	b = append(b, multicodecEd25519Pub[:]...)
	b = append(b, pub...)
	return "z" + Base58Encode(b)
}

// DecodeMultikeyEd25519 parses a Multikey publicKeyMultibase holding an
// Ed25519 public key.
func DecodeMultikeyEd25519(s string) (ed25519.PublicKey, error) {
	if len(s) > maxMultikeyLen {
		return nil, fmt.Errorf("%w: %d characters is too long", ErrMultikey, len(s))
	}
	if len(s) == 0 || s[0] != 'z' {
		return nil, fmt.Errorf("%w: multibase prefix must be 'z' (base58btc)", ErrMultikey)
	}
	b, err := Base58Decode(s[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMultikey, err)
	}
	if len(b) < 2 || b[0] != multicodecEd25519Pub[0] || b[1] != multicodecEd25519Pub[1] {
		return nil, fmt.Errorf("%w: multicodec header is not ed25519-pub (0xed01)", ErrMultikey)
	}
	if len(b)-2 != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: key is %d bytes, want %d", ErrMultikey, len(b)-2, ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b[2:]), nil
}

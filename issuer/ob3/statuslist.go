package ob3

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// StatusListSize is the length in bits of Laurel's status lists: the minimum
// the Bitstring Status List specification allows, which gives herd privacy.
const StatusListSize = 131072 // bits, the minimum the spec allows

// MaxBitstringBytes bounds a decoded list, so a small gzip bomb in someone
// else's status list cannot exhaust memory.
const MaxBitstringBytes = 16 << 20

// maxEncodedList bounds the text handed to DecodeBitstring. A list that does
// not compress is stored by gzip with a few bytes per 64 KiB block, and base64
// adds a third, so the largest list Encode can emit stays below this.
const maxEncodedList = (MaxBitstringBytes+MaxBitstringBytes/1024+1024)/3*4 + 8

// ErrBitstring is wrapped by every DecodeBitstring and index error.
var ErrBitstring = errors.New("ob3: bad bitstring status list")

// Bitstring is a W3C Bitstring Status List: a fixed number of bits, a
// multiple of 8, where bit 0 is the most significant bit of the first byte.
type Bitstring struct {
	bits []byte
}

// NewBitstring returns an all-zero list of the given length. Sizes are fixed
// by the program, not by input, so a length that is not a positive multiple of
// 8 (or exceeds MaxBitstringBytes) is a bug and panics.
func NewBitstring(bits int) *Bitstring {
	if bits <= 0 || bits%8 != 0 || bits/8 > MaxBitstringBytes {
		panic(fmt.Sprintf("ob3: NewBitstring(%d): length must be a positive multiple of 8 up to %d bytes", bits, MaxBitstringBytes))
	}
	return &Bitstring{bits: make([]byte, bits/8)}
}

// Len is the length of the list in bits.
func (b *Bitstring) Len() int { return len(b.bits) * 8 }

func (b *Bitstring) locate(i int) (int, byte, error) {
	if i < 0 || i >= b.Len() {
		return 0, 0, fmt.Errorf("%w: index %d outside [0, %d)", ErrBitstring, i, b.Len())
	}
	return i / 8, 0x80 >> (i % 8), nil
}

// Set sets bit i to v; index 0 is the most significant bit of the first byte.
func (b *Bitstring) Set(i int, v bool) error {
	at, mask, err := b.locate(i)
	if err != nil {
		return err
	}
	if v {
		b.bits[at] |= mask
	} else {
		b.bits[at] &^= mask
	}
	return nil
}

// Get reports bit i.
func (b *Bitstring) Get(i int) (bool, error) {
	at, mask, err := b.locate(i)
	if err != nil {
		return false, err
	}
	return b.bits[at]&mask != 0, nil
}

// Encode returns the encodedList value: "u" + base64url-nopad(gzip(bytes)),
// the multibase base64url form the 2024 specification requires.
func (b *Bitstring) Encode() (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(b.bits); err != nil {
		return "", fmt.Errorf("ob3: compressing status list: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("ob3: compressing status list: %w", err)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// DecodeBitstring reads an encodedList. Besides the "u"-prefixed multibase form it
// accepts plain base64url or base64 (padded or not) of the gzip data, as
// StatusList2021 and early Bitstring lists used. It refuses anything that is
// not gzip, more than MaxBitstringBytes once decompressed, or empty. It does not
// enforce the 131,072-bit minimum: that is the issuer's duty, and a verifier
// may still want to read a short list.
func DecodeBitstring(s string) (*Bitstring, error) {
	if len(s) > maxEncodedList {
		return nil, fmt.Errorf("%w: encoded list of %d bytes is too long", ErrBitstring, len(s))
	}
	s = strings.TrimSpace(s)
	// gzip data always begins 0x1f 0x8b, which base64 writes as "H4s", so a
	// leading "u" can only be the multibase prefix.
	var encodings []*base64.Encoding
	if rest, ok := strings.CutPrefix(s, "u"); ok {
		s = rest
		encodings = []*base64.Encoding{base64.RawURLEncoding}
	} else {
		encodings = []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding}
	}
	var compressed []byte
	var err error
	for _, enc := range encodings {
		if compressed, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: not base64: %v", ErrBitstring, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("%w: not gzip: %v", ErrBitstring, err)
	}
	// Reading one byte past the limit tells a list at the limit from a bomb;
	// reading to EOF also makes gzip check its CRC and length.
	raw, err := io.ReadAll(io.LimitReader(zr, MaxBitstringBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrBitstring, err)
	}
	if len(raw) > MaxBitstringBytes {
		return nil, fmt.Errorf("%w: decompresses to more than %d bytes", ErrBitstring, MaxBitstringBytes)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%w: empty list", ErrBitstring)
	}
	return &Bitstring{bits: raw}, nil
}

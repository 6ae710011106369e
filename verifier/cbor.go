package verifier

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The ecdsa-sd-2023 cryptosuite packs its proofValue in CBOR. This decoder
// reads only the subset it uses: unsigned integers, byte and text strings,
// arrays, and maps with unsigned-integer keys, all of definite length.

// errCBOR is wrapped by every decoding error.
var errCBOR = errors.New("bad CBOR")

const maxCBORDepth = 8

type cborReader struct {
	b []byte
}

// decodeCBOR decodes exactly one item filling b.
func decodeCBOR(b []byte) (any, error) {
	r := &cborReader{b: b}
	v, err := r.item(0)
	if err != nil {
		return nil, err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the item", errCBOR, len(r.b))
	}
	return v, nil
}

// head reads an item's major type and argument.
func (r *cborReader) head() (major byte, arg uint64, err error) {
	if len(r.b) == 0 {
		return 0, 0, fmt.Errorf("%w: unexpected end", errCBOR)
	}
	major, info := r.b[0]>>5, r.b[0]&0x1f
	r.b = r.b[1:]
	size := 0
	switch {
	case info < 24:
		return major, uint64(info), nil
	case info == 24:
		size = 1
	case info == 25:
		size = 2
	case info == 26:
		size = 4
	case info == 27:
		size = 8
	default:
		return 0, 0, fmt.Errorf("%w: indefinite or reserved length", errCBOR)
	}
	if len(r.b) < size {
		return 0, 0, fmt.Errorf("%w: unexpected end", errCBOR)
	}
	var buf [8]byte
	copy(buf[8-size:], r.b[:size])
	r.b = r.b[size:]
	return major, binary.BigEndian.Uint64(buf[:]), nil
}

func (r *cborReader) item(depth int) (any, error) {
	if depth > maxCBORDepth {
		return nil, fmt.Errorf("%w: nested too deeply", errCBOR)
	}
	major, arg, err := r.head()
	if err != nil {
		return nil, err
	}
	switch major {
	case 0:
		return arg, nil
	case 2, 3:
		if arg > uint64(len(r.b)) {
			return nil, fmt.Errorf("%w: string longer than the input", errCBOR)
		}
		s := r.b[:arg:arg]
		r.b = r.b[arg:]
		if major == 3 {
			return string(s), nil
		}
		return s, nil
	case 4:
		return r.array(arg, depth)
	case 5:
		return r.uintMap(arg, depth)
	}
	return nil, fmt.Errorf("%w: major type %d is not supported", errCBOR, major)
}

func (r *cborReader) array(n uint64, depth int) ([]any, error) {
	// Every item takes at least one byte, which bounds n by the input.
	if n > uint64(len(r.b)) {
		return nil, fmt.Errorf("%w: array longer than the input", errCBOR)
	}
	out := make([]any, 0, n)
	for range n {
		v, err := r.item(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (r *cborReader) uintMap(n uint64, depth int) (map[uint64]any, error) {
	if n > uint64(len(r.b))/2 {
		return nil, fmt.Errorf("%w: map longer than the input", errCBOR)
	}
	out := make(map[uint64]any, n)
	for range n {
		k, err := r.item(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(uint64)
		if !ok {
			return nil, fmt.Errorf("%w: map key is not an unsigned integer", errCBOR)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("%w: duplicate map key %d", errCBOR, key)
		}
		if out[key], err = r.item(depth + 1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

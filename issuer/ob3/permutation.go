package ob3

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// permRounds is the number of Feistel rounds. Four already give a pseudorandom
// permutation in theory; tiny domains like ours warrant a wide margin, and
// the round functions are tabulated, so extra rounds cost almost nothing.
const permRounds = 10

// maxPermBits caps the domain so the per-round tables stay small.
const maxPermBits = 26

// Permutation is a keyed bijection on [0, size). Laurel allocates status list
// positions as Apply(counter), so consecutive credentials land at unrelated
// positions and a list reveals nothing about issue order or volume.
//
// It is a balanced Feistel network on an even number of bits (the domain's
// bit count rounded up), with HMAC-SHA256 as round function; for an odd bit
// count, values that fall outside the domain are fed through again (cycle
// walking), which keeps it a bijection on [0, size).
type Permutation struct {
	size int
	half uint   // bits in each Feistel half
	mask uint32 // (1 << half) - 1
	// round[r][x] is the round function F_r(x), tabulated at construction.
	round [permRounds][]uint32
}

// NewPermutation derives a permutation of [0, size) from key. size must be a
// power of two ≥ 4 (Laurel uses StatusListSize) and key at least 16 bytes.
func NewPermutation(key []byte, size int) (*Permutation, error) {
	if len(key) < 16 {
		return nil, errors.New("ob3: permutation key must be at least 16 bytes")
	}
	if size < 4 || size&(size-1) != 0 {
		return nil, fmt.Errorf("ob3: permutation size %d is not a power of two ≥ 4", size)
	}
	n := uint(bits.TrailingZeros(uint(size)))
	if n > maxPermBits {
		return nil, fmt.Errorf("ob3: permutation size %d is over 2^%d", size, maxPermBits)
	}
	p := &Permutation{size: size, half: (n + 1) / 2}
	p.mask = 1<<p.half - 1
	mac := hmac.New(sha256.New, key)
	// The domain size and round number are part of every input, so lists of
	// different sizes under one key get unrelated permutations.
	var msg [10]byte
	copy(msg[:4], "perm")
	msg[4] = byte(n)
	var sum [sha256.Size]byte
	for r := range permRounds {
		msg[5] = byte(r)
		t := make([]uint32, 1<<p.half)
		for x := range t {
			binary.BigEndian.PutUint32(msg[6:], uint32(x))
			mac.Reset()
			mac.Write(msg[:])
			t[x] = binary.BigEndian.Uint32(mac.Sum(sum[:0])) & p.mask
		}
		p.round[r] = t
	}
	return p, nil
}

// Size is the domain size.
func (p *Permutation) Size() int { return p.size }

func (p *Permutation) forward(v uint32) uint32 {
	l, r := v>>p.half, v&p.mask
	for i := range permRounds {
		l, r = r, l^p.round[i][r]
	}
	return l<<p.half | r
}

func (p *Permutation) backward(v uint32) uint32 {
	l, r := v>>p.half, v&p.mask
	for i := permRounds - 1; i >= 0; i-- {
		l, r = r^p.round[i][l], l
	}
	return l<<p.half | r
}

// Apply maps n in [0, Size()) to its position. An out-of-range n is a caller
// bug (the allocation counter overran the list) and panics.
func (p *Permutation) Apply(n int) int {
	p.check(n)
	v := uint32(n)
	// The Feistel domain is at most twice the size, so this loop runs about
	// twice on average and always ends: the cycle through n returns to n.
	for {
		v = p.forward(v)
		if int(v) < p.size {
			return int(v)
		}
	}
}

// Invert returns the n with Apply(n) == i.
func (p *Permutation) Invert(i int) int {
	p.check(i)
	v := uint32(i)
	for {
		v = p.backward(v)
		if int(v) < p.size {
			return int(v)
		}
	}
}

func (p *Permutation) check(n int) {
	if n < 0 || n >= p.size {
		panic(fmt.Sprintf("ob3: permutation input %d outside [0, %d)", n, p.size))
	}
}

package ob3

import (
	"errors"
	"fmt"
)

// base58Alphabet is the Bitcoin alphabet that multibase calls base58btc.
const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// ErrBase58 is returned (wrapped) for a string that is not base58btc.
var ErrBase58 = errors.New("ob3: invalid base58btc")

// base58Index maps a character to its digit value, or -1.
var base58Index = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

// Base58Encode encodes b in base58btc (no multibase prefix). Each leading
// zero byte becomes a leading '1'.
func Base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.38: room for every digit of the number.
	digits := make([]byte, (len(b)-zeros)*138/100+1)
	top := len(digits) // digits[top:] holds the number so far, most significant first
	for _, c := range b[zeros:] {
		carry := int(c)
		j := len(digits) - 1
		for ; j >= top || carry != 0; j-- {
			carry += 256 * int(digits[j])
			digits[j] = byte(carry % 58)
			carry /= 58
		}
		top = j + 1
	}
	for top < len(digits) && digits[top] == 0 {
		top++
	}
	out := make([]byte, zeros+len(digits)-top)
	for i := 0; i < zeros; i++ {
		out[i] = '1'
	}
	for i, d := range digits[top:] {
		out[zeros+i] = base58Alphabet[d]
	}
	return string(out)
}

// Base58Decode decodes a base58btc string (no multibase prefix). Each
// leading '1' becomes a leading zero byte. Callers that take input from
// others should bound its length first: decoding is quadratic.
func Base58Decode(s string) ([]byte, error) {
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) < 0.733: room for every byte of the number.
	buf := make([]byte, (len(s)-zeros)*733/1000+1)
	top := len(buf)
	for i := zeros; i < len(s); i++ {
		d := base58Index[s[i]]
		if d < 0 {
			return nil, fmt.Errorf("%w: character %q at offset %d", ErrBase58, s[i:i+1], i)
		}
		carry := int(d)
		j := len(buf) - 1
		for ; j >= top || carry != 0; j-- {
			carry += 58 * int(buf[j])
			buf[j] = byte(carry)
			carry >>= 8
		}
		top = j + 1
	}
	for top < len(buf) && buf[top] == 0 {
		top++
	}
	out := make([]byte, zeros+len(buf)-top)
	copy(out[zeros:], buf[top:])
	return out, nil
}

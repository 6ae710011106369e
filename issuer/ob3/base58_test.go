package ob3

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func TestBase58(t *testing.T) {
	tests := []struct {
		name    string
		decoded []byte
		encoded string
	}{
		{"empty", []byte{}, ""},
		{"one zero byte", []byte{0}, "1"},
		{"leading zero bytes", []byte{0, 0, 0x28, 0x7f, 0xb4, 0xcd}, "11233QC4"},
		{"only zero bytes", []byte{0, 0, 0, 0}, "1111"},
		{"zeros then one", []byte{0, 0, 0, 1}, "1112"},
		{"single 57", []byte{57}, "z"},
		{"single 58", []byte{58}, "21"},
		{"hello world", []byte("Hello World!"), "2NEpo7TZRRrLZSi2U"},
		{"quick fox", []byte("The quick brown fox jumps over the lazy dog."), "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"},
		{"all ones", bytes.Repeat([]byte{0xff}, 8), "jpXCZedGfVQ"},
		{"ed25519 multikey of the vector", append([]byte{0xed, 0x01}, mustHex(t, "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")...), "6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Base58Encode(tt.decoded); got != tt.encoded {
				t.Errorf("Base58Encode(%x) = %q, want %q", tt.decoded, got, tt.encoded)
			}
			got, err := Base58Decode(tt.encoded)
			if err != nil {
				t.Fatalf("Base58Decode(%q): %v", tt.encoded, err)
			}
			if !bytes.Equal(got, tt.decoded) {
				t.Errorf("Base58Decode(%q) = %x, want %x", tt.encoded, got, tt.decoded)
			}
		})
	}
}

func TestBase58DecodeInvalid(t *testing.T) {
	tests := []struct {
		name, in, bad string
	}{
		{"zero digit", "10", `"0" at offset 1`},
		{"capital O", "2O", `"O" at offset 1`},
		{"capital I", "I", `"I" at offset 0`},
		{"lower l", "abl", `"l" at offset 2`},
		{"punctuation", "abc!", `"!" at offset 3`},
		{"space", "ab c", `" " at offset 2`},
		{"plus sign", "z6Mk+", `"+" at offset 4`},
		{"non-ASCII", "2é", `"\xc3" at offset 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Base58Decode(tt.in)
			if !errors.Is(err, ErrBase58) {
				t.Fatalf("Base58Decode(%q) error = %v, want ErrBase58", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.bad) {
				t.Errorf("error %q does not name the character %s", err, tt.bad)
			}
		})
	}
}

func TestMultikeyEd25519(t *testing.T) {
	pub := ed25519.PublicKey(mustHex(t, "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"))
	const vectorMultibase = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
	if got := EncodeMultikeyEd25519(pub); got != vectorMultibase {
		t.Fatalf("EncodeMultikeyEd25519 = %q, want %q", got, vectorMultibase)
	}
	zeroKey := make(ed25519.PublicKey, ed25519.PublicKeySize)
	if got := EncodeMultikeyEd25519(zeroKey); !strings.HasPrefix(got, "z6Mk") {
		t.Errorf("multikey of the zero key = %q, want prefix z6Mk", got)
	}

	tests := []struct {
		name    string
		in      string
		want    ed25519.PublicKey
		wantErr string
	}{
		{"vector key", vectorMultibase, pub, ""},
		{"zero key", EncodeMultikeyEd25519(zeroKey), zeroKey, ""},
		{"empty", "", nil, "prefix"},
		{"no multibase prefix", vectorMultibase[1:], nil, "prefix"},
		{"base64url prefix", "u" + vectorMultibase[1:], nil, "prefix"},
		{"invalid character", "z6Mk0", nil, "invalid base58btc"},
		{"wrong multicodec (secp256k1)", "z" + Base58Encode(append([]byte{0xe7, 0x01}, make([]byte, 33)...)), nil, "multicodec"},
		{"secret-key multicodec", "z" + Base58Encode(append([]byte{0x80, 0x26}, make([]byte, 32)...)), nil, "multicodec"},
		{"short key", "z" + Base58Encode(append([]byte{0xed, 0x01}, make([]byte, 31)...)), nil, "31 bytes"},
		{"long key", "z" + Base58Encode(append([]byte{0xed, 0x01}, make([]byte, 33)...)), nil, "33 bytes"},
		{"header only", "z" + Base58Encode([]byte{0xed, 0x01}), nil, "0 bytes"},
		{"too long to decode", "z" + strings.Repeat("2", 200), nil, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeMultikeyEd25519(tt.in)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrMultikey) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("DecodeMultikeyEd25519(%q) error = %v, want ErrMultikey mentioning %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeMultikeyEd25519(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("DecodeMultikeyEd25519(%q) = %x, want %x", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzBase58Decode(f *testing.F) {
	for _, s := range []string{"", "1", "111", "2NEpo7TZRRrLZSi2U", "z", "0OIl", "11233QC4", "jpXCZedGfVQ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 512 {
			return // decoding is quadratic; long inputs add nothing
		}
		b, err := Base58Decode(s)
		if err != nil {
			if !errors.Is(err, ErrBase58) {
				t.Fatalf("error %v does not match ErrBase58", err)
			}
			return
		}
		// base58btc is canonical: a decodable string is the encoding of
		// what it decodes to.
		if again := Base58Encode(b); again != s {
			t.Fatalf("Base58Encode(Base58Decode(%q)) = %q", s, again)
		}
	})
}

func FuzzDecodeMultikey(f *testing.F) {
	f.Add("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
	f.Add("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
	f.Add("zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx")
	f.Add("z")
	f.Add("")
	f.Add("6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
	f.Add("z111111111111111111111111111111111111111111111")
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := DecodeMultikeyEd25519(s)
		if err != nil {
			if !errors.Is(err, ErrMultikey) {
				t.Fatalf("error %v does not match ErrMultikey", err)
			}
			return
		}
		if len(pub) != ed25519.PublicKeySize {
			t.Fatalf("decoded key of %d bytes", len(pub))
		}
		if again := EncodeMultikeyEd25519(pub); again != s {
			t.Fatalf("EncodeMultikeyEd25519(DecodeMultikeyEd25519(%q)) = %q", s, again)
		}
	})
}

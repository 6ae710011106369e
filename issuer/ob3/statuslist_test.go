package ob3

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gzipped compresses b for building hand-made lists.
func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// setBits returns the indexes of all set bits.
func setBits(t *testing.T, b *Bitstring) []int {
	t.Helper()
	var out []int
	for i := range b.Len() {
		v, err := b.Get(i)
		if err != nil {
			t.Fatal(err)
		}
		if v {
			out = append(out, i)
		}
	}
	return out
}

func TestBitstringBitOrder(t *testing.T) {
	tests := []struct {
		index int
		byteN int
		mask  byte
	}{
		{0, 0, 0x80},
		{1, 0, 0x40},
		{7, 0, 0x01},
		{8, 1, 0x80},
		{9, 1, 0x40},
		{23, 2, 0x01},
		{StatusListSize - 1, StatusListSize/8 - 1, 0x01},
	}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.index), func(t *testing.T) {
			b := NewBitstring(StatusListSize)
			if err := b.Set(tc.index, true); err != nil {
				t.Fatal(err)
			}
			for i, v := range b.bits {
				want := byte(0)
				if i == tc.byteN {
					want = tc.mask
				}
				if v != want {
					t.Fatalf("byte %d = %#02x, want %#02x", i, v, want)
				}
			}
			if got, _ := b.Get(tc.index); !got {
				t.Error("Get after Set = false")
			}
			if err := b.Set(tc.index, false); err != nil {
				t.Fatal(err)
			}
			if got, _ := b.Get(tc.index); got || b.bits[tc.byteN] != 0 {
				t.Error("bit still set after clearing")
			}
		})
	}
}

func TestBitstringIndexRange(t *testing.T) {
	b := NewBitstring(16)
	for _, i := range []int{-1, 16, 1 << 40} {
		if err := b.Set(i, true); !errors.Is(err, ErrBitstring) {
			t.Errorf("Set(%d) error %v, want ErrBitstring", i, err)
		}
		if _, err := b.Get(i); !errors.Is(err, ErrBitstring) {
			t.Errorf("Get(%d) error %v, want ErrBitstring", i, err)
		}
	}
}

func TestNewBitstringPanics(t *testing.T) {
	for _, bits := range []int{0, -8, 7, 131071, (MaxBitstringBytes + 1) * 8} {
		t.Run(strconv.Itoa(bits), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewBitstring(%d) did not panic", bits)
				}
			}()
			NewBitstring(bits)
		})
	}
}

func TestBitstringRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		bits int
		set  []int
	}{
		{"empty list", StatusListSize, nil},
		{"ends", StatusListSize, []int{0, StatusListSize - 1}},
		{"scattered", StatusListSize, []int{3, 9, 23, 4096, 77777, 100000}},
		{"one byte", 8, []int{2, 5}},
		{"large", 8 * StatusListSize, []int{1, 999999}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBitstring(tc.bits)
			for _, i := range tc.set {
				if err := b.Set(i, true); err != nil {
					t.Fatal(err)
				}
			}
			enc, err := b.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(enc, "u") || strings.ContainsAny(enc[1:], "+/=") {
				t.Fatalf("encoding %.20q… is not multibase base64url", enc)
			}
			got, err := DecodeBitstring(enc)
			if err != nil {
				t.Fatalf("DecodeBitstring: %v", err)
			}
			if got.Len() != tc.bits {
				t.Errorf("Len = %d, want %d", got.Len(), tc.bits)
			}
			if !bytes.Equal(got.bits, b.bits) {
				t.Errorf("set bits %v, want %v", setBits(t, got), tc.set)
			}
			again, err := got.Encode()
			if err != nil || again != enc {
				t.Errorf("re-encoding differs (err %v): encoding must be deterministic", err)
			}
		})
	}
}

// statusListIndex reads the index of a BitstringStatusListEntry, which the
// specification makes a string but the validator's sample writes as a number.
func statusListIndex(t *testing.T, entry map[string]any) int {
	t.Helper()
	var s string
	switch v := entry["statusListIndex"].(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	default:
		t.Fatalf("statusListIndex is %T", v)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The public validator's revoked credential points at index 23 of its list;
// decoding that list must show index 23, and only it, set.
func TestDecodeBitstringValidatorList(t *testing.T) {
	cred := decodeJSON(t, readTestdata(t, "statuslist", "credential-status-revoked.json"))
	entry, _ := cred["credentialStatus"].(map[string]any)
	if entry["type"] != "BitstringStatusListEntry" || entry["statusPurpose"] != "revocation" {
		t.Fatalf("credentialStatus = %v", entry)
	}
	if url, _ := entry["statusListCredential"].(string); !strings.HasSuffix(url, "/bit-string-list/testlist") {
		t.Fatalf("statusListCredential = %q, expected the testlist file", url)
	}
	index := statusListIndex(t, entry)
	if index != 23 {
		t.Fatalf("statusListIndex = %d, want 23", index)
	}

	list := decodeJSON(t, readTestdata(t, "statuslist", "testlist"))
	subject, _ := list["credentialSubject"].(map[string]any)
	if subject["type"] != "BitstringStatusList" || subject["statusPurpose"] != "revocation" {
		t.Fatalf("list subject = %v", subject)
	}
	encoded, _ := subject["encodedList"].(string)
	b, err := DecodeBitstring(encoded)
	if err != nil {
		t.Fatalf("DecodeBitstring: %v", err)
	}
	if b.Len() != StatusListSize {
		t.Errorf("Len = %d, want %d", b.Len(), StatusListSize)
	}
	revoked, err := b.Get(index)
	if err != nil || !revoked {
		t.Errorf("Get(%d) = %v, %v; want revoked", index, revoked, err)
	}
	if got := setBits(t, b); len(got) != 1 || got[0] != index {
		t.Errorf("set bits = %v, want only %d", got, index)
	}
}

// The largest list, full of incompressible data, must still decode: the
// length bound on the text has to allow for gzip's and base64's overhead.
func TestBitstringLargestIncompressible(t *testing.T) {
	b := NewBitstring(8 * MaxBitstringBytes)
	if _, err := rand.Read(b.bits); err != nil {
		t.Fatal(err)
	}
	enc, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeBitstring(enc)
	if err != nil {
		t.Fatalf("DecodeBitstring of a %d-char encoding: %v", len(enc), err)
	}
	if !bytes.Equal(got.bits, b.bits) {
		t.Error("decoded bits differ")
	}
}

func TestDecodeBitstringForms(t *testing.T) {
	want := NewBitstring(StatusListSize)
	for _, i := range []int{5, 23, 131000} {
		if err := want.Set(i, true); err != nil {
			t.Fatal(err)
		}
	}
	z := gzipped(t, want.bits)
	tests := []struct{ name, encoded string }{
		{"multibase base64url", "u" + base64.RawURLEncoding.EncodeToString(z)},
		{"plain base64url", base64.RawURLEncoding.EncodeToString(z)},
		{"padded base64url", base64.URLEncoding.EncodeToString(z)},
		{"standard base64", base64.StdEncoding.EncodeToString(z)},
		{"standard base64 unpadded", base64.RawStdEncoding.EncodeToString(z)},
		{"surrounding space", " u" + base64.RawURLEncoding.EncodeToString(z) + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeBitstring(tc.encoded)
			if err != nil {
				t.Fatalf("DecodeBitstring: %v", err)
			}
			if !bytes.Equal(got.bits, want.bits) {
				t.Error("decoded bits differ")
			}
		})
	}
}

func TestDecodeBitstringRejects(t *testing.T) {
	bomb := gzipped(t, make([]byte, MaxBitstringBytes+1))
	atLimit := gzipped(t, make([]byte, MaxBitstringBytes))
	good := gzipped(t, make([]byte, 16))
	tests := []struct {
		name    string
		encoded string
		ok      bool
	}{
		{"at the limit", "u" + base64.RawURLEncoding.EncodeToString(atLimit), true},
		{"gzip bomb", "u" + base64.RawURLEncoding.EncodeToString(bomb), false},
		{"empty", "", false},
		{"prefix only", "u", false},
		{"not base64", "u!!!!", false},
		{"multibase with standard alphabet", "u" + base64.RawStdEncoding.EncodeToString([]byte{0xfb, 0xff, 0xfe}), false},
		{"not gzip", "u" + base64.RawURLEncoding.EncodeToString([]byte("plain bytes, not compressed")), false},
		{"truncated gzip", "u" + base64.RawURLEncoding.EncodeToString(good[:len(good)-5]), false},
		{"bad checksum", "u" + base64.RawURLEncoding.EncodeToString(append(append([]byte{}, good[:len(good)-8]...), 0, 0, 0, 0, 16, 0, 0, 0)), false},
		{"empty list", "u" + base64.RawURLEncoding.EncodeToString(gzipped(t, nil)), false},
		{"too long", strings.Repeat("A", maxEncodedList+1), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeBitstring(tc.encoded)
			if tc.ok {
				if err != nil {
					t.Fatalf("DecodeBitstring: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrBitstring) {
				t.Fatalf("DecodeBitstring = %v, %v; want ErrBitstring", got, err)
			}
		})
	}
}

func FuzzDecodeBitstring(f *testing.F) {
	raw, err := os.ReadFile(filepath.Join("testdata", "statuslist", "testlist"))
	if err != nil {
		f.Fatal(err)
	}
	var list struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		f.Fatal(err)
	}
	f.Add(list.CredentialSubject.EncodedList)
	small := NewBitstring(64)
	_ = small.Set(9, true)
	enc, err := small.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Add(enc[1:])
	f.Add(base64.StdEncoding.EncodeToString(gzipped(f, []byte{1, 2, 3})))
	for _, junk := range []string{"", "u", "uH4sI", "H4sIAAAAAAAA", "u////", "zabc", "\x00"} {
		f.Add(junk)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeBitstring(s)
		if err != nil {
			if !errors.Is(err, ErrBitstring) {
				t.Fatalf("error %v is not ErrBitstring", err)
			}
			return
		}
		if b.Len() <= 0 || b.Len()%8 != 0 || b.Len() > 8*MaxBitstringBytes {
			t.Fatalf("decoded length %d", b.Len())
		}
		// Whatever was accepted re-encodes to an equivalent list.
		enc, err := b.Encode()
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeBitstring(enc)
		if err != nil || !bytes.Equal(again.bits, b.bits) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}

func BenchmarkBitstringEncode(b *testing.B) {
	p, err := NewPermutation([]byte("benchmark-key-0123456789"), StatusListSize)
	if err != nil {
		b.Fatal(err)
	}
	list := NewBitstring(StatusListSize)
	for n := range 100 {
		if err := list.Set(p.Apply(n), true); err != nil {
			b.Fatal(err)
		}
	}
	var size int
	for b.Loop() {
		enc, err := list.Encode()
		if err != nil {
			b.Fatal(err)
		}
		size = len(enc)
	}
	b.ReportMetric(float64(size), "chars")
}

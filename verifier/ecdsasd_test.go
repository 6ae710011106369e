package verifier

import (
	"bytes"
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeCBOR(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want any
		ok   bool
	}{
		{"small uint", []byte{0x05}, uint64(5), true},
		{"uint16", []byte{0x19, 0x01, 0x00}, uint64(256), true},
		{"bytes", []byte{0x42, 0xaa, 0xbb}, []byte{0xaa, 0xbb}, true},
		{"text", []byte{0x62, 'h', 'i'}, "hi", true},
		{"array", []byte{0x82, 0x01, 0x41, 0x09}, []any{uint64(1), []byte{0x09}}, true},
		{"map", []byte{0xa1, 0x00, 0x41, 0x01}, map[uint64]any{0: []byte{0x01}}, true},
		{"empty input", nil, nil, false},
		{"truncated bytes", []byte{0x45, 0x01}, nil, false},
		{"huge array", []byte{0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, nil, false},
		{"indefinite", []byte{0x9f, 0x01, 0xff}, nil, false},
		{"text map key", []byte{0xa1, 0x61, 'a', 0x01}, nil, false},
		{"duplicate key", []byte{0xa2, 0x00, 0x01, 0x00, 0x02}, nil, false},
		{"negative int", []byte{0x20}, nil, false},
		{"trailing", []byte{0x01, 0x02}, nil, false},
		{"too deep", bytes.Repeat([]byte{0x81}, 20), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeCBOR(tc.in)
			if (err == nil) != tc.ok || (tc.ok && !reflect.DeepEqual(got, tc.want)) {
				t.Fatalf("decodeCBOR = %#v, %v; want %#v, ok %v", got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestRelabel(t *testing.T) {
	labels := map[string]string{"c14n0": "uAAA", "c14n1": "uBBB"}
	canon := "_:c14n1 <http://ex/p> \"a \\\"_:c14n0 \" .\n" +
		"_:c14n0 <http://ex/q> _:c14n1 _:c14n0 .\n" +
		"<http://ex/s> <http://ex/p> \"x\"^^<http://ex/t> .\n"
	got, err := relabel([]byte(canon), labels)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"<http://ex/s> <http://ex/p> \"x\"^^<http://ex/t> .\n",
		"_:uAAA <http://ex/q> _:uBBB _:uAAA .\n",
		"_:uBBB <http://ex/p> \"a \\\"_:c14n0 \" .\n",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("relabel =\n%q\nwant\n%q", got, want)
	}
	if _, err := relabel([]byte("_:c14n9 <http://ex/p> \"x\" .\n"), labels); err == nil {
		t.Fatal("an unmapped label was accepted")
	}
}

func TestParseDerivedProof(t *testing.T) {
	enc := func(b ...byte) string { return "u" + base64.RawURLEncoding.EncodeToString(b) }
	for _, tc := range []struct {
		name, value, say string
	}{
		{"not base64url multibase", "z123", "not multibase base64url"},
		{"base proof", enc(0xd9, 0x5d, 0x00, 0x80), "base proof"},
		{"other header", enc(0xd9, 0x5d, 0x07, 0x80), "not a derived"},
		{"wrong shape", enc(0xd9, 0x5d, 0x01, 0x80), "five components"},
		{"short signature", enc(0xd9, 0x5d, 0x01, 0x85, 0x41, 0x00, 0x41, 0x00, 0x80, 0xa0, 0x80), "64 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseDerivedProof(tc.value)
			if err == nil || !strings.Contains(err.Error(), tc.say) {
				t.Fatalf("err = %v, want %q", err, tc.say)
			}
		})
	}
}

// TestECDSASD_Tampered: changing a disclosed statement, or dropping one
// the issuer made mandatory, breaks the derived proof.
func TestECDSASD_Tampered(t *testing.T) {
	_, f := MustHostServer(t, conformanceHosts)
	v := MustVerifier(t, Options{Fetcher: f, Now: FixedClock(conformanceClock)})
	orig := MustRead(t, "validator/sd/derivedcredential.json")
	for _, tc := range []struct {
		name     string
		old, new string
	}{
		{"changed achievement name", `"name": "Teamwork"`, `"name": "Leadership"`},
		{"changed issuer", `"name": "Example Corp"`, `"name": "Other Corp"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := bytes.Replace(orig, []byte(tc.old), []byte(tc.new), 1)
			if bytes.Equal(data, orig) {
				t.Fatalf("%s not found in the credential", tc.old)
			}
			r := MustVerify(t, v, Input{Data: data})
			if r.Verdict != Invalid || !hasOutcome(r, CheckProof, Fail) {
				dump(t, r)
				t.Fatal("a tampered selective-disclosure credential was not refused")
			}
		})
	}
}

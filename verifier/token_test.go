package verifier

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/laurel-badges/laurel/badges"
)

// A token read once reports, at each verification, exactly what the
// token given as data reports: expiry, revocation and the signature are
// checked again every time, and verifying leaves the token as it was.
func TestVerifier_ReadToken(t *testing.T) {
	li, v, now, until, token := tokenFixture(t)
	read, err := ReadToken(token + "\n")
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, read.cred)
	same := func(when string, wantVerdict Verdict) {
		t.Helper()
		kept := MustVerify(t, v, Input{Token: read})
		given := MustVerify(t, v, Input{Data: []byte(token)})
		if !reflect.DeepEqual(kept, given) {
			dump(t, kept)
			dump(t, given)
			t.Fatalf("%s: the token read once reports otherwise than the token given", when)
		}
		if kept.Verdict != wantVerdict {
			dump(t, kept)
			t.Fatalf("%s: verdict %s, want %s", when, kept.Verdict, wantVerdict)
		}
	}
	same("at first", Valid)
	*now = until.Add(time.Hour)
	same("after it expired", Invalid)
	*now = laurelNow
	li.publishStatusList(activeIndex)
	same("after it was revoked", Invalid)
	li.publishStatusList()
	same("once restored", Valid)
	if after := snapshot(t, read.cred); after != before {
		t.Errorf("verifying changed the token read:\nbefore %s\nafter  %s", before, after)
	}

	tampered, err := ReadToken(tamperJWT(t, token))
	if err != nil {
		t.Fatal(err)
	}
	if r := MustVerify(t, v, Input{Token: tampered}); r.Verdict != Invalid || r.firstOf(Fail).ID != CheckProof {
		dump(t, r)
		t.Errorf("a tampered token read once: %s", r.Verdict)
	}
	if read.Size() < len(read.cred.jwt.RawPayload) {
		t.Errorf("Size %d is less than the payload alone", read.Size())
	}
}

func TestReadToken_Refuses(t *testing.T) {
	f := newOB2Fixture(t)
	ob2 := f.sign(t, f.assertion("https://example.org/assertions/1", "SignedBadge"), jwa.RS256)
	for _, tc := range []struct {
		name, token string
		code        string
	}{
		{"empty", "", badges.EINVALID},
		{"JSON", `{"@context":[]}`, badges.EINVALID},
		{"two parts", "eyJhbGciOiJSUzI1NiJ9.e30", badges.EINVALID},
		{"not base64url", "eyJhbGciOiJSUzI1NiJ9.e30.a+b", badges.EINVALID},
		{"bad payload", "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", badges.EINVALID},
		{"an Open Badges 2.0 signed assertion", ob2, badges.EINVALID},
		{"too large", strings.Repeat("a", MaxJWTSize+1), badges.ETOOLARGE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadToken(tc.token)
			if badges.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

func TestVerify_TokenWithOtherInput(t *testing.T) {
	_, v, _, _, token := tokenFixture(t)
	read, err := ReadToken(token)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []Input{{Token: read, Data: []byte(token)}, {Token: read, URL: "https://example.org/c/1"}} {
		if _, err := v.Verify(t.Context(), in); badges.ErrorCode(err) != badges.EINVALID {
			t.Errorf("%+v: got %v, want %s", in, err, badges.EINVALID)
		}
	}
}

// plainJSON turns numbers into float64 and copies only what holds one:
// what it leaves alone is shared, and the input is never changed.
func TestPlainJSON_CopiesOnlyWhatHasNumbers(t *testing.T) {
	dec := json.NewDecoder(strings.NewReader(`{"n":1,"text":{"a":"b"},"list":[{"x":2.5},"s"],"deep":{"k":[1e400]}}`))
	dec.UseNumber()
	var in map[string]any
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	orig, _ := json.Marshal(in)
	out := plainJSON(in).(map[string]any)
	want := map[string]any{"n": 1.0, "text": map[string]any{"a": "b"}, "list": []any{map[string]any{"x": 2.5}, "s"}, "deep": map[string]any{"k": []any{"1e400"}}}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("got %#v\nwant %#v", out, want)
	}
	if now, _ := json.Marshal(in); string(now) != string(orig) {
		t.Errorf("the input changed: %s, was %s", now, orig)
	}
	if reflect.ValueOf(out["text"]).UnsafePointer() != reflect.ValueOf(in["text"]).UnsafePointer() {
		t.Error("an object without numbers was copied")
	}
	if reflect.ValueOf(out).UnsafePointer() == reflect.ValueOf(in).UnsafePointer() {
		t.Error("an object with a number was not copied")
	}
	if got, changed := plain("text"); got != "text" || changed {
		t.Errorf("plain(text) = %v, %v", got, changed)
	}
}

// TestVerifier_RememberedTokens verifies one VC-JWT again and again: the
// token is read once, but every verification still checks its dates (a
// later clock finds it expired), its signature (a tampered token fails)
// and its status, and no verification changes what is remembered.
func TestVerifier_RememberedTokens(t *testing.T) {
	li, v, now, until, token := tokenFixture(t)

	if r := MustVerify(t, v, Input{Data: []byte(token)}); r.Verdict != Valid {
		dump(t, r)
		t.Fatalf("first verification: %s", r.Verdict)
	}
	c, ok := v.tokens.get([]byte(token))
	if !ok {
		t.Fatal("the token was not remembered")
	}
	before := snapshot(t, c)

	*now = until.Add(time.Hour)
	if r := MustVerify(t, v, Input{Data: []byte(token)}); r.Verdict != Invalid {
		t.Errorf("verified after it expired: %s", r.Verdict)
	}
	*now = laurelNow
	li.publishStatusList(activeIndex)
	if r := MustVerify(t, v, Input{Data: []byte(token)}); r.Verdict != Invalid || !r.Credential.Revoked {
		t.Errorf("verified after it was revoked: %s", r.Verdict)
	}
	li.publishStatusList()
	if r := MustVerify(t, v, Input{Data: []byte(tamperJWT(t, token))}); r.Verdict != Invalid {
		t.Errorf("a tampered token verified: %s", r.Verdict)
	}
	if r := MustVerify(t, v, Input{Data: []byte(token)}); r.Verdict != Valid {
		dump(t, r)
		t.Errorf("verified again: %s", r.Verdict)
	}
	if after := snapshot(t, c); after != before {
		t.Errorf("verifying changed the remembered token:\nbefore %s\nafter  %s", before, after)
	}
	if again, _ := v.tokens.get([]byte(token)); !reflect.DeepEqual(again, c) {
		t.Error("the remembered token was replaced")
	}
}

// tokenFixture is a VC-JWT of a Laurel issuer, valid until a day after
// laurelNow and not revoked, and a verifier whose clock is *now.
func tokenFixture(t *testing.T) (li *laurelIssuer, v *Verifier, now *time.Time, until time.Time, token string) {
	t.Helper()
	li = MustLaurelIssuer(t, "RS256", laurelNow)
	now = new(time.Time)
	*now = laurelNow
	v = MustVerifier(t, Options{Local: li, Now: func() time.Time { return *now }})
	until = laurelNow.Add(24 * time.Hour)
	_, token = li.credential("ada@example.org", activeIndex, until)
	li.publishStatusList()
	return li, v, now, until, token
}

func snapshot(t *testing.T, c *credential) string {
	t.Helper()
	b, err := json.Marshal([]any{c.doc, c.jwt.Payload, c.jwt.Header, string(c.raw), c.jwt.Signature})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzReadToken: a token read once is what Verify reads from the same
// bytes given as data, and a Token is made only of what Verify reads as
// an Open Badges 3.0 VC-JWT; anything else is a *badges.Error.
func FuzzReadToken(f *testing.F) {
	li := MustLaurelIssuer(f, "EdDSA", laurelNow)
	_, token := li.credential("ada@example.org", activeIndex, time.Time{})
	for _, seed := range []string{token, " " + token + "\n", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "eyJhbGciOiJSUzI1NiJ9.W10.c2ln", "{}", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		read, err := ReadToken(s)
		given, sniffErr := sniff([]byte(s))
		if err != nil {
			var be *badges.Error
			if !errors.As(err, &be) {
				t.Fatalf("ReadToken: %v, not a *badges.Error", err)
			}
			return
		}
		if sniffErr != nil || given.format != "jwt" || given.ob2 != nil {
			t.Fatalf("ReadToken read what Verify refuses: %v", sniffErr)
		}
		if !reflect.DeepEqual(read.cred.doc, given.cred.doc) || !reflect.DeepEqual(read.cred.jwt, given.cred.jwt) {
			t.Fatal("ReadToken read otherwise than Verify")
		}
	})
}

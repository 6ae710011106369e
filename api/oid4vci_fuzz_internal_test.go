package api

import (
	"errors"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

// walletErrorOf fails the test unless err is nil or an error of the flow
// with a code and an ASCII description.
func walletErrorOf(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var we *issuer.WalletError
	if !errors.As(err, &we) || we.Code == "" || we.Description == "" {
		t.Fatalf("error %v is not an error of the flow", err)
	}
	if strings.ContainsFunc(we.Description, func(r rune) bool { return r < 0x20 || r > 0x7e || r == '"' || r == '\\' }) {
		t.Fatalf("error_description %q holds characters the specification does not allow", we.Description)
	}
}

// FuzzParseTokenRequest: any form is parsed or refused with an error of
// the flow, and what is parsed names a bounded code.
func FuzzParseTokenRequest(f *testing.F) {
	const form = "application/x-www-form-urlencoded"
	f.Add(form, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=SplxlOBeZQQYbYS6WxSbIA&tx_code=493536")
	f.Add(form, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=a&pre-authorized_code=b")
	f.Add(form, "grant_type=authorization_code&code=x")
	f.Add(form+"; charset=utf-8", "grant_type=%zz")
	f.Add("application/json", `{"grant_type":"x"}`)
	f.Add("", "")
	f.Fuzz(func(t *testing.T, contentType, body string) {
		in, err := parseTokenRequest(contentType, []byte(body))
		walletErrorOf(t, err)
		if err == nil && (in.Code == "" || len(in.Code) > maxGrantCode || len(in.TxCode) > maxTxCodeInput) {
			t.Fatalf("accepted %+v", in)
		}
	})
}

// FuzzParseCredentialRequest: any body is parsed or refused with an error
// of the flow, and what is parsed names a configuration and one proof.
func FuzzParseCredentialRequest(f *testing.F) {
	f.Add("application/json", `{"credential_configuration_id":"OpenBadgeCredential_ldp_vc","proofs":{"jwt":["a.b.c"]}}`)
	f.Add("application/json", `{"credential_configuration_id":"OpenBadgeCredential_jwt_vc_json","proof":{"proof_type":"jwt","jwt":"a.b.c"}}`)
	f.Add("application/json", `{"credential_identifier":"x","proofs":{"jwt":["a.b.c","d.e.f"]}}`)
	f.Add("application/json", `{"credential_configuration_id":"x","proofs":{"di_vp":[{}]},"credential_response_encryption":{"enc":"A128GCM"}}`)
	f.Add("application/json; charset=utf-8", `[[[[[[[[[[[[1]]]]]]]]]]]]`)
	f.Add("text/plain", `{}`)
	f.Fuzz(func(t *testing.T, contentType, body string) {
		in, err := parseCredentialRequest(contentType, []byte(body))
		walletErrorOf(t, err)
		if err == nil && (in.ConfigurationID == "" || in.Proof == "") {
			t.Fatalf("accepted %+v", in)
		}
	})
}

func TestParseTokenRequest(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	grant := "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code"
	cases := map[string]struct {
		contentType, body string
		code              string // the error's, "" for none
		hasTx             bool
	}{
		"OK":                 {form, grant + "&pre-authorized_code=abc", "", false},
		"OK/empty tx_code":   {form, grant + "&pre-authorized_code=abc&tx_code=", "", true},
		"OK/unknown ignored": {form, grant + "&pre-authorized_code=abc&client_id=w", "", false},
		"JSON":               {"application/json", `{}`, issuer.ErrInvalidRequest, false},
		"no code":            {form, grant, issuer.ErrInvalidRequest, false},
		"long code":          {form, grant + "&pre-authorized_code=" + strings.Repeat("a", maxGrantCode+1), issuer.ErrInvalidGrant, false},
		"other grant":        {form, "grant_type=password&pre-authorized_code=abc", issuer.ErrUnsupportedGrantType, false},
		"tx_code twice":      {form, grant + "&pre-authorized_code=abc&tx_code=1&tx_code=2", issuer.ErrInvalidRequest, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in, err := parseTokenRequest(tc.contentType, []byte(tc.body))
			var we *issuer.WalletError
			switch {
			case tc.code == "" && (err != nil || in.Code != "abc" || in.HasTxCode != tc.hasTx):
				t.Fatalf("in = %+v, %v", in, err)
			case tc.code != "" && (!errors.As(err, &we) || we.Code != tc.code):
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
		})
	}
}

package verifier

import (
	"strings"
	"testing"
	"time"
)

func TestReport_Plain(t *testing.T) {
	checked := time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)
	revokedAt := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	yes, no := true, false
	pass := func(ids ...string) []Check {
		var cs []Check
		for _, id := range ids {
			cs = append(cs, Check{ID: id, Outcome: Pass, Message: "Fine."})
		}
		return cs
	}
	good := pass(CheckJSON, CheckContext, CheckType, CheckFields, CheckSchema, CheckKey, CheckProof, CheckDates, CheckStatus)
	with := func(c Check) []Check { return append(append([]Check{}, good...), c) }
	summary := Summary{IssuerName: "Lyon Gophers", ValidFrom: "2026-05-03T10:00:00Z", ValidUntil: "2026-06-03T10:00:00+02:00"}
	for _, tc := range []struct {
		name      string
		r         Report
		revokedAt time.Time
		finding   Finding
		headline  string
		reason    string
	}{
		{"genuine", Report{Checks: good, Credential: summary}, time.Time{}, FindingGenuine,
			"Genuine — issued by Lyon Gophers on 3 May 2026", ""},
		{"genuine, the address matches", Report{Checks: with(Check{CheckRecipient, Pass, "Yes."}), Credential: summary, RecipientMatched: &yes}, time.Time{},
			FindingGenuine, "Genuine — issued to this address by Lyon Gophers on 3 May 2026", ""},
		{"genuine, with a warning", Report{Checks: with(Check{CheckRefresh, Warn, "Not followed."}), Credential: Summary{IssuerID: "https://gophers.example.org/issuer"}},
			time.Time{}, FindingGenuine, "Genuine, with warnings — issued by gophers.example.org", "The refresh service check gave a warning. Not followed."},
		{"an issuer writing right to left", Report{Checks: good, Credential: Summary{IssuerName: "\u202eשלום", ValidFrom: "2026-05-03"}}, time.Time{}, FindingGenuine,
			"Genuine — issued by \u2068\u202eשלום\u2069 on 3 May 2026", ""},
		{"another recipient", Report{Checks: with(Check{CheckRecipient, Fail, "No."}), Credential: summary, RecipientMatched: &no}, time.Time{},
			FindingNotRecipient, "Genuine, but not issued to this address", "The recipient check failed. No."},
		{"revoked on a known date", Report{Checks: with(Check{CheckStatus, Fail, "Revoked."}), Credential: Summary{Revoked: true}}, revokedAt,
			FindingRevoked, "Revoked by its issuer on 2 November 2026", "The revocation status check failed. Revoked."},
		{"revoked, no date", Report{Checks: with(Check{CheckStatus, Fail, "Revoked."}), Credential: Summary{Revoked: true}}, time.Time{},
			FindingRevoked, "Revoked by its issuer, as checked on 5 December 2026", "The revocation status check failed. Revoked."},
		{"suspended", Report{Checks: with(Check{CheckStatus, Fail, "Suspended."}), suspended: true}, time.Time{},
			FindingSuspended, "Suspended by its issuer, as checked on 5 December 2026", "The revocation status check failed. Suspended."},
		{"expired", Report{Checks: with(Check{CheckDates, Fail, "Expired."}), Credential: summary, expired: true}, time.Time{},
			FindingExpired, "Expired on 3 June 2026", "The validity dates check failed. Expired."},
		{"not yet valid", Report{Checks: with(Check{CheckDates, Fail, "Later."}), Credential: summary, notYetValid: true}, time.Time{},
			FindingNotYetValid, "Not yet valid: it takes effect on 3 May 2026", "The validity dates check failed. Later."},
		{"revoked and expired", Report{Checks: with(Check{CheckStatus, Fail, "Revoked."}), Credential: Summary{Revoked: true}, expired: true}, revokedAt,
			FindingRevoked, "Revoked by its issuer on 2 November 2026", "The revocation status check failed. Revoked."},
		{"an untrusted status list", Report{Checks: with(Check{CheckStatus, Fail, "The list's proof fails."})}, time.Time{},
			FindingUnconfirmed, "Not confirmed: the revocation status check failed", "The revocation status check failed. The list's proof fails."},
		{"forged", Report{Checks: []Check{{CheckJSON, Pass, "."}, {CheckProof, Fail, "Proof 1: the signature does not verify."}}, Credential: Summary{Revoked: true}}, revokedAt,
			FindingForged, "Not genuine: the signature does not match its contents", "The signature check failed. Proof 1: the signature does not verify."},
		{"forged JWT claims", Report{Checks: with(Check{CheckJWTClaims, Fail, "iss differs."})}, time.Time{},
			FindingForged, "Not genuine: the signature does not match its contents", "The JWT claims check failed. iss differs."},
		{"no usable key", Report{Checks: []Check{{CheckKey, Fail, "Not found."}, {CheckProof, Fail, "Not verified."}}}, time.Time{},
			FindingUnverified, "Not verified: its signature could not be checked", "The signing key check failed. Not found."},
		{"no proof checked", Report{Checks: []Check{{CheckKey, Skipped, "No network."}, {CheckProof, Warn, "Not verified."}}}, time.Time{},
			FindingUnverified, "Not verified: its signature could not be checked", "The signature check gave a warning. Not verified."},
		{"malformed", Report{Checks: []Check{{CheckContext, Fail, "No @context."}, {CheckProof, Fail, "Bad."}}}, time.Time{},
			FindingMalformed, "Not a valid Open Badge: it does not follow the standard", "The JSON-LD context check failed. No @context."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.r.Plain(PlainOptions{Checked: checked, RevokedAt: tc.revokedAt})
			if p.Finding != tc.finding || p.Headline != tc.headline || p.Reason != tc.reason {
				t.Fatalf("got %+v\nwant {Finding:%s Headline:%s Reason:%s}", p, tc.finding, tc.headline, tc.reason)
			}
			if strings.Contains(p.Headline, "2026-") {
				t.Errorf("the headline has a date for machines: %q", p.Headline)
			}
		})
	}
}

func TestFinding_Trusted(t *testing.T) {
	for f, want := range map[Finding]bool{FindingGenuine: true, FindingNotRecipient: true, FindingRevoked: true, FindingExpired: true,
		FindingForged: false, FindingMalformed: false, FindingUnverified: false} {
		if f.Trusted() != want {
			t.Errorf("%s: trusted %v", f, !want)
		}
	}
}

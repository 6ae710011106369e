package issuer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// credentialGen makes random inputs for the real credential builder, with
// every optional field Laurel can emit present or absent, and Unicode
// wherever text goes.
type credentialGen struct {
	r *rand.Rand
}

// textRunes are the characters text is drawn from: ASCII, what N-Quads
// must escape, controls, and scripts, symbols and marks far from ASCII.
var textRunes = []rune("aZ09 -_.,;:!?'\"\\/<>@#%&*()[]{}|^`~+=\t\n\r\x00\x01\x08\x0b\x0c\x1f\x7f" +
	"éüßøÅçñ中文字日本語한국어ąčęΩπЖжא־ע عربي🎉👩‍💻🏳️‍🌈\u0301\u200b\u200e\u202e\u2028\u2029\ufeff\U0001F600\U00010348")

func (g credentialGen) text(max int) string {
	n := g.r.IntN(max + 1)
	var b strings.Builder
	for range n {
		b.WriteRune(textRunes[g.r.IntN(len(textRunes))])
	}
	return b.String()
}

// maybe is s half the time, "" otherwise.
func (g credentialGen) maybe(s string) string {
	if g.r.IntN(2) == 0 {
		return ""
	}
	return s
}

func (g credentialGen) id() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 20)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

// webURL is an http(s) URL such as an admin or member types: mostly
// plain, sometimes with a query, a fragment, escapes, a port or Unicode.
func (g credentialGen) webURL() string {
	hosts := []string{"gophers.example.org", "example.com", "sub.domain.example.net:8443", "localhost:8080", "xn--bcher-kva.example", "bücher.example", "127.0.0.1"}
	paths := []string{"", "/", "/oct", "/a/b/c.html", "/events?id=42&x=y", "/p#frag", "/%E2%9C%93", "/caf%C3%A9", "/with space", "/ünï", "/a%zz", "/~user/(x)"}
	scheme := []string{"https://", "http://"}[g.r.IntN(2)]
	return scheme + hosts[g.r.IntN(len(hosts))] + paths[g.r.IntN(len(paths))]
}

// base is Laurel's public origin, with or without a path prefix.
func (g credentialGen) base() string {
	return []string{"https://badges.example.org", "http://localhost:8080", "https://laurel.example.com/community", "https://b.example:8443"}[g.r.IntN(4)]
}

func (g credentialGen) profile(urls URLs) *Profile {
	p := &Profile{ID: g.id(), Name: g.text(30), URL: g.maybe(g.webURL()), Email: g.maybe(g.text(10) + "@example.org"),
		Description: g.maybe(g.text(80))}
	if g.r.IntN(2) == 0 {
		p.Image = &badges.ImageRef{SHA256: fmt.Sprintf("%x", g.r.Uint64()), Format: []badges.ImageFormat{badges.ImageSVG, badges.ImagePNG}[g.r.IntN(2)]}
	}
	if g.r.IntN(2) == 0 {
		host := strings.TrimPrefix(strings.TrimPrefix(urls.Base(), "https://"), "http://")
		p.IdentifierKind = IdentifierDIDWeb
		p.DID = "did:web:" + strings.ReplaceAll(strings.ReplaceAll(host, ":", "%3A"), "/", ":") + ":issuers:" + p.ID
	}
	return p
}

func (g credentialGen) achievement(p *Profile) *badges.Achievement {
	a := &badges.Achievement{ID: g.id(), IssuerID: p.ID, Name: g.text(30), Description: g.text(120), Criteria: g.text(200),
		AchievementType: []string{"Badge", "Achievement", "Certificate", "ext:Custom"}[g.r.IntN(4)],
		Level:           g.maybe([]string{"participation", "contribution", "leadership"}[g.r.IntN(3)]),
		Version:         1 + g.r.IntN(20), Image: badges.ImageRef{SHA256: fmt.Sprintf("%x", g.r.Uint64()), Format: badges.ImageSVG, Generated: true}}
	for range g.r.IntN(4) {
		a.Tags = append(a.Tags, g.text(12))
	}
	for range g.r.IntN(3) {
		a.Alignments = append(a.Alignments, badges.Alignment{TargetName: g.text(20), TargetURL: g.webURL(),
			TargetDescription: g.maybe(g.text(40)), TargetFramework: g.maybe(g.text(15)), TargetCode: g.maybe(g.text(8)),
			TargetType: g.maybe([]string{"ceasn:Competency", "CFItem", "CFRubric", "ext:Other"}[g.r.IntN(4)])})
	}
	for range g.r.IntN(3) {
		a.Outcomes = append(a.Outcomes, badges.OutcomeRef{ID: g.id(), Name: g.text(20)})
	}
	return a
}

func (g credentialGen) award(p *Profile, a *badges.Achievement) *badges.Award {
	at := time.Date(2020+g.r.IntN(10), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60), 0, time.UTC)
	aw := &badges.Award{ID: g.id(), IssuerID: p.ID, AchievementID: a.ID, AchievementVersion: a.Version, MemberID: g.id(),
		Narrative: g.maybe(g.text(100)), AwardedAt: at}
	if g.r.IntN(2) == 0 {
		aw.AwardedDate = at.AddDate(0, 0, -g.r.IntN(300))
	}
	if g.r.IntN(2) == 0 {
		aw.ValidUntil = at.AddDate(1, 0, 0)
	}
	for range g.r.IntN(4) {
		aw.Evidence = append(aw.Evidence, badges.Evidence{URL: g.maybe(g.webURL()), Name: g.maybe(g.text(20)),
			Narrative: g.maybe(g.text(60)), Description: g.maybe(g.text(40)), Genre: g.maybe(g.text(10)), Audience: g.maybe(g.text(10))})
	}
	for range g.r.IntN(3) {
		aw.Results = append(aw.Results, badges.Result{Value: g.maybe(g.text(20)), Status: g.maybe(badges.ResultStatuses[g.r.IntN(len(badges.ResultStatuses))])})
	}
	return aw
}

// subjectDID is a wallet's DID, or none.
func (g credentialGen) subjectDID() string {
	return []string{"", "", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "did:web:wallet.example:users:ada", "did:example:ebfeb1f712ebc6f1c276e12ec21"}[g.r.IntN(5)]
}

// documents builds, with the real builder, what Laurel signs for one
// generated award: the credential, a holder copy of it, and a status list,
// each with its proof options, as generic JSON.
func (g credentialGen) documents(t testing.TB) []map[string]any {
	urls, err := NewURLs(g.base())
	if err != nil {
		t.Fatal(err)
	}
	p := g.profile(urls)
	a := g.achievement(p)
	aw := g.award(p, a)
	doc := urls.OB3Credential(aw, a, p, g.text(10)+"@example.org", g.r.IntN(5), g.r.IntN(131072))
	doc.CredentialSubject.ID = g.subjectDID()
	cred := asJSON(t, doc)
	holder := asJSON(t, doc)
	holder["id"] = urls.HolderCopy(aw.ID, g.id())
	holder["credentialSubject"].(map[string]any)["id"] = "did:key:z6Mk" + g.id()
	list := asJSON(t, &ob3.StatusListCredential{Context: []string{ob3.ContextCredentialsV2}, ID: urls.StatusList(p.ID, 1),
		Type: []string{"VerifiableCredential", "BitstringStatusListCredential"}, Issuer: urls.IssuerID(p), ValidFrom: aw.AwardedAt.Format(time.RFC3339),
		CredentialSubject: ob3.StatusListSubject{ID: urls.StatusList(p.ID, 1) + "#list", Type: "BitstringStatusList", StatusPurpose: "revocation", EncodedList: "uH4sIAAAAAAAA_-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"}})
	options := map[string]any{"@context": cred["@context"], "type": ob3.ProofTypeDataIntegrity, "cryptosuite": ob3.CryptosuiteEdDSARDFC,
		"verificationMethod": urls.VerificationMethod(p, "k"+g.id()), "proofPurpose": ob3.ProofPurposeAssertion,
		"created": aw.AwardedAt.Format(time.RFC3339)}
	return []map[string]any{cred, holder, list, options}
}

func asJSON(t testing.TB, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCanonicalizeOwn_Property holds the fast canonicalization to the
// general one over thousands of credentials built by the real builder:
// where the fast path answers, its N-Quads are the general path's byte for
// byte; CanonicalizeOwn always answers as Canonicalize does; and the fast
// path answers for every one the general path canonicalizes, so it is not
// silently bypassed.
func TestCanonicalizeOwn_Property(t *testing.T) {
	loader, err := ob3.NewDocumentLoader()
	if err != nil {
		t.Fatal(err)
	}
	n := 1000 // credentials, four documents each
	if testing.Short() {
		n = 200
	}
	g := credentialGen{r: rand.New(rand.NewPCG(18, 2026))}
	ctx := context.Background()
	total, fast, refused := 0, 0, 0
	for i := range n {
		for j, doc := range g.documents(t) {
			total++
			want, wantErr := loader.Canonicalize(ctx, doc)
			got, gotErr := loader.CanonicalizeOwn(ctx, doc)
			if (gotErr == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
				b, _ := json.MarshalIndent(doc, "", " ")
				t.Fatalf("credential %d document %d: CanonicalizeOwn differs (err %v, general err %v)\n%s\nfast:\n%s\ngeneral:\n%s", i, j, gotErr, wantErr, b, got, want)
			}
			if wantErr != nil {
				refused++
				continue
			}
			if fastOut, ok := loader.CanonicalizeFast(ctx, doc); ok {
				if !bytes.Equal(fastOut, want) {
					t.Fatalf("credential %d document %d: the fast path differs\nfast:\n%s\ngeneral:\n%s", i, j, fastOut, want)
				}
				fast++
			}
		}
	}
	t.Logf("%d documents: %d by the fast path, %d refused by both paths", total, fast, refused)
	if answered := total - refused; fast != answered {
		t.Fatalf("the fast path answered %d of the %d documents the general path canonicalizes; want all", fast, answered)
	}
}

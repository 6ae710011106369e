package issuer_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	bmongo "github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
	imongo "github.com/laurel-badges/laurel/issuer/mongodb"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

const testBase = "https://badges.example.org"

// fixture is an issuing service on a fresh database with one issuer and
// one active achievement.
type fixture struct {
	svc     *issuer.Service
	deps    issuer.Deps
	db      *database.DB
	urls    issuer.URLs
	issuer  *issuer.Profile
	ach     *badges.Achievement
	members *bmongo.MemberService
	achs    *bmongo.AchievementService
}

var (
	loaderOnce sync.Once
	loader     *ob3.DocumentLoader
)

func mustLoader(t testing.TB) *ob3.DocumentLoader {
	t.Helper()
	var err error
	loaderOnce.Do(func() { loader, err = ob3.NewDocumentLoader() })
	if err != nil || loader == nil {
		t.Fatalf("document loader: %v", err)
	}
	return loader
}

func newFixture(t testing.TB, achievement badges.AchievementInput) *fixture {
	t.Helper()
	ctx := context.Background()
	db := mongotest.NewDB(t)
	sealer, err := issuer.NewSealer([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	urls, err := issuer.NewURLs(testBase)
	if err != nil {
		t.Fatal(err)
	}
	st := wire.NewStores(db)
	f := &fixture{db: db, urls: urls, members: st.Members, achs: st.Achievements}
	profiles := st.Profiles
	f.deps = wire.IssuingDeps(st, sealer, urls, mustLoader(t))
	f.svc = issuer.NewService(f.deps)
	if f.issuer, err = profiles.CreateProfile(ctx, issuer.ProfileInput{Name: "Lyon Gophers", URL: "https://gophers.example.org"}); err != nil {
		t.Fatal(err)
	}
	if achievement.Name == "" {
		achievement = badges.AchievementInput{Name: "Session Host", Description: "Hosted a community session.",
			Criteria: "Plan and host a session.", Tags: []string{"hosting"}, Level: "leadership", ValidityDays: 365}
	}
	achievement.Status = badges.StatusActive
	if f.ach, err = f.achs.CreateAchievement(ctx, f.issuer.ID, achievement); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) mustAward(t testing.TB, in badges.AwardInput) *issuer.Credential {
	t.Helper()
	if in.AchievementID == "" {
		in.AchievementID = f.ach.ID
	}
	c, _, err := f.svc.Award(context.Background(), f.issuer.ID, in)
	if err != nil {
		t.Fatalf("Award(%+v): %v", in, err)
	}
	return c
}

// verify checks both proofs of a credential with the keys as Laurel
// publishes them, and returns the first failure.
func (f *fixture) verify(t testing.TB, c *issuer.Credential) (diErr, jwtErr error) {
	t.Helper()
	ctx := context.Background()
	resolve := func(vm string) (ed25519.PublicKey, error) {
		id := vm[strings.LastIndexByte(vm, '/')+1:]
		k, err := f.svc.Key(ctx, f.issuer.ID, id)
		if err != nil {
			return nil, err
		}
		mk, err := f.urls.Multikey(k)
		if err != nil {
			return nil, err
		}
		if mk.Controller != testBase+"/issuers/"+f.issuer.ID || mk.ID != vm {
			return nil, fmt.Errorf("multikey %+v does not belong to the issuer", mk)
		}
		return ob3.DecodeMultikeyEd25519(mk.PublicKeyMultibase)
	}
	var doc map[string]any
	if err := json.Unmarshal(c.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	diErr = mustLoader(t).VerifyEdDSARDFC2022(ctx, doc, resolve)

	parsed, err := ob3.ParseJWT(c.JWT)
	if err != nil {
		return diErr, err
	}
	kid := parsed.Header.Kid
	k, err := f.svc.Key(ctx, f.issuer.ID, kid[strings.LastIndexByte(kid, '/')+1:])
	if err != nil {
		return diErr, err
	}
	pub, err := f.urls.PublicJWK(k)
	if err != nil {
		t.Fatal(err)
	}
	_, jwtErr = ob3.VerifyJWT(c.JWT, pub, time.Now())
	return diErr, jwtErr
}

func TestService_Award(t *testing.T) {
	f := newFixture(t, badges.AchievementInput{})
	c, issued, err := f.svc.Award(context.Background(), f.issuer.ID, badges.AwardInput{
		AchievementID: f.ach.ID, Email: "Ada@Example.org", Name: "Ada Lovelace",
		Narrative: "Hosted the **October** meetup.",
		Evidence:  []badges.Evidence{{URL: "https://gophers.example.org/meetups/october", Name: "October meetup"}},
		Results:   []badges.Result{{Value: "1 session hosted", Status: "Completed"}},
	})
	if err != nil || !issued {
		t.Fatalf("Award: %v (issued %v)", err, issued)
	}
	var doc map[string]any
	if err := json.Unmarshal(c.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	subject := doc["credentialSubject"].(map[string]any)
	ident := subject["identifier"].([]any)[0].(map[string]any)
	if doc["id"] != testBase+"/credentials/"+c.ID || doc["validUntil"] == nil ||
		!ob3.MatchIdentityHash(ident["identityHash"].(string), "ada@example.org", ident["salt"].(string)) ||
		strings.Contains(string(c.JSON), "ada@example.org") {
		t.Fatalf("credential %s", c.JSON)
	}
	status := doc["credentialStatus"].(map[string]any)
	if status["statusListIndex"] != strconv.Itoa(c.StatusIndex) || status["statusListCredential"] != testBase+"/status/"+f.issuer.ID+"/0" {
		t.Fatalf("status entry %v", status)
	}
	t.Run("schemas", func(t *testing.T) {
		value := asJSONValue(t, doc)
		for _, file := range []string{"published-achievementcredential.json", "strict-achievementcredential.json"} {
			if err := mustSchema(t, file, "").Validate(value); err != nil {
				t.Errorf("%s: %v", file, err)
			}
		}
	})
	t.Run("proofs verify", func(t *testing.T) {
		if diErr, jwtErr := f.verify(t, c); diErr != nil || jwtErr != nil {
			t.Fatalf("data integrity: %v; jwt: %v", diErr, jwtErr)
		}
	})
	t.Run("tampering breaks both proofs", func(t *testing.T) {
		for _, tamper := range []struct{ from, to string }{
			{`"Session Host"`, `"Session Hostess"`},
			{f.issuer.ID, "aaaaaaaaaaaaaaaaaaaa"},
			{`"1 session hosted"`, `"10 sessions hosted"`},
		} {
			bad := *c
			bad.JSON = []byte(strings.Replace(string(c.JSON), tamper.from, tamper.to, 1))
			bad.JWT = tamperJWT(t, c.JWT, tamper.from, tamper.to)
			diErr, jwtErr := f.verify(t, &bad)
			if diErr == nil || jwtErr == nil {
				t.Errorf("%s → %s: data integrity err %v, jwt err %v; want both to fail", tamper.from, tamper.to, diErr, jwtErr)
			}
		}
	})
}

func TestService_AwardOncePerMember(t *testing.T) {
	f := newFixture(t, badges.AchievementInput{})
	m, err := f.members.CreateMember(context.Background(), f.issuer.ID, badges.MemberInput{Email: "grace@example.org", DisplayName: "Grace"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	ids := make([]string, n)
	issued := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, ok, err := f.svc.Award(context.Background(), f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, MemberID: m.ID})
			if err != nil {
				t.Errorf("award %d: %v", i, err)
				return
			}
			ids[i], issued[i] = c.ID, ok
		}()
	}
	wg.Wait()
	distinct, fresh := map[string]bool{}, 0
	for i := range n {
		distinct[ids[i]] = true
		if issued[i] {
			fresh++
		}
	}
	if len(distinct) != 1 || fresh != 1 {
		t.Fatalf("%d parallel awards gave %d credentials (%d issued); want exactly one", n, len(distinct), fresh)
	}
}

func TestService_Idempotency(t *testing.T) {
	f := newFixture(t, badges.AchievementInput{Name: "Attendee", Description: "Attended.", Criteria: "Attend.", Repeatable: true})
	in := badges.AwardInput{AchievementID: f.ach.ID, Email: "a@example.org", Name: "A", IdempotencyKey: "request-1"}
	first := f.mustAward(t, in)
	again, issued, err := f.svc.Award(context.Background(), f.issuer.ID, in)
	if err != nil || issued || again.ID != first.ID {
		t.Fatalf("retry: %v, issued %v, %s vs %s", err, issued, again.ID, first.ID)
	}
	in.IdempotencyKey = "request-2"
	if other := f.mustAward(t, in); other.ID == first.ID {
		t.Fatal("a repeatable achievement with a new key was not issued again")
	}
}

func TestService_AwardErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	draft, err := f.achs.CreateAchievement(ctx, f.issuer.ID, badges.AchievementInput{Name: "D", Description: "D", Criteria: "C"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		in    badges.AwardInput
		code  string
		field string
	}{
		{"unknown achievement", badges.AwardInput{AchievementID: "aaaaaaaaaaaaaaaaaaaa", Email: "a@example.org", Name: "A"}, badges.ENOTFOUND, "achievementId"},
		{"draft achievement", badges.AwardInput{AchievementID: draft.ID, Email: "a@example.org", Name: "A"}, badges.ECONFLICT, "achievementId"},
		{"invalid email", badges.AwardInput{AchievementID: f.ach.ID, Email: "nope", Name: "A"}, badges.EINVALID, "email"},
		{"new member without a name", badges.AwardInput{AchievementID: f.ach.ID, Email: "new@example.org"}, badges.EINVALID, "name"},
		{"unknown member", badges.AwardInput{AchievementID: f.ach.ID, MemberID: "aaaaaaaaaaaaaaaaaaaa"}, badges.ENOTFOUND, "memberId"},
		{"evidence not http", badges.AwardInput{AchievementID: f.ach.ID, Email: "a@example.org", Name: "A",
			Evidence: []badges.Evidence{{URL: "javascript:alert(1)"}}}, badges.EINVALID, "evidence.url"},
		{"bad result status", badges.AwardInput{AchievementID: f.ach.ID, Email: "a@example.org", Name: "A",
			Results: []badges.Result{{Value: "x", Status: "Great"}}}, badges.EINVALID, "results.status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.svc.Award(ctx, f.issuer.ID, tc.in)
			if badges.ErrorCode(err) != tc.code || badges.ErrorField(err) != tc.field {
				t.Fatalf("err = %v; want %s on %q", err, tc.code, tc.field)
			}
		})
	}
	t.Run("message/new member without a name", func(t *testing.T) {
		_, _, err := f.svc.Award(ctx, f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, Email: "new@example.org"})
		if want := "name is required to add new@example.org, who is not a member yet."; badges.ErrorMessage(err) != want {
			t.Fatalf("err = %v; want %q", err, want)
		}
	})
	t.Run("archived achievement", func(t *testing.T) {
		archived := badges.StatusArchived
		if _, err := f.achs.UpdateAchievement(ctx, f.ach.ID, badges.AchievementUpdate{Status: &archived}); err != nil {
			t.Fatal(err)
		}
		_, _, err := f.svc.Award(ctx, f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, Email: "a@example.org", Name: "A"})
		if badges.ErrorCode(err) != badges.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestService_Revoke(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	c := f.mustAward(t, badges.AwardInput{Email: "a@example.org", Name: "A"})
	other := f.mustAward(t, badges.AwardInput{Email: "b@example.org", Name: "B"})

	for reason, say := range map[string]string{
		" ":                      "reason is required: it is kept with the revocation.",
		"bad \xff":               "reason is not valid UTF-8.",
		strings.Repeat("r", 501): "reason is longer than 500 characters.",
		"revoked\x1b[2J":         "reason contains control characters.",
	} {
		if _, err := f.svc.Revoke(ctx, c.ID, badges.RevokeInput{Reason: reason}); badges.ErrorField(err) != "reason" || badges.ErrorMessage(err) != say {
			t.Fatalf("revoke with the reason %q: %v; want %q", reason, err, say)
		}
	}
	r, err := f.svc.Revoke(ctx, c.ID, badges.RevokeInput{Reason: "Awarded by mistake"})
	if err != nil || !r.Revoked() || r.RevocationReason != "Awarded by mistake" {
		t.Fatalf("Revoke = %+v, %v", r, err)
	}
	if _, err := f.svc.Revoke(ctx, c.ID, badges.RevokeInput{Reason: "again"}); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("second revoke: %v", err)
	}
	if _, err := f.svc.Revoke(ctx, "aaaaaaaaaaaaaaaaaaaa", badges.RevokeInput{Reason: "x"}); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("unknown credential: %v", err)
	}

	body, err := f.svc.StatusListCredential(ctx, f.issuer.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var list map[string]any
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	resolve := func(string) (ed25519.PublicKey, error) {
		keys, err := f.svc.Keys(ctx, f.issuer.ID)
		if err != nil {
			return nil, err
		}
		return issuer.Newest(keys, issuer.UseDataIntegrity).Public.(ed25519.PublicKey), nil
	}
	if err := mustLoader(t).VerifyEdDSARDFC2022(ctx, list, resolve); err != nil {
		t.Fatalf("status list proof: %v", err)
	}
	bits, err := ob3.DecodeBitstring(list["credentialSubject"].(map[string]any)["encodedList"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if set, _ := bits.Get(c.StatusIndex); !set {
		t.Fatalf("index %d of the revoked credential is not set", c.StatusIndex)
	}
	if set, _ := bits.Get(other.StatusIndex); set {
		t.Fatalf("index %d of a valid credential is set", other.StatusIndex)
	}
	if _, err := f.svc.StatusListCredential(ctx, f.issuer.ID, 1); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("a list not yet used: %v", err)
	}
	// Revoking frees the badge: the member can earn it again.
	if again := f.mustAward(t, badges.AwardInput{Email: "a@example.org"}); again.ID == c.ID {
		t.Fatal("the revoked credential was returned instead of a new one")
	}
}

func TestService_RotateKeepsOldCredentialsVerifiable(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	before := f.mustAward(t, badges.AwardInput{Email: "a@example.org", Name: "A"})
	keys, err := f.svc.RotateKeys(ctx, f.issuer.ID)
	if err != nil || len(keys) != 4 {
		t.Fatalf("rotate: %d keys, %v", len(keys), err)
	}
	after := f.mustAward(t, badges.AwardInput{Email: "b@example.org", Name: "B"})
	for _, c := range []*issuer.Credential{before, after} {
		if diErr, jwtErr := f.verify(t, c); diErr != nil || jwtErr != nil {
			t.Fatalf("credential %s: data integrity %v, jwt %v", c.ID, diErr, jwtErr)
		}
	}
	if jwtKid(t, after.JWT) == jwtKid(t, before.JWT) {
		t.Fatal("the credential after rotation was signed with the old key")
	}
}

func TestStatusAllocation_Distinct(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	store := imongo.NewStatusStore(db)
	const n, workers = 10000, 50
	slots := make(chan int64, n)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				s, err := store.AllocateStatus(ctx, "issuer", 1)
				if err != nil {
					t.Error(err)
					return
				}
				slots <- s
			}
		}()
	}
	wg.Wait()
	close(slots)
	l, err := store.StatusList(ctx, "issuer", 0)
	if err != nil {
		t.Fatal(err)
	}
	perm, err := ob3.NewPermutation(l.Key, ob3.StatusListSize)
	if err != nil {
		t.Fatal(err)
	}
	indexes := map[int]bool{}
	for s := range slots {
		indexes[perm.Apply(int(s))] = true
	}
	if len(indexes) != n {
		t.Fatalf("%d parallel allocations gave %d distinct indexes", n, len(indexes))
	}
}

// tamperJWT changes the payload of a JWT and keeps its signature.
func tamperJWT(t testing.TB, token, from, to string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(payload), from, to, 1)
	if changed == string(payload) {
		t.Fatalf("%q is not in the JWT payload", from)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(changed))
	return strings.Join(parts, ".")
}

func jwtKid(t testing.TB, token string) string {
	t.Helper()
	p, err := ob3.ParseJWT(token)
	if err != nil {
		t.Fatal(err)
	}
	return p.Header.Kid
}

func TestControllerDocument(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	c := f.mustAward(t, badges.AwardInput{Email: "a@example.org", Name: "A"})
	keys, err := f.svc.Keys(ctx, f.issuer.ID)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := f.urls.ControllerDocument(f.issuer, keys)
	if err != nil {
		t.Fatal(err)
	}
	var cred map[string]any
	if err := json.Unmarshal(c.JSON, &cred); err != nil {
		t.Fatal(err)
	}
	vm := cred["proof"].([]any)[0].(map[string]any)["verificationMethod"]
	if len(doc.AssertionMethod) != 1 || doc.AssertionMethod[0].ID != vm || doc.AssertionMethod[0].Controller != doc.ID {
		t.Fatalf("assertionMethod %+v does not list %v", doc.AssertionMethod, vm)
	}
	value := asJSONValue(t, doc)
	// Every term must be defined by the contexts, or JSON-LD readers drop it.
	if _, err := mustLoader(t).Canonicalize(context.Background(), value.(map[string]any)); err != nil {
		t.Fatalf("canonicalize: %v", err)
	}
	for _, file := range []string{"published-profile.json", "strict-profile.json"} {
		if err := mustSchema(t, file, "").Validate(value); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

func TestService_Document(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	c := f.mustAward(t, badges.AwardInput{Email: "a@example.org", Name: "A"})
	var cred map[string]any
	if err := json.Unmarshal(c.JSON, &cred); err != nil {
		t.Fatal(err)
	}
	vm := cred["proof"].([]any)[0].(map[string]any)["verificationMethod"].(string)
	status := cred["credentialStatus"].(map[string]any)["statusListCredential"].(string)
	for _, tc := range []struct {
		url, mediaType, contains string
	}{
		{testBase + "/credentials/" + c.ID, "application/vc+ld+json", `"OpenBadgeCredential"`},
		{testBase + "/credentials/" + c.ID + ".jwt", "application/vc+jwt", "eyJ"},
		{vm, "application/ld+json", `"Multikey"`},
		{vm + "#key", "application/ld+json", `"Multikey"`},
		{testBase + "/issuers/" + f.issuer.ID + "/keys/jwt-1", "application/jwk+json", `"kty":"RSA"`},
		{testBase + "/issuers/" + f.issuer.ID + "/jwks.json", "application/jwk-set+json", `"keys"`},
		{testBase + "/.well-known/jwks.json", "application/jwk-set+json", `"keys"`},
		{status, "application/vc+ld+json", `"BitstringStatusList"`},
		{testBase + "/issuers/" + f.issuer.ID, "application/ld+json", `"assertionMethod"`},
	} {
		body, mt, ok, err := f.svc.Document(ctx, tc.url)
		if err != nil || !ok || mt != tc.mediaType || !strings.Contains(string(body), tc.contains) {
			t.Errorf("Document(%s) = %q, %v, %v; %.120s", tc.url, mt, ok, err, body)
		}
	}
	for _, url := range []string{"https://elsewhere.example/issuers/x", testBase + "/about", testBase + "/status/x/y"} {
		if _, _, ok, err := f.svc.Document(ctx, url); ok || err != nil {
			t.Errorf("Document(%s) claims it: %v, %v", url, ok, err)
		}
	}
	for _, url := range []string{testBase + "/credentials/aaaaaaaaaaaaaaaaaaaa", testBase + "/issuers/aaaaaaaaaaaaaaaaaaaa/keys/jwt-1",
		testBase + "/issuers/" + f.issuer.ID + "/keys/jwt-7", testBase + "/status/" + f.issuer.ID + "/3"} {
		if _, _, ok, err := f.svc.Document(ctx, url); !ok || badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Errorf("Document(%s) = %v, %v; want a not-found answer of ours", url, ok, err)
		}
	}
}

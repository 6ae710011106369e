package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// roundTripBase is the public origin of the community moved in these
// tests; both Laurels serve it.
const roundTripBase = "https://badges.example.org"

// community is what buildCommunity made.
type community struct {
	issuer, achievement, ruled string
	slug                       string // of a member with a public profile
	revoked                    string // a revoked credential
	adminKey                   string
	credentials                int
}

// openLaurel opens the data in dir as the commands do and wires Laurel on
// it; close releases the data directory (it is also closed when the test
// ends).
func openLaurel(t *testing.T, dir, masterKey string) (l *wire.Laurel, close func()) {
	t.Helper()
	m := NewMain(io.Discard, io.Discard)
	m.Config.DataDir, m.Config.BaseURL, m.Config.MasterKey, m.Config.LogLevel = dir, roundTripBase, masterKey, "error"
	l, err := m.openData(t.Context())
	if err != nil {
		_ = m.Close()
		t.Fatalf("open %s: %v", dir, err)
	}
	close = func() {
		if err := m.Close(); err != nil {
			t.Errorf("close %s: %v", dir, err)
		}
	}
	t.Cleanup(close)
	return l, close
}

// buildCommunity makes an issuer with two badges (one awarded by a rule),
// members, their activity, credentials signed by two generations of keys,
// a revoked one, a spotlight pin and an admin API key.
func buildCommunity(t *testing.T, l *wire.Laurel) community {
	t.Helper()
	ctx := t.Context()
	p, err := l.Stores.Profiles.CreateProfile(ctx, issuer.ProfileInput{Name: "Round Trip Guild", URL: "https://example.org/guild",
		Description: "A community that moves house."})
	check(t, err)
	host, err := l.Stores.Achievements.CreateAchievement(ctx, p.ID, badges.AchievementInput{Name: "Session Host",
		Description: "Hosted a session.", Criteria: "Host a *session*.", Status: badges.StatusActive, Level: "leadership"})
	check(t, err)
	regular, err := l.Stores.Achievements.CreateAchievement(ctx, p.ID, badges.AchievementInput{Name: "Regular",
		Description: "Shows up.", Criteria: "Attend two sessions.", Status: badges.StatusActive, Level: "participation"})
	check(t, err)
	rule, err := badges.ParseRule([]byte(`{"condition":{"count":{"behaviour":"attended-session","min":2}}}`))
	check(t, err)
	_, err = l.Awarder.Catalogue.SetRule(ctx, regular.ID, rule)
	check(t, err)
	c := community{issuer: p.ID, achievement: host.ID, ruled: regular.ID}

	var members []*badges.Member
	for i, name := range []string{"Ada Lovelace", "Grace Hopper", "Alan Turing"} {
		m, err := l.Stores.Members.CreateMember(ctx, p.ID, badges.MemberInput{Email: fmt.Sprintf("m%d@example.org", i), DisplayName: name, PublicProfile: i != 2})
		check(t, err)
		members = append(members, m)
	}
	c.slug = members[0].Slug
	var issued []*issuer.Credential
	award := func(in badges.AwardInput) {
		cred, _, err := l.Issuing.Award(ctx, p.ID, in)
		check(t, err)
		issued = append(issued, cred)
	}
	for _, m := range members {
		award(badges.AwardInput{AchievementID: host.ID, MemberID: m.ID, Narrative: "Hosted the *spring* meet-up."})
	}
	var acts []badges.ActivityInput
	for _, m := range members[:2] {
		for d := range 2 {
			acts = append(acts, badges.ActivityInput{Activity: badges.Activity{MemberID: m.ID, Behaviour: "attended-session",
				At: time.Now().Add(-time.Duration(d+1) * 24 * time.Hour), EvidenceURL: "https://example.org/sessions/" + m.ID}})
		}
	}
	_, err = l.Awarder.Record(ctx, p.ID, acts)
	check(t, err)
	n, err := l.Awarder.Drain(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Drain = %d, %v; want the 2 awards the rule earned", n, err)
	}
	_, err = l.Issuing.RotateKeys(ctx, p.ID)
	check(t, err)
	award(badges.AwardInput{AchievementID: host.ID, Email: "new@example.org", Name: "Katherine Johnson"}) // signed by the second keys
	c.revoked = issued[1].ID
	_, err = l.Issuing.Revoke(ctx, c.revoked, badges.RevokeInput{Reason: "Awarded by mistake."})
	check(t, err)
	check(t, l.Spotlight.SetPin(ctx, p.ID, &badges.Pin{MemberID: members[0].ID, Note: "Hosts the spring meet-ups."}))
	c.adminKey, err = l.Stores.APIKeys.BootstrapAPIKey(ctx)
	check(t, err)
	c.credentials = len(issued) + n
	return c
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// runCmdEnv runs a command line of the laurel program with an environment.
func runCmdEnv(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(t.Context(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}

// TestExportImport_RoundTrip moves a community from one embedded data
// directory to a new one through an archive: every credential still
// verifies (the revoked one is still revoked), and every public page,
// document and key answers as before.
func TestExportImport_RoundTrip(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	l, closeSrc := openLaurel(t, src, "")
	c := buildCommunity(t, l)
	closeSrc()
	master := strings.TrimSpace(string(must(os.ReadFile(filepath.Join(src, "master.key")))))
	archive := filepath.Join(t.TempDir(), "guild.laurel.gz")

	out, err := runCmd(t, "export", "-data-dir", src, archive)
	if err != nil || !strings.Contains(out, "Exported ") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if fi, err := os.Stat(archive); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("archive: %v, %v; want a file only its owner reads", fi, err)
	}
	if bytes.Contains(gunzipFile(t, archive), []byte(master)) {
		t.Fatal("the archive holds the master key")
	}
	out, err = runCmdEnv(t, map[string]string{"LAUREL_MASTER_KEY": master}, "import", archive, "-data-dir", dst)
	if err != nil || !strings.Contains(out, "Imported ") || !strings.Contains(out, "All 4 signing keys open") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dst, "master.key")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("import wrote a master key into the data directory: %v", err)
	}

	before, _ := openLaurel(t, src, master)
	after, _ := openLaurel(t, dst, master)
	verifyEvery(t, after, c)
	comparePublic(t, serveLaurel(t, before), serveLaurel(t, after), publicPaths(t, after, c), c.adminKey)
}

// verifyEvery verifies every credential stored in l, as JSON and as JWT.
func verifyEvery(t *testing.T, l *wire.Laurel, c community) {
	t.Helper()
	ctx := t.Context()
	docs, err := database.FindAll[bson.Raw](ctx, l.DB.Collection(database.Credentials), bson.D{}, "list credentials")
	check(t, err)
	if len(docs) != c.credentials {
		t.Fatalf("%d credentials after import, want %d", len(docs), c.credentials)
	}
	for _, d := range docs {
		cred, err := l.Issuing.Credential(ctx, d.Lookup("_id").StringValue())
		check(t, err)
		for _, form := range [][]byte{cred.JSON, []byte(cred.JWT)} {
			r, err := l.Verifier.Verify(ctx, verifier.Input{Data: form})
			check(t, err)
			want := verifier.Valid
			if cred.ID == c.revoked {
				want = verifier.Invalid
			}
			if r.Verdict != want || r.Credential.Revoked != (cred.ID == c.revoked) {
				t.Errorf("credential %s (%s): %s, revoked %v; want %s\n%+v", cred.ID, r.Format, r.Verdict, r.Credential.Revoked, want, r.Checks)
			}
		}
	}
}

// publicPaths are the URLs to compare: every public page and document of
// the community, and a few admin API reads.
func publicPaths(t *testing.T, l *wire.Laurel, c community) []string {
	t.Helper()
	docs, err := database.FindAll[bson.Raw](t.Context(), l.DB.Collection(database.Credentials), bson.D{}, "list credentials")
	check(t, err)
	p := []string{"/issuers/" + c.issuer, "/achievements/" + c.achievement, "/achievements/" + c.ruled, "/members/" + c.slug,
		"/issuers/" + c.issuer + "/spotlight", "/issuers/" + c.issuer + "/jwks.json", "/.well-known/jwks.json",
		"/status/" + c.issuer + "/0"}
	for _, k := range []string{"di-1", "jwt-1", "di-2", "jwt-2"} {
		p = append(p, "/issuers/"+c.issuer+"/keys/"+k)
	}
	for _, d := range docs {
		id := d.Lookup("_id").StringValue()
		p = append(p, "/credentials/"+id, "/credentials/"+id+".jwt", "/credentials/"+id+".json",
			"/credentials/"+id+"/qr.svg", "/api/v1/credentials/"+id)
		if id != c.revoked { // a revoked badge's image is gone (410) before and after
			p = append(p, "/credentials/"+id+"/badge.svg")
		}
	}
	return append(p, "/api/v1/issuers/"+c.issuer+"/members", "/api/v1/issuers/"+c.issuer+"/stats", "/api/v1/issuers/"+c.issuer+"/achievements")
}

func serveLaurel(t *testing.T, l *wire.Laurel) string {
	t.Helper()
	srv, err := l.Server(api.Config{BaseURL: roundTripBase, Logger: slog.New(slog.DiscardHandler)})
	check(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

// comparePublic fetches every path from both Laurels, as HTML and as JSON,
// and wants the same answers: byte for byte, but for a page's CSP nonce
// (new on every request) and a status list's signing time and proof (the
// list is signed when it is served).
func comparePublic(t *testing.T, before, after string, paths []string, adminKey string) {
	t.Helper()
	for _, path := range paths {
		for _, accept := range []string{"text/html", "application/ld+json"} {
			b, a := fetch(t, before, path, accept, adminKey), fetch(t, after, path, accept, adminKey)
			if b.status != http.StatusOK {
				t.Errorf("GET %s (%s) before: %d", path, accept, b.status)
			}
			if b.status != a.status || b.ctype != a.ctype || !bytes.Equal(b.body, a.body) {
				t.Errorf("GET %s (%s) answers differently after the import: %d %s %d bytes, then %d %s %d bytes\n%s\n---\n%s",
					path, accept, b.status, b.ctype, len(b.body), a.status, a.ctype, len(a.body), clipBody(b.body), clipBody(a.body))
			}
		}
	}
}

type answer struct {
	status int
	ctype  string
	body   []byte
}

var (
	nonceRE  = regexp.MustCompile(`nonce="[^"]*"|'nonce-[^']*'`)
	signedRE = regexp.MustCompile(`"(validFrom|created|proofValue)":"[^"]*"`)
)

func fetch(t *testing.T, base, path, accept, adminKey string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", base+path, nil)
	check(t, err)
	req.Header.Set("Accept", accept)
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+adminKey)
	}
	resp, err := http.DefaultClient.Do(req)
	check(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	check(t, err)
	body = nonceRE.ReplaceAll(body, []byte("nonce"))
	if strings.HasPrefix(path, "/status/") {
		body = signedRE.ReplaceAll(body, []byte(`"$1":"signed when served"`))
	}
	return answer{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), body: body}
}

func clipBody(b []byte) string { return string(b[:min(len(b), 600)]) }

func gunzipFile(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	check(t, err)
	defer f.Close()
	return gunzip(t, must(io.ReadAll(f)))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestImport_EscapesHeader: what an archive's header says of its origin
// (the database, the Laurel that wrote it) is outside data, printed
// escaped, so that a forged header cannot act on the terminal.
func TestImport_EscapesHeader(t *testing.T) {
	src := t.TempDir()
	_, closeSrc := openLaurel(t, src, "")
	closeSrc()
	master := strings.TrimSpace(string(must(os.ReadFile(filepath.Join(src, "master.key")))))
	archive := filepath.Join(t.TempDir(), "a.gz")
	if out, err := runCmd(t, "export", "-data-dir", src, archive); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	forged := withHeader(t, gunzipFile(t, archive), func(h *database.ArchiveHeader) {
		h.Database = "guild\r\x1b[2K\x1b[32mVALID"
		h.Laurel = "v1\x1b]0;owned\x07\u202e"
	})
	check(t, os.WriteFile(archive, regzip(t, forged), 0o600))
	out, err := runCmdEnv(t, map[string]string{"LAUREL_MASTER_KEY": master}, "import", archive, "-data-dir", t.TempDir())
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if strings.ContainsAny(out, "\r\x1b\x07\u202e") || !strings.Contains(out, `guild\r\x1b[2K\x1b[32mVALID`) || !strings.Contains(out, `v1\x1b]0;owned\x07\u202e`) {
		t.Fatalf("the header's fields are not escaped:\n%q", out)
	}
}

// withHeader edits the header of an uncompressed archive and writes its
// checksum again, as whoever can write the file can.
func withHeader(t *testing.T, plain []byte, edit func(*database.ArchiveHeader)) []byte {
	t.Helper()
	n := int(binary.LittleEndian.Uint32(plain))
	var h database.ArchiveHeader
	check(t, bson.Unmarshal(plain[:n], &h))
	edit(&h)
	end := n // the trailer, the last document, starts at end
	for end+int(binary.LittleEndian.Uint32(plain[end:])) < len(plain) {
		end += int(binary.LittleEndian.Uint32(plain[end:]))
	}
	var trailer struct {
		Documents int64  `bson:"documents"`
		SHA256    []byte `bson:"sha256"`
	}
	check(t, bson.Unmarshal(plain[end:], &trailer))
	out := append(must(bson.Marshal(&h)), plain[n:end]...)
	sum := sha256.Sum256(out)
	trailer.SHA256 = sum[:]
	return append(out, must(bson.Marshal(trailer))...)
}

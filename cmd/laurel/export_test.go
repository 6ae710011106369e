package main

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

// TestExport_Refused: export needs the data directory to itself, a
// database that exists and a file name that is new; it writes no file
// otherwise.
func TestExport_Refused(t *testing.T) {
	src := t.TempDir()
	l, closeSrc := openLaurel(t, src, "")
	buildCommunity(t, l)
	closeSrc()
	archive := filepath.Join(t.TempDir(), "a.gz")

	lock, err := lockDataDir(src) // as laurel serve holds it
	check(t, err)
	_, err = runCmd(t, "export", "-data-dir", src, archive)
	var busy *dataDirInUseError
	if !errors.As(err, &busy) || !strings.Contains(err.Error(), "stop it, then export again.") {
		t.Errorf("export beside serve: %v", err)
	}
	check(t, lock.Close())
	if _, err := runCmd(t, "export", "-data-dir", t.TempDir(), archive); err == nil || !strings.Contains(err.Error(), "There is no Laurel database") {
		t.Errorf("export of a data directory without a database: %v", err)
	}
	if _, err := os.Stat(archive); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused export left a file: %v", err)
	}
	if _, err := runCmd(t, "export", "-data-dir", src); err == nil || !strings.Contains(err.Error(), "Say which one archive file") {
		t.Errorf("export without a file: %v", err)
	}

	check(t, os.WriteFile(archive, []byte("an older backup"), 0o600))
	if _, err := runCmd(t, "export", "-data-dir", src, archive); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("export over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(archive); string(b) != "an older backup" {
		t.Errorf("the existing file was overwritten")
	}
	if entries, _ := os.ReadDir(filepath.Dir(archive)); len(entries) != 1 {
		t.Errorf("export left files behind: %v", entries)
	}
}

// TestExport_KeepsFileMadeMeanwhile: a file that appears at the archive's
// name after export looked for one (here: before the archive is written)
// is kept, not replaced, and no temporary file is left.
func TestExport_KeepsFileMadeMeanwhile(t *testing.T) {
	l, _ := openLaurel(t, t.TempDir(), "")
	archive := filepath.Join(t.TempDir(), "a.gz")
	check(t, os.WriteFile(archive, []byte("made meanwhile"), 0o600))
	_, _, err := writeArchive(t.Context(), l.DB, archive)
	if !errors.Is(err, os.ErrExist) || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("export onto a file made meanwhile: %v", err)
	}
	if b, _ := os.ReadFile(archive); string(b) != "made meanwhile" {
		t.Errorf("the file made meanwhile was replaced")
	}
	if entries, _ := os.ReadDir(filepath.Dir(archive)); len(entries) != 1 {
		t.Errorf("export left files behind: %v", entries)
	}
}

// TestImport_Refused: a damaged or foreign archive, a database that is not
// empty and a master key that cannot open the archive's keys are each
// refused with a clear error, and nothing is written — the target data
// directory does not even get a database file or a master key.
func TestImport_Refused(t *testing.T) {
	src := t.TempDir()
	l, closeSrc := openLaurel(t, src, "")
	buildCommunity(t, l)
	closeSrc()
	master := strings.TrimSpace(string(must(os.ReadFile(filepath.Join(src, "master.key")))))
	dir := t.TempDir()
	archive := filepath.Join(dir, "good.gz")
	if out, err := runCmd(t, "export", "-data-dir", src, archive); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	good := must(os.ReadFile(archive))
	plain := gunzip(t, good)
	variant := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		check(t, os.WriteFile(p, b, 0o600))
		return p
	}
	other := make([]byte, 32)
	_, _ = rand.Read(other)

	cases := []struct {
		name, archive, master, target string
		kind                          error
		message                       string
	}{
		{"truncated", variant("truncated.gz", good[:len(good)*2/3]), master, "", database.ErrArchiveDamaged, "truncated"},
		{"altered byte", variant("altered.gz", regzip(t, alterAt(plain, bytes.Index(plain, []byte("Round Trip Guild"))))), master, "",
			database.ErrArchiveDamaged, "checksum does not match"},
		{"later version", variant("v2.gz", regzip(t, withVersion(t, plain, 2))), master, "", database.ErrArchiveVersion, "version 2"},
		{"not an archive", variant("members.csv", []byte("email,name\na@example.org,A\n")), master, "", database.ErrArchiveDamaged, "not a Laurel archive"},
		{"wrong master key", archive, hex.EncodeToString(other), "", issuer.ErrUnseal, "The master key cannot open the archive's signing key"},
		{"no master key", archive, "", "", os.ErrNotExist, "There is no master key"},
		{"not empty", archive, master, src, database.ErrNotEmpty, "is not empty (the collection"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target := tc.target
			if target == "" {
				target = filepath.Join(t.TempDir(), "data")
			}
			_, err := runCmdEnv(t, map[string]string{"LAUREL_MASTER_KEY": tc.master}, "import", "-data-dir", target, tc.archive)
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("import: %v; want %v saying %q", err, tc.kind, tc.message)
			}
			if msg := err.Error(); msg[0] < 'A' || msg[0] > 'Z' || !strings.HasSuffix(msg, ".") {
				t.Errorf("message %q is not a sentence", msg)
			}
			if tc.target == "" {
				if entries, err := os.ReadDir(target); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("the refused import wrote to the data directory: %v, %v", entries, err)
				}
			}
		})
	}
	// The database that was not empty is as it was: the community is there
	// once, not twice.
	l, _ = openLaurel(t, src, master)
	p, err := l.Stores.Profiles.Profiles(t.Context(), badges.ListOptions{Limit: 10})
	if err != nil || p.Total != 1 {
		t.Fatalf("issuers after the refused import: %+v, %v", p, err)
	}
}

func alterAt(b []byte, i int) []byte {
	b = bytes.Clone(b)
	b[i] ^= 0x20
	return b
}

// withVersion rewrites the format version in an uncompressed archive's
// header.
func withVersion(t *testing.T, plain []byte, v byte) []byte {
	t.Helper()
	key := []byte("\x10version\x00")
	i := bytes.Index(plain, key)
	if i < 0 {
		t.Fatal("no version in the header")
	}
	out := bytes.Clone(plain)
	out[i+len(key)] = v
	return out
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	check(t, err)
	return must(io.ReadAll(zr))
}

func regzip(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	check(t, err)
	check(t, zw.Close())
	return buf.Bytes()
}

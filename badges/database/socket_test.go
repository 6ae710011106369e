package database_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/x/mongo/driver/connstring"

	"github.com/laurel-badges/laurel/badges/database"
)

// TestEngine_PrivateSocket: the embedded engine's wire protocol has no
// authentication, so it must not be reachable by other users of the
// machine. It listens on a Unix socket in a directory only this user may
// enter, never on a TCP port, and the driver reaches it there.
func TestEngine_PrivateSocket(t *testing.T) {
	for name, dir := range map[string]string{
		// A data directory made beforehand, open to everyone, with a
		// capital letter in its path (the driver lower-cases addresses).
		"existing": filepath.Join(t.TempDir(), "Data"),
		// A path too long for a socket: a private temporary directory is used.
		"long path": filepath.Join(t.TempDir(), strings.Repeat("d", 100)),
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.MkdirAll(filepath.Join(dir, "socket"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(filepath.Join(dir, "socket"), 0o755); err != nil {
				t.Fatal(err)
			}
			before := listeningTCP(t)
			e, err := database.StartEngine(database.EngineConfig{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			checkPrivateSocket(t, e)
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			db, err := database.Open(ctx, database.Options{URI: e.URI(), Database: "socket", Engine: e})
			if err != nil {
				t.Fatalf("connect through the socket: %v", err)
			}
			defer db.Close(ctx)
			if err := db.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			if after := listeningTCP(t); after > before {
				t.Fatalf("the engine opened %d TCP listener(s)", after-before)
			}
		})
	}
}

// checkPrivateSocket checks that the engine's URI names its socket and
// nothing else, that the socket exists and that its directory is closed
// to other users.
func checkPrivateSocket(t *testing.T, e *database.Engine) {
	t.Helper()
	cs, err := connstring.ParseAndValidate(e.URI())
	if err != nil {
		t.Fatalf("URI %q: %v", e.URI(), err)
	}
	if len(cs.Hosts) != 1 || !strings.EqualFold(cs.Hosts[0], e.Socket()) || !strings.HasSuffix(cs.Hosts[0], ".sock") {
		t.Fatalf("URI %q names %v, want only the socket %s", e.URI(), cs.Hosts, e.Socket())
	}
	fi, err := os.Stat(e.Socket())
	if err != nil || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("socket %s: %v, %v", e.Socket(), fi, err)
	}
	di, err := os.Lstat(filepath.Dir(e.Socket()))
	if err != nil || !di.IsDir() || di.Mode().Perm() != 0o700 {
		t.Fatalf("socket directory %s: %v, %v; want a directory with mode 0700", filepath.Dir(e.Socket()), di.Mode(), err)
	}
}

// listeningTCP counts this process's listening TCP sockets. It reads
// /proc, so elsewhere than on Linux it counts none and only the checks of
// the URI and the socket's directory apply.
func listeningTCP(t *testing.T) int {
	t.Helper()
	if runtime.GOOS != "linux" {
		return 0
	}
	listening := map[string]bool{} // socket inodes
	for _, table := range []string{"/proc/self/net/tcp", "/proc/self/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue // no IPv6
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) > 9 && fields[3] == "0A" { // TCP_LISTEN
				listening[fields[9]] = true
			}
		}
		f.Close()
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fd := range fds {
		link, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && listening[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			n++
		}
	}
	return n
}

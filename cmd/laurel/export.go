package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges/database"
)

const exportUsage = `Usage: laurel export [flags] FILE

Writes everything in the database (the embedded one under -data-dir, or the
MongoDB of -mongodb-uri) to FILE, a new gzip-compressed archive with a
SHA-256 checksum, which "laurel import" restores. Signing keys are in it
sealed under the master key; the master key is not: keep it apart from the
archive, for the archive is useless without it.

With the embedded database, stop "laurel serve" first: the database belongs
to one process at a time, which is what makes the archive consistent. With
MongoDB, stop every Laurel process that writes to it (or use mongodump):
there are no transactions, and an export that sees a collection change
fails.

Flags (each also read from the environment variable shown):
`

// runExport is "laurel export FILE".
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	m, file, err := archiveCommand("export", exportUsage, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(file); err == nil {
		return existsAlready(nil, file)
	}
	if m.Config.MongoURI == "" {
		db := filepath.Join(m.Config.DataDir, m.Config.MongoDatabase+".sqlite")
		if _, err := os.Stat(db); err != nil {
			return failf(err, "There is no Laurel database in the data directory %s (no file %s): say where it is with -data-dir or LAUREL_DATA_DIR.",
				m.Config.DataDir, filepath.Base(db))
		}
	}
	m.Config.LogLevel = "error"
	m.log = newLogger(m.Config, stderr)
	start := time.Now()
	if err := m.openDB(ctx); err != nil {
		return stopServeFirst(err, "export")
	}
	defer m.Close()
	h, size, err := writeArchive(ctx, m.db, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Exported %d documents of %d collections from the database %s to %s (%.1f MB) in %.1fs.\n",
		h.Documents(), len(h.Collections), h.Database, file, float64(size)/1e6, time.Since(start).Seconds())
	fmt.Fprintln(stdout, "Its signing keys are sealed under the master key, which is not in it: keep the master key to import it.")
	return nil
}

// writeArchive exports db into a temporary file beside file, readable by
// this user only, and links it as file once it is whole and on the disk,
// then syncs the directory, so that file never holds half an archive and,
// once this returns, survives a crash. A link, unlike a rename, never
// replaces a file: one made at file since runExport looked is kept.
func writeArchive(ctx context.Context, db *database.DB, file string) (h *database.ArchiveHeader, size int64, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.partial")
	if err != nil {
		return nil, 0, failf(err, "The archive %s cannot be created: %v.", file, err)
	}
	defer func() { // nothing is left to remove once publish has succeeded
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	w := bufio.NewWriterSize(tmp, 256<<10)
	if h, err = db.Export(ctx, w, laurelVersion()); err != nil {
		return nil, 0, err
	}
	if err = errors.Join(w.Flush(), tmp.Sync()); err != nil {
		return nil, 0, failf(err, "The archive %s cannot be written: %v.", file, err)
	}
	fi, err := tmp.Stat()
	if err != nil {
		return nil, 0, err
	}
	if err = publish(tmp, file); err != nil {
		return nil, 0, err
	}
	return h, fi.Size(), nil
}

// publish gives the written temporary file the name file, which must not
// exist, removes the temporary name and makes the change durable.
func publish(tmp *os.File, file string) error {
	if err := tmp.Close(); err != nil {
		return failf(err, "The archive %s cannot be written: %v.", file, err)
	}
	err := os.Link(tmp.Name(), file)
	if errors.Is(err, os.ErrExist) {
		return existsAlready(err, file)
	}
	if err != nil {
		return failf(err, "The archive %s cannot be written: %v.", file, err)
	}
	_ = os.Remove(tmp.Name()) // file holds the archive; a leftover name costs no data
	if err := syncDir(filepath.Dir(file)); err != nil {
		return failf(err, "The archive %s was written, but its directory cannot be synced to the disk: %v.", file, err)
	}
	return nil
}

// syncDir flushes a directory's entries (a new name in it) to the disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

func existsAlready(cause error, file string) error {
	return failf(cause, "The file %s exists already: choose another name, or remove it first.", file)
}

// archiveCommand reads the flags and the one file argument of "laurel
// export" or "laurel import" (cmd), and returns the Main they configure.
func archiveCommand(cmd, usage string, args []string, getenv func(string) string, stdout, stderr io.Writer) (*Main, string, error) {
	m := NewMain(stdout, stderr)
	fs := flag.NewFlagSet("laurel "+cmd, flag.ContinueOnError)
	fs.SetOutput(stdout)
	m.Config.storageFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		printFlags(fs)
	}
	file, err := parseFileArg(fs, args, getenv, cmd)
	return m, file, err
}

// parseFileArg parses "[flags] FILE" or "FILE [flags]", filling flags not
// given from the environment, and returns FILE.
func parseFileArg(fs *flag.FlagSet, args []string, getenv func(string) string, cmd string) (string, error) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], parseWithEnv(fs, args[1:], getenv)
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return "", failf(nil, "Say which one archive file to %s: laurel %s [flags] FILE.", cmd, cmd)
	}
	return fs.Arg(0), parseWithEnv(fs, args[:len(args)-1], getenv)
}

// stopServeFirst rewords the error of a data directory held by another
// process for a command that needs the database to itself.
func stopServeFirst(err error, cmd string) error {
	var busy *dataDirInUseError
	if errors.As(err, &busy) {
		return failf(err, "Another Laurel process is using the data directory %s, and the embedded database belongs to one process at a time: stop it, then %s again.", busy.dir, cmd)
	}
	return err
}

// laurelVersion names this build of Laurel in the archives it writes.
func laurelVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value[:min(12, len(s.Value))]
		}
	}
	return v
}

// failure is an error message for the person at the terminal, a full
// sentence; its cause, if any, is kept for errors.Is.
type failure struct {
	msg   string
	cause error
}

func (f *failure) Error() string { return f.msg }
func (f *failure) Unwrap() error { return f.cause }

func failf(cause error, format string, args ...any) error {
	return &failure{msg: fmt.Sprintf(format, args...), cause: cause}
}

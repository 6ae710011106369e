package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
	imongo "github.com/laurel-badges/laurel/issuer/mongodb"
)

const importUsage = `Usage: laurel import [flags] FILE

Restores an archive written by "laurel export" into an empty database: the
embedded one under -data-dir, or the MongoDB of -mongodb-uri, which is how a
community moves from the embedded database to MongoDB. The whole archive is
checked first (its format version, every document, its SHA-256 checksum),
and every signing key in it must open with the master key; nothing is
written unless all of that holds.

The master key is the exporting Laurel's: -master-key (LAUREL_MASTER_KEY),
or its master.key copied into -data-dir. Import never makes a new one.
Serve the imported database with the same -base-url as before: every
credential's id is a URL under it. With the embedded database, stop
"laurel serve" on that data directory first.

Flags (each also read from the environment variable shown):
`

// runImport is "laurel import FILE": verify the archive and its keys
// without touching the database, then restore it into the empty database.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	m, file, err := archiveCommand("import", importUsage, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	sealer, err := importSealer(m.Config)
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return failf(err, "The archive %s cannot be opened: %v.", file, err)
	}
	defer f.Close()
	start := time.Now()
	check := &keyCheck{sealer: sealer}
	if _, err := database.VerifyArchive(bufio.NewReaderSize(f, 256<<10), check.check); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	m.Config.LogLevel = "error"
	m.log = newLogger(m.Config, stderr)
	if err := m.openDB(ctx); err != nil {
		return stopServeFirst(err, "import")
	}
	defer m.Close()
	h, err := m.db.Restore(ctx, bufio.NewReaderSize(f, 256<<10))
	if err != nil {
		return err
	}
	// The header's names come from the archive, outside data: printf escapes them.
	printf(stdout, "Imported %d documents of %d collections into the database %s in %.1fs (exported from the database %s on %s by Laurel %s).\n",
		h.Documents(), len(h.Collections), m.db.Name(), time.Since(start).Seconds(), h.Database, h.Created.Format("2006-01-02 15:04 MST"), h.Laurel)
	fmt.Fprintf(stdout, "All %d signing keys open with the master key. Serve it with the same -base-url as before: every credential's id is a URL under it.\n", check.keys)
	return nil
}

// importSealer opens keys with the master key given (-master-key) or the
// one in the data directory. Unlike serve, import never makes a new master
// key: a new one could not open the archive's keys.
func importSealer(c Config) (*issuer.Sealer, error) {
	if c.MasterKey != "" {
		key, err := issuer.ParseMasterKey(c.MasterKey)
		if err != nil {
			return nil, failf(err, "The -master-key is not valid: %v.", err)
		}
		return issuer.NewSealer(key)
	}
	path := filepath.Join(c.DataDir, "master.key")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, failf(err, "There is no master key (no -master-key, no %s): give the exporting Laurel's master key with -master-key or LAUREL_MASTER_KEY, or copy its master.key into %s.", path, c.DataDir)
	}
	if err != nil {
		return nil, failf(err, "The master key %s cannot be read: %v.", path, err)
	}
	key, err := issuer.ParseMasterKey(string(b))
	if err != nil {
		return nil, failf(err, "The master key in %s is not valid: %v.", path, err)
	}
	return issuer.NewSealer(key)
}

// keyCheck opens every signing key of an archive with the master key, so
// that an import with the wrong one stops before it writes anything.
type keyCheck struct {
	sealer *issuer.Sealer
	keys   int
}

func (c *keyCheck) check(collection string, doc bson.Raw) error {
	if collection != database.Keys {
		return nil
	}
	k, err := imongo.KeyFromDocument(doc)
	if err != nil {
		return failf(database.ErrArchiveDamaged, "The archive's signing key %s cannot be read: %v.", doc.Lookup("_id"), err)
	}
	if _, err := k.Signer(c.sealer); err != nil {
		if errors.Is(err, issuer.ErrUnseal) {
			return failf(err, "The master key cannot open the archive's signing key %s of issuer %s: import with the master key of the Laurel that exported it (-master-key or LAUREL_MASTER_KEY, or its master.key in -data-dir).", k.ID, k.IssuerID)
		}
		return failf(err, "The archive's signing key %s of issuer %s cannot be opened: %v.", k.ID, k.IssuerID, err)
	}
	c.keys++
	return nil
}

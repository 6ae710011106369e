package database

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// An archive (laurel export, docs/backup.md) is a gzip stream of BSON
// documents, one after another:
//
//	header     {format: "laurel-archive", version: 1, laurel, created,
//	            database, collections: [{name, count}, …]}
//	documents  the count of each collection, in the header's order, each
//	           exactly as stored
//	trailer    {documents: <total>, sha256: <SHA-256 of every byte before
//	           the trailer, uncompressed>}
//
// Raw BSON keeps every value as stored (computed documents' binary
// content, dates, 32- and 64-bit integers) with no conversion, and
// `gunzip -c FILE | bsondump` shows it. The checksum is over the
// uncompressed bytes, so an archive altered and compressed again is
// refused too. It detects damage, not forgery: whoever can write the file
// can compute it again.

// ArchiveFormat names the format in every archive's header.
const ArchiveFormat = "laurel-archive"

// ArchiveVersion is the version of the format this Laurel writes and
// reads. It changes when the archive's layout, or the way Laurel stores a
// document, changes incompatibly.
const ArchiveVersion = 1

// maxArchiveDoc bounds one document of an archive: MongoDB's limit of 16
// MiB with room for the header of a very large database.
const maxArchiveDoc = 16<<20 + 64<<10

// maxArchiveDepth bounds the nesting of an archive's documents, as MongoDB
// bounds it.
const maxArchiveDepth = 100

// ArchiveHeader describes an archive: what wrote it, when, and how many
// documents of each collection follow.
type ArchiveHeader struct {
	Format      string              `bson:"format"`
	Version     int32               `bson:"version"`
	Laurel      string              `bson:"laurel"` // the version of Laurel that wrote it
	Created     time.Time           `bson:"created"`
	Database    string              `bson:"database"` // the database it was exported from
	Collections []ArchiveCollection `bson:"collections"`
}

// ArchiveCollection is one collection of an archive.
type ArchiveCollection struct {
	Name  string `bson:"name"`
	Count int64  `bson:"count"`
}

// Documents is the number of documents in the archive.
func (h *ArchiveHeader) Documents() int64 {
	var n int64
	for _, c := range h.Collections {
		n += c.Count
	}
	return n
}

type archiveTrailer struct {
	Documents int64  `bson:"documents"`
	SHA256    []byte `bson:"sha256"`
}

// Errors of archives and restores, for errors.Is; the error returned says
// what exactly is wrong.
var (
	// ErrArchiveDamaged: not an archive, truncated, altered or malformed.
	ErrArchiveDamaged = errors.New("damaged archive")
	// ErrArchiveVersion: written in a format version or with collections
	// this Laurel does not read.
	ErrArchiveVersion = errors.New("unsupported archive")
	// ErrNotEmpty: a restore into a database that holds documents.
	ErrNotEmpty = errors.New("database not empty")
	// ErrChanged: the database changed while it was exported.
	ErrChanged = errors.New("database changed during export")
)

// archiveError is one of the errors above with a message for the user.
type archiveError struct {
	kind error
	msg  string
}

func (e *archiveError) Error() string { return e.msg }
func (e *archiveError) Unwrap() error { return e.kind }

func archiveErrorf(kind error, format string, args ...any) error {
	return &archiveError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// archiveWriter writes an archive; the caller writes exactly the documents
// its header announces.
type archiveWriter struct {
	gz    *gzip.Writer
	sum   hash.Hash
	out   io.Writer // gz and sum
	total int64
}

// newArchiveWriter writes the header. gzip's default level makes a demo
// database's archive a quarter smaller than its fastest one; the time it
// adds (35 MB a second against 70) is small beside the engine's reading.
func newArchiveWriter(w io.Writer, h *ArchiveHeader) (*archiveWriter, error) {
	head, err := bson.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("write archive header: %w", err)
	}
	gz, err := gzip.NewWriterLevel(w, gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	a := &archiveWriter{gz: gz, sum: sha256.New()}
	a.out = io.MultiWriter(gz, a.sum)
	if _, err := a.out.Write(head); err != nil {
		return nil, fmt.Errorf("write archive: %w", err)
	}
	return a, nil
}

func (a *archiveWriter) write(doc []byte) error {
	a.total++
	if _, err := a.out.Write(doc); err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	return nil
}

// finish writes the trailer and ends the gzip stream.
func (a *archiveWriter) finish() error {
	t, err := bson.Marshal(archiveTrailer{Documents: a.total, SHA256: a.sum.Sum(nil)})
	if err != nil {
		return err
	}
	if _, err := a.gz.Write(t); err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	if err := a.gz.Close(); err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	return nil
}

// ArchiveReader reads an archive document by document, checking it as it
// goes; its memory does not grow with the archive.
type ArchiveReader struct {
	gz     *gzip.Reader
	in     *bufio.Reader
	sum    hash.Hash
	header ArchiveHeader
	coll   int   // the collection being read, an index into header.Collections
	left   int64 // its documents not read yet
	read   int64
	buf    []byte // the last document; reused
	err    error  // io.EOF after the end, or what went wrong; returned again
}

// NewArchiveReader reads and checks an archive's header.
func NewArchiveReader(r io.Reader) (*ArchiveReader, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, archiveErrorf(ErrArchiveDamaged, "The file is not a Laurel archive: it is not gzip-compressed.")
	}
	a := &ArchiveReader{gz: gz, in: bufio.NewReaderSize(gz, 64<<10), sum: sha256.New()}
	head, err := a.document()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, archiveErrorf(ErrArchiveDamaged, "The file is not a Laurel archive: it is empty.")
		}
		return nil, err
	}
	if err := a.readHeader(head); err != nil {
		return nil, err
	}
	a.sum.Write(head)
	a.coll = -1
	return a, nil
}

// readHeader checks the format and version before anything else, so that
// an archive of a later version is reported as such, whatever its layout.
func (a *ArchiveReader) readHeader(head bson.Raw) error {
	if err := validateDeep(bsoncore.Document(head), 0); err != nil {
		return archiveErrorf(ErrArchiveDamaged, "The file is not a Laurel archive: its header is malformed (%v).", err)
	}
	format, _ := head.Lookup("format").StringValueOK()
	if format != ArchiveFormat {
		return archiveErrorf(ErrArchiveDamaged, "The file is not a Laurel archive: its header does not name the format %q.", ArchiveFormat)
	}
	version, ok := head.Lookup("version").Int32OK()
	if !ok {
		return archiveErrorf(ErrArchiveDamaged, "The archive's header has no valid format version.")
	}
	laurel, _ := head.Lookup("laurel").StringValueOK()
	if version != ArchiveVersion {
		return archiveErrorf(ErrArchiveVersion, "The archive has format version %d (written by Laurel %s), and this Laurel reads version %d only: import it with a Laurel that reads it.",
			version, laurel, ArchiveVersion)
	}
	if err := bson.Unmarshal(head, &a.header); err != nil {
		return archiveErrorf(ErrArchiveDamaged, "The archive's header is malformed: %v.", err)
	}
	seen := map[string]bool{}
	for _, c := range a.header.Collections {
		switch {
		case !slices.Contains(all, c.Name):
			return archiveErrorf(ErrArchiveVersion, "The archive holds the collection %q, which this Laurel does not know: import it with the Laurel that wrote it (%s) or a later one.", c.Name, laurel)
		case seen[c.Name]:
			return archiveErrorf(ErrArchiveDamaged, "The archive's header lists the collection %q twice.", c.Name)
		case c.Count < 0:
			return archiveErrorf(ErrArchiveDamaged, "The archive's header gives the collection %q a negative count.", c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

// Header is the archive's header.
func (a *ArchiveReader) Header() ArchiveHeader { return a.header }

// Next returns the next document and its collection. The document is valid
// until the next call. After the last one Next checks the trailer and the
// checksum and returns io.EOF only if they match and the stream ends there.
func (a *ArchiveReader) Next() (collection string, doc bson.Raw, err error) {
	if a.err == nil {
		collection, doc, a.err = a.next()
	}
	return collection, doc, a.err
}

func (a *ArchiveReader) next() (string, bson.Raw, error) {
	for a.left == 0 {
		a.coll++
		if a.coll == len(a.header.Collections) {
			return "", nil, a.finish()
		}
		a.left = a.header.Collections[a.coll].Count
	}
	name := a.header.Collections[a.coll].Name
	doc, err := a.document()
	if errors.Is(err, io.EOF) {
		return "", nil, a.truncated()
	}
	if err != nil {
		return "", nil, err
	}
	if err := validateDeep(bsoncore.Document(doc), 0); err != nil {
		return "", nil, archiveErrorf(ErrArchiveDamaged, "Document %d of the archive (collection %s) is malformed: %v.", a.read+1, name, err)
	}
	if _, err := doc.LookupErr("_id"); err != nil {
		return "", nil, archiveErrorf(ErrArchiveDamaged, "Document %d of the archive (collection %s) has no _id.", a.read+1, name)
	}
	a.sum.Write(doc)
	a.left--
	a.read++
	return name, doc, nil
}

func (a *ArchiveReader) truncated() error {
	return archiveErrorf(ErrArchiveDamaged, "The archive is truncated: it ends after %d of its %d documents.", a.read, a.header.Documents())
}

// finish reads the trailer, compares the checksum and checks that nothing
// follows (which also makes gzip check its own checksum).
func (a *ArchiveReader) finish() error {
	raw, err := a.document()
	if errors.Is(err, io.EOF) {
		return archiveErrorf(ErrArchiveDamaged, "The archive is truncated: its end (the checksum) is missing.")
	}
	if err != nil {
		return err
	}
	var t archiveTrailer
	if err := bson.Unmarshal(raw, &t); err != nil || len(t.SHA256) != sha256.Size {
		return archiveErrorf(ErrArchiveDamaged, "The archive's end (the checksum) is malformed.")
	}
	if t.Documents != a.read || !slices.Equal(t.SHA256, a.sum.Sum(nil)) {
		return archiveErrorf(ErrArchiveDamaged, "The archive's checksum does not match its content: it was altered or damaged after it was written.")
	}
	if _, err := a.in.ReadByte(); !errors.Is(err, io.EOF) {
		if err != nil {
			return damaged(err)
		}
		return archiveErrorf(ErrArchiveDamaged, "The archive goes on after its end: it was altered or damaged.")
	}
	return io.EOF
}

// document reads one BSON document: io.EOF when the stream ends cleanly
// before it, an ErrArchiveDamaged error when it ends inside it or the
// length is impossible. The buffer grows with what actually arrives, not
// with the length announced.
func (a *ArchiveReader) document() (bson.Raw, error) {
	var size [4]byte
	if n, err := io.ReadFull(a.in, size[:]); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, damaged(err)
	}
	n := int(int32(uint32(size[0]) | uint32(size[1])<<8 | uint32(size[2])<<16 | uint32(size[3])<<24))
	if n < 5 || n > maxArchiveDoc {
		return nil, archiveErrorf(ErrArchiveDamaged, "The archive is damaged: a document claims a length of %d bytes.", n)
	}
	a.buf = append(a.buf[:0], size[:]...)
	for len(a.buf) < n {
		chunk := min(n-len(a.buf), 64<<10)
		a.buf = slices.Grow(a.buf, chunk)
		got, err := io.ReadFull(a.in, a.buf[len(a.buf):len(a.buf)+chunk])
		a.buf = a.buf[:len(a.buf)+got]
		if err != nil {
			return nil, damaged(err)
		}
	}
	return bson.Raw(a.buf), nil
}

// damaged reports a failure to read the compressed stream.
func damaged(err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return archiveErrorf(ErrArchiveDamaged, "The archive is truncated: it ends in the middle of a document.")
	case errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt) || errors.Is(err, gzip.ErrHeader):
		return archiveErrorf(ErrArchiveDamaged, "The archive is damaged: it cannot be decompressed (%v).", err)
	}
	return &archiveError{kind: err, msg: fmt.Sprintf("The archive cannot be read: %v.", err)}
}

// validateDeep checks a document's structure down to its innermost
// values, so that a malformed archive is refused before anything is
// written rather than halfway through.
func validateDeep(doc bsoncore.Document, depth int) error {
	if depth > maxArchiveDepth {
		return fmt.Errorf("nested more than %d levels deep", maxArchiveDepth)
	}
	if err := doc.Validate(); err != nil {
		return err
	}
	elems, err := doc.Elements()
	if err != nil {
		return err
	}
	for _, e := range elems {
		v := e.Value()
		if d, ok := v.DocumentOK(); ok {
			err = validateDeep(d, depth+1)
		} else if arr, ok := v.ArrayOK(); ok {
			err = validateDeep(bsoncore.Document(arr), depth+1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// VerifyArchive reads a whole archive, checking its header, every document
// and the checksum, and calls check, if not nil, with every document (valid
// only during the call). It writes nothing.
func VerifyArchive(r io.Reader, check func(collection string, doc bson.Raw) error) (*ArchiveHeader, error) {
	ar, err := NewArchiveReader(r)
	if err != nil {
		return nil, err
	}
	for {
		name, doc, err := ar.Next()
		if errors.Is(err, io.EOF) {
			h := ar.Header()
			return &h, nil
		}
		if err != nil {
			return nil, err
		}
		if check != nil {
			if err := check(name, doc); err != nil {
				return nil, err
			}
		}
	}
}

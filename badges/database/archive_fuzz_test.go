package database

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

// seedArchive builds an archive in memory: the given documents of the
// given collections, in that order.
func seedArchive(tb testing.TB, version int32, colls []string, docs [][]bson.D) []byte {
	tb.Helper()
	h := &ArchiveHeader{Format: ArchiveFormat, Version: version, Laurel: "seed", Database: "laurel"}
	for i, name := range colls {
		h.Collections = append(h.Collections, ArchiveCollection{Name: name, Count: int64(len(docs[i]))})
	}
	var buf bytes.Buffer
	aw, err := newArchiveWriter(&buf, h)
	if err != nil {
		tb.Fatal(err)
	}
	for _, ds := range docs {
		for _, d := range ds {
			raw, err := bson.Marshal(d)
			if err != nil {
				tb.Fatal(err)
			}
			if err := aw.write(raw); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := aw.finish(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzArchiveReader feeds the archive reader arbitrary files, as an
// import does with whatever it is given: it must never panic, and it
// accepts a file only if everything in it was checked.
func FuzzArchiveReader(f *testing.F) {
	doc := func(id string, kv ...any) bson.D {
		d := bson.D{{Key: "_id", Value: id}}
		for i := 0; i+1 < len(kv); i += 2 {
			d = append(d, bson.E{Key: kv[i].(string), Value: kv[i+1]})
		}
		return d
	}
	valid := seedArchive(f, ArchiveVersion, []string{Issuers, Keys, Showcases},
		[][]bson.D{{doc("i1", "name", "A")}, {doc("i1/di-1", "sealed", []byte{1, 2, 3})},
			{doc("s", "rev", int64(1), "data", []byte{5, 0, 0, 0, 0}, "list", bson.A{int32(1), bson.D{{Key: "x", Value: 2.5}}})}})
	f.Add(valid)
	f.Add(seedArchive(f, ArchiveVersion, nil, nil))
	f.Add(seedArchive(f, ArchiveVersion+1, []string{Issuers}, [][]bson.D{{doc("i1")}}))
	f.Add(seedArchive(f, ArchiveVersion, []string{"unknown"}, [][]bson.D{{doc("i1")}}))
	f.Add(valid[:len(valid)/2])
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte("not an archive"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ar, err := NewArchiveReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		var docs int64
		for {
			_, d, err := ar.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if _, _, again := ar.Next(); !errors.Is(again, err) {
					t.Fatalf("Next after %v: %v", err, again)
				}
				return
			}
			if _, err := d.LookupErr("_id"); err != nil {
				t.Fatalf("a document without _id was returned: %v", d)
			}
			docs++
		}
		if h := ar.Header(); docs != h.Documents() {
			t.Fatalf("accepted %d documents, the header announces %d", docs, h.Documents())
		}
		if _, _, err := ar.Next(); !errors.Is(err, io.EOF) {
			t.Fatalf("Next after the end: %v", err)
		}
	})
}

package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"strconv"
	"strings"
	"testing"
)

// Writers are reused: every page must come out whole and alone, whatever
// the writer compressed before.
func TestGzipPage_ReusedWriters(t *testing.T) {
	for i := range 20 {
		page := []byte(strings.Repeat("<p>page "+strconv.Itoa(i)+"</p>", 50*(i+1)))
		z, err := gzipPage(page)
		if err != nil {
			t.Fatal(err)
		}
		r, err := gzip.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, page) {
			t.Fatalf("page %d: read back %d bytes (%v), want the page's %d", i, len(got), err, len(page))
		}
	}
}

func TestKeptGzip_Bounded(t *testing.T) {
	kept := newBlobCache(64 << 10)
	for i := range 200 {
		if _, err := keptGzip(kept, newBlob([]byte(strings.Repeat("page "+strconv.Itoa(i), 400)))); err != nil {
			t.Fatal(err)
		}
		if kept.bytes > kept.maxBytes {
			t.Fatalf("after %d pages the kept gzip holds %d bytes, over %d", i+1, kept.bytes, kept.maxBytes)
		}
	}
}

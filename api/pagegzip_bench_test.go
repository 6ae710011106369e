package api

import (
	"strconv"
	"strings"
	"testing"
)

// BenchmarkKeptGzip compresses pages seen for the first time, as when a
// server starts or a page changes: each one misses the kept gzip.
func BenchmarkKeptGzip(b *testing.B) {
	page := strings.Repeat("<div class=\"check\">Signature verified with the issuer's key.</div>\n", 120)
	kept := newBlobCache(pageGzipBytes)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := keptGzip(kept, newBlob([]byte(page+strconv.Itoa(i)))); err != nil {
			b.Fatal(err)
		}
	}
}

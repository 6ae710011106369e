package api

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkCredentialCache compares the byte-bounded cache the credential
// records now use with the count-bounded one they used, on the page
// load's pattern: a hit for a record among a couple of thousand popular
// ones, read from many goroutines.
func BenchmarkCredentialCache(b *testing.B) {
	const records, recordBytes = 2000, 9 << 10
	keys := make([]string, records)
	for i := range keys {
		keys[i] = "cred-" + strconv.Itoa(i)
	}
	load := func() ([]byte, error) { return make([]byte, recordBytes), nil }
	b.Run("bytes", func(b *testing.B) {
		c := newSizedCache(credentialTTL, credentialBytes, func(v []byte) int { return len(v) })
		benchCache(b, keys, func(k string) { _, _ = c.get(k, load) })
	})
	b.Run("entries", func(b *testing.B) {
		c := newTTLCache[[]byte](credentialTTL, 5000)
		benchCache(b, keys, func(k string) { _, _ = c.get(k, load) })
	})
}

func benchCache(b *testing.B, keys []string, get func(string)) {
	for _, k := range keys {
		get(k)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := int(time.Since(start)) // a different starting record for each goroutine
		for pb.Next() {
			get(keys[i%len(keys)])
			i += 7
		}
	})
}

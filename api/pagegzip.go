package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// A page is the same bytes for every visitor until what it shows changes
// (its entity tag names them), so its gzip is made once and kept rather
// than made again for every request: on the credential page, compressing
// took a sixth of the server's time.

// pageGzipKey is where a page route's middleware leaves the cache of
// compressed pages for serveBlob, when the answer is a page the client
// takes gzipped.
const pageGzipKey = "laurel.pageGzip"

// pageGzipBytes bounds the compressed pages kept in memory: a credential
// page is about 2.4 KiB gzipped, so this keeps some 6,000 of them.
const pageGzipBytes = 16 << 20

// pageGzip compresses a page route's answers: a page (the client asks for
// HTML) is left to serveBlob, which serves its kept gzip; anything else
// (a signed document, an error) goes through gzip as on other routes.
func pageGzip(kept *blobCache) echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{Level: 1, Skipper: func(c echo.Context) bool {
		r := c.Request()
		if !acceptsGzip(r) || negotiate(r.Header.Get("Accept"), "text/html", mimeVCLD) != "text/html" || strings.Contains(c.Param("credential"), ".") {
			return false
		}
		c.Set(pageGzipKey, kept)
		return true
	}})
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip,
// read as the gzip middleware reads it.
func acceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get(echo.HeaderAcceptEncoding), "gzip")
}

// keptGzip is b compressed, from kept or made once.
func keptGzip(kept *blobCache, b blob) ([]byte, error) {
	z, err := kept.get(b.etag, func() ([]byte, error) { return gzipPage(b.data) })
	return z.data, err
}

// pageWriters keeps gzip writers for reuse: a new one allocates about a
// megabyte of compressor state, which made three quarters of what the
// credential page allocated while its pages were first compressed, and
// so of the collector's work under -memory-limit.
var pageWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed) // a valid level: no error
	return w
}}

// gzipPage compresses a page with a writer from pageWriters.
func gzipPage(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := pageWriters.Get().(*gzip.Writer)
	defer pageWriters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

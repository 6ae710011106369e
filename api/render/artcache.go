package render

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
)

// ArtCache keeps badge art decoded and scaled, by image and size, so that
// the previews of many credentials of one badge decode its image once: a
// small PNG may decode to a hundred megabytes, and every credential has
// a preview of its own. It is bounded in bytes and starts afresh when
// full; concurrent requests for art being drawn wait for it.
type ArtCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	entries  map[artKey]*artEntry
	// draw makes the art; BadgeImage, unless a test counts the calls.
	draw func(data []byte, size int) (*image.NRGBA, error)
}

type artKey struct {
	id   string
	size int
}

// artEntry is art drawn or being drawn; ready closes when img or err is set.
type artEntry struct {
	ready chan struct{}
	img   *image.NRGBA
	err   error
}

// NewArtCache returns a cache that keeps at most maxBytes of pixels.
func NewArtCache(maxBytes int) *ArtCache {
	return &ArtCache{maxBytes: maxBytes, entries: make(map[artKey]*artEntry), draw: BadgeImage}
}

// ErrUndrawable is wrapped by Art's error when the art's bytes are no
// picture BadgeImage can draw: trying again changes nothing.
var ErrUndrawable = errors.New("render: the badge art cannot be drawn")

// Art returns the badge art named id drawn at size×size as BadgeImage
// draws it. id must name the image's content (its hash): the art is
// drawn on the first call for id and size only, from the bytes load
// returns. That call loads and draws; calls arriving meanwhile wait for
// it, each until its own ctx ends. The art is shared by all of them, so
// load must not fail for one caller's reasons (its request ending). An
// error of load is not kept, so the next call tries again; an error of
// drawing is, since the same bytes fail the same way. The image is shared
// by every caller: it must not be modified.
func (c *ArtCache) Art(ctx context.Context, id string, size int, load func() ([]byte, error)) (*image.NRGBA, error) {
	key := artKey{id, size}
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		e = &artEntry{ready: make(chan struct{})}
		c.keep(key, e)
	}
	c.mu.Unlock()
	if !ok {
		c.fill(key, e, load)
	}
	select {
	case <-e.ready:
		return e.img, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// errUnfinished is what those waiting for art see if drawing it panicked.
var errUnfinished = errors.New("render: drawing the badge art did not finish")

// fill loads and draws an entry's art and releases those waiting for it.
func (c *ArtCache) fill(key artKey, e *artEntry, load func() ([]byte, error)) {
	e.err = errUnfinished
	defer close(e.ready)
	data, err := load()
	if err != nil {
		e.err = err
		c.forget(key, e)
		return
	}
	img, err := c.draw(data, key.size)
	if err != nil {
		e.err = fmt.Errorf("%w: %w", ErrUndrawable, err)
		return
	}
	e.img, e.err = img, nil
}

// entryBytes is what the art of key holds in memory.
func entryBytes(key artKey) int { return 4 * key.size * key.size }

// keep adds an entry, clearing the cache first if it would overflow;
// c.mu is held.
func (c *ArtCache) keep(key artKey, e *artEntry) {
	if c.bytes+entryBytes(key) > c.maxBytes {
		clear(c.entries)
		c.bytes = 0
	}
	c.entries[key] = e
	c.bytes += entryBytes(key)
}

// forget removes an entry whose load failed, unless it was replaced.
func (c *ArtCache) forget(key artKey, e *artEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[key] == e {
		delete(c.entries, key)
		c.bytes -= entryBytes(key)
	}
}

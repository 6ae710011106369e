package render

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingCache is an ArtCache whose drawing is counted and, when hold
// is not nil, held until hold is closed.
type countingCache struct {
	*ArtCache
	draws atomic.Int32
}

func newCountingCache(maxBytes int, hold chan struct{}) *countingCache {
	c := &countingCache{ArtCache: NewArtCache(maxBytes)}
	c.draw = func(data []byte, size int) (*image.NRGBA, error) {
		c.draws.Add(1)
		if hold != nil {
			<-hold
		}
		return BadgeImage(data, size)
	}
	return c
}

// TestArtCache_PreviewsDecodeOnce draws the previews of many credentials
// of one badge at once, as many visitors' link previews would: the badge
// PNG is loaded and decoded for the first only.
func TestArtCache_PreviewsDecodeOnce(t *testing.T) {
	art := encodePNG(t, solidImage(64, 32, red))
	release := make(chan struct{})
	c := newCountingCache(32<<20, release)
	var loads atomic.Int32
	load := func() ([]byte, error) { loads.Add(1); return art, nil }

	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			badge, err := c.Art(context.Background(), "sha256-of-the-art", 440, load)
			if err != nil {
				errs <- err
				return
			}
			p := samplePreview()
			p.Recipient = fmt.Sprintf("Member %d", i)
			p.Badge = badge
			if _, err := p.draw(); err != nil {
				errs <- err
			}
		})
	}
	// Hold the first drawing until the others have had time to ask.
	for c.draws.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if d, l := c.draws.Load(), loads.Load(); d != 1 || l != 1 {
		t.Errorf("%d previews decoded the art %d times and loaded it %d times, want once", n, d, l)
	}
}

func TestArtCache_Errors(t *testing.T) {
	art := encodePNG(t, solidImage(4, 4, red))
	c := newCountingCache(1<<20, nil)
	t.Run("a failed load is tried again", func(t *testing.T) {
		down := errors.New("store down")
		if _, err := c.Art(context.Background(), "a", 16, func() ([]byte, error) { return nil, down }); !errors.Is(err, down) {
			t.Fatalf("Art = %v, want the load error", err)
		}
		img, err := c.Art(context.Background(), "a", 16, func() ([]byte, error) { return art, nil })
		if err != nil || img.Bounds().Dx() != 16 {
			t.Fatalf("Art after the store is back = %v, %v", img, err)
		}
	})
	t.Run("art that cannot be drawn is tried once", func(t *testing.T) {
		before := c.draws.Load()
		for range 3 {
			if _, err := c.Art(context.Background(), "b", 16, func() ([]byte, error) { return []byte("GIF89a"), nil }); !errors.Is(err, ErrUndrawable) {
				t.Fatalf("Art of a GIF = %v, want ErrUndrawable", err)
			}
		}
		if d := c.draws.Load() - before; d != 1 {
			t.Errorf("drew %d times, want 1", d)
		}
	})
	t.Run("each size is drawn", func(t *testing.T) {
		img, err := c.Art(context.Background(), "a", 32, func() ([]byte, error) { return art, nil })
		if err != nil || img.Bounds().Dx() != 32 {
			t.Fatalf("Art at 32 = %v, %v", img, err)
		}
	})
}

func TestArtCache_Bounded(t *testing.T) {
	art := encodePNG(t, solidImage(4, 4, red))
	load := func() ([]byte, error) { return art, nil }
	const entry = 4 * 16 * 16
	c := newCountingCache(2*entry, nil)
	for _, id := range []string{"a", "b", "a", "b"} {
		if _, err := c.Art(context.Background(), id, 16, load); err != nil {
			t.Fatal(err)
		}
	}
	if d := c.draws.Load(); d != 2 {
		t.Fatalf("two images drawn %d times, want 2", d)
	}
	if _, err := c.Art(context.Background(), "c", 16, load); err != nil {
		t.Fatal(err)
	}
	if len(c.entries) != 1 || c.bytes != entry {
		t.Errorf("after overflowing: %d entries, %d bytes; want the newest alone", len(c.entries), c.bytes)
	}
	if _, err := c.Art(context.Background(), "a", 16, load); err != nil {
		t.Fatal(err)
	}
	if d := c.draws.Load(); d != 4 {
		t.Errorf("drawn %d times, want 4: a is drawn again once forgotten", d)
	}
}

// TestArtCache_WaitersOwnContext: a caller waiting for art another is
// drawing gives up when its own context ends, and that changes nothing
// for the one drawing, nor for those asking later.
func TestArtCache_WaitersOwnContext(t *testing.T) {
	art := encodePNG(t, solidImage(4, 4, red))
	release, loading := make(chan struct{}), make(chan struct{})
	c := newCountingCache(1<<20, nil)
	first := make(chan error, 1)
	go func() {
		_, err := c.Art(context.Background(), "a", 16, func() ([]byte, error) {
			close(loading)
			<-release
			return art, nil
		})
		first <- err
	}()
	<-loading
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Art(gone, "a", 16, func() ([]byte, error) { t.Error("a waiter loaded the art"); return nil, nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("a waiter whose request ended: %v, want context.Canceled", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("the caller drawing the art: %v", err)
	}
	if img, err := c.Art(context.Background(), "a", 16, nil); err != nil || img.Bounds().Dx() != 16 {
		t.Fatalf("a later caller: %v, %v", img, err)
	}
	if d := c.draws.Load(); d != 1 {
		t.Errorf("drawn %d times, want once", d)
	}
}

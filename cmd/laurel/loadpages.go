package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// pages stores -rows credentials, then requests the public page of a
// random sample of them from many clients at once, and times the first
// and a repeated request of a QR code and a social preview image.
func (c *loadClient) pages(ctx context.Context, rows, batch, concurrency int, d time.Duration, stdout io.Writer) error {
	ids, err := c.awardMany(ctx, rows, batch, stdout)
	if err != nil {
		return err
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	sample := make([]string, min(len(ids), 2000))
	for i := range sample {
		sample[i] = ids[rnd.IntN(len(ids))]
	}
	for _, kind := range []string{"qr.png", "preview.png"} {
		path := "/credentials/" + sample[0] + "/" + kind
		first, err := c.getOnce(ctx, path, "")
		if err != nil {
			return err
		}
		again, err := c.getOnce(ctx, path, "")
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: first request %v, repeated %v\n", kind, first.Round(time.Microsecond), again.Round(time.Microsecond))
	}
	n, err := measure(ctx, concurrency, d, stdout, fmt.Sprintf("credential page (%d stored, %d sampled)", len(ids), len(sample)), func(i int) (time.Duration, error) {
		return c.getOnce(ctx, "/credentials/"+sample[i%len(sample)], "text/html")
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("load: no page was served")
	}
	return err
}

// getOnce fetches a path, checks for 200 and returns the time to the last
// byte.
func (c *loadClient) getOnce(ctx context.Context, path, accept string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	t := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	lat := time.Since(t)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return lat, nil
}

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
	label := fmt.Sprintf("credential page (%d stored, %d sampled)", len(ids), len(sample))
	if c.wrk {
		page, err := c.get(ctx, "/credentials/"+sample[0], "text/html")
		if err != nil {
			return err
		}
		reqs := make([]wrkRequest, len(sample))
		for i, id := range sample {
			reqs[i] = wrkRequest{method: http.MethodGet, path: "/credentials/" + id, accept: "text/html"}
		}
		return c.compareWithCeiling(ctx, reqs, page, "text/html; charset=UTF-8", concurrency, d, stdout, label)
	}
	n, err := measure(ctx, concurrency, d, stdout, label, func(i int) (time.Duration, error) {
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
	t := time.Now()
	_, err := c.get(ctx, path, accept)
	return time.Since(t), err
}

// get fetches a path, checks for 200 and returns the body.
func (c *loadClient) get(ctx context.Context, path, accept string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return data, nil
}

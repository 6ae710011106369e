package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// verify issues one credential and sends it to POST /api/v1/verify from
// many clients at once, measuring each request.
func (c *loadClient) verify(ctx context.Context, proof string, credentials, concurrency int, d time.Duration, stdout io.Writer) error {
	iss, ach, err := c.setup(ctx)
	if err != nil {
		return err
	}
	// Distinct credentials, each verified once first, so that a wrong setup
	// fails loudly, not as noise.
	bodies := make([][]byte, credentials)
	for i := range bodies {
		var cred struct {
			JWT        string
			Credential json.RawMessage
		}
		award := map[string]any{"achievementId": ach.ID, "email": fmt.Sprintf("load%d@example.org", i), "name": fmt.Sprintf("Load %d", i)}
		if err := c.post(ctx, "/api/v1/issuers/"+iss.ID+"/awards", award, &cred); err != nil {
			return err
		}
		bodies[i], _ = json.Marshal(map[string]any{"credential": cred.JWT})
		if proof == "di" {
			bodies[i], _ = json.Marshal(map[string]any{"credential": cred.Credential})
		}
		if _, err := c.verifyOnce(ctx, bodies[i]); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var latencies []time.Duration
	var failures int
	var wg sync.WaitGroup
	start := time.Now()
	for client := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for i := client; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				lat, err := c.verifyOnce(ctx, bodies[i%len(bodies)])
				if err != nil {
					bad++
					continue
				}
				mine = append(mine, lat)
			}
			mu.Lock()
			latencies, failures = append(latencies, mine...), failures+bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]
	}
	fmt.Fprintf(stdout, "verify (%s, %d credentials): %d requests in %.1fs from %d clients: %.0f verifications/s; latency p50 %v, p90 %v, p99 %v, max %v; %d failed\n",
		proof, len(bodies), len(latencies), elapsed.Seconds(), concurrency, float64(len(latencies))/elapsed.Seconds(),
		pct(0.50).Round(time.Microsecond), pct(0.90).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), pct(1).Round(time.Microsecond), failures)
	if failures > 0 {
		return fmt.Errorf("load: %d verifications failed", failures)
	}
	return nil
}

// verifyOnce sends one verification and checks that the verdict is valid.
func (c *loadClient) verifyOnce(ctx context.Context, body []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/verify", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	t := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	lat := time.Since(t)
	if err != nil {
		return 0, err
	}
	var rep struct{ Verdict string }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &rep) != nil || rep.Verdict != "valid" {
		return 0, fmt.Errorf("verify: %s: %.300s", resp.Status, data)
	}
	return lat, nil
}

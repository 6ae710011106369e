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
	label := fmt.Sprintf("verify (%s, %d credentials)", proof, credentials)
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
	if c.wrk {
		report, err := c.verifyReport(ctx, bodies[0])
		if err != nil {
			return err
		}
		reqs := make([]wrkRequest, len(bodies))
		for i, b := range bodies {
			reqs[i] = wrkRequest{method: http.MethodPost, path: "/api/v1/verify", contentType: "application/json", body: b}
		}
		return c.compareWithCeiling(ctx, reqs, report, "application/json", concurrency, d, stdout, label)
	}
	n, err := measure(ctx, concurrency, d, stdout, label, func(i int) (time.Duration, error) {
		return c.verifyOnce(ctx, bodies[i%len(bodies)])
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("load: no verification finished")
	}
	return err
}

// measure calls do from concurrent clients until d has passed (client k
// passes k, k+concurrency, …), then prints the throughput and latency
// percentiles under the label. A failed call is counted and fails the run.
func measure(ctx context.Context, concurrency int, d time.Duration, stdout io.Writer, label string, do func(i int) (time.Duration, error)) (int, error) {
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var latencies []time.Duration
	var failures int
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for client := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			var badErr error
			for i := client; time.Now().Before(deadline) && ctx.Err() == nil; i += concurrency {
				lat, err := do(i)
				if err != nil {
					bad, badErr = bad+1, err
					continue
				}
				mine = append(mine, lat)
			}
			mu.Lock()
			latencies, failures = append(latencies, mine...), failures+bad
			if firstErr == nil {
				firstErr = badErr
			}
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
		return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Round(time.Microsecond)
	}
	fmt.Fprintf(stdout, "%s: %d requests in %.1fs from %d clients: %.0f/s; latency p50 %v, p90 %v, p99 %v, max %v; %d failed\n",
		label, len(latencies), elapsed.Seconds(), concurrency, float64(len(latencies))/elapsed.Seconds(),
		pct(0.50), pct(0.90), pct(0.99), pct(1), failures)
	if failures > 0 {
		return len(latencies), fmt.Errorf("load: %d requests failed; the first: %w", failures, firstErr)
	}
	return len(latencies), nil
}

// verifyOnce sends one verification and checks that the verdict is valid.
func (c *loadClient) verifyOnce(ctx context.Context, body []byte) (time.Duration, error) {
	t := time.Now()
	_, err := c.verifyReport(ctx, body)
	return time.Since(t), err
}

// verifyReport sends one verification, checks that the verdict is valid
// and returns the report.
func (c *loadClient) verifyReport(ctx context.Context, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/verify", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var rep struct{ Verdict string }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &rep) != nil || rep.Verdict != "valid" {
		return nil, fmt.Errorf("verify: %s: %.300s", resp.Status, data)
	}
	return data, nil
}

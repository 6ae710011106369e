package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"time"
)

const loadUsage = `Usage: laurel load awards|verify|pages|activities [flags]

awards: measures bulk awarding end to end: creates an issuer and an active
badge, then awards it to -rows new members with one bulk request per -batch
rows, and prints the throughput.

verify: issues one credential, then sends POST /api/v1/verify with it from
-concurrency clients for -duration, and prints the throughput and latency
percentiles. -proof jwt sends the VC-JWT, -proof di the JSON with its Data
Integrity proof.

pages: awards the badge to -rows new members in bulk, then requests the
public page of a sample of those credentials from -concurrency clients for
-duration, and prints the throughput and latency percentiles; it also
times the first and a repeated request of a QR code and a preview image.

activities: imports -members members, gives three badges rules, then
records -rows activities of random members through the batch API, -batch
at a time, and prints the throughput.

With -wrk, verify and pages load the server with wrk, a load generator in
a process of its own, and first load a bare Echo handler answering the
same bytes the same way: the figure is then also a share of that ceiling.
With -rate as well, the connections offer about that many requests a
second instead of as many as are answered: the latency at that load,
rather than at saturation.

Without -url it starts a Laurel of its own (no verify limits) on a
temporary embedded database, which it deletes afterwards. With -url, that
server's -verify-rate and -verify-in-flight must allow the load.

Flags:
`

// runLoad is "laurel load": awards, verify or pages.
func runLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("laurel load", flag.ContinueOnError)
	fs.SetOutput(stdout)
	rows := fs.Int("rows", 10000, "credentials to issue")
	batch := fs.Int("batch", 10000, "rows per bulk request (at most 10000)")
	url := fs.String("url", "", "a running Laurel to load (default: start one)")
	key := fs.String("key", "", "admin API key of -url")
	concurrency := fs.Int("concurrency", 16, "verify: concurrent clients")
	duration := fs.Duration("duration", 10*time.Second, "verify: how long to send requests")
	proof := fs.String("proof", "jwt", "verify: jwt or di")
	credentials := fs.Int("credentials", 20, "verify: distinct credentials to send in turn")
	members := fs.Int("members", 5000, "activities: members of the community")
	useWrk := fs.Bool("wrk", false, "verify, pages: load with wrk, in a process of its own, and measure a bare Echo handler the same way first (the machine's ceiling)")
	wrkThreads := fs.Int("wrk-threads", 1, "with -wrk: wrk's threads (one leaves the other core of a two-core machine to the server)")
	rate := fs.Int("rate", 0, "with -wrk: offer about this many requests a second in all, each connection waiting between a response and its next request, to measure latency at a given load rather than at saturation; 0 = as fast as answered")
	alg := fs.String("alg", "", "the issuer's VC-JWT algorithm: RS256, ES256 or EdDSA (default: the issuer default, RS256)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (with no -url, the server's work is in it too)")
	fs.Usage = func() { fmt.Fprint(stdout, loadUsage); fs.PrintDefaults() }
	if len(args) == 0 || !slices.Contains([]string{"awards", "verify", "pages", "activities"}, args[0]) {
		fs.Usage()
		if len(args) > 0 && isHelp(args[0]) {
			return flag.ErrHelp
		}
		return fmt.Errorf("load: say awards, verify, pages or activities")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if getenv("GOGC") == "" {
		// The load generator allocates as much as the server; it is tuned
		// the same way so that it takes no more of the machine than needed.
		debug.SetGCPercent(400)
	}
	if *rows < 1 || *batch < 1 || *batch > 10000 || *concurrency < 1 || *credentials < 1 || *members < 2 || *duration <= 0 || *wrkThreads < 1 || *rate < 0 || (*proof != "jwt" && *proof != "di") {
		return fmt.Errorf("load: -rows, -credentials and -concurrency must be positive, -batch between 1 and 10000, -duration positive, -wrk-threads positive, -rate zero or more, -proof jwt or di")
	}
	if *rate > 0 && !*useWrk {
		return fmt.Errorf("load: -rate paces wrk: give -wrk too")
	}
	if *alg != "" && !slices.Contains([]string{"RS256", "ES256", "EdDSA"}, *alg) {
		return fmt.Errorf("load: -alg must be RS256, ES256 or EdDSA, not %q", *alg)
	}
	if *url == "" {
		stop, u, k, err := startForLoad(ctx, getenv, stderr)
		if err != nil {
			return err
		}
		defer stop()
		*url, *key = u, k
	}
	c := &loadClient{base: *url, key: *key, wrk: *useWrk, wrkThreads: *wrkThreads, rate: *rate, alg: *alg, http: &http.Client{Timeout: 10 * time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}}}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	switch args[0] {
	case "verify":
		return c.verify(ctx, *proof, *credentials, *concurrency, *duration, stdout)
	case "pages":
		return c.pages(ctx, *rows, *batch, *concurrency, *duration, stdout)
	case "activities":
		return c.activities(ctx, *members, *rows, min(*batch, 1000), stdout)
	}
	return c.awards(ctx, *rows, *batch, stdout)
}

// startCPUProfile profiles the process into a new file until stop.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("load: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// startForLoad runs a Laurel on a temporary data directory.
func startForLoad(ctx context.Context, getenv func(string) string, stderr io.Writer) (stop func(), url, key string, err error) {
	dir, err := os.MkdirTemp("", "laurel-load-")
	if err != nil {
		return nil, "", "", err
	}
	var out bytes.Buffer
	m := NewMain(&out, stderr)
	m.getenv = getenv
	m.Config.Addr, m.Config.DataDir, m.Config.LogLevel, m.Config.VerifyRate = "127.0.0.1:0", dir, "warn", 0
	m.Config.VerifyInFlight = 0
	// The load generator shares the process, so the server's default
	// memory limit would count its allocation too and slow both.
	m.Config.MemoryLimitMiB = 0
	if err := m.Run(ctx); err != nil {
		m.Close()
		os.RemoveAll(dir)
		return nil, "", "", err
	}
	key = regexp.MustCompile(`lrl_[A-Za-z0-9_-]+`).FindString(out.String())
	return func() { m.Close(); os.RemoveAll(dir) }, m.URL(), key, nil
}

type loadClient struct {
	base, key  string
	alg        string // the issuer's VC-JWT algorithm; empty for the default
	http       *http.Client
	wrk        bool // load with wrk instead of Go clients
	wrkThreads int
	rate       int // with wrk: requests a second to offer in all; 0 = as fast as answered
}

// send makes an authenticated request with a raw body and decodes the
// JSON answer into out, when given.
func (c *loadClient) send(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+c.key)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %.500s", method, path, resp.Status, data)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

func (c *loadClient) post(ctx context.Context, path string, body any, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return c.send(ctx, http.MethodPost, path, "application/json", b, out)
}

func (c *loadClient) awards(ctx context.Context, rows, batch int, stdout io.Writer) error {
	_, err := c.awardMany(ctx, rows, batch, stdout)
	return err
}

// awardMany sets up an issuer and a badge and awards it to rows new
// members in bulk, returning the credential ids.
func (c *loadClient) awardMany(ctx context.Context, rows, batch int, stdout io.Writer) ([]string, error) {
	iss, ach, err := c.setup(ctx)
	if err != nil {
		return nil, err
	}
	// A first award makes the issuer's keys, which is not what is measured.
	var warm json.RawMessage
	if err := c.post(ctx, "/api/v1/issuers/"+iss.ID+"/awards", map[string]any{"achievementId": ach.ID, "email": "warm@example.org", "name": "Warm"}, &warm); err != nil {
		return nil, err
	}
	var ids []string
	start := time.Now()
	for from := 0; from < rows; from += batch {
		var body []map[string]any
		for i := from; i < min(from+batch, rows); i++ {
			body = append(body, map[string]any{"achievementId": ach.ID, "email": fmt.Sprintf("member%d@example.org", i), "name": fmt.Sprintf("Member %d", i)})
		}
		var rep struct {
			Issued, Held, Rejected int
			Rows                   []struct{ Outcome, CredentialID string }
		}
		t := time.Now()
		if err := c.post(ctx, "/api/v1/issuers/"+iss.ID+"/awards/bulk", body, &rep); err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "batch of %d: %d issued, %d held, %d rejected in %.2fs\n", len(body), rep.Issued, rep.Held, rep.Rejected, time.Since(t).Seconds())
		for _, r := range rep.Rows {
			if r.Outcome == "issued" {
				ids = append(ids, r.CredentialID)
			}
		}
	}
	d := time.Since(start)
	fmt.Fprintf(stdout, "issued %d credentials (new members included) in %.2fs: %.0f credentials/s\n", len(ids), d.Seconds(), float64(len(ids))/d.Seconds())
	if len(ids) != rows {
		return nil, fmt.Errorf("load: %d of %d rows were issued", len(ids), rows)
	}
	return ids, nil
}

// setup makes the issuer and the active badge a load run awards.
func (c *loadClient) setup(ctx context.Context) (iss, ach struct{ ID string }, err error) {
	in := map[string]any{"name": "Load test community"}
	if c.alg != "" {
		in["jwtAlg"] = c.alg
	}
	if err = c.post(ctx, "/api/v1/issuers", in, &iss); err != nil {
		return iss, ach, err
	}
	err = c.post(ctx, "/api/v1/issuers/"+iss.ID+"/achievements", map[string]any{"name": "Load Tester",
		"description": "Took part in a load test.", "criteria": "Be one of many.", "status": "active"}, &ach)
	return iss, ach, err
}

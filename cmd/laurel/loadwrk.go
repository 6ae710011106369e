package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// wrkRequest is one request of a wrk run: wrk sends them in turn.
type wrkRequest struct {
	method, path, contentType, accept string
	body                              []byte
}

// wrkResult is what a wrk run reports.
type wrkResult struct {
	perSecond          float64
	p50, p90, p99      time.Duration
	requests, failures int
	report             []byte // wrk's own words, shown when requests failed
}

func (r wrkResult) String() string {
	return fmt.Sprintf("%.0f/s; latency p50 %v, p90 %v, p99 %v; %d requests, %d failed",
		r.perSecond, r.p50, r.p90, r.p99, r.requests, r.failures)
}

// errNoWrk says how to get the load generator.
var errNoWrk = errors.New("load: wrk is not installed; scripts/install-deps --load-tools installs it")

// compareWithCeiling measures reqs against the Laurel at c.base with wrk, and
// the same requests against a bare Echo handler answering with sample (the
// bytes Laurel answered), so that the figure reads as a share of what this
// machine's HTTP stack allows. Both runs are printed under label.
func (c *loadClient) compareWithCeiling(ctx context.Context, reqs []wrkRequest, sample []byte, sampleType string, concurrency int, d time.Duration, stdout io.Writer, label string) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return errNoWrk
	}
	url, stop, err := startCeiling(sample, sampleType)
	if err != nil {
		return err
	}
	ceiling, err := c.runWrk(ctx, url, reqs, concurrency, d)
	stop()
	if err != nil {
		return fmt.Errorf("load: bare Echo: %w", err)
	}
	fmt.Fprintf(stdout, "%s, bare Echo handler (the ceiling): %v\n", label, ceiling)
	got, err := c.runWrk(ctx, c.base, reqs, concurrency, d)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	fmt.Fprintf(stdout, "%s, Laurel: %v (%.0f%% of the ceiling)\n", label, got, 100*got.perSecond/ceiling.perSecond)
	if got.failures > 0 || ceiling.failures > 0 {
		return fmt.Errorf("load: requests failed; wrk reported:\n%s\n%s", ceiling.report, got.report)
	}
	return nil
}

// startCeiling serves sample with a bare Echo handler on a loopback port,
// whatever the method and path, reading the request body as Laurel would.
func startCeiling(sample []byte, contentType string) (url string, stop func(), err error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Any("/*", func(c echo.Context) error {
		if _, err := io.Copy(io.Discard, c.Request().Body); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, contentType, sample)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// runWrk runs wrk against base for d from concurrency connections on
// c.wrkThreads threads, sending reqs in turn, and reads its report. With
// c.rate above zero the connections are paced to offer about that many
// requests a second together (see wrkScript); otherwise each sends its
// next request as soon as the last is answered.
func (c *loadClient) runWrk(ctx context.Context, base string, reqs []wrkRequest, concurrency int, d time.Duration) (wrkResult, error) {
	dir, err := os.MkdirTemp("", "laurel-wrk-")
	if err != nil {
		return wrkResult{}, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "requests.lua")
	var pause float64 // milliseconds each connection waits between a response and its next request
	if c.rate > 0 {
		pause = 1000 * float64(concurrency) / float64(c.rate)
	}
	if err := os.WriteFile(script, wrkScript(reqs, pause), 0o600); err != nil {
		return wrkResult{}, err
	}
	cmd := exec.CommandContext(ctx, "wrk", "-t", strconv.Itoa(c.wrkThreads), "-c", strconv.Itoa(concurrency),
		"-d", fmt.Sprintf("%ds", max(1, int(d.Seconds()))), "--latency", "--timeout", "10s", "-s", script, base)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	return parseWrk(out)
}

// wrkScript is a Lua script that makes wrk send reqs in turn. The
// requests are formatted in init, once wrk knows the Host header. With a
// pause above zero, each connection waits that many milliseconds after a
// response before its next request: wrk counts delays in whole
// milliseconds, so the script waits the whole milliseconds below or above
// at random, averaging the pause. The wait comes on top of the response
// time, so the rate offered is a little under concurrency/pause.
func wrkScript(reqs []wrkRequest, pause float64) []byte {
	var b bytes.Buffer
	b.WriteString("local raw = {\n")
	for _, r := range reqs {
		headers := ""
		if r.contentType != "" {
			headers += "[\"Content-Type\"] = " + luaString([]byte(r.contentType)) + ", "
		}
		if r.accept != "" {
			headers += "[\"Accept\"] = " + luaString([]byte(r.accept)) + ", "
		}
		body := "nil"
		if r.body != nil {
			body = luaString(r.body)
		}
		fmt.Fprintf(&b, "  {%s, %s, {%s}, %s},\n", luaString([]byte(r.method)), luaString([]byte(r.path)), headers, body)
	}
	b.WriteString(`}
local reqs = {}
local i = 0
init = function(args)
  for k, r in ipairs(raw) do
    reqs[k] = wrk.format(r[1], r[2], r[3], r[4])
  end
end
request = function()
  i = i + 1
  return reqs[(i % #reqs) + 1]
end
`)
	if pause > 0 {
		fmt.Fprintf(&b, `local pause = %.4f
delay = function()
  local whole = math.floor(pause)
  if math.random() < pause - whole then
    return whole + 1
  end
  return whole
end
`, pause)
	}
	return b.Bytes()
}

// luaString quotes s as a Lua string literal, escaping every byte that is
// not plain printable ASCII as a decimal escape.
func luaString(s []byte) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			fmt.Fprintf(&b, "\\%03d", c)
			continue
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}

var (
	wrkRate     = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkTotal    = regexp.MustCompile(`(?m)^\s*(\d+) requests in`)
	wrkNon2xx   = regexp.MustCompile(`(?m)^\s*Non-2xx or 3xx responses: (\d+)`)
	wrkSocket   = regexp.MustCompile(`(?m)^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	wrkQuantile = regexp.MustCompile(`^\s*(50|90|99)%\s+([0-9.]+(?:us|ms|s|m))\s*$`)
)

// parseWrk reads wrk's report: the rate, the latency distribution
// (--latency) and the failures it counts.
func parseWrk(out []byte) (wrkResult, error) {
	r := wrkResult{report: out}
	rate := wrkRate.FindSubmatch(out)
	total := wrkTotal.FindSubmatch(out)
	if rate == nil || total == nil {
		return r, fmt.Errorf("wrk: no rate in its report: %.500s", out)
	}
	r.perSecond, _ = strconv.ParseFloat(string(rate[1]), 64)
	r.requests, _ = strconv.Atoi(string(total[1]))
	if m := wrkNon2xx.FindSubmatch(out); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		r.failures += n
	}
	if m := wrkSocket.FindSubmatch(out); m != nil {
		for _, g := range m[1:] {
			n, _ := strconv.Atoi(string(g))
			r.failures += n
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	found := 0
	for sc.Scan() {
		m := wrkQuantile.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		lat, err := time.ParseDuration(m[2])
		if err != nil {
			return r, fmt.Errorf("wrk: latency %q: %w", m[2], err)
		}
		switch m[1] {
		case "50":
			r.p50 = lat
		case "90":
			r.p90 = lat
		case "99":
			r.p99 = lat
		}
		found++
	}
	if found != 3 {
		return r, fmt.Errorf("wrk: no latency distribution in its report: %.500s", out)
	}
	return r, nil
}

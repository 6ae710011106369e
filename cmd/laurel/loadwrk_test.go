package main

import (
	"strings"
	"testing"
	"time"
)

const wrkSample = `Running 8s test @ http://127.0.0.1:18090
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms    1.31ms  24.11ms   90.12%
    Req/Sec     4.61k   512.33     5.70k    71.25%
  Latency Distribution
     50%  612.00us
     75%    1.10ms
     90%    2.31ms
     99%    6.52ms
  73512 requests in 8.00s, 61.31MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   9188.42
Transfer/sec:      7.66MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk([]byte(wrkSample))
	if err != nil {
		t.Fatal(err)
	}
	if r.perSecond != 9188.42 || r.requests != 73512 || r.failures != 7 ||
		r.p50 != 612*time.Microsecond || r.p90 != 2310*time.Microsecond || r.p99 != 6520*time.Microsecond {
		t.Errorf("parsed %+v", r)
	}
	if _, err := parseWrk([]byte(strings.Replace(wrkSample, "     99%    6.52ms\n", "", 1))); err == nil {
		t.Error("a report without the 99th percentile was read")
	}
	if _, err := parseWrk([]byte("unable to connect to 127.0.0.1:1 Connection refused\n")); err == nil {
		t.Error("a failed run was read")
	}
}

func TestWrkScript(t *testing.T) {
	got := string(wrkScript([]wrkRequest{
		{method: "POST", path: "/api/v1/verify", contentType: "application/json", body: []byte(`{"credential":"a\"b\\c"}` + "\n\xff")},
		{method: "GET", path: "/credentials/x", accept: "text/html"},
	}, 0))
	for _, want := range []string{
		`{"POST", "/api/v1/verify", {["Content-Type"] = "application/json", }, "{\034credential\034:\034a\092\034b\092\092c\034}\010\255"},`,
		`{"GET", "/credentials/x", {["Accept"] = "text/html", }, nil},`,
		"init = function(args)",
		"request = function()",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("script lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "delay") {
		t.Errorf("a script without a pause waits:\n%s", got)
	}
	paced := string(wrkScript([]wrkRequest{{method: "GET", path: "/"}}, 1.6))
	for _, want := range []string{"local pause = 1.6000", "delay = function()", "math.floor(pause)"} {
		if !strings.Contains(paced, want) {
			t.Errorf("paced script lacks %s:\n%s", want, paced)
		}
	}
}

package chart_test

import (
	"html/template"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/api/chart"
)

// dashboard is a page with one chart of each kind and a table, as the
// console's dashboard shows them.
func dashboard() string {
	weeks := make([]string, 26)
	series := make([]chart.Series, 6)
	for w := range weeks {
		weeks[w] = "W" + chart.Number(float64(w+1), 0)
	}
	for s := range series {
		series[s].Name = []string{"Attended", "Hosted", "مرحبا", "🎉 Party", "Mentored", "Wrote <b>"}[s]
		for w := range weeks {
			series[s].Values = append(series[s].Values, float64((s+1)*9+(w*7+s*13)%23))
		}
	}
	series[2].Values[5] = math.NaN()
	target := 40.0
	line := chart.Line{Title: "Activity by behaviour", Description: "Activities each week.", XLabels: weeks, Series: series, Target: &target}
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Charts</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/laurel.css"><link rel="stylesheet" href="/static/chart.css"></head><body><main><div class="card" id="box">`)
	for _, svg := range []template.HTML{
		line.SVG(),
		chart.Bars{Title: "Awards per week", Labels: weeks[:12], Values: series[0].Values[:12]}.SVG(),
		chart.Funnel{Title: "Pathway", Steps: []string{"Joined", "Attended", "Hosted"}, Values: []float64{1200, 600, 45}}.SVG(),
		chart.Stat{Title: "Gone quiet", Value: 23, Of: 410, Unit: "members gone quiet", OfUnit: "members"}.SVG(),
		chart.Line{Title: "Nothing yet"}.SVG(),
	} {
		b.WriteString(string(svg))
	}
	t := line.Table()
	b.WriteString(`<table class="chart-table"><caption>` + template.HTMLEscapeString(t.Caption) + `</caption><tr>`)
	for _, h := range t.Head {
		b.WriteString(`<th scope="col">` + template.HTMLEscapeString(h) + `</th>`)
	}
	b.WriteString(`</tr></table></div></main></body></html>`)
	return b.String()
}

// TestChartsInBrowser: the charts render under the server's own
// Content-Security-Policy with nothing reported, fill their container's
// width, and take their series colours from chart.css in each mode.
func TestChartsInBrowser(t *testing.T) {
	srv, err := api.NewServer(api.Config{BaseURL: "https://badges.example.org", Logger: slog.New(slog.DiscardHandler)}, api.Services{})
	if err != nil {
		t.Fatal(err)
	}
	probe := httptest.NewRecorder()
	srv.ServeHTTP(probe, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	csp := probe.Header().Get("Content-Security-Policy")
	if csp == "" {
		t.Fatal("the server sends no Content-Security-Policy")
	}
	page := dashboard()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/dashboard" {
			srv.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, page)
	}))
	t.Cleanup(ts.Close)

	b := browsertest.New(t)
	colours := map[browsertest.ColorScheme]string{}
	for _, scheme := range []browsertest.ColorScheme{browsertest.Light, browsertest.Dark} {
		for _, size := range [][2]int{{1280, 800}, {390, 844}} {
			tab := b.Open(t, ts.URL+"/dashboard", size[0], size[1], scheme)
			tab.WantNoProblems(t)
			if n := tab.Count(t, "svg.chart"); n != 5 {
				t.Errorf("%d charts on the page, want 5", n)
			}
			var fit bool
			tab.Eval(t, `(() => { const s = document.querySelector("svg.chart").getBoundingClientRect(),
				box = document.querySelector("#box"), cs = getComputedStyle(box);
				return Math.abs(s.width - (box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight))) < 1; })()`, &fit)
			if !fit {
				t.Errorf("%s %dpx: the chart does not fill its container's width", scheme, size[0])
			}
			var stroke string
			tab.Eval(t, `getComputedStyle(document.querySelector(".chart-s1 .chart-path")).stroke`, &stroke)
			colours[scheme] = stroke
			tab.Screenshot(t, filepath.Join(browsertest.ScreenshotDir(t), string(scheme)+"-"+strconv.Itoa(size[0])+".png"))
		}
	}
	if colours[browsertest.Light] == colours[browsertest.Dark] || colours[browsertest.Light] == "none" {
		t.Errorf("series 1 is stroked %q in light mode and %q in dark: chart.css's palette is not applied", colours[browsertest.Light], colours[browsertest.Dark])
	}
}

package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges/mapping"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// BenchmarkSourceHook measures the whole webhook path over HTTP: a generic
// source's signed deliveries of 1,000 activities each (the signature, the
// payload's bounds and parsing, the mapping, the members found by e-mail
// address, recording and the rule evaluated), in a community of 2,000
// members. Compare with BenchmarkRecordActivities, the batch API's.
func BenchmarkSourceHook(b *testing.B) {
	ts, achID := benchAchievement(b)
	ach, err := mongodb.NewAchievementService(ts.db).Achievement(b.Context(), achID)
	if err != nil {
		b.Fatal(err)
	}
	send := adminSender(b, ts)
	send("PUT", "/api/v1/achievements/"+achID+"/rule", "application/json", `{"condition":{"count":{"behaviour":"attended-session","min":5,"withinDays":90}}}`, 200)
	var csv strings.Builder
	csv.WriteString("email,displayName\n")
	const members = 2000
	for i := range members {
		fmt.Fprintf(&csv, "m%d@example.org,Member %d\n", i, i)
	}
	send("POST", "/api/v1/issuers/"+ach.IssuerID+"/members/import", "text/csv", csv.String(), 200)
	var src struct{ ID, Secret string }
	if err := json.Unmarshal([]byte(send("POST", "/api/v1/issuers/"+ach.IssuerID+"/sources", "application/json", `{"name":"Events","preset":"generic"}`, 201)), &src); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(ts.srv)
	b.Cleanup(srv.Close)

	behaviours := []string{"attended-session", "attended-session", "posted", "replied", "shared-resource", "hosted-session"}
	rnd := rand.New(rand.NewPCG(7, 11))
	now, event := time.Now().UTC(), 0
	const batch = 1000
	for b.Loop() {
		acts := make([]map[string]any, batch)
		for j := range acts {
			event++
			acts[j] = map[string]any{"id": fmt.Sprint("e", event), "email": fmt.Sprintf("m%d@example.org", rnd.IntN(members)),
				"behaviour": behaviours[rnd.IntN(len(behaviours))], "at": now.Add(-time.Duration(rnd.IntN(120*24)) * time.Hour).Format(time.RFC3339)}
		}
		body, err := json.Marshal(map[string]any{"activities": acts})
		if err != nil {
			b.Fatal(err)
		}
		r, _ := http.NewRequest("POST", srv.URL+"/hooks/in/"+src.ID, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set(mapping.HeaderLaurel, mapping.Sign(src.Secret, body))
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var rep struct{ Recorded int }
		if err := json.Unmarshal(raw, &rep); err != nil || res.StatusCode != 200 || rep.Recorded != batch {
			b.Fatalf("status %d, recorded %d of %d: %.300s", res.StatusCode, rep.Recorded, batch, raw)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "activities/s")
}

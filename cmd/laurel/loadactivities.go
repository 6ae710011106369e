package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// activities sets up a community of -members members with badges whose
// rules read the behaviours it then reports, and records -rows activities
// through the batch API, -batch at a time, timing each batch.
func (c *loadClient) activities(ctx context.Context, members, rows, batch int, stdout io.Writer) error {
	iss, ach, err := c.setup(ctx)
	if err != nil {
		return err
	}
	rules := map[string]string{
		ach.ID: `{"condition":{"count":{"behaviour":"attended-session","min":5,"withinDays":90}}}`,
	}
	for i, rule := range []string{
		`{"condition":{"all":[{"count":{"behaviour":"hosted-session","min":3}},{"streak":{"unit":"weeks","min":3}}]}}`,
		`{"condition":{"atLeast":{"n":2,"of":[{"count":{"behaviour":"shared-resource","min":4}},{"peers":{"behaviour":"mentored-member","min":2}},{"sum":{"behaviour":"posted","min":6}}]}}}`,
	} {
		var a struct{ ID string }
		if err := c.post(ctx, "/api/v1/issuers/"+iss.ID+"/achievements", map[string]any{"name": fmt.Sprintf("Load badge %d", i),
			"description": "Earned under load.", "criteria": "Be active.", "status": "active"}, &a); err != nil {
			return err
		}
		rules[a.ID] = rule
	}
	for id, rule := range rules {
		if err := c.send(ctx, http.MethodPut, "/api/v1/achievements/"+id+"/rule", "application/json", []byte(rule), nil); err != nil {
			return err
		}
	}
	// Members, imported in one go.
	var csv strings.Builder
	csv.WriteString("email,displayName\n")
	for i := range members {
		fmt.Fprintf(&csv, "m%d@example.org,Member %d\n", i, i)
	}
	var imported struct{ Rows []struct{ MemberID string } }
	t := time.Now()
	if err := c.send(ctx, http.MethodPost, "/api/v1/issuers/"+iss.ID+"/members/import", "text/csv", []byte(csv.String()), &imported); err != nil {
		return err
	}
	ids := make([]string, 0, members)
	for _, r := range imported.Rows {
		ids = append(ids, r.MemberID)
	}
	fmt.Fprintf(stdout, "imported %d members in %.2fs\n", len(ids), time.Since(t).Seconds())
	if len(ids) < 2 {
		return fmt.Errorf("load: the import gave %d members", len(ids))
	}

	behaviours := []string{"attended-session", "attended-session", "attended-session", "posted", "replied", "shared-resource", "hosted-session", "mentored-member", "gave-feedback"}
	rnd := rand.New(rand.NewPCG(7, 11))
	now := time.Now().UTC()
	recorded, earned := 0, 0
	start := time.Now()
	for from := 0; from < rows; from += batch {
		var body []map[string]any
		for range min(batch, rows-from) {
			i, b := rnd.IntN(len(ids)), behaviours[rnd.IntN(len(behaviours))]
			a := map[string]any{"memberId": ids[i], "behaviour": b, "at": now.Add(-time.Duration(rnd.IntN(120*24)) * time.Hour)}
			if b == "mentored-member" {
				a["peerId"] = ids[(i+1+rnd.IntN(len(ids)-1))%len(ids)] // anyone else
			}
			body = append(body, a)
		}
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		var rep struct {
			Recorded, Duplicate, Rejected int
			Results                       []struct{ Earned []string }
		}
		t := time.Now()
		if err := c.send(ctx, http.MethodPost, "/api/v1/issuers/"+iss.ID+"/activities", "application/json", data, &rep); err != nil {
			return err
		}
		for _, r := range rep.Results {
			earned += len(r.Earned)
		}
		recorded += rep.Recorded
		if rep.Rejected > 0 {
			return fmt.Errorf("load: %d activities rejected", rep.Rejected)
		}
		fmt.Fprintf(stdout, "batch of %d: %d recorded in %.2fs\n", len(body), rep.Recorded, time.Since(t).Seconds())
	}
	d := time.Since(start)
	fmt.Fprintf(stdout, "recorded %d activities for %d members in %.2fs: %.0f activities/s; %d awards earned\n",
		recorded, len(ids), d.Seconds(), float64(recorded)/d.Seconds(), earned)
	return nil
}

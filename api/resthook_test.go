package api_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestRestHooks_Subscribe: a no-code tool subscribes as Zapier (target_url)
// or n8n (hookUrl) does, finds its subscription listed as made by a tool,
// and unsubscribes, twice without an error.
func TestRestHooks_Subscribe(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	hooks := "/api/v1/issuers/" + iss + "/hooks"
	var zap, n8n struct{ ID, Event, HookURL, Secret string }
	r := ts.do(t, req{method: "POST", path: hooks, body: map[string]any{"target_url": "https://hooks.zapier.example/1", "event": "credential.issued", "zap_id": 42}}).want(t, 201)
	r.JSON(t, &zap)
	if zap.ID == "" || zap.Event != "credential.issued" || zap.HookURL != "https://hooks.zapier.example/1" || r.Header().Get("Location") != hooks+"/"+zap.ID {
		t.Fatalf("subscribed = %+v, Location %q", zap, r.Header().Get("Location"))
	}
	ts.do(t, req{method: "POST", path: hooks, body: map[string]any{"hookUrl": "https://n8n.example/webhook/2", "event": "member.created"}}).want(t, 201).JSON(t, &n8n)

	var list struct {
		Items []webhookView
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/webhooks"}).want(t, 200).JSON(t, &list)
	if len(list.Items) != 2 || !list.Items[0].RESTHook || !list.Items[1].RESTHook {
		t.Fatalf("endpoints = %+v", list.Items)
	}
	ts.do(t, req{method: "DELETE", path: hooks + "/" + zap.ID}).want(t, 204)
	ts.do(t, req{method: "DELETE", path: hooks + "/" + zap.ID}).want(t, 204) // again: already gone
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/webhooks/" + zap.ID}).want(t, 404)

	// An endpoint made otherwise is not a tool's to remove.
	w := mustWebhook(t, ts, iss, "https://hooks.example.org/site")
	ts.do(t, req{method: "DELETE", path: hooks + "/" + w.ID}).wantProblem(t, 404, "not_found", "")
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/webhooks/" + w.ID}).want(t, 200)
}

func TestRestHooks_BadInput(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	hooks := "/api/v1/issuers/" + iss + "/hooks"
	for name, c := range map[string]struct {
		body  any
		field string
	}{
		"no URL":        {map[string]any{"event": "credential.issued"}, "hookUrl"},
		"no event":      {map[string]any{"hookUrl": "https://n8n.example/1"}, "event"},
		"unknown event": {map[string]any{"hookUrl": "https://n8n.example/1", "event": "spotlight.weekly"}, "event"},
		"bad URL":       {map[string]any{"hookUrl": "javascript:alert(1)", "event": "credential.issued"}, "hookUrl"},
		"bad target":    {map[string]any{"target_url": "ftp://zapier.example/1", "event": "credential.issued"}, "target_url"},
		"not JSON":      {"[", ""},
	} {
		t.Run(name, func(t *testing.T) {
			ts.do(t, req{method: "POST", path: hooks, body: c.body, contentType: "application/json"}).wantProblem(t, 400, "invalid", c.field)
		})
	}
	t.Run("403/read key", func(t *testing.T) {
		read := mustKey(t, ts, badges.ScopeRead)
		ts.do(t, req{method: "POST", path: hooks, token: read, body: map[string]any{"hookUrl": "https://n8n.example/1", "event": "credential.issued"}}).want(t, 403)
	})
}

// TestRestHooks_Samples: every event type has a sample, shaped as its
// deliveries are (the document's schema for that type) and naming the
// community.
func TestRestHooks_Samples(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	doc := mustOpenAPI(t)
	read := mustKey(t, ts, badges.ScopeRead)
	for _, et := range badges.EventTypes {
		var samples []map[string]any
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/hooks/samples/" + string(et), token: read}).want(t, 200).JSON(t, &samples)
		if len(samples) == 0 {
			t.Fatalf("%s: no sample", et)
		}
		if err := webhookSchema(t, doc, et).VisitJSON(asJSON(t, samples[0])); err != nil {
			t.Errorf("%s: the sample does not match the event's schema: %v", et, err)
		}
		if c := samples[0]["data"].(map[string]any)["community"].(map[string]any); c["id"] != iss || c["name"] != "Gophers of Lyon" {
			t.Errorf("%s: the sample names the community %v", et, c)
		}
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/hooks/samples/credential.exploded"}).wantProblem(t, 400, "invalid", "eventType")
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/nosuchissuer00000000/hooks/samples/credential.issued"}).want(t, 404)
}

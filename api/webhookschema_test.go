package api_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/laurel-badges/laurel/assets"
	"github.com/laurel-badges/laurel/badges"
)

// The OpenAPI document describes each webhook's body (x-webhooks, with
// JSON Schemas under components); these tests hold it to
// badges.EventPayload, the type the body is marshalled from, so that
// neither can change without the other.

func mustOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(assets.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc
}

// webhookSchema is the schema x-webhooks gives the body of event type et.
func webhookSchema(t *testing.T, doc *openapi3.T, et badges.EventType) *openapi3.Schema {
	t.Helper()
	hooks, _ := doc.Extensions["x-webhooks"].(map[string]any)
	entry, ok := hooks[string(et)].(map[string]any)
	if !ok {
		t.Fatalf("x-webhooks has no entry for %s", et)
	}
	var item struct {
		Post struct {
			Parameters []struct {
				Name, In string
			} `json:"parameters"`
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Ref string `json:"$ref"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"post"`
	}
	b, _ := json.Marshal(entry)
	if err := json.Unmarshal(b, &item); err != nil {
		t.Fatal(err)
	}
	var headers []string
	for _, p := range item.Post.Parameters {
		if p.In == "header" {
			headers = append(headers, p.Name)
		}
	}
	if want := []string{"webhook-id", "webhook-timestamp", "webhook-signature"}; !slices.Equal(headers, want) {
		t.Errorf("%s: headers %v, want the Standard Webhooks headers %v", et, headers, want)
	}
	ref := item.Post.RequestBody.Content["application/json"].Schema.Ref
	ref = strings.TrimPrefix(ref, "#/components/schemas/")
	s, ok := doc.Components.Schemas[ref]
	if !ok || s.Value == nil {
		t.Fatalf("%s: the body's schema %q is not in components", et, ref)
	}
	return s.Value
}

// filledPayload is an event of type et with every part and field set, as
// no single real event is, so that every field meets the schema.
func filledPayload(et badges.EventType) badges.EventPayload {
	at := time.Date(2026, 5, 3, 14, 30, 0, 0, time.UTC)
	later := at.Add(time.Hour)
	member := badges.EventMember{ID: "m1", Name: "Ada Lovelace", Email: "ada@example.org", ExternalID: "ada-1815", Public: true,
		ProfileURL: "https://laurel.example.org/members/ada"}
	badge := badges.EventBadge{ID: "b1", Name: "Community Leader", URL: "https://laurel.example.org/achievements/b1",
		ImageURL: "https://laurel.example.org/images/b1.png", Level: "Gold"}
	return badges.EventPayload{Type: et, Timestamp: at, Data: badges.EventData{
		EventID:     string(et) + ":x",
		Community:   badges.EventCommunity{ID: "c1", Name: "Gophers", URL: "https://laurel.example.org/issuers/c1"},
		Credential:  &badges.EventCredential{ID: "cr1", URL: "https://laurel.example.org/credentials/cr1", IssuedOn: at, ClaimedOn: &later, RevokedOn: &later, Reason: "A mistake."},
		Badge:       &badge,
		Member:      &member,
		Actor:       &badges.EventMember{ID: "m2", Name: "Grace Hopper", Public: false},
		Nomination:  &badges.EventNomination{ID: "n1", Kind: "nomination", Outcome: "declined", Reason: "Not yet."},
		Endorsement: &badges.EventEndorsement{Note: "Ran every meet-up."},
		Measure:     &badges.EventMeasure{ID: "me1", Name: "Weekly active", Target: 50, Value: 54.5, URL: "https://laurel.example.org/outcomes/o1"},
		Spotlight: &badges.EventSpotlight{URL: "https://laurel.example.org/issuers/c1/spotlight", Pinned: &member, Note: "Thank you.",
			Awards: []badges.EventAward{{Member: member, Badge: badge, CredentialURL: "https://laurel.example.org/credentials/cr1"}}},
	}}
}

// asJSON is v as encoding/json writes it and reads it back untyped: what
// a receiver parses.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOpenAPI_WebhookPayloads(t *testing.T) {
	doc := mustOpenAPI(t)
	for _, et := range badges.EventTypes {
		t.Run(string(et), func(t *testing.T) {
			schema := webhookSchema(t, doc, et)
			if err := schema.VisitJSON(asJSON(t, filledPayload(et))); err != nil {
				t.Fatalf("a filled %s payload does not match its schema: %v", et, err)
			}
			other := filledPayload(badges.EventMemberCreated)
			if et == badges.EventMemberCreated {
				other = filledPayload(badges.EventBadgeActivated)
			}
			if schema.VisitJSON(asJSON(t, other)) == nil {
				t.Errorf("the %s schema accepts a payload of type %s", et, other.Type)
			}
			extra := asJSON(t, filledPayload(et)).(map[string]any)
			extra["data"].(map[string]any)["surprise"] = 1
			if schema.VisitJSON(extra) == nil {
				t.Errorf("the %s schema accepts a field the payload does not have", et)
			}
		})
	}
	if hooks, _ := doc.Extensions["x-webhooks"].(map[string]any); len(hooks) != len(badges.EventTypes) {
		t.Errorf("x-webhooks has %d entries, want one per event type (%d)", len(hooks), len(badges.EventTypes))
	}
}

// TestOpenAPI_WebhookSchemaFields walks badges.EventPayload and the
// schema it is documented by together: every JSON field of the type is a
// property of the schema and the reverse, required exactly when the field
// is always written (no omitempty).
func TestOpenAPI_WebhookSchemaFields(t *testing.T) {
	doc := mustOpenAPI(t)
	compareFields(t, "WebhookEvent", reflect.TypeFor[badges.EventPayload](), doc.Components.Schemas["WebhookEvent"].Value)
}

var timeType = reflect.TypeFor[time.Time]()

func compareFields(t *testing.T, path string, typ reflect.Type, s *openapi3.Schema) {
	t.Helper()
	seen := map[string]bool{}
	for f := range typ.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			t.Errorf("%s.%s has no JSON name", path, f.Name)
			continue
		}
		seen[name] = true
		prop, ok := s.Properties[name]
		if !ok || prop.Value == nil {
			t.Errorf("%s: field %q is not in the schema", path, name)
			continue
		}
		if always := !strings.Contains(opts, "omitempty"); always != slices.Contains(s.Required, name) {
			t.Errorf("%s: field %q is always written = %v, but required in the schema = %v", path, name, always, !always)
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct && ft != timeType:
			compareFields(t, path+"."+name, ft, prop.Value)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			compareFields(t, path+"."+name+"[]", ft.Elem(), prop.Value.Items.Value)
		}
	}
	for name := range s.Properties {
		if !seen[name] {
			t.Errorf("%s: the schema has %q, which the payload does not", path, name)
		}
	}
}

package verifier

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/laurel-badges/laurel/assets"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Schema ids of the credentials this package checks; both are embedded.
const (
	schemaAchievement = ob3.SchemaAchievement
	schemaEndorsement = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)

// schemaTypes are the credentialSchema types that name a JSON Schema.
var schemaTypes = []string{ob3.SchemaValidatorType, "JsonSchema", "JsonSchemaValidator2018"}

// maxSchemaErrors bounds how many schema errors a report quotes.
const maxSchemaErrors = 4

// compileSchemas compiles the embedded credential schemas once. The
// compiler's loader refuses every URL, so a schema never causes a fetch.
func compileSchemas() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2019)
	c.UseLoader(jsonschema.SchemeURLLoader{})
	files, err := fs.Glob(assets.Schemas, "schemas/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := fs.ReadFile(assets.Schemas, f)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("verifier: schema %s: %w", f, err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if id == "" {
			return nil, fmt.Errorf("verifier: schema %s has no $id", f)
		}
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("verifier: schema %s: %w", f, err)
		}
	}
	out := make(map[string]*jsonschema.Schema)
	for _, id := range []string{schemaAchievement, schemaEndorsement} {
		s, err := c.Compile(id)
		if err != nil {
			return nil, fmt.Errorf("verifier: compiling %s: %w", id, err)
		}
		out[id] = s
	}
	return out, nil
}

// schemaVerdict is what schema validation found for one document.
type schemaVerdict struct {
	fromJWT bool // the document was a VC-JWT payload, less its registered claims
	checks  []Check
}

// checkSchema validates the credential against each JSON Schema its
// credentialSchema names, or against its kind's schema when it names none.
// The result depends on the document alone, so it is remembered by the
// bytes the document was read from: a credential verified again, as a
// shared badge's page is, is not validated again.
func (v *Verifier) checkSchema(r *Report, c *credential, kind credentialKind) {
	fromJWT := c.jwt != nil
	if c.raw != nil {
		if seen, ok := v.schemaVerdicts.get(c.raw); ok && seen.fromJWT == fromJWT {
			r.Checks = append(r.Checks, seen.checks...)
			return
		}
	}
	start := len(r.Checks)
	v.validateAll(r, c.doc, kind)
	if c.raw != nil {
		v.schemaVerdicts.put(c.raw, schemaVerdict{fromJWT: fromJWT, checks: slices.Clone(r.Checks[start:])})
	}
}

func (v *Verifier) validateAll(r *Report, doc map[string]any, kind credentialKind) {
	instance := doc // the validator reads decoded JSON as it is, float64 numbers included
	vc11 := isVC11(doc)
	entries := objects(doc["credentialSchema"])
	if len(entries) == 0 {
		id, what := schemaAchievement, "AchievementCredential"
		if kind == kindEndorsement {
			id, what = schemaEndorsement, "EndorsementCredential"
		}
		v.validate(r, instance, id, vc11, fmt.Sprintf("The credential names no credentialSchema; as a baseline it was checked against the Open Badges 3.0 %s schema", what))
		return
	}
	for _, e := range entries {
		id, typ := str(e, "id"), str(e, "type")
		switch {
		case !slices.Contains(schemaTypes, typ):
			r.add(CheckSchema, Warn, fmt.Sprintf("Schema %s: the type %q is not a JSON Schema validator; not checked.", clip(id, 120), clip(typ, 60)))
		case v.schemas[id] == nil:
			r.add(CheckSchema, Warn, fmt.Sprintf("Schema %s is not one of the Open Badges schemas embedded here, and schemas are never fetched; not checked.", clip(id, 120)))
		default:
			v.validate(r, instance, id, vc11, "Schema "+id)
		}
	}
}

// validate runs one schema and reports it. A VC 1.1 credential cannot meet
// the VC 2.0-based schemas (validFrom, say), so its mismatches are warnings.
func (v *Verifier) validate(r *Report, instance any, id string, vc11 bool, what string) {
	err := v.schemas[id].Validate(instance)
	if err == nil {
		r.add(CheckSchema, Pass, what+": valid.")
		return
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		r.add(CheckSchema, Fail, fmt.Sprintf("%s: %v.", what, err))
		return
	}
	msg := fmt.Sprintf("%s: invalid: %s.", what, schemaErrors(ve))
	if vc11 {
		r.add(CheckSchema, Warn, msg+" This VC 1.1 credential was checked against the VC 2.0-based schema.")
		return
	}
	r.add(CheckSchema, Fail, msg)
}

// schemaErrors quotes the innermost validation errors, where the causes
// are. Type mismatches are mostly the losing branches of an anyOf (a value
// may be a string or an object), so they are quoted only if nothing else is.
func schemaErrors(ve *jsonschema.ValidationError) string {
	p := message.NewPrinter(language.English)
	var specific, typeOnly []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(specific)+len(typeOnly) >= 64 {
			return
		}
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		msg := fmt.Sprintf("at /%s: %s", strings.Join(e.InstanceLocation, "/"), clip(e.ErrorKind.LocalizedString(p), 160))
		if _, isType := e.ErrorKind.(*kind.Type); isType {
			typeOnly = append(typeOnly, msg)
		} else {
			specific = append(specific, msg)
		}
	}
	walk(ve)
	quoted := specific
	if len(quoted) == 0 {
		quoted = typeOnly
	}
	quoted = slices.Compact(quoted)
	if len(quoted) > maxSchemaErrors {
		quoted = append(quoted[:maxSchemaErrors], fmt.Sprintf("and %d more", len(quoted)-maxSchemaErrors))
	}
	return strings.Join(quoted, "; ")
}

func isVC11(doc map[string]any) bool {
	ctx := list(doc["@context"])
	return len(ctx) > 0 && ctx[0] == contextVC11
}

package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mapping"
)

// maxDryRunBody bounds a dry run: a payload as large as a delivery's,
// written inside JSON (escaped, perhaps), with its headers and a mapping.
const maxDryRunBody = 2*mapping.MaxPayloadBytes + mapping.MaxMappingBytes

type ingestItemJSON struct {
	Index      int        `json:"index"`
	Outcome    string     `json:"outcome"`
	Behaviour  string     `json:"behaviour,omitempty"`
	Member     string     `json:"member,omitempty"`
	MemberID   string     `json:"memberId,omitempty"`
	ActivityID string     `json:"activityId,omitempty"`
	At         *time.Time `json:"at,omitempty"`
	Earned     []string   `json:"earned,omitempty"`
	Reason     string     `json:"reason,omitempty"`
	Field      string     `json:"field,omitempty"`
}

type ingestReportJSON struct {
	Recorded  int              `json:"recorded"`
	Duplicate int              `json:"duplicate"`
	Ignored   int              `json:"ignored"`
	Skipped   int              `json:"skipped"`
	Rejected  int              `json:"rejected"`
	Failed    bool             `json:"failed"`
	Signature string           `json:"signature,omitempty"`
	Results   []ingestItemJSON `json:"results"`
}

func ingestReport(rep *badges.IngestReport) ingestReportJSON {
	out := ingestReportJSON{Recorded: rep.Recorded, Duplicate: rep.Duplicate, Ignored: rep.Ignored, Skipped: rep.Skipped,
		Rejected: rep.Rejected, Failed: rep.Failed, Signature: rep.Signature, Results: make([]ingestItemJSON, len(rep.Items))}
	for i, it := range rep.Items {
		j := ingestItemJSON{Index: it.Index, Outcome: string(it.Outcome), Behaviour: it.Behaviour, Member: it.Member,
			MemberID: it.MemberID, ActivityID: it.ActivityID, Earned: it.Earned, Reason: it.Reason, Field: it.Field}
		if !it.At.IsZero() {
			at := it.At
			j.At = &at
		}
		out.Results[i] = j
	}
	return out
}

// handleSourceHook takes a tool's delivery: public, its signature is its
// authentication. It answers 200 with what was recorded, ignored, skipped
// or rejected (a tool retries what is not 2xx, and an event the mapping
// does not map will never be), 422 with the same report when the source
// rejects unknown members and one came, 401 for a bad signature, 404 for
// no such source and 409 for a disabled one.
func (s *Server) handleSourceHook(c echo.Context) error {
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	d := badges.SourceDelivery{Header: c.Request().Header, Body: body}
	rep, err := s.svc.Sources.Ingest(c.Request().Context(), c.Param("source"), d)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rep.Failed {
		status = http.StatusUnprocessableEntity
	}
	return c.JSON(status, ingestReport(rep))
}

// dryRunRequest is a sample delivery: its payload (an object, or a string
// holding the body exactly as the tool sent it, so that its signature can
// be checked), its headers, and perhaps a mapping to try instead of the
// source's.
type dryRunRequest struct {
	Payload json.RawMessage   `json:"payload"`
	Headers map[string]string `json:"headers"`
	Mapping json.RawMessage   `json:"mapping"`
}

func (r dryRunRequest) delivery() (badges.SourceDelivery, error) {
	d := badges.SourceDelivery{Header: http.Header{}}
	for k, v := range r.Headers {
		d.Header.Set(k, v)
	}
	p := bytes.TrimSpace(r.Payload)
	switch {
	case len(p) == 0:
		return d, badges.FieldErrorf("payload", "payload is required: the sample delivery's JSON")
	case p[0] == '"':
		var raw string
		if err := json.Unmarshal(p, &raw); err != nil {
			return d, badges.FieldErrorf("payload", "payload must be a JSON object or a string holding one")
		}
		d.Body = []byte(raw)
	default:
		d.Body = p
	}
	return d, nil
}

func (s *Server) handleSourceDryRun(c echo.Context) error {
	var req dryRunRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	d, err := req.delivery()
	if err != nil {
		return err
	}
	m, _, err := mappingText(req.Mapping)
	if err != nil {
		return err
	}
	rep, err := s.svc.Sources.DryRun(c.Request().Context(), "", c.Param("source"), d, m)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ingestReport(rep))
}

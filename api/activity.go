package api

import (
	"bytes"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// activityRequest is one activity as the API takes it.
type activityRequest struct {
	MemberID      string    `json:"memberId"`
	Email         string    `json:"email"`
	ExternalID    string    `json:"externalId"`
	Name          string    `json:"name"`
	CreateMember  bool      `json:"createMember"`
	Behaviour     string    `json:"behaviour"`
	At            time.Time `json:"at"`
	Quantity      float64   `json:"quantity"`
	PeerID        string    `json:"peerId"`
	PeerEmail     string    `json:"peerEmail"`
	PeerExternal  string    `json:"peerExternalId"`
	EvidenceURL   string    `json:"evidenceUrl"`
	Narrative     string    `json:"narrative"`
	Cohort        string    `json:"cohort"`
	SourceEventID string    `json:"sourceEventId"`
}

type activityResultJSON struct {
	Index    int      `json:"index"`
	Line     int      `json:"line,omitempty"`
	Outcome  string   `json:"outcome"`
	ID       string   `json:"id,omitempty"`
	MemberID string   `json:"memberId,omitempty"`
	Earned   []string `json:"earned,omitempty"`
	Error    string   `json:"error,omitempty"`
	Field    string   `json:"field,omitempty"`
}

type activityReportJSON struct {
	Recorded  int                  `json:"recorded"`
	Duplicate int                  `json:"duplicate"`
	Rejected  int                  `json:"rejected"`
	Results   []activityResultJSON `json:"results"`
}

const mimeCSV = "text/csv"

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// maxActivityBody bounds a batch of activities.
const maxActivityBody = 4 << 20

// handleActivities records one activity (a JSON object) or a batch (an
// array of up to 1,000): each gets its own result, and rejected ones do
// not stop the others.
func (s *Server) handleActivities(c echo.Context) error {
	mt := mediaType(c)
	if mt != echo.MIMEApplicationJSON && mt != mimeCSV && mt != echo.MIMEApplicationForm {
		return unsupportedMedia(mt, echo.MIMEApplicationJSON, mimeCSV, echo.MIMEApplicationForm)
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	switch mt {
	case mimeCSV:
		return s.recordCSV(c, body)
	case echo.MIMEApplicationForm:
		return s.recordForm(c, body)
	}
	ins, single, err := activityInputs(body)
	if err != nil {
		return err
	}
	results, err := s.svc.Recognition.Record(c.Request().Context(), c.Param("issuer"), ins)
	if err != nil {
		return err
	}
	if single && results[0].Outcome == badges.ActivityRejected {
		return results[0].Err // one activity: its problem is the answer
	}
	return c.JSON(http.StatusOK, activityReport(results, nil))
}

// activityInputs reads a JSON activity, or an array of them; single says
// which it was.
func activityInputs(body []byte) (ins []badges.ActivityInput, single bool, err error) {
	var reqs []activityRequest
	trimmed := bytes.TrimSpace(body)
	if single = len(trimmed) > 0 && trimmed[0] == '{'; single {
		reqs = make([]activityRequest, 1)
		err = decodeStrict(trimmed, &reqs[0])
	} else {
		err = decodeStrict(trimmed, &reqs)
	}
	if err != nil {
		return nil, single, err
	}
	if len(reqs) == 0 {
		return nil, single, badges.Errorf(badges.EINVALID, "Send an activity object or a non-empty array of them.")
	}
	ins = make([]badges.ActivityInput, len(reqs))
	for i, r := range reqs {
		ins[i] = r.input()
	}
	return ins, single, nil
}

func (r activityRequest) input() badges.ActivityInput {
	return badges.ActivityInput{Email: r.Email, ExternalID: r.ExternalID, Name: r.Name, CreateMember: r.CreateMember,
		PeerEmail: r.PeerEmail, PeerExternalID: r.PeerExternal,
		Activity: badges.Activity{MemberID: r.MemberID, Behaviour: r.Behaviour, At: r.At, Quantity: r.Quantity, PeerID: r.PeerID,
			EvidenceURL: r.EvidenceURL, Narrative: r.Narrative, Cohort: r.Cohort, SourceEventID: r.SourceEventID}}
}

// recordForm records one activity from an admin form's fields, answered
// like a single JSON activity.
func (s *Server) recordForm(c echo.Context, body []byte) error {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return badges.Errorf(badges.EINVALID, "The form body cannot be read: %v.", err)
	}
	in, err := badges.ParseActivityForm(form)
	if err != nil {
		return err
	}
	results, err := s.svc.Recognition.Record(c.Request().Context(), c.Param("issuer"), []badges.ActivityInput{in})
	if err != nil {
		return err
	}
	if results[0].Outcome == badges.ActivityRejected {
		return results[0].Err
	}
	return c.JSON(http.StatusOK, activityReport(results, nil))
}

// recordCSV records activities from a CSV file: rows that cannot be read
// are rejected with their line, the rest are recorded.
func (s *Server) recordCSV(c echo.Context, body []byte) error {
	rows, err := badges.ParseActivityCSV(bytes.NewReader(body), badges.MaxActivityBatch)
	if err != nil {
		return err
	}
	var ins []badges.ActivityInput
	for _, r := range rows {
		if r.Err == nil {
			ins = append(ins, r.Input)
		}
	}
	recorded, err := s.svc.Recognition.Record(c.Request().Context(), c.Param("issuer"), ins)
	if err != nil {
		return err
	}
	results, lines := make([]badges.ActivityResult, len(rows)), make([]int, len(rows))
	for i, r := range rows {
		lines[i] = r.Line
		if r.Err != nil {
			results[i] = badges.ActivityResult{Outcome: badges.ActivityRejected, Err: r.Err}
			continue
		}
		results[i], recorded = recorded[0], recorded[1:]
	}
	return c.JSON(http.StatusOK, activityReport(results, lines))
}

// activityReport answers a batch: counts, and every activity's result
// (with its CSV line when lines are given).
func activityReport(results []badges.ActivityResult, lines []int) activityReportJSON {
	rep := activityReportJSON{Results: make([]activityResultJSON, len(results))}
	for i, r := range results {
		out := activityResultJSON{Index: i, Outcome: string(r.Outcome), ID: r.ID, MemberID: r.MemberID, Earned: r.Earned}
		if lines != nil {
			out.Line = lines[i]
		}
		switch r.Outcome {
		case badges.ActivityRecorded:
			rep.Recorded++
		case badges.ActivityDuplicate:
			rep.Duplicate++
		default:
			rep.Rejected++
			out.Error, out.Field = badges.ErrorMessage(r.Err), badges.ErrorField(r.Err)
		}
		rep.Results[i] = out
	}
	return rep
}

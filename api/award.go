package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

type evidenceJSON struct {
	URL         string `json:"url,omitempty"`
	Name        string `json:"name,omitempty"`
	Narrative   string `json:"narrative,omitempty"`
	Description string `json:"description,omitempty"`
	Genre       string `json:"genre,omitempty"`
	Audience    string `json:"audience,omitempty"`
}

type resultJSON struct {
	Value  string `json:"value,omitempty"`
	Status string `json:"status,omitempty"`
}

type awardRequest struct {
	AchievementID string         `json:"achievementId"`
	MemberID      string         `json:"memberId,omitempty"`
	Email         string         `json:"email,omitempty"`
	Name          string         `json:"name,omitempty"`
	Narrative     string         `json:"narrative,omitempty"`
	Evidence      []evidenceJSON `json:"evidence,omitempty"`
	Results       []resultJSON   `json:"results,omitempty"`
	AwardedDate   time.Time      `json:"awardedDate,omitzero"`
}

func (r awardRequest) input() badges.AwardInput {
	in := badges.AwardInput{AchievementID: r.AchievementID, MemberID: r.MemberID, Email: r.Email, Name: r.Name, Narrative: r.Narrative, AwardedDate: r.AwardedDate}
	for _, e := range r.Evidence {
		in.Evidence = append(in.Evidence, badges.Evidence(e))
	}
	for _, x := range r.Results {
		in.Results = append(in.Results, badges.Result(x))
	}
	return in
}

type credentialJSON struct {
	ID                 string          `json:"id"`
	URL                string          `json:"url"`
	IssuerID           string          `json:"issuerId"`
	AchievementID      string          `json:"achievementId"`
	AchievementVersion int             `json:"achievementVersion"`
	MemberID           string          `json:"memberId"`
	AwardedAt          time.Time       `json:"awardedAt"`
	AwardedDate        time.Time       `json:"awardedDate"`
	ValidUntil         *time.Time      `json:"validUntil,omitempty"`
	Status             string          `json:"status"`
	RevokedAt          *time.Time      `json:"revokedAt,omitempty"`
	RevocationReason   string          `json:"revocationReason,omitempty"`
	ReasonPublic       *bool           `json:"revocationReasonPublic,omitempty"` // with a revocation only
	Visibility         string          `json:"visibility"`
	AcceptedAt         *time.Time      `json:"acceptedAt,omitempty"`
	Credential         json.RawMessage `json:"credential"`
	JWT                string          `json:"jwt"`
}

func (s *Server) credentialJSON(c *issuer.Credential) credentialJSON {
	j := credentialJSON{ID: c.ID, URL: s.urls.Credential(c.ID), IssuerID: c.IssuerID, AchievementID: c.AchievementID,
		AchievementVersion: c.AchievementVersion, MemberID: c.MemberID, AwardedAt: c.AwardedAt, AwardedDate: c.Earned(),
		ValidUntil: timePtr(c.ValidUntil), Status: "active", RevokedAt: timePtr(c.RevokedAt),
		RevocationReason: c.RevocationReason, Credential: c.JSON, JWT: c.JWT,
		Visibility: string(cmp.Or(c.Visibility, issuer.VisibilityPublic)), AcceptedAt: timePtr(c.AcceptedAt)}
	if c.Revoked() {
		j.Status, j.ReasonPublic = "revoked", &c.ReasonPublic
	}
	return j
}

// handleAwardCreate issues one credential: 201 when issued, 200 with the
// existing credential when the member already holds a non-repeatable badge
// or the Idempotency-Key was seen before.
func (s *Server) handleAwardCreate(c echo.Context) error {
	var req awardRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	in := req.input()
	in.IdempotencyKey = c.Request().Header.Get("Idempotency-Key")
	cred, issued, err := s.svc.Issuing.Award(c.Request().Context(), c.Param("issuer"), in)
	if err != nil {
		return err
	}
	if !issued {
		return c.JSON(http.StatusOK, s.credentialJSON(cred))
	}
	return created(c, "/api/v1/credentials/"+cred.ID, s.credentialJSON(cred))
}

type bulkRowJSON struct {
	Row          int    `json:"row"` // 1-based: the array position, or the CSV line
	Outcome      string `json:"outcome"`
	CredentialID string `json:"credentialId,omitempty"`
	URL          string `json:"url,omitempty"`
	Error        string `json:"error,omitempty"`
	Field        string `json:"field,omitempty"`
}

type bulkJSON struct {
	Issued   int           `json:"issued"`
	Held     int           `json:"held"`
	Rejected int           `json:"rejected"`
	Rows     []bulkRowJSON `json:"rows"`
}

// handleAwardBulk issues many credentials from a JSON array of awards or
// a CSV file, answering every row.
func (s *Server) handleAwardBulk(c echo.Context) error {
	ins, lines, err := s.bulkInputs(c)
	if err != nil {
		return err
	}
	res, err := s.svc.Issuing.AwardMany(c.Request().Context(), c.Param("issuer"), c.Request().Header.Get("Idempotency-Key"), ins)
	if err != nil {
		return err
	}
	out := bulkJSON{Rows: make([]bulkRowJSON, len(res))}
	for i, r := range res {
		row := bulkRowJSON{Row: lines[i], Outcome: r.Outcome}
		if r.Credential != nil {
			row.CredentialID, row.URL = r.Credential.ID, s.urls.Credential(r.Credential.ID)
		}
		if r.Err != nil {
			row.Error, row.Field = badges.ErrorMessage(r.Err), badges.ErrorField(r.Err)
		}
		switch r.Outcome {
		case issuer.OutcomeIssued:
			out.Issued++
		case issuer.OutcomeHeld:
			out.Held++
		default:
			out.Rejected++
		}
		out.Rows[i] = row
	}
	return c.JSON(http.StatusOK, out)
}

// maxBulkBytes bounds a bulk award body: 10,000 rows of a few hundred
// bytes.
const maxBulkBytes = 8 << 20

// bulkInputs reads the rows of a bulk award and their 1-based numbers.
func (s *Server) bulkInputs(c echo.Context) ([]badges.AwardInput, []int, error) {
	mt := mediaType(c)
	if mt != echo.MIMEApplicationJSON && mt != mimeCSV {
		return nil, nil, unsupportedMedia(mt, echo.MIMEApplicationJSON, mimeCSV)
	}
	body, err := s.readBody(c)
	if err != nil {
		return nil, nil, err
	}
	if mt == mimeCSV {
		return parseAwardCSV(body)
	}
	var reqs []awardRequest
	if err := decodeStrict(body, &reqs); err != nil {
		return nil, nil, err
	}
	if len(reqs) > issuer.MaxBulkAwards {
		return nil, nil, badges.Errorf(badges.ETOOLARGE, "A bulk award takes at most %d rows, not %d.", issuer.MaxBulkAwards, len(reqs))
	}
	ins, lines := make([]badges.AwardInput, len(reqs)), make([]int, len(reqs))
	for i, r := range reqs {
		ins[i], lines[i] = r.input(), i+1
	}
	return ins, lines, nil
}

// parseAwardCSV reads a bulk award CSV (see badges.ParseAwardCSV).
func parseAwardCSV(body []byte) ([]badges.AwardInput, []int, error) {
	return badges.ParseAwardCSV(bytes.NewReader(body), issuer.MaxBulkAwards)
}

package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The recognition engine's services, as the handlers use them.
type (
	// Catalogue keeps behaviours and rules.
	Catalogue interface {
		Behaviours(ctx context.Context, issuerID string) ([]badges.Behaviour, error)
		AddBehaviour(ctx context.Context, issuerID string, b badges.Behaviour) error
		SetRule(ctx context.Context, achievementID string, r *badges.Rule) (*badges.Achievement, error)
		Rule(ctx context.Context, achievementID string) (*badges.Rule, error)
	}
	// Recognition records activity and endorsements, and reports progress
	// and counters.
	Recognition interface {
		Record(ctx context.Context, issuerID string, ins []badges.ActivityInput) ([]badges.ActivityResult, error)
		Progress(ctx context.Context, memberID string) ([]badges.AchievementProgress, error)
		Endorse(ctx context.Context, issuerID string, in badges.EndorseInput) (*badges.EndorseResult, error)
		Counters(ctx context.Context, issuerID string, weeks int) ([]badges.WeekStats, map[string]int, error)
	}
	// Nominations takes nominations to a decision.
	Nominations interface {
		Nominate(ctx context.Context, issuerID string, in badges.NominateInput) (*badges.Nomination, error)
		Nominations(ctx context.Context, issuerID, status string) ([]*badges.Nomination, error)
		Decide(ctx context.Context, id string, approve bool, reason string) (*badges.Nomination, error)
	}
	// Spotlight keeps each community's pinned member.
	Spotlight interface {
		SetPin(ctx context.Context, issuerID string, p *badges.Pin) error
		Pinned(ctx context.Context, issuerID string) (*badges.Pin, error)
	}
	// Previews evaluates draft rules.
	Previews interface {
		Preview(ctx context.Context, achievementID string, r *badges.Rule) (*badges.RulePreview, error)
	}
)

type behaviourJSON struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Category    string `json:"category"`
}

func (s *Server) handleBehaviourList(c echo.Context) error {
	bs, err := s.svc.Catalogue.Behaviours(c.Request().Context(), c.Param("issuer"))
	if err != nil {
		return err
	}
	out := listJSON[behaviourJSON]{Items: make([]behaviourJSON, len(bs)), Total: len(bs)}
	for i, b := range bs {
		out.Items[i] = behaviourJSON{Key: b.Key, Name: b.Name, Description: b.Description, Category: string(b.Category)}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleBehaviourCreate(c echo.Context) error {
	var req behaviourJSON
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	b := badges.Behaviour{Key: req.Key, Name: req.Name, Description: req.Description, Category: badges.BehaviourCategory(req.Category)}
	if err := s.svc.Catalogue.AddBehaviour(c.Request().Context(), c.Param("issuer"), b); err != nil {
		return err
	}
	return created(c, "/api/v1/issuers/"+c.Param("issuer")+"/behaviours", req)
}

// handleRulePut stores an achievement's criteria rule. The body is the
// rule itself; a problem names the JSON path of what is wrong.
func (s *Server) handleRulePut(c echo.Context) error {
	r, err := readRule(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.Catalogue.SetRule(c.Request().Context(), c.Param("achievement"), r); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// readRule reads a rule from the request body: JSON, parsed strictly.
func readRule(c echo.Context) (*badges.Rule, error) {
	if mt := mediaType(c); mt != echo.MIMEApplicationJSON {
		return nil, unsupportedMedia(mt, echo.MIMEApplicationJSON)
	}
	body, err := readBody(c, badges.MaxRuleBytes)
	if err != nil {
		return nil, err
	}
	return badges.ParseRule(body)
}

func (s *Server) handleRuleGet(c echo.Context) error {
	r, err := s.svc.Catalogue.Rule(c.Request().Context(), c.Param("achievement"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (s *Server) handleRuleDelete(c echo.Context) error {
	if _, err := s.svc.Catalogue.SetRule(c.Request().Context(), c.Param("achievement"), nil); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

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

type endorseRequest struct {
	EndorserID string `json:"endorserId"`
	MemberID   string `json:"memberId"`
	Note       string `json:"note"`
}

type endorseResponse struct {
	Earned         []string `json:"earned"`
	EndorserEarned []string `json:"endorserEarned"`
}

// handleEndorse records one member endorsing another's contribution.
func (s *Server) handleEndorse(c echo.Context) error {
	var req endorseRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	res, err := s.svc.Recognition.Endorse(c.Request().Context(), c.Param("issuer"),
		badges.EndorseInput{EndorserID: req.EndorserID, MemberID: req.MemberID, Note: req.Note})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, endorseResponse{Earned: nonNil(res.Earned), EndorserEarned: nonNil(res.EndorserEarned)})
}

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
	body, err := readBody(c, maxActivityBody)
	if err != nil {
		return err
	}
	switch mt {
	case mimeCSV:
		return s.recordCSV(c, body)
	case echo.MIMEApplicationForm:
		return s.recordForm(c, body)
	}
	var reqs []activityRequest
	trimmed := bytes.TrimSpace(body)
	single := len(trimmed) > 0 && trimmed[0] == '{'
	target := any(&reqs)
	var one activityRequest
	if single {
		target = &one
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(target); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return badges.Errorf(badges.EINVALID, "The request body has data after the JSON value.")
	}
	if single {
		reqs = []activityRequest{one}
	}
	if len(reqs) == 0 {
		return badges.Errorf(badges.EINVALID, "Send an activity object or a non-empty array of them.")
	}
	ins := make([]badges.ActivityInput, len(reqs))
	for i, r := range reqs {
		ins[i] = badges.ActivityInput{Email: r.Email, ExternalID: r.ExternalID, Name: r.Name, CreateMember: r.CreateMember,
			Activity: badges.Activity{MemberID: r.MemberID, Behaviour: r.Behaviour, At: r.At, Quantity: r.Quantity, PeerID: r.PeerID,
				EvidenceURL: r.EvidenceURL, Narrative: r.Narrative, Cohort: r.Cohort, SourceEventID: r.SourceEventID}}
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

type conditionJSON struct {
	Path        string   `json:"path"`
	Kind        string   `json:"kind"`
	Description string   `json:"description"`
	Current     float64  `json:"current"`
	Required    float64  `json:"required"`
	Met         bool     `json:"met"`
	Links       []string `json:"links,omitempty"`
}

type progressJSON struct {
	AchievementID string          `json:"achievementId"`
	Name          string          `json:"name"`
	Level         string          `json:"level,omitempty"`
	Held          bool            `json:"held"`
	Met           bool            `json:"met"`
	Fraction      float64         `json:"fraction"`
	Conditions    []conditionJSON `json:"conditions"`
}

// handleProgress shows how far a member is towards each achievement with a
// rule, condition by condition: closest first, held last.
func (s *Server) handleProgress(c echo.Context) error {
	ps, err := s.svc.Recognition.Progress(c.Request().Context(), c.Param("member"))
	if err != nil {
		return err
	}
	out := listJSON[progressJSON]{Items: make([]progressJSON, len(ps)), Total: len(ps)}
	for i, p := range ps {
		out.Items[i] = progressJSON{AchievementID: p.Achievement.ID, Name: p.Achievement.Name, Level: p.Achievement.Level, Held: p.Held,
			Met: p.Progress.Met, Fraction: p.Progress.Fraction, Conditions: conditionsJSON(p.Progress)}
	}
	return c.JSON(http.StatusOK, out)
}

type nominationJSON struct {
	ID            string    `json:"id"`
	NominatorID   string    `json:"nominatorId"`
	MemberID      string    `json:"memberId"`
	AchievementID string    `json:"achievementId"`
	Note          string    `json:"note,omitempty"`
	Status        string    `json:"status"`
	CredentialID  string    `json:"credentialId,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	CreatedAt     time.Time `json:"createdAt"`
	DecidedAt     time.Time `json:"decidedAt,omitzero"`
}

func toNominationJSON(n *badges.Nomination) nominationJSON {
	return nominationJSON{ID: n.ID, NominatorID: n.NominatorID, MemberID: n.MemberID, AchievementID: n.AchievementID, Note: n.Note,
		Status: n.Status, CredentialID: n.CredentialID, Reason: n.Reason, CreatedAt: n.CreatedAt, DecidedAt: n.DecidedAt}
}

type nominateRequest struct {
	NominatorID   string `json:"nominatorId"`
	MemberID      string `json:"memberId"`
	AchievementID string `json:"achievementId"`
	Note          string `json:"note"`
}

func (s *Server) handleNominate(c echo.Context) error {
	var req nominateRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	n, err := s.svc.Nominations.Nominate(c.Request().Context(), c.Param("issuer"),
		badges.NominateInput{NominatorID: req.NominatorID, MemberID: req.MemberID, AchievementID: req.AchievementID, Note: req.Note})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/nominations/"+n.ID, toNominationJSON(n))
}

func (s *Server) handleNominationList(c echo.Context) error {
	ns, err := s.svc.Nominations.Nominations(c.Request().Context(), c.Param("issuer"), c.QueryParam("status"))
	if err != nil {
		return err
	}
	out := listJSON[nominationJSON]{Items: make([]nominationJSON, len(ns)), Total: len(ns)}
	for i, n := range ns {
		out.Items[i] = toNominationJSON(n)
	}
	return c.JSON(http.StatusOK, out)
}

type declineRequest struct {
	Reason string `json:"reason"`
}

// handleNominationDecide approves (which awards the achievement) or
// declines a pending nomination.
func (s *Server) handleNominationDecide(approve bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		var req declineRequest
		if !approve {
			if err := s.decodeJSON(c, &req); err != nil {
				return err
			}
		}
		n, err := s.svc.Nominations.Decide(c.Request().Context(), c.Param("nomination"), approve, req.Reason)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, toNominationJSON(n))
	}
}

type weekJSON struct {
	Week          string         `json:"week"`
	Activities    map[string]int `json:"activities"`
	ActiveMembers int            `json:"activeMembers"`
	Awards        map[string]int `json:"awards"`
}

type achievementStatsJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Level  string `json:"level,omitempty"`
	Earned int    `json:"earned"`
}

type levelJSON struct {
	Level   string `json:"level"`
	Members int    `json:"members"`
}

type statsJSON struct {
	Weeks        []weekJSON             `json:"weeks"`
	Achievements []achievementStatsJSON `json:"achievements"`
	Funnel       []levelJSON            `json:"funnel"`
}

// handleStats answers a community's measures of success from counters
// kept as activity and awards arrive: activity by behaviour, active
// members and awards per week, holders per achievement, and the pathway
// funnel (members who reached each level).
func (s *Server) handleStats(c echo.Context) error {
	weeks := 12
	if v := c.QueryParam("weeks"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 104 {
			return badges.FieldErrorf("weeks", "weeks must be a whole number from 1 to 104")
		}
		weeks = n
	}
	ctx := c.Request().Context()
	ws, funnel, err := s.svc.Recognition.Counters(ctx, c.Param("issuer"), weeks)
	if err != nil {
		return err
	}
	achievements, err := s.issuerAchievements(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	out := statsJSON{Weeks: make([]weekJSON, len(ws)), Achievements: []achievementStatsJSON{}, Funnel: []levelJSON{}}
	for i, w := range ws {
		out.Weeks[i] = weekJSON{Week: w.Week, Activities: w.Activities, ActiveMembers: len(w.Members), Awards: w.Awards}
	}
	levels := map[string]bool{}
	for _, a := range achievements {
		sc, err := s.svc.Issuing.AchievementShowcase(ctx, a.ID)
		if err != nil {
			return err
		}
		out.Achievements = append(out.Achievements, achievementStatsJSON{ID: a.ID, Name: a.Name, Level: a.Level, Earned: sc.Earned})
		if a.Level != "" {
			levels[a.Level] = true
		}
	}
	for l := range funnel {
		levels[l] = true
	}
	for l := range levels {
		out.Funnel = append(out.Funnel, levelJSON{Level: l, Members: funnel[l]})
	}
	slices.SortFunc(out.Funnel, func(a, b levelJSON) int { return levelOrder(a.Level, b.Level) })
	return c.JSON(http.StatusOK, out)
}

type previewMemberJSON struct {
	MemberID   string          `json:"memberId"`
	Name       string          `json:"name"`
	Fraction   float64         `json:"fraction"`
	Conditions []conditionJSON `json:"conditions"`
}

type previewJSON struct {
	Evaluated int                 `json:"evaluated"`
	Truncated bool                `json:"truncated"`
	Qualify   []previewMemberJSON `json:"qualify"`
	Closest   []previewMemberJSON `json:"closest"`
}

// handleRulePreview evaluates a draft rule over the community: who would
// be awarded now and who is closest, condition by condition. Nothing is
// stored or awarded.
func (s *Server) handleRulePreview(c echo.Context) error {
	r, err := readRule(c)
	if err != nil {
		return err
	}
	p, err := s.svc.Previews.Preview(c.Request().Context(), c.Param("achievement"), r)
	if err != nil {
		return err
	}
	out := previewJSON{Evaluated: p.Evaluated, Truncated: p.Truncated, Qualify: previewMembers(p.Qualify), Closest: previewMembers(p.Closest)}
	return c.JSON(http.StatusOK, out)
}

func previewMembers(ms []badges.PreviewMember) []previewMemberJSON {
	out := make([]previewMemberJSON, len(ms))
	for i, m := range ms {
		out[i] = previewMemberJSON{MemberID: m.Member.ID, Name: m.Member.DisplayName, Fraction: m.Progress.Fraction, Conditions: conditionsJSON(m.Progress)}
	}
	return out
}

func conditionsJSON(p badges.Progress) []conditionJSON {
	out := make([]conditionJSON, len(p.Conditions))
	for k, cp := range p.Conditions {
		out[k] = conditionJSON{Path: cp.Path, Kind: cp.Kind, Description: cp.Description, Current: cp.Current,
			Required: cp.Required, Met: cp.Met, Links: cp.Links}
	}
	return out
}

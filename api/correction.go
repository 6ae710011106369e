package api

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Corrections lists and voids members' activities and keeps the reviews
// voiding leads to.
type Corrections interface {
	MemberActivities(ctx context.Context, memberID string, o badges.ListOptions) (*badges.Member, *badges.Page[badges.LoggedActivity], error)
	Activity(ctx context.Context, id string) (badges.LoggedActivity, error)
	Void(ctx context.Context, activityID, reason string) (*badges.VoidResult, error)
	Reviews(ctx context.Context, issuerID, status string) ([]badges.Review, error)
	Resolve(ctx context.Context, issuerID, id, status, note string) (badges.Review, error)
	Revoke(ctx context.Context, issuerID, id string, in badges.RevokeInput) (badges.Review, error)
}

type activityJSON struct {
	ID            string     `json:"id"`
	MemberID      string     `json:"memberId"`
	Behaviour     string     `json:"behaviour"`
	BehaviourName string     `json:"behaviourName"`
	At            time.Time  `json:"at"`
	Quantity      float64    `json:"quantity,omitempty"`
	PeerID        string     `json:"peerId,omitempty"`
	PeerName      string     `json:"peerName,omitempty"`
	EvidenceURL   string     `json:"evidenceUrl,omitempty"`
	Narrative     string     `json:"narrative,omitempty"`
	Cohort        string     `json:"cohort,omitempty"`
	SourceEventID string     `json:"sourceEventId,omitempty"`
	ReciprocalOf  string     `json:"reciprocalOf,omitempty"`
	RecordedAt    time.Time  `json:"recordedAt"`
	Voided        bool       `json:"voided"`
	VoidedAt      *time.Time `json:"voidedAt,omitempty"`
	VoidReason    string     `json:"voidReason,omitempty"`
}

type memberActivitiesJSON struct {
	listJSON[activityJSON]
	MemberID   string `json:"memberId"`
	MemberName string `json:"memberName"`
}

// activityNames names the behaviours and peers of activities, each read
// once.
type activityNames struct {
	s          *Server
	behaviours []badges.Behaviour
	peers      map[string]string
}

func (s *Server) activityNames(ctx context.Context, issuerID string) (*activityNames, error) {
	bs, err := s.svc.Catalogue.Behaviours(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	return &activityNames{s: s, behaviours: bs, peers: map[string]string{}}, nil
}

func (n *activityNames) json(ctx context.Context, l badges.LoggedActivity) (activityJSON, error) {
	out := activityJSON{ID: l.ID, MemberID: l.MemberID, Behaviour: l.Behaviour, BehaviourName: l.Behaviour, At: l.At, Quantity: l.Quantity,
		PeerID: l.PeerID, EvidenceURL: l.EvidenceURL, Narrative: l.Narrative, Cohort: l.Cohort, SourceEventID: l.SourceEventID,
		ReciprocalOf: l.ReciprocalOf, RecordedAt: l.RecordedAt, Voided: l.Void != nil}
	if i := slices.IndexFunc(n.behaviours, func(b badges.Behaviour) bool { return b.Key == l.Behaviour }); i >= 0 {
		out.BehaviourName = n.behaviours[i].Name
	}
	if l.Void != nil {
		out.VoidedAt, out.VoidReason = &l.Void.At, l.Void.Reason
	}
	if l.PeerID == "" {
		return out, nil
	}
	name, ok := n.peers[l.PeerID]
	if !ok {
		m, err := n.s.svc.Members.Member(ctx, l.PeerID)
		switch {
		case badges.ErrorCode(err) == badges.ENOTFOUND: // deleted since
		case err != nil:
			return out, err
		default:
			name = m.DisplayName
		}
		n.peers[l.PeerID] = name
	}
	out.PeerName = name
	return out, nil
}

// handleMemberActivities lists a member's activities, newest first, voided
// ones included, from the member's activity index.
func (s *Server) handleMemberActivities(c echo.Context) error {
	o, err := listParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, page, err := s.svc.Corrections.MemberActivities(ctx, c.Param("member"), o)
	if err != nil {
		return err
	}
	names, err := s.activityNames(ctx, m.IssuerID)
	if err != nil {
		return err
	}
	out := memberActivitiesJSON{MemberID: m.ID, MemberName: m.DisplayName,
		listJSON: listJSON[activityJSON]{Items: []activityJSON{}, Total: page.Total, NextCursor: page.NextCursor}}
	for _, l := range page.Items {
		a, err := names.json(ctx, l)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, a)
	}
	return c.JSON(http.StatusOK, out)
}

type voidRequest struct {
	Reason string `json:"reason"`
}

type voidJSON struct {
	Activity      activityJSON `json:"activity"`
	AlreadyVoided bool         `json:"alreadyVoided"`
	Reviews       []reviewJSON `json:"reviews"`
}

// handleActivityVoid voids an activity (and the one that credited its
// peer): it no longer counts, and badges whose rule it met are listed for
// review. Voiding again answers the voided activity.
func (s *Server) handleActivityVoid(c echo.Context) error {
	var req voidRequest
	if c.Request().ContentLength != 0 {
		if err := s.decodeJSON(c, &req); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	id, err := pathParam(c, "activity")
	if err != nil {
		return err
	}
	res, err := s.svc.Corrections.Void(ctx, id, req.Reason)
	if err != nil {
		return err
	}
	names, err := s.activityNames(ctx, res.Activity.IssuerID)
	if err != nil {
		return err
	}
	out := voidJSON{AlreadyVoided: res.AlreadyVoided, Reviews: make([]reviewJSON, len(res.Reviews))}
	if out.Activity, err = names.json(ctx, res.Activity); err != nil {
		return err
	}
	for i, r := range res.Reviews {
		out.Reviews[i] = toReviewJSON(r)
	}
	return c.JSON(http.StatusOK, out)
}

// pathParam is a path parameter as sent, unescaped: ids of activities
// carry the source's event id, which may hold any printable character.
func pathParam(c echo.Context, name string) (string, error) {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v, nil // the router matched the decoded path
	}
	u, err := url.PathUnescape(v)
	if err != nil {
		return "", badges.Errorf(badges.EINVALID, "The path segment %q is not escaped properly.", v)
	}
	return u, nil
}

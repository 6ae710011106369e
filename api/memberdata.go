package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// MemberData gathers what Laurel holds about a member (issuer/memberdata.go).
type MemberData interface {
	MemberData(ctx context.Context, memberID string) (*issuer.MemberData, error)
	EachActivity(ctx context.Context, memberID string, fn func([]badges.LoggedActivity) error) error
}

// Forgetting forgets members at their request (badges/memberforget.go).
type Forgetting interface {
	Forget(ctx context.Context, memberID string) (*badges.Member, error)
}

// Nudges keeps members' choice of the weekly progress e-mail
// (badges/nudge.go).
type Nudges interface {
	SetOptIn(ctx context.Context, memberID string, on bool) error
	OptedIn(ctx context.Context, memberID string) (bool, error)
}

type memberCredentialJSON struct {
	ID               string          `json:"id"`
	AchievementID    string          `json:"achievementId"`
	AchievementName  string          `json:"achievementName"`
	Status           string          `json:"status"`
	AwardedAt        time.Time       `json:"awardedAt"`
	ValidUntil       *time.Time      `json:"validUntil,omitempty"`
	RevokedAt        *time.Time      `json:"revokedAt,omitempty"`
	RevocationReason string          `json:"revocationReason,omitempty"`
	Credential       json.RawMessage `json:"credential"`
	JWT              string          `json:"jwt"`
}

type endorsementJSON struct {
	From string    `json:"from"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

type cohortRefJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type memberNominationJSON struct {
	ID            string     `json:"id"`
	Kind          string     `json:"kind,omitempty"` // "application": the member asked for the badge themselves
	NominatorID   string     `json:"nominatorId"`
	MemberID      string     `json:"memberId"`
	AchievementID string     `json:"achievementId"`
	Note          string     `json:"note,omitempty"`
	Links         []string   `json:"links,omitempty"`
	Status        string     `json:"status"`
	Reason        string     `json:"reason,omitempty"`
	CreatedAt     time.Time  `json:"createdAt"`
	DecidedAt     *time.Time `json:"decidedAt,omitempty"`
}

// memberDataJSON is the export but its activities, which follow it in
// the same document as they are read (see writeMemberData).
type memberDataJSON struct {
	ExportedAt           time.Time              `json:"exportedAt"`
	Member               memberJSON             `json:"member"`
	Credentials          []memberCredentialJSON `json:"credentials"`
	EndorsementsReceived []endorsementJSON      `json:"endorsementsReceived"`
	Cohorts              []cohortRefJSON        `json:"cohorts"`
	Nominations          []memberNominationJSON `json:"nominations"`
	WalletCopies         []walletCopyJSON       `json:"walletCopies"` // memberwallet.go
	ActivitiesNotListed  int                    `json:"activitiesNotListed"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) memberDataJSON(d *issuer.MemberData) memberDataJSON {
	out := memberDataJSON{ExportedAt: s.now().UTC(), Member: s.memberJSON(d.Member), Credentials: []memberCredentialJSON{},
		EndorsementsReceived: []endorsementJSON{}, Cohorts: []cohortRefJSON{}, Nominations: []memberNominationJSON{},
		ActivitiesNotListed: d.ActivitiesNotListed}
	for _, c := range d.Credentials {
		out.Credentials = append(out.Credentials, memberCredentialJSON{ID: c.ID, AchievementID: c.AchievementID, AchievementName: c.AchievementName,
			Status: string(c.Status), AwardedAt: c.AwardedAt, ValidUntil: optTime(c.ValidUntil), RevokedAt: optTime(c.RevokedAt),
			RevocationReason: c.RevocationReason, Credential: c.JSON, JWT: c.JWT})
	}
	for _, e := range d.Endorsements {
		out.EndorsementsReceived = append(out.EndorsementsReceived, endorsementJSON{From: e.From, At: e.At, Note: e.Note})
	}
	for _, c := range d.Cohorts {
		out.Cohorts = append(out.Cohorts, cohortRefJSON{ID: c.ID, Name: c.Name})
	}
	for _, n := range d.Nominations {
		out.Nominations = append(out.Nominations, memberNominationJSON{ID: n.ID, Kind: n.Kind, NominatorID: n.NominatorID, MemberID: n.MemberID,
			AchievementID: n.AchievementID, Note: n.Note, Links: n.Links, Status: n.Status, Reason: n.Reason, CreatedAt: n.CreatedAt, DecidedAt: optTime(n.DecidedAt)})
	}
	return out
}

// handleMemberExport answers everything Laurel holds about a member as
// one JSON document.
func (s *Server) handleMemberExport(c echo.Context) error {
	return s.writeMemberData(c, c.Param("member"))
}

// writeMemberData writes a member's data as one JSON document, streamed:
// all but the activities is gathered first (so that an error is still a
// clean error answer), then the activities follow a page at a time from
// the member's activity index, so that a long history never sits in
// memory whole. An error once the answer has begun ends it short, which a
// JSON reader sees as a document cut off.
func (s *Server) writeMemberData(c echo.Context, memberID string) error {
	ctx := c.Request().Context()
	d, err := s.svc.MemberData.MemberData(ctx, memberID)
	if err != nil {
		return err
	}
	names, err := s.activityNames(ctx, d.Member.IssuerID)
	if err != nil {
		return err
	}
	data := s.memberDataJSON(d)
	if data.WalletCopies, err = s.walletCopiesJSON(ctx, d.Member.ID); err != nil {
		return err
	}
	head, err := json.Marshal(data)
	if err != nil {
		return err
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", "laurel-member-"+d.Member.ID+".json"))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(append(head[:len(head)-1], `,"activities":[`...)); err != nil {
		return nil // the client went away
	}
	first := true
	err = s.svc.MemberData.EachActivity(ctx, memberID, func(page []badges.LoggedActivity) error {
		for _, l := range page {
			peer := l.PeerID
			l.PeerID = "" // other members are named by id only
			a, err := names.json(ctx, l)
			if err != nil {
				return err
			}
			a.PeerID = peer
			b, err := json.Marshal(a)
			if err != nil {
				return err
			}
			if !first {
				b = append([]byte{','}, b...)
			}
			first = false
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		w.Flush()
		return nil
	})
	if err != nil {
		s.log.Warn("member data export cut short", "member", memberID, "err", err)
		return nil
	}
	_, _ = w.Write([]byte("]}\n"))
	return nil
}

// handleMemberForget forgets a member at their request; forgetting a
// forgotten member answers the same.
func (s *Server) handleMemberForget(c echo.Context) error {
	m, err := s.forget(c.Request().Context(), c.Param("member"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.memberJSON(m))
}

// forget forgets a member and drops them from the public pages' caches.
func (s *Server) forget(ctx context.Context, memberID string) (*badges.Member, error) {
	m, err := s.svc.Forgetter.Forget(ctx, memberID)
	if err != nil {
		return nil, err
	}
	s.forgetMember(m.ID)
	return m, nil
}

package api

import (
	"cmp"
	"context"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Applications: a member asks for a badge the community opened to
// applications, with evidence. An application is an entry of the
// nominations' review queue (badges/application.go), so the nominations'
// list, approve and decline serve it too; this file adds what is its own.

// Applications takes members' applications into the review queue.
type Applications interface {
	Apply(ctx context.Context, issuerID string, in badges.ApplyInput) (*badges.Nomination, error)
	CanApply(ctx context.Context, issuerID, memberID, achievementID string) error
	Openings(ctx context.Context, memberID string) ([]*badges.Achievement, error)
	Mine(ctx context.Context, memberID string) ([]*badges.Nomination, error)
}

type applyRequest struct {
	MemberID      string   `json:"memberId"`
	AchievementID string   `json:"achievementId"`
	Links         []string `json:"links"`
	Text          string   `json:"text"`
}

// handleApply queues an application for a member, as the member portal
// does: for a community platform that collects applications itself.
func (s *Server) handleApply(c echo.Context) error {
	var req applyRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	n, err := s.svc.Applications.Apply(c.Request().Context(), c.Param("issuer"),
		badges.ApplyInput{MemberID: req.MemberID, AchievementID: req.AchievementID, Links: req.Links, Text: req.Text})
	if err != nil {
		return err
	}
	return s.nominationCreated(c, n)
}

// queueKinds are the values of the review queue's kind filter; "" and
// "all" keep every entry.
var queueKinds = []string{badges.KindNomination, badges.KindApplication, "all"}

// ofKind keeps the queue's entries of a kind ("" or "all" for every one).
func ofKind(ns []*badges.Nomination, kind string) []*badges.Nomination {
	if kind == "" || kind == "all" {
		return ns
	}
	out := make([]*badges.Nomination, 0, len(ns))
	for _, n := range ns {
		if n.IsApplication() == (kind == badges.KindApplication) {
			out = append(out, n)
		}
	}
	return out
}

// checkKind refuses a kind filter that is none of queueKinds.
func checkKind(kind string) error {
	for _, k := range queueKinds {
		if kind == "" || kind == k {
			return nil
		}
	}
	return badges.FieldErrorf("kind", "The query parameter \"kind\" must be nomination, application or all.")
}

// kindChips are the queue's chips by kind, each keeping the status
// chosen, with the count of each kind.
func (p *nominationsPage) kindChips(all []*badges.Nomination) []statusChip {
	counts := map[string]int{"all": len(all)}
	for _, n := range all {
		counts[cmp.Or(n.Kind, badges.KindNomination)]++
	}
	var chips []statusChip
	for _, k := range []struct{ value, label string }{{badges.KindNomination, "Nominations"}, {badges.KindApplication, "Applications"}, {"all", "All"}} {
		chips = append(chips, statusChip{Label: k.label, Link: p.Base() + "/nominations?status=" + p.Status + "&kind=" + k.value,
			N: counts[k.value], Current: k.value == p.Kind})
	}
	return chips
}

package issuer

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// nomination describes the nomination or application an event is about;
// its outcome and reason are the event's, as decided then.
func (x *EventDescriber) nomination(ctx context.Context, e badges.CommunityEvent) (*badges.EventNomination, error) {
	out := &badges.EventNomination{ID: e.Subject.NominationID, Kind: badges.KindNomination,
		Outcome: e.Subject.Outcome, Reason: e.Subject.Reason}
	n, err := x.d.Nominations.Nomination(ctx, e.Subject.NominationID)
	if gone(err) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if n.IsApplication() {
		out.Kind = badges.KindApplication
	}
	return out, nil
}

// endorsement finds the endorsement's note in the endorsed member's
// record: the endorser's endorsement of the event's day.
func (x *EventDescriber) endorsement(ctx context.Context, e badges.CommunityEvent) (*badges.EventEndorsement, error) {
	out := &badges.EventEndorsement{}
	rec, err := x.d.Records.Record(ctx, e.Subject.MemberID)
	if err != nil && !gone(err) {
		return nil, err
	}
	if rec == nil {
		return out, nil
	}
	day := e.At.UTC().Format(time.DateOnly)
	for _, en := range rec.Endorsements {
		if en.From == e.Subject.ActorID && en.At.UTC().Format(time.DateOnly) == day {
			out.Note = en.Note
			break
		}
	}
	return out, nil
}

// measure describes a measure and its value in the period the event
// names (its id ends with the period).
func (x *EventDescriber) measure(ctx context.Context, e badges.CommunityEvent) (*badges.EventMeasure, error) {
	out := &badges.EventMeasure{ID: e.Subject.MeasureID}
	period := strings.TrimPrefix(e.ID, badges.EventID(badges.EventMeasureTargetMet, e.Subject.MeasureID)+":")
	m, p, err := x.d.Measures.MeasureValue(ctx, e.Subject.MeasureID, period)
	if m != nil {
		out.Name, out.Target = m.Name, float64(m.Target)
	}
	if gone(err) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out.Value = float64(p.Value)
	return out, nil
}

// Bounds of the weekly spotlight post.
const (
	spotlightDays   = 7
	spotlightAwards = 10
)

// spotlight describes the community's spotlight for the weekly post: the
// pinned member and note, and the latest awards of the last week, naming
// only members who consent to a public profile.
func (x *EventDescriber) spotlight(ctx context.Context, e badges.CommunityEvent) (*badges.EventSpotlight, error) {
	out := &badges.EventSpotlight{URL: x.d.URLs.Issuer(e.IssuerID) + "/spotlight"}
	pin, err := x.d.Pins.Pin(ctx, e.IssuerID)
	if err != nil {
		return nil, err
	}
	if pin != nil {
		if m, err := x.member(ctx, pin.MemberID); err != nil {
			return nil, err
		} else if m.Public {
			m.Email, m.ExternalID = "", "" // a public post names, never addresses
			out.Pinned, out.Note = m, pin.Note
		}
	}
	out.Awards, err = x.weekAwards(ctx, e.IssuerID, e.At.Add(-spotlightDays*24*time.Hour))
	return out, err
}

// award is a showcase entry with its badge.
type award struct {
	badge *badges.Achievement
	ShowcaseEntry
}

// weekAwards are the latest listed awards since since to members who
// consent to a public profile, newest first, from the badges' showcases.
func (x *EventDescriber) weekAwards(ctx context.Context, issuerID string, since time.Time) ([]badges.EventAward, error) {
	all, err := x.recentAwards(ctx, issuerID, since)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(all))
	for _, w := range all {
		ids = append(ids, w.MemberID)
	}
	members, err := x.d.Members.MembersByID(ctx, issuerID, ids)
	if err != nil {
		return nil, err
	}
	var out []badges.EventAward
	for _, w := range all {
		m, ok := members[w.MemberID]
		if !ok || len(out) == spotlightAwards {
			continue
		}
		em := x.eventMember(m)
		if !em.Public {
			continue
		}
		em.Email, em.ExternalID = "", "" // a public post names, never addresses
		b := badges.EventBadge{ID: w.badge.ID, Name: w.badge.Name, URL: x.d.URLs.Achievement(w.badge.ID),
			ImageURL: x.d.URLs.Credential(w.CredentialID) + "/badge.png", Level: LevelInWords(w.badge.Level)}
		out = append(out, badges.EventAward{Member: *em, Badge: b, CredentialURL: x.d.URLs.Credential(w.CredentialID)})
	}
	return out, nil
}

// recentAwards merges the community's badges' latest listed awards since
// since, newest first.
func (x *EventDescriber) recentAwards(ctx context.Context, issuerID string, since time.Time) ([]award, error) {
	var all []award
	o := badges.ListOptions{Limit: badges.MaxPageSize}
	for {
		page, err := x.d.Achievements.Achievements(ctx, badges.AchievementFilter{IssuerID: issuerID, ListOptions: o})
		if err != nil {
			return nil, err
		}
		for _, a := range page.Items {
			sc, err := x.d.Showcases.AchievementShowcase(ctx, a.ID)
			if err != nil {
				return nil, err
			}
			for _, en := range sc.Recent {
				if !en.Unlisted && !en.Revoked && !en.AwardedAt.Before(since) {
					all = append(all, award{a, en})
				}
			}
		}
		if page.NextCursor == "" {
			break
		}
		o.Cursor = page.NextCursor
	}
	slices.SortFunc(all, func(p, q award) int { return q.AwardedAt.Compare(p.AwardedAt) })
	return all, nil
}

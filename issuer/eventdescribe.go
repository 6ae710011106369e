package issuer

import (
	"context"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// FormerMember is how an event names a member who asked to be forgotten,
// or who is gone.
const FormerMember = "Former member"

// DescriberDeps are what events are described from: the stores as they
// are when the event is delivered.
type DescriberDeps struct {
	Profiles     ProfileService
	Achievements badges.AchievementService
	Members      badges.MemberService
	Credentials  CredentialStore
	Showcases    ShowcaseStore
	Nominations  badges.NominationStore
	Records      badges.RecordStore
	Measures     *badges.Measures
	Pins         badges.PinStore
	URLs         URLs
}

// EventDescriber describes events for delivery (badges.EventDescriber):
// names and public URLs as they are now. What is gone is described with
// what remains: a describer error is a failure to read, which a later
// attempt may not meet, never a subject that no longer exists.
type EventDescriber struct{ d DescriberDeps }

var _ badges.EventDescriber = (*EventDescriber)(nil)

// NewEventDescriber returns the describer over d.
func NewEventDescriber(d DescriberDeps) *EventDescriber { return &EventDescriber{d: d} }

// Describe describes e.
func (x *EventDescriber) Describe(ctx context.Context, e badges.CommunityEvent) (*badges.EventPayload, error) {
	p := &badges.EventPayload{Type: e.Type, Timestamp: e.At.UTC(), Data: badges.EventData{EventID: e.ID}}
	d, s := &p.Data, e.Subject
	var err error
	if d.Community, err = x.community(ctx, e.IssuerID); err != nil {
		return nil, err
	}
	var cred *Credential
	if s.CredentialID != "" {
		if d.Credential, cred, err = x.credential(ctx, s.CredentialID); err != nil {
			return nil, err
		}
	}
	if s.AchievementID != "" {
		if d.Badge, err = x.badge(ctx, s.AchievementID, cred); err != nil {
			return nil, err
		}
	}
	if s.MemberID != "" {
		if d.Member, err = x.member(ctx, s.MemberID); err != nil {
			return nil, err
		}
	}
	if s.ActorID != "" {
		if d.Actor, err = x.member(ctx, s.ActorID); err != nil {
			return nil, err
		}
	}
	return p, x.describeType(ctx, e, d)
}

// describeType adds what only some types of event carry.
func (x *EventDescriber) describeType(ctx context.Context, e badges.CommunityEvent, d *badges.EventData) (err error) {
	switch e.Type {
	case badges.EventNominationCreated, badges.EventNominationDecided:
		d.Nomination, err = x.nomination(ctx, e)
	case badges.EventEndorsementCreated:
		d.Endorsement, err = x.endorsement(ctx, e)
	case badges.EventMeasureTargetMet:
		d.Measure, err = x.measure(ctx, e)
	case badges.EventSpotlightWeekly:
		d.Spotlight, err = x.spotlight(ctx, e)
	}
	return err
}

// gone reports an error that means the thing read is not there: the
// event is described without it.
func gone(err error) bool { return badges.ErrorCode(err) == badges.ENOTFOUND }

// community is the community an event happened in.
func (x *EventDescriber) community(ctx context.Context, issuerID string) (badges.EventCommunity, error) {
	c := badges.EventCommunity{ID: issuerID, URL: x.d.URLs.Issuer(issuerID)}
	p, err := x.d.Profiles.Profile(ctx, issuerID)
	if err != nil && !gone(err) {
		return c, err
	}
	if p != nil {
		c.Name = p.Name
	}
	return c, nil
}

// credential is the credential an event is about, and the credential
// itself when it is there.
func (x *EventDescriber) credential(ctx context.Context, id string) (*badges.EventCredential, *Credential, error) {
	out := &badges.EventCredential{ID: id, URL: x.d.URLs.Credential(id)}
	c, err := x.d.Credentials.Credential(ctx, id)
	if gone(err) {
		return out, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	out.IssuedOn = c.AwardedAt.UTC()
	if c.Accepted() {
		out.ClaimedOn = utcPtr(c.AcceptedAt)
	}
	if c.Revoked() {
		out.RevokedOn = utcPtr(c.RevokedAt)
		if c.ReasonPublic {
			out.Reason = c.RevocationReason
		}
	}
	return out, c, nil
}

func utcPtr(t time.Time) *time.Time {
	t = t.UTC()
	return &t
}

// badge is the badge an event is about. Its PNG is the credential's baked
// badge when there is a credential, the uploaded art when it is a PNG, and
// otherwise the badge's preview card: generated and SVG art have no other
// public PNG.
func (x *EventDescriber) badge(ctx context.Context, id string, cred *Credential) (*badges.EventBadge, error) {
	b := &badges.EventBadge{ID: id, URL: x.d.URLs.Achievement(id), ImageURL: x.d.URLs.Achievement(id) + "/preview.png"}
	if cred != nil {
		b.ImageURL = x.d.URLs.Credential(cred.ID) + "/badge.png"
	}
	a, err := x.d.Achievements.Achievement(ctx, id)
	if gone(err) {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	b.Name, b.Level = a.Name, LevelInWords(a.Level)
	if cred == nil && a.Image.Format == badges.ImagePNG && a.Image.SHA256 != "" {
		b.ImageURL = x.d.URLs.Image(a.Image)
	}
	return b, nil
}

// LevelInWords names a badge's level as its pages do: "contribution" is
// "Contribution", "mentor-track" "Mentor track".
func LevelInWords(level string) string {
	if level == "" {
		return ""
	}
	words := strings.ReplaceAll(level, "-", " ")
	return strings.ToUpper(words[:1]) + words[1:]
}

// member describes a member: a forgotten or deleted one as a former
// member with no address, and a profile URL only with their consent.
func (x *EventDescriber) member(ctx context.Context, id string) (*badges.EventMember, error) {
	m, err := x.d.Members.Member(ctx, id)
	if gone(err) {
		return &badges.EventMember{ID: id, Name: FormerMember}, nil
	}
	if err != nil {
		return nil, err
	}
	return x.eventMember(m), nil
}

func (x *EventDescriber) eventMember(m *badges.Member) *badges.EventMember {
	if m.Forgotten() {
		return &badges.EventMember{ID: m.ID, Name: FormerMember}
	}
	out := &badges.EventMember{ID: m.ID, Name: m.DisplayName, Email: m.Email, ExternalID: m.ExternalID,
		Public: m.PublicProfile && m.Slug != ""}
	if out.Public {
		out.ProfileURL = x.d.URLs.Member(m.Slug)
	}
	return out
}

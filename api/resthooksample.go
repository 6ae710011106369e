package api

import (
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// sampleTime is when the sample events happened: a fixed moment, so that
// a tool's mapping sees the same example every time it asks.
var sampleTime = time.Date(2026, time.May, 3, 14, 30, 0, 0, time.UTC)

// samplePayload is an example event of type t in a community, with every
// part a real one of that type has; the badge, member and ids are
// examples, the community is the real one.
func (s *Server) samplePayload(community badges.EventCommunity, t badges.EventType) badges.EventPayload {
	d := badges.EventData{EventID: string(t) + ":sample", Community: community}
	badge := &badges.EventBadge{ID: "sample-badge", Name: "Community Leader", URL: s.urls.Achievement("sample-badge"),
		ImageURL: s.urls.Base() + "/images/sample-badge.png", Level: "Gold"}
	member := &badges.EventMember{ID: "sample-member", Name: "Ada Lovelace", Email: "ada@example.org", ExternalID: "ada-1815",
		Public: true, ProfileURL: s.urls.Member("ada-lovelace")}
	credential := &badges.EventCredential{ID: "sample-credential", URL: s.urls.Credential("sample-credential"), IssuedOn: sampleTime}
	switch t {
	case badges.EventCredentialIssued:
		d.Credential, d.Badge, d.Member = credential, badge, member
	case badges.EventCredentialRevoked:
		revoked := sampleTime.Add(time.Hour)
		credential.RevokedOn, credential.Reason = &revoked, "Awarded by mistake."
		d.Credential, d.Badge, d.Member = credential, badge, member
	case badges.EventCredentialClaimed:
		claimed := sampleTime.Add(time.Hour)
		credential.ClaimedOn = &claimed
		d.Credential, d.Badge, d.Member = credential, badge, member
	case badges.EventNominationCreated:
		d.Nomination, d.Badge, d.Member = &badges.EventNomination{ID: "sample-nomination", Kind: "nomination"}, badge, member
		d.Actor = sampleActor(s)
	case badges.EventNominationDecided:
		d.Nomination = &badges.EventNomination{ID: "sample-nomination", Kind: "nomination", Outcome: "approved"}
		d.Badge, d.Member, d.Actor = badge, member, sampleActor(s)
	case badges.EventEndorsementCreated:
		d.Endorsement = &badges.EventEndorsement{Note: "Ada ran every session of the spring meet-ups."}
		d.Badge, d.Member, d.Actor = badge, member, sampleActor(s)
	case badges.EventMemberCreated:
		d.Member = member
	case badges.EventBadgeActivated:
		d.Badge = badge
	case badges.EventMeasureTargetMet:
		d.Measure = &badges.EventMeasure{ID: "sample-measure", Name: "Members active each week", Target: 50, Value: 54,
			URL: s.urls.Outcome("sample-outcome")}
	}
	return badges.EventPayload{Type: t, Timestamp: sampleTime, Data: d}
}

// sampleActor is the leader who nominates or endorses in the samples.
func sampleActor(s *Server) *badges.EventMember {
	return &badges.EventMember{ID: "sample-leader", Name: "Grace Hopper", Public: true, ProfileURL: s.urls.Member("grace-hopper")}
}

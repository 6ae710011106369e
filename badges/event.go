package badges

import (
	"context"
	"slices"
	"time"
)

// Other systems hear of what happens in a community through events: a
// credential issued, a nomination decided, a member added. Whatever causes
// one only publishes a CommunityEvent, a few ids, with one write; the webhook
// outbox later describes it (names, public URLs, as they are then) and
// delivers it to every endpoint of the community that asked for its type:
// signed webhooks, chat channels, REST hook subscribers. An event's ID
// makes publishing idempotent: the same event published twice (a retry, a
// crash between the cause and its event) is delivered once per endpoint.

// EventType names a kind of event, as webhook endpoints subscribe to it.
type EventType string

// The kinds of event Laurel publishes.
const (
	EventCredentialIssued   EventType = "credential.issued"   // a credential was issued to a member
	EventCredentialRevoked  EventType = "credential.revoked"  // a credential was revoked
	EventCredentialClaimed  EventType = "credential.claimed"  // a member accepted a credential on its claim page or in the portal
	EventNominationCreated  EventType = "nomination.created"  // a leader nominated a member, or a member applied
	EventNominationDecided  EventType = "nomination.decided"  // a nomination or application was approved or declined
	EventEndorsementCreated EventType = "endorsement.created" // a leader endorsed a member
	EventMemberCreated      EventType = "member.created"      // a member was added to the community
	EventBadgeActivated     EventType = "badge.activated"     // a badge became active: members can earn it
	EventMeasureTargetMet   EventType = "measure.target_met"  // a measure of success reached its target
)

// EventTypes are the kinds of event endpoints may subscribe to, in the
// order the console lists them.
var EventTypes = []EventType{
	EventCredentialIssued, EventCredentialRevoked, EventCredentialClaimed,
	EventNominationCreated, EventNominationDecided, EventEndorsementCreated,
	EventMemberCreated, EventBadgeActivated, EventMeasureTargetMet,
}

// Known reports whether t is one of the kinds of event.
func (t EventType) Known() bool { return slices.Contains(EventTypes, t) }

// CommunityEvent is something that happened in a community, as its cause recorded
// it: what kind, when, and the ids of what it is about. It is described
// (EventPayload) when it is delivered.
type CommunityEvent struct {
	// ID is the event's idempotency key, unique in its community: the
	// type and the id of what it is about, e.g. "credential.issued:<credential id>".
	ID       string
	Type     EventType
	IssuerID string
	At       time.Time
	Subject  EventSubject
}

// EventSubject holds the ids of what an event is about; each type fills
// the ones that apply.
type EventSubject struct {
	CredentialID  string
	AchievementID string
	MemberID      string // the member the event is about (recipient, nominee, endorsed, added)
	ActorID       string // the member who acted: the nominator or endorser
	NominationID  string
	MeasureID     string
	// Outcome is a decided nomination's outcome: "approved" or "declined".
	Outcome string
	// Reason is a revocation's published reason or a decline's reason;
	// "" when there is none to publish.
	Reason string
}

// EventPublisher stores events for delivery. It never delivers inline:
// a request that causes an event waits only for one write, however many
// endpoints hear of it.
type EventPublisher interface {
	Publish(ctx context.Context, events ...CommunityEvent) error
}

// NoEvents publishes nothing: the publisher of services built without
// one (tests, the command line's offline commands).
type NoEvents struct{}

// Publish drops the events.
func (NoEvents) Publish(context.Context, ...CommunityEvent) error { return nil }

// EventPayload is an event described for delivery, the JSON body of a
// webhook: its type, when it happened, and what it is about with names
// and public URLs as they are when it is delivered.
type EventPayload struct {
	Type      EventType `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      EventData `json:"data"`
}

// EventData is what an event is about; each type fills the parts that
// apply and leaves the others out.
type EventData struct {
	EventID     string            `json:"eventId"`
	Community   EventCommunity    `json:"community"`
	Credential  *EventCredential  `json:"credential,omitempty"`
	Badge       *EventBadge       `json:"badge,omitempty"`
	Member      *EventMember      `json:"member,omitempty"`
	Actor       *EventMember      `json:"actor,omitempty"` // the nominator or endorser
	Nomination  *EventNomination  `json:"nomination,omitempty"`
	Endorsement *EventEndorsement `json:"endorsement,omitempty"`
	Measure     *EventMeasure     `json:"measure,omitempty"`
	Spotlight   *EventSpotlight   `json:"spotlight,omitempty"` // the weekly post to chat channels
}

// EventCommunity is the community an event happened in.
type EventCommunity struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"` // its public page
}

// EventCredential is the credential an event is about.
type EventCredential struct {
	ID        string     `json:"id"`
	URL       string     `json:"url"` // its public page, also its Open Badges id
	IssuedOn  time.Time  `json:"issuedOn"`
	ClaimedOn *time.Time `json:"claimedOn,omitempty"`
	RevokedOn *time.Time `json:"revokedOn,omitempty"`
	Reason    string     `json:"reason,omitempty"` // a revocation's published reason
}

// EventBadge is the badge (achievement) an event is about.
type EventBadge struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	URL      string `json:"url"`      // its public page
	ImageURL string `json:"imageUrl"` // its art, a PNG
	Level    string `json:"level,omitempty"`
}

// EventMember is a member an event names. Email goes to the community's
// own webhook endpoints only; chat channels name a member only when
// Public is set (the member consents to a public profile).
type EventMember struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Email      string `json:"email,omitempty"`
	ExternalID string `json:"externalId,omitempty"`
	Public     bool   `json:"public"`
	ProfileURL string `json:"profileUrl,omitempty"` // only when Public
}

// EventNomination is the nomination or application an event is about.
type EventNomination struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`              // "nomination" or "application"
	Outcome string `json:"outcome,omitempty"` // "approved" or "declined", once decided
	Reason  string `json:"reason,omitempty"`  // a decline's reason
}

// EventEndorsement is the endorsement an event is about.
type EventEndorsement struct {
	Note string `json:"note,omitempty"`
}

// EventMeasure is the measure of success an event is about.
type EventMeasure struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Target float64 `json:"target"`
	Value  float64 `json:"value"`
	URL    string  `json:"url,omitempty"` // its outcome's public page, when it has one
}

// EventDescriber describes an event for delivery, reading names and URLs
// as they are now. An event whose subject is gone (a member forgotten, a
// badge deleted) is described with what remains.
type EventDescriber interface {
	Describe(ctx context.Context, e CommunityEvent) (*EventPayload, error)
}

// EventSpotlight is the community's spotlight as the weekly chat post
// shows it: the pinned member with the admins' note, and the week's
// awards to members who consent to be named.
type EventSpotlight struct {
	URL    string       `json:"url"` // the public spotlight page
	Pinned *EventMember `json:"pinned,omitempty"`
	Note   string       `json:"note,omitempty"`
	Awards []EventAward `json:"awards,omitempty"`
}

// EventAward is one award in a spotlight post.
type EventAward struct {
	Member        EventMember `json:"member"`
	Badge         EventBadge  `json:"badge"`
	CredentialURL string      `json:"credentialUrl"`
}

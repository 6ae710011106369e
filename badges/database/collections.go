package database

import (
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// The collections Laurel uses, each named once. The _id is the natural
// key wherever one exists; docs/storage.md says what each holds.
const (
	Issuers             = "issuers"
	Keys                = "keys"
	Achievements        = "achievements"
	AchievementVersions = "achievementversions"
	Members             = "members"
	MemberPages         = "memberpages"
	Activities          = "activities"
	ActivityBatches     = "activitybatches"
	Credentials         = "credentials"
	HolderCopies        = "holdercopies" // credentials issued again to wallets' holders, and each member's list of them
	OID4VCI             = "oid4vci"      // wallets' pre-authorized codes, access tokens and spent nonces, by kind and hash
	StatusLists         = "statuslists"
	APIKeys             = "apikeys"
	Webhooks            = "webhooks"
	Outbox              = "outbox"
	Audit               = "audit"
	Counters            = "counters"
	KeyIndex            = "keyindex"
	Images              = "images"
	Showcases           = "showcases"
	Records             = "records"
	Rules               = "rules"
	Behaviours          = "behaviours"
	Nominations         = "nominations"
	Cohorts             = "cohorts"       // a community's cohorts, by id
	CohortMembers       = "cohortmembers" // computed: a cohort's member ids, by cohort id
	MemberCohorts       = "membercohorts" // computed: a member's cohort ids, by member id
	Outcomes            = "outcomes"
	Measures            = "measures"
	ActivityIndex       = "activityindex" // each member's activities, newest first
	Reviews             = "reviews"       // each community's credentials to review after corrections
	Reevaluations       = "reevaluations"
	Jobs                = "jobs" // uploaded files worked through in the background, their files and results
	// The console's people (computed documents), their set-password
	// links and sessions (by token hash), and sign-in attempt windows.
	Accounts     = "accounts"
	AccountLinks = "accountlinks"
	Sessions     = "sessions"
	SignInLimits = "signinlimits"
	// The member portal's sign-in links and sessions, by token hash.
	MemberSignIns  = "membersignins"
	MemberSessions = "membersessions"
	// Indexes of what lists filter on, per community (computed documents).
	CredentialIndex = "credentialindex"
	MemberIndex     = "memberindex"
	// The e-mail outbox: each message by id with its delivery log, and
	// each community's list of them (computed documents); the queue of
	// the messages not yet sent, read by the background worker alone.
	Messages  = "messages"
	MailQueue = "mailqueue"
	// Check-ins of live sessions (computed, by id), each community's
	// latest check-in ids, and e-mailed confirmation links by token hash.
	CheckIns, CheckInLists, CheckInLinks = "checkins", "checkinlists", "checkinlinks"
	// Communities' own wording of their e-mail ("<issuer>:<kind>") and who
	// unsubscribed from it ("<issuer>:<keyed hash of the address>").
	MailTemplates = "mailtemplates"
	MailOptOuts   = "mailoptouts"
	// The webhook outbox: events published and not yet fanned out, each
	// delivery by id with its log and each endpoint's list of them
	// (computed documents), the queue of deliveries not yet done and the
	// leases of endpoints being delivered to, read by the worker alone.
	WebhookEvents     = "webhookevents"
	WebhookDeliveries = "webhookdeliveries"
	WebhookQueue      = "webhookqueue"
	WebhookLeases     = "webhookleases"
	// Members' opt-ins to the weekly progress e-mail, by member id
	// (computed documents); only members who ever chose are in it.
	Nudges = "nudges"
)

// Sources of activity (computed, by id): tools whose signed deliveries
// are mapped to activities; and each source's latest calls, by source id.
const (
	Sources     = "sources"
	SourceCalls = "sourcecalls"
)

// LeaderDays are computed documents, one per leader (by member id): what
// they endorsed and nominated on their latest day, for the daily limits.
const LeaderDays = "leaderdays"

// WalletExchanges are the VC-API exchanges wallets started (computed, by id).
const WalletExchanges = "walletexchanges"

// all are created when a database is opened.
var all = []string{
	Issuers, Keys, Achievements, AchievementVersions, Members, MemberPages,
	Activities, ActivityBatches, Credentials, HolderCopies, OID4VCI, StatusLists, APIKeys, Webhooks, Outbox, Audit,
	Counters, KeyIndex, Images, Showcases, Records, Rules, Behaviours, Nominations,
	Cohorts, CohortMembers, MemberCohorts,
	Outcomes, Measures,
	ActivityIndex, Reviews,
	Reevaluations,
	Jobs,
	CredentialIndex, MemberIndex,
	Accounts, AccountLinks, Sessions, SignInLimits,
	Messages, MailQueue,
	CheckIns, CheckInLists, CheckInLinks,
	MemberSignIns, MemberSessions,
	MailTemplates, MailOptOuts,
	LeaderDays,
	Nudges,
	WebhookEvents, WebhookDeliveries, WebhookQueue, WebhookLeases,
	Sources, SourceCalls,
	WalletExchanges,
}

// secondaryIndexes serve lists on small collections on a real MongoDB;
// correctness, and speed on the embedded engine, never depend on them.
var secondaryIndexes = map[string][]mongo.IndexModel{
	Achievements: {{Keys: bson.D{{Key: "issuer", Value: 1}}}},
	Cohorts:      {{Keys: bson.D{{Key: "issuer", Value: 1}}}},
	WebhookQueue: {{Keys: bson.D{{Key: "due", Value: 1}}}},
}

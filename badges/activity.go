package badges

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode"
)

// Activity is one thing a member did: a behaviour at a time, perhaps with a
// quantity, another member involved, and evidence. Rules are evaluated over
// the MemberRecord that activities are added to.
type Activity struct {
	ID            string
	IssuerID      string
	MemberID      string
	Behaviour     string    // a behaviour key
	At            time.Time // when it happened
	Quantity      float64   // ≥ 0; 0 means 1 (see Amount)
	PeerID        string    // another member involved (mentee, endorsed member…), optional
	EvidenceURL   string    // http(s), optional
	Narrative     string    // optional, at most 2000 characters
	Cohort        string    // cohort or group, optional
	SourceEventID string    // the source system's id, for idempotency, optional
	RecordedAt    time.Time // when Laurel learnt of it
	// ReciprocalOf is, for an activity that credits the peer of another
	// (see peer.go), that activity's id.
	ReciprocalOf string
}

// ActivityStore is the log of every activity recorded, which is also what
// makes recording one twice a duplicate.
type ActivityStore interface {
	// LogActivities appends the activities of a batch to the log, once
	// each: the result says, per activity, whether it was logged before
	// (by its id, which derives from the source's event id when there is
	// one). Each entry remembers the batch that logged it.
	LogActivities(ctx context.Context, batchID string, as []Activity) (duplicate []bool, err error)
	// Logged reads activities from the log by id, each with the batch
	// that logged it; an id not in the log is absent from the result.
	Logged(ctx context.Context, ids []string) (map[string]LoggedActivity, error)
	// IndexActivities puts a member's activities in their index (see
	// activityindex.go), each once.
	IndexActivities(ctx context.Context, memberID string, as []Activity) error
	// ActivityIndex reads a member's index; empty when there is none.
	ActivityIndex(ctx context.Context, memberID string) (ActivityIndex, error)
	// VoidActivity marks a logged activity voided, in the log and in its
	// member's index, and returns it; already says it was voided before,
	// and then it keeps its first void (the index is marked again).
	// ENOTFOUND when the log does not hold it.
	VoidActivity(ctx context.Context, id string, v ActivityVoid) (a LoggedActivity, already bool, err error)
}

// LoggedActivity is an activity as the log holds it.
type LoggedActivity struct {
	Activity
	Batch string        // the batch that logged it
	Void  *ActivityVoid // when it was voided
}

// FutureTolerance is how far ahead of the server's clock an activity may be
// dated, to allow for clock skew between systems.
const FutureTolerance = 5 * time.Minute

// MaxActivityQuantity is the largest quantity one activity may carry.
const MaxActivityQuantity = 1e6

const (
	maxActivityNarrativeLen = 2000
	maxCohortLen            = 100
	maxPeerIDLen            = 64
	maxSourceEventIDLen     = 200
	maxEvidenceURLLen       = 2048
)

// earliestActivity is the earliest date an activity may have: anything
// older is a mistake (a zero or Unix-epoch date), not history.
var earliestActivity = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Amount is how much the activity counts for in sums: its quantity, or 1
// when none was given.
func (a Activity) Amount() float64 {
	if a.Quantity == 0 {
		return 1
	}
	return a.Quantity
}

// ValidateActivity checks an activity reported at now. Errors name the JSON
// field at fault.
func ValidateActivity(a Activity, now time.Time) error {
	if a.MemberID == "" {
		return FieldErrorf("memberId", "memberId is required")
	}
	switch {
	case a.Behaviour == "":
		return FieldErrorf("behaviour", "behaviour is required")
	case !ValidBehaviourKey(a.Behaviour):
		return FieldErrorf("behaviour", "behaviour %q is not a behaviour key (1 to 40 lower-case letters, digits and hyphens)", truncateForMessage(a.Behaviour))
	}
	switch {
	case a.At.IsZero():
		return FieldErrorf("at", "at is required")
	case a.At.After(now.Add(FutureTolerance)):
		return FieldErrorf("at", "at is in the future")
	case a.At.Before(earliestActivity):
		return FieldErrorf("at", "at is before the year 2000")
	}
	switch q := a.Quantity; {
	case math.IsNaN(q) || math.IsInf(q, 0):
		return FieldErrorf("quantity", "quantity must be a finite number")
	case q < 0:
		return FieldErrorf("quantity", "quantity cannot be negative")
	case q > MaxActivityQuantity:
		return FieldErrorf("quantity", "quantity must be at most 1000000")
	}
	if err := checkIdentifier("peerId", a.PeerID, maxPeerIDLen); err != nil {
		return err
	}
	if a.PeerID != "" && a.PeerID == a.MemberID {
		return FieldErrorf("peerId", "a member cannot be their own peer")
	}
	if a.EvidenceURL != "" {
		if len(a.EvidenceURL) > maxEvidenceURLLen {
			return FieldErrorf("evidenceUrl", "evidenceUrl is longer than %d characters", maxEvidenceURLLen)
		}
		if !IsHTTPURL(a.EvidenceURL) {
			return FieldErrorf("evidenceUrl", "evidenceUrl must be an http or https URL")
		}
	}
	if _, err := CheckText("narrative", a.Narrative, false, maxActivityNarrativeLen); err != nil {
		return err
	}
	if _, err := CheckText("cohort", a.Cohort, false, maxCohortLen); err != nil {
		return err
	}
	if strings.ContainsAny(a.Cohort, "\r\n\t") {
		return FieldErrorf("cohort", "cohort must be a single line")
	}
	return checkIdentifier("sourceEventId", a.SourceEventID, maxSourceEventIDLen)
}

// checkIdentifier checks an optional identifier: bounded, no spaces or
// control characters.
func checkIdentifier(field, v string, max int) error {
	if len(v) > max {
		return FieldErrorf(field, "%s is longer than %d characters", field, max)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar }) {
		return FieldErrorf(field, "%s must not contain spaces or control characters", field)
	}
	return nil
}

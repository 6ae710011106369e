package badges

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges/mapping"
)

// SourceDelivery is one call a tool made to a source: its headers and body.
type SourceDelivery struct {
	Header http.Header
	Body   []byte
}

// IngestOutcome is what became of one item of a delivery.
type IngestOutcome string

// The outcomes of an item.
const (
	IngestRecorded    IngestOutcome = "recorded"
	IngestDuplicate   IngestOutcome = "duplicate" // its event was recorded before
	IngestIgnored     IngestOutcome = "ignored"   // the mapping does not map this event
	IngestSkipped     IngestOutcome = "skipped"   // its member is unknown and the source skips those
	IngestRejected    IngestOutcome = "rejected"
	IngestWouldRecord IngestOutcome = "would-record" // a dry run's answer
)

// IngestItem is one item of a delivery and its outcome.
type IngestItem struct {
	Index      int
	Outcome    IngestOutcome
	Behaviour  string
	Member     string // how the delivery named the member: an e-mail address or an external id
	MemberID   string
	ActivityID string
	At         time.Time
	Earned     []string
	Reason     string // a sentence, for every outcome but recorded and duplicate
	Field      string
}

// IngestReport is what a delivery came to.
type IngestReport struct {
	Recorded, Duplicate, Ignored, Skipped, Rejected int
	Items                                           []IngestItem
	// Failed says the delivery is answered as failed (422): the source
	// rejects unknown members and one came.
	Failed bool
	// Signature is, in a dry run, whether the sample was signed with the
	// source's secret: "valid", "invalid" or "missing".
	Signature string
}

// UnknownMemberError is the error of an activity whose member the
// community does not have.
type UnknownMemberError struct{ Err *Error }

func (e *UnknownMemberError) Error() string { return e.Err.Error() }
func (e *UnknownMemberError) Unwrap() error { return e.Err }

// Ingest takes a delivery to a source: checks its signature, maps it and
// records its activities as the activity API does. A replayed delivery
// records nothing twice (each activity's id derives from its event key).
func (s *Sources) Ingest(ctx context.Context, sourceID string, d SourceDelivery) (*IngestReport, error) {
	src, err := s.Store.Source(ctx, sourceID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if err := mapping.Verify(src.Preset, d.Header, d.Body, src.secrets(now), now); err != nil {
		s.note(ctx, src, SourceCall{At: now, Status: http.StatusUnauthorized, Detail: Sentence(err.Error(), "")})
		return nil, Errorf(EUNAUTHORIZED, "The delivery is refused: %v.", err)
	}
	if !src.Enabled {
		s.note(ctx, src, SourceCall{At: now, Status: http.StatusConflict, Detail: "The source is disabled."})
		return nil, Errorf(ECONFLICT, "Source %q is disabled in Laurel; nothing was recorded.", src.Name)
	}
	m, err := src.EffectiveMapping()
	if err != nil {
		return nil, err
	}
	rep, acts, err := plan(m, d)
	if err != nil {
		s.note(ctx, src, SourceCall{At: now, Status: statusOf(err), Detail: ErrorMessage(err)})
		return nil, err
	}
	if err := s.record(ctx, src, acts, rep, now); err != nil {
		return nil, err
	}
	status := http.StatusOK
	if rep.Failed {
		status = http.StatusUnprocessableEntity
	}
	if err := s.Store.NoteSourceCall(ctx, src.ID, rep.call(now, status), KeptSourceCalls); err != nil {
		return nil, err
	}
	return rep, nil
}

// note remembers a refused call; failing to is not the caller's problem,
// which is already an error of its own.
func (s *Sources) note(ctx context.Context, src *Source, c SourceCall) {
	_ = s.Store.NoteSourceCall(ctx, src.ID, c, KeptSourceCalls)
}

// statusOf is the status a payload's error is answered with, for the log.
func statusOf(err error) int {
	if ErrorCode(err) == ETOOLARGE {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// plan parses a delivery's payload and maps it: the report so far (items
// ignored or unreadable) and the activities to record.
func plan(m *mapping.Mapping, d SourceDelivery) (*IngestReport, []mapping.Activity, error) {
	payload, err := mapping.ParsePayload(d.json())
	switch {
	case errors.Is(err, mapping.ErrPayloadTooLarge):
		return nil, nil, Errorf(ETOOLARGE, "The payload is larger than %d KiB.", mapping.MaxPayloadBytes>>10)
	case errors.Is(err, mapping.ErrPayloadTooDeep):
		return nil, nil, Errorf(EINVALID, "The payload nests arrays and objects deeper than %d levels.", mapping.MaxPayloadDepth)
	case err != nil:
		return nil, nil, Errorf(EINVALID, "The payload is not one JSON object.")
	}
	res := m.Apply(payload, d.Header)
	rep := &IngestReport{}
	for _, o := range res.Ignored {
		rep.add(IngestItem{Index: o.Index, Outcome: IngestIgnored, Reason: o.Reason})
	}
	for _, o := range res.Problems {
		rep.add(IngestItem{Index: o.Index, Outcome: IngestRejected, Reason: o.Reason, Field: "mapping." + o.Field})
	}
	return rep, res.Activities, nil
}

// json is the delivery's JSON: its body, or the payload field of a form,
// which GitHub sends when a webhook's content type is
// application/x-www-form-urlencoded (the signature covers the whole body).
func (d SourceDelivery) json() []byte {
	if mt, _, _ := mime.ParseMediaType(d.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return d.Body
	}
	form, err := url.ParseQuery(string(d.Body))
	if err != nil {
		return d.Body
	}
	return []byte(form.Get("payload"))
}

// record records the mapped activities and reports each one's outcome.
func (s *Sources) record(ctx context.Context, src *Source, acts []mapping.Activity, rep *IngestReport, now time.Time) error {
	if len(acts) == 0 {
		return nil
	}
	ins := make([]ActivityInput, len(acts))
	for i, a := range acts {
		ins[i] = src.input(a, now)
	}
	results, err := s.Recorder.Record(ctx, src.IssuerID, ins)
	if err != nil {
		return err
	}
	for i, r := range results {
		it := item(acts[i], r.ID, r.MemberID)
		switch r.Outcome {
		case ActivityRecorded:
			it.Outcome, it.Earned = IngestRecorded, r.Earned
		case ActivityDuplicate:
			it.Outcome = IngestDuplicate
		default:
			it.Outcome, it.Reason, it.Field = IngestRejected, ErrorMessage(r.Err), ErrorField(r.Err)
			var unknown *UnknownMemberError
			if errors.As(r.Err, &unknown) {
				src.unknown(&it, rep)
			}
		}
		rep.add(it)
	}
	return nil
}

// unknown applies the source's policy to an item whose member is unknown
// (the create policy got here only without an e-mail address).
func (src *Source) unknown(it *IngestItem, rep *IngestReport) {
	switch src.UnknownMembers {
	case UnknownReject:
		rep.Failed = true
		it.Reason = fmt.Sprintf("%s is not a member of this community; add them (or their external id) and send the delivery again.", it.Member)
	case UnknownCreate:
		it.Outcome, it.Reason = IngestSkipped, fmt.Sprintf("%s is not a member of this community, and the delivery carries no e-mail address to add them with.", it.Member)
	default:
		it.Outcome, it.Reason = IngestSkipped, fmt.Sprintf("%s is not a member of this community; the source skips unknown members.", it.Member)
	}
}

func item(a mapping.Activity, activityID, memberID string) IngestItem {
	return IngestItem{Index: a.Index, Behaviour: a.Behaviour, Member: cmp.Or(a.MemberEmail, a.MemberExternalID),
		MemberID: memberID, ActivityID: activityID, At: a.At}
}

// input is the activity a mapped item records; a time the payload does
// not give is now.
func (src *Source) input(a mapping.Activity, now time.Time) ActivityInput {
	at := a.At
	if at.IsZero() {
		at = now
	}
	return ActivityInput{Email: a.MemberEmail, ExternalID: a.MemberExternalID, Name: a.MemberName,
		CreateMember:   src.UnknownMembers == UnknownCreate && a.MemberEmail != "",
		PeerEmail:      a.PeerEmail,
		PeerExternalID: a.PeerExternalID,
		Activity: Activity{Behaviour: a.Behaviour, At: at, EvidenceURL: a.EvidenceURL, Narrative: a.Narrative,
			SourceEventID: src.eventID(a.EventKey)}}
}

// eventID is the activity's source event id: the source's id and the
// event's key, or a hash of the key when it is long or has characters
// an identifier may not.
func (src *Source) eventID(key string) string {
	if key == "" {
		return ""
	}
	if len(key) > 120 || strings.ContainsFunc(key, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:-", r))
	}) {
		sum := sha256.Sum256([]byte(key))
		key = "h:" + hex.EncodeToString(sum[:16])
	}
	return src.ID + ":" + key
}

// add counts an item and keeps it, in the delivery's order.
func (rep *IngestReport) add(it IngestItem) {
	switch it.Outcome {
	case IngestRecorded, IngestWouldRecord:
		rep.Recorded++
	case IngestDuplicate:
		rep.Duplicate++
	case IngestIgnored:
		rep.Ignored++
	case IngestSkipped:
		rep.Skipped++
	default:
		rep.Rejected++
	}
	i := len(rep.Items)
	for i > 0 && rep.Items[i-1].Index > it.Index {
		i--
	}
	rep.Items = append(rep.Items[:i], append([]IngestItem{it}, rep.Items[i:]...)...)
}

// call is the report as the source's log keeps it.
func (rep *IngestReport) call(at time.Time, status int) SourceCall {
	c := SourceCall{At: at, Status: status, Recorded: rep.Recorded, Duplicate: rep.Duplicate, Ignored: rep.Ignored,
		Skipped: rep.Skipped, Rejected: rep.Rejected}
	for _, it := range rep.Items {
		if it.Reason != "" {
			c.Detail = it.Reason
			break
		}
	}
	return c
}

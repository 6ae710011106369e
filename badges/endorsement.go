package badges

import (
	"context"
	"errors"
	"time"
)

// EndorserLevel is the level of badge that grants leadership unless the
// community chooses otherwise (see Achievement.GrantsLeadership): the
// community's leaders endorse and nominate others.
const EndorserLevel = "leadership"

// EndorseInput is a member endorsing another member's contribution.
type EndorseInput struct {
	EndorserID string
	MemberID   string
	Note       string
}

// EndorseResult says what an endorsement earned: Earned for the endorsed
// member, EndorserEarned for the endorser (endorsing is activity too).
type EndorseResult struct {
	Earned, EndorserEarned []string
}

// Endorse records an endorsement. It counts for the endorsed member (the
// endorsements condition) and as the endorser's endorsed-peer activity.
// Only a leader (see Leads) may endorse, a member cannot endorse
// themselves, and one member endorses another at most once a day. The
// endorsed member is told (see notifyEndorsement).
//
// The endorsement and the endorser's activity are two writes that no
// transaction binds. The activity's source event id is derived from the
// endorsement (see endorsementEventID), so an endorsement sent again
// after a failure between them finishes it, and only one whose activity
// is recorded already is refused as a second one that day.
func (a *Awarder) Endorse(ctx context.Context, issuerID string, in EndorseInput) (*EndorseResult, error) {
	if err := a.checkEndorser(ctx, issuerID, in.EndorserID, in.MemberID); err != nil {
		return nil, err
	}
	var err error
	if in.Note, err = checkNote("note", in.Note, maxEndorsementNoteLen); err != nil {
		return nil, err
	}
	now := a.now()
	rs, err := a.Catalogue.ruleSet(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	rec, fresh, err := a.addEndorsement(ctx, in, now)
	if err != nil {
		return nil, err
	}
	res := &EndorseResult{}
	if fresh {
		if res.Earned, err = a.evaluate(ctx, rs, rec, endorsements); err != nil {
			return nil, err
		}
	}
	// Told before the endorser's activity, which finishes the endorsement:
	// an attempt that fails here is finished by the next, which tells
	// again under the same key.
	if err := a.notifyEndorsement(ctx, issuerID, in, now); err != nil {
		return nil, err
	}
	r, err := a.recordEndorsement(ctx, rs, in, now)
	switch {
	case err != nil:
		return nil, err
	case !fresh && r.Outcome == ActivityDuplicate:
		return nil, Errorf(ECONFLICT, "Member %s endorsed member %s today already.", in.EndorserID, in.MemberID)
	case !fresh:
		// Finishing an endorsement whose first attempt failed, maybe
		// before the endorsed member's rules were evaluated.
		if res.Earned, err = a.evaluate(ctx, rs, rec, endorsements); err != nil {
			return nil, err
		}
	}
	res.EndorserEarned = r.Earned
	// Published once the endorsement is finished, so that one refused as
	// a second that day publishes nothing; a retry of one whose activity
	// failed publishes the same event. The endorsement stands whatever
	// becomes of its event.
	reportEvents(ctx, a.Events, a.Report, endorsementCreated(issuerID, in, now))
	return res, nil
}

// addEndorsement stores an endorsement in the endorsed member's record
// and returns the record; fresh is false when the record has it already.
func (a *Awarder) addEndorsement(ctx context.Context, in EndorseInput, now time.Time) (rec *MemberRecord, fresh bool, err error) {
	err = a.Records.UpdateRecord(ctx, in.MemberID, func(r *MemberRecord) error {
		if rec = r; !r.AddEndorsement(Endorsement{From: in.EndorserID, At: now, Note: in.Note}) {
			return errEndorsedToday
		}
		return nil
	})
	if errors.Is(err, errEndorsedToday) {
		return rec, false, nil
	}
	return rec, err == nil, err
}

// recordEndorsement records the endorser's endorsed-peer activity, under
// the source event id of the endorsement.
func (a *Awarder) recordEndorsement(ctx context.Context, rs *ruleSet, in EndorseInput, now time.Time) (ActivityResult, error) {
	results, err := a.record(ctx, rs, []ActivityInput{{Activity: Activity{MemberID: in.EndorserID, Behaviour: BehaviourEndorsement,
		At: now, PeerID: in.MemberID, Narrative: in.Note, SourceEventID: endorsementEventID(in.EndorserID, in.MemberID, now)}}})
	if err != nil {
		return ActivityResult{}, err
	}
	return results[0], results[0].Err
}

// errEndorsedToday refuses an endorsement the record has already.
var errEndorsedToday = errors.New("endorsed today already")

// endorsements selects the rules that read endorsements received.
func endorsements(d Dependencies) bool { return d.Endorsements }

// endorsementCreated is the event of an endorsement made at now: its id
// names the endorser, the member and the day, the same for every attempt
// of one endorsement, as the endorsement is once a day.
func endorsementCreated(issuerID string, in EndorseInput, now time.Time) CommunityEvent {
	return NewEvent(EventEndorsementCreated, issuerID, now, EventSubject{MemberID: in.MemberID, ActorID: in.EndorserID},
		in.EndorserID, in.MemberID, now.UTC().Format(time.DateOnly))
}

// endorsementEventID is the source event id of the endorser's activity
// for their endorsement of a member on at's (UTC) day: the same for every
// attempt of one endorsement, as the endorsement is once a day.
func endorsementEventID(endorserID, memberID string, at time.Time) string {
	return "endorsement:" + endorserID + ":" + memberID + ":" + at.UTC().Format(time.DateOnly)
}

// checkEndorser checks that two distinct members of the community are
// involved and that the first may recognise the second.
func (a *Awarder) checkEndorser(ctx context.Context, issuerID, endorserID, memberID string) error {
	if endorserID == memberID {
		return FieldErrorf("memberId", "a member cannot endorse or nominate themselves")
	}
	for _, f := range [...]struct{ field, id string }{{"endorserId", endorserID}, {"memberId", memberID}} {
		if owner, err := a.memberIssuer(ctx, f.id); ErrorCode(err) == ENOTFOUND || (err == nil && owner != issuerID) {
			return FieldErrorf(f.field, "no member %q in this community", f.id)
		} else if err != nil {
			return err
		}
	}
	switch leads, err := a.Leads(ctx, endorserID); {
	case err != nil:
		return err
	case !leads:
		return FieldErrorf("endorserId", "only members holding a badge that grants leadership may endorse or nominate")
	}
	return nil
}

// Leads reports whether a member is a leader: holds a badge that grants
// leadership (Achievement.GrantsLeadership), and so may endorse and
// nominate others.
func (a *Awarder) Leads(ctx context.Context, memberID string) (bool, error) {
	held, err := a.Holdings(ctx, memberID)
	if err != nil {
		return false, err
	}
	for id, ok := range held {
		if !ok {
			continue
		}
		ach, err := a.Achievements.Achievement(ctx, id)
		switch {
		case err == nil && ach.GrantsLeadership:
			return true, nil
		case err != nil && ErrorCode(err) != ENOTFOUND:
			return false, err // unread, not known to grant nothing
		}
	}
	return false, nil
}

// checkNote checks a free-text note or reason as CheckText checks names
// and narratives, and returns it trimmed: the form to store.
func checkNote(field, v string, max int) (string, error) {
	return CheckText(field, v, false, max)
}

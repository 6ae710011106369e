package badges

import "context"

// EndorserLevel is the level of badge a member must hold to endorse or
// nominate others: the community's leaders recognise contributions.
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
// Only a member holding a badge of EndorserLevel may endorse, a member
// cannot endorse themselves, and one member endorses another at most once
// a day.
func (a *Awarder) Endorse(ctx context.Context, issuerID string, in EndorseInput) (*EndorseResult, error) {
	if err := a.checkEndorser(ctx, issuerID, in.EndorserID, in.MemberID); err != nil {
		return nil, err
	}
	note, err := checkNote("note", in.Note, maxEndorsementNoteLen)
	if err != nil {
		return nil, err
	}
	now := a.now()
	rs, err := a.Catalogue.ruleSet(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	var rec *MemberRecord
	err = a.Records.UpdateRecord(ctx, in.MemberID, func(r *MemberRecord) error {
		if rec = r; !r.AddEndorsement(Endorsement{From: in.EndorserID, At: now, Note: note}) {
			return Errorf(ECONFLICT, "Member %s endorsed member %s today already.", in.EndorserID, in.MemberID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res := &EndorseResult{}
	if res.Earned, err = a.evaluate(ctx, rs, rec, func(d Dependencies) bool { return d.Endorsements }); err != nil {
		return nil, err
	}
	results, err := a.record(ctx, rs, []ActivityInput{{Activity: Activity{MemberID: in.EndorserID,
		Behaviour: BehaviourEndorsement, At: now, PeerID: in.MemberID, Narrative: note}}})
	if err != nil {
		return nil, err
	}
	if results[0].Err != nil {
		return nil, results[0].Err
	}
	res.EndorserEarned = results[0].Earned
	return res, nil
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
	held, err := a.Holdings(ctx, endorserID)
	if err != nil {
		return err
	}
	for id := range held {
		ach, err := a.Achievements.Achievement(ctx, id)
		if err == nil && ach.Level == EndorserLevel {
			return nil
		}
	}
	return FieldErrorf("endorserId", "only members holding a %s badge may endorse or nominate", EndorserLevel)
}

// checkNote checks a free-text note or reason as CheckText checks names
// and narratives, and returns it trimmed: the form to store.
func checkNote(field, v string, max int) (string, error) {
	return CheckText(field, v, false, max)
}

package badges

import "time"

// SetPreviewLimit bounds the members a previewer evaluates, so that tests
// reach the bound with few members.
func (v *Previewer) SetPreviewLimit(n int) { v.limit = n }

// SetBackfillBounds bounds the members of a backfill's pass and the
// activities it holds, so that tests reach the bounds with few.
func (a *Awarder) SetBackfillBounds(members, held int) { a.backfill = backfillBounds{members, held} }

// QualifiedAt is when a member met a rule met at ec.Now (see qualifiedAt).
func QualifiedAt(r *Rule, rec *MemberRecord, ec EvalContext) time.Time {
	return qualifiedAt(r, rec, ec)
}

// NoteAwardedOn records the date of an award by rule, as the awarder does.
func NoteAwardedOn(rec *MemberRecord, achievementID, period string, on time.Time) {
	rec.MarkAwarded(achievementID, period)
	noteAwardedOn(rec, achievementID, on)
}

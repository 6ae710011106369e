package badges

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Bounds of a rule preview.
const (
	MaxPreviewMembers = 10000 // members evaluated
	previewQualifying = 100   // qualifying members listed
	previewClosest    = 10    // closest members listed
)

// PreviewMember is one member in a rule preview.
type PreviewMember struct {
	Member   *Member
	Progress Progress
}

// RulePreview says who a draft rule would award now, and who is closest.
// It is the dry run of a re-evaluation: WouldAward is what one of the same
// rule over the same members queues.
type RulePreview struct {
	Evaluated  int
	WouldAward int             // members the rule would award now, all of them
	Qualify    []PreviewMember // the first 100 of those the rule would award
	Closest    []PreviewMember // not met, closest first, at most 10
	Truncated  bool            // the community has more members than were evaluated
}

// Previewer evaluates draft rules over a community's members, as the
// Awarder would, without storing or awarding anything.
type Previewer struct {
	catalogue *Catalogue
	members   MemberService
	records   RecordStore
	holdings  HoldingsFunc
	revoked   RevokedFunc // nil: no badge was revoked
	now       func() time.Time
	limit     int // members evaluated: MaxPreviewMembers but in tests
}

// NewPreviewer returns a previewer that checks rules against catalogue
// and reads members, their records, their holdings and the badges
// revoked from them (the Awarder's Holdings and Revoked), on the clock
// now.
func NewPreviewer(catalogue *Catalogue, members MemberService, records RecordStore, holdings HoldingsFunc, revoked RevokedFunc, now func() time.Time) *Previewer {
	return &Previewer{catalogue: catalogue, members: members, records: records, holdings: holdings, revoked: revoked, now: now, limit: MaxPreviewMembers}
}

// Preview evaluates a draft rule for an achievement over the community's
// members (the first MaxPreviewMembers).
func (v *Previewer) Preview(ctx context.Context, achievementID string, r *Rule) (*RulePreview, error) {
	ach, err := v.catalogue.draft(ctx, achievementID, r)
	if err != nil {
		return nil, err
	}
	catalogue, err := v.catalogue.Behaviours(ctx, ach.IssuerID)
	if err != nil {
		return nil, err
	}
	n, err := v.catalogue.newNames(ctx, catalogue, nil, r)
	if err != nil {
		return nil, err
	}
	out := &RulePreview{}
	now := v.now().UTC()
	var opts ListOptions
	for {
		// No page reaches past the bound, so that a next page says
		// whether members were left out.
		opts.Limit = min(MaxPageSize, v.limit-out.Evaluated)
		page, err := v.members.Members(ctx, MemberFilter{IssuerID: ach.IssuerID, ListOptions: opts})
		if err != nil {
			return nil, err
		}
		for _, m := range page.Items {
			out.Evaluated++
			if err := v.previewMember(ctx, out, ach, r, m, now, n); err != nil {
				return nil, err
			}
		}
		if page.NextCursor == "" {
			break
		}
		if out.Evaluated >= v.limit {
			out.Truncated = true
			break
		}
		opts.Cursor = page.NextCursor
	}
	slices.SortStableFunc(out.Closest, closerFirst)
	out.Closest = out.Closest[:min(len(out.Closest), previewClosest)]
	return out, nil
}

func (v *Previewer) previewMember(ctx context.Context, out *RulePreview, ach *Achievement, r *Rule, m *Member, now time.Time, n names) error {
	rec, err := v.records.Record(ctx, m.ID)
	if err != nil {
		return err
	}
	if rec == nil {
		rec = NewMemberRecord(m.ID, m.CreatedAt)
	}
	held := lazyHoldings(ctx, v.holdings, m.ID)
	p := Evaluate(r, rec, newEvalContext(ctx, now, held.has, v.holdings, n))
	switch {
	case held.err != nil:
		return held.err
	case p.Met:
		return v.qualify(ctx, out, ach, r, rec, m, p, now, held)
	}
	// Keep the closest few only: drop the farthest once the list is long.
	out.Closest = append(out.Closest, PreviewMember{Member: m, Progress: p})
	if len(out.Closest) > 4*previewClosest {
		slices.SortStableFunc(out.Closest, closerFirst)
		out.Closest = out.Closest[:previewClosest]
	}
	return nil
}

// qualify lists a member who meets the rule if the awarder would award
// them: not a badge they hold (unless repeatable), were awarded by the
// rule in its current period, or had revoked in it.
func (v *Previewer) qualify(ctx context.Context, out *RulePreview, ach *Achievement, r *Rule, rec *MemberRecord, m *Member, p Progress, now time.Time, held *holdings) error {
	period := PeriodKey(r.Period, now)
	if rec.AwardedIn(ach.ID, period) {
		return nil
	}
	ok, err := awardable(ctx, v.revoked, true, m.ID, ach, r.Period, period, held)
	if !ok || err != nil {
		return err
	}
	out.WouldAward++
	if len(out.Qualify) < previewQualifying {
		out.Qualify = append(out.Qualify, PreviewMember{Member: m, Progress: p})
	}
	return nil
}

func closerFirst(x, y PreviewMember) int {
	return cmp.Compare(y.Progress.Fraction, x.Progress.Fraction)
}

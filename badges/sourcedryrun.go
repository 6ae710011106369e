package badges

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/badges/mapping"
)

// DryRun answers what a sample delivery would record, and why, without
// recording anything: each item's behaviour is looked up in the
// community's catalogue and its member among its members, and the source's
// policy for unknown members applied. mappingJSON, when not empty, is a
// mapping to try instead of the source's (an edit not yet saved).
func (s *Sources) DryRun(ctx context.Context, issuerID, id string, d SourceDelivery, mappingJSON string) (*IngestReport, error) {
	src, err := s.Get(ctx, issuerID, id)
	if err != nil {
		return nil, err
	}
	if mappingJSON != "" {
		try := *src
		try.Mapping = mappingJSON
		src = &try
	}
	m, err := src.EffectiveMapping()
	if err != nil {
		return nil, err
	}
	rep, acts, err := plan(m, d)
	if err != nil {
		return nil, err
	}
	rep.Signature = src.signature(d, s.Now())
	catalogue, err := s.Behaviours(ctx, src.IssuerID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	for _, a := range acts {
		it, err := s.dryRunOne(ctx, src, catalogue, a, now, rep)
		if err != nil {
			return nil, err
		}
		rep.add(it)
	}
	return rep, nil
}

// signature says whether a sample carries a valid signature.
func (src *Source) signature(d SourceDelivery, now time.Time) string {
	err := mapping.Verify(src.Preset, d.Header, d.Body, src.secrets(now), now)
	switch {
	case err == nil:
		return "valid"
	case errors.Is(err, mapping.ErrUnsigned):
		return "missing"
	}
	return "invalid"
}

// dryRunOne is what recording one mapped item would come to.
func (s *Sources) dryRunOne(ctx context.Context, src *Source, catalogue []Behaviour, a mapping.Activity, now time.Time, rep *IngestReport) (IngestItem, error) {
	it := item(a, "", "")
	it.Outcome = IngestWouldRecord
	in := src.input(a, now)
	it.At = in.At
	reject := func(err error) (IngestItem, error) {
		it.Outcome, it.Reason, it.Field = IngestRejected, ErrorMessage(err), ErrorField(err)
		return it, nil
	}
	if _, err := liveBehaviour(catalogue, src.IssuerID, a.Behaviour); err != nil {
		return reject(err)
	}
	m, err := s.find(ctx, src.IssuerID, a)
	if err != nil {
		return it, err
	}
	act := in.Activity
	act.MemberID = "dry-run"
	if m != nil {
		act.MemberID, it.MemberID = m.ID, m.ID
	}
	if err := ValidateActivity(act, now); err != nil {
		return reject(err)
	}
	if m == nil {
		switch {
		case in.CreateMember:
			it.Reason = fmt.Sprintf("%s is not a member yet and would be added.", it.Member)
		default:
			it.Outcome = IngestRejected
			src.unknown(&it, rep)
		}
	}
	return it, nil
}

// find looks a mapped item's member up, nil when there is none.
func (s *Sources) find(ctx context.Context, issuerID string, a mapping.Activity) (*Member, error) {
	f := MemberFilter{IssuerID: issuerID, Email: a.MemberEmail, ListOptions: ListOptions{Limit: 1}}
	if a.MemberEmail == "" {
		f.ExternalID = a.MemberExternalID
	}
	page, err := s.Members.Members(ctx, f)
	if err != nil || len(page.Items) == 0 {
		return nil, err
	}
	return page.Items[0], nil
}

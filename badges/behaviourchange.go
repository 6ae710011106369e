package badges

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Editing and retiring behaviours. A behaviour's key never changes, since
// activities and rules name it; its name, description, category and
// reciprocal may. Retiring one closes it to new activity and to new rules;
// everything recorded stays valid and rules that counted it go on.

// BehaviourPatch changes a behaviour; nil fields stay as they are.
type BehaviourPatch struct {
	Name        *string
	Description *string
	Category    *BehaviourCategory
	Reciprocal  *string // "" removes the reciprocal
	Retired     *bool
}

// ChangeBehaviour edits or retires (or brings back) one of a community's
// behaviours, default or its own, at now.
func (c *Catalogue) ChangeBehaviour(ctx context.Context, issuerID, key string, p BehaviourPatch, now time.Time) (*Behaviour, error) {
	all, err := c.Behaviours(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(b Behaviour) bool { return b.Key == key })
	if i < 0 {
		return nil, Errorf(ENOTFOUND, "This community has no behaviour %q.", truncateForMessage(key))
	}
	if p.Retired != nil && *p.Retired && key == BehaviourEndorsement {
		return nil, FieldErrorf("retired", "%q cannot be retired: endorsements are recorded as it", key)
	}
	if p.Reciprocal != nil && *p.Reciprocal != "" && *p.Reciprocal != key {
		if err := checkReciprocal(all, *p.Reciprocal); err != nil {
			return nil, err
		}
	}
	b, err := c.behaviours.ChangeBehaviour(ctx, issuerID, all[i], func(b *Behaviour) error {
		p.apply(b, now)
		return ValidateBehaviour(*b)
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func (p BehaviourPatch) apply(b *Behaviour, now time.Time) {
	if p.Name != nil {
		b.Name = *p.Name
	}
	if p.Description != nil {
		b.Description = *p.Description
	}
	if p.Category != nil {
		b.Category = *p.Category
	}
	if p.Reciprocal != nil {
		b.Reciprocal = *p.Reciprocal
	}
	if p.Retired != nil && *p.Retired != b.Retired {
		b.Retired, b.RetiredAt = *p.Retired, time.Time{}
		if b.Retired {
			b.RetiredAt = now.UTC()
		}
	}
}

// checkReciprocal refuses a reciprocal that is not a live behaviour of the
// community.
func checkReciprocal(all []Behaviour, key string) error {
	i := slices.IndexFunc(all, func(b Behaviour) bool { return b.Key == key })
	switch {
	case i < 0:
		return FieldErrorf("reciprocal", "there is no behaviour %q in this community", truncateForMessage(key))
	case all[i].Retired:
		return FieldErrorf("reciprocal", "behaviour %q is retired", key)
	}
	return nil
}

// liveBehaviour finds the behaviour an activity names and refuses one the
// community does not have or has retired.
func liveBehaviour(catalogue []Behaviour, issuerID, key string) (Behaviour, error) {
	i := slices.IndexFunc(catalogue, func(b Behaviour) bool { return b.Key == key })
	if i < 0 {
		return Behaviour{}, FieldErrorf("behaviour", "unknown behaviour %q; see GET /api/v1/issuers/%s/behaviours", key, issuerID)
	}
	if b := catalogue[i]; b.Retired {
		return b, &Error{Code: EINVALID, Field: "behaviour", Message: fmt.Sprintf(
			"Behaviour %q (%s) was retired on %s and takes no new activity.", b.Key, b.Name, b.RetiredAt.Format(time.DateOnly))}
	}
	return catalogue[i], nil
}

// behaviours are the catalogue's entries for the given keys, in their
// order; a key the catalogue lacks is named by itself.
func (rs *ruleSet) behaviours(keys []string) []Behaviour {
	out := make([]Behaviour, 0, len(keys))
	for _, k := range keys {
		i := slices.IndexFunc(rs.catalogue, func(b Behaviour) bool { return b.Key == k })
		if i < 0 {
			out = append(out, Behaviour{Key: k, Name: k})
			continue
		}
		out = append(out, rs.catalogue[i])
	}
	return out
}

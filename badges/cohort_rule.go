package badges

import (
	"context"
	"fmt"
)

// Cohorts in rules: a rule names a cohort, and the name is resolved to
// the cohort's id when the rule is saved, so that a rename keeps the rule
// working; the name the rule keeps follows renames, for narratives.

// memberOf reports whether a record is in the condition's cohort: by id,
// or by the name that activities recorded before cohorts had ids.
func (c *CohortCond) memberOf(rec *MemberRecord) bool {
	return c.ID != "" && rec.InCohort(c.ID) || rec.InCohort(c.Name)
}

// OutsideCohort reports whether the rule cannot be met by the record
// because of the cohorts it is not in, whatever else it does: such a
// cohort badge is not the member's to pursue.
func (r *Rule) OutsideCohort(rec *MemberRecord) bool {
	return r != nil && barred(r.Condition, rec)
}

func barred(c Condition, rec *MemberRecord) bool {
	count := func(list []Condition) int {
		n := 0
		for _, k := range list {
			if barred(k, rec) {
				n++
			}
		}
		return n
	}
	switch c.Kind() {
	case KindCohort:
		return !c.Cohort.memberOf(rec)
	case KindAll:
		return count(c.All) > 0
	case KindAny:
		return len(c.Any) > 0 && count(c.Any) == len(c.Any)
	case KindAtLeast:
		return len(c.AtLeast.Of)-count(c.AtLeast.Of) < c.AtLeast.N
	}
	return false
}

// resolveCohorts points each cohort condition of a rule at its cohort in
// the community, by id when it has one, else by name (case-insensitively),
// and gives it the cohort's current name. An unknown cohort is an error
// naming it and the condition.
func (c *Catalogue) resolveCohorts(ctx context.Context, issuerID string, r *Rule) error {
	if c.cohorts == nil {
		return nil
	}
	return walkConditions(r.Condition, "rule.condition", func(cd Condition, path string) error {
		if cd.Kind() != KindCohort {
			return nil
		}
		path += pathKey(KindCohort)
		co, field, err := c.findCohort(ctx, issuerID, cd.Cohort)
		if ErrorCode(err) == ENOTFOUND {
			if field == "id" {
				return FieldErrorf(path+".id", "there is no cohort with id %q in this community", cd.Cohort.ID)
			}
			return FieldErrorf(path+".name", "there is no cohort named %q in this community; create it first", cd.Cohort.Name)
		}
		if err != nil {
			return err
		}
		cd.Cohort.ID, cd.Cohort.Name = co.ID, co.Name
		return nil
	})
}

// findCohort reads the cohort a condition names, and says which of its
// fields named it.
func (c *Catalogue) findCohort(ctx context.Context, issuerID string, cc *CohortCond) (*Cohort, string, error) {
	if cc.ID == "" {
		co, err := c.cohorts.NamedCohort(ctx, issuerID, cc.Name)
		return co, "name", err
	}
	co, err := c.cohorts.Cohort(ctx, cc.ID)
	if err == nil && co.IssuerID != issuerID {
		err = Errorf(ENOTFOUND, "No cohort with id %q.", cc.ID)
	}
	return co, "id", err
}

// resolveLegacyCohorts points the cohort conditions of rules saved before
// cohorts had ids at the community's cohort of that name, if there is one,
// so that members who joined it since meet them. Rules are read fresh for
// each rule set, so they are changed in place.
func (c *Catalogue) resolveLegacyCohorts(ctx context.Context, issuerID string, rules map[string]*Rule) error {
	if c.cohorts == nil {
		return nil
	}
	for _, r := range rules {
		err := walkConditions(r.Condition, "", func(cd Condition, _ string) error {
			if cd.Kind() != KindCohort || cd.Cohort.ID != "" {
				return nil
			}
			co, err := c.cohorts.NamedCohort(ctx, issuerID, cd.Cohort.Name)
			if err == nil {
				cd.Cohort.ID = co.ID
			}
			if ErrorCode(err) == ENOTFOUND {
				return nil
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// renameCohort gives the community's rules that name a cohort its new
// name. It changes no rule's meaning, so it is stored without evaluating.
// Each rule is changed by a compare-and-swap on it as stored, so that a
// rule replaced meanwhile keeps its new content and one removed
// meanwhile stays removed.
func (c *Catalogue) renameCohort(ctx context.Context, co *Cohort) error {
	rules, err := c.rules.Rules(ctx, co.IssuerID)
	if err != nil {
		return err
	}
	for achID, r := range rules {
		if !renameIn(r, co) {
			continue
		}
		if err := c.cohorts.ChangeRule(ctx, achID, func(r *Rule) bool { return renameIn(r, co) }); err != nil {
			return fmt.Errorf("rename cohort %s in the rule of %s: %w", co.ID, achID, err)
		}
	}
	return nil
}

// renameIn gives the cohort conditions of a rule that name co by id co's
// name; it reports whether one had another.
func renameIn(r *Rule, co *Cohort) bool {
	renamed := false
	_ = walkConditions(r.Condition, "", func(cd Condition, _ string) error {
		if cd.Kind() == KindCohort && cd.Cohort.ID == co.ID && cd.Cohort.Name != co.Name {
			cd.Cohort.Name, renamed = co.Name, true
		}
		return nil
	})
	return renamed
}

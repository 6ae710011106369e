package badges

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Catalogue keeps each community's vocabulary of behaviours and its
// achievements' rules, and checks every rule against both.
type Catalogue struct {
	behaviours   BehaviourStore
	rules        RuleStore
	achievements AchievementService
	cohorts      CohortStore // set by NewCohorts; nil: cohort names are not checked
}

// NewCatalogue returns the catalogue kept in the given stores.
func NewCatalogue(behaviours BehaviourStore, rules RuleStore, achievements AchievementService) *Catalogue {
	return &Catalogue{behaviours: behaviours, rules: rules, achievements: achievements}
}

// Behaviours is an issuer's catalogue: the defaults and its own.
func (c *Catalogue) Behaviours(ctx context.Context, issuerID string) ([]Behaviour, error) {
	custom, err := c.behaviours.CustomBehaviours(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	return mergeBehaviours(DefaultBehaviours(), custom), nil
}

// mergeBehaviours is the defaults as the community changed them, then its
// own behaviours.
func mergeBehaviours(defaults, custom []Behaviour) []Behaviour {
	for _, b := range custom {
		if i := slices.IndexFunc(defaults, func(d Behaviour) bool { return d.Key == b.Key }); i >= 0 {
			defaults[i] = b
			continue
		}
		defaults = append(defaults, b)
	}
	return defaults
}

// AddBehaviour extends an issuer's catalogue.
func (c *Catalogue) AddBehaviour(ctx context.Context, issuerID string, b Behaviour) error {
	if err := ValidateBehaviour(b); err != nil {
		return err
	}
	for _, d := range DefaultBehaviours() {
		if d.Key == b.Key {
			return FieldErrorf("key", "%q is one of the default behaviours", b.Key)
		}
	}
	b.Retired, b.RetiredAt = false, time.Time{}
	if b.Reciprocal != "" && b.Reciprocal != b.Key {
		all, err := c.Behaviours(ctx, issuerID)
		if err != nil {
			return err
		}
		if err := checkReciprocal(all, b.Reciprocal); err != nil {
			return err
		}
	}
	return c.behaviours.AddBehaviour(ctx, issuerID, b)
}

// SetRule validates and stores an achievement's rule: its behaviours must
// be in the issuer's catalogue, its prerequisites the issuer's
// achievements, and no achievement may require itself. Changing a rule
// never revokes what was earned.
func (c *Catalogue) SetRule(ctx context.Context, achievementID string, r *Rule) (*Achievement, error) {
	ach, err := c.draft(ctx, achievementID, r)
	if err != nil {
		return nil, err
	}
	return ach, c.rules.SetRule(ctx, ach.IssuerID, ach.ID, r)
}

// draft reads an achievement and checks a rule for it (none: no rule) as
// SetRule stores it.
func (c *Catalogue) draft(ctx context.Context, achievementID string, r *Rule) (*Achievement, error) {
	ach, err := c.achievements.Achievement(ctx, achievementID)
	if err != nil {
		return nil, err
	}
	if r != nil {
		if err := c.checkRule(ctx, ach, r); err != nil {
			return nil, err
		}
	}
	return ach, nil
}

// Rule returns an achievement's rule; ENOTFOUND when it has none.
func (c *Catalogue) Rule(ctx context.Context, achievementID string) (*Rule, error) {
	ach, err := c.achievements.Achievement(ctx, achievementID)
	if err != nil {
		return nil, err
	}
	rules, err := c.rules.Rules(ctx, ach.IssuerID)
	if err != nil {
		return nil, err
	}
	r, ok := rules[ach.ID]
	if !ok {
		return nil, Errorf(ENOTFOUND, "Achievement %s has no rule: it is awarded by hand.", ach.ID)
	}
	return r, nil
}

// RulesOf is every rule of an issuer's achievements, by achievement id:
// one read for a list that shows which badges a rule awards.
func (c *Catalogue) RulesOf(ctx context.Context, issuerID string) (map[string]*Rule, error) {
	return c.rules.Rules(ctx, issuerID)
}

// checkRule checks a rule for an achievement against the community: its
// behaviours and prerequisites exist, and no achievement requires itself.
func (c *Catalogue) checkRule(ctx context.Context, ach *Achievement, r *Rule) error {
	behaviours, err := c.Behaviours(ctx, ach.IssuerID)
	if err != nil {
		return err
	}
	rules, err := c.rules.Rules(ctx, ach.IssuerID)
	if err != nil {
		return err
	}
	// A prerequisite that cannot be read is a failure, not an unknown
	// prerequisite: it is taken as known and the failure returned. A
	// retired behaviour stays known to the rule that counted it already.
	var readErr error
	var retired *Behaviour
	counted := rules[ach.ID].Dependencies().Behaviours
	err = r.CheckReferences(func(key string) bool {
		i := slices.IndexFunc(behaviours, func(b Behaviour) bool { return b.Key == key })
		if i >= 0 && behaviours[i].Retired && !slices.Contains(counted, key) {
			retired = &behaviours[i]
			return false
		}
		return i >= 0
	}, func(id string) bool {
		if _, known := rules[id]; known || id == ach.ID {
			return true
		}
		other, err := c.achievements.Achievement(ctx, id)
		if err != nil && ErrorCode(err) != ENOTFOUND {
			if readErr == nil {
				readErr = err
			}
			return true
		}
		return err == nil && other.IssuerID == ach.IssuerID
	})
	if readErr != nil {
		return readErr
	}
	if retired != nil && err != nil {
		return &Error{Code: EINVALID, Field: ErrorField(err), Message: fmt.Sprintf(
			"Behaviour %q (%s) is retired: a rule cannot start counting it.", retired.Key, retired.Name)}
	}
	if err != nil {
		return err
	}
	if err := c.resolveCohorts(ctx, ach.IssuerID, r); err != nil {
		return err
	}
	rules[ach.ID] = r
	if err := CheckPrerequisiteCycles(rules); err != nil {
		return &Error{Code: EINVALID, Field: "rule.condition", Message: ErrorMessage(err)}
	}
	return nil
}

// ruleSet is an issuer's rules with their active achievements and its
// behaviour catalogue, read once for a batch of activities.
type ruleSet struct {
	issuerID     string
	ids          []string // of the achievements with a rule, sorted
	rules        map[string]*Rule
	deps         map[string]Dependencies // what each rule reads
	achievements map[string]*Achievement // active ones only
	catalogue    []Behaviour
	names        names // of the behaviours and the achievements the rules mention
}

// ruleSet reads the rules of an issuer's active achievements.
func (c *Catalogue) ruleSet(ctx context.Context, issuerID string) (*ruleSet, error) {
	rs := &ruleSet{issuerID: issuerID, achievements: map[string]*Achievement{}, deps: map[string]Dependencies{}}
	var err error
	if rs.catalogue, err = c.Behaviours(ctx, issuerID); err != nil {
		return nil, err
	}
	if rs.rules, err = c.rules.Rules(ctx, issuerID); err != nil {
		return nil, err
	}
	if err := c.resolveLegacyCohorts(ctx, issuerID, rs.rules); err != nil {
		return nil, err
	}
	for id := range rs.rules {
		ach, err := c.achievements.Achievement(ctx, id)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if ach.Status == StatusActive {
			rs.achievements[id], rs.deps[id] = ach, rs.rules[id].Dependencies()
			rs.ids = append(rs.ids, id)
		}
	}
	slices.Sort(rs.ids)
	rs.names, err = c.newNames(ctx, rs.catalogue, rs.achievements, slices.Collect(maps.Values(rs.rules))...)
	return rs, err
}

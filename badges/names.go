package badges

import "context"

// names are the display names of what a community's rules mention: its
// behaviours and the badges its rules name as prerequisites or as the
// badges of endorsers. Narratives, evidence, progress and previews are
// read by members and the public, so they name things, never show ids.
type names struct {
	behaviours   map[string]string // by key
	achievements map[string]string // by id
}

// newNames reads the names a community's rules need: every behaviour of
// its catalogue and every achievement the rules mention. An achievement
// deleted since has no name (see achievementName's fallback).
func (c *Catalogue) newNames(ctx context.Context, catalogue []Behaviour, known map[string]*Achievement, rules ...*Rule) (names, error) {
	n := names{behaviours: make(map[string]string, len(catalogue)), achievements: map[string]string{}}
	for _, b := range catalogue {
		n.behaviours[b.Key] = b.Name
	}
	for _, r := range rules {
		d := r.Dependencies()
		for _, id := range append(d.Achievements, d.EndorserAchievements...) {
			if _, ok := n.achievements[id]; ok {
				continue
			}
			if a := known[id]; a != nil {
				n.achievements[id] = a.Name
				continue
			}
			a, err := c.achievements.Achievement(ctx, id)
			switch {
			case ErrorCode(err) == ENOTFOUND:
				n.achievements[id] = ""
			case err != nil:
				return names{}, err
			default:
				n.achievements[id] = a.Name
			}
		}
	}
	return n, nil
}

func (n names) behaviour(key string) string  { return n.behaviours[key] }
func (n names) achievement(id string) string { return n.achievements[id] }

package issuer

import (
	"context"
	"time"
)

// nameFreshness is how long a list shows a community's or a badge's name
// read earlier, instead of reading it again for every page: a rename
// shows within it, as a revocation shows on status lists within
// statusFreshness.
const nameFreshness = time.Second

// shownName is a name as read at a moment, and the issuer of what it
// names.
type shownName struct {
	name, issuerID string
	read           time.Time
}

// cachedName returns what is kept for key if it was read within
// nameFreshness, else reads it with read and keeps it.
func (s *Service) cachedName(key string, read func() (shownName, error)) (shownName, error) {
	now := s.now()
	if v, ok := s.names.Load(key); ok {
		if n := v.(shownName); now.Sub(n.read) < nameFreshness && !now.Before(n.read) {
			return n, nil
		}
	}
	n, err := read()
	if err != nil {
		return n, err
	}
	n.read = now
	s.names.Store(key, n)
	return n, nil
}

// issuerName is the community's name; ENOTFOUND when there is no such
// issuer.
func (s *Service) issuerName(ctx context.Context, id string) (string, error) {
	n, err := s.cachedName("issuer:"+id, func() (shownName, error) {
		p, err := s.deps.Profiles.Profile(ctx, id)
		if err != nil {
			return shownName{}, err
		}
		return shownName{name: p.Name, issuerID: p.ID}, nil
	})
	return n.name, err
}

// achievementName is a badge's current name and its issuer; ENOTFOUND
// when there is no such achievement.
func (s *Service) achievementName(ctx context.Context, id string) (shownName, error) {
	return s.cachedName("achievement:"+id, func() (shownName, error) {
		a, err := s.deps.Achievements.Achievement(ctx, id)
		if err != nil {
			return shownName{}, err
		}
		return shownName{name: a.Name, issuerID: a.IssuerID}, nil
	})
}

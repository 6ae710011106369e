package api

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// The recognition engine's services, as the handlers use them.
type (
	// Catalogue keeps behaviours and rules.
	Catalogue interface {
		Behaviours(ctx context.Context, issuerID string) ([]badges.Behaviour, error)
		AddBehaviour(ctx context.Context, issuerID string, b badges.Behaviour) error
		ChangeBehaviour(ctx context.Context, issuerID, key string, p badges.BehaviourPatch, now time.Time) (*badges.Behaviour, error)
		SetRule(ctx context.Context, achievementID string, r *badges.Rule) (*badges.Achievement, error)
		Rule(ctx context.Context, achievementID string) (*badges.Rule, error)
		RulesOf(ctx context.Context, issuerID string) (map[string]*badges.Rule, error)
	}
	// Recognition records activity and endorsements, and reports progress
	// and counters.
	Recognition interface {
		Record(ctx context.Context, issuerID string, ins []badges.ActivityInput) ([]badges.ActivityResult, error)
		Progress(ctx context.Context, memberID string) ([]badges.AchievementProgress, error)
		Endorse(ctx context.Context, issuerID string, in badges.EndorseInput) (*badges.EndorseResult, error)
		EndorsementsReceived(ctx context.Context, memberID string, limit int) ([]badges.ReceivedEndorsement, int, error)
		Counters(ctx context.Context, issuerID string, weeks int) ([]badges.WeekStats, map[string]int, error)
		CohortCounters(ctx context.Context, issuerID, cohortID string, weeks int) ([]badges.WeekStats, map[string]int, error)
	}
	// Nominations takes nominations to a decision.
	Nominations interface {
		Nominate(ctx context.Context, issuerID string, in badges.NominateInput) (*badges.Nomination, error)
		Nominations(ctx context.Context, issuerID, status string) ([]*badges.Nomination, error)
		Decide(ctx context.Context, id string, approve bool, reason string) (*badges.Nomination, error)
	}
	// Spotlight keeps each community's pinned member.
	Spotlight interface {
		SetPin(ctx context.Context, issuerID string, p *badges.Pin) error
		Pinned(ctx context.Context, issuerID string) (*badges.Pin, error)
	}
	// Previews evaluates draft rules.
	Previews interface {
		Preview(ctx context.Context, achievementID string, r *badges.Rule) (*badges.RulePreview, error)
	}
)

package mongodb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// unreadableAchievement is an achievement service that cannot read one
// achievement.
type unreadableAchievement struct {
	badges.AchievementService
	id  string
	err error
}

func (s unreadableAchievement) Achievement(ctx context.Context, id string) (*badges.Achievement, error) {
	if id == s.id {
		return nil, s.err
	}
	return s.AchievementService.Achievement(ctx, id)
}

// TestCatalogue_SetRuleWithAnUnreadablePrerequisite: a prerequisite the
// store cannot read fails the rule with the store's error, not as an
// unknown achievement; one that does not exist is still the rule's fault.
func TestCatalogue_SetRuleWithAnUnreadablePrerequisite(t *testing.T) {
	db := mongotest.NewDB(t)
	ctx := t.Context()
	as := mongodb.NewAchievementService(db)
	create := func(name string) string {
		a, err := as.CreateAchievement(ctx, issuerA, badges.AchievementInput{Name: name, Description: "D", Criteria: "C", Status: badges.StatusActive})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	host, mentor := create("Host"), create("Mentor")
	storeDown := errors.New("the achievements collection cannot be read")
	c := badges.NewCatalogue(mongodb.NewBehaviourStore(db), mongodb.NewRuleStore(db), unreadableAchievement{AchievementService: as, id: mentor, err: storeDown})
	holds := func(id string) *badges.Rule {
		r, err := badges.ParseRule([]byte(`{"condition":{"holds":{"achievement":"` + id + `"}}}`))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if _, err := c.SetRule(ctx, host, holds(mentor)); !errors.Is(err, storeDown) {
		t.Fatalf("SetRule with an unreadable prerequisite = %v; want the store's error", err)
	}
	if _, err := c.SetRule(ctx, host, holds(badges.NewID())); badges.ErrorCode(err) != badges.EINVALID {
		t.Fatalf("SetRule with an unknown prerequisite = %v; want it refused", err)
	}
}

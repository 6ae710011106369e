package mongodb

import (
	"log/slog"
	"time"

	"github.com/laurel-badges/laurel/badges"
	bmongo "github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// NewService wires the issuing service to the stores of db.
func NewService(db *bmongo.DB, sealer *issuer.Sealer, urls issuer.URLs, loader *ob3.DocumentLoader) *issuer.Service {
	return issuer.NewService(issuer.Deps{
		Profiles:     NewProfileService(db),
		Achievements: bmongo.NewAchievementService(db),
		Members:      bmongo.NewMemberService(db),
		Credentials:  NewCredentialStore(db),
		Showcases:    NewShowcaseStore(db),
		Status:       NewStatusStore(db),
		Keyring:      issuer.NewKeyring(NewKeyStore(db), sealer),
		Claims:       db,
		URLs:         urls,
		Loader:       loader,
	})
}

// NewAwarder wires the recognition engine to the stores of db and to the
// issuing service, which makes its awards.
func NewAwarder(db *bmongo.DB, issuing *issuer.Service, log *slog.Logger) *badges.Awarder {
	records := bmongo.NewRecordStore(db)
	return &badges.Awarder{
		Catalogue:    badges.NewCatalogue(bmongo.NewBehaviourStore(db), bmongo.NewRuleStore(db), issuing.Achievements),
		Activities:   bmongo.NewActivityStore(db),
		Records:      records,
		Queue:        bmongo.NewQueueStore(db),
		Stats:        bmongo.NewStatsStore(db),
		Members:      issuing.Members,
		Achievements: issuing.Achievements,
		Issue:        issuing.IssueFunc(),
		Holdings:     issuing.HoldingsFunc(),
		Log:          log,
		Now:          time.Now,
		Writers:      records.Writers(),
	}
}

package mongodb

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// MailTemplateStore keeps communities' own wording of their e-mail, one
// computed document per community and kind ("<issuer>:<kind>"), read by
// its _id whenever a message is composed.
type MailTemplateStore struct{ db *database.DB }

var _ badges.MailTemplateStore = (*MailTemplateStore)(nil)

// NewMailTemplateStore returns the store of db.
func NewMailTemplateStore(db *database.DB) *MailTemplateStore { return &MailTemplateStore{db: db} }

type mailTemplateDoc struct {
	Issuer    string    `bson:"issuer"`
	Kind      string    `bson:"kind"`
	Subject   string    `bson:"subject"`
	Opening   string    `bson:"opening"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

func mailTemplateID(issuerID string, kind badges.MessageKind) string {
	return issuerID + ":" + string(kind)
}

// MailTemplate reads the community's wording of kind.
func (s *MailTemplateStore) MailTemplate(ctx context.Context, issuerID string, kind badges.MessageKind) (*badges.MailTemplate, error) {
	d, found, err := database.ReadComputed[mailTemplateDoc](ctx, s.db, database.MailTemplates, mailTemplateID(issuerID, kind))
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, badges.Errorf(badges.ENOTFOUND, "The community has no wording of its own for this e-mail.")
	}
	return &badges.MailTemplate{IssuerID: d.Issuer, Kind: badges.MessageKind(d.Kind), Subject: d.Subject, Opening: d.Opening,
		UpdatedAt: d.UpdatedAt, Custom: true}, nil
}

// PutMailTemplate saves the community's wording of a kind.
func (s *MailTemplateStore) PutMailTemplate(ctx context.Context, t *badges.MailTemplate) error {
	return database.Modify(ctx, s.db, database.MailTemplates, mailTemplateID(t.IssuerID, t.Kind), func(d *mailTemplateDoc, _ bool) error {
		*d = mailTemplateDoc{Issuer: t.IssuerID, Kind: string(t.Kind), Subject: t.Subject, Opening: t.Opening, UpdatedAt: t.UpdatedAt.UTC()}
		return nil
	})
}

// DeleteMailTemplate removes the community's wording of kind.
func (s *MailTemplateStore) DeleteMailTemplate(ctx context.Context, issuerID string, kind badges.MessageKind) error {
	id := mailTemplateID(issuerID, kind)
	defer s.db.LockDoc(database.MailTemplates, id)()
	return database.DeleteComputed(ctx, s.db, database.MailTemplates, id)
}

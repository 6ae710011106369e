package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

// RebuildIndex builds the credential index from the credentials when it
// is missing or of another layout (a database from before it, or restored
// from an archive without it), and returns how many credentials it read.
// It scans the credentials collection, so it is background work, run at
// start. Issues and revocations go on meanwhile: they write their entries
// themselves, and the rebuild merges into what it finds (an entry is
// added once, a revocation is never undone), so none is lost.
func (s *CredentialStore) RebuildIndex(ctx context.Context) (int, error) {
	m, found, err := database.ReadComputed[indexMeta](ctx, s.db, database.CredentialIndex, metaID)
	if err != nil || found && m.Version == indexVersion {
		return 0, err
	}
	if found {
		// Another layout: its rows cannot be merged into.
		if _, err := s.db.Collection(database.CredentialIndex).DeleteMany(ctx, bson.D{}); err != nil {
			return 0, database.Wrap(err, "clear the credential index")
		}
	}
	n, err := s.indexAll(ctx)
	if err != nil {
		return n, err
	}
	return n, s.markBuilt(ctx)
}

// indexAll reads every credential, without its signed documents, and
// indexes them a batch at a time.
func (s *CredentialStore) indexAll(ctx context.Context) (int, error) {
	const batch = 5000
	skip := bson.D{{Key: "json", Value: 0}, {Key: "jwt", Value: 0}}
	cur, err := s.db.Collection(database.Credentials).Find(ctx, bson.D{}, options.Find().SetProjection(skip))
	if err != nil {
		return 0, database.Wrap(err, "read credentials")
	}
	defer cur.Close(ctx)
	n, cs := 0, make([]*issuer.Credential, 0, batch)
	for cur.Next(ctx) {
		var r credentialRecord
		if err := cur.Decode(&r); err != nil {
			return n, database.Wrap(err, "read credentials")
		}
		if cs = append(cs, r.credential()); len(cs) == batch {
			if err := s.IndexCredentials(ctx, cs); err != nil {
				return n, err
			}
			n, cs = n+len(cs), cs[:0]
		}
	}
	if err := cur.Err(); err != nil {
		return n, database.Wrap(err, "read credentials")
	}
	return n + len(cs), s.IndexCredentials(ctx, cs)
}

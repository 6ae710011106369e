// Package mongodb stores Laurel's recognition domain — achievements,
// members, API keys, images, behaviours, activity and the journal of its
// recording batches, member records, rules, the award queue, nominations,
// spotlight pins and community counters — in MongoDB. Its stores keep
// private record types and map them to the domain's; the connection, the
// collections, the embedded engine and its workarounds belong to
// badges/database.
package mongodb

import "go.mongodb.org/mongo-driver/mongo/options"

func upsert() *options.UpdateOptions { return options.Update().SetUpsert(true) }

func replaceUpsert() *options.ReplaceOptions { return options.Replace().SetUpsert(true) }

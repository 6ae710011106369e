package mongodb_test

import (
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// BenchmarkOutbox_Notify is what queueing one message adds to the request
// that causes it (compose, then two inserts: the message and its queue
// entry) on the embedded engine, in a community with 5,000 messages
// queued already. Beside each Notify it times one bare insert of a
// document of the same size, the floor of any durable write, so that a
// busy machine slows both alike: it reports both in ms and their ratio.
func BenchmarkOutbox_Notify(b *testing.B) {
	db := mongotest.NewDB(b)
	st, ctx := mongodb.NewMessageStore(db), b.Context()
	o := &badges.Outbox{Store: st, Composer: testComposer{}}
	var ns []badges.Notification
	for i := range 5000 {
		ns = append(ns, earned(1_000_000+i))
	}
	if err := o.Notify(ctx, ns...); err != nil {
		b.Fatal(err)
	}
	if _, err := st.ListQueued(ctx); err != nil {
		b.Fatal(err)
	}
	m, _ := testComposer{}.Compose(ctx, earned(0))
	var notify, insert time.Duration
	n := 0
	for i := 0; b.Loop(); i++ {
		nt := earned(i)
		nt.Key = fmt.Sprintf("earned:bench:%d", i)
		start := time.Now()
		if err := o.Notify(ctx, nt); err != nil {
			b.Fatal(err)
		}
		notify += time.Since(start)
		start = time.Now()
		_, err := db.Collection(database.Audit).InsertOne(ctx, bson.D{{Key: "_id", Value: nt.Key}, {Key: "text", Value: m.Text}, {Key: "html", Value: m.HTML}})
		if err != nil {
			b.Fatal(err)
		}
		insert += time.Since(start)
		n++
	}
	b.ReportMetric(float64(notify.Microseconds())/1000/float64(n), "notify-ms")
	b.ReportMetric(float64(insert.Microseconds())/1000/float64(n), "insert-ms")
	b.ReportMetric(float64(notify)/float64(insert), "notify/insert")
}

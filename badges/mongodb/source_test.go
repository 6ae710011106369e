package mongodb_test

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mapping"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// TestSourceStore: sources are kept per community, changed atomically and
// removed with their calls; a source keeps its latest calls, newest first,
// and no more than it is told.
func TestSourceStore(t *testing.T) {
	ctx := t.Context()
	st := mongodb.NewSourceStore(mongotest.NewDB(t))
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for i, issuer := range []string{"issuer-a", "issuer-b", "issuer-a"} {
		src := &badges.Source{ID: badges.NewID(), IssuerID: issuer, Name: "Forum", Preset: mapping.PresetDiscourse,
			UnknownMembers: badges.UnknownSkip, Enabled: true, Secret: "lsrc_x", CreatedAt: at.Add(time.Duration(i) * time.Hour)}
		if err := st.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateSource(ctx, src); badges.ErrorCode(err) != badges.ECONFLICT {
			t.Fatalf("the same id again: %v", err)
		}
	}
	list, err := st.Sources(ctx, "issuer-a")
	if err != nil || len(list) != 2 || !list[0].CreatedAt.Before(list[1].CreatedAt) {
		t.Fatalf("issuer-a's sources: %+v, %v", list, err)
	}
	id := list[0].ID
	changed, err := st.UpdateSource(ctx, id, func(s *badges.Source) error { s.Enabled, s.Mapping = false, `{"behaviour":"posted"}`; return nil })
	if err != nil || changed.Enabled {
		t.Fatalf("update: %+v, %v", changed, err)
	}
	if got, err := st.Source(ctx, id); err != nil || got.Enabled || got.Mapping == "" || got.IssuerID != "issuer-a" {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	for i := range 25 {
		if err := st.NoteSourceCall(ctx, id, badges.SourceCall{At: at.Add(time.Duration(i) * time.Minute), Status: 200, Recorded: i}, 20); err != nil {
			t.Fatal(err)
		}
	}
	calls, err := st.SourceCalls(ctx, id)
	if err != nil || len(calls) != 20 || calls[0].Recorded != 24 || calls[19].Recorded != 5 {
		t.Fatalf("calls: %d, first %+v, %v", len(calls), calls[0], err)
	}
	if err := st.DeleteSource(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Source(ctx, id); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("removed source: %v", err)
	}
	if calls, err := st.SourceCalls(ctx, id); err != nil || len(calls) != 0 {
		t.Errorf("removed source's calls: %d, %v", len(calls), err)
	}
	if _, err := st.UpdateSource(ctx, id, func(*badges.Source) error { return nil }); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("update of a removed source: %v", err)
	}
}

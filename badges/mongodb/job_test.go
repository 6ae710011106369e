package mongodb_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

func newTestJob(issuerID string) *badges.Job {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return &badges.Job{ID: badges.NewID(), IssuerID: issuerID, Kind: badges.JobMembers, State: badges.JobQueued,
		FileName: "members.csv", By: "Ada", Rows: 250, Counts: map[string]int{}, CreatedAt: now, UpdatedAt: now}
}

// TestJobStore_File: a file of several MiB is kept in parts beside its
// job and read back whole; the job stays small.
func TestJobStore_File(t *testing.T) {
	s := mongodb.NewJobStore(mongotest.NewDB(t))
	ctx := t.Context()
	j := newTestJob(issuerA)
	file := bytes.Repeat([]byte("0123456789abcdef"), (5<<20)/16+3) // a little over 5 MiB: six parts
	if err := s.CreateJob(ctx, j, file); err != nil {
		t.Fatal(err)
	}
	got, err := s.JobInput(ctx, j.ID)
	if err != nil || !bytes.Equal(got, file) {
		t.Fatalf("file: %d bytes, %v; want the %d stored", len(got), err, len(file))
	}
	read, err := s.Job(ctx, j.ID)
	if err != nil || !reflect.DeepEqual(read, j) {
		t.Fatalf("job: %+v, %v; want %+v", read, err, j)
	}
	if err := s.CreateJob(ctx, j, file); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("created twice: %v; want a conflict", err)
	}
	if _, err := s.Job(ctx, badges.NewID()); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("unknown job: %v; want not found", err)
	}
}

// TestJobStore_Update: a change that fails writes nothing; a job that
// finishes leaves the unfinished jobs.
func TestJobStore_Update(t *testing.T) {
	s := mongodb.NewJobStore(mongotest.NewDB(t))
	ctx := t.Context()
	a, b := newTestJob(issuerA), newTestJob(issuerA)
	for _, j := range []*badges.Job{a, b} {
		if err := s.CreateJob(ctx, j, []byte("email,displayName\na@example.org,A\n")); err != nil {
			t.Fatal(err)
		}
	}
	refused := errors.New("refused")
	err := s.UpdateJob(ctx, a.ID, func(j *badges.Job) error { j.Done = 100; return refused })
	if !errors.Is(err, refused) {
		t.Fatalf("refused change: %v", err)
	}
	if j, _ := s.Job(ctx, a.ID); j.Done != 0 {
		t.Fatalf("a refused change wrote %+v", j)
	}
	if ids, err := s.UnfinishedJobs(ctx); err != nil || !slices.Equal(ids, []string{a.ID, b.ID}) {
		t.Fatalf("unfinished: %v, %v; want both, oldest first", ids, err)
	}
	err = s.UpdateJob(ctx, a.ID, func(j *badges.Job) error {
		j.State, j.Done, j.Counts["created"] = badges.JobDone, 250, 250
		j.Errors = []badges.RowError{{Line: 5, Field: "email", Message: "Bad."}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := s.UnfinishedJobs(ctx); err != nil || !slices.Equal(ids, []string{b.ID}) {
		t.Fatalf("unfinished: %v, %v; want the one not done", ids, err)
	}
	j, err := s.Job(ctx, a.ID)
	if err != nil || j.Counts["created"] != 250 || len(j.Errors) != 1 || j.Errors[0].Line != 5 || j.Percent() != 100 {
		t.Fatalf("done: %+v, %v", j, err)
	}
}

// TestJobStore_Rows: results are kept a chunk to a document, read back in
// order, and a chunk stored again replaces its first results.
func TestJobStore_Rows(t *testing.T) {
	s := mongodb.NewJobStore(mongotest.NewDB(t))
	ctx := t.Context()
	id := badges.NewID()
	chunk := func(n int, status string) []badges.JobRow {
		rows := make([]badges.JobRow, badges.JobChunkRows)
		for i := range rows {
			rows[i] = badges.JobRow{Line: n*badges.JobChunkRows + i + 2, Status: status}
		}
		return rows
	}
	for n, status := range []string{"recorded", "duplicate", "recorded"} {
		if err := s.PutJobRows(ctx, id, n, chunk(n, status)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutJobRows(ctx, id, 1, chunk(1, "recorded")); err != nil {
		t.Fatal(err)
	}
	rows, err := s.JobRows(ctx, id, 2)
	if err != nil || len(rows) != 2*badges.JobChunkRows || rows[0].Line != 2 || rows[len(rows)-1].Line != 201 {
		t.Fatalf("rows: %d, %v; want the first two chunks", len(rows), err)
	}
	for _, r := range rows {
		if r.Status != "recorded" {
			t.Fatalf("row %+v; want the chunk stored last", r)
		}
	}
}

// TestJobStore_ListIsBounded: a community's list keeps its latest
// MaxJobsOf jobs, newest first; an older one stays readable by id.
func TestJobStore_ListIsBounded(t *testing.T) {
	s := mongodb.NewJobStore(mongotest.NewDB(t))
	ctx := context.Background()
	var ids []string
	for range badges.MaxJobsOf + 1 {
		j := newTestJob(issuerA)
		if err := s.CreateJob(ctx, j, []byte("x")); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	p, err := s.JobsOf(ctx, issuerA, badges.ListOptions{Limit: 2})
	if err != nil || p.Total != badges.MaxJobsOf || p.Items[0].ID != ids[len(ids)-1] {
		t.Fatalf("list: total %d, %v; want the latest %d, newest first", p.Total, err, badges.MaxJobsOf)
	}
	if _, err := s.Job(ctx, ids[0]); err != nil {
		t.Fatalf("the oldest job: %v; want it readable", err)
	}
	if p, err := s.JobsOf(ctx, "other", badges.ListOptions{Limit: 2}); err != nil || p.Total != 0 || p.Items == nil {
		t.Fatalf("another community: %+v, %v; want an empty list", p, err)
	}
}

package badges

import (
	"context"
	"errors"
	"time"
)

// Running jobs: the runner takes the unfinished jobs one after another
// and works each through its file a chunk at a time. A chunk's results
// are stored, then the job's checkpoint counts them and moves on, so a
// job cut short resumes at the chunk it was doing; that chunk is done
// again, which its rows' keys make harmless (see jobkind.go). Only this
// process's runner checkpoints a job it took, and another takes a job
// over only when it has gone without a checkpoint for StaleJobAge, so two
// processes never both run one job.

// StaleJobAge is how long a running job must have gone without a
// checkpoint before another process takes it to be abandoned. A chunk
// takes far less.
const StaleJobAge = time.Minute

// JobInterval is how often the runner looks for jobs when it is not
// woken by one started in this process.
const JobInterval = 5 * time.Second

// errJobNotTaken leaves a job to the process running it, or finished.
var errJobNotTaken = errors.New("job finished or run by another process")

// Run works jobs until ctx ends (see RunEvery), every JobInterval, taking
// over jobs left running for StaleJobAge.
func (js *Jobs) Run(ctx context.Context) { js.RunEvery(ctx, JobInterval, StaleJobAge) }

// RunEvery works jobs until ctx ends: at once when one is started, and
// every interval otherwise. At start it takes over the jobs left running
// whose last checkpoint is older than takeOver: zero on the embedded
// engine, which one process owns, so that a job left running was cut
// short by the last run; StaleJobAge otherwise, as later on.
func (js *Jobs) RunEvery(ctx context.Context, interval, takeOver time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := js.Work(ctx, takeOver); err != nil && ctx.Err() == nil {
			js.Awarder.report(Notice{Doing: "running uploaded files", Err: err})
		}
		takeOver = StaleJobAge
		select {
		case <-ctx.Done():
			return
		case <-js.wake:
		case <-t.C:
		}
	}
}

// Work runs the unfinished jobs it may take, one after another: those
// queued, its own, and those running elsewhere without a checkpoint for
// takeOver. It returns how many it finished; a job that fails for a
// reason a retry may mend (the database) is left running, to be tried
// again.
func (js *Jobs) Work(ctx context.Context, takeOver time.Duration) (int, error) {
	ids, err := js.Store.UnfinishedJobs(ctx)
	if err != nil {
		return 0, err
	}
	return workEach(ctx, ids, func(id string) (bool, error) { return js.runJob(ctx, id, takeOver) })
}

// workEach runs the work of each id in turn until ctx ends: how many
// finished, and the errors of those left to try again. Jobs and
// re-evaluations are both worked this way.
func workEach(ctx context.Context, ids []string, run func(id string) (done bool, err error)) (int, error) {
	finished := 0
	var errs []error
	for _, id := range ids {
		if ctx.Err() != nil {
			return finished, ctx.Err()
		}
		done, err := run(id)
		if err != nil {
			errs = append(errs, err)
		}
		if done {
			finished++
		}
	}
	return finished, errors.Join(errs...)
}

// runJob takes a job and runs it to its end; done reports that it ended.
func (js *Jobs) runJob(ctx context.Context, id string, takeOver time.Duration) (done bool, err error) {
	j, err := js.take(ctx, id, takeOver)
	if err != nil || j == nil {
		return false, err
	}
	err = js.run(ctx, j)
	switch {
	case err == nil:
		return true, js.finish(ctx, j, JobDone, "")
	case errors.Is(err, errJobNotTaken), ctx.Err() != nil:
		return false, nil // another process has it, or it resumes at the next start
	case cannotAward(err):
		return true, js.finish(ctx, j, JobFailed, ErrorMessage(err))
	}
	return false, err
}

// take marks a job running in this process, unless it is finished or
// another process checkpointed it less than takeOver ago; nil when not
// taken.
func (js *Jobs) take(ctx context.Context, id string, takeOver time.Duration) (*Job, error) {
	now := js.Now()
	var taken *Job
	err := js.Store.UpdateJob(ctx, id, func(j *Job) error {
		switch {
		case j.State.Finished(),
			j.State == JobRunning && j.Runner != js.runner && now.Sub(j.UpdatedAt) < takeOver:
			return errJobNotTaken
		}
		j.State, j.Runner, j.UpdatedAt = JobRunning, js.runner, now
		if j.StartedAt.IsZero() {
			j.StartedAt = now
		}
		taken = j
		return nil
	})
	if errors.Is(err, errJobNotTaken) || ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	return taken, err
}

// checkpoint changes the job as this process runs it, and keeps j up to
// date; errJobNotTaken when another process has taken it over.
func (js *Jobs) checkpoint(ctx context.Context, j *Job, change func(*Job)) error {
	now := js.Now()
	var saved *Job
	err := js.Store.UpdateJob(ctx, j.ID, func(s *Job) error {
		if s.Runner != js.runner || s.State != JobRunning {
			return errJobNotTaken
		}
		change(s)
		s.UpdatedAt = now
		saved = s
		return nil
	})
	if err == nil {
		*j = *saved
	}
	return err
}

// finish ends a job.
func (js *Jobs) finish(ctx context.Context, j *Job, state JobState, message string) error {
	now := js.Now()
	return js.checkpoint(ctx, j, func(s *Job) {
		s.State, s.Message, s.Runner, s.FinishedAt = state, message, "", now
	})
}

// run works a taken job's file from its last checkpoint to the end.
func (js *Jobs) run(ctx context.Context, j *Job) error {
	data, err := js.Store.JobInput(ctx, j.ID)
	if err != nil {
		return err
	}
	w, err := js.parse(j.IssuerID, j.Kind, data, j.ID, j.Attendance)
	if err != nil {
		return err
	}
	for j.Done < w.rows() {
		from, to := j.Done, min(j.Done+JobChunkRows, w.rows())
		rows, err := w.do(ctx, from, to)
		if ctx.Err() != nil {
			return ctx.Err() // rows may have failed for the stop: do them again
		}
		if err != nil {
			return err
		}
		if err := js.Store.PutJobRows(ctx, j.ID, from/JobChunkRows, rows); err != nil {
			return err
		}
		if err := js.checkpoint(ctx, j, func(s *Job) { s.count(rows, to) }); err != nil {
			return err
		}
	}
	return nil
}

// count adds a chunk's rows to a job, done up to row to.
func (j *Job) count(rows []JobRow, to int) {
	if j.Counts == nil {
		j.Counts = map[string]int{}
	}
	for _, r := range rows {
		j.Counts[r.Status]++
		if r.Message == "" {
			continue
		}
		if len(j.Errors) < MaxJobErrors {
			j.Errors = append(j.Errors, RowError{Line: r.Line, Field: r.Field, Message: r.Message})
		} else {
			j.ErrorsDropped++
		}
	}
	j.Done = to
}

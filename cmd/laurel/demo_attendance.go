package main

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
)

// demoZoomReport is a Zoom participant report of the demo community's
// monthly call, as a manager downloads it: two people too briefly there
// or without an e-mail address, one guest who is no member, and a member
// who rejoined from another device.
//
//go:embed demodata/zoom-participants.csv
var demoZoomReport string

// demoZoomDate is the meeting's day as the report writes it; the demo
// moves it to demoMeetingDaysAgo days before it is seeded.
const (
	demoZoomDate       = "11/20/2026"
	demoMeetingDaysAgo = 10
)

// seedDemoAttendance imports the monthly call's participant report
// through the attendance job, as a manager would have the morning after
// the call: the job's clock reads that morning, and the report's times
// are moved to that call's evening. The job is run at once when it is the
// only one waiting; otherwise the background worker runs it with the rest.
func seedDemoAttendance(ctx context.Context, l *wire.Laurel, issuerID, by string, now time.Time) error {
	day := now.AddDate(0, 0, -demoMeetingDaysAgo).Truncate(24 * time.Hour)
	report := strings.ReplaceAll(demoZoomReport, demoZoomDate, day.Format("01/02/2006"))
	deps := l.Jobs.JobDeps
	deps.Now = func() time.Time { return day.Add(33*time.Hour + 14*time.Minute) } // 09:14 the next morning
	js := badges.NewJobs(deps)
	j, err := js.StartAttendanceJob(ctx, issuerID, "participants_84522103391.csv", []byte(report), by,
		badges.AttendanceOptions{Behaviour: "attended-session", MinMinutes: 30})
	if err != nil {
		return fmt.Errorf("demo attendance: %w", err)
	}
	waiting, err := deps.Store.UnfinishedJobs(ctx)
	if err != nil || !slices.Equal(waiting, []string{j.ID}) {
		return err
	}
	if _, err := js.Work(ctx, 0); err != nil {
		return fmt.Errorf("demo attendance: %w", err)
	}
	return nil
}

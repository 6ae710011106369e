package wire_test

import (
	"os"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestJobs_Attendance: a Zoom participant report records the attendance
// of those there for the threshold, once per meeting and person: Ada
// (two visits adding up to 87 minutes) and Ken are recorded, Grace (10
// minutes) is too short, the guest without an e-mail address is
// reported, and an address that is no member's is reported, not added.
// The same report uploaded again records nobody twice.
func TestJobs_Attendance(t *testing.T) {
	f := newJobFixture(t)
	ctx := t.Context()
	for _, m := range []badges.MemberInput{{Email: "ada@example.org", DisplayName: "Ada Lovelace"}, {Email: "grace@example.org", DisplayName: "Grace Hopper"}} {
		if _, err := f.l.Stores.Members.CreateMember(ctx, f.issuer, m); err != nil {
			t.Fatal(err)
		}
	}
	file, err := os.ReadFile("../../../badges/testdata/attendance/zoom-meeting.csv")
	if err != nil {
		t.Fatal(err)
	}
	opts := badges.AttendanceOptions{Behaviour: "hosted-session", MinMinutes: 30}
	run := func() *badges.Job {
		t.Helper()
		j, err := f.l.Jobs.StartAttendanceJob(ctx, f.issuer, "zoom.csv", file, "Ada Lovelace", opts)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := f.l.Jobs.Work(ctx, 0); n != 1 || err != nil {
			t.Fatalf("work: %d, %v", n, err)
		}
		done, err := f.l.Jobs.Job(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.Attendance == nil || done.Attendance.Behaviour != "hosted-session" || done.Attendance.MinMinutes != 30 {
			t.Fatalf("options not kept: %+v", done.Attendance)
		}
		return done
	}
	first := run()
	checkJob(t, first, 4, map[string]int{"recorded": 1, badges.AttendanceTooShort: 1, badges.AttendanceNoEmail: 1, "rejected": 1}, []int{8, 9})
	again := run()
	checkJob(t, again, 4, map[string]int{"duplicate": 1, badges.AttendanceTooShort: 1, badges.AttendanceNoEmail: 1, "rejected": 1}, []int{8, 9})

	t.Run("bad options", func(t *testing.T) {
		for _, o := range []badges.AttendanceOptions{{MinMinutes: 30}, {Behaviour: "hosted-session", MinMinutes: -1}, {Behaviour: "hosted-session", MinMinutes: 2000}} {
			if _, err := f.l.Jobs.StartAttendanceJob(ctx, f.issuer, "zoom.csv", file, "Ada", o); badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) == "" {
				t.Errorf("options %+v: %v", o, err)
			}
		}
		if _, err := f.l.Jobs.StartJob(ctx, f.issuer, badges.JobAttendance, "zoom.csv", file, "Ada"); badges.ErrorField(err) != "kind" {
			t.Errorf("attendance without options: %v", err)
		}
	})
}

package badges_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func readAttendance(t *testing.T, name string) *badges.AttendanceReport {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "attendance", name))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := badges.ParseAttendanceCSV(bytes.NewReader(data), badges.MaxAttendanceRows)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rep
}

func TestParseAttendanceCSV_Zoom(t *testing.T) {
	rep := readAttendance(t, "zoom-meeting.csv")
	if rep.MeetingID != "81234567890" || rep.Topic != "Lyon Gophers, November meetup" ||
		!rep.Start.Equal(time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("meeting %q %q %v", rep.MeetingID, rep.Topic, rep.Start)
	}
	want := []struct {
		email, name string
		minutes     float64
		rows, line  int
	}{
		{"ada@example.org", "Lovelace, Ada", 87, 2, 5},
		{"grace@example.org", "Grace Hopper (Grace H.)", 10, 1, 7},
		{"ken@example.org", "Ken Thompson", 89, 1, 8},
		{"", "A Guest", 55, 1, 9},
	}
	if len(rep.People) != len(want) {
		t.Fatalf("%d people: %+v", len(rep.People), rep.People)
	}
	for i, w := range want {
		got := rep.People[i]
		if got.Email != w.email || got.Name != w.name || got.Minutes != w.minutes || got.Rows != w.rows || got.Line != w.line {
			t.Errorf("person %d = %+v, want %+v", i, got, w)
		}
	}
	if first := rep.People[0].FirstJoin; !first.Equal(time.Date(2026, 11, 20, 17, 58, 12, 0, time.UTC)) {
		t.Errorf("Ada's first join %v", first)
	}
}

func TestParseAttendanceCSV_Formats(t *testing.T) {
	for _, tc := range []struct {
		file    string
		minutes []float64
		start   time.Time
	}{
		{"zoom-participants.csv", []float64{60, 40}, time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)},
		{"teams.csv", []float64{62 + 5.0/60, 5}, time.Date(2026, 11, 20, 18, 0, 5, 0, time.UTC)},
		{"meet.csv", []float64{65}, time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rep := readAttendance(t, tc.file)
			if len(rep.People) != len(tc.minutes) || !rep.Start.Equal(tc.start) || rep.MeetingID == "" {
				t.Fatalf("report %+v", rep)
			}
			for i, m := range tc.minutes {
				if d := rep.People[i].Minutes - m; d > 0.001 || d < -0.001 {
					t.Errorf("person %d: %v minutes, want %v", i, rep.People[i].Minutes, m)
				}
			}
		})
	}
	t.Run("a file's id is its content's", func(t *testing.T) {
		a, b := readAttendance(t, "zoom-participants.csv"), readAttendance(t, "zoom-participants.csv")
		if a.MeetingID != b.MeetingID || !strings.HasPrefix(a.MeetingID, "file-") {
			t.Fatalf("ids %q, %q", a.MeetingID, b.MeetingID)
		}
	})
	t.Run("leave less join when no duration", func(t *testing.T) {
		rep, err := badges.ParseAttendanceCSV(strings.NewReader("Name,Email,Join Time,Leave Time\nAda,ada@example.org,11/20/2026 18:00,11/20/2026 18:45\n"), 10)
		if err != nil || rep.People[0].Minutes != 45 {
			t.Fatalf("%+v, %v", rep, err)
		}
	})
}

func TestParseAttendanceCSV_Bad(t *testing.T) {
	for name, tc := range map[string]struct{ file, want string }{
		"no table":      {"Topic,Start\nSync,today\n", "no participant table"},
		"no rows":       {"Name,User Email,Duration (Minutes)\n", "no rows"},
		"bad duration":  {"Name,User Email,Duration (Minutes)\nAda,ada@example.org,an hour\n", `Line 2: the duration "an hour"`},
		"bad join":      {"Name,User Email,Join Time,Duration\nAda,ada@example.org,yesterday,5\n", `Line 2: the join time "yesterday"`},
		"leave before":  {"Name,Email,Join Time,Leave Time\nAda,a@example.org,2026-11-20 18:00,2026-11-20 17:00\n", "within a week"},
		"negative":      {"Name,Email,Duration\nAda,a@example.org,-5\n", "not a number of minutes"},
		"too many rows": {"Name,Email,Duration\n" + strings.Repeat("Ada,a@example.org,5\n", 4), "more than 3"},
		"long cell":     {"Name,Email,Duration\n" + strings.Repeat("x", 600) + ",a@example.org,5\n", "longer than"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := badges.ParseAttendanceCSV(strings.NewReader(tc.file), 3)
			if err == nil || !strings.Contains(badges.ErrorMessage(err), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// FuzzParseAttendanceCSV: any file is read or refused with a domain error,
// never a panic, and what is read is bounded and sane.
func FuzzParseAttendanceCSV(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "attendance", "*.csv"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("Name,Email,Duration\n\"Ada, \"\"the\"\" Countess\",ada@example.org,1h 5m\n"))
	f.Add([]byte("\ufeffName,Email,Join Time,Leave Time\nAda,ada@example.org,11/20/2026 11:59 PM,11/21/2026 12:30 AM\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := badges.ParseAttendanceCSV(bytes.NewReader(data), 50)
		if err != nil {
			if badges.ErrorCode(err) == badges.EINTERNAL || badges.ErrorMessage(err) == "" {
				t.Fatalf("not a domain error: %v", err)
			}
			return
		}
		if len(rep.People) == 0 || len(rep.People) > 50 || rep.MeetingID == "" || len(rep.MeetingID) > 256 {
			t.Fatalf("report %+v", rep)
		}
		for _, a := range rep.People {
			if a.Minutes < 0 || a.Rows < 1 || a.Rows > 50 || a.Minutes > 50*7*24*60 {
				t.Fatalf("person %+v", a)
			}
		}
	})
}

package badges

import (
	"io"
	"time"
)

// awardCSV are the columns of a bulk award CSV file; memberId or email is
// needed too, which the issuing service checks row by row.
var awardCSV = NewCSVColumns([]string{"achievementId", "memberId", "email", "name", "narrative",
	"evidenceUrl", "evidenceName", "evidenceNarrative", "result", "awardedDate"}, []string{"achievementId"}, nil)

// ParseAwardCSV reads a bulk award CSV: a header naming some of the
// columns achievementId (required), memberId, email, name, narrative,
// evidenceUrl, evidenceName, evidenceNarrative, result and awardedDate,
// then one award a row, up to maxRows. It returns the awards and the line
// of each. A cell that cannot be read is kept in the award's Unreadable,
// so that only its row is rejected.
func ParseAwardCSV(r io.Reader, maxRows int) ([]AwardInput, []int, error) {
	var ins []AwardInput
	var lines []int
	err := ReadCSV(r, awardCSV, maxRows, func(row CSVRow) {
		in := AwardInput{AchievementID: row.Get("achievementId"), MemberID: row.Get("memberId"), Email: row.Get("email"),
			Name: row.Get("name"), Narrative: row.Get("narrative")}
		if e := (Evidence{URL: row.Get("evidenceUrl"), Name: row.Get("evidenceName"), Narrative: row.Get("evidenceNarrative")}); e != (Evidence{}) {
			in.Evidence = []Evidence{e}
		}
		if v := row.Get("result"); v != "" {
			in.Results = []Result{{Value: v}}
		}
		in.AwardedDate, in.Unreadable = csvAwardedDate(row.Get("awardedDate"))
		ins, lines = append(ins, in), append(lines, row.Line)
	})
	if err != nil {
		return nil, nil, err
	}
	return ins, lines, nil
}

// csvAwardedDate reads a bulk award CSV's awardedDate cell: empty, or an
// RFC 3339 date-time as in JSON (its range is checked as for JSON).
func csvAwardedDate(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, FieldErrorf("awardedDate", "The field \"awardedDate\" must be an RFC 3339 date-time such as 2026-11-20T18:00:00Z.")
	}
	return d, nil
}

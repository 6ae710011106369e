package badges

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ActivityCSVRow is one data row of an activities CSV file: the activity,
// or why the row cannot be read.
type ActivityCSVRow struct {
	Line  int // 1-based; the header is line 1
	Input ActivityInput
	Err   error
}

// activityFields are the fields of an activity in a CSV file or a form.
var activityFields = []string{"memberId", "email", "externalId", "name", "createMember", "behaviour", "at", "quantity",
	"peerId", "peerEmail", "peerExternalId", "evidenceUrl", "narrative", "cohort", "sourceEventId"}

// activityCSV are the columns of an activities CSV file.
var activityCSV = NewCSVColumns(activityFields, []string{"behaviour", "at"}, nil)

// ParseActivityCSV reads activities from CSV: a header row naming some of
// memberId, email, externalId, name, createMember, behaviour, at (RFC
// 3339), quantity, peerId, peerEmail, peerExternalId, evidenceUrl,
// narrative, cohort and
// sourceEventId, in any order, then up to maxRows rows. A row that cannot
// be read gets its error (with the column as the field); a file that
// cannot be read at all is an error.
func ParseActivityCSV(r io.Reader, maxRows int) ([]ActivityCSVRow, error) {
	var rows []ActivityCSVRow
	err := ReadCSV(r, activityCSV, maxRows, func(row CSVRow) {
		in, err := activityFromFields(row.Get)
		rows = append(rows, ActivityCSVRow{Line: row.Line, Input: in, Err: err})
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// ParseActivityForm reads one activity from form fields (an HTML form's
// application/x-www-form-urlencoded body), named like the CSV columns:
// behaviour and at are required, a field may appear once, and an unknown
// field is an error.
func ParseActivityForm(form map[string][]string) (ActivityInput, error) {
	for name, vs := range form {
		if !slices.Contains(activityFields, name) {
			return ActivityInput{}, FieldErrorf(truncateForMessage(name), "There is no field %q; the fields are %s.", truncateForMessage(name), activityCSV.list)
		}
		if len(vs) > 1 {
			return ActivityInput{}, FieldErrorf(name, "The field %q is given %d times.", name, len(vs))
		}
	}
	for _, name := range []string{"behaviour", "at"} {
		if len(form[name]) == 0 {
			return ActivityInput{}, FieldErrorf(name, "The field %q is required.", name)
		}
	}
	return activityFromFields(func(name string) string {
		if vs := form[name]; len(vs) > 0 {
			return strings.TrimSpace(vs[0])
		}
		return ""
	})
}

// activityFromFields builds an activity from its fields by name.
func activityFromFields(get func(name string) string) (ActivityInput, error) {
	in := ActivityInput{Email: get("email"), ExternalID: get("externalId"), Name: get("name"),
		PeerEmail: get("peerEmail"), PeerExternalID: get("peerExternalId"),
		Activity: Activity{MemberID: get("memberId"), Behaviour: get("behaviour"), PeerID: get("peerId"),
			EvidenceURL: get("evidenceUrl"), Narrative: get("narrative"), Cohort: get("cohort"), SourceEventID: get("sourceEventId")}}
	var err error
	if in.At, err = time.Parse(time.RFC3339, get("at")); err != nil {
		return in, FieldErrorf("at", "The field \"at\" must be an RFC 3339 date-time such as 2026-11-20T18:00:00Z, not %q.", truncateForMessage(get("at")))
	}
	if q := get("quantity"); q != "" {
		if in.Quantity, err = strconv.ParseFloat(q, 64); err != nil {
			return in, FieldErrorf("quantity", "The field \"quantity\" must be a number, not %q.", truncateForMessage(q))
		}
	}
	in.CreateMember, err = parseCSVBool("createMember", get("createMember"))
	return in, err
}

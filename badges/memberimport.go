package badges

import (
	"fmt"
	"io"
	"strings"
)

// Limits of one member import.
const (
	MaxImportRows  = 10000
	MaxImportBytes = 5 << 20
)

// Import row statuses.
const (
	RowCreated   = "created"
	RowUpdated   = "updated"
	RowUnchanged = "unchanged"
	RowRejected  = "rejected"
	RowValid     = "valid" // would be applied; nothing was
)

// ImportRow is one parsed CSV row. Err is set when the row itself is bad.
type ImportRow struct {
	Line  int // 1-based line number in the file; the header is line 1
	Input MemberInput
	Err   error
}

// ImportResult is what became of one row.
type ImportResult struct {
	Line     int
	Email    string
	Status   string
	MemberID string
	Err      error
}

// ImportReport answers an import. Imports are all or nothing: Applied is
// false whenever a row was rejected before anything was written (or on a
// dry run), and then no row was applied. Once writing has begun only a
// database failure, or a member changed or deleted by another request at
// the same moment, can reject a row; then Applied is true and each row's
// status says whether it was written.
type ImportReport struct {
	Applied bool
	DryRun  bool
	Rows    []ImportResult
}

// Count returns how many rows have the given status.
func (r *ImportReport) Count(status string) int {
	n := 0
	for _, row := range r.Rows {
		if row.Status == status {
			n++
		}
	}
	return n
}

// memberCSV are the columns of a member CSV file, with the spellings
// other tools export.
var memberCSV = NewCSVColumns([]string{"email", "displayName", "externalId", "slug", "publicProfile"}, []string{"email", "displayName"},
	map[string]string{"display_name": "displayName", "name": "displayName", "external_id": "externalId", "public_profile": "publicProfile"})

// ParseMemberCSV reads a member CSV: a header row naming the columns email
// and displayName (required) and externalId, slug, publicProfile (optional),
// in any order, then one member a row. Rows that are malformed carry an
// error; the file as a whole fails only when it cannot be read as CSV, lacks
// the required columns, or has more than maxRows rows. Duplicate e-mail
// addresses and slugs within the file reject the later row.
func ParseMemberCSV(r io.Reader, maxRows int) ([]ImportRow, error) {
	var rows []ImportRow
	emails, slugs := map[string]int{}, map[string]int{}
	err := ReadCSV(r, memberCSV, maxRows, func(rec CSVRow) {
		row := ImportRow{Line: rec.Line}
		row.Input, row.Err = memberRow(rec)
		if row.Err == nil {
			row.Err = firstSeen(emails, row.Input.Email, rec.Line, "email")
		}
		if row.Err == nil && row.Input.Slug != "" {
			row.Err = firstSeen(slugs, row.Input.Slug, rec.Line, "slug")
		}
		rows = append(rows, row)
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func memberRow(rec CSVRow) (MemberInput, error) {
	in := MemberInput{Email: rec.Get("email"), DisplayName: rec.Get("displayName"), ExternalID: rec.Get("externalId"), Slug: rec.Get("slug")}
	switch p := rec.Get("publicProfile"); strings.ToLower(p) {
	case "", "false", "no", "0", "n":
	case "true", "yes", "1", "y":
		in.PublicProfile = true
	default:
		return in, FieldErrorf("publicProfile", "The field \"publicProfile\" must be true or false, not %q.", truncateForMessage(p))
	}
	if err := in.Normalize(); err != nil {
		return in, err
	}
	return in, nil
}

func firstSeen(seen map[string]int, key string, line int, field string) error {
	if first, ok := seen[key]; ok {
		return &Error{Code: ECONFLICT, Field: field, Message: fmt.Sprintf("The %s %q already appears on line %d.", field, key, first)}
	}
	seen[key] = line
	return nil
}

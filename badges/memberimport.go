package badges

import "io"

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
	Line    int // 1-based line number in the file; the header is line 1
	Input   MemberInput
	Cohorts []string // names of the cohorts the member joins (see CheckImportCohorts)
	Err     error
	// KeepExisting leaves the member who has the row's address as they
	// are (the row is unchanged): a bulk award adds only members who are
	// new, and finds the others through the import's own checks.
	KeepExisting bool

	cohortIDs []string // the cohorts named, once resolved
}

// ImportResult is what became of one row.
type ImportResult struct {
	Line     int
	Email    string
	Status   string
	MemberID string
	Member   *Member // as the row finds or leaves it; nil when rejected
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
var memberCSV = NewCSVColumns([]string{"email", "displayName", "externalId", "slug", "publicProfile", "cohorts", "did"}, []string{"email", "displayName"},
	map[string]string{"display_name": "displayName", "name": "displayName", "external_id": "externalId", "public_profile": "publicProfile"})

// ParseMemberCSV reads a member CSV: a header row naming the columns email
// and displayName (required) and externalId, slug, publicProfile, cohorts
// (optional; cohort names separated by ";" or "|"), did (optional; the
// member's wallet DID or URL, which an empty cell leaves as it is),
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
			row.Cohorts, row.Err = cohortNames("cohorts", rec.Get("cohorts"))
		}
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
	in := MemberInput{Email: rec.Get("email"), DisplayName: rec.Get("displayName"), ExternalID: rec.Get("externalId"), Slug: rec.Get("slug"), DID: rec.Get("did")}
	var err error
	if in.PublicProfile, err = parseCSVBool("publicProfile", rec.Get("publicProfile")); err != nil {
		return in, err
	}
	err = in.Normalize()
	return in, err
}

// firstSeen notes the line where a value first appears in the file, and
// rejects it on every later line.
func firstSeen(seen map[string]int, key string, line int, field string) error {
	if first, ok := seen[key]; ok {
		return UniqueValue{Field: field, Value: key}.Repeated(first)
	}
	seen[key] = line
	return nil
}

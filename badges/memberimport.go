package badges

import (
	"encoding/csv"
	"errors"
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

var importColumns = map[string]string{
	"email": "email", "displayname": "displayName", "display_name": "displayName", "name": "displayName",
	"externalid": "externalId", "external_id": "externalId", "slug": "slug",
	"publicprofile": "publicProfile", "public_profile": "publicProfile",
}

// ParseMemberCSV reads a member CSV: a header row naming the columns email
// and displayName (required) and externalId, slug, publicProfile (optional),
// in any order, then one member a row. Rows that are malformed carry an
// error; the file as a whole fails only when it cannot be read as CSV, lacks
// the required columns, or has more than maxRows rows. Duplicate e-mail
// addresses and slugs within the file reject the later row.
func ParseMemberCSV(r io.Reader, maxRows int) ([]ImportRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cols, err := csvHeader(cr, importColumns, "email, displayName, externalId, slug, publicProfile", "email", "displayName")
	if err != nil {
		return nil, err
	}
	var rows []ImportRow
	emails, slugs := map[string]int{}, map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		if len(rows) == maxRows {
			return nil, Errorf(ETOOLARGE, "the CSV file has more than %d rows", maxRows)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		row := ImportRow{Line: line}
		row.Input, row.Err = rowInput(rec, cols)
		if row.Err == nil {
			row.Err = firstSeen(emails, row.Input.Email, line, "email")
		}
		if row.Err == nil && row.Input.Slug != "" {
			row.Err = firstSeen(slugs, row.Input.Slug, line, "slug")
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// csvHeader reads a CSV file's header row: each column's position by its
// name in known (looked up in lower case, a byte-order mark ignored),
// refusing unknown and repeated columns and requiring the required ones.
// list names the columns for messages.
func csvHeader(cr *csv.Reader, known map[string]string, list string, required ...string) (map[string]int, error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Errorf(EINVALID, "the CSV file is empty; it needs a header row with %s", strings.Join(required, " and "))
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols := map[string]int{}
	for i, h := range header {
		name, ok := known[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))]
		if !ok {
			return nil, Errorf(EINVALID, "unknown CSV column %q; the columns are %s", h, list)
		}
		if _, dup := cols[name]; dup {
			return nil, Errorf(EINVALID, "CSV column %q appears twice", name)
		}
		cols[name] = i
	}
	for _, req := range required {
		if _, ok := cols[req]; !ok {
			return nil, Errorf(EINVALID, "the CSV header lacks the required column %q", req)
		}
	}
	return cols, nil
}

func rowInput(rec []string, cols map[string]int) (MemberInput, error) {
	get := func(name string) string {
		if i, ok := cols[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	in := MemberInput{Email: get("email"), DisplayName: get("displayName"), ExternalID: get("externalId"), Slug: get("slug")}
	switch strings.ToLower(strings.TrimSpace(get("publicProfile"))) {
	case "", "false", "no", "0", "n":
	case "true", "yes", "1", "y":
		in.PublicProfile = true
	default:
		return in, FieldErrorf("publicProfile", "publicProfile must be true or false, not %q", get("publicProfile"))
	}
	if err := in.Normalize(); err != nil {
		return in, err
	}
	return in, nil
}

func firstSeen(seen map[string]int, key string, line int, field string) error {
	if first, ok := seen[key]; ok {
		return &Error{Code: ECONFLICT, Field: field, Message: fmt.Sprintf("%s %q already appears on line %d", field, key, first)}
	}
	seen[key] = line
	return nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Errorf(EINVALID, "the CSV file is malformed on line %d: %v", pe.Line, pe.Err)
	}
	return Errorf(EINVALID, "the CSV file cannot be read: %v", err)
}

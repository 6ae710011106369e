package badges

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// CSVColumns are the columns one kind of CSV file may have: members,
// activities or awards.
type CSVColumns struct {
	byName   map[string]string // lower-case spelling, aliases included → column name
	list     string            // the column names, for messages
	required []string
}

// NewCSVColumns describes a kind of CSV file: its column names (matched
// without regard to case), the ones a file must have, and other spellings
// of them (alias → name).
func NewCSVColumns(names, required []string, aliases map[string]string) CSVColumns {
	c := CSVColumns{byName: map[string]string{}, list: strings.Join(names, ", "), required: required}
	for _, n := range names {
		c.byName[strings.ToLower(n)] = n
	}
	for alias, n := range aliases {
		c.byName[strings.ToLower(alias)] = n
	}
	return c
}

// CSVRow is one data row of a CSV file.
type CSVRow struct {
	Line  int // 1-based line where the row starts; the header is line 1
	cells []string
	cols  map[string]int
}

// Get returns the row's cell in the named column without surrounding
// white space, or "" when the file or the row has no such cell.
func (r CSVRow) Get(name string) string {
	if i, ok := r.cols[name]; ok && i < len(r.cells) {
		return strings.TrimSpace(r.cells[i])
	}
	return ""
}

// ReadCSV reads a CSV file whose first row names its columns, in any
// order, and calls each with every data row but blank ones. The file fails
// as a whole, with an error that says where, when it cannot be read as
// CSV, when its header names an unknown column, names one twice or lacks
// a required one, or when it has more than maxRows rows.
func ReadCSV(r io.Reader, columns CSVColumns, maxRows int, each func(CSVRow)) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cols, err := columns.header(cr)
	if err != nil {
		return err
	}
	for n := 0; ; {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if n++; n > maxRows {
			return Errorf(ETOOLARGE, "The CSV file has more than %d rows.", maxRows)
		}
		line, _ := cr.FieldPos(0)
		each(CSVRow{Line: line, cells: rec, cols: cols})
	}
}

// parseCSVBool reads a yes/no cell of a CSV file or a form field: true,
// yes, y or 1, or false, no, n, 0 or empty, in any case.
func parseCSVBool(field, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "false", "no", "n", "0":
		return false, nil
	case "true", "yes", "y", "1":
		return true, nil
	}
	return false, FieldErrorf(field, "The field %q must be true or false, not %q.", field, truncateForMessage(v))
}

// header reads the header row: each column's position by its name.
func (c CSVColumns) header(cr *csv.Reader) (map[string]int, error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Errorf(EINVALID, "The CSV file is empty; it needs a header row naming its columns (%s).", c.list)
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		name, ok := c.byName[strings.ToLower(h)]
		switch {
		case !ok:
			return nil, Errorf(EINVALID, "The CSV header has an unknown column %q; the columns are %s.", truncateForMessage(h), c.list)
		case cols[name] > 0:
			return nil, Errorf(EINVALID, "The CSV header names the column %q twice, in columns %d and %d.", name, cols[name], i+1)
		}
		cols[name] = i + 1
	}
	for _, req := range c.required {
		if cols[req] == 0 {
			return nil, Errorf(EINVALID, "The CSV header lacks the required column %q.", req)
		}
	}
	for name := range cols {
		cols[name]-- // to 0-based positions
	}
	return cols, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Errorf(EINVALID, "The CSV file is malformed on line %d: %v.", pe.Line, pe.Err)
	}
	return Errorf(EINVALID, "The CSV file cannot be read.")
}

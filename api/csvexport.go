package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// wantsCSV reads the format query parameter of an export: json (the
// default) or csv. One way for every export, so that a link in a
// browser or a spreadsheet's import can ask for it.
func wantsCSV(c echo.Context) (bool, error) {
	switch c.QueryParam("format") {
	case "", "json":
		return false, nil
	case "csv":
		return true, nil
	}
	return false, badges.FieldErrorf("format", "The query parameter \"format\" must be json or csv.")
}

// writeCSV answers with a CSV file of a header row and rows, to be saved
// as name. Every cell is guarded against formula injection (see
// csvCell).
func writeCSV(c echo.Context, name string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range append([][]string{header}, rows...) {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = csvCell(v)
		}
		if err := w.Write(cells); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvCell keeps a spreadsheet from reading a cell as a formula: a cell
// that starts with =, +, -, @, a tab or a carriage return (names are
// chosen by managers and members) gets a leading apostrophe, which
// spreadsheets show as text. The writer quotes what CSV needs quoted.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

package badges

import (
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	cols := NewCSVColumns([]string{"email", "displayName", "note"}, []string{"email"}, map[string]string{"name": "displayName"})
	read := func(data string) ([]CSVRow, error) {
		var rows []CSVRow
		err := ReadCSV(strings.NewReader(data), cols, 3, func(r CSVRow) { rows = append(rows, r) })
		return rows, err
	}
	t.Run("OK", func(t *testing.T) {
		rows, err := read("\ufeff Email ,NAME\n  ada@example.org ,\tAda \n\n\"bob@example.org\",\"Bob\nSmith\"\n   \ncy@example.org\n")
		if err != nil || len(rows) != 3 {
			t.Fatalf("rows %+v, %v", rows, err)
		}
		for i, want := range []struct {
			line        int
			email, name string
		}{{2, "ada@example.org", "Ada"}, {4, "bob@example.org", "Bob\nSmith"}, {7, "cy@example.org", ""}} {
			r := rows[i]
			if r.Line != want.line || r.Get("email") != want.email || r.Get("displayName") != want.name || r.Get("note") != "" {
				t.Errorf("row %d: line %d, %q, %q; want %+v", i, r.Line, r.Get("email"), r.Get("displayName"), want)
			}
		}
	})
	for _, tc := range []struct {
		name, data, code, mention string
	}{
		{"empty", "", EINVALID, "header row"},
		{"unknown column", "email,colour\n", EINVALID, `"colour"`},
		{"repeated column", "email,displayName,note,NOTE\n", EINVALID, `"note" twice, in columns 3 and 4`},
		{"repeated through an alias", "name,email,displayName\n", EINVALID, `"displayName" twice, in columns 1 and 3`},
		{"required column", "displayName\n", EINVALID, `"email"`},
		{"malformed", "email\n\"a@example.org\n", EINVALID, "line 2"},
		{"too many rows", "email\na\nb\n\nc\nd\n", ETOOLARGE, "more than 3 rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := read(tc.data)
			if ErrorCode(err) != tc.code || !strings.Contains(ErrorMessage(err), tc.mention) {
				t.Fatalf("%q: %v; want %s mentioning %s", tc.data, err, tc.code, tc.mention)
			}
			if msg := ErrorMessage(err); !strings.HasSuffix(msg, ".") || strings.ToUpper(msg[:1]) != msg[:1] {
				t.Errorf("message %q is not a sentence", msg)
			}
		})
	}
}

func TestParseCSVBool(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    bool
		wantErr bool
	}{
		{"", false, false},
		{"false", false, false},
		{"No", false, false},
		{"n", false, false},
		{"0", false, false},
		{"TRUE", true, false},
		{"yes", true, false},
		{"Y", true, false},
		{"1", true, false},
		{"perhaps", false, true},
		{"2", false, true},
		{"nope", false, true},
	} {
		got, err := parseCSVBool("publicProfile", tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("parseCSVBool(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
		if err != nil && (ErrorField(err) != "publicProfile" || ErrorMessage(err) != `The field "publicProfile" must be true or false, not "`+tc.in+`".`) {
			t.Errorf("parseCSVBool(%q): error %v", tc.in, err)
		}
	}
}

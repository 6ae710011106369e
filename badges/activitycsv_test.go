package badges

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseActivityCSV(t *testing.T) {
	csv := "\ufeffEmail,behaviour,AT,quantity,createMember,name,sourceEventId\n" +
		"ada@example.org,hosted-session,2026-11-20T18:00:00Z,2,true,Ada,ev-1\n" +
		"\n" +
		"bob@example.org,posted,yesterday,,,,\n" +
		"cy@example.org,posted,2026-11-20T18:00:00Z,lots,,,\n" +
		"dee@example.org,posted,2026-11-20T18:00:00Z,,perhaps,,\n"
	rows, err := ParseActivityCSV(strings.NewReader(csv), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	a := rows[0]
	if a.Err != nil || a.Line != 2 || a.Input.Email != "ada@example.org" || a.Input.Behaviour != "hosted-session" || a.Input.Quantity != 2 ||
		!a.Input.CreateMember || a.Input.Name != "Ada" || a.Input.SourceEventID != "ev-1" || a.Input.At.Day() != 20 {
		t.Fatalf("row 1: %+v", a)
	}
	for i, want := range map[int]struct {
		line  int
		field string
	}{1: {4, "at"}, 2: {5, "quantity"}, 3: {6, "createMember"}} {
		if rows[i].Line != want.line || ErrorField(rows[i].Err) != want.field {
			t.Errorf("row %d: line %d, error %v; want line %d, field %s", i, rows[i].Line, rows[i].Err, want.line, want.field)
		}
	}
	for _, bad := range []string{"", "behaviour,at,colour\n", "behaviour\n", "at,at,behaviour\n", "behaviour,at\n\"unterminated\n"} {
		if _, err := ParseActivityCSV(strings.NewReader(bad), 10); ErrorCode(err) != EINVALID {
			t.Errorf("%q: %v", bad, err)
		}
	}
	many := "behaviour,at\n" + strings.Repeat("posted,2026-11-20T18:00:00Z\n", 11)
	if _, err := ParseActivityCSV(strings.NewReader(many), 10); ErrorCode(err) != ETOOLARGE {
		t.Errorf("11 rows of 10: %v", err)
	}
}

func FuzzParseActivityCSV(f *testing.F) {
	f.Add("behaviour,at,email\nposted,2026-11-20T18:00:00Z,a@example.org\n")
	f.Add("memberId,behaviour,at,quantity,peerId\nm,mentored-member,2026-01-01T00:00:00+02:00,1.5,p\n")
	f.Add("behaviour,at\n\"a\"\"b\",x\n")
	f.Fuzz(func(t *testing.T, data string) {
		rows, err := ParseActivityCSV(strings.NewReader(data), 50)
		if err != nil {
			if code := ErrorCode(err); code != EINVALID && code != ETOOLARGE {
				t.Fatalf("error code %q: %v", code, err)
			}
			return
		}
		if len(rows) > 50 {
			t.Fatalf("%d rows from a limit of 50", len(rows))
		}
	})
}

func TestParseActivityForm(t *testing.T) {
	in, err := ParseActivityForm(map[string][]string{"memberId": {" m1 "}, "behaviour": {"posted"}, "at": {"2026-11-20T18:00:00Z"},
		"quantity": {"3"}, "createMember": {"no"}})
	if err != nil || in.MemberID != "m1" || in.Behaviour != "posted" || in.Quantity != 3 || in.CreateMember || in.At.Day() != 20 {
		t.Fatalf("ParseActivityForm = %+v, %v", in, err)
	}
	for name, form := range map[string]map[string][]string{
		"behaviour": {"at": {"2026-11-20T18:00:00Z"}},
		"at":        {"behaviour": {"posted"}},
		"memberid":  {"memberid": {"m"}, "behaviour": {"posted"}, "at": {"2026-11-20T18:00:00Z"}}, // names are exact
		"cohort":    {"cohort": {"a", "b"}, "behaviour": {"posted"}, "at": {"2026-11-20T18:00:00Z"}},
	} {
		if _, err := ParseActivityForm(form); ErrorField(err) != name || ErrorCode(err) != EINVALID {
			t.Errorf("%v: error %v (field %q), want one naming %s", form, err, ErrorField(err), name)
		}
	}
}

func FuzzParseActivityForm(f *testing.F) {
	f.Add("behaviour=posted&at=2026-11-20T18%3A00%3A00Z&email=a%40example.org")
	f.Add("memberId=m&behaviour=mentored-member&at=2026-01-01T00:00:00%2B02:00&quantity=1.5&peerId=p&createMember=yes")
	f.Add("behaviour=a&behaviour=b&at=x")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, err := ParseActivityForm(form)
		if err != nil {
			if code := ErrorCode(err); code != EINVALID {
				t.Fatalf("error code %q: %v", code, err)
			}
			return
		}
		if in.At.IsZero() || strings.TrimSpace(form.Get("behaviour")) != in.Behaviour {
			t.Fatalf("accepted %q as %+v", body, in)
		}
	})
}

package badges_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func TestFoldCohortName(t *testing.T) {
	for _, pair := range [][2]string{{"Spring 2026", "SPRING 2026"}, {"Ça va", "ÇA VA"}, {"straße", "STRAßE"}, {"Kelvin \u212a", "kelvin k"}} {
		if badges.FoldCohortName(pair[0]) != badges.FoldCohortName(pair[1]) {
			t.Errorf("%q and %q fold apart", pair[0], pair[1])
		}
	}
	if badges.FoldCohortName("Spring") == badges.FoldCohortName("Sprint") {
		t.Error("different names fold together")
	}
}

func TestCheckCohortName(t *testing.T) {
	if got, err := badges.CheckCohortName("name", "  Spring 2026 "); err != nil || got != "Spring 2026" {
		t.Fatalf("CheckCohortName = %q, %v", got, err)
	}
	for _, bad := range []string{"", "   ", "a;b", "a|b", "a\tb", "a\nb", strings.Repeat("é", 101), "bell\a"} {
		if _, err := badges.CheckCohortName("name", bad); badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "name" {
			t.Errorf("CheckCohortName(%q) = %v", bad, err)
		}
	}
}

func TestRule_OutsideCohort(t *testing.T) {
	rec := badges.NewMemberRecord("m", time.Now())
	rec.AddCohort("in-id")
	tests := []struct {
		rule string
		want bool
	}{
		{`{"cohort":{"name":"In","id":"in2id2in2id2in2id2in"}}`, true},
		{`{"cohort":{"name":"x"}}`, true},
		{`{"count":{"behaviour":"posted","min":1}}`, false},
		{`{"all":[{"cohort":{"name":"x"}},{"count":{"behaviour":"posted","min":1}}]}`, true},
		{`{"any":[{"cohort":{"name":"x"}},{"count":{"behaviour":"posted","min":1}}]}`, false},
		{`{"any":[{"cohort":{"name":"x"}},{"cohort":{"name":"y"}}]}`, true},
		{`{"atLeast":{"n":2,"of":[{"cohort":{"name":"x"}},{"count":{"behaviour":"posted","min":1}},{"tenure":{"days":1}}]}}`, false},
		{`{"atLeast":{"n":3,"of":[{"cohort":{"name":"x"}},{"count":{"behaviour":"posted","min":1}},{"tenure":{"days":1}}]}}`, true},
	}
	for _, tc := range tests {
		r, err := badges.ParseRule([]byte(`{"condition":` + tc.rule + `}`))
		if err != nil {
			t.Fatalf("%s: %v", tc.rule, err)
		}
		if got := r.OutsideCohort(rec); got != tc.want {
			t.Errorf("OutsideCohort(%s) = %v, want %v", tc.rule, got, tc.want)
		}
	}
	legacy := badges.NewMemberRecord("m", time.Now())
	legacy.AddCohort("x") // a name an activity recorded before cohorts had ids
	if r := mustParse(t, `{"condition":{"cohort":{"name":"x"}}}`); r.OutsideCohort(legacy) {
		t.Error("a rule without a cohort id does not match the recorded name")
	}
}

func mustParse(t *testing.T, s string) *badges.Rule {
	t.Helper()
	r, err := badges.ParseRule([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestParseRule_CohortID(t *testing.T) {
	r := mustParse(t, `{"condition":{"cohort":{"name":"Spring","id":"abcdefghijklmnopqrst"}}}`)
	if r.Condition.Cohort.ID != "abcdefghijklmnopqrst" || r.Condition.Cohort.Name != "Spring" {
		t.Fatalf("parsed %+v", r.Condition.Cohort)
	}
	for _, bad := range []string{`{"name":"x","id":"short"}`, `{"name":"x","id":7}`, `{"id":"abcdefghijklmnopqrst"}`, `{"name":"x","colour":"red"}`} {
		_, err := badges.ParseRule([]byte(`{"condition":{"cohort":` + bad + `}}`))
		if badges.ErrorCode(err) != badges.EINVALID || !strings.HasPrefix(badges.ErrorField(err), "rule.condition.cohort") {
			t.Errorf("%s: %v (field %q)", bad, err, badges.ErrorField(err))
		}
	}
}

func TestParseMemberCSV_Cohorts(t *testing.T) {
	csv := "email,displayName,cohorts\n" +
		"a@example.org,A, Spring 2026 ; autumn|SPRING 2026 \n" +
		"b@example.org,B,\n" +
		"c@example.org,C," + strings.Repeat("x", 101) + "\n" +
		"d@example.org,D," + strings.TrimSuffix(strings.Repeat("c;", badges.MaxRecordCohorts+1), ";") + "\n" +
		"e@example.org,E," + many(badges.MaxRecordCohorts+1) + "\n"
	rows, err := badges.ParseMemberCSV(strings.NewReader(csv), 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(rows[0].Cohorts); got != "[Spring 2026 autumn]" || rows[0].Err != nil {
		t.Errorf("row 1: %s, %v", got, rows[0].Err)
	}
	if rows[1].Cohorts != nil || rows[1].Err != nil {
		t.Errorf("row 2: %v, %v", rows[1].Cohorts, rows[1].Err)
	}
	if badges.ErrorField(rows[2].Err) != "cohorts" {
		t.Errorf("row 3: %v", rows[2].Err)
	}
	if rows[3].Err != nil || len(rows[3].Cohorts) != 1 {
		t.Errorf("row 4 (one cohort named %d times): %v, %v", badges.MaxRecordCohorts+1, rows[3].Cohorts, rows[3].Err)
	}
	if badges.ErrorField(rows[4].Err) != "cohorts" || !strings.Contains(badges.ErrorMessage(rows[4].Err), "at most") {
		t.Errorf("row 5 (%d cohorts): %v", badges.MaxRecordCohorts+1, rows[4].Err)
	}
}

func many(n int) string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("c%d", i)
	}
	return strings.Join(names, "|")
}

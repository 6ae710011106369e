package api_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestCohorts_DeleteMemberAgain: a member deleted whose cohorts were not
// cleaned up (the clean-up failed) leaves them when the delete is sent
// again, though the member is gone and the answer is a 404.
func TestCohorts_DeleteMemberAgain(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	c := mustCohort(t, ts, iss, "Spring")
	m := mustMember(t, ts, iss, "ada@example.org", "Ada")
	ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + c.ID + "/members/" + m}).want(t, 204)
	if err := ts.stores.Members.DeleteMember(t.Context(), m); err != nil { // deleted, cohorts not cleaned up
		t.Fatal(err)
	}
	ts.do(t, req{method: "DELETE", path: "/api/v1/members/" + m}).wantProblem(t, 404, badges.ENOTFOUND, "")
	var got cohortOut
	ts.do(t, req{method: "GET", path: "/api/v1/cohorts/" + c.ID}).want(t, 200).JSON(t, &got)
	if got.Members != 0 {
		t.Errorf("the cohort counts %d members after its only one was deleted", got.Members)
	}
	if ids, err := ts.stores.Cohorts.MemberCohorts(t.Context(), m); err != nil || len(ids) != 0 {
		t.Errorf("the deleted member's cohorts: %v, %v", ids, err)
	}
}

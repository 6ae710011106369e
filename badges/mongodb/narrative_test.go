package mongodb_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// narrativeFixture is a community whose badges have a rule of every
// condition kind, on the real stores, awarding through a recording
// issuer. The member "ada" meets every rule.
type narrativeFixture struct {
	aw        *badges.Awarder
	previewer *badges.Previewer
	ada       string
	badges    map[string]string // achievement id by condition kind
	ids       []string          // every id a text must not show

	mu     sync.Mutex
	issued map[string]badges.AwardInput // by achievement id, for ada
	held   map[string]map[string]bool   // member id → achievement ids
}

// narrativeRules are a rule of every condition kind and of every
// combination, by the name of the badge they award.
var narrativeRules = map[string]string{
	"count":           `{"condition":{"count":{"behaviour":"hosted-session","min":2}}}`,
	"distinct":        `{"condition":{"count":{"behaviour":"attended-session","min":2,"distinct":"days","withinDays":90}}}`,
	"sum":             `{"condition":{"sum":{"behaviour":"volunteered","min":3}}}`,
	"streak":          `{"condition":{"streak":{"behaviour":"posted","min":2,"unit":"weeks"}}}`,
	"any streak":      `{"condition":{"streak":{"min":2,"unit":"weeks"}}}`,
	"peers mentored":  `{"condition":{"peers":{"behaviour":"mentored-member","min":2}}}`,
	"peers feedback":  `{"condition":{"peers":{"behaviour":"gave-feedback","min":2}}}`,
	"peers custom":    `{"condition":{"peers":{"behaviour":"ran-a-clinic","min":2,"withinDays":90}}}`,
	"holds":           `{"condition":{"holds":{"achievement":"$start"}}}`,
	"endorsements":    `{"condition":{"endorsements":{"min":1}}}`,
	"endorsed by":     `{"condition":{"endorsements":{"min":2,"fromHolders":"$lead"}}}`,
	"cohort":          `{"condition":{"cohort":{"name":"spring-2026"}}}`,
	"tenure":          `{"condition":{"tenure":{"days":7}}}`,
	"all":             `{"condition":{"all":[{"holds":{"achievement":"$start"}},{"peers":{"behaviour":"mentored-member","min":1}}]}}`,
	"any":             `{"condition":{"any":[{"holds":{"achievement":"$lead"}},{"endorsements":{"min":1,"fromHolders":"$lead"}}]}}`,
	"at least":        `{"condition":{"atLeast":{"n":2,"of":[{"sum":{"behaviour":"ran-a-clinic","min":2}},{"holds":{"achievement":"$start"}},{"tenure":{"days":1}}]}}}`,
	"pathway by rule": `{"condition":{"holds":{"achievement":"$count"}}}`,
}

func newNarrativeFixture(t *testing.T) *narrativeFixture {
	t.Helper()
	ctx := t.Context()
	db := mongotest.NewDB(t)
	ms, as := mongodb.NewMemberService(db), mongodb.NewAchievementService(db)
	f := &narrativeFixture{badges: map[string]string{}, issued: map[string]badges.AwardInput{}, held: map[string]map[string]bool{}}
	f.aw = newAwarder(db, f.issue, f.holdings)
	f.previewer = badges.NewPreviewer(f.aw.Catalogue, ms, f.aw.Records, f.holdings, nil, time.Now)
	if err := f.aw.Catalogue.AddBehaviour(ctx, issuerA, badges.Behaviour{Key: "ran-a-clinic", Name: "Ran a clinic",
		Description: "Ran a drop-in clinic.", Category: badges.CategoryMentoring}); err != nil {
		t.Fatal(err)
	}
	create := func(name, level string) string {
		a, err := as.CreateAchievement(ctx, issuerA, badges.AchievementInput{Name: name, Description: "D", Criteria: "C", Level: level, Status: badges.StatusActive})
		if err != nil {
			t.Fatal(err)
		}
		f.ids = append(f.ids, a.ID)
		return a.ID
	}
	start, lead := create("Pathway Start", ""), create("Circle Lead", badges.EndorserLevel)
	for kind := range narrativeRules {
		f.badges[kind] = create(strings.ToUpper(kind[:1])+kind[1:]+" Award", "")
	}
	for kind, rule := range narrativeRules {
		rule = strings.NewReplacer("$start", start, "$lead", lead, "$count", f.badges["count"]).Replace(rule)
		if _, err := f.aw.Catalogue.SetRule(ctx, f.badges[kind], mustParseRule(t, rule)); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	member := func(name string, holds ...string) string {
		m := mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: strings.ToLower(name) + "@example.org", DisplayName: name})
		f.ids = append(f.ids, m.ID)
		f.held[m.ID] = map[string]bool{}
		for _, h := range holds {
			f.held[m.ID][h] = true
		}
		return m.ID
	}
	f.ada = member("Ada", start)
	peers := []string{member("Bo", lead), member("Cy", lead), member("Di")}
	f.record(t, peers)
	for _, p := range peers[:2] {
		if _, err := f.aw.Endorse(ctx, issuerA, badges.EndorseInput{EndorserID: p, MemberID: f.ada, Note: "Thank you."}); err != nil {
			t.Fatal(err)
		}
	}
	f.drainAll(t)
	return f
}

// record records ada's activity of the last weeks: some of every
// behaviour her rules count, with peers, evidence and a cohort.
func (f *narrativeFixture) record(t *testing.T, peers []string) {
	t.Helper()
	now := time.Now().UTC()
	var ins []badges.ActivityInput
	add := func(behaviour string, daysAgo int, peer string, qty float64) {
		ins = append(ins, badges.ActivityInput{Activity: badges.Activity{MemberID: f.ada, Behaviour: behaviour, PeerID: peer, Quantity: qty,
			At: now.AddDate(0, 0, -daysAgo), EvidenceURL: fmt.Sprintf("https://example.org/%s/%d", behaviour, daysAgo), Cohort: "spring-2026"}})
	}
	for i, p := range peers[:2] {
		add("hosted-session", 20+i, "", 0)
		add("attended-session", 30+i, "", 0)
		add("volunteered", 25+i, "", 2)
		add("posted", 7*i+1, "", 0)
		add("mentored-member", 10+i, p, 0)
		add("gave-feedback", 12+i, peers[i+1], 0)
		add("ran-a-clinic", 14+i, p, 1.5)
	}
	res, err := f.aw.Record(t.Context(), issuerA, ins)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Outcome != badges.ActivityRecorded {
			t.Fatalf("record: %+v", r)
		}
	}
}

func (f *narrativeFixture) issue(_ context.Context, _ string, in badges.AwardInput) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in.MemberID == f.ada {
		f.issued[in.AchievementID] = in
	}
	f.held[in.MemberID][in.AchievementID] = true
	return "cred-" + in.IdempotencyKey, nil
}

func (f *narrativeFixture) holdings(_ context.Context, memberID string) (map[string]bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]bool{}
	for id := range f.held[memberID] {
		out[id] = true
	}
	return out, nil
}

// drainAll issues every queued award, and those the awards queue in
// turn (pathways).
func (f *narrativeFixture) drainAll(t *testing.T) {
	t.Helper()
	for range 10 {
		n, err := f.aw.Drain(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// checkNoIDs fails when a text shows an id: a badge's, a member's, or
// the key of a behaviour that has a name.
func (f *narrativeFixture) checkNoIDs(t *testing.T, where, text string) {
	t.Helper()
	shown := slices.Clone(f.ids)
	for _, b := range badges.DefaultBehaviours() {
		if !strings.EqualFold(b.Key, b.Name) {
			shown = append(shown, b.Key)
		}
	}
	shown = append(shown, "ran-a-clinic", issuerA)
	for _, id := range shown {
		if strings.Contains(text, id) {
			t.Errorf("%s shows %q: %q", where, id, text)
		}
	}
}

func mustParseRule(t *testing.T, s string) *badges.Rule {
	t.Helper()
	r, err := badges.ParseRule([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return r
}

// TestAwarder_TextsNameNotID: the narrative and evidence of an award by a
// rule of every condition kind, the member's progress and a preview of
// every rule name badges, behaviours and members by their names, and
// read as English.
func TestAwarder_TextsNameNotID(t *testing.T) {
	f := newNarrativeFixture(t)
	for kind, id := range f.badges {
		in, ok := f.issued[id]
		if !ok {
			t.Errorf("%s: not awarded", kind)
			continue
		}
		if in.Narrative == "" {
			t.Errorf("%s: no narrative", kind)
		}
		f.checkNoIDs(t, kind+" narrative", in.Narrative)
		for _, e := range in.Evidence {
			f.checkNoIDs(t, kind+" evidence", e.Name+" "+e.Description+" "+e.Narrative)
		}
	}
	for kind, want := range map[string]string{
		"holds": "Holds the Pathway Start badge.", "endorsed by": "Endorsed by 2 holders of the Circle Lead badge.",
		"peers mentored": "Mentored 2 different members ", "peers feedback": "Gave feedback to 2 different members ",
		"peers custom": "Ran a clinic for 2 different members ", "pathway by rule": "Holds the Count Award badge.",
		"sum": "Volunteered (4 in total) ", "cohort": "Member of the spring-2026 cohort.",
	} {
		if got := f.issued[f.badges[kind]].Narrative; !strings.HasPrefix(got, want) {
			t.Errorf("%s narrative %q; want it to begin %q", kind, got, want)
		}
	}
	progress, err := f.aw.Progress(t.Context(), f.ada)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range progress {
		for _, c := range p.Progress.Conditions {
			f.checkNoIDs(t, p.Achievement.Name+" progress", c.Description+" "+c.Narrative)
		}
	}
	for kind, id := range f.badges {
		r, err := f.aw.Catalogue.Rule(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		pv, err := f.previewer.Preview(t.Context(), id, r)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range append(pv.Qualify, pv.Closest...) {
			for _, c := range m.Progress.Conditions {
				f.checkNoIDs(t, kind+" preview", c.Description+" "+c.Narrative)
			}
		}
	}
}

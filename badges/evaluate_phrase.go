package badges

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Phrases that read as English whatever a community calls its behaviours
// and badges. Behaviour names are short past-tense phrases ("Mentored a
// member", "Gave feedback", "Posted"), badge names are titles ("Community
// Host"); narratives join them with counts and dates.

// BadgePhrase names a badge in a sentence: "the Community Host badge";
// a badge since deleted has no name, and is not shown by id.
func BadgePhrase(name string) string {
	switch {
	case name == "":
		return "a badge no longer offered"
	case strings.HasSuffix(strings.ToLower(name), "badge"):
		return "the " + name
	}
	return "the " + name + " badge"
}

// peerObjects are the objects a behaviour name may end in that stand for
// the other member involved: "Mentored a member" with 3 peers is
// "Mentored 3 different members".
var peerObjects = map[string]string{
	"a member": "members", "another member": "members", "someone": "members", "a peer": "peers",
	"a colleague": "colleagues", "a newcomer": "newcomers", "a learner": "learners", "a mentee": "mentees",
}

// peerPrepositions are the prepositions that suit the first word of a
// behaviour name before the members it involved: "Gave feedback to 4
// different members". Others take "with".
var peerPrepositions = map[string]string{
	"gave": "to", "replied": "to", "wrote": "to", "sent": "to",
	"hosted": "for", "organised": "for", "organized": "for", "ran": "for", "facilitated": "for",
	// verbs whose object is the member, when the name is the verb alone
	"helped": "", "coached": "", "supported": "", "welcomed": "", "thanked": "", "taught": "",
}

// peersClause says that a behaviour involved a number of different
// members: "Mentored 3 different members", "Gave feedback to 4 different
// members", "Helped 2 different members", "Led a project with 2 different
// members".
func peersClause(behaviour, count string) string {
	lower := strings.ToLower(behaviour)
	for object, many := range peerObjects {
		if strings.HasSuffix(lower, " "+object) {
			return behaviour[:len(behaviour)-len(object)] + count + " different " + many
		}
	}
	verb, _, _ := strings.Cut(lower, " ")
	prep, ok := peerPrepositions[verb]
	switch {
	case !ok:
		prep = "with"
	case prep == "" && !strings.Contains(behaviour, " "):
		return behaviour + " " + count + " different members"
	case prep == "":
		prep = "with"
	}
	return behaviour + " " + prep + " " + count + " different members"
}

// What is still needed, in words: a condition's Next, and a badge's
// sentence of what is done and what is next (AchievementProgress.Sentence),
// which the member portal and the weekly progress e-mail show.

// moreTimes is "once more", "twice more" or "3 more times".
func moreTimes(n int) string {
	switch n {
	case 1:
		return "once more"
	case 2:
		return "twice more"
	}
	return fmt.Sprintf("%d more times", n)
}

// countNext is a count's next step: "Hosted a session twice more in the
// last 90 days", or with distinct units "Posted in 2 more different weeks".
func countNext(name, distinct string, need int, window string) string {
	if need <= 0 {
		return ""
	}
	if distinct != "" {
		return name + " " + fmt.Sprintf(unitSentence[unitNamed(distinct)], strconv.Itoa(need)+" more") + window
	}
	return name + " " + moreTimes(need) + window
}

// streakNext is a streak's next step: "Posted 4 weeks in a row (your
// best so far is 2)".
func streakNext(subject string, need, best int, unit string) string {
	return fmt.Sprintf("%s %d %s in a row (your best so far is %d)", subject, need, unit, best)
}

// endorsementsNext is "Be endorsed by 2 more members" or "Be endorsed by
// 1 more holder of the Mentor badge".
func endorsementsNext(need int, fromHolders bool, badge string) string {
	if fromHolders {
		b := BadgePhrase(badge)
		return "Be endorsed by " + plural(need, "more holder of "+b, "more holders of "+b)
	}
	return "Be endorsed by " + plural(need, "more member", "more members")
}

// nextSteps joins the next steps of the unmet conditions as the rule
// combines them, lower-cased for the middle of a sentence: "a and b",
// "a or b", "any 2 of: a, b or c".
func (p Progress) nextSteps() string {
	var steps []string
	for _, c := range p.Conditions {
		if !c.Met && c.Next != "" {
			steps = append(steps, lowerFirst(c.Next))
		}
	}
	switch {
	case len(steps) == 0:
		return ""
	case p.Logic == KindAny:
		return joinWords(steps, "or")
	case p.Logic == KindAtLeast:
		met := len(p.Conditions) - len(steps)
		if need := p.AtLeast - met; need > 0 && need < len(steps) {
			return fmt.Sprintf("any %d of: %s", need, joinWords(steps, "or"))
		}
	}
	return joinWords(steps, "and")
}

// joinWords is "A", "A and B", "A, B and C".
func joinWords(parts []string, conj string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + conj + " " + parts[len(parts)-1]
}

// Done is what the member has done towards the badge, condition by
// condition: "Hosted a session: 2 of 3 in the last 90 days."
func (p AchievementProgress) Done() string {
	var ds []string
	for _, c := range p.Progress.Conditions {
		ds = append(ds, c.Description)
	}
	if len(ds) == 0 {
		return ""
	}
	return strings.Join(ds, "; ") + "."
}

// Next is what the member still needs for the badge, or "" when nothing:
// "Next: hosted a session once more in the last 90 days."
func (p AchievementProgress) Next() string {
	if p.Held || p.Progress.Met {
		return ""
	}
	steps := p.Progress.nextSteps()
	if steps == "" {
		return ""
	}
	return "Next: " + steps + "."
}

// Sentence is the badge's progress in words: held, on its way, or what
// is done and what is next.
func (p AchievementProgress) Sentence() string {
	badge := BadgePhrase(p.Achievement.Name)
	switch {
	case p.Held:
		return "You hold " + badge + "."
	case p.Progress.Met:
		return "You have done everything " + badge + " asks; it is on its way."
	}
	return strings.TrimSpace(p.Done() + " " + p.Next())
}

// NudgeLine is the one line the weekly e-mail gives a badge not held:
// "Hosted a session once more in the last 90 days for the Session Host
// badge."; "" when there is no next step to name.
func (p AchievementProgress) NudgeLine() string {
	if p.Held || p.Progress.Met {
		return ""
	}
	steps := p.Progress.nextSteps()
	if steps == "" {
		return ""
	}
	return upperFirst(steps) + " for " + BadgePhrase(p.Achievement.Name) + "."
}

// upperFirst capitalises the first letter of a phrase.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst lower-cases the first letter of a phrase, which starts with
// a verb ("Hosted a session" → "hosted a session"), for the middle of a
// sentence.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

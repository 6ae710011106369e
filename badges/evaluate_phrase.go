package badges

import (
	"strings"
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

package api

import (
	"cmp"
	"context"
	"strings"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// The credential page shows everything the credential says, and what
// the community says of its badge and its holder. What the signed
// document says (results, alignments, tags) is read from it; the rest
// (prerequisites, endorsements) from short-lived caches, so that the page
// stays one database read at most while it is shared widely.

// resultItem is one of the credential's results: how the recipient did.
type resultItem struct {
	Value, Status string // Status in words: "Completed", "In progress"
}

// skillChip is an alignment of the badge: a skill, competency or outcome
// it stands for, linked to where it is described.
type skillChip struct {
	Name, URL, Framework, Code, Description string
}

// prerequisite is a badge the achievement's rule asks the member to hold
// first. URL is empty when the badge has no public page (a draft, an
// archived badge).
type prerequisite struct {
	Name, URL string
}

// shownEndorsement is an endorsement the recipient received, as the public
// may see it: the endorser is named only when they have a public profile.
type shownEndorsement struct {
	From, FromURL, Note string
	When                shownDate
}

// credentialEndorsements is how many endorsements a credential page lists.
const credentialEndorsements = 5

// receivedEndorsements are a member's latest endorsements and how many
// they have in all, as cached for their credential pages.
type receivedEndorsements struct {
	items []badges.ReceivedEndorsement
	total int
}

// resultsOf are the credential's results, in words.
func resultsOf(doc *ob3.Credential) []resultItem {
	var out []resultItem
	for _, r := range doc.CredentialSubject.Result {
		if r.Value == "" && r.Status == "" {
			continue
		}
		out = append(out, resultItem{Value: r.Value, Status: resultStatusInWords(r.Status)})
	}
	return out
}

// resultStatusInWords writes an Open Badges result status for people:
// "InProgress" becomes "In progress".
func resultStatusInWords(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// skillsOf are the alignments the credential's achievement carries, the
// community's outcomes among them. A link is kept only when it is a web
// address.
func skillsOf(doc *ob3.Credential) []skillChip {
	a := doc.CredentialSubject.Achievement
	if a == nil {
		return nil
	}
	out := make([]skillChip, 0, len(a.Alignment))
	for _, al := range a.Alignment {
		chip := skillChip{Name: al.TargetName, Framework: al.TargetFramework, Code: al.TargetCode, Description: al.TargetDescription}
		if webAddress(al.TargetURL) {
			chip.URL = al.TargetURL
		}
		if chip.Name == "" {
			chip.Name = cmp.Or(chip.Code, chip.URL)
		}
		if chip.Name != "" {
			out = append(out, chip)
		}
	}
	return out
}

// tagsOf are the achievement's tags as the credential carries them,
// without the "level:" tag that carries its level (shown in words).
func tagsOf(doc *ob3.Credential) []string {
	a := doc.CredentialSubject.Achievement
	if a == nil {
		return nil
	}
	var out []string
	for _, t := range a.Tag {
		if !strings.HasPrefix(t, "level:") && strings.TrimSpace(t) != "" {
			out = append(out, t)
		}
	}
	return out
}

// levelInWords names a level and says what it recognises, for the usual
// pathway; another level is named only ("mentor-track": "Mentor track").
func levelInWords(level string) (name, meaning string) {
	switch level {
	case "":
		return "", ""
	case "participation":
		return "Participation", "for taking part in the community"
	case "contribution":
		return "Contribution", "for giving to the community: sharing, helping, making things"
	case "leadership":
		return "Leadership", "for leading others: hosting, mentoring, running projects"
	}
	words := strings.ReplaceAll(level, "-", " ")
	return strings.ToUpper(words[:1]) + words[1:], ""
}

// webAddress reports whether s is an http or https URL, the only links a
// page makes of what a credential says.
func webAddress(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// prerequisites are the badges the achievement's rule asks for (its
// "holds" conditions), named and linked to their pages. The community's
// rules and the badges are read through the definitions' caches.
func (s *Server) prerequisites(ctx context.Context, a *badges.Achievement) ([]prerequisite, error) {
	rules, err := s.cache.rules.get(a.IssuerID, func() (map[string]*badges.Rule, error) {
		return s.svc.Catalogue.RulesOf(ctx, a.IssuerID)
	})
	if err != nil {
		return nil, err
	}
	var out []prerequisite
	for _, id := range rules[a.ID].Dependencies().Achievements {
		p, err := s.achievement(ctx, id)
		switch {
		case badges.ErrorCode(err) == badges.ENOTFOUND:
			continue // deleted since the rule was saved
		case err != nil:
			return nil, err
		}
		item := prerequisite{Name: p.Name}
		if p.Status == badges.StatusActive {
			item.URL = s.urls.Achievement(p.ID)
		}
		out = append(out, item)
	}
	return out, nil
}

// endorsementsOf are the latest endorsements a member received, with how
// many they have in all. Endorsers are named only with their own consent
// to a public profile; others are "a member of" the community.
func (s *Server) endorsementsOf(ctx context.Context, memberID, community string) ([]shownEndorsement, int, error) {
	got, err := s.cache.endorsements.get(memberID, func() (receivedEndorsements, error) {
		items, total, err := s.svc.Recognition.EndorsementsReceived(ctx, memberID, credentialEndorsements)
		return receivedEndorsements{items: items, total: total}, err
	})
	if err != nil {
		return nil, 0, err
	}
	out := make([]shownEndorsement, len(got.items))
	for i, e := range got.items {
		out[i] = shownEndorsement{From: "A member of " + community, Note: e.Note, When: dateOf("Endorsed on", e.At)}
		m, err := s.publicMember(ctx, e.FromID)
		if err != nil {
			return nil, 0, err
		}
		if m != nil && m.Slug != "" {
			out[i].From, out[i].FromURL = m.DisplayName, s.urls.Member(m.Slug)
		}
	}
	return out, got.total, nil
}

package verifier

import (
	"strings"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// summarize collects what a credential discloses, for display. It trusts
// nothing: the checks say whether any of it is true.
func summarize(doc map[string]any) Summary {
	s := Summary{
		ID:          str(doc, "id"),
		Name:        text(doc["name"]),
		Description: text(doc["description"]),
		ImageURL:    imageURL(doc["image"]),
		IssuerID:    issuerID(doc),
		ValidFrom:   firstString(doc, "validFrom", "issuanceDate"),
		ValidUntil:  firstString(doc, "validUntil", "expirationDate"),
		AwardedDate: str(doc, "awardedDate"),
	}
	if issuer := obj(doc, "issuer"); issuer != nil {
		s.IssuerName = text(issuer["name"])
		s.IssuerURL = idOf(issuer["url"])
	}
	subjects := objects(doc["credentialSubject"])
	if len(subjects) == 0 {
		return s
	}
	subject := subjects[0]
	s.RecipientID = str(subject, "id")
	for _, id := range identities(subject) {
		if s.RecipientID == "" {
			s.RecipientID = str(id, "identityHash")
			s.RecipientHashed = isHashed(id)
		}
	}
	if a := obj(subject, "achievement"); a != nil {
		s.readAchievement(a)
	}
	return s
}

// readAchievement fills in what the achievement (the badge) says.
func (s *Summary) readAchievement(a map[string]any) {
	s.AchievementName = text(a["name"])
	s.AchievementDescription = text(a["description"])
	s.AchievementType = str(a, "achievementType")
	if c := obj(a, "criteria"); c != nil {
		s.Criteria = text(c["narrative"])
		if s.Criteria == "" {
			s.Criteria = str(c, "id")
		}
	}
	if s.ImageURL == "" {
		s.ImageURL = imageURL(a["image"])
	}
	if s.Name == "" {
		s.Name = s.AchievementName
	}
}

// imageURL reads an image: a URL, or an Image object with an id.
func imageURL(v any) string {
	u := idOf(v)
	// Data URLs can be megabytes; a display fetches them from the credential.
	if strings.HasPrefix(u, "data:") {
		return ""
	}
	return u
}

func firstString(doc map[string]any, names ...string) string {
	for _, n := range names {
		if s := str(doc, n); s != "" {
			return s
		}
	}
	return ""
}

// identities lists a subject's IdentityObjects: identifier (OB 3.0) or the
// earlier drafts' identity.
func identities(subject map[string]any) []map[string]any {
	return append(objects(subject["identifier"]), objects(subject["identity"])...)
}

func isHashed(id map[string]any) bool {
	h := id["hashed"]
	return h == true || h == "true"
}

// checkRecipient compares an e-mail address with the recipient: a hashed or
// plain e-mail identity, or a mailto: subject id.
func (v *Verifier) checkRecipient(r *Report, doc map[string]any, email string) {
	email = strings.TrimSpace(email)
	compared, matched := false, false
	for _, subject := range objects(doc["credentialSubject"]) {
		for _, id := range identities(subject) {
			if t := str(id, "identityType"); t != "" && t != "emailAddress" {
				continue
			}
			compared = true
			matched = matched || identityMatches(id, email)
		}
		if sid := str(subject, "id"); strings.HasPrefix(sid, "mailto:") {
			compared = true
			matched = matched || strings.EqualFold(strings.TrimPrefix(sid, "mailto:"), email)
		}
	}
	if !compared {
		r.add(CheckRecipient, Warn, "The credential discloses no e-mail identity to compare the address with.")
		return
	}
	r.RecipientMatched = &matched
	if matched {
		r.add(CheckRecipient, Pass, "The credential was issued to this e-mail address.")
		return
	}
	r.add(CheckRecipient, Fail, "The credential was not issued to this e-mail address.")
}

// identityMatches checks one e-mail identity. A hash is tried with the
// address as typed and in lower case, since issuers differ in normalising.
func identityMatches(id map[string]any, email string) bool {
	value := str(id, "identityHash")
	if !isHashed(id) {
		return strings.EqualFold(value, email)
	}
	salt := str(id, "salt")
	return ob3.MatchIdentityHash(value, email, salt) || ob3.MatchIdentityHash(value, strings.ToLower(email), salt)
}

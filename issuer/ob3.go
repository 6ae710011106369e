package issuer

import (
	"strconv"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// OB3Profile is p in its Open Badges 3.0 form. withContext adds @context
// for a standalone document.
func (u URLs) OB3Profile(p *Profile, withContext bool) *ob3.Profile {
	o := &ob3.Profile{ID: u.Issuer(p.ID), Type: []string{"Profile"}, Name: p.Name, URL: p.URL,
		Email: p.Email, Description: p.Description}
	if withContext {
		o.Context = ob3.Contexts
	}
	if p.Image != nil {
		o.Image = &ob3.Image{ID: u.Image(*p.Image), Type: "Image"}
	}
	return o
}

// OB3Achievement is a in its Open Badges 3.0 form, created by p. A level
// is carried as a tag "level:<level>", since the standard has no such term;
// each outcome a aligns to is an alignment pointing at its public page.
func (u URLs) OB3Achievement(a *badges.Achievement, p *Profile) *ob3.Achievement {
	o := &ob3.Achievement{
		Context:         ob3.Contexts,
		ID:              u.Achievement(a.ID),
		Type:            []string{"Achievement"},
		Name:            a.Name,
		Description:     a.Description,
		Criteria:        ob3.Criteria{ID: u.Achievement(a.ID) + "#criteria", Narrative: a.Criteria},
		Image:           &ob3.Image{ID: u.Image(a.Image), Type: "Image", Caption: a.Name},
		AchievementType: a.AchievementType,
		Tag:             a.Tags,
		Version:         strconv.Itoa(a.Version),
		Creator:         u.OB3Profile(p, false),
	}
	if a.Level != "" {
		o.Tag = append(append([]string(nil), a.Tags...), "level:"+a.Level)
	}
	for _, al := range a.Alignments {
		o.Alignment = append(o.Alignment, ob3.Alignment{Type: []string{"Alignment"}, TargetName: al.TargetName,
			TargetURL: al.TargetURL, TargetDescription: al.TargetDescription, TargetFramework: al.TargetFramework,
			TargetCode: al.TargetCode, TargetType: al.TargetType})
	}
	for _, r := range a.Outcomes {
		o.Alignment = append(o.Alignment, ob3.Alignment{Type: []string{"Alignment"}, TargetName: r.Name,
			TargetURL: u.Outcome(r.ID), TargetType: badges.OutcomeTargetType})
	}
	return o
}

// OB3Credential builds the unsigned Open Badges 3.0 credential of an award:
// the issuer and the achievement as they were at the awarded version, the
// recipient as a salted hash of the e-mail address, and its place in a
// revocation list.
func (u URLs) OB3Credential(aw *badges.Award, a *badges.Achievement, p *Profile, email string, list, index int) *ob3.Credential {
	ach := u.OB3Achievement(a, p)
	ach.Context = nil // embedded: the credential's context applies
	// A did:web issuer is named by its DID, as issuer and as creator alike.
	ach.Creator.ID = u.IssuerID(p)
	iss := u.OB3Profile(p, false)
	iss.ID = u.IssuerID(p)
	listURL := u.CredentialStatusList(p, list)
	salt := ob3.NewSalt()
	c := &ob3.Credential{
		Context:     ob3.CredentialContexts,
		ID:          u.Credential(aw.ID),
		Type:        []string{"VerifiableCredential", "OpenBadgeCredential"},
		Name:        a.Name,
		Description: a.Description,
		Image:       ach.Image,
		Issuer:      iss,
		ValidFrom:   aw.AwardedAt.UTC().Format(time.RFC3339),
		AwardedDate: cmpOr(aw.AwardedDate, aw.AwardedAt).UTC().Format(time.RFC3339),
		CredentialSubject: ob3.Subject{
			Type: []string{"AchievementSubject"},
			Identifier: []ob3.IdentityObject{{Type: "IdentityObject", IdentityHash: ob3.IdentityHash(email, salt),
				IdentityType: "emailAddress", Hashed: true, Salt: salt}},
			Achievement: ach,
			Narrative:   aw.Narrative,
		},
		CredentialSchema: []ob3.Schema{{ID: ob3.SchemaAchievement, Type: ob3.SchemaValidatorType}},
		CredentialStatus: &ob3.StatusEntry{
			ID:                   listURL + "#" + strconv.Itoa(index),
			Type:                 "BitstringStatusListEntry",
			StatusPurpose:        "revocation",
			StatusListIndex:      strconv.Itoa(index),
			StatusListCredential: listURL,
		},
	}
	if !aw.ValidUntil.IsZero() {
		c.ValidUntil = aw.ValidUntil.UTC().Format(time.RFC3339)
	}
	for _, r := range aw.Results {
		c.CredentialSubject.Result = append(c.CredentialSubject.Result, ob3.Result{Type: []string{"Result"}, Value: r.Value, Status: r.Status})
	}
	for _, e := range aw.Evidence {
		c.Evidence = append(c.Evidence, ob3.Evidence{ID: e.URL, Type: []string{"Evidence"}, Name: e.Name, Narrative: e.Narrative,
			Description: e.Description, Genre: e.Genre, Audience: e.Audience})
	}
	return c
}

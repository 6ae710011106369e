package issuer

import (
	"strconv"

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
// is carried as a tag "level:<level>", since the standard has no such term.
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
	return o
}

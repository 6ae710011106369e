package api

import (
	"context"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// credentialView is everything the public pages and images show of one
// credential: the signed document, the achievement and issuer it names,
// the member when they consent to be named (their profile is public and
// they did not keep their name off this credential), and a fresh verification.
type credentialView struct {
	*shownCredential
	achievement *badges.Achievement // the version it was issued with
	profile     *issuer.Profile
	member      *badges.Member // nil unless the member consents to be named
	report      *verifier.Report
	at          time.Time // when the view was made, by the server's clock
}

func (s *Server) credentialView(ctx context.Context, id string) (*credentialView, error) {
	cred, err := s.credential(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &credentialView{shownCredential: cred, at: s.now()}
	if v.achievement, err = s.achievementVersion(ctx, cred.AchievementID, cred.AchievementVersion); err != nil {
		return nil, err
	}
	if v.profile, err = s.profile(ctx, cred.IssuerID); err != nil {
		return nil, err
	}
	if v.member, err = s.namedRecipient(ctx, cred); err != nil {
		return nil, err
	}
	// The status line is the verifier's verdict on the VC-JWT, which needs
	// no network for Laurel's own credentials.
	if v.report, err = s.svc.Verifier.Verify(ctx, verifier.Input{Data: []byte(cred.JWT)}); err != nil {
		return nil, err
	}
	if v.report.Credential.Revoked && !cred.Revoked() {
		// Revoked by another process since the record was cached: read
		// it again for the date and the reason.
		s.forgetCredential(id)
		if v.shownCredential, err = s.credential(ctx, id); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// namedRecipient is the member a credential's page and images may name:
// one with a public profile who did not keep their name off this
// credential. Anyone else is nil.
func (s *Server) namedRecipient(ctx context.Context, cred *shownCredential) (*badges.Member, error) {
	v, err := s.shownVisibility(ctx, cred.ID)
	if err != nil || !v.Named() {
		return nil, err
	}
	return s.publicMember(ctx, cred.MemberID)
}

// recipientName is how pages and images name the recipient: "" unless
// they consent.
func (v *credentialView) recipientName() string {
	if v.member != nil {
		return v.member.DisplayName
	}
	return ""
}

// status is the live status line: what the verifier found, in words.
type status struct {
	Class string // valid, warning, revoked, expired, invalid
	Label string // one word or two, for the badge on the page
	Text  string // a sentence
}

func (v *credentialView) status() status {
	r := v.report
	switch {
	case r.Credential.Revoked || v.Revoked():
		text := "Revoked"
		if v.Revoked() {
			text += " on " + v.RevokedAt.Format(dateLayout)
			// The reason is the manager's to publish; kept private, it
			// stays in the admin API.
			if v.RevocationReason != "" && v.ReasonPublic {
				text += ": " + v.RevocationReason
			} else {
				text += "."
			}
		}
		return status{"revoked", "Revoked", text}
	case !v.ValidUntil.IsZero() && !v.ValidUntil.After(v.at):
		return status{"expired", "Expired", "Expired on " + v.ValidUntil.Format(dateLayout) + "."}
	case r.Verdict == verifier.Valid:
		return status{"valid", "Verified", "Verified just now: the signature, the dates and the revocation status all check out."}
	case r.Verdict == verifier.Warning:
		return status{"warning", "Verified", "Verified just now, with warnings; see the full report."}
	}
	return status{"invalid", "Not verified", "This credential did not verify: " + firstFailure(r) + "."}
}

func firstFailure(r *verifier.Report) string {
	for _, c := range r.Checks {
		if c.Outcome == verifier.Fail {
			return strings.TrimSuffix(c.Message, ".")
		}
	}
	return "no reason given"
}

// shareLinks are the share panel's destinations.
type shareLinks struct {
	LinkedInAdd, LinkedInShare, X, Facebook, Email string
}

func (s *Server) shareLinks(v *credentialView) shareLinks {
	page := s.urls.Credential(v.ID)
	name, org := v.doc.Name, v.profile.Name
	q := url.Values{
		"startTask":        {"CERTIFICATION_NAME"},
		"name":             {name},
		"organizationName": {org},
		"issueYear":        {v.Earned().UTC().Format("2006")},
		"issueMonth":       {fmt.Sprint(int(v.Earned().UTC().Month()))},
		"certUrl":          {page},
		"certId":           {v.ID},
	}
	if !v.ValidUntil.IsZero() {
		q.Set("expirationYear", v.ValidUntil.Format("2006"))
		q.Set("expirationMonth", fmt.Sprint(int(v.ValidUntil.Month())))
	}
	text := fmt.Sprintf("I earned the %s badge from %s.", name, org)
	return shareLinks{
		LinkedInAdd:   "https://www.linkedin.com/profile/add?" + q.Encode(),
		LinkedInShare: "https://www.linkedin.com/sharing/share-offsite/?" + url.Values{"url": {page}}.Encode(),
		X:             "https://x.com/intent/post?" + url.Values{"text": {text}, "url": {page}}.Encode(),
		Facebook:      "https://www.facebook.com/sharer/sharer.php?" + url.Values{"u": {page}}.Encode(),
		Email: "mailto:?" + strings.ReplaceAll(url.Values{"subject": {name + " — " + org},
			"body": {text + "\n\n" + page}}.Encode(), "+", "%20"),
	}
}

// evidenceItem is one piece of evidence as the page shows it.
type evidenceItem struct {
	Name, URL, Description string
	Narrative              template.HTML
}

type credentialPage struct {
	page
	ID, URL                      string
	Name, BadgeDescription       string
	Criteria                     template.HTML
	AchievementURL, Level        string
	IssuerName, IssuerURL        string
	Recipient, RecipientURL      string
	Narrative                    template.HTML
	Evidence                     []evidenceItem
	Earned                       shownDate  // awardedDate: when the member earned it, not when it was signed
	ValidUntil                   *shownDate // nil when it does not expire
	Status                       status
	VerifyURL                    string
	Share                        shareLinks
	QRURL, QRSVGURL              string
	BadgePNGURL, BadgeSVGURL     string
	JSONURL, JWTURL              string
	BadgeImageURL, BadgeImageAlt string
	PNGAvailable                 bool
}

func (s *Server) credentialPage(v *credentialView) credentialPage {
	base := s.urls.Credential(v.ID)
	a := v.achievement
	d := credentialPage{ID: v.ID, URL: base, Name: v.doc.Name, BadgeDescription: a.Description,
		Criteria: renderMarkdown(a.Criteria), AchievementURL: s.urls.Achievement(a.ID), Level: a.Level,
		IssuerName: v.profile.Name, IssuerURL: s.urls.Issuer(v.profile.ID),
		Earned: dateOf("Earned on", v.Earned()), Status: v.status(),
		VerifyURL: "/verify?" + url.Values{"credential": {base}}.Encode(), Share: s.shareLinks(v),
		QRURL: base + "/qr.png", QRSVGURL: base + "/qr.svg", BadgePNGURL: base + "/badge.png", BadgeSVGURL: base + "/badge.svg",
		JSONURL: base + ".json", JWTURL: base + ".jwt", BadgeImageURL: s.urls.Image(a.Image),
		BadgeImageAlt: "Badge image for " + v.doc.Name, PNGAvailable: pngAvailable(a.Image)}
	if v.member != nil {
		d.Recipient, d.RecipientURL = v.member.DisplayName, s.urls.Member(v.member.Slug)
	}
	if !v.ValidUntil.IsZero() {
		until := dateOf("Expires on", v.ValidUntil)
		d.ValidUntil = &until
	}
	if n := v.doc.CredentialSubject.Narrative; n != "" {
		d.Narrative = renderMarkdown(n)
	}
	for _, e := range v.doc.Evidence {
		item := evidenceItem{Name: e.Name, Description: e.Description}
		if strings.HasPrefix(e.ID, "https://") || strings.HasPrefix(e.ID, "http://") {
			item.URL = e.ID
		}
		if e.Narrative != "" {
			item.Narrative = renderMarkdown(e.Narrative)
		}
		d.Evidence = append(d.Evidence, item)
	}
	recipient := "a verified recipient"
	if d.Recipient != "" {
		recipient = d.Recipient
	}
	d.Title = v.doc.Name
	d.Description = fmt.Sprintf("%s, awarded to %s by %s on %s.", v.doc.Name, recipient, v.profile.Name, d.Earned.Human)
	d.CanonicalURL, d.JSONURL, d.Brand = base, base+".json", s.brandOf(v.profile)
	d.ImageURL, d.ImageAlt = base+"/preview.png", d.Description
	d.ImageWidth, d.ImageHeight, d.LargeImage = 1200, 630, true
	return d
}

// pngAvailable says whether the badge can be had as PNG: any artwork can,
// an SVG in its PNG rendition (badgeart.go).
func pngAvailable(img badges.ImageRef) bool {
	return img.Format == badges.ImagePNG || img.Format == badges.ImageSVG
}

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
	"github.com/laurel-badges/laurel/issuer/ob3"
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

	// Read for the page only (see withDetails): the badges the
	// achievement asks for first, and the named member's endorsements.
	prerequisites    []prerequisite
	endorsements     []shownEndorsement
	endorsementTotal int
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
	if v.report, err = s.svc.Verifier.Verify(ctx, cred.verification()); err != nil {
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
// credential. Anyone else is nil. The member is read first: most have no
// public profile, and then the credential's record, the larger one, need
// not be read again for its visibility.
func (s *Server) namedRecipient(ctx context.Context, cred *shownCredential) (*badges.Member, error) {
	m, err := s.publicMember(ctx, cred.MemberID)
	if err != nil || m == nil {
		return nil, err
	}
	v, err := s.shownVisibility(ctx, cred.ID)
	if err != nil || !v.Named() {
		return nil, err
	}
	return m, nil
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
	Class string // valid, warning, revoked, expired, invalid (also when it could not be checked)
	Label string // one word or two, for the badge on the page
	Text  string // a sentence
	// Headline and Since lead the banner of a credential that no longer
	// counts ("Revoked on" 3 May 2026); Reason is a revocation's reason
	// when the issuer chose to publish it.
	Headline string
	Since    *shownDate
	Reason   string
}

// live reports whether the credential counts: only then does its page
// offer sharing and downloads.
func (st status) live() bool { return st.Class == "valid" || st.Class == "warning" }

func (v *credentialView) status() status {
	r := v.report
	switch {
	case r.Credential.Revoked || v.Revoked():
		st := status{Class: "revoked", Label: "Revoked", Text: "Revoked.", Headline: "Revoked"}
		if v.Revoked() {
			since := dateOf("Revoked on", v.RevokedAt)
			st.Headline, st.Since, st.Text = since.Label, &since, since.Label+" "+since.Human+"."
			// The reason is the manager's to publish; kept private, it
			// stays in the admin API.
			if v.RevocationReason != "" && v.ReasonPublic {
				st.Reason = v.RevocationReason
				st.Text = since.Label + " " + since.Human + ": " + v.RevocationReason
			}
		}
		return st
	case !v.ValidUntil.IsZero() && !v.ValidUntil.After(v.at):
		since := dateOf("Expired on", v.ValidUntil)
		return status{Class: "expired", Label: "Expired", Text: since.Label + " " + since.Human + ".", Headline: since.Label, Since: &since}
	case r.Verdict == verifier.Valid:
		return status{Class: "valid", Label: "Verified", Text: "Verified just now: the signature, the dates and the revocation status all check out."}
	case r.Verdict == verifier.Warning:
		return status{Class: "warning", Label: "Verified", Text: "Verified just now, with warnings; see the full report."}
	case r.Verdict == verifier.Unchecked:
		// Nothing was found wrong, but nothing vouches for it either.
		return status{Class: "invalid", Label: "Not checked", Headline: "Could not be checked",
			Text: "This credential could not be checked just now: " + firstUnreachable(r) + ". Try again later."}
	}
	return status{Class: "invalid", Label: "Not verified", Text: "This credential did not verify: " + firstFailure(r) + ".", Headline: "Not verified"}
}

func firstUnreachable(r *verifier.Report) string {
	for _, c := range r.Checks {
		if c.Outcome == verifier.Unreachable {
			return strings.TrimSuffix(c.Message, ".")
		}
	}
	return "a document it needs could not be fetched"
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
	AchievementURL               string
	Level                        string // the level's name in words ("Leadership"), "" for none
	LevelMeaning                 string // what the level recognises, for the usual ones
	IssuerName, IssuerURL        string
	Recipient, RecipientURL      string
	Narrative                    template.HTML
	Evidence                     []evidenceItem
	Results                      []resultItem
	Skills                       []skillChip
	Tags                         []string
	Prerequisites                []prerequisite
	Endorsements                 []shownEndorsement
	EndorsementTotal             int
	Earned                       shownDate  // awardedDate: when the member earned it, not when it was signed
	ValidUntil                   *shownDate // nil when it does not expire; "Expired on" once past
	Status                       status
	Live                         bool // the credential counts: the page offers sharing and downloads
	VerifyURL                    string
	Share                        shareLinks
	QRURL, QRSVGURL              string
	BadgePNGURL, BadgeSVGURL     string
	JSONURL, JWTURL              string
	BadgeImageURL, BadgeImageAlt string
	PNGAvailable                 bool
}

// credentialPage is what the credential's page shows: the facts kept with
// its record, and what this view found (see credentialpage_kept.go).
func (s *Server) credentialPage(v *credentialView) credentialPage {
	return s.keptFacts(v).facts.page(v.pageState(s))
}

// newCredentialFacts works out what a credential's page shows that
// depends on nothing but its record, the achievement as it was issued
// and the issuer's profile; the fields of a view are left zero.
func (s *Server) newCredentialFacts(cred *shownCredential, a *badges.Achievement, p *issuer.Profile) *credentialFacts {
	base := s.urls.Credential(cred.ID)
	d := credentialPage{ID: cred.ID, URL: base, Name: cred.doc.Name, BadgeDescription: a.Description,
		Criteria: renderMarkdown(a.Criteria), AchievementURL: s.urls.Achievement(a.ID),
		IssuerName: p.Name, IssuerURL: s.urls.Issuer(p.ID),
		Earned:    dateOf("Earned on", cred.Earned()),
		VerifyURL: "/verify?" + url.Values{"credential": {base}}.Encode(),
		QRURL:     base + "/qr.png", QRSVGURL: base + "/qr.svg", BadgePNGURL: base + "/badge.png", BadgeSVGURL: base + "/badge.svg",
		JSONURL: base + ".json", JWTURL: base + ".jwt", BadgeImageURL: s.urls.Image(a.Image),
		BadgeImageAlt: "Badge image for " + cred.doc.Name, PNGAvailable: pngAvailable(a.Image)}
	d.Level, d.LevelMeaning = levelInWords(a.Level)
	d.Results, d.Skills, d.Tags = resultsOf(&cred.doc), skillsOf(&cred.doc), tagsOf(&cred.doc)
	d.Share = s.shareLinks(&credentialView{shownCredential: cred, achievement: a, profile: p})
	if n := cred.doc.CredentialSubject.Narrative; n != "" {
		d.Narrative = renderMarkdown(n)
	}
	d.Evidence = credentialEvidence(&cred.doc)
	d.Title = cred.doc.Name
	d.Description = describeCredential(&d, "a verified recipient")
	d.CanonicalURL, d.JSONURL, d.Brand = base, base+".json", s.brandOf(p)
	d.ImageURL, d.ImageAlt = base+"/preview.png", d.Description
	d.ImageWidth, d.ImageHeight, d.LargeImage = 1200, 630, true
	f := &credentialFacts{base: d}
	if !cred.ValidUntil.IsZero() {
		until, expired := dateOf("Expires on", cred.ValidUntil), dateOf("Expired on", cred.ValidUntil)
		f.until, f.expired = &until, &expired
	}
	return f
}

// describeCredential is the page's description, for search engines and
// social previews.
func describeCredential(d *credentialPage, recipient string) string {
	return d.Name + ", awarded to " + recipient + " by " + d.IssuerName + " on " + d.Earned.Human + "."
}

// credentialEvidence is the credential's evidence as the page lists it; only a
// web address becomes a link.
func credentialEvidence(doc *ob3.Credential) []evidenceItem {
	var out []evidenceItem
	for _, e := range doc.Evidence {
		item := evidenceItem{Name: e.Name, Description: e.Description}
		if webAddress(e.ID) {
			item.URL = e.ID
		}
		if e.Narrative != "" {
			item.Narrative = renderMarkdown(e.Narrative)
		}
		out = append(out, item)
	}
	return out
}

// withDetails reads what the credential page shows besides the credential
// and its view: the prerequisites of its badge and, when the recipient is
// named, the endorsements they received. Both come from caches.
func (s *Server) withDetails(ctx context.Context, v *credentialView) error {
	var err error
	if v.prerequisites, err = s.prerequisites(ctx, v.achievement); err != nil {
		return err
	}
	if v.member == nil {
		return nil
	}
	v.endorsements, v.endorsementTotal, err = s.endorsementsOf(ctx, v.member.ID, v.profile.Name)
	return err
}

// stillOffered refuses the baked badge of a credential that no longer
// counts, as its page no longer links it: a badge image is made to be
// shown and passed on. Its signed document stays at its URL, for
// verifiers.
func (s *Server) stillOffered(v *credentialView) error {
	st := v.status()
	if st.Class != "revoked" && st.Class != "expired" {
		return nil
	}
	when := strings.ToLower(st.Headline) // "revoked on", "expired on", or "revoked" when the date is unknown yet
	if st.Since != nil {
		when += " " + st.Since.Human
	}
	return badges.Errorf(eGone, "This badge is no longer valid (%s), so its image is no longer offered; its signed credential stays at %s.json for verifiers.",
		when, s.urls.Credential(v.ID))
}

// pngAvailable says whether the badge can be had as PNG: any artwork can,
// an SVG in its PNG rendition (badgeart.go).
func pngAvailable(img badges.ImageRef) bool {
	return img.Format == badges.ImagePNG || img.Format == badges.ImageSVG
}

package api

import (
	"bytes"
	"reflect"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// A credential's page is opened again and again, and is the same bytes
// until something it shows changes. Running the template for every view
// cost a third of the server's time, so the page is built from two parts:
//
//   - the facts: what depends only on the record, the achievement as it
//     was issued and the issuer's profile (names, criteria, evidence,
//     links), worked out once and kept with the record while those stay
//     the same;
//   - the state: what a view finds (the verifier's verdict, the expiry by
//     the server's clock, the named recipient, prerequisites,
//     endorsements), worked out for every view, as before.
//
// The rendered page is kept with the facts and the state it was rendered
// from, and served again only to a view that finds the same state: a
// revocation, an expiry or a change of consent changes the state, and the
// page is rendered anew at once. Nothing of the verification is kept.

// credentialFacts are the kept part of a credential's page.
type credentialFacts struct {
	base           credentialPage // the fields of a view are zero
	until, expired *shownDate     // the expiry, before and after it passes; nil when none
}

// pageState is what one view of a credential adds to its facts. The page
// is a function of the facts and the state alone: every field a view sets
// is here, and equal compares them all.
type pageState struct {
	Status                  status
	Expired                 bool
	Recipient, RecipientURL string
	Prerequisites           []prerequisite
	Endorsements            []shownEndorsement
	EndorsementTotal        int
}

// keptPage is what a cached credential record keeps of its page.
type keptPage struct {
	// What the facts were made from; the caches hand out a new value when
	// they read one again.
	achievement *badges.Achievement
	profile     *issuer.Profile
	facts       *credentialFacts
	// The page as last rendered, and the state it shows; no data before
	// the first render.
	state pageState
	page  blob
}

// pageState is what this view adds to the credential's facts.
func (v *credentialView) pageState(s *Server) pageState {
	st := pageState{Status: v.status(), Prerequisites: v.prerequisites,
		Endorsements: v.endorsements, EndorsementTotal: v.endorsementTotal}
	st.Expired = !v.ValidUntil.IsZero() && !v.ValidUntil.After(v.at)
	if v.member != nil {
		st.Recipient, st.RecipientURL = v.member.DisplayName, s.urls.Member(v.member.Slug)
	}
	return st
}

// equal reports whether two states show the same; Since is compared by
// what it says.
func (st pageState) equal(o pageState) bool {
	a, b := st.Status, o.Status
	if (a.Since == nil) != (b.Since == nil) || (a.Since != nil && *a.Since != *b.Since) {
		return false
	}
	a.Since, b.Since = nil, nil
	return a == b && st.Expired == o.Expired && st.Recipient == o.Recipient && st.RecipientURL == o.RecipientURL &&
		slices.Equal(st.Prerequisites, o.Prerequisites) && slices.Equal(st.Endorsements, o.Endorsements) &&
		st.EndorsementTotal == o.EndorsementTotal
}

// page is the page's data for one view.
func (f *credentialFacts) page(st pageState) credentialPage {
	d := f.base
	d.Status, d.Live = st.Status, st.Status.live()
	d.Prerequisites, d.Endorsements, d.EndorsementTotal = st.Prerequisites, st.Endorsements, st.EndorsementTotal
	if st.Recipient != "" {
		d.Recipient, d.RecipientURL = st.Recipient, st.RecipientURL
		d.Description = describeCredential(&d, st.Recipient)
		d.ImageAlt = d.Description
	}
	d.ValidUntil = f.until
	if st.Expired {
		d.ValidUntil = f.expired
	}
	return d
}

// keptFacts are the facts of the view's credential: those kept with its
// record while the achievement and the profile are the same values, else
// worked out again. Facts found unchanged (the caches read the same
// achievement again every few seconds) keep their rendered page.
func (s *Server) keptFacts(v *credentialView) *keptPage {
	k := v.kept.Load()
	if k != nil && k.achievement == v.achievement && k.profile == v.profile {
		return k
	}
	next := &keptPage{achievement: v.achievement, profile: v.profile,
		facts: s.newCredentialFacts(v.shownCredential, v.achievement, v.profile)}
	if k != nil && reflect.DeepEqual(k.facts, next.facts) {
		next.facts, next.state, next.page = k.facts, k.state, k.page
	}
	v.kept.Store(next)
	return next
}

// serveCredentialPage answers with the credential's page: the kept bytes
// when this view finds what they show, else rendered anew and kept.
func (s *Server) serveCredentialPage(c echo.Context, v *credentialView) error {
	k := s.keptFacts(v)
	st := v.pageState(s)
	if k.page.data == nil || !k.state.equal(st) {
		page, err := s.render("credential", k.facts.page(st))
		if err != nil {
			return err
		}
		rendered := *k
		// Kept at its size, not in the room the buffer grew to.
		page.data = bytes.Clone(page.data)
		rendered.state, rendered.page = st, page
		v.kept.CompareAndSwap(k, &rendered)
		k = &rendered
	}
	return servePage(c, k.page)
}

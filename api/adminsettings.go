package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// A community's settings are its issuer profile, as PATCH
// /api/v1/issuers/:id changes it (name, description, home page, contact,
// JWT algorithm, accent colour, identifier), its logo, as PUT …/image sets it, and
// its signing keys, as GET …/keys lists them and POST …/keys/rotate
// rotates them: the same services, the same validation.

type settingsPage struct {
	adminPage
	In        settingsForm
	Algs      []choice
	Accent    issuer.Accent // the saved accent, or Laurel's own
	OwnAccent bool          // the community has chosen one
	PublicURL string
	DID       string // the community's DID, or the one did:web would give it
	DIDDocURL string // its DID document, once it has a DID
	ImagePath string // the logo the public pages show, "" when none
	ImageMax  string // the largest logo, in words
	Keys      []keyRow
	Form      formState
}

// settingsForm is the profile as typed.
type settingsForm struct {
	Name, Description, URL, Email, JWTAlg, AccentColor string
	FrontDoor                                          bool // listed on Laurel's front door
	DIDWeb                                             bool // new credentials name the community by its did:web DID
}

// keyRow is one signing key, in words.
type keyRow struct {
	Use, Alg   string
	Generation int
	Current    bool
	Made       string
}

// laurelAccent is the colour of Laurel's own pages (laurel.css --accent).
const laurelAccent = "#25613f"

// algWords say which verifiers accept each JWT algorithm.
var algWords = map[string]string{
	issuer.AlgRS256: "RS256 (accepted by every verifier)",
	issuer.AlgES256: "ES256 (smaller; accepted by most verifiers)",
	issuer.AlgEdDSA: "EdDSA (smallest; accepted by fewer verifiers; baked badges then carry the signed JSON)",
}

func (s *Server) handleSettingsPage(c echo.Context) error {
	p := visitOf(c).Community
	return s.renderSettings(c, http.StatusOK, settingsPage{In: savedSettings(p)})
}

// savedSettings is the form of a profile as it is stored.
func savedSettings(p *issuer.Profile) settingsForm {
	return settingsForm{Name: p.Name, Description: p.Description, URL: p.URL, Email: p.Email, JWTAlg: p.JWTAlg, AccentColor: p.AccentColor,
		FrontDoor: !p.Unlisted, DIDWeb: p.UsesDIDWeb()}
}

// renderSettings draws the settings of the visited community, with the
// form's values as given.
func (s *Server) renderSettings(c echo.Context, status int, p settingsPage) error {
	v := visitOf(c)
	prof := v.Community
	for _, alg := range issuer.JWTAlgs {
		p.Algs = append(p.Algs, choice{Value: alg, Label: algWords[alg], Selected: alg == p.In.JWTAlg})
	}
	p.OwnAccent = prof.AccentColor != ""
	color := prof.AccentColor
	if color == "" {
		color = laurelAccent
	}
	p.Accent, _ = issuer.ParseAccent(color)
	p.PublicURL = s.urls.Issuer(prof.ID)
	p.DID = prof.DID
	if p.DID == "" {
		p.DID = issuer.DIDWeb(s.urls.DIDWebHost(), prof.ID)
	} else {
		p.DIDDocURL = s.urls.DIDDocumentURL(prof.ID)
	}
	if prof.Image != nil {
		p.ImagePath = "/images/" + prof.Image.FileName()
	}
	p.ImageMax = sizeWords(s.cfg.ImageLimit)
	keys, err := s.svc.Issuing.Keys(c.Request().Context(), prof.ID)
	if err != nil {
		return err
	}
	p.Keys = keyRows(keys)
	p.adminPage = s.adminPageFor(c, v, "Settings", "settings")
	return s.renderAdmin(c, status, "settings", p)
}

// keyRows are an issuer's keys in words, the newest of each use marked.
func keyRows(keys []*issuer.Key) []keyRow {
	uses := map[issuer.KeyUse]string{issuer.UseDataIntegrity: "Data Integrity", issuer.UseJWT: "VC-JWT"}
	out := make([]keyRow, 0, len(keys))
	for _, k := range keys {
		use := uses[k.Use]
		if use == "" {
			use = string(k.Use)
		}
		out = append(out, keyRow{Use: use, Alg: k.Alg, Generation: k.Generation, Current: issuer.Newest(keys, k.Use) == k, Made: dayOf(k.CreatedAt)})
	}
	return out
}

// handleSettingsSave changes the community's profile as PATCH
// /api/v1/issuers/:id does.
func (s *Server) handleSettingsSave(c echo.Context) error {
	v := visitOf(c)
	in := settingsForm{Name: c.FormValue("name"), Description: c.FormValue("description"), URL: c.FormValue("url"),
		Email: c.FormValue("email"), JWTAlg: c.FormValue("jwtAlg"), AccentColor: c.FormValue("accentColor"),
		FrontDoor: c.FormValue("frontDoor") == "yes", DIDWeb: c.FormValue("identifier") == issuer.IdentifierDIDWeb}
	off := !in.FrontDoor
	identifier := issuer.IdentifierHTTPS
	if in.DIDWeb {
		identifier = issuer.IdentifierDIDWeb
	}
	p, err := s.svc.Issuers.UpdateProfile(c.Request().Context(), v.Community.ID, issuer.ProfileUpdate{
		Name: &in.Name, Description: &in.Description, URL: &in.URL, Email: &in.Email, JWTAlg: &in.JWTAlg, AccentColor: &in.AccentColor,
		Unlisted: &off, Identifier: &identifier, DIDWebHost: s.urls.DIDWebHost()})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		page := settingsPage{In: in}
		page.Form.fail(err, "name")
		return s.renderSettings(c, statusOf[badges.ErrorCode(err)], page)
	}
	s.forgetProfile(p.ID)
	return s.redirectDone(c, "/admin/c/"+p.ID+"/settings", "The settings of "+p.Name+" are saved.")
}

// handleSettingsLogo sets the community's logo from an uploaded PNG or
// SVG, validated as PUT /api/v1/issuers/:id/image validates it.
func (s *Server) handleSettingsLogo(c echo.Context) error {
	v := visitOf(c)
	img, err := s.uploadedImage(c)
	var p *issuer.Profile
	if err == nil {
		p, err = s.svc.Issuers.SetProfileImage(c.Request().Context(), v.Community.ID, img)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		page := settingsPage{In: savedSettings(v.Community)}
		page.Form.fail(err, "image")
		return s.renderSettings(c, statusOf[badges.ErrorCode(err)], page)
	}
	s.forgetProfile(p.ID)
	return s.redirectDone(c, "/admin/c/"+p.ID+"/settings", "The logo of "+p.Name+" is changed.")
}

// sizeWords writes a size limit as people read it ("1 MiB", "256 KiB").
func sizeWords(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return thousands(n>>20) + " MiB"
	}
	if n >= 1<<10 {
		return thousands(n>>10) + " KiB"
	}
	return thousands(n) + " bytes"
}

package api

import (
	"context"
	"encoding/json"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/verifier"
)

// Verifier checks credentials from anyone.
type Verifier interface {
	Verify(ctx context.Context, in verifier.Input) (*verifier.Report, error)
}

// maxVerifyBytes bounds the credential or image the public verify
// endpoints read, far below what other routes accept, because anyone may
// ask and checking a credential costs CPU in proportion to its size (and
// more). It is what legitimate input needs, with room to spare: a baked
// badge is its artwork (at most badges.MaxImageBytes, 1 MiB; a third more
// when a PNG is wrapped in SVG) and a JWT of a few kB; a credential sent
// as JSON or JWT is a few kB to a few hundred with embedded endorsements
// or an image (the 1EdTech validator's largest test credential is 31 kB).
const maxVerifyBytes = 2 << 20

// verifyTimeout bounds one verification, whatever the servers it fetches
// from do: a verifier may make a few dozen requests of 5 s each.
const verifyTimeout = 15 * time.Second

// verify runs the verifier within verifyTimeout.
func (s *Server) verify(ctx context.Context, in verifier.Input) (*verifier.Report, error) {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	return s.svc.Verifier.Verify(ctx, in)
}

type verifyRequest struct {
	Credential json.RawMessage `json:"credential"` // a credential object, or a compact JWT as a JSON string
	URL        string          `json:"url"`
	Email      string          `json:"email"`
}

// handleVerifyAPI verifies a credential sent as JSON ({credential | url,
// email}), as a raw body (JWT text, credential JSON, PNG or SVG) or as a
// multipart file. Failed checks are a 200 report; only unreadable input is
// a 4xx.
func (s *Server) handleVerifyAPI(c echo.Context) error {
	in, err := s.verifyInput(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rep, err := s.verify(ctx, in)
	if err != nil {
		return err
	}
	plain, err := s.plainWords(ctx, rep)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, verifyAnswer{Report: rep, Plain: plainAnswer{Finding: plain.Finding, Headline: plain.Headline, Reason: plain.Reason}})
}

// verifyAnswer is the verify API's answer: the report, and the verify
// page's answer in plain words.
type verifyAnswer struct {
	*verifier.Report
	Plain plainAnswer `json:"plain"`
}

type plainAnswer struct {
	Finding  verifier.Finding `json:"finding"`
	Headline string           `json:"headline"`
	Reason   string           `json:"reason,omitempty"`
}

// verifyInput reads a verification request in any of the accepted forms.
func (s *Server) verifyInput(c echo.Context) (verifier.Input, error) {
	var in verifier.Input
	switch mt := mediaType(c); mt {
	case echo.MIMEApplicationJSON:
		body, err := s.readBody(c)
		if err != nil {
			return in, err
		}
		if token, ok := tokenOnlyBody(body); ok {
			in.Data = token
			return in, nil
		}
		var req verifyRequest
		if err := decodeBody(body, &req); err != nil {
			return in, err
		}
		in.URL, in.Email = strings.TrimSpace(req.URL), req.Email
		var text string
		if json.Unmarshal(req.Credential, &text) == nil {
			in.Data = []byte(text)
		} else {
			in.Data = req.Credential
		}
		if len(in.Data) == 0 && in.URL == "" {
			return in, badges.FieldErrorf("credential", "The field \"credential\" is empty: send a credential (an object or a JWT string), or a url.")
		}
		return in, nil
	case echo.MIMEMultipartForm:
		return s.verifyForm(c)
	case "text/plain", mimeVCJWT, mimeVCLD, mimeLDJSON, "image/png", "image/svg+xml", echo.MIMEOctetStream:
		data, err := s.readBody(c)
		in.Data, in.Email = data, c.QueryParam("email")
		return in, err
	default:
		return in, unsupportedMedia(mt, echo.MIMEApplicationJSON, "multipart/form-data", "text/plain", "image/png", "image/svg+xml")
	}
}

// verifyForm reads the verify page's form: a file, pasted text or a URL,
// and optionally an e-mail address.
func (s *Server) verifyForm(c echo.Context) (verifier.Input, error) {
	var in verifier.Input
	form, err := verifyFormValues(c) // within the route's body limit
	if err != nil {
		return in, s.readFailure(c, err, "upload")
	}
	in.Email = strings.TrimSpace(first(form.Value["email"]))
	in.URL = strings.TrimSpace(first(form.Value["url"]))
	if files := form.File["file"]; len(files) > 0 && files[0].Size > 0 {
		in.Data, err = readUpload(files[0], s.bodyLimitOf(c))
		return in, err
	}
	if text := strings.TrimSpace(first(form.Value["credential"])); text != "" {
		in.Data = []byte(text)
	}
	if len(in.Data) == 0 && in.URL == "" {
		return in, badges.FieldErrorf("credential", "The form is empty: paste a credential, upload a badge image or give a credential's URL.")
	}
	return in, nil
}

// verifyFormValues reads the verify form as the page sends it (multipart,
// for its file field) or as a plain form without a file, such as a link
// or a script posts.
func verifyFormValues(c echo.Context) (*multipart.Form, error) {
	r := c.Request()
	if ct, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); ct == echo.MIMEApplicationForm {
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		return &multipart.Form{Value: r.PostForm}, nil
	}
	return c.MultipartForm()
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

type verifyPage struct {
	page
	// What was asked, kept for the form: the pasted credential, the URL
	// and the e-mail address (a chosen file cannot be given back).
	Credential, URL, Email string
	Error                  string
	Checked                bool
	Report                 *verifier.Report
	Plain                  verifier.Plain
	Look                   verdictLook
	// Trusted: the signature verified, so the credential's content is
	// shown as its issuer's; otherwise at most its name, as a claim.
	Trusted     bool
	ClaimedName string
	Reason      []messagePart // the deciding check, in a sentence
	BadgePage   string        // this Laurel's page of the credential, if it issued it
	ArtURL      string        // the badge's image, when this Laurel serves it
	IssuerURL   string        // the issuer's web site, an http(s) URL
	// Recipient is "match" or "mismatch" when an address was checked;
	// RecipientKind says how the credential names its recipient: "hashed"
	// (an e-mail fingerprint, never shown), "id" or "".
	Recipient, RecipientKind string
	Dates                    []shownDate
	CheckedAt                shownDate
	Checks                   []checkRow
}

// maxKeptText bounds the pasted credential the page gives back in its
// form: a JWT or JSON credential is far smaller; a larger paste is not
// worth sending back.
const maxKeptText = 256 << 10

// handleVerifyPage shows the verify form, and a report when the page was
// posted to or opened with ?credential=<url> (as QR codes and badge links
// do). The report comes first, the form after it.
func (s *Server) handleVerifyPage(c echo.Context) error {
	d := verifyPage{page: page{Title: "Verify an Open Badge", Description: "Check any Open Badges 3.0 credential and see every check.",
		CanonicalURL: s.urls.Base() + "/verify"}}
	s.setLaurelPreview(&d.page)
	var in verifier.Input
	var err error
	switch {
	case c.Request().Method == http.MethodPost:
		in, err = s.verifyForm(c)
		if text := c.FormValue("credential"); err == nil && len(text) <= maxKeptText {
			d.Credential = text
		}
	case c.QueryParam("credential") != "":
		in = verifier.Input{URL: c.QueryParam("credential"), Email: c.QueryParam("email")}
	default:
		return s.renderPage(c, http.StatusOK, "verify", d)
	}
	d.Checked, d.URL, d.Email = true, in.URL, in.Email
	if err == nil {
		var rep *verifier.Report
		if rep, err = s.verify(c.Request().Context(), in); err == nil {
			err = s.reportView(c.Request().Context(), &d, rep)
		}
	}
	status := http.StatusOK
	if err != nil {
		p := toProblem(err)
		if p.Status >= 500 {
			return err
		}
		d.Error, status = p.Detail, p.Status
	}
	return s.renderPage(c, status, "verify", d)
}

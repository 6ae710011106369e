package api

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// uploadedImage reads the form's file "image", bounded by the route's
// limit, and checks it as the API does: a PNG or an SVG, well formed,
// within the image limits. The file's declared type is checked against
// its content when it declares one of the two.
func (s *Server) uploadedImage(c echo.Context) (*badges.Image, error) {
	fh, data, err := s.uploadedFile(c, "image", "Choose a PNG or SVG file to upload.")
	if err != nil {
		return nil, err
	}
	declared := strings.ToLower(fh.Header.Get(echo.HeaderContentType))
	if !strings.HasPrefix(declared, string(badges.ImagePNG)) && !strings.HasPrefix(declared, string(badges.ImageSVG)) {
		declared = "" // application/octet-stream and the like: the content says
	}
	f, err := badges.ValidateImage(data, declared, s.cfg.ImageLimit)
	if err != nil {
		return nil, err
	}
	return badges.NewImage(data, f), nil
}

// uploadedFile reads the form's file field, bounded by the route's limit;
// missing is the message when no file was chosen.
func (s *Server) uploadedFile(c echo.Context, field, missing string) (*multipart.FileHeader, []byte, error) {
	fh, err := c.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil, badges.FieldErrorf(field, "%s", missing)
	}
	if err != nil {
		return nil, nil, s.readFailure(c, err, "upload")
	}
	data, err := readUpload(fh, s.bodyLimitOf(c))
	return fh, data, err
}

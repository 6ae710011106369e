package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// readBody reads the whole request body, within its route's limit.
func (s *Server) readBody(c echo.Context) ([]byte, error) {
	b, err := io.ReadAll(c.Request().Body) // bounded by bodyLimit
	if err != nil {
		return nil, s.readFailure(c, err, "request body")
	}
	return b, nil
}

// readFailure explains why the request body, or the upload in it, could
// not be read: it is larger than its route's limit, it did not arrive
// within the route's time limit, or it was broken off.
func (s *Server) readFailure(c echo.Context, err error, noun string) error {
	rt, _ := s.route(c)
	switch {
	case isTooLarge(err):
		return badges.Errorf(badges.ETOOLARGE, "The %s is larger than %d bytes.", noun, rt.limits.body)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return badges.Errorf(eRequestTimeout, "The %s did not arrive within this endpoint's time limit of %s.", noun, rt.timeout)
	}
	return badges.Errorf(badges.EINVALID, "The %s could not be read.", noun)
}

// isTooLarge reports whether reading failed at a body limit set with
// http.MaxBytesReader.
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// readUpload reads a form's uploaded file, refusing more than limit bytes.
func readUpload(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	if fh.Size > limit {
		return nil, badges.Errorf(badges.ETOOLARGE, "The uploaded file is larger than %d bytes.", limit)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, badges.FieldErrorf("file", "The uploaded file cannot be read.")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit))
	if err != nil {
		return nil, badges.FieldErrorf("file", "The uploaded file cannot be read.")
	}
	return b, nil
}

// mediaType is the request's Content-Type without parameters, lower-case.
func mediaType(c echo.Context) string {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil {
		return ""
	}
	return mt
}

func unsupportedMedia(got string, want ...string) error {
	if got == "" {
		got = "none"
	}
	return &badges.Error{Code: eUnsupportedMedia, Message: fmt.Sprintf("Content-Type %s is not accepted here; send %s.", got, strings.Join(want, " or "))}
}

// decodeJSON reads a JSON object into v strictly: the body must be JSON,
// within its route's limit, a single value, with no field v does not have.
func (s *Server) decodeJSON(c echo.Context, v any) error {
	if mt := mediaType(c); mt != echo.MIMEApplicationJSON {
		return unsupportedMedia(mt, echo.MIMEApplicationJSON)
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	return decodeBody(body, v)
}

// decodeBody decodes a JSON request body read already into v, as
// decodeJSON does.
func decodeBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badges.Errorf(badges.EINVALID, "The request body is empty; send a JSON object.")
	}
	return decodeStrict(body, v)
}

// decodeStrict decodes body, one JSON value, into v: with no field v does
// not have, and nothing after the value, not even a stray bracket (which
// the decoder's More would let through).
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badges.Errorf(badges.EINVALID, "The request body has data after the JSON value.")
	}
	return nil
}

// jsonError explains a decoding failure, naming the field when it can.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return badges.Errorf(badges.EINVALID, "The request body is not valid JSON (at byte %d): %v.", syn.Offset, syn)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badges.Errorf(badges.EINVALID, "The request body must be a JSON object, not %s.", typ.Value)
		}
		return badges.FieldErrorf(typ.Field, "The field %q must be %s, not %s.", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badges.Errorf(badges.EINVALID, "The request body is truncated JSON.")
	}
	// encoding/json reports an unknown field only as text, with no typed
	// error to match; its wording has been stable since Go 1.10.
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f, _ = strconv.Unquote(f)
		return badges.FieldErrorf(f, "The request body has an unknown field %q.", f)
	}
	return badges.Errorf(badges.EINVALID, "The request body is not valid JSON: %v.", err)
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return "a number"
}

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// listParams reads limit and cursor.
func listParams(c echo.Context) (badges.ListOptions, error) {
	o := badges.ListOptions{Cursor: c.QueryParam("cursor")}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return o, badges.FieldErrorf("limit", "The query parameter \"limit\" must be a whole number from 1 to %d.", badges.MaxPageSize)
		}
		o.Limit = n
	}
	return o, o.Normalize()
}

// negotiate picks the offer the Accept header ranks highest; ties go to
// the earlier offer, and an empty header takes the first.
func negotiate(accept string, offers ...string) string {
	if strings.TrimSpace(accept) == "" {
		return offers[0]
	}
	best, bestQ := "", 0.0
	for _, offer := range offers {
		q := 0.0
		for _, part := range strings.Split(accept, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			pq := 1.0
			if v, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					pq = f
				}
			}
			if matchMedia(mt, offer) && pq > q {
				q = pq
			}
		}
		if q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best
}

func matchMedia(pattern, offer string) bool {
	if pattern == "*/*" || pattern == offer {
		return true
	}
	typ, sub, _ := strings.Cut(pattern, "/")
	otyp, _, _ := strings.Cut(offer, "/")
	return sub == "*" && typ == otyp
}

// created answers 201 with a Location header.
func created(c echo.Context, location string, v any) error {
	c.Response().Header().Set(echo.HeaderLocation, location)
	return c.JSON(http.StatusCreated, v)
}
